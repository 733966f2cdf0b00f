"""Runners of the CSV imports (assets, shots, edits, casting, estimations, persons), registered with `register_import`.

Each runner reads the sheet, then writes each row in its own savepoint, so a bad
row is reported with its file line and never leaves half a row behind. Lookups
of entity types, task types, task statuses, persons, parents and existing
entities are loaded once per job and cached, so the per-row cost is the writes
of that row.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accounts.models import Department, Organisation, Person, Studio
from imports.services.csv_reader import MAIN_PACK, CsvReadError, read_csv
from imports.services.jobs import register_import
from kitsu_project.api.serialization import serialize_row
from productions.models import (
    Comment,
    Entity,
    EntityLink,
    EntityType,
    MetadataDescriptor,
    Task,
    TaskStatus,
    TaskTypeAssetTypeLink,
)
from productions.services.casting import links_recount, shot_casting_stats_refresh
from productions.services.tasks import default_status_for

logger = logging.getLogger("imports.csv")

TRUE_CELLS = {"true", "yes", "y", "1", "on", "t"}
FALSE_CELLS = {"false", "no", "n", "0", "off", "f"}


class RowError(Exception):
    """A bad cell: the row is skipped and reported with `column`."""

    def __init__(self, message, *, column=None):
        super().__init__(message)
        self.message = message
        self.column = column


class CsvImportContext:
    """Lookups of one import job, each loaded once and reused for every row."""

    def __init__(self, job, kind):
        self.job = job
        self.project = job.project
        self.person = job.person
        self.kind = kind
        self.entity_types = {entity_type.name: entity_type for entity_type in EntityType.objects.all()}
        self.task_types = list(self.project.task_types.filter(for_entity=kind).order_by("name"))
        self.asset_type_task_types = {}
        for asset_type_id, task_type_id in TaskTypeAssetTypeLink.objects.values_list("asset_type_id", "task_type_id"):
            self.asset_type_task_types.setdefault(asset_type_id, set()).add(task_type_id)
        self.statuses = {}
        for status in TaskStatus.objects.filter(archived=False, for_concept=False):
            self.statuses.setdefault(status.name.lower(), status)
            self.statuses.setdefault(status.short_name.lower(), status)
        self.default_status = default_status_for(kind)
        self.descriptors = {
            descriptor.name: descriptor
            for descriptor in MetadataDescriptor.objects.filter(project=self.project, entity_type=kind)
        }
        self.persons = None
        self.reload()

    def reload(self):
        """Load the project's entities and their tasks, {entity id: {task type id: task}}, from the database."""
        self.entities = {}
        for entity in Entity.objects.filter(project=self.project).select_related("entity_type"):
            self.entities[(entity.entity_type.name, entity.parent_id, entity.name)] = entity
        self.tasks = {}
        for task in Task.objects.filter(project=self.project, task_type__in=self.task_types):
            self.tasks.setdefault(task.entity_id, {})[task.task_type_id] = task

    def entity_type(self, name):
        """Return the entity type `name`, creating it (asset types are global) when it does not exist."""
        if name not in self.entity_types:
            self.entity_types[name] = EntityType.objects.create(name=name)
        return self.entity_types[name]

    def parent(self, type_name, name, parent=None):
        """Return the episode or sequence `name` under `parent`, creating it when missing."""
        key = (type_name, parent.pk if parent else None, name)
        if key not in self.entities:
            entity = Entity.objects.create(
                name=name,
                project=self.project,
                entity_type=self.entity_type(type_name),
                parent=parent,
                created_by=self.person,
            )
            self.entities[key] = entity
        return self.entities[key]

    def status(self, value, column):
        status = self.statuses.get(value.lower())
        if status is None:
            raise RowError(f"Task status not found for {value}.", column=column)
        return status

    def find_person(self, value, column):
        if self.persons is None:
            self.persons = {}
            for person in Person.objects.all():
                self.persons.setdefault(f"{person.first_name} {person.last_name}".strip().lower(), person)
                if person.email:
                    self.persons.setdefault(person.email.lower(), person)
        person = self.persons.get(value.strip().lower())
        if person is None:
            raise RowError(f"Person not found for {value!r} (give a full name or an e-mail).", column=column)
        return person


def metadata_from_row(context, row):
    """Return the `data` values of the row's columns named after the project's metadata descriptors."""
    data = {}
    for name, descriptor in context.descriptors.items():
        if name not in row:
            continue
        value = row[name]
        if descriptor.data_type == "boolean" and value != "":
            lowered = value.lower()
            if lowered not in TRUE_CELLS | FALSE_CELLS:
                raise RowError(f"Invalid boolean {value!r}: use true or false.", column=name)
            value = "true" if lowered in TRUE_CELLS else "false"
        data[descriptor.field_name] = value
    return data


def task_types_for(context, entity):
    """Return the task types whose tasks a new entity gets: an asset type may restrict them."""
    if context.kind != "Asset":
        return context.task_types
    allowed = context.asset_type_task_types.get(entity.entity_type_id)
    if not allowed:
        return context.task_types
    return [task_type for task_type in context.task_types if task_type.pk in allowed]


def task_cells(context, row):
    """Read and check the task status and assignation cells of a row, before anything is written."""
    cells = []
    for task_type in context.task_types:
        status_value = row.get(task_type.name, "")
        status = context.status(status_value, task_type.name) if status_value else None
        column = f"{task_type.name} assignations"
        names = [name for name in row.get(column, "").split(",") if name.strip()]
        assignees = [context.find_person(name, column) for name in names]
        comment = row.get(f"{task_type.name} comment", "")
        cells.append((task_type, status, assignees, comment))
    return cells


def tasks_write(context, entity, is_new, cells):
    """Create the entity's missing tasks, then apply the status and assignation cells of its row.

    A new entity gets a task per task type; an existing one only for the task
    types whose status or assignation cell is filled in.
    """
    allowed_ids = {task_type.pk for task_type in task_types_for(context, entity)}
    if not is_new:
        filled = {task_type.pk for task_type, status, assignees, _ in cells if status is not None or assignees}
        allowed_ids &= filled
    existing = {} if is_new else context.tasks.get(entity.pk, {})
    new_tasks = [
        Task(
            name="main",
            project=context.project,
            entity=entity,
            task_type=task_type,
            task_status=context.default_status,
            assigner=context.person,
        )
        for task_type in context.task_types
        if task_type.pk in allowed_ids and task_type.pk not in existing
    ]
    if new_tasks:
        Task.objects.bulk_create(new_tasks)
    tasks = {**existing, **{task.task_type_id: task for task in new_tasks}}
    context.tasks[entity.pk] = tasks
    for task_type, status, assignees, comment in cells:
        task = tasks.get(task_type.pk)
        if task is None:
            continue
        if status is not None and status.pk != task.task_status_id:
            Comment.objects.create(
                object_id=task.pk, object_type="Task", text=comment, task_status=status, person=context.person
            )
            task.task_status = status
            task.save(update_fields=["task_status", "updated_at"])
        if assignees:
            task.assignees.add(*assignees)


def entity_save(context, *, key, fields, data, update):
    """Create the entity of `key`, or update it when `update` is set, and return it with whether it is new."""
    entity = context.entities.get(key)
    if entity is None:
        entity = Entity.objects.create(project=context.project, created_by=context.person, data=data, **fields)
        context.entities[key] = entity
        return entity, True
    if update:
        for name, value in fields.items():
            setattr(entity, name, value)
        entity.data = {**(entity.data or {}), **data}
        entity.save()
    return entity, False


def asset_row(context, row):
    name = row.get("Name", "")
    if not name:
        raise RowError("The asset name is missing.", column="Name")
    type_name = row.get("Type", "")
    if not type_name:
        raise RowError("The asset type is missing: fill in the Type column.", column="Type")
    cells = task_cells(context, row)
    data = metadata_from_row(context, row)
    entity_type = context.entity_type(type_name)
    fields = {"name": name, "entity_type": entity_type}
    if "Description" in row:
        fields["description"] = row["Description"]
    episode_name = row.get("Episode", "")
    if context.project.production_type == "tvshow" and episode_name and episode_name != MAIN_PACK:
        fields["source"] = context.parent("Episode", episode_name)
    return (type_name, None, name), fields, data, cells


def shot_row(context, row):
    name = row.get("Name", "")
    if not name:
        raise RowError("The shot name is missing.", column="Name")
    sequence_name = row.get("Sequence", "")
    if not sequence_name:
        raise RowError("The sequence name is missing.", column="Sequence")
    cells = task_cells(context, row)
    data = metadata_from_row(context, row)

    episode = None
    if context.project.production_type == "tvshow":
        episode_name = row.get("Episode", "")
        if not episode_name:
            raise RowError("The episode name is missing: a TV show's shots need one.", column="Episode")
        episode = context.parent("Episode", episode_name)
    sequence = context.parent("Sequence", sequence_name, episode)

    fields = {"name": name, "entity_type": context.entity_type("Shot"), "parent": sequence}
    if "Description" in row:
        fields["description"] = row["Description"]
    nb_frames = row.get("Nb Frames") or row.get("Frames")
    if nb_frames:
        try:
            fields["nb_frames"] = int(nb_frames)
        except ValueError:
            raise RowError(f"Invalid frame count {nb_frames!r}: expected a whole number.", column="Nb Frames") from None

    # Frame data stays text, as Zou 0.20.73 stores it from CSV (Zou 1.x stores integers).
    for key, columns in (("frame_in", ("Frame In", "In")), ("frame_out", ("Frame Out", "Out")), ("fps", ("FPS",))):
        value = next((row[column] for column in columns if row.get(column)), "")
        if value:
            data[key] = value
    return ("Shot", sequence.pk, name), fields, data, cells


def entities_import(job, content, report, *, kind, read_row, required):
    """Import one entity per data row with `read_row`, each row in its own savepoint."""
    try:
        sheet = read_csv(content)
        sheet.require(*required)
    except CsvReadError as error:
        report.error(line=error.line, message=error.message)
        return
    context = CsvImportContext(job, kind)
    if context.default_status is None:
        report.error(line=None, message="No default task status exists: create one first.")
        return
    for line, row in sheet.rows:
        known_entities = set(context.entities)
        known_types = set(context.entity_types)
        try:
            with transaction.atomic():
                key, fields, data, cells = read_row(context, row)
                entity, is_new = entity_save(context, key=key, fields=fields, data=data, update=job.update_existing)
                # Without `update`, a row that matches an existing entity leaves it and its tasks unchanged.
                if is_new or job.update_existing:
                    tasks_write(context, entity, is_new, cells)
        except (RowError, IntegrityError) as error:
            # The savepoint was rolled back, so forget the rows it created. A RowError is raised
            # before the row's entity and tasks are written, but an IntegrityError may come later.
            context.entity_types = {key: value for key, value in context.entity_types.items() if key in known_types}
            if isinstance(error, IntegrityError):
                context.reload()
            else:
                context.entities = {key: value for key, value in context.entities.items() if key in known_entities}
            column = getattr(error, "column", None)
            message = getattr(error, "message", str(error))
            logger.info("Import job %s: line %s skipped: %s", job.pk, line, message)
            report.error(line=line, column=column, message=message)
            continue
        if is_new:
            report.created += 1
        elif job.update_existing:
            report.updated += 1
        report.rows.append(serialize_row(entity))
    report.log.append(f"{len(sheet.rows)} row(s) read")


@register_import("csv-assets")
def assets_import(job, content, report):
    entities_import(job, content, report, kind="Asset", read_row=asset_row, required=("Name", "Type"))


@register_import("csv-shots")
def shots_import(job, content, report):
    entities_import(job, content, report, kind="Shot", read_row=shot_row, required=("Name", "Sequence"))


# ---- casting -------------------------------------------------------------------


def slug(text):
    return slugify(text or "")


class CastingContext:
    """The project's assets, shots and episodes keyed by slugified names, loaded once per job."""

    def __init__(self, project):
        self.assets = {}
        self.shots = {}
        self.episodes = {}
        entities = list(Entity.objects.filter(project=project).select_related("entity_type", "parent__parent"))
        for entity in entities:
            kind = entity.entity_type.name
            if kind == "Shot" and entity.parent is not None:
                sequence = entity.parent
                episode_name = sequence.parent.name if sequence.parent is not None else ""
                self.shots[(slug(episode_name), slug(sequence.name), slug(entity.name))] = entity
            elif kind == "Episode":
                self.episodes[slug(entity.name)] = entity
            elif entity.entity_type.is_asset_type:
                self.assets[(slug(kind), slug(entity.name))] = entity
        self.links = {
            (link.entity_in_id, link.entity_out_id): link
            for link in EntityLink.objects.filter(entity_in__project=project)
        }

    def target(self, row):
        """Return the shot, asset or episode a casting row names, looked up in that order, or None."""
        episode = row.get("Episode", "")
        if episode == MAIN_PACK:
            episode = ""
        parent, name = slug(row.get("Parent", "")), slug(row.get("Name", ""))
        return (
            self.shots.get((slug(episode), parent, name))
            or self.assets.get((parent, name))
            or (self.episodes.get(name) if parent == "episode" else None)
        )

    def link_save(self, entity, asset, nb_occurences, label):
        """Create or update the link, and return True when it is new."""
        link = self.links.get((entity.pk, asset.pk))
        if link is None:
            link = EntityLink.objects.create(
                entity_in=entity, entity_out=asset, nb_occurences=nb_occurences, label=label
            )
            self.links[(entity.pk, asset.pk)] = link
            return True
        if (link.nb_occurences, link.label) != (nb_occurences, label):
            link.nb_occurences, link.label = nb_occurences, label
            link.save(update_fields=["nb_occurences", "label", "updated_at"])
        return False


@register_import("csv-casting")
def casting_import(job, content, report):
    """Cast the asset of each row in the shot, asset or episode it names. Rows naming an unknown one are skipped."""
    try:
        sheet = read_csv(content)
        sheet.require("Parent", "Name", "Asset Type", "Asset")
    except CsvReadError as error:
        report.error(line=error.line, message=error.message)
        return
    context = CastingContext(job.project)
    changed = set()
    for line, row in sheet.rows:
        occurences = row.get("Occurences", "")
        if occurences and not (occurences.isdigit() and int(occurences) > 0):
            report.error(line=line, column="Occurences", message=f"Invalid occurence count {occurences!r}.")
            continue
        nb_occurences = int(occurences) if occurences else 1
        asset = context.assets.get((slug(row["Asset Type"]), slug(row["Asset"])))
        target = context.target(row)
        report.rows.append(None)
        if asset is None or target is None:
            report.skipped += 1
            report.log.append(f"line {line}: no such asset or target, row skipped")
            continue
        label = slug(row.get("Label", ""))
        with transaction.atomic():
            if context.link_save(target, asset, nb_occurences, label):
                report.created += 1
                changed.add(target.pk)
            else:
                report.updated += 1
            episode = target.parent.parent if target.entity_type.name == "Shot" else None
            if episode is not None and context.link_save(episode, asset, 1, label):
                changed.add(episode.pk)
    links_recount(changed)
    shot_ids = {shot.pk for shot in context.shots.values()}
    shot_casting_stats_refresh([pk for pk in changed if pk in shot_ids])


# ---- estimations ---------------------------------------------------------------


def cell_date(row, column):
    value = row.get(column, "")
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value).date()
    except ValueError:
        raise RowError(f"Invalid date {value!r}: expected YYYY-MM-DD.", column=column) from None


def cell_number(row, column, kind):
    value = row.get(column, "")
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise RowError(f"Invalid number {value!r}.", column=column) from None


def business_days_after(start, days):
    """Return the day `days` business days after `start` (weekends skipped)."""
    day = start
    remaining = max(0, int(round(days)))
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


def as_datetime(day):
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def estimation_fields(row, hours_by_day):
    """Return the task fields a row of the estimations sheet sets."""
    fields = {}
    days = cell_number(row, "Estimation", float)
    if days is not None:
        fields["estimation"] = round(days * hours_by_day * 60)
    drawings = cell_number(row, "Drawings", int)
    if drawings is not None:
        fields["nb_drawings"] = drawings
    difficulty = cell_number(row, "Difficulty", int)
    if difficulty is not None:
        fields["difficulty"] = difficulty
    start = cell_date(row, "Start date")
    due = cell_date(row, "Due date")
    if due is None and start is not None and days:
        due = business_days_after(start, days - 1)
    if start is not None:
        fields["start_date"] = as_datetime(start)
    if due is not None:
        fields["due_date"] = as_datetime(due)
    return fields


@register_import("csv-estimations")
def estimations_import(job, content, report):
    """Set the estimation, dates, difficulty and drawings of the task of `job.task_type` on each row's entity."""
    try:
        sheet = read_csv(content)
        sheet.require("Parent", "Entity")
    except CsvReadError as error:
        report.error(line=error.line, message=error.message)
        return
    task_type = job.task_type
    organisation = Organisation.objects.first()
    hours_by_day = organisation.hours_by_day if organisation else 8
    tasks = Task.objects.filter(project=job.project, task_type=task_type).select_related(
        "entity__entity_type", "entity__parent"
    )
    if task_type.for_entity == "Shot" and job.episode is not None:
        tasks = tasks.filter(entity__parent__parent=job.episode)
    elif job.episode is not None:
        tasks = tasks.filter(entity__source=job.episode)
    by_key = {}
    for task in tasks:
        entity = task.entity
        parent = entity.parent.name if task_type.for_entity == "Shot" and entity.parent else entity.entity_type.name
        by_key[(slug(parent), slug(entity.name))] = task
    for line, row in sheet.rows:
        task = by_key.get((slug(row["Parent"]), slug(row["Entity"])))
        try:
            if task is None:
                raise RowError(
                    f"No {task_type.name} task found for {row['Parent']} / {row['Entity']}.", column="Entity"
                )
            fields = estimation_fields(row, hours_by_day)
        except RowError as error:
            report.error(line=line, column=error.column, message=error.message)
            continue
        for name, value in fields.items():
            setattr(task, name, value)
        if fields:
            task.save(update_fields=[*fields, "updated_at"])
            report.updated += 1
        report.rows.append(None)


# ---- edits ---------------------------------------------------------------------


def edit_row(context, row):
    name = row.get("Name", "")
    if not name:
        raise RowError("The edit name is missing.", column="Name")
    cells = task_cells(context, row)
    data = metadata_from_row(context, row)
    episode = None
    episode_name = row.get("Episode", "")
    if context.project.production_type == "tvshow":
        if episode_name:
            episode = context.parent("Episode", episode_name)
    elif episode_name:
        raise RowError("The project is not a TV show: leave the Episode column empty.", column="Episode")
    fields = {"name": name, "entity_type": context.entity_type("Edit"), "parent": episode}
    if "Description" in row:
        fields["description"] = row["Description"]
    return ("Edit", episode.pk if episode else None, name), fields, data, cells


@register_import("csv-edits")
def edits_import(job, content, report):
    entities_import(job, content, report, kind="Edit", read_row=edit_row, required=("Name",))


# ---- persons -------------------------------------------------------------------

ROLE_LABELS = {
    "studio manager": "admin",
    "admin": "admin",
    "production manager": "manager",
    "manager": "manager",
    "supervisor": "supervisor",
    "artist": "user",
    "user": "user",
    "client": "client",
    "vendor": "vendor",
}
CONTRACT_TYPES = {value for value, _ in Person.CONTRACT_TYPES}
POSITIONS = {value for value, _ in Person.POSITIONS}
SENIORITIES = {value for value, _ in Person.SENIORITIES}


def choice_cell(row, column, choices, labels=None):
    value = row.get(column, "")
    if not value:
        return None
    key = value.lower()
    if labels is not None:
        key = labels.get(key, key)
    if key not in choices:
        raise RowError(f"A value is invalid: {column}: {value}.", column=column)
    return key


def person_fields(row, studios):
    """Return the person columns a row of the persons sheet sets, checked."""
    fields = {"first_name": row.get("First Name", ""), "last_name": row.get("Last Name", "")}
    role = choice_cell(row, "Role", set(ROLE_LABELS.values()), ROLE_LABELS)
    if role:
        fields["role"] = role
    for column, key, choices in (
        ("Contract Type", "contract_type", CONTRACT_TYPES),
        ("Position", "position", POSITIONS),
        ("Seniority", "seniority", SENIORITIES),
    ):
        value = choice_cell(row, column, choices)
        if value:
            fields[key] = value
    if row.get("Phone"):
        fields["phone"] = row["Phone"]
    if row.get("Daily Salary"):
        fields["daily_salary"] = cell_number(row, "Daily Salary", int)
    active = row.get("Active", "").lower()
    if active:
        if active not in TRUE_CELLS | FALSE_CELLS:
            raise RowError(f"A value is invalid: Active: {row['Active']}.", column="Active")
        fields["active"] = active in TRUE_CELLS
    if row.get("Studio"):
        studio = studios.get(row["Studio"].lower())
        if studio is None:
            raise RowError(f"Studio not found: {row['Studio']}.", column="Studio")
        fields["studio"] = studio
    return fields


@register_import("csv-persons")
def persons_import(job, content, report):
    """Create a person per row, matched by e-mail. With `update_existing`, rows overwrite the persons that exist."""
    try:
        sheet = read_csv(content)
        sheet.require("First Name", "Last Name", "Email")
    except CsvReadError as error:
        report.error(line=error.line, message=error.message)
        return
    studios = {studio.name.lower(): studio for studio in Studio.objects.all()}
    departments = {department.name.lower(): department for department in Department.objects.all()}
    persons = {person.email.lower(): person for person in Person.objects.exclude(email=None).exclude(email="")}
    for line, row in sheet.rows:
        email = row["Email"].lower()
        try:
            if not email:
                raise RowError("The e-mail is missing: fill in the Email column.", column="Email")
            fields = person_fields(row, studios)
            names = [name.strip() for name in row.get("Departments", "").split(",") if name.strip()]
            unknown = [name for name in names if name.lower() not in departments]
            if unknown:
                raise RowError(f"Department not found: {', '.join(unknown)}. Create it first.", column="Departments")
        except RowError as error:
            report.error(line=line, column=error.column, message=error.message)
            continue
        person = persons.get(email)
        with transaction.atomic():
            if person is None:
                person = Person(email=row["Email"], **fields)
                person.set_unusable_password()
                person.save()
                persons[email] = person
                report.created += 1
                write = True
            else:
                write = job.update_existing
                if write:
                    for name, value in fields.items():
                        setattr(person, name, value)
                    person.save()
                    report.updated += 1
            if write and "Departments" in row:
                person.departments.set([departments[name.lower()] for name in names])
        report.rows.append(serialize_row(person))
