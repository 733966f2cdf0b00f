"""Entity writes that need more than a plain save."""

import logging

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from playlists.services import stored_files
from productions.models import Comment, Entity, Task
from productions.services import casting as casting_services
from productions.services import entity_kinds as kind_services
from productions.services import workflow as workflow_services
from productions.services.events import event_send, row_event_send

logger = logging.getLogger("productions.entities")

# Keys a PUT may not change on an entity; they are dropped silently, as the reference does.
PROTECTED_KEYS = ("project", "created_by", "shotgun_id")


@transaction.atomic
def entity_update(*, serializer):
    """Save an entity update; `data` is merged key by key into the stored one.

    `entity_concept_links`, when sent, replaces the entity's concept links; a shot
    whose frame count or data change gets a new version.
    """
    entity = serializer.instance
    for key in PROTECTED_KEYS:
        serializer.validated_data.pop(key, None)
    workflow_services.entity_update_check(serializer=serializer)
    if "data" in serializer.validated_data:
        incoming = serializer.validated_data["data"]
        if isinstance(incoming, dict) and isinstance(entity.data, dict):
            serializer.validated_data["data"] = {**entity.data, **incoming}
    body = serializer.initial_data if isinstance(serializer.initial_data, dict) else {}
    linked = kind_services.parse_concept_links(body, project=entity.project)
    previous = kind_services.shot_state(entity)
    entity = serializer.save()
    if linked is not None:
        kind_services.concept_links_set(entity=entity, linked=linked)
    if entity.entity_type.name == "Shot":
        request = serializer.context.get("request")
        kind_services.shot_version_save(shot=entity, previous=previous, person=getattr(request, "user", None))
    return entity


@transaction.atomic
def entity_main_preview_set(*, entity, preview_file_id, user):
    """Make `preview_file_id` the thumbnail of `entity`, and announce it once committed."""
    Entity.objects.filter(pk=entity.pk).update(preview_file_id=preview_file_id, updated_at=timezone.now())
    entity.refresh_from_db()
    logger.info("Entity %s shows preview %s as main preview (set by %s)", entity.pk, preview_file_id, user.pk)
    event_send(
        name="preview-file:set-main",
        data={"entity_id": entity.pk, "preview_file_id": preview_file_id},
        project_id=entity.project_id,
        user=user,
    )
    row_event_send(row=entity, action="update", user=user)
    return entity


def descendant_ids(entity):
    """Return the ids of the entity and of every entity below it (sequences, shots...)."""
    found = [entity.pk]
    level = [entity.pk]
    while level:
        level = list(Entity.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found.extend(level)
    return found


@transaction.atomic
def entity_delete(*, entity, force=False):
    """Delete an entity; one with tasks or children needs `force`, which deletes them too."""
    tasks = Task.objects.filter(entity=entity)
    if not force and (tasks.exists() or Entity.objects.filter(parent=entity).exists()):
        raise ValidationError({"force": ["the entity still has tasks or children: use force=true to delete them."]})

    # Comments are not foreign keys, so those of the children's tasks go by hand too.
    entity_ids = descendant_ids(entity)
    # The shots these entities are cast in lose them: their casting counts are updated too.
    casting_services.casting_of_deleted_release(entity_ids)
    task_ids = Task.objects.filter(entity_id__in=entity_ids).values("pk")
    stored_files.task_files_forget(task_ids=task_ids.values_list("pk", flat=True))
    stored_files.entity_files_forget(entity_ids=entity_ids)
    Comment.objects.filter(object_id__in=task_ids).delete()
    Task.objects.filter(entity_id__in=entity_ids).delete()
    entity_id = entity.pk
    entity.delete()
    logger.info("Entity %s deleted (force=%s)", entity_id, force)


@transaction.atomic
def shot_update(*, serializer, updated_by):
    """Save a shot update. Unlike the generic entity update, a `data` object replaces the stored one."""
    for key in PROTECTED_KEYS:
        serializer.validated_data.pop(key, None)
    workflow_services.entity_update_check(serializer=serializer)
    previous = kind_services.shot_state(serializer.instance)
    shot = serializer.save()
    kind_services.shot_version_save(shot=shot, previous=previous, person=updated_by)
    logger.info("Shot %s updated by %s", shot.pk, updated_by.pk)
    return shot


@transaction.atomic
def entity_cancel_or_delete(*, entity, force=False):
    """Delete an asset or a shot; one that has tasks is only marked canceled unless `force` is set.

    Return True when the entity was deleted, False when it was canceled.
    """
    if not force and Task.objects.filter(entity=entity).exists():
        entity.canceled = True
        entity.save(update_fields=["canceled", "updated_at"])
        logger.info("Entity %s canceled: it has tasks and force is not set", entity.pk)
        return False
    entity_delete(entity=entity, force=True)
    return True


@transaction.atomic
def entity_tree_delete(*, entity, force=False):
    """Delete a sequence or an episode; with `force`, also what lies below it and its tasks.

    An episode's own assets (those whose `source` is the episode) count as linked
    data: without `force` they block the delete, with it they are deleted too.
    """
    kind = entity.get_instance_kitsu_type()
    sourced = Entity.objects.filter(source=entity) if kind == "Episode" else Entity.objects.none()
    if not force:
        linked = (
            Entity.objects.filter(parent=entity).exists()
            or Task.objects.filter(entity=entity).exists()
            or sourced.exists()
        )
        if linked:
            raise ValidationError(
                {"force": [f"some data are still linked to this {kind.lower()}: use force=true to delete them too."]}
            )
    for asset in sourced:
        entity_delete(entity=asset, force=True)
    entity_delete(entity=entity, force=True)
