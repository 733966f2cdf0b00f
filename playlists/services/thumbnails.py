"""Avatars and thumbnails of persons, of the organisation and of projects.

Each one is a 400x400 PNG cropped from the centre of the uploaded picture, stored
under `thumbnails/<persons|organisations|projects>/<id>.png`. The row's
`has_avatar` is true while one is stored.
"""

import logging

from django.db import transaction
from rest_framework.exceptions import ValidationError

from kitsu_project.storage import delete_files_on_commit, file_key, save_file
from playlists.media.pictures import AVATAR_SIZE, MediaError, cover, open_picture, png_bytes
from playlists.uploads import client_name
from productions.services.events import event_send

logger = logging.getLogger("playlists.thumbnails")

# The URL part of each kind of row, and the name of its `<name>:set-thumbnail` event.
KINDS = {"persons": "person", "organisations": "organisation", "projects": "project"}


def avatar_key(kind, instance_id):
    if kind not in KINDS:
        raise ValueError(f"unknown thumbnail kind {kind!r}")
    return file_key(f"thumbnails/{kind}", instance_id, "png")


def avatar_path(kind, instance_id):
    """The API path of a thumbnail, without the /api prefix, as the upload routes return it."""
    return f"pictures/thumbnails/{kind}/{instance_id}.png"


def avatar_picture(upload):
    """Return the PNG bytes of the avatar made from an uploaded picture, or raise a 400 with the reason."""
    try:
        picture = open_picture(upload, label=f"the file {client_name(upload.name)!r}")
    except MediaError as error:
        raise ValidationError({"file": [str(error)]}) from None
    return png_bytes(cover(picture, AVATAR_SIZE))


@transaction.atomic
def avatar_set(*, kind, row, picture, user=None):
    """Store the avatar PNG of a person, the organisation or a project, and set the row's `has_avatar`."""
    save_file(avatar_key(kind, row.pk), picture)
    row.has_avatar = True
    row.save(update_fields=["has_avatar", "updated_at"])
    name = KINDS[kind]
    event_send(name=f"{name}:set-thumbnail", data={f"{name}_id": row.pk}, user=user)
    logger.info("Thumbnail of %s %s set by %s", name, row.pk, getattr(user, "pk", None))
    return row


def avatar_file_forget(*, kind, instance_id):
    """Delete the stored avatar once the transaction commits (at once outside a transaction)."""
    key = avatar_key(kind, instance_id)
    delete_files_on_commit([key])
