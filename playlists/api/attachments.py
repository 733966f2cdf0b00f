"""Attachment routes: adding files to a comment, downloading them, their thumbnails,
the lists of a task's or a project's attachments, and the generic /data/attachment-files collection.

The readers of a comment (the task's readers, within the comment rules of clients)
read its attachments, and the readers of an entity read the attachments of its chat.
The comment's author and the managers of its project add and delete attachments.
"""

import logging

from django.urls import re_path
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kitsu_project.api.permissions import ADMIN, ADMIN_ONLY, ALL_ROLES
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, MalformedId, parse_path_id, path_row
from kitsu_project.storage import EXTENSION_PATTERN, file_exists
from playlists.media.responses import stored_file_response
from playlists.models import AttachmentFile
from playlists.services import attachments as attachment_services
from productions.access import is_project_manager
from productions.api.comments import check_comment_read
from productions.api.entities import check_entity_read
from productions.api.task_common import (
    COMMENT,
    NOT_ALLOWED,
    TASK,
    check_task_read,
    load_comment,
    load_task,
    task_queryset,
)
from productions.models import Chat, Comment, Entity, Project, Task

logger = logging.getLogger("playlists.attachments")

NOT_AUTHOR = "You are not allowed to do this: only the comment's author and the project's managers may."
ATTACHMENT_ROW_JOINS = ("comment", "chat_message")


# ---- loading and access rules ----------------------------------------------------------


def load_attachment(attachment_id, *, malformed_is_404=False):
    """Return the attachment with this path id; 404 when unknown, and 400 (or 404) when malformed."""
    queryset = AttachmentFile.objects.select_related("comment__person", "chat_message")
    if malformed_is_404:
        try:
            parse_path_id(attachment_id)
        except MalformedId:
            raise NotFound(f"No attachment file has the id {attachment_id!r}.") from None
    return path_row(queryset, attachment_id, "attachment file")


def check_attachment_read(user, attachment):
    """Allow the readers of the attachment's comment or of its chat's entity; other attachments are for admins."""
    if attachment.comment_id is not None:
        comment = attachment.comment
        task = task_queryset().filter(pk=comment.object_id).first()
        if task is not None:
            check_task_read(user, task)
            check_comment_read(user, task, comment)
            return
    elif attachment.chat_message_id is not None:
        chat = Chat.objects.filter(pk=attachment.chat_message.chat_id).first()
        entity = Entity.objects.filter(pk=chat.object_id).first() if chat is not None else None
        if entity is not None:
            check_entity_read(user, entity)
            return
    if user.role != ADMIN:
        raise PermissionDenied(NOT_ALLOWED)


def check_comment_attachments_change(user, task, comment):
    """Allow the comment's author (while they read the task) and the project's managers to change attachments."""
    if comment.person_id == user.pk:
        check_task_read(user, task)
        return
    if not is_project_manager(user, task.project_id):
        logger.warning("Person %s may not change the attachments of comment %s", user.pk, comment.pk)
        raise PermissionDenied(NOT_AUTHOR)


def attachment_row(attachment):
    """Serialize an attachment as the /data routes return it, with its comment and chat message rows."""
    row = serialize_row(attachment)
    row["comment"] = serialize_row(attachment.comment) if attachment.comment_id else None
    row["chat_message"] = serialize_row(attachment.chat_message) if attachment.chat_message_id else None
    return row


def form_reply_id(request, comment):
    """Return the `reply_id` form field as a reply id of `comment`, None when absent, or raise a 400."""
    raw = request.data.get("reply_id") if hasattr(request.data, "get") else None
    if raw in (None, ""):
        return None
    try:
        reply_id = parse_path_id(raw)
    except MalformedId:
        raise ValidationError({"reply_id": [f"invalid id {raw!r}: expected a UUID."]}) from None
    if not any(reply.get("id") == str(reply_id) for reply in comment.replies or []):
        raise ValidationError({"reply_id": [f"comment {comment.pk} has no reply with the id {reply_id}."]})
    return reply_id


# ---- routes ------------------------------------------------------------------------------


class CommentAddAttachmentView(APIView):
    """POST one or several files (multipart, any field names) as attachments of a comment.

    An optional `reply_id` form field attaches them to one of the comment's replies.
    Returns the new attachments as `{id, name, extension, size}`.
    """

    permission_classes = [IsAuthenticated]

    def post(self, request, task_id, comment_id):
        user = request.user
        task = load_task(task_id)
        comment = load_comment(task, comment_id)
        check_comment_attachments_change(user, task, comment)
        reply_id = form_reply_id(request, comment)
        uploads = attachment_services.request_uploads(request.FILES)
        if not uploads:
            raise ValidationError({"file": ["no file was sent: send the files as multipart form data."]})
        checked = attachment_services.attachment_uploads_check(uploads)
        attachments = attachment_services.attachments_create(uploads=checked, comment=comment, reply_id=reply_id)
        rows = [attachment_services.attachment_summary(attachment) for attachment in attachments]
        return Response(rows, status=status.HTTP_201_CREATED)


class CommentAttachmentView(APIView):
    """DELETE one attachment of a comment, and its stored files."""

    permission_classes = [IsAuthenticated]

    def delete(self, request, task_id, comment_id, attachment_id):
        task = load_task(task_id)
        comment = load_comment(task, comment_id)
        check_comment_attachments_change(request.user, task, comment)
        attachment = path_row(
            AttachmentFile.objects.filter(comment=comment), attachment_id, "attachment of this comment"
        )
        attachment_services.attachment_delete(attachment=attachment, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentFileDownloadView(APIView):
    """GET the stored file of an attachment, as a download named after the attachment.

    The file name of the path is only there for the browser: the stored file is found by id.
    """

    permission_classes = [IsAuthenticated]

    def get(self, request, attachment_file_id, file_name):
        attachment = load_attachment(attachment_file_id, malformed_is_404=True)
        check_attachment_read(request.user, attachment)
        missing = f"The file of attachment {attachment.pk} was not found."
        if not attachment.extension or not EXTENSION_PATTERN.match(attachment.extension):
            raise NotFound(missing)
        content_type = attachment.mimetype or attachment_services.guess_mimetype(attachment.extension)
        response = stored_file_response(
            request,
            attachment_services.attachment_key(attachment),
            content_type=content_type,
            download_name=attachment.name or f"{attachment.pk}.{attachment.extension}",
            missing=missing,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AttachmentThumbnailView(APIView):
    """GET the 150x150 PNG thumbnail of a picture attachment; other attachments have none (404)."""

    permission_classes = [IsAuthenticated]

    def get(self, request, attachment_file_id):
        attachment = load_attachment(attachment_file_id, malformed_is_404=True)
        check_attachment_read(request.user, attachment)
        return stored_file_response(
            request,
            attachment_services.attachment_thumbnail_key(attachment.pk),
            content_type="image/png",
            missing=f"Attachment {attachment.pk} has no thumbnail: only pictures get one.",
        )


class AdminAttachmentListView(APIView):
    """A list of attachments of comments, for admins only (it serves synchronisation tools)."""

    permission_classes = [IsAuthenticated]

    def check_admin(self, user):
        if user.role != ADMIN:
            raise PermissionDenied(NOT_ALLOWED)

    def rows(self, queryset):
        queryset = queryset.select_related(*ATTACHMENT_ROW_JOINS).order_by("created_at", "pk")
        return [attachment_row(attachment) for attachment in queryset]


class ProjectAttachmentFilesView(AdminAttachmentListView):
    """GET the attachments of the comments on a project's tasks (admins)."""

    def get(self, request, project_id):
        self.check_admin(request.user)
        project = path_row(Project.objects.all(), project_id, "project")
        task_ids = Task.objects.filter(project=project).values("pk")
        comment_ids = Comment.objects.filter(object_id__in=task_ids).values("pk")
        return Response(self.rows(AttachmentFile.objects.filter(comment_id__in=comment_ids)))


class TaskAttachmentFilesView(AdminAttachmentListView):
    """GET the attachments of the comments on a task (admins)."""

    def get(self, request, task_id):
        self.check_admin(request.user)
        task = path_row(Task.objects.all(), task_id, "task")
        comment_ids = Comment.objects.filter(object_id=task.pk).values("pk")
        return Response(self.rows(AttachmentFile.objects.filter(comment_id__in=comment_ids)))


# ---- generic /data/attachment-files ---------------------------------------------------------


class AttachmentFileSerializer(serializer_for(AttachmentFile)):
    """An attachment row; its file is added through the comment and chat routes, never here."""

    def validate_extension(self, value):
        if value in (None, ""):
            return value
        if not EXTENSION_PATTERN.match(value) or len(value) > attachment_services.MAX_EXTENSION_LENGTH:
            raise serializers.ValidationError(
                f"invalid extension {value!r}: use lowercase letters and digits, at most "
                f"{attachment_services.MAX_EXTENSION_LENGTH} characters."
            )
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance
        # The stored file's key contains the extension, so the extension of a stored file stays.
        if instance is not None and "extension" in attrs and attrs["extension"] != instance.extension:
            stored_keys = attachment_services.attachment_keys(instance.pk, instance.extension)[1:]
            if any(file_exists(key) for key in stored_keys):
                raise serializers.ValidationError(
                    {"extension": ["the extension of an attachment whose file is stored cannot change."]}
                )
        return attrs

    def to_representation(self, instance):
        return attachment_row(instance)


class AttachmentFileViewSet(KitsuModelViewSet):
    """Admins list and write attachment rows; the readers of an attachment's comment or chat read it."""

    queryset = AttachmentFile.objects.all()
    serializer_class = AttachmentFileSerializer
    list_select_related = ATTACHMENT_ROW_JOINS
    read_roles = ALL_ROLES
    list_roles = ADMIN_ONLY

    def get_queryset(self):
        return super().get_queryset().select_related("comment__person", "chat_message")

    def has_row_access(self, user, row):
        if self.action != "retrieve":
            return True
        try:
            check_attachment_read(user, row)
        except PermissionDenied:
            return False
        return True

    def delete_row(self, row, *, force):
        attachment_services.attachment_delete(attachment=row, user=self.request.user)


ATTACHMENT = r"(?P<attachment_file_id>[^/]+)"

urlpatterns = [
    re_path(rf"^attachment-files/{ATTACHMENT}/file/(?P<file_name>[^/]*)/?$", AttachmentFileDownloadView.as_view()),
    re_path(r"^projects/(?P<project_id>[^/]+)/attachment-files/?$", ProjectAttachmentFilesView.as_view()),
    re_path(rf"^tasks/{TASK}/attachment-files/?$", TaskAttachmentFilesView.as_view()),
    re_path(
        rf"^tasks/{TASK}/comments/{COMMENT}/attachments/(?P<attachment_id>[^/]+)/?$",
        CommentAttachmentView.as_view(),
    ),
]

action_urlpatterns = [
    re_path(rf"^tasks/{TASK}/comments/{COMMENT}/add-attachment/?$", CommentAddAttachmentView.as_view()),
]

picture_urlpatterns = [
    re_path(rf"^thumbnails/attachment-files/{ATTACHMENT}\.png$", AttachmentThumbnailView.as_view()),
]

GENERIC_COLLECTIONS = (("attachment-files", AttachmentFileViewSet, "attachment-file"),)
