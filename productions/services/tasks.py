"""Task and task status writes that need more than a plain save."""

import logging

from django.db import IntegrityError, transaction
from rest_framework.exceptions import PermissionDenied, ValidationError

from productions.access import is_project_manager
from productions.models import Comment, TaskStatus

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
    try:
        with transaction.atomic():
            task = serializer.save(project=project, task_status=status)
    except IntegrityError:
        raise ValidationError({"name": ["a task with this name, task type and entity already exists."]}) from None
    logger.info("Task %s created on entity %s by %s", task.pk, entity.pk, created_by.pk)
    return task


@transaction.atomic
def task_delete(*, task, force=False):
    """Delete a task; one with comments needs `force`, which deletes them too."""
    comments = Comment.objects.filter(object_id=task.pk)
    if comments.exists() and not force:
        raise ValidationError({"force": ["the task has comments: use force=true to delete them with it."]})
    comments.delete()
    task_id = task.pk
    task.delete()
    logger.info("Task %s deleted (force=%s)", task_id, force)


@transaction.atomic
def task_status_save(*, serializer):
    """Save a task status; a new default status replaces the old default of the same kind."""
    status = serializer.save()
    if status.is_default:
        TaskStatus.objects.filter(is_default=True, for_concept=status.for_concept).exclude(pk=status.pk).update(
            is_default=False
        )
    return status
