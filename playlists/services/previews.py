"""Preview file writes: new revisions on comments, deletes, main previews, positions and annotations.

Each write that reads then changes rows of one task (revision numbers, positions)
locks the task row first, so two requests on one task run one after the other.
Events are sent once the transaction commits (see `productions.services.events`).
"""

import io
import logging
import uuid

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from kitsu_project.storage import delete_files_on_commit, save_file
from playlists.media.keys import picture_key, preview_keys
from playlists.media.pictures import MediaError, open_picture, picture_sizes
from playlists.models import CommentPreviewLink, PreviewFile
from playlists.services import annotations as annotation_merge
from productions.models import Comment, Entity, News, Task
from productions.services import entities as entity_services
from productions.services.events import event_send

logger = logging.getLogger("playlists.previews")

# Previews added from the web UI or Gazu are marked with this source, as the reference does.
WEB_SOURCE = "webgui"
# The extension of a preview whose file has not arrived yet. The upload sets the real one.
PENDING_EXTENSION = "mp4"


def task_lock(task_id):
    """Lock the task row until the transaction ends, so its previews are numbered one request at a time."""
    Task.objects.select_for_update().filter(pk=task_id).values("pk").first()


def preview_project_id(preview):
    if preview.task_id is None:
        return None
    return Task.objects.filter(pk=preview.task_id).values_list("project_id", flat=True).first()


# ---- revisions and positions -------------------------------------------------------


def next_revision(task_id):
    """Return the revision after the highest one of the task's previews (1 for a task without previews)."""
    highest = PreviewFile.objects.filter(task_id=task_id).aggregate(highest=Max("revision"))["highest"]
    return (highest or 0) + 1


def next_position(task_id, revision):
    """Return the position after the last preview of one revision (1 for a new revision).

    The highest position is used rather than a count, so a revision that lost a
    preview never gives two previews the same position.
    """
    previews = PreviewFile.objects.filter(task_id=task_id, revision=revision)
    highest = previews.aggregate(highest=Max("position"))["highest"]
    return (highest or 0) + 1


def comment_revision(comment):
    """Return the revision of the first preview already on `comment`, or None when it has none."""
    return (
        PreviewFile.objects.filter(comment_links__comment=comment)
        .order_by("created_at", "position")
        .values_list("revision", flat=True)
        .first()
    )


# ---- add ---------------------------------------------------------------------------


@transaction.atomic
def preview_file_add(*, task, comment, person, revision=None):
    """Create a preview revision of `task` on `comment`, waiting for its file, and return it.

    Without `revision`, the comment's first preview starts a new revision (the
    task's highest plus one) and a later one joins the revision of the comment's
    previews. A preview that joins a revision takes the next position in it.
    """
    task_lock(task.pk)
    if revision is None:
        revision = comment_revision(comment) or next_revision(task.pk)
    position = next_position(task.pk, revision)

    # The name only has to be unique per task and revision. The reference uses 13 characters of a UUID.
    preview = PreviewFile.objects.create(
        name=str(uuid.uuid4())[:13],
        revision=revision,
        position=position,
        source=WEB_SOURCE,
        extension=PENDING_EXTENSION,
        status=PreviewFile.STATUS_PROCESSING,
        task=task,
        person=person,
    )
    CommentPreviewLink.objects.create(comment=comment, preview_file=preview)
    # The news line of the comment shows its preview.
    News.objects.filter(comment=comment).update(preview_file_id=preview.pk, updated_at=timezone.now())

    event_send(
        name="preview-file:new",
        data={"preview_file_id": preview.pk, "comment_id": comment.pk},
        project_id=task.project_id,
        user=person,
    )
    event_send(name="comment:update", data={"comment_id": comment.pk}, project_id=task.project_id, user=person)
    logger.info(
        "Preview %s (revision %s, position %s) added to comment %s of task %s by %s",
        preview.pk,
        revision,
        position,
        comment.pk,
        task.pk,
        person.pk,
    )
    return preview


# ---- delete ------------------------------------------------------------------------


def task_last_preview(task_id):
    """Return the preview that stands for a task: the first ready preview of its highest revision, or None."""
    return (
        PreviewFile.objects.filter(task_id=task_id, status=PreviewFile.STATUS_READY)
        .order_by("-revision", "position", "created_at")
        .first()
    )


@transaction.atomic
def preview_file_delete(*, preview, user=None):
    """Delete a preview file, its comment links and its stored files, and clear the rows that point to it.

    Entities and news lines that showed it show nothing, and a task whose last
    preview it was takes its next ready preview. The files are deleted once the
    transaction commits, so a rolled-back delete keeps them.
    """
    preview_id, task_id = preview.pk, preview.task_id
    if task_id is not None:
        task_lock(task_id)
    project_id = preview_project_id(preview)
    keys = preview_keys(preview)
    now = timezone.now()

    Entity.objects.filter(preview_file_id=preview_id).update(preview_file_id=None, updated_at=now)
    News.objects.filter(preview_file_id=preview_id).update(preview_file_id=None, updated_at=now)
    Comment.objects.filter(preview_file_id=preview_id).update(preview_file_id=None, updated_at=now)
    preview.delete()

    if task_id is not None and Task.objects.filter(pk=task_id, last_preview_file_id=preview_id).exists():
        replacement = task_last_preview(task_id)
        Task.objects.filter(pk=task_id).update(
            last_preview_file_id=replacement.pk if replacement is not None else None, updated_at=now
        )

    delete_files_on_commit(keys)
    event_send(name="preview-file:delete", data={"preview_file_id": preview_id}, project_id=project_id, user=user)
    logger.info("Preview %s of task %s deleted by %s", preview_id, task_id, getattr(user, "pk", None))


# ---- main preview ------------------------------------------------------------------


def frame_pictures_save(*, preview, frame_number):
    """Replace the thumbnails of a movie preview with frame `frame_number` of the movie.

    Raises ValidationError naming `frame_number` when the frame cannot be read.
    """
    # Imported here: the movie tools load only when a frame is asked for.
    from playlists.services.preview_processing import extract_frame_picture

    try:
        data = extract_frame_picture(preview=preview, frame_number=frame_number)
        sizes = picture_sizes(open_picture(io.BytesIO(data), label=f"frame {frame_number}"))
    except MediaError as error:
        raise ValidationError({"frame_number": [str(error)]}) from None
    for size, content in sizes.items():
        save_file(picture_key(preview, size), content)
    logger.info("Thumbnails of preview %s replaced by frame %s", preview.pk, frame_number)


def preview_main_set(*, preview, task, user, frame_number=None):
    """Make `preview` the thumbnail of its task's entity and return the entity.

    With `frame_number` (movies only), that frame of the movie becomes the
    preview's thumbnails first.
    """
    if frame_number is not None:
        if not preview.is_movie:
            raise ValidationError(
                {
                    "frame_number": [
                        f"the preview file {preview.pk} is not a movie ({preview.extension}): "
                        "send a frame number only for movies."
                    ]
                }
            )
        frame_pictures_save(preview=preview, frame_number=frame_number)
    return entity_services.entity_main_preview_set(entity=task.entity, preview_file_id=preview.pk, user=user)


# ---- positions ---------------------------------------------------------------------


@transaction.atomic
def preview_position_update(*, preview, position, user=None):
    """Move `preview` to `position` (1 is the first) among the previews of its revision and return them in order.

    Raises ValidationError naming `position` when it is past the number of previews.
    """
    task_lock(preview.task_id)
    previews = list(
        PreviewFile.objects.filter(task_id=preview.task_id, revision=preview.revision).order_by(
            "position", "created_at"
        )
    )
    if not 1 <= position <= len(previews):
        raise ValidationError(
            {"position": [f"must be between 1 and {len(previews)}, the number of previews of revision "
                          f"{preview.revision}, got {position}."]}
        )  # fmt: skip
    moved = next(row for row in previews if row.pk == preview.pk)
    ordered = [row for row in previews if row.pk != preview.pk]
    ordered.insert(position - 1, moved)

    now = timezone.now()
    changed = []
    for index, row in enumerate(ordered, start=1):
        if row.position != index:
            row.position = index
            row.updated_at = now
            changed.append(row)
    PreviewFile.objects.bulk_update(changed, ["position", "updated_at"])

    # The first preview of a revision is the one that stands for it on the task.
    task = Task.objects.filter(pk=preview.task_id).only("pk", "project_id", "last_preview_file_id").first()
    first = ordered[0]
    revision_ids = {row.pk for row in ordered}
    if task.last_preview_file_id in revision_ids and first.status == PreviewFile.STATUS_READY:
        Task.objects.filter(pk=task.pk).update(last_preview_file_id=first.pk, updated_at=now)

    for row in changed:
        event_send(name="preview-file:update", data={"preview_file_id": row.pk}, project_id=task.project_id, user=user)
    logger.info("Preview %s moved to position %s of revision %s", preview.pk, position, preview.revision)
    return ordered


# ---- annotations -------------------------------------------------------------------


@transaction.atomic
def preview_annotations_update(*, preview, user, additions, updates, deletions):
    """Merge annotation changes into the stored annotations of `preview` and return the preview.

    The row is locked while the list is merged, so two people who annotate one
    preview at once both keep their drawings. The changes are already checked
    (see `playlists.services.annotations.parse_changes`).
    """
    locked = PreviewFile.objects.select_for_update().get(pk=preview.pk)
    merged = annotation_merge.annotations_merge(
        locked.annotations, additions=additions, updates=updates, deletions=deletions
    )
    locked.annotations = merged
    locked.save(update_fields=["annotations", "updated_at"])

    project_id = preview_project_id(locked)
    event_send(
        name="preview-file:annotation-update",
        data={
            "preview_file_id": locked.pk,
            "person_id": user.pk,
            "updated_at": locked.updated_at.strftime("%Y-%m-%dT%H:%M:%S"),
        },
        project_id=project_id,
        user=user,
    )
    logger.info(
        "Annotations of preview %s updated by %s (%d added, %d updated, %d deleted)",
        locked.pk,
        user.pk,
        len(additions),
        len(updates),
        len(deletions),
    )
    return locked
