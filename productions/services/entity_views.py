"""Read shapes of assets, shots, sequences and episodes, as the Kitsu web UI and Gazu read them.

The "with tasks" pages build their response with three queries whatever the number
of rows: one for the entities with their parent and project names, one for the
tasks of those entities, and one for the assignees of those tasks.
"""

from collections import defaultdict

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, TextField
from django.db.models.functions import Cast

from accounts.models import Person
from kitsu_project.api.serialization import format_datetime, serialize_row
from productions.models import Entity, EntityConceptLink, EntityLink, Subscription, Task, TaskPersonLink, TaskType
from productions.models.entity import TEMPORAL_ENTITY_TYPES

TASK_COLUMNS = (
    "id",
    "entity_id",
    "task_type_id",
    "task_status_id",
    "priority",
    "estimation",
    "duration",
    "retake_count",
    "real_start_date",
    "end_date",
    "start_date",
    "due_date",
    "done_date",
    "last_comment_date",
    "last_preview_file_id",
    "difficulty",
    "nb_assets_ready",
    "nb_drawings",
)

# Task shapes of the three "with tasks" responses, which differ slightly in the reference.
ASSET_STYLE = "asset"
SHOT_STYLE = "shot"
ENTITY_STYLE = "entity"


def optional_id(value):
    return None if value is None else str(value)


# ---- querysets ---------------------------------------------------------------


def assets():
    """Entities whose type is an asset type (every type but Shot, Sequence, Episode...)."""
    return Entity.objects.exclude(entity_type__name__in=TEMPORAL_ENTITY_TYPES)


def entities_of_kind(kind):
    """Entities of one structural kind: "Shot", "Sequence", "Episode" or "Scene"."""
    if kind == "Asset":
        return assets()
    return Entity.objects.filter(entity_type__name=kind)


def assigned_to(person, entity_field="pk"):
    """Condition true for entities that have a task assigned to `person`."""
    return Exists(TaskPersonLink.objects.filter(person=person, task__entity=OuterRef(entity_field)))


# ---- tasks of many entities ----------------------------------------------------


def id_column(name):
    """Select a UUID column as text on PostgreSQL, which spares building thousands of UUID objects.

    Other databases return the column as Django converts it, and `IdText` turns it into text.
    """
    if connection.vendor == "postgresql":
        return Cast(name, output_field=TextField())
    return F(name)


UUID_TASK_COLUMNS = {"id", "entity_id", "task_type_id", "task_status_id", "last_preview_file_id"}


def task_columns():
    return [id_column(name) if name in UUID_TASK_COLUMNS else name for name in TASK_COLUMNS]


class IdText(dict):
    """A cache of id -> text: the same few task type, status and entity ids repeat on thousands of rows."""

    def __missing__(self, value):
        text = None if value is None else str(value)
        self[value] = text
        return text


def format_optional_datetime(value):
    return None if value is None else format_datetime(value)


def build_task_row(values, style, id_text):
    (
        task_id,
        entity_id,
        task_type_id,
        task_status_id,
        priority,
        estimation,
        duration,
        retake_count,
        real_start_date,
        end_date,
        start_date,
        due_date,
        done_date,
        last_comment_date,
        last_preview_file_id,
        difficulty,
        nb_assets_ready,
        nb_drawings,
    ) = values
    if style == ASSET_STYLE:
        # The reference sends "" for assets and null for the other kinds when there is no preview.
        preview_id = "" if last_preview_file_id is None else str(last_preview_file_id)
    else:
        preview_id = None if last_preview_file_id is None else str(last_preview_file_id)
    row = {
        "id": str(task_id),
        "duration": duration,
        "due_date": format_optional_datetime(due_date),
        "end_date": format_optional_datetime(end_date),
        "done_date": format_optional_datetime(done_date),
        "entity_id": id_text[entity_id],
        "estimation": estimation,
        "is_subscribed": False,
        "last_comment_date": format_optional_datetime(last_comment_date),
        "last_preview_file_id": preview_id,
        "priority": priority or 0,
        "real_start_date": format_optional_datetime(real_start_date),
        "retake_count": retake_count,
        "start_date": format_optional_datetime(start_date),
        "difficulty": difficulty,
        "task_status_id": id_text[task_status_id],
        "task_type_id": id_text[task_type_id],
        "assignees": [],
    }
    if style == SHOT_STYLE:
        row["nb_assets_ready"] = nb_assets_ready
        row["nb_drawings"] = nb_drawings
    return row


def tasks_by_entity(entity_queryset, *, style, person=None, viewer=None):
    """Return {entity id: [task dicts with assignees]} for the entities of `entity_queryset`, in two queries.

    With `person` (a vendor), only the tasks assigned to that person are kept,
    and their assignee lists show only that person, as the reference does. With
    `viewer`, a third query marks the tasks that person follows as `is_subscribed`.
    """
    entity_ids = entity_queryset.values("pk")
    tasks = Task.objects.filter(entity__in=entity_ids).order_by()
    if person is not None:
        tasks = tasks.filter(Exists(TaskPersonLink.objects.filter(task=OuterRef("pk"), person=person)))

    id_text = IdText()
    by_entity = defaultdict(list)
    # Keyed by the id as the database returned it, which the assignee rows use too.
    by_id = {}
    for values in tasks.values_list(*task_columns()):
        row = build_task_row(values, style, id_text)
        by_id[values[0]] = row
        by_entity[row["entity_id"]].append(row)
    if not by_id:
        return by_entity

    links = TaskPersonLink.objects.filter(task__entity__in=entity_ids).order_by()
    if person is not None:
        links = links.filter(person=person)
    for task_id, person_id in links.values_list(id_column("task_id"), id_column("person_id")):
        row = by_id.get(task_id)
        if row is not None:
            row["assignees"].append(id_text[person_id])
    if viewer is not None:
        followed = Subscription.objects.filter(person=viewer, task__entity__in=entity_ids).order_by()
        for task_id in followed.values_list(id_column("task_id"), flat=True):
            row = by_id.get(task_id)
            if row is not None:
                row["is_subscribed"] = True
    return by_entity


# ---- "with tasks" responses -----------------------------------------------------


def assets_with_tasks(queryset, *, person=None, viewer=None):
    """Build the rows of the asset list page: each asset with its type name and its tasks."""
    rows = []
    columns = (
        "id",
        "name",
        "preview_file_id",
        "description",
        "entity_type__name",
        "entity_type_id",
        "canceled",
        "ready_for_id",
        "source_id",
        "is_casting_standby",
        "is_shared",
        "data",
    )
    ordered = queryset.order_by("entity_type__name", "name", "pk")
    for values in ordered.values_list(*columns):
        (
            entity_id,
            name,
            preview_file_id,
            description,
            type_name,
            type_id,
            canceled,
            ready_for,
            source_id,
            casting_standby,
            shared,
            data,
        ) = values
        rows.append(
            {
                "id": str(entity_id),
                "name": name,
                # The reference sends "" for no preview and no episode, and "None" for no ready-for task type.
                "preview_file_id": str(preview_file_id or ""),
                "description": description,
                "asset_type_name": type_name,
                "asset_type_id": str(type_id),
                "canceled": canceled,
                "ready_for": str(ready_for),
                "episode_id": str(source_id or ""),
                "casting_episode_ids": [],
                "is_casting_standby": casting_standby,
                "is_shared": shared,
                "data": data or {},
                "tasks": [],
            }
        )
    attach_casting_episodes(rows, ordered)
    attach_tasks(rows, ordered, style=ASSET_STYLE, person=person, viewer=viewer)
    return rows


def attach_casting_episodes(rows, queryset):
    """Fill `casting_episode_ids` of each asset row with the episodes it is cast in, in one query."""
    if not rows:
        return
    by_id = {row["id"]: row for row in rows}
    links = EntityLink.objects.filter(entity_out__in=queryset.values("pk"), entity_in__entity_type__name="Episode")
    for asset_id, episode_id in links.order_by("entity_in__name", "entity_in_id").values_list(
        "entity_out_id", "entity_in_id"
    ):
        by_id[str(asset_id)]["casting_episode_ids"].append(str(episode_id))


def shots_with_tasks(queryset, *, person=None, viewer=None):
    """Build the rows of the shot list page: each shot with its sequence, episode and project names and tasks."""
    rows = []
    columns = (
        "id",
        "name",
        "description",
        "canceled",
        "data",
        "nb_frames",
        "parent_id",
        "preview_file_id",
        "project_id",
        "source_id",
        "nb_entities_out",
        "is_casting_standby",
        "entity_type_id",
        "parent__name",
        "parent__parent_id",
        "parent__parent__name",
        "project__name",
    )
    ordered = queryset.order_by("parent__name", "name", "pk")
    for values in ordered.values_list(*columns):
        (
            entity_id,
            name,
            description,
            canceled,
            data,
            nb_frames,
            parent_id,
            preview_file_id,
            project_id,
            source_id,
            nb_entities_out,
            casting_standby,
            type_id,
            sequence_name,
            episode_id,
            episode_name,
            project_name,
        ) = values
        data = data or {}
        rows.append(
            {
                "canceled": canceled,
                "data": data,
                "description": description,
                "entity_type_id": str(type_id),
                "episode_id": optional_id(episode_id),
                "episode_name": episode_name or "",
                "fps": data.get("fps") if isinstance(data, dict) else None,
                "frame_in": data.get("frame_in") if isinstance(data, dict) else None,
                "frame_out": data.get("frame_out") if isinstance(data, dict) else None,
                "id": str(entity_id),
                "name": name,
                "nb_frames": nb_frames,
                "parent_id": optional_id(parent_id),
                "preview_file_id": optional_id(preview_file_id),
                "project_id": str(project_id),
                "project_name": project_name,
                "sequence_id": optional_id(parent_id),
                "sequence_name": sequence_name,
                "source_id": optional_id(source_id),
                "nb_entities_out": nb_entities_out,
                "is_casting_standby": casting_standby,
                "tasks": [],
                "type": "Shot",
            }
        )
    attach_tasks(rows, ordered, style=SHOT_STYLE, person=person, viewer=viewer)
    return rows


def entities_with_tasks(queryset, *, person=None, viewer=None):
    """Build the rows of the sequence and episode list pages: each entity with its tasks."""
    rows = []
    columns = ("id", "name", "status", "parent_id", "description", "data", "preview_file_id", "canceled")
    ordered = queryset.order_by("name", "pk")
    for entity_id, name, status, parent_id, description, data, preview_file_id, canceled in ordered.values_list(
        *columns
    ):
        data = data or {}
        rows.append(
            {
                "id": str(entity_id),
                "name": name,
                "status": status or "running",
                "episode_id": optional_id(parent_id),
                "description": description,
                "frame_in": data.get("frame_in") if isinstance(data, dict) else None,
                "frame_out": data.get("frame_out") if isinstance(data, dict) else None,
                "fps": data.get("fps") if isinstance(data, dict) else None,
                "preview_file_id": str(preview_file_id or ""),
                "canceled": canceled,
                "data": data,
                "tasks": [],
            }
        )
    attach_tasks(rows, ordered, style=ENTITY_STYLE, person=person, viewer=viewer)
    return rows


def attach_tasks(rows, queryset, *, style, person, viewer=None):
    """Fill the `tasks` list of each row; with `person`, drop the rows left without tasks."""
    if not rows:
        return
    by_entity = tasks_by_entity(queryset, style=style, person=person, viewer=viewer)
    for row in rows:
        row["tasks"] = by_entity.get(row["id"], [])
    if person is not None and style != ENTITY_STYLE:
        # A vendor gets only the assets and shots with a task assigned to them.
        rows[:] = [row for row in rows if row["tasks"]]


# ---- detail shapes -------------------------------------------------------------


def with_link_lists(row):
    """Add the relation lists of a detail shape: casting both ways, asset instances and concept links."""
    from productions.services.casting import casting_link_lists

    row.update(casting_link_lists(row["id"]))
    links = EntityConceptLink.objects.filter(entity_in_id=row["id"]).order_by("created_at", "pk")
    row["entity_concept_links"] = [str(pk) for pk in links.values_list("entity_out_id", flat=True)]
    return row


def asset_detail(asset, *, person=None, viewer=None):
    """Build the full asset: its columns, project and type names, episode and tasks."""
    row = with_link_lists(serialize_row(asset))
    row["project_name"] = asset.project.name
    row["asset_type_id"] = str(asset.entity_type_id)
    row["asset_type_name"] = asset.entity_type.name
    del row["source_id"]
    del row["nb_frames"]
    summary = assets_with_tasks(Entity.objects.filter(pk=asset.pk), person=person, viewer=viewer)
    if summary:
        row.update(summary[0])
    else:
        row.update(assets_with_tasks(Entity.objects.filter(pk=asset.pk))[0], tasks=[])
    return row


def shot_detail(shot, *, person=None, viewer=None):
    """Build the full shot: the shot page row with tasks, then every column of the shot."""
    rows = shots_with_tasks(Entity.objects.filter(pk=shot.pk), person=person, viewer=viewer)
    row = rows[0] if rows else {**shots_with_tasks(Entity.objects.filter(pk=shot.pk))[0], "tasks": []}
    row.update(with_link_lists(serialize_row(shot)))
    return row


def sequence_detail(sequence):
    """Serialize a sequence with its project name, and its episode when it has one."""
    row = serialize_row(sequence)
    row["project_name"] = sequence.project.name
    if sequence.parent_id is not None:
        row["episode_id"] = str(sequence.parent_id)
        row["episode_name"] = sequence.parent.name
    return row


def episode_detail(episode):
    row = serialize_row(episode)
    row["project_name"] = episode.project.name
    return row


# ---- plain lists ----------------------------------------------------------------


def serialize_entities(queryset, *, extra=None):
    """Serialize entity rows; `extra(entity)` returns keys to add to each row."""
    rows = []
    for entity in queryset.select_related("entity_type"):
        row = serialize_row(entity)
        if extra is not None:
            row.update(extra(entity))
        rows.append(row)
    return rows


def serialize_shots(queryset):
    """Serialize shots with their project and sequence names, in one query."""
    queryset = queryset.select_related("project", "parent")
    return serialize_entities(
        queryset,
        extra=lambda shot: {
            "project_name": shot.project.name,
            "sequence_name": shot.parent.name if shot.parent_id else None,
        },
    )


def detailed_tasks(queryset, *, relations=False):
    """Serialize tasks with their project, task type, status, entity type and entity names."""
    queryset = queryset.select_related("project", "task_type", "task_status", "entity__entity_type").order_by(
        "project__name", "task_type__name", "entity__entity_type__name", "entity__name", "name", "pk"
    )
    if relations:
        queryset = queryset.prefetch_related(Prefetch("assignees", queryset=Person.objects.only("pk").order_by()))
    rows = []
    for task in queryset:
        row = serialize_row(task, relations=relations)
        row["project_name"] = task.project.name
        row["task_type_name"] = task.task_type.name
        row["task_status_name"] = task.task_status.name
        row["entity_type_name"] = task.entity.entity_type.name
        row["entity_name"] = task.entity.name
        rows.append(row)
    return rows


def task_types_of(task_queryset):
    """Serialize the task types used by the tasks of `task_queryset`."""
    task_types = TaskType.objects.filter(pk__in=task_queryset.values("task_type_id")).order_by(
        "for_entity", "priority", "name"
    )
    return [serialize_row(task_type) for task_type in task_types]
