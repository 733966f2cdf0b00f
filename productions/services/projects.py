"""Project creation with the defaults a new production needs."""

import logging

from django.db import transaction

from productions.models import Entity, EntityType, ProjectStatus

logger = logging.getLogger("productions.projects")

OPEN_STATUS = "Open"
CLOSED_STATUS = "Closed"


def default_project_status():
    status, _ = ProjectStatus.objects.get_or_create(name=OPEN_STATUS, defaults={"color": "#000000"})
    return status


def episode_type():
    entity_type, _ = EntityType.objects.get_or_create(name="Episode")
    return entity_type


@transaction.atomic
def project_create(*, serializer, created_by=None):
    """Save a validated project serializer; TV shows get their first episode, E01.

    Returns the project and the id of that first episode (None for other productions).
    """
    extra = {}
    if serializer.validated_data.get("project_status") is None:
        extra["project_status"] = default_project_status()
    project = serializer.save(**extra)
    first_episode = None
    if project.production_type == "tvshow":
        first_episode = Entity.objects.create(
            name="E01", project=project, entity_type=episode_type(), created_by=created_by
        )
    logger.info("Project %s (%s) created by %s", project.pk, project.name, getattr(created_by, "pk", None))
    return project, first_episode
