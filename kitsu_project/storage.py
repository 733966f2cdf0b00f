"""The one file storage of uploads and generated media, and the keys files are stored under.

The storage is a local folder by default or an S3-compatible bucket when
`KITSU_S3_BUCKET` is set (see the settings); every caller goes through the
functions below, so both work the same way. Keys are built from a fixed folder
name, a row id and a checked extension, never from a name a client sent, so no
upload can land outside the storage root.
"""

import logging
import re
import uuid

from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.db import transaction

logger = logging.getLogger("kitsu_project.storage")

STORAGE_ALIAS = "kitsu"
EXTENSION_PATTERN = re.compile(r"^[a-z0-9]{1,10}$")


def file_storage():
    return storages[STORAGE_ALIAS]


def file_key(folder, instance_id, extension):
    """Return the storage key of a file: `<folder>/<first 2 id chars>/<id>.<extension>`.

    `folder` is a fixed name such as "previews/originals"; `instance_id` must be a
    UUID and `extension` short lowercase letters and digits.
    """
    if not re.fullmatch(r"[a-z0-9_-]+(/[a-z0-9_-]+)*", folder):
        raise ValueError(f"invalid storage folder {folder!r}")
    identifier = str(uuid.UUID(str(instance_id)))
    if not EXTENSION_PATTERN.match(extension or ""):
        raise ValueError(f"invalid file extension {extension!r}")
    return f"{folder}/{identifier[:2]}/{identifier}.{extension}"


def save_file(key, content):
    """Store `content` (bytes, or a file object read from its start) under `key`, replacing any file there."""
    storage = file_storage()
    if isinstance(content, (bytes, bytearray)):
        content = ContentFile(bytes(content))
    elif not isinstance(content, File):
        content = File(content)
    if hasattr(content, "seek"):
        content.seek(0)
    if storage.exists(key):
        storage.delete(key)
    saved = storage.save(key, content)
    if saved != key:
        raise RuntimeError(f"the storage saved {key!r} as {saved!r}")
    return key


def open_file(key):
    """Open a stored file for reading in binary mode; raises FileNotFoundError when it is missing."""
    storage = file_storage()
    if not storage.exists(key):
        raise FileNotFoundError(key)
    return storage.open(key, "rb")


def file_exists(key):
    return file_storage().exists(key)


def stored_size(key):
    return file_storage().size(key)


def delete_file(key):
    storage = file_storage()
    if storage.exists(key):
        storage.delete(key)


def delete_files(keys):
    """Delete stored files, logging (not raising) each failure so that the other files are still deleted."""
    for key in keys:
        try:
            delete_file(key)
        except OSError as error:
            logger.warning("Stored file %s could not be deleted: %s", key, error)


def delete_files_on_commit(keys):
    """Delete stored files once the current transaction commits, so that a rolled-back delete keeps them."""
    keys = list(dict.fromkeys(keys))
    if keys:
        transaction.on_commit(lambda: delete_files(keys), robust=True)
    return keys


def download_to(key, path):
    """Copy a stored file to a local path (for ffmpeg and Pillow, which need a real file)."""
    with open_file(key) as source, open(path, "wb") as target:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            target.write(chunk)
    return path
