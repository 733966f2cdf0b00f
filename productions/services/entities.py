"""Entity writes that need more than a plain save."""

import logging

from django.db import transaction
from rest_framework.exceptions import ValidationError

from productions.models import Comment, Entity, Task

logger = logging.getLogger("productions.entities")

# Keys a PUT may not change on an entity; they are dropped silently, as the reference does.
PROTECTED_KEYS = ("project", "created_by", "shotgun_id")


@transaction.atomic
def entity_update(*, serializer):
    """Save an entity update; `data` is merged key by key into the stored one."""
    entity = serializer.instance
    for key in PROTECTED_KEYS:
        serializer.validated_data.pop(key, None)
    if "data" in serializer.validated_data:
        incoming = serializer.validated_data["data"]
        if isinstance(incoming, dict) and isinstance(entity.data, dict):
            serializer.validated_data["data"] = {**entity.data, **incoming}
    return serializer.save()


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
    task_ids = Task.objects.filter(entity_id__in=entity_ids).values("pk")
    Comment.objects.filter(object_id__in=task_ids).delete()
    Task.objects.filter(entity_id__in=entity_ids).delete()
    entity_id = entity.pk
    entity.delete()
    logger.info("Entity %s deleted (force=%s)", entity_id, force)
