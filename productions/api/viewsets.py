"""The generic /data routes of the production models, with the reference's access rules."""

from django.db.models import Exists, OuterRef
from rest_framework.exceptions import PermissionDenied, ValidationError

from kitsu_project.api.permissions import ADMIN, ADMIN_ONLY, ALL_ROLES, MANAGER, STAFF_ROLES, SUPERVISOR
from kitsu_project.api.viewsets import KitsuModelViewSet, query_uuid, request_body
from playlists.services.attachments import attachments_prefetch
from playlists.services.comment_previews import comment_previews_prefetch
from productions.access import (
    can_read_entity_row,
    can_read_project_row,
    in_open_project_team,
    is_project_manager,
    is_team_member,
    is_vendor,
    vendor_has_task_in_project,
)
from productions.models import (
    Comment,
    Entity,
    EntityType,
    Project,
    ProjectStatus,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)
from productions.models.entity import TEMPORAL_ENTITY_TYPES
from productions.services import comments as comment_services
from productions.services import entities as entity_services
from productions.services import projects as project_services
from productions.services import tasks as task_services

from . import serializers
from .comments import check_comment_edit, check_comment_read, checklist_value
from .task_common import check_task_read, department_ids, supervises_task, task_queryset

# Task columns a supervisor of the team may change on a task.
SUPERVISOR_TASK_KEYS = frozenset({"priority", "start_date", "due_date", "estimation", "difficulty"})
NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."


def body_keys(request):
    return set(request.data) if isinstance(request.data, dict) else set()


class ProjectStatusViewSet(KitsuModelViewSet):
    queryset = ProjectStatus.objects.all()
    serializer_class = serializers.ProjectStatusSerializer


class ProjectViewSet(KitsuModelViewSet):
    """Admins see every project; others the open projects whose team they are in."""

    queryset = Project.objects.all()
    serializer_class = serializers.ProjectSerializer
    list_select_related = ("project_status",)
    update_roles = STAFF_ROLES

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.wants_relations():
            queryset = queryset.prefetch_related("preview_background_file_links")
        return queryset

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role == ADMIN:
            return queryset
        return queryset.filter(in_open_project_team(user, "pk"))

    def has_row_access(self, user, row):
        if self.action in ("update", "partial_update"):
            return is_project_manager(user, row.pk)
        return can_read_project_row(user, row.pk)

    def perform_create(self, serializer):
        project_services.project_create(serializer=serializer, created_by=self.request.user)

    def perform_update(self, serializer):
        project_services.project_update(serializer=serializer, updated_by=self.request.user)

    def delete_row(self, row, *, force):
        project_services.project_delete(project=row, force=force)


class EntityTypeViewSet(KitsuModelViewSet):
    queryset = EntityType.objects.all()
    serializer_class = serializers.EntityTypeSerializer


class AssetTypeViewSet(KitsuModelViewSet):
    """Read-only view of the entity types that are asset types (not Shot, Sequence...)."""

    queryset = EntityType.objects.exclude(name__in=TEMPORAL_ENTITY_TYPES)
    serializer_class = serializers.AssetTypeSerializer
    http_method_names = ["get", "head", "options"]


class EntityViewSet(KitsuModelViewSet):
    queryset = Entity.objects.all()
    serializer_class = serializers.EntitySerializer
    list_select_related = ("entity_type",)
    create_roles = STAFF_ROLES
    update_roles = ALL_ROLES
    delete_roles = ALL_ROLES

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role == ADMIN:
            return queryset
        queryset = queryset.filter(in_open_project_team(user))
        if is_vendor(user):
            queryset = queryset.filter(vendor_has_task_in_project(user))
        return queryset

    def has_row_access(self, user, row):
        if user.role == ADMIN:
            return True
        if self.action == "retrieve":
            return can_read_entity_row(user, row.project_id, row.pk)
        member = is_team_member(user, row.project_id)
        if self.action == "destroy":
            return row.created_by_id == user.pk or (user.role == MANAGER and member)
        # Update: managers and the creator change anything, supervisors only `data`.
        if user.role == MANAGER or row.created_by_id == user.pk:
            return member
        return user.role == SUPERVISOR and member and body_keys(self.request) <= {"data"}

    def perform_create(self, serializer):
        project = serializer.validated_data["project"]
        if not is_project_manager(self.request.user, project.pk):
            raise PermissionDenied(NOT_ALLOWED)
        serializer.save(created_by=self.request.user)

    def perform_update(self, serializer):
        entity_services.entity_update(serializer=serializer)

    def delete_row(self, row, *, force):
        entity_services.entity_delete(entity=row, force=force)


class TaskTypeViewSet(KitsuModelViewSet):
    queryset = TaskType.objects.all()
    serializer_class = serializers.TaskTypeSerializer


class TaskStatusViewSet(KitsuModelViewSet):
    queryset = TaskStatus.objects.all()
    serializer_class = serializers.TaskStatusSerializer

    def perform_create(self, serializer):
        task_services.task_status_save(serializer=serializer)

    def perform_update(self, serializer):
        task_services.task_status_save(serializer=serializer)


class TaskViewSet(KitsuModelViewSet):
    queryset = Task.objects.all()
    serializer_class = serializers.TaskSerializer
    create_roles = STAFF_ROLES
    update_roles = STAFF_ROLES | {SUPERVISOR}
    delete_roles = STAFF_ROLES

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role == ADMIN:
            return queryset
        if is_vendor(user):
            return queryset.filter(Exists(TaskPersonLink.objects.filter(task=OuterRef("pk"), person=user)))
        return queryset.filter(in_open_project_team(user))

    def has_row_access(self, user, row):
        if user.role == ADMIN:
            return True
        if self.action == "retrieve":
            return can_read_entity_row(user, row.project_id, row.entity_id)
        member = is_team_member(user, row.project_id)
        if user.role == MANAGER:
            return member
        # Supervisors of the team may change the planning columns only, on the tasks of their departments.
        return (
            self.action in ("update", "partial_update")
            and user.role == SUPERVISOR
            and member
            and body_keys(self.request) <= SUPERVISOR_TASK_KEYS
            and supervises_task(user, row, department_ids(user))
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # `episode_id` keeps the tasks of the episode's shots, as the reference reads it.
        episode_id = query_uuid(self.request, "episode_id")
        if episode_id is not None:
            queryset = queryset.filter(entity__parent__parent_id=episode_id)
        return queryset

    def perform_create(self, serializer):
        task_services.task_create(serializer=serializer, created_by=self.request.user)

    def delete_row(self, row, *, force):
        task_services.task_delete(task=row, force=force)


class CommentViewSet(KitsuModelViewSet):
    """Comments are listed by admins only; one comment is read, edited or deleted through its task.

    Reads follow the comment routes of a task. Edits follow `check_comment_edit`.
    The author deletes their own comment, even after leaving the team, and managers of the
    team delete any. Edits and deletes recompute the task when its status may change.
    """

    queryset = Comment.objects.select_related("person")
    serializer_class = serializers.CommentSerializer
    list_roles = ADMIN_ONLY
    update_roles = ALL_ROLES
    delete_roles = ALL_ROLES
    malformed_id_status = 404

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.wants_relations():
            queryset = queryset.prefetch_related(comment_previews_prefetch(), attachments_prefetch())
        return queryset

    def comment_task(self, row):
        if not hasattr(row, "loaded_task"):
            row.loaded_task = task_queryset().filter(pk=row.object_id).first()
        return row.loaded_task

    def has_row_access(self, user, row):
        if user.role == ADMIN:
            return True
        task = self.comment_task(row)
        if task is None:
            return False
        if self.action == "destroy":
            return row.person_id == user.pk or (user.role == MANAGER and is_team_member(user, task.project_id))
        if self.action == "retrieve":
            try:
                check_task_read(user, task)
                check_comment_read(user, task, row)
            except PermissionDenied:
                return False
            return True
        # For edits, perform_update checks the keys that the request changes.
        return is_team_member(user, task.project_id)

    def perform_update(self, serializer):
        comment = serializer.instance
        task = self.comment_task(comment)
        data = request_body(self.request)
        checklist_value(data)
        if task is None:
            serializer.save(editor=self.request.user)
            return
        check_comment_edit(self.request.user, task, comment, data)
        comment_services.comment_update(serializer=serializer, task=task, editor=self.request.user)

    def perform_create(self, serializer):
        if "person" not in serializer.validated_data:
            raise ValidationError({"person_id": ["this field is required."]})
        checklist_value(request_body(self.request))
        serializer.save()

    def perform_destroy(self, instance):
        task = self.comment_task(instance)
        if task is None:
            super().perform_destroy(instance)
            return
        comment_services.comment_delete(comment=instance, task=task, user=self.request.user)
