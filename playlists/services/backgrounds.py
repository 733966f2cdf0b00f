"""Preview background files: the HDR pictures the 3D viewer lights models with, their thumbnails,
and the backgrounds offered in each project.

A background's picture is stored under `preview-backgrounds/<id>.hdr` and its
300x200 PNG thumbnail under `preview-backgrounds/thumbnails/<id>.png`. Pillow
cannot read HDR pictures, so the thumbnail comes from `playlists.media.hdr`.
"""

import logging

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from kitsu_project.storage import EXTENSION_PATTERN, delete_files, delete_files_on_commit, file_key, save_file
from playlists.media.hdr import hdr_thumbnail
from playlists.media.pictures import BIG_RECTANGLE_SIZE, MediaError, fit_inside, open_picture, png_bytes
from playlists.models import PreviewBackgroundFile, ProjectPreviewBackgroundFileLink
from playlists.uploads import check_extension, client_name, safe_stem, split_name
from productions.models import Project
from productions.services.events import event_send

logger = logging.getLogger("playlists.backgrounds")

FOLDER = "preview-backgrounds"
THUMBNAIL_FOLDER = "preview-backgrounds/thumbnails"
ALLOWED_EXTENSIONS = frozenset({"hdr"})
THUMBNAIL_SIZE = BIG_RECTANGLE_SIZE


# ---- storage keys ------------------------------------------------------------------


def background_key(background_id, extension):
    return file_key(FOLDER, background_id, extension)


def background_thumbnail_key(background_id):
    return file_key(THUMBNAIL_FOLDER, background_id, "png")


def background_keys(background):
    keys = [background_thumbnail_key(background.pk)]
    if background.extension and EXTENSION_PATTERN.match(background.extension):
        keys.append(background_key(background.pk, background.extension))
    return keys


# ---- writes --------------------------------------------------------------------------


def background_default_keep_one(*, background):
    """When `background` is the default, no other background stays the default."""
    if not background.is_default:
        return 0
    changed = (
        PreviewBackgroundFile.objects.filter(is_default=True)
        .exclude(pk=background.pk)
        .update(is_default=False, updated_at=timezone.now())
    )
    if changed:
        logger.info("Preview background %s is now the only default (%s unset)", background.pk, changed)
    return changed


@transaction.atomic
def background_file_store(*, background, upload, user=None):
    """Store the HDR picture of a background and its thumbnail, and record its name, extension and size.

    Raises a 400 for an extension other than hdr or a file that is not a Radiance
    HDR picture. The row and its previous files then stay unchanged.
    """
    extension = check_extension(upload, ALLOWED_EXTENSIONS)
    name = client_name(upload.name)
    try:
        thumbnail = hdr_thumbnail(upload, label=f"the file {name!r}")
    except MediaError as error:
        raise ValidationError({"file": [str(error)]}) from None
    upload.seek(0)

    stored = []
    try:
        stored.append(save_file(background_key(background.pk, extension), upload))
        stored.append(save_file(background_thumbnail_key(background.pk), thumbnail))
    except BaseException:
        delete_files(stored)
        raise
    if background.extension and background.extension != extension and EXTENSION_PATTERN.match(background.extension):
        delete_files_on_commit([background_key(background.pk, background.extension)])

    background.original_name = safe_stem(upload.name)
    background.extension = extension
    background.file_size = upload.size
    background.save(update_fields=["original_name", "extension", "file_size", "updated_at"])
    event_send(name="preview-background-file:update", data={"preview_background_file_id": background.pk}, user=user)
    event_send(
        name="preview-background-file:add-file",
        data={"preview_background_file_id": background.pk, "extension": extension},
        user=user,
    )
    logger.info("Preview background %s file stored (%s bytes)", background.pk, upload.size)
    return background


@transaction.atomic
def background_thumbnail_set(*, background, upload, user=None):
    """Replace the thumbnail of a background with an uploaded picture (any picture Pillow reads, or HDR)."""
    name = client_name(upload.name)
    _, extension = split_name(name)
    try:
        if extension == "hdr":
            thumbnail = hdr_thumbnail(upload, label=f"the file {name!r}")
        else:
            thumbnail = png_bytes(fit_inside(open_picture(upload, label=f"the file {name!r}"), THUMBNAIL_SIZE))
    except MediaError as error:
        raise ValidationError({"file": [str(error)]}) from None
    save_file(background_thumbnail_key(background.pk), thumbnail)
    background.save(update_fields=["updated_at"])
    event_send(name="preview-background-file:update", data={"preview_background_file_id": background.pk}, user=user)
    logger.info("Preview background %s thumbnail replaced", background.pk)
    return background


@transaction.atomic
def background_delete(*, background, user=None):
    """Delete a background: projects stop offering it or using it as default, and its files go on commit."""
    background_id = background.pk
    delete_files_on_commit(background_keys(background))
    Project.objects.filter(default_preview_background_file_id=background_id).update(
        default_preview_background_file_id=None, updated_at=timezone.now()
    )
    background.delete()
    logger.info("Preview background %s deleted by %s", background_id, getattr(user, "pk", None))


@transaction.atomic
def project_background_add(*, project, background):
    """Offer a background in a project; adding it twice changes nothing."""
    _, created = ProjectPreviewBackgroundFileLink.objects.get_or_create(
        project=project, preview_background_file=background
    )
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
    if created:
        logger.info("Preview background %s added to project %s", background.pk, project.pk)
    return project


@transaction.atomic
def project_background_remove(*, project, background_id):
    """Stop offering a background in a project; it also stops being the project's default background."""
    deleted, _ = ProjectPreviewBackgroundFileLink.objects.filter(
        project=project, preview_background_file_id=background_id
    ).delete()
    values = {"updated_at": timezone.now()}
    if project.default_preview_background_file_id == background_id:
        values["default_preview_background_file_id"] = None
    Project.objects.filter(pk=project.pk).update(**values)
    project.refresh_from_db()
    if deleted:
        logger.info("Preview background %s removed from project %s", background_id, project.pk)
    return project
