"""The upload of a preview revision's file: a picture, a movie or another file.

Pictures are checked and resized in the request and are ready at once. Movies
are stored as uploaded and processed by a background job (inline when no
Celery broker is set). Other files (PDF, 3D scenes, archives...) are stored as
they are. A rejected file changes neither the storage nor the row.
"""

import logging

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from kitsu_project.storage import save_file
from playlists.media import keys
from playlists.media.pictures import MediaError, open_picture, picture_sizes, png_bytes
from playlists.models import CommentPreviewLink, MediaJob, PreviewFile
from playlists.uploads import client_name, safe_stem, split_name
from productions.models import Entity, Task
from productions.services.events import event_send

logger = logging.getLogger("playlists")

PICTURE_EXTENSIONS = frozenset({"jpe", "jpeg", "jpg", "png"})
MOVIE_EXTENSIONS = frozenset({"avi", "m4v", "mkv", "mov", "mp4", "webm", "wmv"})
OTHER_FILE_EXTENSIONS = frozenset(
    {
        "ae", "ai", "blend", "clip", "comp", "exr", "fbx", "fla", "flv", "gif", "glb", "gltf", "hip", "kra",
        "ma", "mb", "mp3", "obj", "pdf", "psd", "psb", "rar", "rev", "riv", "sai", "sai2", "sbbkp", "svg",
        "swf", "tvpp", "wav", "zip",
    }
)  # fmt: skip
PREVIEW_EXTENSIONS = PICTURE_EXTENSIONS | MOVIE_EXTENSIONS | OTHER_FILE_EXTENSIONS


def preview_extension(upload):
    """Return the lowercase extension of an uploaded preview, or a 400 naming it when no preview may have it."""
    _, extension = split_name(upload.name)
    if extension not in PREVIEW_EXTENSIONS:
        shown = f"extension {extension!r}" if extension else "no extension"
        raise ValidationError(
            {
                "file": [
                    f"wrong file format, {shown}: send a picture (png, jpg), "
                    f"a movie ({', '.join(sorted(MOVIE_EXTENSIONS))}) or one of "
                    f"{', '.join(sorted(OTHER_FILE_EXTENSIONS))}."
                ]
            }
        )
    return extension


def locked_preview(preview):
    """Lock the row of `preview` for this transaction and reject a second upload on a finished revision.

    A broken preview (or one whose file never arrived) takes a new upload.
    """
    locked = PreviewFile.objects.select_for_update().get(pk=preview.pk)
    if locked.original_name and locked.status != PreviewFile.STATUS_BROKEN:
        raise ValidationError(
            {
                "file": [
                    f"the preview file {locked.pk} already has an uploaded file ({locked.original_name}): "
                    "add a new revision instead."
                ]
            }
        )
    return locked


def preview_upload(*, preview, upload, user, normalize=True):
    """Store the file of a preview revision and return the preview, refreshed.

    `normalize=False` (a movie only) copies the uploaded streams into the web
    movie instead of encoding them again. Raises ValidationError (400) for an
    extension no preview may have, a picture that cannot be read, or a second
    upload on the same revision.
    """
    extension = preview_extension(upload)
    if extension in PICTURE_EXTENSIONS:
        preview_picture_save(preview=preview, upload=upload, extension=extension, user=user)
    elif extension in MOVIE_EXTENSIONS:
        preview_movie_save(preview=preview, upload=upload, user=user, normalize=normalize)
    else:
        preview_other_save(preview=preview, upload=upload, extension=extension, user=user)
    preview.refresh_from_db()
    return preview


def preview_upload_reject(*, preview, reason, user):
    """Mark a preview whose first upload was rejected as `broken`, with the reason on a failed media job.

    Without it the revision would stay `processing` for ever, listed among the
    running previews. A preview that already has its file is left as it is,
    and a broken preview still takes a new upload.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = PreviewFile.objects.select_for_update().get(pk=preview.pk)
        if locked.original_name or locked.status != PreviewFile.STATUS_PROCESSING:
            return
        preview_fields_update(locked, status=PreviewFile.STATUS_BROKEN)
        MediaJob.objects.create(
            kind=MediaJob.KIND_PREVIEW,
            status=MediaJob.STATUS_FAILED,
            preview_file=locked,
            person=user,
            started_at=now,
            ended_at=now,
            error=reason,
            log=f"rejected the upload: {reason}\n",
        )
    logger.warning("Upload on preview %s rejected, preview marked broken: %s", preview.pk, reason)


def preview_picture_save(*, preview, upload, extension, user):
    """Store a picture as a PNG original with its three sizes; the preview is ready at once."""
    name = client_name(upload.name)
    try:
        image = open_picture(upload, label=f"the file {name!r}")
        sizes = picture_sizes(image)
    except MediaError as error:
        logger.warning("Picture upload on preview %s rejected: %s", preview.pk, error)
        raise ValidationError({"file": [str(error)]}) from None
    # A PNG upload is stored byte for byte. Other pictures are converted, because picture previews are always PNG.
    if extension == "png":
        upload.seek(0)
        original = upload.read()
    else:
        original = png_bytes(image)

    with transaction.atomic():
        locked = locked_preview(preview)
        save_file(keys.original_key(locked, "png"), original)
        for size, data in sizes.items():
            save_file(keys.picture_key(locked, size), data)
        preview_fields_update(
            locked,
            extension="png",
            original_name=safe_stem(upload.name),
            file_size=len(original),
            is_movie=False,
            status=PreviewFile.STATUS_READY,
            width=image.width,
            height=image.height,
            duration=0,
        )
        preview_added_announce(preview=locked, user=user)
        preview_ready_announce(preview=locked, user=user)
    logger.info("Picture %s uploaded on preview %s by %s", name, preview.pk, user.pk)


def preview_movie_save(*, preview, upload, user, normalize=True):
    """Store the uploaded movie and queue its processing job once the transaction commits; return the job."""
    from playlists.services.preview_processing import KEEP_ENCODING_LINE

    with transaction.atomic():
        locked = locked_preview(preview)
        save_file(keys.movie_source_key(locked, "mp4"), upload)
        preview_fields_update(
            locked,
            extension="mp4",
            original_name=safe_stem(upload.name),
            file_size=upload.size,
            is_movie=True,
            status=PreviewFile.STATUS_PROCESSING,
            width=0,
            height=0,
            duration=0,
        )
        job = MediaJob.objects.create(
            kind=MediaJob.KIND_PREVIEW,
            preview_file=locked,
            person=user,
            log="" if normalize else f"{KEEP_ENCODING_LINE}\n",
        )
        preview_added_announce(preview=locked, user=user)
        transaction.on_commit(lambda: preview_job_queue(job_id=job.pk))
    logger.info("Movie %s uploaded on preview %s by %s: job %s", client_name(upload.name), preview.pk, user.pk, job.pk)
    return job


def preview_other_save(*, preview, upload, extension, user):
    """Store a file that is neither a picture nor a movie as it is; the preview is ready at once."""
    with transaction.atomic():
        locked = locked_preview(preview)
        save_file(keys.original_key(locked, extension), upload)
        preview_fields_update(
            locked,
            extension=extension,
            original_name=safe_stem(upload.name),
            file_size=upload.size,
            is_movie=False,
            status=PreviewFile.STATUS_READY,
            width=0,
            height=0,
            duration=0,
        )
        preview_added_announce(preview=locked, user=user)
    logger.info("File %s uploaded on preview %s by %s", client_name(upload.name), preview.pk, user.pk)


def preview_job_queue(*, job_id):
    """Send the processing job to Celery (run inline when no broker is set).

    A broker that cannot take the job fails it at once, so the preview does not
    stay `processing` for ever.
    """
    from playlists.services.preview_processing import preview_job_fail
    from playlists.tasks import process_preview_file

    try:
        process_preview_file.delay(job_id)
    except Exception as error:
        logger.exception("Could not queue preview job %s", job_id)
        job = MediaJob.objects.select_related("preview_file").filter(pk=job_id).first()
        if job is not None and job.preview_file is not None:
            preview_job_fail(job, job.preview_file, f"Could not queue the processing job: {error}", "")


def preview_fields_update(preview, **fields):
    for name, value in fields.items():
        setattr(preview, name, value)
    preview.save(update_fields=[*fields, "updated_at"])


# ---- what follows a new file -------------------------------------------------------


def preview_comment_id(preview):
    return (
        CommentPreviewLink.objects.filter(preview_file=preview)
        .order_by("comment__created_at")
        .values_list("comment_id", flat=True)
        .first()
    )


def preview_project_id(preview):
    if preview.task_id is None:
        return None
    return Task.objects.filter(pk=preview.task_id).values_list("project_id", flat=True).first()


def preview_added_announce(*, preview, user):
    """Send the events of a new preview file: on its comment, and `preview-file:add-file`."""
    project_id = preview_project_id(preview)
    comment_id = preview_comment_id(preview)
    if comment_id is not None:
        event_send(name="comment:update", data={"comment_id": comment_id}, project_id=project_id, user=user)
    event_send(
        name="preview-file:add-file",
        data={
            "comment_id": comment_id,
            "task_id": preview.task_id,
            "preview_file_id": preview.pk,
            "revision": preview.revision,
            "extension": preview.extension,
            "status": preview.status,
        },
        project_id=project_id,
        user=user,
    )


def preview_ready_announce(*, preview, user):
    """Record a ready picture or movie as the task's last preview, and as the entity's thumbnail
    when the project sets thumbnails automatically; then send `preview-file:update`.

    Only the first preview of a revision (`position` 1) counts, as in Kitsu's own server (zou).
    """
    task = Task.objects.select_related("project").filter(pk=preview.task_id).first()
    if task is None:
        return
    if preview.position == 1:
        Task.objects.filter(pk=task.pk).update(last_preview_file_id=preview.pk, updated_at=timezone.now())
        if task.project.is_set_preview_automated:
            Entity.objects.filter(pk=task.entity_id).update(preview_file_id=preview.pk, updated_at=timezone.now())
            event_send(
                name="preview-file:set-main",
                data={"entity_id": task.entity_id, "preview_file_id": preview.pk},
                project_id=task.project_id,
                user=user,
            )
    event_send(name="preview-file:update", data={"preview_file_id": preview.pk}, project_id=task.project_id, user=user)
