"""Files attached to comments, to replies of comments and to chat messages.

An attachment's file is stored under `attachments/<id>.<extension>`. A picture
(PNG, JPEG, GIF, WebP, BMP or TIFF) also gets a 150x150 PNG thumbnail under
`attachments/thumbnails/<id>.png`. The name a client sent is kept as the row's
`name`, for display and downloads only: no storage key is built from it.
"""

import logging
import mimetypes
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from rest_framework.exceptions import ValidationError

from kitsu_project.storage import (
    EXTENSION_PATTERN,
    delete_files,
    delete_files_on_commit,
    file_key,
    save_file,
)
from playlists.media.pictures import MediaError, cover, open_picture, png_bytes
from playlists.models import AttachmentFile
from playlists.uploads import UploadTooLarge, client_name, max_upload_bytes, split_name

logger = logging.getLogger("playlists.attachments")

FOLDER = "attachments"
THUMBNAIL_FOLDER = "attachments/thumbnails"
THUMBNAIL_SIZE = (150, 150)
# Files with these extensions must be pictures that Pillow reads: they get a thumbnail.
PICTURE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "jpe", "gif", "webp", "bmp", "tif", "tiff"})
MAX_EXTENSION_LENGTH = AttachmentFile._meta.get_field("extension").max_length
MAX_NAME_LENGTH = AttachmentFile._meta.get_field("name").max_length
# `size` is a 32-bit integer column, so larger files store this value.
MAX_SIZE_VALUE = 2**31 - 1
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class CheckedUpload:
    """An uploaded file accepted as an attachment, with what its row stores."""

    upload: object
    name: str
    extension: str
    mimetype: str
    thumbnail: bytes | None


# ---- storage keys --------------------------------------------------------------


def attachment_key(attachment):
    return file_key(FOLDER, attachment.pk, attachment.extension)


def attachment_thumbnail_key(attachment_id):
    return file_key(THUMBNAIL_FOLDER, attachment_id, "png")


def attachment_keys(attachment_id, extension):
    """Return every key that may hold a file of an attachment (only the thumbnail key without a valid extension)."""
    keys = [attachment_thumbnail_key(attachment_id)]
    if extension and EXTENSION_PATTERN.match(extension):
        keys.append(file_key(FOLDER, attachment_id, extension))
    return keys


def guess_mimetype(extension):
    """Return the media type of an extension, or `application/octet-stream`, whatever type the client sent."""
    guessed, _ = mimetypes.guess_type(f"file.{extension}", strict=False)
    return guessed or "application/octet-stream"


# ---- checking uploads ----------------------------------------------------------


def request_uploads(files, *, field_pattern=None):
    """Return the uploaded files of a multipart request in the order they were sent.

    Every file of every field counts, including several files under one field name.
    With `field_pattern` (a compiled regular expression), only the fields whose whole
    name matches it.
    """
    uploads = []
    for field, values in files.lists():
        if field_pattern is not None and not field_pattern.fullmatch(field):
            continue
        uploads.extend((field, upload) for upload in values)
    return uploads


def stored_name(name, extension):
    """Return the client's file name without control characters, cut to the column's length."""
    name = CONTROL_CHARACTERS.sub("", name)
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem = name[: -(len(extension) + 1)]
    return f"{stem[: MAX_NAME_LENGTH - len(extension) - 1]}.{extension}"


def attachment_upload_check(upload, *, field="file"):
    """Check one uploaded file and return it as a CheckedUpload, or raise a 400 (413 when too large).

    The file must not be empty, must have an extension of letters and digits (at most
    6 characters), and a file named as a picture must be a picture that can be read.
    """
    name = client_name(upload.name)
    if upload.size == 0:
        raise ValidationError({field: [f"the file {name!r} is empty."]})
    limit = max_upload_bytes()
    if upload.size > limit:
        raise UploadTooLarge(f"The file {name!r} is {upload.size} bytes, more than the limit of {limit} bytes.")

    _, extension = split_name(name)
    if not extension:
        raise ValidationError(
            {field: [f"the file {name!r} has no valid extension: name it like 'notes.pdf' (letters and digits)."]}
        )
    if len(extension) > MAX_EXTENSION_LENGTH:
        raise ValidationError(
            {
                field: [
                    f"the extension {extension!r} of {name!r} is too long: at most {MAX_EXTENSION_LENGTH} characters."
                ]
            }
        )

    thumbnail = None
    if extension in PICTURE_EXTENSIONS:
        try:
            picture = open_picture(upload, label=f"the file {name!r}")
        except MediaError as error:
            raise ValidationError({field: [str(error)]}) from None
        thumbnail = png_bytes(cover(picture, THUMBNAIL_SIZE))
        upload.seek(0)
    return CheckedUpload(
        upload=upload,
        name=stored_name(name, extension),
        extension=extension,
        mimetype=guess_mimetype(extension),
        thumbnail=thumbnail,
    )


def attachment_uploads_check(uploads):
    """Check (field, file) pairs, all before anything is stored, so one bad file stores none."""
    return [attachment_upload_check(upload, field=field) for field, upload in uploads]


# ---- writes ----------------------------------------------------------------------


@transaction.atomic
def attachments_create(*, uploads, comment=None, chat_message=None, reply_id=None):
    """Store checked uploads as the attachments of a comment (or of one of its replies) or of a chat message.

    Return the new rows in upload order. When a write fails, the files already
    stored by this call are deleted before the error propagates.
    """
    created, stored = [], []
    try:
        for checked in uploads:
            attachment = AttachmentFile.objects.create(
                name=checked.name,
                size=min(checked.upload.size, MAX_SIZE_VALUE),
                extension=checked.extension,
                mimetype=checked.mimetype,
                comment=comment,
                chat_message=chat_message,
                reply_id=reply_id,
            )
            stored.append(save_file(attachment_key(attachment), checked.upload))
            if checked.thumbnail is not None:
                stored.append(save_file(attachment_thumbnail_key(attachment.pk), checked.thumbnail))
            created.append(attachment)
    except BaseException:
        delete_files(stored)
        raise
    for attachment in created:
        owner = f"comment {comment.pk}" if comment is not None else f"chat message {getattr(chat_message, 'pk', None)}"
        logger.info("Attachment %s (%s bytes) added to %s", attachment.pk, attachment.size, owner)
    return created


def attachment_files_forget(*, queryset):
    """Delete the stored files of the attachments in `queryset` once the transaction commits.

    Call it before deleting the rows (or what they cascade from): a rollback keeps the files.
    """
    keys = []
    for attachment_id, extension in queryset.values_list("pk", "extension"):
        keys.extend(attachment_keys(attachment_id, extension))
    return delete_files_on_commit(keys)


@transaction.atomic
def attachment_delete(*, attachment, user=None):
    attachment_files_forget(queryset=AttachmentFile.objects.filter(pk=attachment.pk))
    attachment_id = attachment.pk
    attachment.delete()
    logger.info("Attachment %s deleted by %s", attachment_id, getattr(user, "pk", None))


@transaction.atomic
def attachments_delete(*, queryset, user=None):
    """Delete the attachments of `queryset` and, once committed, their files."""
    attachment_files_forget(queryset=queryset)
    deleted, _ = queryset.delete()
    if deleted:
        logger.info("%s attachment(s) deleted by %s", deleted, getattr(user, "pk", None))
    return deleted


# ---- the `attachment_files` key of comments and chat messages ---------------------


def attachments_prefetch(name="attachment_files"):
    """Return the prefetch of the attachments of comments or chat messages, oldest first, in one query per list."""
    return Prefetch(name, queryset=AttachmentFile.objects.order_by("created_at", "pk"))


def attachment_summary(attachment, *, with_reply_id=False):
    """Return an attachment as comment rows list it: id, name, extension, size, and reply id in task lists."""
    row = {"id": str(attachment.pk), "name": attachment.name, "extension": attachment.extension}
    if with_reply_id:
        row["reply_id"] = str(attachment.reply_id) if attachment.reply_id else None
    row["size"] = attachment.size
    return row


def comment_attachment_summaries(comment, *, with_reply_id=False):
    """Return the attachments of a comment as its rows show them (prefetch `attachment_files` for lists)."""
    return [
        attachment_summary(attachment, with_reply_id=with_reply_id) for attachment in comment.attachment_files.all()
    ]


def attachment_ids_by_comment(comment_ids):
    """Map each comment id (a string) to the ids of its attachments, oldest first, in one query."""
    found = {}
    rows = AttachmentFile.objects.filter(comment_id__in=comment_ids).order_by("created_at", "pk")
    for attachment_id, comment_id in rows.values_list("pk", "comment_id"):
        found.setdefault(str(comment_id), []).append(str(attachment_id))
    return found


def chat_message_attachment_summaries(message):
    """Return the attachments of a chat message as the chat routes show them: id, name and extension."""
    return [
        {"id": str(attachment.pk), "name": attachment.name, "extension": attachment.extension}
        for attachment in message.attachment_files.all()
    ]
