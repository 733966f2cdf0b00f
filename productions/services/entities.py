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


@transaction.atomic
def entity_delete(*, entity, force=False):
    """Delete an entity; one with tasks or children needs `force`, which deletes them too."""
    tasks = Task.objects.filter(entity=entity)
    if not force and (tasks.exists() or Entity.objects.filter(parent=entity).exists()):
        raise ValidationError({"force": ["the entity still has tasks or children: use force=true to delete them."]})
    Comment.objects.filter(object_id__in=tasks.values("pk")).delete()
    tasks.delete()
    entity_id = entity.pk
    entity.delete()
    logger.info("Entity %s deleted (force=%s)", entity_id, force)
