"""Task and task status writes that need more than a plain save."""

import logging
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.models import Person
from playlists.services import stored_files
from productions.access import is_project_manager
from productions.models import Comment, ProjectPersonLink, Task, TaskPersonLink, TaskStatus
from productions.services import notifications as notification_services
from productions.services.events import event_send

logger = logging.getLogger("productions.tasks")


def default_task_status():
    return TaskStatus.objects.filter(is_default=True, for_concept=False).order_by("created_at").first()


def check_task_type_fits_entity(task_type, entity):
    """Raise a 400 when the task type is not meant for this kind of entity."""
    kind = entity.get_instance_kitsu_type()
    expected = task_type.for_entity or "Asset"
    if kind != expected:
        raise ValidationError(
            {"task_type_id": [f"the task type is for {expected} entities, but the entity is a {kind}."]}
        )


def assignees_from_body(data):
    """Return the persons of the `assignees` id list of a task body; unknown ids are skipped, as in the reference."""
    values = data.get("assignees") if isinstance(data, dict) else None
    if values in (None, ""):
        return []
    if not isinstance(values, list):
        raise ValidationError({"assignees": ["expected a list of person ids."]})
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            raise ValidationError({"assignees": [f"invalid id {value!r}: expected a UUID."]}) from None
    return list(Person.objects.filter(pk__in=ids))


def task_create(*, serializer, created_by):
    """Save a new task: the project comes from the entity, the status defaults to the default one."""
    data = serializer.validated_data
    entity = data.get("entity")
    task_type = data.get("task_type")
    missing = [key for key, value in (("entity_id", entity), ("task_type_id", task_type)) if value is None]
    if missing:
        raise ValidationError({key: ["this field is required."] for key in missing})
    check_task_type_fits_entity(task_type, entity)

    project = data.get("project") or entity.project
    if project.pk != entity.project_id:
        raise ValidationError({"project_id": ["the entity belongs to another project."]})
    if not is_project_manager(created_by, project.pk):
        raise PermissionDenied("You are not allowed to do this: only the project's managers may create tasks.")
    status = data.get("task_status") or default_task_status()
    if status is None:
        raise ValidationError({"task_status_id": ["this field is required: no default task status exists."]})
    assignees = assignees_from_body(serializer.initial_data)
    try:
        with transaction.atomic():
            task = serializer.save(project=project, task_status=status)
            task.assignees.set(assignees)
    except IntegrityError:
        raise ValidationError({"name": ["a task with this name, task type and entity already exists."]}) from None
    # The response to a task creation lists its assignees, as the reference's does.
    serializer.context["relations"] = True
    logger.info("Task %s created on entity %s by %s", task.pk, entity.pk, created_by.pk)
    return task


@transaction.atomic
def task_delete(*, task, force=False):
    """Delete a task; one with comments needs `force`, which deletes them too."""
    comments = Comment.objects.filter(object_id=task.pk)
    if comments.exists() and not force:
        raise ValidationError({"force": ["the task has comments: use force=true to delete them with it."]})
    stored_files.task_files_forget(task_ids=[task.pk])
    comments.delete()
    task_id = task.pk
    task.delete()
    logger.info("Task %s deleted (force=%s)", task_id, force)


@transaction.atomic
def tasks_delete(*, tasks, user=None):
    """Delete the tasks of `tasks` (a queryset) with their comments, in a few queries, and return their ids.

    Each deleted task gets its `task:delete` event once the transaction commits.
    """
    rows = list(tasks.values_list("pk", "project_id"))
    task_ids = [task_id for task_id, _ in rows]
    if not task_ids:
        return []
    stored_files.task_files_forget(task_ids=task_ids)
    Comment.objects.filter(object_id__in=task_ids).delete()
    Task.objects.filter(pk__in=task_ids).delete()
    for task_id, project_id in rows:
        event_send(name="task:delete", data={"task_id": task_id}, project_id=project_id, user=user)
    logger.info("%d task(s) deleted in bulk", len(task_ids))
    return task_ids


@transaction.atomic
def task_status_save(*, serializer):
    """Save a task status; a new default status replaces the old default of the same kind."""
    status = serializer.save()
    if status.is_default:
        TaskStatus.objects.filter(is_default=True, for_concept=status.for_concept).exclude(pk=status.pk).update(
            is_default=False
        )
    return status


def default_status_for(entity_type_name):
    """Return the default status of a new task: concepts have their own default."""
    return (
        TaskStatus.objects.filter(is_default=True, for_concept=entity_type_name == "Concept")
        .order_by("created_at")
        .first()
    )


@transaction.atomic
def tasks_create_for_entities(*, task_type, entities, created_by):
    """Create a "main" task of `task_type` on each entity that has no task of that type yet.

    Returns the new tasks. The inserts go in one statement, so the query count does
    not grow with the number of entities.
    """
    entity_ids = [entity.pk for entity in entities]
    existing = set(
        Task.objects.filter(entity_id__in=entity_ids, task_type=task_type).values_list("entity_id", flat=True)
    )
    statuses = {}
    new_tasks = []
    for entity in entities:
        if entity.pk in existing:
            continue
        kind = entity.entity_type.name
        if kind not in statuses:
            statuses[kind] = default_status_for(kind)
        if statuses[kind] is None:
            raise ValidationError({"task_status_id": ["no default task status exists: create one first."]})
        new_tasks.append(
            Task(
                name="main",
                project_id=entity.project_id,
                entity=entity,
                task_type=task_type,
                task_status=statuses[kind],
                assigner=created_by,
            )
        )
    Task.objects.bulk_create(new_tasks)
    for task in new_tasks:
        event_send(name="task:new", data={"task_id": task.pk}, project_id=task.project_id, user=created_by)
    logger.info(
        "%d task(s) of task type %s created by %s (%d entities already had one)",
        len(new_tasks),
        task_type.pk,
        created_by.pk,
        len(existing),
    )
    return new_tasks


@transaction.atomic
def tasks_assign(*, tasks, person, assigner):
    """Assign `person` to each task and add them to the teams of the tasks' projects."""
    if not tasks:
        return tasks
    task_ids = [task.pk for task in tasks]
    TaskPersonLink.objects.bulk_create(
        [TaskPersonLink(task_id=task_id, person=person) for task_id in task_ids], ignore_conflicts=True
    )
    Task.objects.filter(pk__in=task_ids).update(assigner=assigner, updated_at=timezone.now())
    project_ids = {task.project_id for task in tasks}
    ProjectPersonLink.objects.bulk_create(
        [ProjectPersonLink(project_id=project_id, person=person) for project_id in project_ids],
        ignore_conflicts=True,
    )
    notification_services.assignment_activity_record(task_ids=task_ids, person=person, assigner=assigner)
    logger.info("Person %s assigned to task(s) %s by %s", person.pk, ", ".join(map(str, task_ids)), assigner.pk)
    return tasks


@transaction.atomic
def tasks_clear_assignation(*, tasks, person=None):
    """Remove `person` (or every assignee when None) from the tasks."""
    task_ids = [task.pk for task in tasks]
    links = TaskPersonLink.objects.filter(task_id__in=task_ids)
    if person is not None:
        links = links.filter(person=person)
    links.delete()
    Task.objects.filter(pk__in=task_ids).update(updated_at=timezone.now())
    notification_services.unassignment_events_send(task_ids=task_ids, person=person)
    logger.info(
        "Assignation of %s cleared on task(s) %s",
        person.pk if person is not None else "everyone",
        ", ".join(map(str, task_ids)),
    )
    return task_ids


TO_REVIEW_STATUS_NAME = "To review"
TO_REVIEW_SHORT_NAME = "pndng"


def to_review_status():
    """Return the "To review" status, creating it the first time a task is sent to review."""
    status = TaskStatus.objects.filter(name=TO_REVIEW_STATUS_NAME, for_concept=False).order_by("created_at").first()
    if status is None:
        status = TaskStatus.objects.filter(short_name=TO_REVIEW_SHORT_NAME).first()
    if status is None:
        status = TaskStatus.objects.create(name=TO_REVIEW_STATUS_NAME, short_name=TO_REVIEW_SHORT_NAME, color="#f5f5f5")
        logger.info("Task status %s (%s) created", status.pk, TO_REVIEW_STATUS_NAME)
    return status


@transaction.atomic
def task_to_review(*, task, person, change_status=True):
    """Move `task` to the "To review" status on behalf of `person`, unless `change_status` is false."""
    if change_status:
        task.task_status = to_review_status()
        task.save(update_fields=["task_status", "updated_at"])
    logger.info("Task %s sent to review by %s (status changed: %s)", task.pk, person.pk, change_status)
    return task
