"""Rows of the CSV exports, read in chunks so a large production streams.

Each `*_csv_rows` function returns an iterator of rows (lists of cells), the
header row first. The columns, their order and their formatting follow the CSV
exports of the Kitsu API 0.20.73 (zou), so the CSV imports read an exported
file back unchanged.
Each export runs a fixed number of queries per chunk of `CHUNK_SIZE` rows.
"""

import csv
import datetime
import json
import zoneinfo

from django.db.models import F, Prefetch
from django.utils.text import slugify

from accounts.models import Person
from imports.services.csv_reader import MAIN_PACK
from productions.models import Entity, EntityLink, MetadataDescriptor, Project, Task, TaskType, TimeSpent
from productions.models.entity import TEMPORAL_ENTITY_TYPES
from productions.services.projects import OPEN_STATUS

CHUNK_SIZE = 1000
DELIMITER = ";"
# Time spent is stored in minutes and exported in days of 8 hours.
MINUTES_PER_DAY = 8 * 60
# The time-spent export keeps the projects whose status has one of these names.
OPEN_STATUS_NAMES = ("Active", "open", "Open")


class EchoBuffer:
    """A file-like object whose `write` returns the text, so `csv.writer` can feed a generator."""

    def write(self, text):
        return text


def csv_lines(rows):
    """Yield each row as one `;`-separated CSV line."""
    writer = csv.writer(EchoBuffer(), delimiter=DELIMITER)
    for row in rows:
        yield writer.writerow(row)


def csv_file_name(name):
    """Return the download name of an export: `kitsu_` and the name with underscores."""
    return f"kitsu_{slugify(str(name)).replace('-', '_')}.csv"


def nulls_first(field):
    """Sort rows without that parent first, on SQLite and PostgreSQL alike."""
    return F(field).asc(nulls_first=True)


def date_cell(value):
    return value.strftime("%Y-%m-%d") if value is not None else ""


# ---- global exports -----------------------------------------------------------------


def persons_csv_rows():
    yield ["Last Name", "First Name", "Email", "Phone", "Role", "Contract Type", "Active"]
    persons = Person.objects.filter(is_bot=False).order_by("last_name", "first_name")
    for person in persons.iterator(chunk_size=CHUNK_SIZE):
        yield [
            person.last_name,
            person.first_name,
            person.email,
            person.phone,
            person.role,
            person.contract_type,
            "yes" if person.active else "no",
        ]


def projects_csv_rows():
    yield ["Name", "Status"]
    projects = Project.objects.values_list("name", "project_status__name").order_by("name")
    for name, status_name in projects.iterator(chunk_size=CHUNK_SIZE):
        yield [name, status_name]


def task_types_csv_rows():
    """Yield the task types that have a department, sorted by department and name."""
    yield ["Department", "Name"]
    task_types = (
        TaskType.objects.filter(department__isnull=False)
        .values_list("department__name", "name")
        .order_by("department__name", "name")
    )
    for department_name, name in task_types.iterator(chunk_size=CHUNK_SIZE):
        yield [department_name, name]


TASK_HEADERS = [
    "Project",
    "Task Type",
    "Episode",
    "Sequence",
    "Entity Type",
    "Entity",
    "Assigner",
    "Assignees",
    "Duration",
    "Estimation",
    "Start date",
    "Due date",
    "WIP date",
    "Validation date",
    "Task Status",
]


def tasks_csv_rows(*, project=None):
    """Yield the tasks of the open projects (or of `project` only)."""
    yield TASK_HEADERS
    tasks = (
        Task.objects.filter(project__project_status__name=OPEN_STATUS)
        .select_related(
            "project",
            "task_type",
            "task_status",
            "entity__entity_type",
            "entity__parent__parent",
            "assigner",
        )
        .prefetch_related(Prefetch("assignees", queryset=Person.objects.order_by("last_name", "first_name")))
        .order_by(
            "project__name",
            "task_type__name",
            nulls_first("entity__parent__parent__name"),
            nulls_first("entity__parent__name"),
            "entity__entity_type__name",
            "entity__name",
            "id",
        )
    )
    if project is not None:
        tasks = tasks.filter(project=project)
    for task in tasks.iterator(chunk_size=CHUNK_SIZE):
        sequence = task.entity.parent
        episode = sequence.parent if sequence is not None else None
        yield [
            task.project.name,
            task.task_type.name,
            episode.name if episode is not None else "",
            sequence.name if sequence is not None else "",
            task.entity.entity_type.name,
            task.entity.name,
            task.assigner.full_name if task.assigner is not None else "",
            ", ".join(person.full_name for person in task.assignees.all()),
            task.duration,
            task.estimation,
            date_cell(task.start_date),
            date_cell(task.due_date),
            date_cell(task.real_start_date),
            date_cell(task.end_date),
            task.task_status.name,
        ]


def time_spents_file_name(user):
    """Return the time-spent export name, dated with today in the caller's time zone."""
    try:
        zone = zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = datetime.UTC
    today = datetime.datetime.now(zone).date()
    return csv_file_name(f"{today.isoformat()} open projects time spents export")


def full_entity_name(entity):
    """Return a shot as `Episode / Sequence / Shot` (or `Sequence / Shot`), any other entity by its name."""
    if entity.entity_type.name != "Shot" or entity.parent is None:
        return entity.name
    sequence = entity.parent
    names = [sequence.name, entity.name]
    if sequence.parent is not None:
        names.insert(0, sequence.parent.name)
    return " / ".join(names)


def time_spents_csv_rows(*, project=None):
    """Yield the time spent on the tasks of the open projects (or of `project` only)."""
    yield ["Project", "Person", "Entity Type Name", "Entity", "Task Type", "Date", "Time spent"]
    time_spents = (
        TimeSpent.objects.filter(task__project__project_status__name__in=OPEN_STATUS_NAMES)
        .select_related(
            "person",
            "task__project",
            "task__task_type",
            "task__entity__entity_type",
            "task__entity__parent__parent",
        )
        .order_by(
            "date",
            "person__last_name",
            "task__project__name",
            "task__entity__entity_type__name",
            "task__entity__name",
            "id",
        )
    )
    if project is not None:
        time_spents = time_spents.filter(task__project=project)
    for time_spent in time_spents.iterator(chunk_size=CHUNK_SIZE):
        task = time_spent.task
        yield [
            task.project.name,
            time_spent.person.full_name,
            task.entity.entity_type.name,
            full_entity_name(task.entity),
            task.task_type.name,
            date_cell(time_spent.date),
            time_spent.duration,
        ]


# ---- entities of a project, with their tasks ------------------------------------------------


def metadata_columns(project, entity_type_name, *, for_client=False):
    """Return the (name, field name, data type) of the project's metadata descriptors for this entity type.

    With `for_client`, only the descriptors shared with clients are returned.
    """
    descriptors = MetadataDescriptor.objects.filter(project=project, entity_type=entity_type_name)
    if for_client:
        descriptors = descriptors.filter(for_client=True)
    descriptors = descriptors.order_by("name", "id")
    return list(descriptors.values_list("name", "field_name", "data_type"))


def metadata_cell(value, data_type):
    if data_type == "boolean":
        return "true" if str(value).lower() == "true" else "false"
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return value


def task_type_columns(entities):
    """Return the names of the task types of these entities' tasks, sorted by priority and name."""
    task_types = TaskType.objects.filter(tasks__entity__in=entities).distinct().order_by("priority", "name")
    return list(task_types.values_list("name", flat=True).distinct())


def time_spent_days(tasks):
    minutes = sum(task.duration or 0 for task in tasks)
    return "%.2f" % (minutes / MINUTES_PER_DAY)


def task_cells(tasks, columns):
    """Return a (status short name, assignee names) pair of cells per task type column."""
    by_type = {}
    for task in tasks:
        names = ",".join(person.full_name for person in task.assignees.all())
        by_type[task.task_type.name] = [task.task_status.short_name, names]
    cells = []
    for column in columns:
        cells.extend(by_type.get(column, ["", ""]))
    return cells


def entity_headers(base_headers, descriptors, columns):
    headers = list(base_headers) + [name for name, _, _ in descriptors]
    for column in columns:
        headers.extend([column, "Assignations"])
    return headers


def with_tasks(entities):
    tasks = Task.objects.select_related("task_type", "task_status").prefetch_related(
        Prefetch("assignees", queryset=Person.objects.order_by("last_name", "first_name"))
    )
    return entities.prefetch_related(Prefetch("tasks", queryset=tasks))


def entity_rows(entities, descriptors, columns, first_cells):
    """Yield each entity's row: `first_cells(entity, tasks)`, its metadata, then its task columns."""
    for entity in with_tasks(entities).iterator(chunk_size=CHUNK_SIZE):
        tasks = list(entity.tasks.all())
        data = entity.data or {}
        row = first_cells(entity, tasks)
        row.extend(metadata_cell(data.get(field_name, ""), data_type) for _, field_name, data_type in descriptors)
        row.extend(task_cells(tasks, columns))
        yield row


def project_assets(project, *, episode_id=None):
    assets = Entity.objects.filter(project=project).exclude(entity_type__name__in=TEMPORAL_ENTITY_TYPES)
    if episode_id == "main":
        assets = assets.filter(source__isnull=True)
    elif episode_id not in (None, "all"):
        cast_in_episode = EntityLink.objects.filter(entity_in_id=episode_id).values("entity_out_id")
        assets = assets.filter(source_id=episode_id) | assets.filter(pk__in=cast_in_episode)
    return assets


def assets_csv_rows(*, project, episode_id=None, for_client=False):
    """Yield the project's assets sorted by type and name, with metadata and task columns."""
    assets = project_assets(project, episode_id=episode_id)
    descriptors = metadata_columns(project, "Asset", for_client=for_client)
    columns = task_type_columns(assets)
    # Kitsu 0.20.73 writes no Episode column, so importing its file back moves a TV show's assets to the
    # main pack. This export adds the column for TV shows: the episode name, or `MP` for the main pack.
    is_tv_show = project.production_type == "tvshow"
    base_headers = ["Project", "Type", "Name", "Description", "Time Spent"]
    if is_tv_show:
        base_headers.insert(1, "Episode")
    yield entity_headers(base_headers, descriptors, columns)

    def first_cells(asset, tasks):
        cells = [project.name, asset.entity_type.name, asset.name, asset.description, time_spent_days(tasks)]
        if is_tv_show:
            cells.insert(1, asset.source.name if asset.source is not None else MAIN_PACK)
        return cells

    ordered = assets.select_related("entity_type", "source").order_by("entity_type__name", "name", "id")
    yield from entity_rows(ordered, descriptors, columns, first_cells)


def shots_csv_rows(*, project, episode_id=None, for_client=False):
    """Yield the project's shots sorted by episode, sequence and name, with frames, metadata and task columns."""
    shots = Entity.objects.filter(project=project, entity_type__name="Shot")
    if episode_id not in (None, "all"):
        shots = shots.filter(parent__parent_id=episode_id)
    descriptors = metadata_columns(project, "Shot", for_client=for_client)
    columns = task_type_columns(shots)
    base_headers = [
        "Project",
        "Episode",
        "Sequence",
        "Name",
        "Description",
        "Time Spent",
        "Frames",
        "Frame In",
        "Frame Out",
        "FPS",
    ]
    yield entity_headers(base_headers, descriptors, columns)

    def first_cells(shot, tasks):
        sequence = shot.parent
        episode = sequence.parent if sequence is not None else None
        data = shot.data or {}
        return [
            project.name,
            episode.name if episode is not None else "",
            sequence.name if sequence is not None else "",
            shot.name,
            shot.description,
            time_spent_days(tasks),
            shot.nb_frames,
            data.get("frame_in", ""),
            data.get("frame_out", ""),
            data.get("fps", ""),
        ]

    ordered = shots.select_related("parent__parent").order_by(
        nulls_first("parent__parent__name"), nulls_first("parent__name"), "name", "id"
    )
    yield from entity_rows(ordered, descriptors, columns, first_cells)


def edits_csv_rows(*, project, for_client=False):
    """Yield the project's edits sorted by episode and name, with metadata and task columns."""
    edits = Entity.objects.filter(project=project, entity_type__name="Edit")
    descriptors = metadata_columns(project, "Edit", for_client=for_client)
    columns = task_type_columns(edits)
    yield entity_headers(["Project", "Episode", "Name", "Description", "Time Spent"], descriptors, columns)

    def first_cells(edit, tasks):
        episode = edit.parent
        episode_name = episode.name if episode is not None else ""
        return [project.name, episode_name, edit.name, edit.description, time_spent_days(tasks)]

    ordered = edits.select_related("parent").order_by(nulls_first("parent__name"), "name", "id")
    yield from entity_rows(ordered, descriptors, columns, first_cells)


# ---- casting ---------------------------------------------------------------------------------------


def casting_links(project):
    return EntityLink.objects.filter(entity_in__project=project).select_related(
        "entity_in__entity_type",
        "entity_in__parent__parent",
        "entity_in__source",
        "entity_out__entity_type",
    )


def link_cells(link):
    return [link.entity_out.entity_type.name, link.entity_out.name, link.nb_occurences, link.label or ""]


def shot_casting_rows(project, *, is_tv_show, episode_id):
    links = casting_links(project).filter(entity_in__entity_type__name="Shot", entity_in__parent__isnull=False)
    order = ["entity_in__parent__name", "entity_in__name", "entity_out__entity_type__name", "entity_out__name", "id"]
    if is_tv_show:
        links = links.filter(entity_in__parent__parent__isnull=False)
        if episode_id is not None:
            links = links.filter(entity_in__parent__parent_id=episode_id)
        order.insert(0, "entity_in__parent__parent__name")
    for link in links.order_by(*order).iterator(chunk_size=CHUNK_SIZE):
        shot = link.entity_in
        row = [shot.parent.name, shot.name, *link_cells(link)]
        if is_tv_show:
            row.insert(0, shot.parent.parent.name)
        yield row


ASSET_CASTING_ORDER = (
    "entity_in__entity_type__name",
    "entity_in__name",
    "entity_out__entity_type__name",
    "entity_out__name",
    "id",
)


def asset_casting_links(project):
    """Links whose parent is an asset of the project, sorted by parent type, parent and cast asset."""
    links = casting_links(project).exclude(entity_in__entity_type__name__in=TEMPORAL_ENTITY_TYPES)
    return links.order_by(*ASSET_CASTING_ORDER)


def asset_casting_rows(project, *, is_tv_show, episode_id):
    links = asset_casting_links(project)
    if is_tv_show:
        links = links.filter(entity_in__source__isnull=False)
        if episode_id is not None:
            links = links.filter(entity_in__source_id=episode_id)
        links = links.order_by("entity_in__source__name", *ASSET_CASTING_ORDER)
    for link in links.iterator(chunk_size=CHUNK_SIZE):
        parent = link.entity_in
        row = [parent.entity_type.name, parent.name, *link_cells(link)]
        if is_tv_show:
            row.insert(0, parent.source.name)
        yield row
    if is_tv_show:
        yield from main_pack_casting_rows(project)


def main_pack_casting_rows(project):
    """Yield the casting of the assets of the main pack (assets of no episode), in the `MP` episode."""
    links = asset_casting_links(project).filter(entity_in__source__isnull=True)
    for link in links.iterator(chunk_size=CHUNK_SIZE):
        yield [MAIN_PACK, link.entity_in.entity_type.name, link.entity_in.name, *link_cells(link)]


def episode_casting_rows(project):
    """Yield the assets cast in each episode, the episode in the Name column."""
    links = casting_links(project).filter(entity_in__entity_type__name="Episode")
    order = ("entity_in__name", "entity_out__entity_type__name", "entity_out__name", "id")
    for link in links.order_by(*order).iterator(chunk_size=CHUNK_SIZE):
        yield ["Episode", link.entity_in.name, *link_cells(link)]


def casting_csv_rows(*, project, episode_id=None, is_shot_casting=False):
    """Yield the casting of a project's shots or assets.

    `episode_id` is an episode id, `main` (the assets of no episode) or `all`
    (the assets cast in each episode). TV shows get a leading Episode column,
    except with `all`.
    """
    is_tv_show = project.production_type == "tvshow"
    headers = ["Parent", "Name", "Asset Type", "Asset", "Occurences", "Label"]
    with_episode_column = is_tv_show and episode_id != "all"
    yield ["Episode", *headers] if with_episode_column else headers

    if episode_id == "main":
        rows = main_pack_casting_rows(project)
        if not with_episode_column:
            rows = (row[1:] for row in rows)
        yield from rows
    elif episode_id == "all":
        yield from episode_casting_rows(project)
    elif is_shot_casting:
        yield from shot_casting_rows(project, is_tv_show=is_tv_show, episode_id=episode_id)
    else:
        yield from asset_casting_rows(project, is_tv_show=is_tv_show, episode_id=episode_id)
