"""The `previews` key of comments: the preview files linked to each comment.

Comment lists prefetch the links with `comment_previews_prefetch()`, so a list
reads its previews in one query whatever its length. One comment read alone
costs one query.
"""

from django.db.models import Exists, OuterRef, Prefetch

from playlists.models import CommentPreviewLink, PreviewFile

REJECTED = "rejected"


def comment_previews_prefetch(*, hide_rejected=False):
    """Build the prefetch of the preview links of comments, in revision then position order.

    `hide_rejected` leaves out the previews whose validation status is rejected,
    which clients do not see.
    """
    links = CommentPreviewLink.objects.select_related("preview_file").order_by(
        "preview_file__revision", "preview_file__position", "preview_file__created_at"
    )
    if hide_rejected:
        links = links.exclude(preview_file__validation_status=REJECTED)
    return Prefetch("preview_links", queryset=links)


def has_client_visible_preview():
    """Build a condition true for comments that carry at least one preview that clients see (not rejected)."""
    links = CommentPreviewLink.objects.filter(comment=OuterRef("pk")).exclude(preview_file__validation_status=REJECTED)
    return Exists(links)


def preview_summary(preview):
    """Return the short form of a preview file in a task's comment list."""
    return {
        "id": str(preview.pk),
        "task_id": str(preview.task_id) if preview.task_id else None,
        "revision": preview.revision,
        "extension": preview.extension,
        "width": preview.width,
        "height": preview.height,
        "duration": float(preview.duration or 0),
        "status": preview.status or PreviewFile.STATUS_READY,
        "validation_status": preview.validation_status or "neutral",
        "original_name": preview.original_name,
        "position": preview.position,
        "annotations": preview.annotations,
    }


def comment_preview_summaries(comment):
    """Return the previews of a comment in the form of the task comment list."""
    return [preview_summary(link.preview_file) for link in comment.preview_links.all()]


def comment_preview_ids(comment):
    """Return the ids of the previews of a comment, as a comment read alone lists them."""
    return [str(link.preview_file_id) for link in comment.preview_links.all()]


def preview_ids_by_comment(comment_ids):
    """Map each comment id (a string) to the ids of its previews, read in one query."""
    links = CommentPreviewLink.objects.filter(comment_id__in=comment_ids).order_by(
        "preview_file__revision", "preview_file__position", "preview_file__created_at"
    )
    mapping = {}
    for comment_id, preview_id in links.values_list("comment_id", "preview_file_id"):
        mapping.setdefault(str(comment_id), []).append(str(preview_id))
    return mapping
