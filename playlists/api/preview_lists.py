"""Preview file lists under /api/data/: of a task, of an entity (flat, or grouped by task type for
shots, edits, concepts and playlists), of a project, and the previews still processing.

Team members read the lists of their projects' entities and tasks; vendors see
only the previews of the tasks assigned to them. The project list and the
running list are for admins only, as in the reference.
"""

from django.urls import re_path
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kitsu_project.api.pagination import KitsuPagination
from kitsu_project.api.permissions import ADMIN, CLIENT, VENDOR, IsAdmin
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import parse_path_id, path_row
from playlists.services import preview_lists
from productions.api.entities import check_entity_read
from productions.api.task_common import TASK, load_task
from productions.models import Entity, Project
from productions.services.entity_views import entities_of_kind

from .preview_access import check_task_previews_read

KIND_LABELS = {"Shot": "shot", "Edit": "edit", "Concept": "concept", None: "entity"}


def vendor_filter(user):
    """Return the person whose assigned tasks limit the previews that `user` reads: a vendor themselves, else None."""
    return user if user.role == VENDOR else None


def load_readable_entity(user, entity_id, kind=None):
    """Return the entity (of `kind` when given) that `user` may read: 400, 404 or 403 otherwise."""
    queryset = Entity.objects.all() if kind is None else entities_of_kind(kind)
    entity = queryset.filter(pk=parse_path_id(entity_id)).first()
    if entity is None:
        raise NotFound(f"No {KIND_LABELS[kind]} has the id {entity_id}.")
    if user.role != ADMIN:
        check_entity_read(user, entity)
    return entity


class TaskPreviewsView(APIView):
    """GET the previews of a task, highest revision first."""

    permission_classes = [IsAuthenticated]

    def get(self, request, task_id):
        task = load_task(task_id)
        check_task_previews_read(request.user, task)
        return Response(preview_lists.task_preview_rows(task.pk))


class EntityPreviewMapView(APIView):
    """GET the previews of an entity's tasks as {task type id: [revisions]} (shots, edits, concepts, any entity).

    Concept previews are not shown to clients, as in the reference.
    """

    permission_classes = [IsAuthenticated]
    kind = None
    clients_allowed = True

    def get(self, request, entity_id):
        user = request.user
        entity = load_readable_entity(user, entity_id, self.kind)
        if user.role == CLIENT and not self.clients_allowed:
            raise PermissionDenied("You are not allowed to do this: clients do not see concept previews.")
        return Response(preview_lists.entity_preview_map(entity.pk, assignee=vendor_filter(user)))


class EntityPreviewFilesView(APIView):
    """GET the previews of an entity's tasks in short form, by task type name then highest revision."""

    permission_classes = [IsAuthenticated]

    def get(self, request, entity_id):
        entity = load_readable_entity(request.user, entity_id)
        return Response(preview_lists.entity_preview_rows(entity.pk, assignee=vendor_filter(request.user)))


class ProjectPreviewFilesView(APIView):
    """GET the previews of a project's tasks, most recently changed first (admins only); `page` paginates."""

    permission_classes = [IsAdmin]

    def get(self, request, project_id):
        project = path_row(Project.objects.all(), project_id, "project")
        queryset = preview_lists.project_preview_queryset(project.pk)
        paginator = KitsuPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        if page is None:
            return Response([serialize_row(preview) for preview in queryset])
        return paginator.get_paginated_response([serialize_row(preview) for preview in page])


class RunningPreviewFilesView(APIView):
    """GET the previews of open projects still processing or broken, newest first (admins only)."""

    permission_classes = [IsAdmin]

    def get(self, request):
        return Response(preview_lists.running_preview_rows())


ENTITY = r"(?P<entity_id>[^/]+)"

urlpatterns = [
    re_path(rf"^tasks/{TASK}/previews/?$", TaskPreviewsView.as_view()),
    re_path(r"^projects/(?P<project_id>[^/]+)/preview-files/?$", ProjectPreviewFilesView.as_view()),
    re_path(rf"^shots/{ENTITY}/preview-files/?$", EntityPreviewMapView.as_view(kind="Shot")),
    re_path(rf"^edits/{ENTITY}/preview-files/?$", EntityPreviewMapView.as_view(kind="Edit")),
    re_path(
        rf"^concepts/{ENTITY}/preview-files/?$",
        EntityPreviewMapView.as_view(kind="Concept", clients_allowed=False),
    ),
    re_path(rf"^playlists/entities/{ENTITY}/preview-files/?$", EntityPreviewMapView.as_view()),
    re_path(r"^playlists/preview-files/running/?$", RunningPreviewFilesView.as_view()),
    re_path(rf"^entities/{ENTITY}/preview-files/?$", EntityPreviewFilesView.as_view()),
]
