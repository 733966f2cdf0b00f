"""Project creation with the defaults a new production needs."""

import logging

from django.db import transaction
from rest_framework.exceptions import ValidationError

from productions.models import Comment, Entity, EntityType, ProjectStatus

logger = logging.getLogger("productions.projects")

OPEN_STATUS = "Open"
CLOSED_STATUS = "Closed"


def default_project_status():
    status, _ = ProjectStatus.objects.get_or_create(name=OPEN_STATUS, defaults={"color": "#000000"})
    return status


def episode_type():
    entity_type, _ = EntityType.objects.get_or_create(name="Episode")
    return entity_type


def first_episode(project):
    """Return the project's oldest episode, or None."""
    episodes = Entity.objects.filter(project=project, entity_type__name="Episode")
    return episodes.order_by("created_at", "name").first()


def ensure_first_episode(project, created_by=None):
    """Return the first episode of a TV show, creating E01 when it has none; None for other productions."""
    if project.production_type != "tvshow":
        return None
    first = first_episode(project)
    if first is None:
        first = Entity.objects.create(name="E01", project=project, entity_type=episode_type(), created_by=created_by)
        logger.info("Episode %s (E01) created for TV show %s", first.pk, project.pk)
    return first


@transaction.atomic
def project_create(*, serializer, created_by=None):
    """Save a validated project serializer with the Open status by default; TV shows get E01."""
    extra = {}
    if serializer.validated_data.get("project_status") is None:
        extra["project_status"] = default_project_status()
    project = serializer.save(**extra)
    ensure_first_episode(project, created_by)
    logger.info("Project %s (%s) created by %s", project.pk, project.name, getattr(created_by, "pk", None))
    return project


@transaction.atomic
def project_update(*, serializer, updated_by=None):
    """Save a validated project serializer; a project turned into a TV show gets E01."""
    project = serializer.save()
    ensure_first_episode(project, updated_by)
    logger.info("Project %s updated by %s", project.pk, getattr(updated_by, "pk", None))
    return project


@transaction.atomic
def project_delete(*, project, force=False):
    """Delete a closed project; with `force`, everything in it goes too."""
    if project.project_status_id and project.project_status.name == OPEN_STATUS:
        raise ValidationError({"project_status_id": ["only closed projects can be deleted: close it first."]})
    if not force and (project.entities.exists() or project.tasks.exists()):
        raise ValidationError(
            {"force": ["the project still has entities or tasks: delete them first or use force=true."]}
        )
    # Imported here: the review media services import this module for OPEN_STATUS.
    from playlists.services import stored_files

    task_ids = list(project.tasks.values_list("pk", flat=True))
    stored_files.task_files_forget(task_ids=task_ids)
    stored_files.entity_files_forget(entity_ids=project.entities.values_list("pk", flat=True))
    stored_files.project_files_forget(project_id=project.pk)
    Comment.objects.filter(object_id__in=task_ids).delete()
    project.tasks.all().delete()
    # Children first, since an entity's parent is a foreign key.
    for _ in range(4):
        project.entities.filter(children__isnull=True).delete()
    project.entities.all().delete()
    project_id = project.pk
    project.delete()
    logger.info("Project %s deleted (force=%s)", project_id, force)
