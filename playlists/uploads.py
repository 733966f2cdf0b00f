"""Reading an uploaded file from a request: present, not empty, not too big, with a usable name.

Every upload route (previews, attachments, backgrounds, thumbnails, working
files) goes through `uploaded_file` so that they refuse bad uploads the same way.
"""

import os
import re

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from kitsu_project.storage import EXTENSION_PATTERN


class UploadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "upload_too_large"


def max_upload_bytes():
    return settings.KITSU_MAX_UPLOAD_BYTES


def uploaded_file(request, field="file"):
    """Return the file sent under `field` of a multipart request.

    400 names the field when it is missing or empty; 413 when it is larger than
    `KITSU_MAX_UPLOAD_MB`.
    """
    upload = request.FILES.get(field)
    if upload is None:
        # Clients sometimes send the file under another name: take the only one sent.
        files = list(request.FILES.values())
        upload = files[0] if len(files) == 1 else None
    if upload is None:
        raise ValidationError({field: ["no file was sent: send it as multipart form data under 'file'."]})
    if upload.size == 0:
        raise ValidationError({field: [f"the file {client_name(upload.name)!r} is empty."]})
    limit = max_upload_bytes()
    if upload.size > limit:
        raise UploadTooLarge(
            f"The file {client_name(upload.name)!r} is {upload.size} bytes, more than the limit of {limit} bytes."
        )
    return upload


def client_name(name):
    """Return the last part of a file name a client sent, without any folder (`../../x.png` gives `x.png`)."""
    return os.path.basename((name or "").replace("\\", "/")).strip()


def split_name(name):
    """Return (original name without extension, lowercase extension or "") of a client's file name."""
    base = client_name(name)
    stem, dot, extension = base.rpartition(".")
    if not dot:
        return base, ""
    extension = extension.lower()
    if not EXTENSION_PATTERN.match(extension):
        extension = ""
    return stem, extension


def check_extension(upload, allowed, field="file"):
    """Return the upload's extension, or a 400 listing the allowed ones."""
    _, extension = split_name(upload.name)
    if extension not in allowed:
        shown = extension or "none"
        raise ValidationError(
            {field: [f"the extension {shown!r} is not allowed here: use one of {', '.join(sorted(allowed))}."]}
        )
    return extension


def safe_stem(name, max_length=250):
    """Return a client's file name stem cut to `max_length`, with control characters removed."""
    stem, _ = split_name(name)
    return re.sub(r"[\x00-\x1f\x7f]", "", stem)[:max_length]
