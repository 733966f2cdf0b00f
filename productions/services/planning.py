"""Planning writes: schedule items created on read, and production schedule versions.

Every bulk write here runs a fixed number of SQL queries whatever the number of
tasks: rows are read in one query, written with `bulk_create`/`bulk_update`, and
their events are inserted together once the transaction commits.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from productions.models import (
    ApiEvent,
    Entity,
    EntityType,
    ProductionScheduleVersionTaskLink,
    Project,
    ScheduleItem,
    Task,
    TaskPersonLink,
    TaskType,
)
from productions.models.entity import TEMPORAL_ENTITY_TYPES
from productions.services.events import event_send

logger = logging.getLogger("productions.planning")

# Task types whose schedule items the production schedule shows.
SCHEDULED_ENTITY_KINDS = ("Asset", "Shot")
LOCKED_MESSAGE = "this production schedule version is locked: send locked=false to unlock it before changing its tasks."
# Row batches of bulk writes, kept under SQLite's limit on the parameters of one statement.
BATCH_SIZE = 500

TaskLinkAssignee = ProductionScheduleVersionTaskLink.assignees.through


# ---- events --------------------------------------------------------------


def events_send_many(*, name, id_key, ids, project_id, user):
    """Record one `name` event per id with a single insert once the transaction commits."""
    if not ids:
        return
    user_id = getattr(user, "pk", None)
    project_text = None if project_id is None else str(project_id)
    rows = [
        ApiEvent(
            name=name,
            data={id_key: str(row_id), "project_id": project_text},
            project_id=project_id,
            user_id=user_id,
        )
        for row_id in ids
    ]
    transaction.on_commit(lambda: ApiEvent.objects.bulk_create(rows, batch_size=BATCH_SIZE), robust=True)


# ---- schedule items ------------------------------------------------------


def item_bounds(start, due):
    """Return the (start, end) dates of a new schedule item from the earliest start and latest due date of its tasks.

    Without task dates, the item starts today and lasts one day, as the reference creates it.
    """
    start_date = timezone.localdate(start) if start is not None else timezone.localdate()
    end_date = timezone.localdate(due) if due is not None else None
    if end_date is None or end_date < start_date:
        end_date = start_date + datetime.timedelta(days=1)
    return start_date, end_date


def task_bounds(tasks, group_lookup):
    """Return {group id: (min start, max due)} over `tasks` grouped by `group_lookup`, in one query."""
    rows = tasks.values(group_lookup).annotate(start=Min("start_date"), due=Max("due_date")).order_by()
    return {row[group_lookup]: (row["start"], row["due"]) for row in rows}


def project_lock(project):
    """Lock the project row until the transaction ends, so a concurrent writer waits, then reads the rows written here.

    NOTE: SQLite ignores the lock. There two concurrent first reads may both insert the
    project-wide items (object id null), which the unique constraint does not cover.
    """
    Project.objects.select_for_update().filter(pk=project.pk).first()


def schedule_items_ensure(*, project, task_type, object_ids, bounds, user):
    """Return {(task type id, object id): item} for the items of `object_ids`, creating the missing ones.

    `task_type` None means one item per task type of `object_ids` (project-wide
    items, object id None). Two requests at the same time create each row once,
    because the project row is locked while the missing rows are inserted. The
    unique constraint also drops a duplicate item of an object (id not null).
    """
    if task_type is None:
        keys = [(type_id, None) for type_id in object_ids]
        existing = ScheduleItem.objects.filter(project=project, object_id__isnull=True, task_type_id__in=object_ids)
    else:
        keys = [(task_type.pk, object_id) for object_id in object_ids]
        existing = ScheduleItem.objects.filter(project=project, task_type=task_type, object_id__in=object_ids)

    items = {(item.task_type_id, item.object_id): item for item in existing}
    missing = [key for key in keys if key not in items]
    if not missing:
        return items

    with transaction.atomic():
        project_lock(project)
        items = {(item.task_type_id, item.object_id): item for item in existing.all()}
        new_items = []
        for type_id, object_id in keys:
            if (type_id, object_id) in items:
                continue
            start, due = bounds.get(object_id if task_type is not None else type_id, (None, None))
            start_date, end_date = item_bounds(start, due)
            new_items.append(
                ScheduleItem(
                    project=project,
                    task_type_id=type_id,
                    object_id=object_id,
                    start_date=start_date,
                    end_date=end_date,
                )
            )
        ScheduleItem.objects.bulk_create(new_items, ignore_conflicts=True, batch_size=BATCH_SIZE)
        items = {(item.task_type_id, item.object_id): item for item in existing.all()}
        created_ids = {item.pk for item in new_items} & {item.pk for item in items.values()}
        events_send_many(
            name="schedule-item:new",
            id_key="schedule_item_id",
            ids=sorted(created_ids),
            project_id=project.pk,
            user=user,
        )
    logger.info("Created %s schedule items in project %s for %s", len(created_ids), project.pk, user.pk)
    return items


def item_row(item, name=None):
    """Return a schedule item as the schedule routes list it: its columns, without times or type."""
    row = {
        "id": str(item.pk),
        "start_date": None if item.start_date is None else item.start_date.isoformat(),
        "end_date": None if item.end_date is None else item.end_date.isoformat(),
        "man_days": item.man_days,
        "project_id": str(item.project_id),
        "task_type_id": None if item.task_type_id is None else str(item.task_type_id),
        "object_id": None if item.object_id is None else str(item.object_id),
    }
    if name is not None:
        row["name"] = name
    return row


def task_type_schedule_items(*, project, user):
    """Return the project-wide item of each asset and shot task type with tasks in the project, by start date.

    Missing items are created, spanning the dates of the task type's tasks.
    """
    project_tasks = Task.objects.filter(project=project)
    task_type_ids = list(
        TaskType.objects.filter(for_entity__in=SCHEDULED_ENTITY_KINDS, tasks__project=project)
        .values_list("pk", flat=True)
        .distinct()
        .order_by()
    )
    bounds = task_bounds(project_tasks.filter(task_type_id__in=task_type_ids), "task_type_id")
    items = schedule_items_ensure(project=project, task_type=None, object_ids=task_type_ids, bounds=bounds, user=user)
    rows = [item_row(item) for item in items.values()]
    return sorted(rows, key=lambda row: (row["start_date"] or "", row["id"]))


def object_schedule_items(*, project, task_type, objects, tasks, group_lookups, user):
    """Return one item per (task type, object) named after the object, by name, creating the missing ones.

    `objects` lists (id, name) pairs. `group_lookups` are the task lookups that
    give the object of a task, and the bounds found through each are merged.
    """
    bounds = {}
    for lookup in group_lookups:
        for object_id, (start, due) in task_bounds(tasks, lookup).items():
            if object_id is None:
                continue
            old_start, old_due = bounds.get(object_id, (None, None))
            starts = [value for value in (old_start, start) if value is not None]
            dues = [value for value in (old_due, due) if value is not None]
            bounds[object_id] = (min(starts) if starts else None, max(dues) if dues else None)
    names = dict(objects)
    items = schedule_items_ensure(
        project=project, task_type=task_type, object_ids=list(names), bounds=bounds, user=user
    )
    rows = [item_row(item, names[object_id]) for (_, object_id), item in items.items()]
    return sorted(rows, key=lambda row: (row["name"], row["id"]))


def asset_type_schedule_items(*, project, task_type, user):
    """Return the items of a task type for each asset type with assets in the project."""
    asset_types = (
        EntityType.objects.filter(entities__project=project)
        .exclude(name__in=TEMPORAL_ENTITY_TYPES)
        .values_list("pk", "name")
        .distinct()
        .order_by()
    )
    tasks = Task.objects.filter(project=project, task_type=task_type)
    return object_schedule_items(
        project=project,
        task_type=task_type,
        objects=list(asset_types),
        tasks=tasks,
        group_lookups=["entity__entity_type_id"],
        user=user,
    )


def episode_schedule_items(*, project, task_type, user):
    """Return the items of a task type for each episode: its shots' tasks and its assets' tasks set the dates."""
    episodes = Entity.objects.filter(project=project, entity_type__name="Episode").values_list("pk", "name")
    tasks = Task.objects.filter(project=project, task_type=task_type)
    return object_schedule_items(
        project=project,
        task_type=task_type,
        objects=list(episodes),
        tasks=tasks,
        group_lookups=["entity__parent__parent_id", "entity__source_id"],
        user=user,
    )


def sequence_schedule_items(*, project, task_type, user):
    """Return the items of a task type for each sequence, whose shots' tasks set the dates."""
    sequences = Entity.objects.filter(project=project, entity_type__name="Sequence").values_list("pk", "name")
    tasks = Task.objects.filter(project=project, task_type=task_type)
    return object_schedule_items(
        project=project,
        task_type=task_type,
        objects=list(sequences),
        tasks=tasks,
        group_lookups=["entity__parent_id"],
        user=user,
    )


# ---- production schedule versions ----------------------------------------


def check_unlocked(version):
    if version.locked:
        logger.warning("Rejected a change to locked production schedule version %s", version.pk)
        raise ValidationError({"locked": [LOCKED_MESSAGE]})


def version_links(version, task_ids=None):
    """Return the task links of a version with their assignees, in two queries."""
    links = ProductionScheduleVersionTaskLink.objects.filter(production_schedule_version=version)
    if task_ids is not None:
        links = links.filter(task_id__in=task_ids)
    return links.order_by("created_at", "id").prefetch_related("assignees")


def links_upsert(*, version, values, assignees):
    """Write one link per task of `values` ({task id: (start, due, estimation)}) and set their assignees.

    `assignees` is a list of (task id, person id) pairs. Existing links of the
    version for these tasks are updated in place, so their ids stay the same.
    """
    now = timezone.now()
    rows = [
        ProductionScheduleVersionTaskLink(
            production_schedule_version=version,
            task_id=task_id,
            start_date=start,
            due_date=due,
            estimation=estimation,
            created_at=now,
            updated_at=now,
        )
        for task_id, (start, due, estimation) in values.items()
    ]
    ProductionScheduleVersionTaskLink.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["production_schedule_version", "task"],
        update_fields=["start_date", "due_date", "estimation", "updated_at"],
        batch_size=BATCH_SIZE,
    )

    # The ids of the updated links are the stored ones, so they are read back.
    stored_links = ProductionScheduleVersionTaskLink.objects.filter(production_schedule_version=version)
    link_ids = dict(stored_links.values_list("task_id", "pk"))
    TaskLinkAssignee.objects.filter(productionscheduleversiontasklink__production_schedule_version=version).filter(
        productionscheduleversiontasklink__task_id__in=list(values)
    ).delete()
    TaskLinkAssignee.objects.bulk_create(
        [
            TaskLinkAssignee(productionscheduleversiontasklink_id=link_ids[task_id], person_id=person_id)
            for task_id, person_id in assignees
            if task_id in link_ids
        ],
        batch_size=BATCH_SIZE,
    )


@transaction.atomic
def version_links_from_production(*, version, user):
    """Copy the dates, estimation and assignees of every task of the project into the version's links."""
    check_unlocked(version)
    tasks = Task.objects.filter(project_id=version.project_id).values_list("pk", "start_date", "due_date", "estimation")
    values = {task_id: (start, due, estimation) for task_id, start, due, estimation in tasks}
    assignees = list(
        TaskPersonLink.objects.filter(task__project_id=version.project_id).values_list("task_id", "person_id")
    )
    links_upsert(version=version, values=values, assignees=assignees)
    event_send(
        name="production-schedule-version:update",
        data={"production_schedule_version_id": version.pk},
        project_id=version.project_id,
        user=user,
    )
    logger.info("Version %s took the schedule of %s tasks, by %s", version.pk, len(values), user.pk)
    return version_links(version, task_ids=list(values))


@transaction.atomic
def version_links_from_version(*, version, source, user):
    """Copy the links of `source`, another version of the same project, into `version`."""
    check_unlocked(version)
    if source.project_id != version.project_id:
        message = "the two production schedule versions must belong to the same project."
        raise ValidationError({"production_schedule_version_id": [message]})
    if source.pk == version.pk:
        raise ValidationError({"production_schedule_version_id": ["a version cannot copy its own task links."]})
    links = ProductionScheduleVersionTaskLink.objects.filter(production_schedule_version=source).values_list(
        "task_id", "start_date", "due_date", "estimation"
    )
    values = {task_id: (start, due, estimation) for task_id, start, due, estimation in links}
    assignees = list(
        TaskLinkAssignee.objects.filter(
            productionscheduleversiontasklink__production_schedule_version=source
        ).values_list("productionscheduleversiontasklink__task_id", "person_id")
    )
    links_upsert(version=version, values=values, assignees=assignees)

    version.production_schedule_from = source
    version.save(update_fields=["production_schedule_from", "updated_at"])
    event_send(
        name="production-schedule-version:update",
        data={"production_schedule_version_id": version.pk},
        project_id=version.project_id,
        user=user,
    )
    logger.info("Version %s took %s task links of version %s, by %s", version.pk, len(values), source.pk, user.pk)
    return version_links(version, task_ids=list(values))


@transaction.atomic
def version_apply(*, version, user):
    """Write the version's dates, estimations and assignees to the project's tasks, then lock the version.

    The project records the version it now follows (`from_schedule_version_id`).
    Returns the changed tasks.
    """
    links = list(
        ProductionScheduleVersionTaskLink.objects.filter(production_schedule_version=version).values_list(
            "task_id", "start_date", "due_date", "estimation"
        )
    )
    now = timezone.now()
    tasks = [
        Task(pk=task_id, start_date=start, due_date=due, estimation=estimation or 0, updated_at=now)
        for task_id, start, due, estimation in links
    ]
    Task.objects.bulk_update(tasks, ["start_date", "due_date", "estimation", "updated_at"], batch_size=BATCH_SIZE)

    # The tasks' assignees become those of their links.
    task_ids = [task.pk for task in tasks]
    assignees = TaskLinkAssignee.objects.filter(
        productionscheduleversiontasklink__production_schedule_version=version
    ).values_list("productionscheduleversiontasklink__task_id", "person_id")
    TaskPersonLink.objects.filter(task_id__in=task_ids).delete()
    TaskPersonLink.objects.bulk_create(
        [TaskPersonLink(task_id=task_id, person_id=person_id) for task_id, person_id in assignees],
        batch_size=BATCH_SIZE,
    )

    version.locked = True
    version.save(update_fields=["locked", "updated_at"])
    Project.objects.filter(pk=version.project_id).update(from_schedule_version_id=version.pk, updated_at=now)

    events_send_many(name="task:update", id_key="task_id", ids=task_ids, project_id=version.project_id, user=user)
    for name, data in (
        ("production-schedule-version:update", {"production_schedule_version_id": version.pk}),
        ("project:update", {"project_id": version.project_id}),
    ):
        event_send(name=name, data=data, project_id=version.project_id, user=user)
    logger.info(
        "Version %s applied to %s tasks of project %s by %s", version.pk, len(tasks), version.project_id, user.pk
    )
    return Task.objects.filter(pk__in=task_ids).order_by("pk").prefetch_related("assignees")


def version_delete(*, version):
    """Delete a version and its task links, unless its project still follows it."""
    if Project.objects.filter(from_schedule_version_id=version.pk).exists():
        raise ValidationError(
            {"id": ["the project follows this production schedule version: apply another version before deleting it."]}
        )
    version_id = version.pk
    version.delete()
    logger.info("Production schedule version %s deleted", version_id)
