"""Preview file routes: the generic /data/preview-files collection, previews added to comments,
main previews, positions and annotations, and the preview lists of tasks, entities and projects.

`urlpatterns` go under /api/data/, `action_urlpatterns` under /api/actions/ (see
`playlists.urls`). The list routes live in `playlists.api.preview_lists`.
"""

import logging

from django.db.models import Exists, OuterRef
from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kitsu_project.api.permissions import ADMIN, ALL_ROLES, STAFF_ROLES, VENDOR
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, parse_path_id, request_body
from playlists.models import CommentPreviewLink, PreviewFile
from playlists.services import annotations as annotation_input
from playlists.services import previews as preview_services
from productions.access import in_open_project_team, is_project_manager
from productions.api.comments import check_comment_read
from productions.api.projects import body_int
from productions.api.task_common import COMMENT, TASK, entity_row, load_comment, load_task, task_queryset
from productions.models import TaskPersonLink
from productions.services.events import event_send

from . import preview_lists
from .preview_access import (
    check_annotate,
    check_comment_preview_delete,
    check_main_preview_set,
    check_preview_action,
    check_preview_manage,
    check_preview_read,
    load_preview,
    load_preview_task,
)

logger = logging.getLogger("playlists.previews")

PREVIEW = r"(?P<preview_file_id>[^/]+)"


# ---- input -------------------------------------------------------------------------


def body_revision(data):
    """Return the `revision` of a new preview, or None (also for 0) to let the server number it."""
    value = body_int(data, "revision")
    if value is None or value == 0:
        return None
    if value < 0:
        raise ValidationError({"revision": [f"must be 1 or more (or 0 for the next revision), got {value}."]})
    return value


def frame_number_value(request, data):
    """Return the `frame_number` sent in the body or the query string, or None."""
    if data.get("frame_number") not in (None, ""):
        value = body_int(data, "frame_number")
    else:
        value = body_int(request.query_params, "frame_number")
    if value is not None and value < 0:
        raise ValidationError({"frame_number": [f"must be 0 or more, got {value}."]})
    return value


# ---- /data/preview-files -----------------------------------------------------------


class PreviewFileSerializer(serializer_for(PreviewFile)):
    """A preview file. The uniqueness of (name, task, revision) is checked here, with a message naming `name`."""

    def get_validators(self):
        return []

    def get_uniqueness_extra_kwargs(self, field_names, declared_fields, extra_kwargs):
        return extra_kwargs, {}

    def validate_annotations(self, value):
        if value is not None and not isinstance(value, list):
            raise ValidationError('expected a list of frames such as {"time": 0, "drawing": {"objects": []}}.')
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)

        def value(name):
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        name, task, revision = value("name"), value("task"), value("revision")
        if name is not None and task is not None:
            others = PreviewFile.objects.filter(name=name, task=task, revision=revision)
            if self.instance is not None:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise ValidationError(
                    {"name": [f"the task already has a preview named {name!r} at revision {revision}."]}
                )
        return attrs


class PreviewFileViewSet(KitsuModelViewSet):
    """Preview files. Admins create them here, while uploads go through add-preview. The project's
    managers edit and delete them. Readers of a task read its previews, and vendors only those of their tasks.

    A delete also deletes the stored files and clears the entities, tasks and
    comments that pointed to the preview.
    """

    queryset = PreviewFile.objects.all()
    serializer_class = PreviewFileSerializer
    update_roles = STAFF_ROLES
    delete_roles = STAFF_ROLES
    read_roles = ALL_ROLES

    def row_task(self, row):
        if not hasattr(row, "loaded_task"):
            row.loaded_task = load_preview_task(row)
        return row.loaded_task

    def has_row_access(self, user, row):
        task = self.row_task(row)
        try:
            if self.action == "retrieve":
                check_preview_read(user, row, task)
            else:
                check_preview_manage(user, task)
        except PermissionDenied:
            return False
        return True

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role == ADMIN:
            return queryset
        queryset = queryset.filter(in_open_project_team(user, "task__project"))
        if user.role == VENDOR:
            queryset = queryset.filter(Exists(TaskPersonLink.objects.filter(person=user, task=OuterRef("task"))))
        return queryset

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        links = CommentPreviewLink.objects.filter(preview_file_id=response.data["id"]).order_by("comment__created_at")
        # The reference lists the comment ids just before the "type" key.
        row = {key: value for key, value in response.data.items() if key != "type"}
        row["comments"] = [str(comment_id) for comment_id in links.values_list("comment_id", flat=True)]
        row["type"] = response.data["type"]
        response.data = row
        return response

    def perform_update(self, serializer):
        new_task = serializer.validated_data.get("task")
        user = self.request.user
        if new_task is not None and new_task.pk != serializer.instance.task_id and user.role != ADMIN:
            if not is_project_manager(user, new_task.project_id):
                raise PermissionDenied(
                    "You are not allowed to move a preview to a task of a project that you do not manage."
                )
        super().perform_update(serializer)

    def send_row_event(self, row, action):
        """Record `preview-file:new|update` with the project of the preview's task."""
        name = {"create": "preview-file:new", "update": "preview-file:update"}[action]
        event_send(
            name=name,
            data={"preview_file_id": row.pk},
            project_id=preview_services.preview_project_id(row),
            user=self.request.user,
        )

    def perform_destroy(self, instance):
        preview_services.preview_file_delete(preview=instance, user=self.request.user)


# ---- /actions/tasks/{task_id}/comments/{comment_id}/... -----------------------------


def load_comment_for_preview(user, task_id, comment_id):
    """Return (task, comment) when `user` may add a preview to the comment: 404 for unknown ids, 403 otherwise."""
    task = load_task(task_id, task_queryset().select_related("entity"))
    check_preview_action(user, task)
    comment = load_comment(task, comment_id)
    check_comment_read(user, task, comment)
    return task, comment


class AddPreviewView(APIView):
    """POST {revision?}: create the preview file of a comment, waiting for its upload
    (POST /pictures/preview-files/{id}). Without a revision the server numbers it."""

    permission_classes = [IsAuthenticated]

    def post(self, request, task_id, comment_id):
        task, comment = load_comment_for_preview(request.user, task_id, comment_id)
        revision = body_revision(request_body(request))
        preview = preview_services.preview_file_add(task=task, comment=comment, person=request.user, revision=revision)
        return Response(serialize_row(preview), status=status.HTTP_201_CREATED)


class CommentPreviewFileView(APIView):
    """POST: add one more preview to the comment, in the revision of the preview in the path.
    DELETE: delete that preview of the comment, with its files."""

    permission_classes = [IsAuthenticated]

    def post(self, request, task_id, comment_id, preview_file_id):
        task, comment = load_comment_for_preview(request.user, task_id, comment_id)
        related = load_preview(preview_file_id)
        if related.task_id != task.pk:
            raise NotFound(f"No preview file has the id {preview_file_id} on task {task.pk}.")
        preview = preview_services.preview_file_add(
            task=task, comment=comment, person=request.user, revision=related.revision
        )
        return Response(serialize_row(preview), status=status.HTTP_201_CREATED)

    def delete(self, request, task_id, comment_id, preview_file_id):
        task = load_task(task_id)
        comment = load_comment(task, comment_id)
        preview = (
            PreviewFile.objects.filter(pk=parse_path_id(preview_file_id), comment_links__comment=comment)
            .distinct()
            .first()
        )
        if preview is None:
            raise NotFound(f"No preview file has the id {preview_file_id} on comment {comment.pk}.")
        check_comment_preview_delete(request.user, task, comment)
        preview_services.preview_file_delete(preview=preview, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- /actions/preview-files/{id}/... ------------------------------------------------


def load_preview_with_task(preview_file_id):
    """Return the preview with this path id and its task (None for a preview that belongs to no task)."""
    preview = load_preview(preview_file_id)
    task = load_preview_task(preview)
    return preview, task


class PreviewMainView(APIView):
    """PUT {frame_number?}: make the preview the thumbnail of its task's entity and return the entity.

    With `frame_number` (body or query string, movies only), that frame becomes the preview's thumbnails.
    """

    permission_classes = [IsAuthenticated]

    def put(self, request, preview_file_id):
        preview, task = load_preview_with_task(preview_file_id)
        check_main_preview_set(request.user, task)
        if task is None:
            raise ValidationError({"preview_file_id": ["the preview file belongs to no task, so to no entity."]})
        frame_number = frame_number_value(request, request_body(request))
        entity = preview_services.preview_main_set(
            preview=preview, task=task, user=request.user, frame_number=frame_number
        )
        return Response(entity_row(entity))


class PreviewPositionView(APIView):
    """PUT {position}: move the preview to that place among the previews of its revision (1 is the first).

    Returns the previews of the revision in their new order.
    """

    permission_classes = [IsAuthenticated]

    def put(self, request, preview_file_id):
        preview, task = load_preview_with_task(preview_file_id)
        check_preview_action(request.user, task)
        if task is None:
            raise ValidationError({"preview_file_id": ["the preview file belongs to no task, so to no revision."]})
        position = body_int(request_body(request), "position")
        if position is None:
            raise ValidationError({"position": ["this field is required: send the new place of the preview, from 1."]})
        previews = preview_services.preview_position_update(preview=preview, position=position, user=request.user)
        return Response([serialize_row(row) for row in previews])


class PreviewAnnotationsView(APIView):
    """PUT {additions, updates, deletions}: change the drawings of a preview and return the preview.

    See `playlists.services.annotations` for the form of each list.
    """

    permission_classes = [IsAuthenticated]

    def put(self, request, preview_file_id):
        preview, task = load_preview_with_task(preview_file_id)
        check_annotate(request.user, task)
        additions, updates, deletions = annotation_input.parse_changes(request_body(request))
        preview = preview_services.preview_annotations_update(
            preview=preview, user=request.user, additions=additions, updates=updates, deletions=deletions
        )
        return Response(serialize_row(preview))


urlpatterns = preview_lists.urlpatterns

action_urlpatterns = [
    re_path(rf"^tasks/{TASK}/comments/{COMMENT}/add-preview/?$", AddPreviewView.as_view()),
    re_path(rf"^tasks/{TASK}/comments/{COMMENT}/preview-files/{PREVIEW}/?$", CommentPreviewFileView.as_view()),
    re_path(rf"^preview-files/{PREVIEW}/set-main-preview/?$", PreviewMainView.as_view()),
    re_path(rf"^preview-files/{PREVIEW}/update-position/?$", PreviewPositionView.as_view()),
    re_path(rf"^preview-files/{PREVIEW}/update-annotations/?$", PreviewAnnotationsView.as_view()),
]

GENERIC_COLLECTIONS = (("preview-files", PreviewFileViewSet, "preview-file"),)
