"""The generic /data routes of the production models."""

from django.db.models import Exists, OuterRef

from kitsu_project.api.permissions import STAFF_ROLES
from kitsu_project.api.viewsets import KitsuModelViewSet
from productions.models import (
    Comment,
    Entity,
    EntityType,
    Project,
    ProjectPersonLink,
    ProjectStatus,
    Task,
    TaskStatus,
    TaskType,
)
from productions.services.projects import project_create, project_update

from . import serializers


def in_team(user, project_field="project"):
    """A condition true for rows whose project has `user` in its team."""
    return Exists(ProjectPersonLink.objects.filter(project=OuterRef(project_field), person=user))


class ProjectScopedViewSet(KitsuModelViewSet):
    """Rows that belong to a project: non-managers see only their productions' rows."""

    project_field = "project"
    create_roles = STAFF_ROLES
    update_roles = STAFF_ROLES
    delete_roles = STAFF_ROLES

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role in STAFF_ROLES:
            return queryset
        return queryset.filter(in_team(user, self.project_field))


class ProjectStatusViewSet(KitsuModelViewSet):
    queryset = ProjectStatus.objects.all()
    serializer_class = serializers.ProjectStatusSerializer


class ProjectViewSet(ProjectScopedViewSet):
    queryset = Project.objects.all()
    serializer_class = serializers.ProjectSerializer
    project_field = "pk"
    list_select_related = ("project_status",)

    def perform_create(self, serializer):
        project_create(serializer=serializer, created_by=self.request.user)

    def perform_update(self, serializer):
        project_update(serializer=serializer, updated_by=self.request.user)


class EntityTypeViewSet(KitsuModelViewSet):
    queryset = EntityType.objects.all()
    serializer_class = serializers.EntityTypeSerializer


class EntityViewSet(ProjectScopedViewSet):
    queryset = Entity.objects.all()
    serializer_class = serializers.EntitySerializer
    list_select_related = ("entity_type",)

    def perform_create(self, serializer):
        serializer.validated_data.setdefault("created_by", self.request.user)
        super().perform_create(serializer)


class TaskTypeViewSet(KitsuModelViewSet):
    queryset = TaskType.objects.all()
    serializer_class = serializers.TaskTypeSerializer


class TaskStatusViewSet(KitsuModelViewSet):
    queryset = TaskStatus.objects.all()
    serializer_class = serializers.TaskStatusSerializer


class TaskViewSet(ProjectScopedViewSet):
    queryset = Task.objects.all()
    serializer_class = serializers.TaskSerializer


class CommentViewSet(KitsuModelViewSet):
    queryset = Comment.objects.all()
    serializer_class = serializers.CommentSerializer

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role in STAFF_ROLES:
            return queryset
        visible_tasks = Task.objects.filter(in_team(user)).values("pk")
        return queryset.filter(object_id__in=visible_tasks)
