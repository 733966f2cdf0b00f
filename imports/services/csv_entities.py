"""Writing the rows of an asset, shot or edit sheet into a project, in batches.

The rows of a batch are read and checked in Python first: a bad row is reported
with its file line and column and leaves nothing behind. The entity types,
episodes, sequences, entities, tasks, status comments and assignations of the
good rows are then written together in one savepoint, with a fixed number of
queries per batch whatever its size. The database may reject a batch, for
example when an import running at the same time took one of its names. Then the
savepoint is rolled back and the rows of that batch are written again one by
one, so the good rows are kept and the row at fault is reported.
"""

import logging

from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import Person
from imports.models import ImportJob
from imports.services.csv_reader import CsvReadError, RowError, read_csv
from kitsu_project.api.serialization import serialize_row
from productions.models import (
    Comment,
    Entity,
    EntityType,
    MetadataDescriptor,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskTypeAssetTypeLink,
)
from productions.services.tasks import default_status_for

logger = logging.getLogger("imports.csv")

BATCH_SIZE = 500
TRUE_CELLS = {"true", "yes", "y", "1", "on", "t"}
FALSE_CELLS = {"false", "no", "n", "0", "off", "f"}
ENTITY_NAME_MAX_LENGTH = Entity._meta.get_field("name").max_length
ENTITY_TYPE_NAME_MAX_LENGTH = EntityType._meta.get_field("name").max_length
# The columns a row may set on an entity that exists: what `bulk_update` writes back.
ENTITY_UPDATE_FIELDS = ["name", "entity_type", "parent", "source", "description", "nb_frames", "data", "updated_at"]


def name_cell(row, column, label, max_length=ENTITY_NAME_MAX_LENGTH):
    """Return the name in `column`, or raise RowError when it is missing or longer than the database column."""
    name = row.get(column, "")
    if not name:
        raise RowError(f"The {label} is missing: fill in the {column} column.", column=column)
    if len(name) > max_length:
        raise RowError(f"The {label} is too long ({len(name)} characters, at most {max_length}).", column=column)
    return name


def updated_now(rows):
    """Set `updated_at` of `rows` to now, which `bulk_update` leaves to the caller, and return them as a list."""
    rows = list(rows)
    now = timezone.now()
    for row in rows:
        row.updated_at = now
    return rows


class EntityBatch:
    """The rows written in one savepoint: new rows to insert and loaded rows to update."""

    def __init__(self):
        self.entity_types = []
        self.entities = []
        self.changed_entities = {}
        self.tasks = []
        self.status_tasks = {}
        self.comments = []
        self.assignments = {}
        self.results = []
        self.errors = []

    def flush(self):
        """Write the batch with one query per table and kind of write."""
        EntityType.objects.bulk_create(self.entity_types)
        Entity.objects.bulk_create(self.entities)
        if self.changed_entities:
            Entity.objects.bulk_update(updated_now(self.changed_entities.values()), ENTITY_UPDATE_FIELDS)
        Task.objects.bulk_create(self.tasks)
        Comment.objects.bulk_create(self.comments)
        if self.status_tasks:
            Task.objects.bulk_update(updated_now(self.status_tasks.values()), ["task_status", "updated_at"])
        # A row may assign a person who already has the task: the unique (task, person) pair skips it.
        TaskPersonLink.objects.bulk_create(self.assignments.values(), ignore_conflicts=True)


class CsvImportContext:
    """Lookups of one import job, each loaded once and reused for every row, and the batch being filled."""

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
        self.batch = EntityBatch()
        self.reload()

    def reload(self):
        """Load the project's entities and their tasks, {entity id: {task type id: task}}, from the database."""
        self.entities = {}
        for entity in Entity.objects.filter(project=self.project).select_related("entity_type"):
            self.entities[entity_key(entity)] = entity
        self.tasks = {}
        for task in Task.objects.filter(project=self.project, task_type__in=self.task_types):
            self.tasks.setdefault(task.entity_id, {})[task.task_type_id] = task

    def entity_type(self, name):
        """Return the entity type `name`, adding it to the batch (asset types are global) when it does not exist."""
        if name not in self.entity_types:
            entity_type = EntityType(name=name)
            self.entity_types[name] = entity_type
            self.batch.entity_types.append(entity_type)
        return self.entity_types[name]

    def parent(self, type_name, name, parent=None):
        """Return the episode or sequence `name` under `parent`, adding it to the batch when missing."""
        key = (type_name, parent.pk if parent else None, name)
        if key not in self.entities:
            entity = Entity(
                name=name,
                project=self.project,
                entity_type=self.entity_type(type_name),
                parent=parent,
                created_by=self.person,
            )
            self.entities[key] = entity
            self.batch.entities.append(entity)
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


def entity_key(entity):
    return (entity.entity_type.name, entity.parent_id, entity.name)


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
    """Add the entity's missing tasks to the batch, then apply the status and assignation cells of its row.

    A new entity gets a task per task type; an existing one only for the task
    types whose status or assignation cell is filled in.
    """
    batch = context.batch
    allowed_ids = {task_type.pk for task_type in task_types_for(context, entity)}
    if not is_new:
        filled = {task_type.pk for task_type, status, assignees, _ in cells if status is not None or assignees}
        allowed_ids &= filled
    tasks = context.tasks.setdefault(entity.pk, {})
    for task_type in context.task_types:
        if task_type.pk in allowed_ids and task_type.pk not in tasks:
            task = Task(
                name="main",
                project=context.project,
                entity=entity,
                task_type=task_type,
                task_status=context.default_status,
                assigner=context.person,
            )
            tasks[task_type.pk] = task
            batch.tasks.append(task)
    for task_type, status, assignees, comment in cells:
        task = tasks.get(task_type.pk)
        if task is None:
            continue
        if status is not None and status.pk != task.task_status_id:
            batch.comments.append(
                Comment(object_id=task.pk, object_type="Task", text=comment, task_status=status, person=context.person)
            )
            task.task_status = status
            if not task._state.adding:
                batch.status_tasks[task.pk] = task
        for person in assignees:
            batch.assignments[(task.pk, person.pk)] = TaskPersonLink(task=task, person=person)


def entity_values(entity):
    return [getattr(entity, Entity._meta.get_field(name).attname) for name in ENTITY_UPDATE_FIELDS[:-1]]


def entity_save(context, *, key, fields, data, update):
    """Add the entity of `key` to the batch, or update it when `update` is set; return it and whether it is new."""
    entity = context.entities.get(key)
    if entity is None:
        entity = Entity(project=context.project, created_by=context.person, data=data, **fields)
        context.entities[key] = entity
        context.batch.entities.append(entity)
        return entity, True
    if update:
        before = entity_values(entity)
        for name, value in fields.items():
            setattr(entity, name, value)
        entity.data = {**(entity.data or {}), **data}
        # An entity added by an earlier row of this batch is inserted with its last values.
        if not entity._state.adding and entity_values(entity) != before:
            context.batch.changed_entities[entity.pk] = entity
    return entity, False


def row_add(context, line, row, read_row, update):
    """Read one row into the batch; a bad row is recorded on the batch and leaves nothing in it."""
    batch = context.batch
    type_count, entity_count = len(batch.entity_types), len(batch.entities)
    try:
        key, fields, data, cells = read_row(context, row)
    except RowError as error:
        # Forget the episode, sequence or asset type the row added before its bad cell was found.
        for entity_type in batch.entity_types[type_count:]:
            del context.entity_types[entity_type.name]
        for entity in batch.entities[entity_count:]:
            del context.entities[entity_key(entity)]
        del batch.entity_types[type_count:]
        del batch.entities[entity_count:]
        batch.errors.append({"line": line, "column": error.column, "message": error.message})
        return
    entity, is_new = entity_save(context, key=key, fields=fields, data=data, update=update)
    # Without `update`, a row that matches an existing entity leaves it and its tasks unchanged.
    if is_new or update:
        tasks_write(context, entity, is_new, cells)
    batch.results.append((entity, is_new))


def batch_write(context, rows, read_row, report):
    """Read `rows` into a new batch and write it in one savepoint; return False when the database rejected it."""
    entity_types = dict(context.entity_types)
    context.batch = batch = EntityBatch()
    update = context.job.update_existing
    try:
        with transaction.atomic():
            for line, row in rows:
                row_add(context, line, row, read_row, update)
            batch.flush()
    except DatabaseError as error:
        # The savepoint is rolled back: reload what the batch changed in memory.
        context.entity_types = entity_types
        context.reload()
        logger.warning("Import job %s: a batch of %d row(s) was rejected: %s", context.job.pk, len(rows), error)
        if len(rows) == 1:
            message = f"The row could not be written: {str(error).strip().splitlines()[0]}"
            report.error(line=rows[0][0], message=message)
        return False
    for error in batch.errors:
        logger.info("Import job %s: line %s skipped: %s", context.job.pk, error["line"], error["message"])
        report.error(**error)
    for entity, is_new in batch.results:
        if is_new:
            report.created += 1
        elif update:
            report.updated += 1
        report.rows.append(serialize_row(entity))
    return True


def entities_import(job, content, report, *, kind, read_row, required):
    """Import one entity per data row with `read_row`, `BATCH_SIZE` rows per savepoint."""
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
    total = len(sheet.rows)
    for start in range(0, total, BATCH_SIZE):
        rows = sheet.rows[start : start + BATCH_SIZE]
        if not batch_write(context, rows, read_row, report) and len(rows) > 1:
            for row in rows:
                batch_write(context, [row], read_row, report)
        done = min(start + BATCH_SIZE, total)
        ImportJob.objects.filter(pk=job.pk).update(progress=done * 100 // total, updated_at=timezone.now())
    report.log.append(f"{total} row(s) read")
