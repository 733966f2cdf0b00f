"""The /data/user routes: what the logged-in person works on, and the context the web UI loads first.

Every role may call them, and each response covers the caller's own team, projects
and assigned tasks. A bearer token or the access cookie alone authenticates.
"""

from django.urls import re_path
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import parse_path_id
from productions.models import Entity, EntityType, Project
from productions.models.entity import TEMPORAL_ENTITY_TYPES
from productions.services import user_views


def get_project(project_id):
    parse_path_id(project_id)
    if not Project.objects.filter(pk=project_id).exists():
        raise NotFound(f"No project has the id {project_id}.")
    return project_id


def get_entity(entity_id, kind):
    """Return the entity with this id when it is of `kind` ("Asset", "Shot"...), else raise 404."""
    parse_path_id(entity_id)
    entity = Entity.objects.select_related("entity_type").filter(pk=entity_id).first()
    if entity is None or entity.get_instance_kitsu_type() != kind:
        raise NotFound(f"No {kind.lower()} has the id {entity_id}.")
    return entity


def get_asset_type(asset_type_id):
    parse_path_id(asset_type_id)
    exists = EntityType.objects.filter(pk=asset_type_id).exclude(name__in=TEMPORAL_ENTITY_TYPES).exists()
    if not exists:
        raise NotFound(f"No asset type has the id {asset_type_id}.")
    return asset_type_id


def entity_rows(entities, kitsu_type=None):
    rows = []
    for entity in entities:
        row = serialize_row(entity)
        if kitsu_type is not None:
            row["type"] = kitsu_type
        rows.append(row)
    return rows


class UserView(APIView):
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "head", "options"]


class ContextView(UserView):
    def get(self, request):
        return Response(user_views.user_context(user=request.user))


class OpenProjectsView(UserView):
    """The open projects of the caller's teams (every open project for an admin); `?name=` keeps one."""

    def get(self, request):
        name = request.query_params.get("name")
        projects = user_views.open_projects_queryset(request.user, name=name)
        return Response(user_views.project_rows(projects))


class TodoTasksView(UserView):
    def get(self, request):
        queryset = user_views.todo_tasks_queryset(request.user, done=False)
        return Response(user_views.todo_task_rows(queryset))


class DoneTasksView(UserView):
    def get(self, request):
        queryset = user_views.todo_tasks_queryset(request.user, done=True)
        return Response(user_views.todo_task_rows(queryset))


class TasksToCheckView(UserView):
    """Tasks waiting for feedback; artists, clients and vendors review none and get an empty list."""

    def get(self, request):
        queryset = user_views.tasks_to_check_queryset(request.user)
        if queryset is None:
            return Response([])
        return Response(user_views.todo_task_rows(queryset))


class EntityTasksView(UserView):
    """The caller's assigned tasks on one asset, shot, scene or sequence."""

    kind = None

    def get(self, request, entity_id):
        entity = get_entity(entity_id, self.kind)
        tasks = user_views.assigned_tasks_on_entity(request.user, entity.pk).order_by("name")
        return Response([serialize_row(task) for task in tasks])


class EntityTaskTypesView(UserView):
    """The task types of the caller's assigned tasks on one asset, shot, scene or sequence."""

    kind = None

    def get(self, request, entity_id):
        entity = get_entity(entity_id, self.kind)
        task_types = user_views.assigned_task_types_on_entity(request.user, entity.pk)
        return Response([serialize_row(task_type) for task_type in task_types])


class ProjectAssetTypesView(UserView):
    """The asset types of the project's assets on which the caller has a task."""

    def get(self, request, project_id):
        get_project(project_id)
        asset_types = user_views.asset_types_with_assigned_tasks(request.user, project_id=project_id)
        return Response([serialize_row(asset_type) | {"type": "AssetType"} for asset_type in asset_types])


class ProjectAssetTypeAssetsView(UserView):
    """The project's assets of one type on which the caller has a task."""

    def get(self, request, project_id, asset_type_id):
        get_project(project_id)
        get_asset_type(asset_type_id)
        assets = user_views.entities_with_assigned_tasks(
            request.user, project_id=project_id, entity_type_id=asset_type_id
        )
        return Response(entity_rows(assets, "Asset"))


class ProjectSequencesView(UserView):
    """The project's sequences with a shot on which the caller has a task."""

    def get(self, request, project_id):
        get_project(project_id)
        sequences = user_views.entities_with_assigned_tasks(
            request.user,
            link="children__tasks",
            project_id=project_id,
            entity_type__name="Sequence",
            children__entity_type__name="Shot",
        )
        return Response(entity_rows(sequences))


class ProjectEpisodesView(UserView):
    """The project's episodes with a shot, through a sequence, on which the caller has a task."""

    def get(self, request, project_id):
        get_project(project_id)
        episodes = user_views.entities_with_assigned_tasks(
            request.user,
            link="children__children__tasks",
            project_id=project_id,
            entity_type__name="Episode",
            children__entity_type__name="Sequence",
            children__children__entity_type__name="Shot",
        )
        return Response(entity_rows(episodes))


class SequenceChildrenView(UserView):
    """The shots or scenes of one sequence on which the caller has a task."""

    kind = None

    def get(self, request, sequence_id):
        sequence = get_entity(sequence_id, "Sequence")
        children = user_views.entities_with_assigned_tasks(
            request.user, parent_id=sequence.pk, entity_type__name=self.kind
        )
        return Response(entity_rows(children))


ENTITY_ROUTES = (("assets", "Asset"), ("shots", "Shot"), ("scenes", "Scene"), ("sequences", "Sequence"))
ID = r"(?P<{}>[^/]+)"

urlpatterns = [
    re_path(r"^user/context/?$", ContextView.as_view()),
    re_path(r"^user/projects/open/?$", OpenProjectsView.as_view()),
    re_path(r"^user/tasks/?$", TodoTasksView.as_view()),
    re_path(r"^user/done-tasks/?$", DoneTasksView.as_view()),
    re_path(r"^user/tasks-to-check/?$", TasksToCheckView.as_view()),
    re_path(rf"^user/projects/{ID.format('project_id')}/asset-types/?$", ProjectAssetTypesView.as_view()),
    re_path(
        rf"^user/projects/{ID.format('project_id')}/asset-types/{ID.format('asset_type_id')}/assets/?$",
        ProjectAssetTypeAssetsView.as_view(),
    ),
    re_path(rf"^user/projects/{ID.format('project_id')}/sequences/?$", ProjectSequencesView.as_view()),
    re_path(rf"^user/projects/{ID.format('project_id')}/episodes/?$", ProjectEpisodesView.as_view()),
    re_path(rf"^user/sequences/{ID.format('sequence_id')}/shots/?$", SequenceChildrenView.as_view(kind="Shot")),
    re_path(rf"^user/sequences/{ID.format('sequence_id')}/scenes/?$", SequenceChildrenView.as_view(kind="Scene")),
]
for collection, kind in ENTITY_ROUTES:
    urlpatterns += [
        re_path(rf"^user/{collection}/{ID.format('entity_id')}/tasks/?$", EntityTasksView.as_view(kind=kind)),
        re_path(rf"^user/{collection}/{ID.format('entity_id')}/task-types/?$", EntityTaskTypesView.as_view(kind=kind)),
    ]

action_urlpatterns = []
