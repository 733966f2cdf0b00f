"""Project routes beyond the generic CRUD: settings, team, structure creation and the project's lists.

`urlpatterns` go under /api/data/, `action_urlpatterns` under /api/actions/.
Access follows the reference: admins and the managers of a project's team change
its settings, team and structure; admins and team members read it.
"""

import logging
import uuid

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Sum, When
from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.viewsets import PERSON_PUBLIC_KEYS
from accounts.models import Department, Person
from kitsu_project.api.errors import MissingArgument
from kitsu_project.api.filters import KitsuFilterBackend
from kitsu_project.api.pagination import KitsuPagination
from kitsu_project.api.permissions import ADMIN, CLIENT, MANAGER, VENDOR
from kitsu_project.api.serialization import serialize_queryset, serialize_row
from kitsu_project.api.viewsets import parse_path_id, path_row, query_uuid, request_body
from playlists.models import ProjectPreviewBackgroundFileLink
from playlists.services.attachments import attachment_ids_by_comment
from playlists.services.comment_previews import preview_ids_by_comment
from productions.access import in_team, is_project_manager, is_team_member, is_vendor
from productions.models import (
    Comment,
    Entity,
    EntityType,
    Project,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)
from productions.models.entity import TEMPORAL_ENTITY_TYPES, base_entity_type
from productions.services import structure
from productions.services.projects import OPEN_STATUS

logger = logging.getLogger("productions.projects")

NOT_IN_TEAM = "You are not allowed to do this: you are not in the team of this project."
NOT_MANAGER = "You are not allowed to do this: only the project's managers may change it."
ENTITY_STATUSES = tuple(value for value, _ in Entity.STATUSES)
TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off", ""}


# ---- input helpers -------------------------------------------------------


def get_project(project_id):
    return path_row(Project.objects.select_related("project_status"), project_id, "project")


def body_row(data, key, queryset, label, *, required=True, unknown_is_404=False):
    """Return the row named by the id in `data[key]`; a missing, malformed or unknown id is a 400 on that key.

    With `unknown_is_404`, a well-formed id that matches no row raises a 404, as the
    reference does for the parent sequence of a shot and the episode of a sequence.
    """
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise MissingArgument(key, "this field is missing: send the id.")
        return None
    try:
        row_id = uuid.UUID(str(value))
    except ValueError:
        raise ValidationError({key: [f"{value!r} is not a valid id."]}) from None
    row = queryset.filter(pk=row_id).first()
    if row is None:
        if unknown_is_404:
            raise NotFound(f"{key}: no {label} has the id {value}.")
        raise ValidationError({key: [f"no {label} has the id {value}."]})
    return row


def body_name(data, key="name", max_length=160):
    value = data.get(key)
    if value is None:
        raise MissingArgument(key, "this field is missing: send a non-empty string.")
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({key: ["missing or empty: send a non-empty string."]})
    if len(value) > max_length:
        raise ValidationError({key: [f"at most {max_length} characters."]})
    return value


def body_text(data, key, default=None):
    value = data.get(key, default)
    if value is not None and not isinstance(value, str):
        raise ValidationError({key: ["must be a string."]})
    return value


def body_object(data, key, default=None):
    value = data.get(key, default)
    if value is not None and not isinstance(value, dict):
        raise ValidationError({key: ["must be a JSON object."]})
    return value


# The range of the integer columns (32 bits, as PostgreSQL's integer type).
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1


def body_int(data, key, default=None):
    value = data.get(key, default)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ValidationError({key: ["must be an integer."]})
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int):
        raise ValidationError({key: ["must be an integer."]})
    if not INTEGER_MIN <= value <= INTEGER_MAX:
        raise ValidationError({key: [f"must be between {INTEGER_MIN} and {INTEGER_MAX}, got {value}."]})
    return value


def body_bool(data, key, default=False):
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in TRUE_VALUES | FALSE_VALUES:
        return value.lower() in TRUE_VALUES
    raise ValidationError({key: ["must be a boolean."]})


# ---- access helpers ------------------------------------------------------


def check_read_access(user, project):
    """Admins and team members (whatever the project status) read a project's data."""
    if user.role != ADMIN and not is_team_member(user, project.pk):
        raise PermissionDenied(NOT_IN_TEAM)


def check_manager_access(user, project):
    if not is_project_manager(user, project.pk):
        logger.warning("Person %s was denied a change to project %s: not one of its managers", user.pk, project.pk)
        raise PermissionDenied(NOT_MANAGER)


# ---- serialization helpers -----------------------------------------------


def project_answer(project):
    """Serialize the project as the settings and team routes return it: its columns only."""
    return serialize_row(project, exclude=("project_status_name",))


def entity_rows(queryset):
    return serialize_queryset(queryset, type_column="entity_type__name", type_of=base_entity_type)


def vendor_scope(queryset, user):
    """Vendors only see the entities that carry a task assigned to them."""
    if not is_vendor(user):
        return queryset
    return queryset.filter(Exists(TaskPersonLink.objects.filter(person=user, task__entity=OuterRef("pk"))))


# ---- settings ------------------------------------------------------------


class ProjectView(APIView):
    """Base of the routes under /data/projects/<project_id>/."""

    permission_classes = [IsAuthenticated]

    def managed_project(self, request, project_id):
        project = get_project(project_id)
        check_manager_access(request.user, project)
        return project

    def readable_project(self, request, project_id):
        project = get_project(project_id)
        check_read_access(request.user, project)
        return project


def asset_types():
    return EntityType.objects.exclude(name__in=TEMPORAL_ENTITY_TYPES)


class ProjectAssetTypeSettingsView(ProjectView):
    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        asset_type = body_row(request_body(request), "asset_type_id", asset_types(), "asset type")
        structure.project_asset_type_add(project=project, asset_type=asset_type)
        return Response(project_answer(project), status=status.HTTP_201_CREATED)


class ProjectAssetTypeSettingView(ProjectView):
    def delete(self, request, project_id, asset_type_id):
        project = self.managed_project(request, project_id)
        asset_type = path_row(EntityType.objects.all(), asset_type_id, "asset type")
        structure.project_asset_type_remove(project=project, asset_type=asset_type)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectTaskTypeSettingsView(ProjectView):
    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        return Response(project_task_type_rows(project))

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        data = request_body(request)
        task_type = body_row(data, "task_type_id", TaskType.objects.all(), "task type")
        priority = body_int(data, "priority")
        structure.project_task_type_add(project=project, task_type=task_type, priority=priority)
        return Response(project_answer(project), status=status.HTTP_201_CREATED)


class ProjectTaskTypeSettingView(ProjectView):
    def delete(self, request, project_id, task_type_id):
        project = self.managed_project(request, project_id)
        task_type = path_row(TaskType.objects.all(), task_type_id, "task type")
        structure.project_task_type_remove(project=project, task_type=task_type)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectTaskStatusSettingsView(ProjectView):
    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        statuses = TaskStatus.objects.filter(projects=project).order_by("name", "short_name")
        return Response([serialize_row(task_status) for task_status in statuses])

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        task_status = body_row(request_body(request), "task_status_id", TaskStatus.objects.all(), "task status")
        structure.project_task_status_add(project=project, task_status=task_status)
        return Response(project_answer(project), status=status.HTTP_201_CREATED)


class ProjectTaskStatusSettingView(ProjectView):
    def delete(self, request, project_id, task_status_id):
        project = self.managed_project(request, project_id)
        task_status = path_row(TaskStatus.objects.all(), task_status_id, "task status")
        structure.project_task_status_remove(project=project, task_status=task_status)
        return Response(status=status.HTTP_204_NO_CONTENT)


BOARD_ROLES = frozenset({"admin", "manager", "supervisor", "user", "client", "vendor"})


def body_roles(data, key="roles_for_board"):
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(role, str) for role in value):
        raise ValidationError({key: ["must be a list of role names."]})
    unknown = sorted(set(value) - BOARD_ROLES)
    if unknown:
        raise ValidationError({key: [f"unknown role(s) {', '.join(unknown)}: use {', '.join(sorted(BOARD_ROLES))}."]})
    return value


class TaskStatusLinkView(APIView):
    """Enable a task status on a project with its board priority and the roles that see it on the board."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        data = request_body(request)
        project = body_row(data, "project_id", Project.objects.all(), "project")
        check_manager_access(request.user, project)
        task_status = body_row(data, "task_status_id", TaskStatus.objects.all(), "task status")
        link = structure.project_task_status_link_save(
            project=project,
            task_status=task_status,
            priority=body_int(data, "priority"),
            roles_for_board=body_roles(data),
        )
        row = serialize_row(link)
        return Response(row, status=status.HTTP_201_CREATED)


def project_task_type_rows(project):
    task_types = TaskType.objects.filter(projecttasktypelink__project=project).order_by(
        "for_entity", "projecttasktypelink__priority", "priority", "name"
    )
    return [serialize_row(task_type) for task_type in task_types]


# ---- team ----------------------------------------------------------------


def team_member_row(person, full):
    row = serialize_row(person, relations=True)
    if not full:
        row = {key: value for key, value in row.items() if key in PERSON_PUBLIC_KEYS}
    return row


class ProjectTeamView(ProjectView):
    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        # Admins and managers see the team's rows without secrets; the others the public keys only.
        full = request.user.role in (ADMIN, MANAGER)
        team = Person.objects.filter(projects=project).prefetch_related(
            Prefetch("departments", queryset=Department.objects.only("pk").order_by())
        )
        return Response([team_member_row(person, full) for person in team])

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        person = body_row(request_body(request), "person_id", Person.objects.all(), "person")
        structure.project_team_add(project=project, person=person, added_by=request.user)
        return Response(project_answer(project), status=status.HTTP_201_CREATED)


class ProjectTeamMemberView(ProjectView):
    def delete(self, request, project_id, person_id):
        project = self.managed_project(request, project_id)
        person = path_row(Person.objects.all(), person_id, "person")
        structure.project_team_remove(project=project, person=person, removed_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- structure -----------------------------------------------------------


def project_entities(project, type_name):
    return Entity.objects.filter(project=project, entity_type__name=type_name)


class ProjectAssetCreateView(ProjectView):
    def post(self, request, project_id, asset_type_id):
        project = self.managed_project(request, project_id)
        asset_type = path_row(asset_types(), asset_type_id, "asset type")
        data = request_body(request)
        asset = structure.asset_create(
            project=project,
            asset_type=asset_type,
            name=body_name(data),
            description=body_text(data, "description"),
            data=body_object(data, "data", {}),
            is_shared=body_bool(data, "is_shared"),
            episode=body_row(
                data, "episode_id", project_entities(project, structure.EPISODE), "episode", required=False
            ),
            created_by=request.user,
        )
        return Response(serialize_row(asset), status=status.HTTP_201_CREATED)


class ProjectEntitiesView(ProjectView):
    """List a project's entities of one kind; vendors only those with a task of theirs."""

    type_name = None

    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        entities = vendor_scope(project_entities(project, self.type_name), request.user)
        return Response(entity_rows(entities.order_by("name", "created_at")))


class ProjectEpisodesView(ProjectEntitiesView):
    type_name = structure.EPISODE

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        data = request_body(request)
        entity_status = body_text(data, "status", "running") or "running"
        if entity_status not in ENTITY_STATUSES:
            raise ValidationError({"status": [f"must be one of {', '.join(ENTITY_STATUSES)}."]})
        episode, _ = structure.episode_create(
            project=project,
            name=body_name(data),
            status=entity_status,
            description=body_text(data, "description", ""),
            data=body_object(data, "data", {}),
            created_by=request.user,
        )
        return Response(serialize_row(episode), status=status.HTTP_201_CREATED)


class ProjectSequencesView(ProjectEntitiesView):
    type_name = structure.SEQUENCE

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        data = request_body(request)
        episodes = project_entities(project, structure.EPISODE)
        sequence, _ = structure.sequence_create(
            project=project,
            name=body_name(data),
            episode=body_row(
                data, "episode_id", episodes, "episode of this project", required=False, unknown_is_404=True
            ),
            description=body_text(data, "description", ""),
            data=body_object(data, "data", {}),
            created_by=request.user,
        )
        return Response(serialize_row(sequence), status=status.HTTP_201_CREATED)


class ProjectShotsView(ProjectEntitiesView):
    type_name = structure.SHOT

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        data = request_body(request)
        sequences = project_entities(project, structure.SEQUENCE)
        sequence = body_row(data, "sequence_id", sequences, "sequence of this project", unknown_is_404=True)
        shot_data = body_object(data, "data")
        # Frame ranges sent beside `data` are kept inside it, where Kitsu reads them.
        frames = {key: data[key] for key in ("frame_in", "frame_out") if data.get(key) is not None}
        for key in frames:
            body_int(data, key)
        if frames:
            shot_data = {**(shot_data or {}), **frames}
        shot, _ = structure.shot_create(
            project=project,
            sequence=sequence,
            name=body_name(data),
            nb_frames=body_int(data, "nb_frames"),
            description=body_text(data, "description"),
            data=shot_data,
            created_by=request.user,
        )
        return Response(serialize_row(shot), status=status.HTTP_201_CREATED)


# ---- project lists -------------------------------------------------------

# TODO: fill these from the status automation and metadata descriptor tables
# once they exist; until then every project has none.
PROJECT_LISTS_WITHOUT_TABLES = ("status_automations",)


def first_episode_ids(projects):
    """Map each TV show's id to its first episode: the first running one by name, else the first by name."""
    show_ids = [project.pk for project in projects if project.production_type == "tvshow"]
    if not show_ids:
        return {}
    episodes = (
        Entity.objects.filter(project_id__in=show_ids, entity_type__name=structure.EPISODE)
        .annotate(not_running=Case(When(status="running", then=0), default=1, output_field=IntegerField()))
        .order_by("project_id", "not_running", "name")
        .values_list("project_id", "pk")
    )
    found = {}
    for project_id, episode_id in episodes:
        found.setdefault(project_id, str(episode_id))
    return found


def open_project_rows(projects):
    """Rows of the open projects list: relations, link priorities and the first episode of TV shows."""
    projects = list(
        projects.select_related("project_status").prefetch_related(
            *(Prefetch(name, queryset=model.objects.only("pk").order_by()) for name, model in PROJECT_RELATIONS)
        )
    )
    project_ids = [project.pk for project in projects]
    task_type_priorities = {}
    for link in ProjectTaskTypeLink.objects.filter(project_id__in=project_ids):
        task_type_priorities.setdefault(link.project_id, {})[str(link.task_type_id)] = link.priority
    task_status_links = {}
    for link in ProjectTaskStatusLink.objects.filter(project_id__in=project_ids):
        task_status_links.setdefault(link.project_id, {})[str(link.task_status_id)] = {
            "priority": link.priority,
            "roles_for_board": link.roles_for_board or [],
        }
    episodes = first_episode_ids(projects)
    backgrounds = {}
    background_links = ProjectPreviewBackgroundFileLink.objects.filter(project_id__in=project_ids)
    for project_id, background_id in background_links.values_list("project_id", "preview_background_file_id"):
        backgrounds.setdefault(project_id, []).append(str(background_id))

    rows = []
    for project in projects:
        row = serialize_row(project, relations=True, exclude=("project_status_name",))
        row.pop("type")
        for name in PROJECT_LISTS_WITHOUT_TABLES:
            row[name] = []
        row["preview_background_files"] = backgrounds.get(project.pk, [])
        row["type"] = "Project"
        row["descriptors"] = []
        row["task_types_priority"] = task_type_priorities.get(project.pk, {})
        row["task_statuses_link"] = task_status_links.get(project.pk, {})
        if project.pk in episodes:
            row["first_episode_id"] = episodes[project.pk]
        rows.append(row)
    return rows


PROJECT_RELATIONS = tuple((name, Project._meta.get_field(name).related_model) for name in Project.kitsu_relations)


class OpenProjectsView(APIView):
    """List the open projects: all of them for admins, and for the others those whose team contains the caller."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        projects = Project.objects.filter(project_status__name=OPEN_STATUS).order_by("name")
        if request.user.role != ADMIN:
            projects = projects.filter(in_team(request.user, "pk"))
        name = request.query_params.get("name")
        if name is not None:
            projects = projects.filter(name=name)
        return Response(open_project_rows(projects))


class AllProjectsView(APIView):
    """Every project for admins, with its status name; the projects of the caller's teams for the others."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        user = request.user
        projects = Project.objects.select_related("project_status").order_by("name")
        exclude = ()
        if user.role != ADMIN:
            projects = projects.filter(in_team(user, "pk"))
            exclude = ("project_status_name",)
        name = request.query_params.get("name")
        if name is not None:
            project = projects.filter(name__iexact=name).first()
            if project is None:
                raise NotFound(f"No project is named {name!r}.")
            projects = [project]
        return Response([serialize_row(project, exclude=exclude) for project in projects])


class ProjectListView(ProjectView):
    """A list under a project the caller may read, filtered by the query string like the /data lists."""

    def get_hidden_fields(self, user):
        return frozenset()

    def filter_rows(self, request, queryset):
        return KitsuFilterBackend().filter_queryset(request, queryset, self)


class ProjectAssetTypesView(ProjectListView):
    """The asset types of the project's assets (not its settings), as the reference lists them."""

    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        used = Entity.objects.filter(project=project, entity_type=OuterRef("pk"))
        types = asset_types().filter(Exists(used)).order_by("name")
        rows = []
        for asset_type in types:
            row = serialize_row(asset_type)
            row["type"] = "AssetType"
            rows.append(row)
        return Response(rows)


class ProjectTaskTypesView(ProjectListView):
    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        return Response(project_task_type_rows(project))


def project_assets(project):
    return Entity.objects.filter(project=project).exclude(entity_type__name__in=TEMPORAL_ENTITY_TYPES)


class ProjectAssetsView(ProjectListView):
    """The project's assets; `?episode_id=` keeps those of one episode, vendors see those with their tasks."""

    def get(self, request, project_id, asset_type_id=None):
        project = self.readable_project(request, project_id)
        assets = project_assets(project)
        if asset_type_id is not None:
            assets = assets.filter(entity_type_id=parse_path_id(asset_type_id))
        episode_id = request.query_params.get("episode_id")
        if episode_id:
            assets = assets.filter(source_id=parse_path_id(episode_id))
        assets = vendor_scope(self.filter_rows(request, assets), request.user)
        return Response(entity_rows(assets.order_by("name", "created_at")))


class ProjectTasksView(ProjectListView):
    """The project's tasks with their assignees; `?page=` pages them, vendors see their own only."""

    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        tasks = Task.objects.filter(project=project)
        task_type_id = query_uuid(request, "task_type_id")
        if task_type_id:
            tasks = tasks.filter(task_type_id=task_type_id)
        episode_id = query_uuid(request, "episode_id")
        if episode_id:
            tasks = tasks.filter(entity__parent__parent_id=episode_id)
        if is_vendor(request.user):
            tasks = tasks.filter(assignees=request.user)
        tasks = tasks.prefetch_related(Prefetch("assignees", queryset=Person.objects.only("pk").order_by()))
        return paginated(request, tasks.order_by("-updated_at", "pk"), relations=True)


class ProjectCommentsView(ProjectListView):
    """The comments on the project's tasks, newest change first; clients and vendors may not list them."""

    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        if request.user.role in (CLIENT, VENDOR):
            raise PermissionDenied("You are not allowed to do this: clients and vendors do not list comments.")
        comments = Comment.objects.filter(object_id__in=Task.objects.filter(project=project).values("pk"))
        comments = comments.prefetch_related(
            *(
                Prefetch(name, queryset=Comment._meta.get_field(name).related_model.objects.only("pk").order_by())
                for name in Comment.kitsu_relations
            )
        )
        response = paginated(request, comments.order_by("-updated_at", "pk"), relations=True)
        rows = response.data["data"] if isinstance(response.data, dict) else response.data
        previews = preview_ids_by_comment([row["id"] for row in rows])
        attachments = attachment_ids_by_comment([row["id"] for row in rows])
        for row in rows:
            row["previews"] = previews.get(row["id"], [])
            row["attachment_files"] = attachments.get(row["id"], [])
        return response


def paginated(request, queryset, *, relations=False):
    """Return a bare list, or the paginated object when `?page=` is given."""
    paginator = KitsuPagination()
    page = paginator.paginate_queryset(queryset, request)
    rows = queryset if page is None else page
    data = [serialize_row(row, relations=relations) for row in rows]
    if page is None:
        return Response(data)
    return paginator.get_paginated_response(data)


class ProjectEpisodeStatsView(ProjectListView):
    """Task counts per episode, task type and status, with frames and drawings; "all" sums them."""

    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        tasks = Task.objects.filter(project=project, entity__parent__parent__isnull=False)
        if is_vendor(request.user):
            tasks = tasks.filter(assignees=request.user)
        groups = (
            tasks.values(
                "entity__parent__parent_id",
                "task_type_id",
                "task_status_id",
                "task_status__short_name",
                "task_status__color",
            )
            .annotate(count=Count("pk"), drawings=Sum("nb_drawings"), frames=Sum("entity__nb_frames"))
            .order_by()
        )
        return Response(episode_stats(groups))


def episode_stats(groups):
    results = {}

    def add(bucket, status_id, group):
        entry = bucket.setdefault(
            status_id,
            {
                "name": group["task_status__short_name"],
                "color": group["task_status__color"],
                "count": 0,
                "frames": 0,
                "drawings": 0,
            },
        )
        entry["count"] += group["count"] or 0
        entry["frames"] += group["frames"] or 0
        entry["drawings"] += group["drawings"] or 0

    for group in groups:
        episode_id = str(group["entity__parent__parent_id"])
        task_type_id = str(group["task_type_id"])
        status_id = str(group["task_status_id"])
        episode = results.setdefault(episode_id, {})
        add(episode.setdefault(task_type_id, {}), status_id, group)
        add(episode.setdefault("all", {}), status_id, group)
        overall = results.setdefault("all", {"all": {}})
        add(overall.setdefault(task_type_id, {}), status_id, group)
        add(overall["all"], status_id, group)
    return results


# ---- routes --------------------------------------------------------------

PROJECT = r"^projects/(?P<project_id>[^/]+)"

urlpatterns = [
    re_path(r"^task-status-links/?$", TaskStatusLinkView.as_view()),
    re_path(r"^projects/open/?$", OpenProjectsView.as_view()),
    re_path(r"^projects/all/?$", AllProjectsView.as_view()),
    re_path(rf"{PROJECT}/asset-types/?$", ProjectAssetTypesView.as_view()),
    re_path(rf"{PROJECT}/asset-types/(?P<asset_type_id>[^/]+)/assets/?$", ProjectAssetsView.as_view()),
    re_path(rf"{PROJECT}/assets/?$", ProjectAssetsView.as_view()),
    re_path(rf"{PROJECT}/task-types/?$", ProjectTaskTypesView.as_view()),
    re_path(rf"{PROJECT}/tasks/?$", ProjectTasksView.as_view()),
    re_path(rf"{PROJECT}/comments/?$", ProjectCommentsView.as_view()),
    re_path(rf"{PROJECT}/episodes/stats/?$", ProjectEpisodeStatsView.as_view()),
    re_path(rf"{PROJECT}/settings/asset-types/?$", ProjectAssetTypeSettingsView.as_view()),
    re_path(rf"{PROJECT}/settings/asset-types/(?P<asset_type_id>[^/]+)/?$", ProjectAssetTypeSettingView.as_view()),
    re_path(rf"{PROJECT}/settings/task-types/?$", ProjectTaskTypeSettingsView.as_view()),
    re_path(rf"{PROJECT}/settings/task-types/(?P<task_type_id>[^/]+)/?$", ProjectTaskTypeSettingView.as_view()),
    re_path(rf"{PROJECT}/settings/task-status/?$", ProjectTaskStatusSettingsView.as_view()),
    re_path(rf"{PROJECT}/settings/task-status/(?P<task_status_id>[^/]+)/?$", ProjectTaskStatusSettingView.as_view()),
    re_path(rf"{PROJECT}/team/?$", ProjectTeamView.as_view()),
    re_path(rf"{PROJECT}/team/(?P<person_id>[^/]+)/?$", ProjectTeamMemberView.as_view()),
    re_path(rf"{PROJECT}/asset-types/(?P<asset_type_id>[^/]+)/assets/new/?$", ProjectAssetCreateView.as_view()),
    re_path(rf"{PROJECT}/episodes/?$", ProjectEpisodesView.as_view()),
    re_path(rf"{PROJECT}/sequences/?$", ProjectSequencesView.as_view()),
    re_path(rf"{PROJECT}/shots/?$", ProjectShotsView.as_view()),
]
action_urlpatterns = []
