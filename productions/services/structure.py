"""Project settings, team and the creation of a production's structure (assets, episodes, sequences, shots).

Adding a setting or a team member that is already there changes nothing, and
removing one that is not there is not an error. Both return the project. Every
change bumps the project's `updated_at`, as the reference does.
"""

import logging

from django.db import transaction
from django.utils import timezone

from productions.models import (
    Entity,
    EntityType,
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
)
from productions.services.notifications import entity_created_event_send

logger = logging.getLogger("productions.structure")

EPISODE = "Episode"
SEQUENCE = "Sequence"
SHOT = "Shot"


def touch_project(project):
    """Bump `updated_at` of the project without rewriting its other columns."""
    project.updated_at = timezone.now()
    Project.objects.filter(pk=project.pk).update(updated_at=project.updated_at)


def structure_type(name):
    """Return the entity type of a structural kind (Episode, Sequence, Shot), creating it when missing."""
    entity_type, _ = EntityType.objects.get_or_create(name=name)
    return entity_type


# ---- settings ------------------------------------------------------------


@transaction.atomic
def project_asset_type_add(*, project, asset_type):
    _, created = ProjectAssetTypeLink.objects.get_or_create(project=project, asset_type=asset_type)
    touch_project(project)
    if created:
        logger.info("Asset type %s added to project %s", asset_type.pk, project.pk)
    return project


@transaction.atomic
def project_asset_type_remove(*, project, asset_type):
    deleted, _ = ProjectAssetTypeLink.objects.filter(project=project, asset_type=asset_type).delete()
    touch_project(project)
    if deleted:
        logger.info("Asset type %s removed from project %s", asset_type.pk, project.pk)
    return project


@transaction.atomic
def project_task_type_add(*, project, task_type, priority=None):
    """Link a task type to the project. A priority sent for an already linked task type replaces the old one."""
    link, created = ProjectTaskTypeLink.objects.get_or_create(
        project=project, task_type=task_type, defaults={"priority": priority}
    )
    if not created and priority is not None and link.priority != priority:
        link.priority = priority
        link.save(update_fields=["priority", "updated_at"])
    touch_project(project)
    logger.info("Task type %s set on project %s (priority %s)", task_type.pk, project.pk, link.priority)
    return project


@transaction.atomic
def project_task_type_remove(*, project, task_type):
    deleted, _ = ProjectTaskTypeLink.objects.filter(project=project, task_type=task_type).delete()
    touch_project(project)
    if deleted:
        logger.info("Task type %s removed from project %s", task_type.pk, project.pk)
    return project


@transaction.atomic
def project_task_status_add(*, project, task_status):
    _, created = ProjectTaskStatusLink.objects.get_or_create(project=project, task_status=task_status)
    touch_project(project)
    if created:
        logger.info("Task status %s added to project %s", task_status.pk, project.pk)
    return project


@transaction.atomic
def project_task_status_link_save(*, project, task_status, priority=None, roles_for_board=None):
    """Enable a task status on a project, or update its board priority and roles; return the link."""
    link, created = ProjectTaskStatusLink.objects.get_or_create(project=project, task_status=task_status)
    if priority is not None:
        link.priority = priority
    if roles_for_board is not None:
        link.roles_for_board = roles_for_board
    link.save()
    touch_project(project)
    logger.info("Task status %s %s on project %s", task_status.pk, "added" if created else "updated", project.pk)
    return link


@transaction.atomic
def project_task_status_remove(*, project, task_status):
    deleted, _ = ProjectTaskStatusLink.objects.filter(project=project, task_status=task_status).delete()
    touch_project(project)
    if deleted:
        logger.info("Task status %s removed from project %s", task_status.pk, project.pk)
    return project


# ---- team ----------------------------------------------------------------


@transaction.atomic
def project_team_add(*, project, person, added_by=None):
    _, created = ProjectPersonLink.objects.get_or_create(project=project, person=person)
    touch_project(project)
    if created:
        logger.info(
            "Person %s added to the team of project %s by %s", person.pk, project.pk, getattr(added_by, "pk", None)
        )
    return project


@transaction.atomic
def project_team_remove(*, project, person, removed_by=None):
    deleted, _ = ProjectPersonLink.objects.filter(project=project, person=person).delete()
    touch_project(project)
    if deleted:
        logger.info(
            "Person %s removed from the team of project %s by %s",
            person.pk,
            project.pk,
            getattr(removed_by, "pk", None),
        )
    return project


# ---- structure -----------------------------------------------------------


@transaction.atomic
def asset_create(
    *, project, asset_type, name, description=None, data=None, is_shared=False, episode=None, created_by=None
):
    """Create an asset. The episode, when given, is stored as the asset's source, as Kitsu stores it.

    Two assets may share a name, as in the reference: callers such as Gazu look the name up first.
    """
    asset = Entity.objects.create(
        project=project,
        entity_type=asset_type,
        name=name,
        description=description,
        data={} if data is None else data,
        is_shared=is_shared,
        source=episode,
        created_by=created_by,
    )
    entity_created_event_send(entity=asset, user=created_by)
    logger.info(
        "Asset %s (%s) created in project %s by %s", asset.pk, name, project.pk, getattr(created_by, "pk", None)
    )
    return asset


@transaction.atomic
def structure_entity_get_or_create(*, kind, project, name, parent=None, created_by=None, **fields):
    """Return the entity of `kind` named `name` under `parent` and whether it is new, creating it when missing."""
    entity_type = structure_type(kind)
    existing = Entity.objects.filter(project=project, entity_type=entity_type, parent=parent, name=name)
    entity = existing.order_by("created_at").first()
    if entity is not None:
        return entity, False
    entity = Entity.objects.create(
        project=project, entity_type=entity_type, parent=parent, name=name, created_by=created_by, **fields
    )
    entity_created_event_send(entity=entity, user=created_by)
    logger.info("%s %s (%s) created in project %s", kind, entity.pk, name, project.pk)
    return entity, True


def episode_create(*, project, name, status="running", description="", data=None, created_by=None):
    """Return the project's episode of that name and whether it is new, creating it when missing."""
    return structure_entity_get_or_create(
        kind=EPISODE,
        project=project,
        name=name,
        created_by=created_by,
        status=status,
        description=description,
        data={} if data is None else data,
    )


def sequence_create(*, project, name, episode=None, description="", data=None, created_by=None):
    """Return the sequence of that name under `episode` (or under no episode), creating it when missing."""
    return structure_entity_get_or_create(
        kind=SEQUENCE,
        project=project,
        name=name,
        parent=episode,
        created_by=created_by,
        description=description,
        data={} if data is None else data,
    )


def shot_create(*, project, sequence, name, nb_frames=None, description=None, data=None, created_by=None):
    """Return the shot of that name in `sequence`, creating it when missing.

    Frame ranges (`frame_in`, `frame_out`) travel inside `data`, as Kitsu keeps them.
    """
    return structure_entity_get_or_create(
        kind=SHOT,
        project=project,
        name=name,
        parent=sequence,
        created_by=created_by,
        nb_frames=nb_frames,
        description=description,
        data=data,
    )
