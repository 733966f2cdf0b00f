"""Planning routes: milestones, schedule items and production schedule versions with their task links.

Access follows the reference. Admins list the generic collections. The managers
of a project's team write its milestones and versions, and team members read
them, except clients and vendors, who see no schedule version. Supervisors change
the schedule items of their departments' task types.
"""

import logging

from django.db.models import Model
from django.urls import re_path
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kitsu_project.api.permissions import (
    ADMIN,
    ADMIN_ONLY,
    CLIENT,
    MANAGER,
    STAFF_ROLES,
    STUDIO_ROLES,
    SUPERVISOR,
    VENDOR,
)
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, path_row, query_flag, query_uuid, request_body
from productions.access import is_project_manager, is_team_member
from productions.models import (
    Milestone,
    ProductionScheduleVersion,
    ProductionScheduleVersionTaskLink,
    ScheduleItem,
    TaskType,
)
from productions.services import planning as planning_services

from .projects import NOT_IN_TEAM, NOT_MANAGER, ProjectView, body_row
from .task_common import department_ids

logger = logging.getLogger("productions.planning")

NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."
# Roles that see the production schedule versions: every role but clients and vendors.
VERSION_ROLES = STUDIO_ROLES


def check_team(user, project_id):
    if user.role != ADMIN and not is_team_member(user, project_id):
        raise PermissionDenied(NOT_IN_TEAM)


def check_manager(user, project_id):
    if not is_project_manager(user, project_id):
        logger.warning("Person %s was denied a planning change in project %s", user.pk, project_id)
        raise PermissionDenied(NOT_MANAGER)


def project_filter(request):
    """Return the `project_id` query parameter that a non-admin must send to list a planning collection."""
    project_id = query_uuid(request, "project_id")
    user = request.user
    if user.role == ADMIN:
        return project_id
    if project_id is None:
        raise PermissionDenied(
            "You are not allowed to do this: send project_id to list the rows of one of your projects."
        )
    check_team(user, project_id)
    return project_id


def supervises_task_type(user, project_id, task_type_id):
    """Managers of the team, and its supervisors of the task type's department (or of no department)."""
    if user.role == ADMIN:
        return True
    if user.role not in (MANAGER, SUPERVISOR) or not is_team_member(user, project_id):
        return False
    if user.role == MANAGER:
        return True
    departments = department_ids(user)
    if not departments:
        return True
    department_id = TaskType.objects.filter(pk=task_type_id).values_list("department_id", flat=True).first()
    return department_id in departments


class CreateOnlyKeysSerializerMixin:
    """Make the `create_only` fields read-only on updates, so a PUT cannot move a row to another parent."""

    create_only = ()

    def get_fields(self):
        fields = super().get_fields()
        if isinstance(self.instance, Model):
            for key in self.create_only:
                if key in fields:
                    fields[key].read_only = True
        return fields


# ---- milestones ----------------------------------------------------------


class MilestoneSerializer(
    CreateOnlyKeysSerializerMixin,
    serializer_for(Milestone, extra_kwargs={"project": {"required": True, "allow_null": False}}),
):
    create_only = ("project_id",)


class MilestoneViewSet(KitsuModelViewSet):
    """Milestones: admins list them all, team members but vendors read one, and the team's managers write them."""

    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer
    list_roles = ADMIN_ONLY
    read_roles = STUDIO_ROLES | {CLIENT}
    create_roles = STAFF_ROLES
    update_roles = STAFF_ROLES

    def has_row_access(self, user, row):
        if self.action in ("update", "partial_update"):
            return is_project_manager(user, row.project_id)
        return user.role == ADMIN or is_team_member(user, row.project_id)

    def perform_create(self, serializer):
        check_manager(self.request.user, serializer.validated_data["project"].pk)
        super().perform_create(serializer)


# ---- schedule items ------------------------------------------------------


class ScheduleItemSerializer(
    CreateOnlyKeysSerializerMixin,
    serializer_for(ScheduleItem, extra_kwargs={"project": {"required": True, "allow_null": False}}),
):
    """A schedule item, which may not end before it starts and exists once per (project, task type, object).

    Its project, task type and object are set on creation only, so an update cannot make a duplicate.
    """

    create_only = ("project_id", "task_type_id", "object_id")

    def get_validators(self):
        # The uniqueness is checked in `validate`, because DRF's check ignores rows whose object id is null.
        return []

    def get_uniqueness_extra_kwargs(self, field_names, declared_fields, extra_kwargs):
        return extra_kwargs, {}

    def to_internal_value(self, data):
        # The Kitsu web UI sends an emptied man-days field as an empty string.
        if isinstance(data, dict) and data.get("man_days") == "":
            data = {**data, "man_days": None}
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start is not None and end is not None and end < start:
            raise ValidationError({"end_date": [f"the end date {end} is before the start date {start}."]})
        if self.instance is None:
            similar = ScheduleItem.objects.filter(
                project=attrs.get("project"), task_type=attrs.get("task_type"), object_id=attrs.get("object_id")
            )
            if similar.exists():
                raise ValidationError({"object_id": ["a similar schedule item already exists."]})
        return attrs


class ScheduleItemViewSet(KitsuModelViewSet):
    """Admins read and create schedule items; managers and supervisors of the task type change them."""

    queryset = ScheduleItem.objects.all()
    serializer_class = ScheduleItemSerializer
    read_roles = ADMIN_ONLY
    update_roles = STAFF_ROLES | {SUPERVISOR}

    def has_row_access(self, user, row):
        if self.action in ("update", "partial_update"):
            return supervises_task_type(user, row.project_id, row.task_type_id)
        return True


# ---- production schedule versions ----------------------------------------


class VersionSerializer(CreateOnlyKeysSerializerMixin, serializer_for(ProductionScheduleVersion)):
    create_only = ("project_id",)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        project = attrs.get("project", getattr(self.instance, "project", None))
        source = attrs.get("production_schedule_from")
        if source is not None and project is not None and source.project_id != project.pk:
            raise ValidationError({"production_schedule_from": ["this version belongs to another project."]})
        return attrs


class ProductionScheduleVersionViewSet(KitsuModelViewSet):
    """Versions: team members but clients and vendors read them, the team's managers write them, admins delete."""

    queryset = ProductionScheduleVersion.objects.all()
    serializer_class = VersionSerializer
    read_roles = VERSION_ROLES
    create_roles = STAFF_ROLES
    update_roles = STAFF_ROLES

    def scope_queryset(self, queryset):
        project_id = project_filter(self.request)
        return queryset if project_id is None else queryset.filter(project_id=project_id)

    def has_row_access(self, user, row):
        if self.action in ("update", "partial_update"):
            return is_project_manager(user, row.project_id)
        return user.role == ADMIN or is_team_member(user, row.project_id)

    def perform_create(self, serializer):
        check_manager(self.request.user, serializer.validated_data["project"].pk)
        super().perform_create(serializer)

    def delete_row(self, row, *, force):
        planning_services.version_delete(version=row)


class TaskLinkSerializer(CreateOnlyKeysSerializerMixin, serializer_for(ProductionScheduleVersionTaskLink)):
    create_only = ("production_schedule_version_id", "task_id")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        version = attrs.get("production_schedule_version", getattr(self.instance, "production_schedule_version", None))
        task = attrs.get("task", getattr(self.instance, "task", None))
        if self.instance is None and task.project_id != version.project_id:
            message = "the task and the production schedule version must be in the same project."
            raise ValidationError({"task_id": [message]})
        if (
            self.instance is None
            and ProductionScheduleVersionTaskLink.objects.filter(
                production_schedule_version=version, task=task
            ).exists()
        ):
            raise ValidationError({"task_id": ["this version already has a link for this task."]})
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        due = attrs.get("due_date", getattr(self.instance, "due_date", None))
        if start is not None and due is not None and due < start:
            raise ValidationError({"due_date": [f"the due date {due} is before the start date {start}."]})
        return attrs

    def get_validators(self):
        # The uniqueness check in `validate` names the task_id key.
        return []


class ProductionScheduleVersionTaskLinkViewSet(KitsuModelViewSet):
    """The planned dates of one task in a version: read like the versions, written by the team's managers.

    A locked version's links are neither created nor changed, but may be deleted, as the reference allows.
    """

    queryset = ProductionScheduleVersionTaskLink.objects.select_related("production_schedule_version")
    serializer_class = TaskLinkSerializer
    read_roles = VERSION_ROLES
    create_roles = STAFF_ROLES
    update_roles = STAFF_ROLES
    delete_roles = STAFF_ROLES

    def scope_queryset(self, queryset):
        project_id = project_filter(self.request)
        if project_id is None:
            return queryset
        return queryset.filter(production_schedule_version__project_id=project_id)

    def has_row_access(self, user, row):
        project_id = row.production_schedule_version.project_id
        if self.action == "retrieve":
            return user.role == ADMIN or is_team_member(user, project_id)
        return is_project_manager(user, project_id)

    def perform_create(self, serializer):
        version = serializer.validated_data["production_schedule_version"]
        check_manager(self.request.user, version.project_id)
        planning_services.check_unlocked(version)
        super().perform_create(serializer)

    def perform_update(self, serializer):
        planning_services.check_unlocked(serializer.instance.production_schedule_version)
        super().perform_update(serializer)


# ---- project routes ------------------------------------------------------


def milestone_row(milestone):
    return {
        "id": str(milestone.pk),
        "date": None if milestone.date is None else milestone.date.isoformat(),
        "name": milestone.name,
        "project_id": str(milestone.project_id),
        "task_type_id": None if milestone.task_type_id is None else str(milestone.task_type_id),
    }


class ProjectMilestonesView(ProjectView):
    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        milestones = Milestone.objects.filter(project=project).order_by("date", "name")
        return Response([milestone_row(milestone) for milestone in milestones])


class ScheduleView(ProjectView):
    """Base of the schedule item routes: team members but vendors read them."""

    def schedule_project(self, request, project_id):
        project = self.readable_project(request, project_id)
        if request.user.role == VENDOR:
            raise PermissionDenied(NOT_ALLOWED)
        return project


class ProjectScheduleItemsView(ScheduleView):
    def get(self, request, project_id):
        project = self.schedule_project(request, project_id)
        items = ScheduleItem.objects.filter(project=project).order_by("created_at", "id")
        return Response([serialize_row(item) for item in items])


class ProjectTaskTypeScheduleItemsView(ScheduleView):
    def get(self, request, project_id):
        project = self.schedule_project(request, project_id)
        return Response(planning_services.task_type_schedule_items(project=project, user=request.user))


class ProjectObjectScheduleItemsView(ScheduleView):
    """The items of one task type per asset type, episode or sequence (`kind`)."""

    kind = None
    services = {
        "asset-types": planning_services.asset_type_schedule_items,
        "episodes": planning_services.episode_schedule_items,
        "sequences": planning_services.sequence_schedule_items,
    }

    def get(self, request, project_id, task_type_id):
        project = self.schedule_project(request, project_id)
        task_type = path_row(TaskType.objects.all(), task_type_id, "task type")
        rows = self.services[self.kind](project=project, task_type=task_type, user=request.user)
        return Response(rows)


# ---- production schedule version routes ----------------------------------


def link_rows(links, relations):
    return [serialize_row(link, relations=relations) for link in links]


class VersionView(APIView):
    permission_classes = [IsAuthenticated]

    def readable_version(self, request, version_id):
        version = path_row(ProductionScheduleVersion.objects.all(), version_id, "production schedule version")
        if request.user.role not in VERSION_ROLES:
            raise PermissionDenied(NOT_ALLOWED)
        check_team(request.user, version.project_id)
        return version

    def managed_version(self, request, version_id):
        version = path_row(ProductionScheduleVersion.objects.all(), version_id, "production schedule version")
        check_manager(request.user, version.project_id)
        return version


class VersionTaskLinksView(VersionView):
    def get(self, request, version_id):
        version = self.readable_version(request, version_id)
        relations = query_flag(request, "relations")
        links = ProductionScheduleVersionTaskLink.objects.filter(production_schedule_version=version)
        task_type_id = query_uuid(request, "task_type_id")
        if task_type_id is not None:
            links = links.filter(task__task_type_id=task_type_id)
        links = links.order_by("created_at", "id")
        if relations:
            links = links.prefetch_related("assignees")
        return Response(link_rows(links, relations))


class VersionLinksFromProductionView(VersionView):
    def post(self, request, version_id):
        version = self.managed_version(request, version_id)
        links = planning_services.version_links_from_production(version=version, user=request.user)
        return Response(link_rows(links, True))


class VersionLinksFromVersionView(VersionView):
    def post(self, request, version_id):
        version = self.managed_version(request, version_id)
        source = body_row(
            request_body(request),
            "production_schedule_version_id",
            ProductionScheduleVersion.objects.all(),
            "production schedule version",
            unknown_is_404=True,
        )
        links = planning_services.version_links_from_version(version=version, source=source, user=request.user)
        return Response(link_rows(links, True))


class VersionApplyView(VersionView):
    def post(self, request, version_id):
        version = self.managed_version(request, version_id)
        tasks = planning_services.version_apply(version=version, user=request.user)
        return Response([serialize_row(task, relations=True) for task in tasks])


ID = r"(?P<{}>[^/]+)"
PROJECT = rf"^projects/{ID.format('project_id')}"
VERSION = rf"^production-schedule-versions/{ID.format('version_id')}"

urlpatterns = [
    re_path(rf"{PROJECT}/milestones/?$", ProjectMilestonesView.as_view()),
    re_path(rf"{PROJECT}/schedule-items/?$", ProjectScheduleItemsView.as_view()),
    re_path(rf"{PROJECT}/schedule-items/task-types/?$", ProjectTaskTypeScheduleItemsView.as_view()),
    *(
        re_path(
            rf"{PROJECT}/schedule-items/{ID.format('task_type_id')}/{kind}/?$",
            ProjectObjectScheduleItemsView.as_view(kind=kind),
        )
        for kind in ProjectObjectScheduleItemsView.services
    ),
    re_path(rf"{VERSION}/task-links/?$", VersionTaskLinksView.as_view()),
]

action_urlpatterns = [
    re_path(rf"{VERSION}/set-task-links-from-production/?$", VersionLinksFromProductionView.as_view()),
    re_path(rf"{VERSION}/set-task-links-from-production-schedule-version/?$", VersionLinksFromVersionView.as_view()),
    re_path(rf"{VERSION}/apply-to-production/?$", VersionApplyView.as_view()),
]

GENERIC_COLLECTIONS = [
    ("milestones", MilestoneViewSet, "milestone"),
    ("schedule-items", ScheduleItemViewSet, "schedule-item"),
    ("production-schedule-versions", ProductionScheduleVersionViewSet, "production-schedule-version"),
    (
        "production-schedule-version-task-links",
        ProductionScheduleVersionTaskLinkViewSet,
        "production-schedule-version-task-link",
    ),
]
