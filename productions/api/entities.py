"""Routes of assets, shots, sequences and episodes: lists, "with tasks" pages, reads, shot updates and deletes.

Team members of a project read its entities, and a vendor reads only those with
a task assigned to them. The project's managers and admins change and delete
them, and so does an entity's creator who is still in the team.

`urlpatterns` go under /api/data/, `action_urlpatterns` under /api/actions/.
"""

import logging

from django.db.models import Exists, OuterRef, Q
from django.urls import re_path
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kitsu_project.api.filters import KitsuFilterBackend
from kitsu_project.api.permissions import ADMIN
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import parse_path_id, query_flag, query_uuid
from productions.access import in_team, is_project_manager, is_team_member, is_vendor
from productions.models import Entity, EntityLink, Task, TaskPersonLink, TaskType
from productions.services import entities as entity_services
from productions.services import entity_views

from .serializers import EntitySerializer
from .viewsets import EntityViewSet

logger = logging.getLogger("productions.entities")

NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."


def in_episode(episode_id):
    """Keep the assets of an episode: those made for it and those cast in it."""
    cast = EntityLink.objects.filter(entity_in_id=episode_id, entity_out=OuterRef("pk"))
    return Q(source_id=episode_id) | Exists(cast)


KIND_LABELS = {"Asset": "asset", "Shot": "shot", "Sequence": "sequence", "Episode": "episode"}


def fetch_entity(kind, entity_id):
    """Return the entity of `kind` with this id, with its project, type and parent joined, or raise 404."""
    pk = parse_path_id(entity_id)
    entity = (
        entity_views.entities_of_kind(kind).select_related("project", "entity_type", "parent").filter(pk=pk).first()
    )
    if entity is None:
        raise NotFound(f"No {KIND_LABELS.get(kind, kind.lower())} has the id {pk}.")
    return entity


def can_read_project(user, project_id):
    return user.role == ADMIN or is_team_member(user, project_id)


def check_project_read(user, project_id):
    if not can_read_project(user, project_id):
        logger.warning("Read access to project %s rejected for person %s", project_id, user.pk)
        raise PermissionDenied(NOT_ALLOWED)


def check_entity_read(user, entity):
    """Team members read an entity; a vendor also needs a task assigned on it."""
    check_project_read(user, entity.project_id)
    if is_vendor(user) and not TaskPersonLink.objects.filter(person=user, task__entity=entity).exists():
        raise PermissionDenied(NOT_ALLOWED)


def check_no_vendor(user):
    if is_vendor(user):
        raise PermissionDenied(NOT_ALLOWED)


def check_manage(user, entity):
    if not is_project_manager(user, entity.project_id):
        logger.warning("Change of %s %s rejected for person %s", entity.get_instance_kitsu_type(), entity.pk, user.pk)
        raise PermissionDenied(NOT_ALLOWED)


def check_delete(user, entity):
    """Admins, the project's managers, and the entity's creator while in the team may delete it."""
    if entity.created_by_id == user.pk and is_team_member(user, entity.project_id):
        return
    check_manage(user, entity)


class EntityRouteView(APIView):
    """Shared helpers of the routes below: id parsing, filters and the caller's scope."""

    permission_classes = [IsAuthenticated]

    def get_hidden_fields(self, user):
        # The filter backend calls this to learn the hidden columns, and entities hide none.
        return frozenset()

    def apply_filters(self, queryset):
        """Apply the generic column filters of the query string (`name`, `project_id`, `[...]` lists...)."""
        return KitsuFilterBackend().filter_queryset(self.request, queryset, self)

    def relations(self):
        return query_flag(self.request, "relations")

    def vendor(self):
        """Return the caller when a vendor, whose reads are limited to assigned work, else None."""
        user = self.request.user
        return user if is_vendor(user) else None

    def scope_to_project(self, queryset, project_id):
        """Keep the rows of `project_id`, which the caller must be able to read.

        Without a project, admins read every row and the others get 403, as
        the reference does on these list routes.
        """
        user = self.request.user
        if project_id is not None:
            check_project_read(user, project_id)
            return queryset.filter(project_id=project_id)
        if user.role != ADMIN:
            raise PermissionDenied("You are not allowed to do this: give the project_id of a project of your team.")
        return queryset


# ---- assets ------------------------------------------------------------------


class AssetListView(EntityRouteView):
    """GET /data/assets and /data/assets/all: assets, filtered by any column or by `episode_id`."""

    def get(self, request):
        user = request.user
        queryset = entity_views.assets()
        project_id = query_uuid(request, "project_id")
        episode_id = query_uuid(request, "episode_id")
        if episode_id is not None:
            episode = fetch_entity("Episode", episode_id)
            check_project_read(user, episode.project_id)
            queryset = queryset.filter(in_episode(episode.pk))
        if project_id is not None:
            check_project_read(user, project_id)
        elif user.role != ADMIN:
            # The reference lists every asset here; others see only their teams' projects.
            queryset = queryset.filter(in_team(user))
        queryset = self.apply_filters(queryset)
        if self.vendor():
            queryset = queryset.filter(entity_views.assigned_to(user))
        return Response(entity_views.serialize_entities(queryset.order_by("name", "pk")))


class AssetsWithTasksView(EntityRouteView):
    """GET /data/assets/with-tasks: the asset page, filtered by `project_id`, `episode_id` ("main", "all") and `id`."""

    def get(self, request):
        user = request.user
        queryset = entity_views.assets()
        project_id = query_uuid(request, "project_id")
        entity_id = query_uuid(request, "id")
        if project_id is not None:
            check_project_read(user, project_id)
            queryset = queryset.filter(project_id=project_id)
        elif user.role != ADMIN:
            queryset = queryset.filter(in_team(user))
        if entity_id is not None:
            queryset = queryset.filter(pk=entity_id)

        episode = request.query_params.get("episode_id")
        if episode == "main":
            queryset = queryset.filter(source__isnull=True)
        elif episode not in (None, "", "all"):
            queryset = queryset.filter(in_episode(query_uuid(request, "episode_id")))
        return Response(entity_views.assets_with_tasks(queryset, person=self.vendor(), viewer=request.user))


class AssetDetailView(EntityRouteView):
    """GET /data/assets/<id> (the full asset) and DELETE (cancels an asset with tasks unless force=true)."""

    def get(self, request, asset_id):
        asset = fetch_entity("Asset", asset_id)
        check_entity_read(request.user, asset)
        return Response(entity_views.asset_detail(asset, person=self.vendor(), viewer=request.user))

    def delete(self, request, asset_id):
        asset = fetch_entity("Asset", asset_id)
        check_delete(request.user, asset)
        deleted = entity_services.entity_cancel_or_delete(entity=asset, force=query_flag(request, "force"))
        logger.info("Asset %s %s by %s", asset_id, "deleted" if deleted else "canceled", request.user.pk)
        return Response(status=204)


# ---- any kind read by id ------------------------------------------------------


def check_no_client(user):
    if user.role == "client":
        raise PermissionDenied("You are not allowed to do this: clients do not see concepts.")


class KindRouteView(EntityRouteView):
    """An entity of one kind read by id: tasks, task types and the like."""

    kind = None

    def readable(self, entity_id):
        entity = fetch_entity(self.kind, entity_id)
        check_entity_read(self.request.user, entity)
        if self.kind == "Concept":
            check_no_client(self.request.user)
        return entity


class KindTasksView(KindRouteView):
    def get(self, request, entity_id):
        entity = self.readable(entity_id)
        tasks = Task.objects.filter(entity=entity)
        return Response(entity_views.detailed_tasks(tasks, relations=self.relations()))


class KindTaskTypesView(KindRouteView):
    def get(self, request, entity_id):
        entity = self.readable(entity_id)
        return Response(entity_views.task_types_of(Task.objects.filter(entity=entity)))


# ---- shots -------------------------------------------------------------------


class ShotListView(EntityRouteView):
    """GET /data/shots and /data/shots/all: shots of a project or of a sequence (`sequence_id`)."""

    def get(self, request):
        queryset = entity_views.entities_of_kind("Shot")
        project_id = query_uuid(request, "project_id")
        sequence_id = query_uuid(request, "sequence_id")
        if sequence_id is not None:
            sequence = fetch_entity("Sequence", sequence_id)
            project_id = sequence.project_id
            queryset = queryset.filter(parent=sequence)
        queryset = self.apply_filters(self.scope_to_project(queryset, project_id))
        if self.vendor():
            queryset = queryset.filter(entity_views.assigned_to(request.user))
        return Response(entity_views.serialize_shots(queryset.order_by("name", "pk")))


class ShotsWithTasksView(EntityRouteView):
    """GET /data/shots/with-tasks: the shot page, filtered by `project_id`, `episode_id` and `id`."""

    def get(self, request):
        queryset = self.scope_to_project(entity_views.entities_of_kind("Shot"), query_uuid(request, "project_id"))
        entity_id = query_uuid(request, "id")
        if entity_id is not None:
            queryset = queryset.filter(pk=entity_id)
        if request.query_params.get("episode_id") not in (None, "", "all"):
            queryset = queryset.filter(parent__parent_id=query_uuid(request, "episode_id"))
        return Response(entity_views.shots_with_tasks(queryset, person=self.vendor(), viewer=request.user))


class ShotDetailView(EntityRouteView):
    """GET /data/shots/<id> (the full shot), PUT (managers) and DELETE (cancels a shot with tasks unless force=true)."""

    def get(self, request, shot_id):
        shot = fetch_entity("Shot", shot_id)
        check_entity_read(request.user, shot)
        return Response(entity_views.shot_detail(shot, person=self.vendor(), viewer=request.user))

    def put(self, request, shot_id):
        if not isinstance(request.data, dict):
            raise ValidationError({"body": ["expected a JSON object with the shot columns to change."]})
        shot = fetch_entity("Shot", shot_id)
        check_manage(request.user, shot)
        serializer = EntitySerializer(shot, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        shot = entity_services.shot_update(serializer=serializer, updated_by=request.user)
        return Response(serialize_row(shot))

    def delete(self, request, shot_id):
        shot = fetch_entity("Shot", shot_id)
        check_delete(request.user, shot)
        deleted = entity_services.entity_cancel_or_delete(entity=shot, force=query_flag(request, "force"))
        logger.info("Shot %s %s by %s", shot_id, "deleted" if deleted else "canceled", request.user.pk)
        return Response(status=204)


# ---- sequences ---------------------------------------------------------------


class SequenceListView(EntityRouteView):
    """GET /data/sequences: sequences of a project or of an episode (`episode_id`)."""

    def get(self, request):
        queryset = entity_views.entities_of_kind("Sequence")
        project_id = query_uuid(request, "project_id")
        episode_id = query_uuid(request, "episode_id")
        if episode_id is not None:
            episode = fetch_entity("Episode", episode_id)
            project_id = episode.project_id
            queryset = queryset.filter(parent=episode)
        queryset = self.apply_filters(self.scope_to_project(queryset, project_id))
        return Response(entity_views.serialize_entities(queryset.order_by("name", "pk")))


class EntitiesWithTasksView(EntityRouteView):
    """GET /data/sequences/with-tasks and /data/episodes/with-tasks, filtered by `project_id` and `episode_id`."""

    kind = None

    def get(self, request):
        queryset = entity_views.entities_of_kind(self.kind)
        queryset = self.scope_to_project(queryset, query_uuid(request, "project_id"))
        episode = request.query_params.get("episode_id")
        if episode == "all":
            return Response([])
        if episode not in (None, ""):
            queryset = queryset.filter(parent_id=query_uuid(request, "episode_id"))
        return Response(entity_views.entities_with_tasks(queryset, person=self.vendor(), viewer=request.user))


class SequencesWithTasksView(EntitiesWithTasksView):
    kind = "Sequence"


class EpisodesWithTasksView(EntitiesWithTasksView):
    kind = "Episode"


class TreeEntityDetailView(EntityRouteView):
    """GET a sequence or episode (`kind`) and DELETE it.

    A delete is rejected while the entity has children or tasks, unless force=true.
    """

    kind = None
    # The entity_views function that builds the row, given to as_view (an instance attribute, so not bound).
    detail = None

    def get(self, request, entity_id):
        entity = fetch_entity(self.kind, entity_id)
        check_project_read(request.user, entity.project_id)
        return Response(self.detail(entity))

    def delete(self, request, entity_id):
        entity = fetch_entity(self.kind, entity_id)
        check_delete(request.user, entity)
        entity_services.entity_tree_delete(entity=entity, force=query_flag(request, "force"))
        logger.info("%s %s deleted by %s", self.kind, entity_id, request.user.pk)
        return Response(status=204)


class SequenceShotsView(EntityRouteView):
    def get(self, request, sequence_id):
        sequence = fetch_entity("Sequence", sequence_id)
        check_project_read(request.user, sequence.project_id)
        queryset = self.apply_filters(entity_views.entities_of_kind("Shot").filter(parent=sequence))
        if self.vendor():
            queryset = queryset.filter(entity_views.assigned_to(request.user))
        return Response(entity_views.serialize_shots(queryset.order_by("name", "pk")))


class SequenceScenesView(EntityRouteView):
    def get(self, request, sequence_id):
        sequence = fetch_entity("Sequence", sequence_id)
        check_project_read(request.user, sequence.project_id)
        scenes = entity_views.entities_of_kind("Scene").filter(parent=sequence).order_by("name", "pk")
        return Response(entity_views.serialize_entities(scenes))


class SequenceTasksView(EntityRouteView):
    """GET /data/sequences/<id>/tasks: the tasks of the sequence itself (not of its shots)."""

    def get(self, request, sequence_id):
        sequence = fetch_entity("Sequence", sequence_id)
        check_project_read(request.user, sequence.project_id)
        tasks = Task.objects.filter(entity=sequence)
        return Response(entity_views.detailed_tasks(tasks, relations=self.relations()))


class SequenceTaskTypesView(EntityRouteView):
    """GET /data/sequences/<id>/task-types: the task types used by the sequence's shots."""

    def get(self, request, sequence_id):
        sequence = fetch_entity("Sequence", sequence_id)
        check_project_read(request.user, sequence.project_id)
        return Response(entity_views.task_types_of(Task.objects.filter(entity__parent=sequence)))


class SequenceShotTasksView(EntityRouteView):
    def get(self, request, sequence_id):
        sequence = fetch_entity("Sequence", sequence_id)
        check_project_read(request.user, sequence.project_id)
        check_no_vendor(request.user)
        tasks = Task.objects.filter(entity__parent=sequence, entity__entity_type__name="Shot")
        return Response(entity_views.detailed_tasks(tasks, relations=self.relations()))


# ---- episodes ----------------------------------------------------------------


class EpisodeListView(EntityRouteView):
    def get(self, request):
        queryset = entity_views.entities_of_kind("Episode")
        queryset = self.apply_filters(self.scope_to_project(queryset, query_uuid(request, "project_id")))
        return Response(entity_views.serialize_entities(queryset.order_by("name", "pk")))


class EpisodeSequencesView(EntityRouteView):
    def get(self, request, episode_id):
        episode = fetch_entity("Episode", episode_id)
        check_project_read(request.user, episode.project_id)
        queryset = self.apply_filters(entity_views.entities_of_kind("Sequence").filter(parent=episode))
        if self.vendor():
            # A vendor gets the sequences that contain a shot assigned to them.
            shots = Entity.objects.filter(entity_views.assigned_to(request.user)).values("parent_id")
            queryset = queryset.filter(pk__in=shots)
        return Response(entity_views.serialize_entities(queryset.order_by("name", "pk")))


class EpisodeShotsView(EntityRouteView):
    def get(self, request, episode_id):
        episode = fetch_entity("Episode", episode_id)
        check_entity_read(request.user, episode)
        shots = entity_views.entities_of_kind("Shot").filter(parent__parent=episode).order_by("name", "pk")
        return Response(entity_views.serialize_entities(shots))


class EpisodeTasksView(EntityRouteView):
    """GET /data/episodes/<id>/tasks: the tasks of the episode itself."""

    def get(self, request, episode_id):
        episode = fetch_entity("Episode", episode_id)
        check_project_read(request.user, episode.project_id)
        tasks = Task.objects.filter(entity=episode)
        return Response(entity_views.detailed_tasks(tasks, relations=self.relations()))


class EpisodeShotTasksView(EntityRouteView):
    def get(self, request, episode_id):
        episode = fetch_entity("Episode", episode_id)
        check_entity_read(request.user, episode)
        check_no_vendor(request.user)
        tasks = Task.objects.filter(entity__parent__parent=episode, entity__entity_type__name="Shot")
        return Response(entity_views.detailed_tasks(tasks, relations=self.relations()))


class EpisodeAssetTasksView(EntityRouteView):
    """GET /data/episodes/<id>/asset-tasks: the tasks of the assets whose episode this is."""

    def get(self, request, episode_id):
        episode = fetch_entity("Episode", episode_id)
        check_entity_read(request.user, episode)
        check_no_vendor(request.user)
        tasks = Task.objects.filter(entity__in=entity_views.assets().filter(source=episode).values("pk"))
        return Response(entity_views.detailed_tasks(tasks, relations=self.relations()))


class EpisodeTaskTypesView(EntityRouteView):
    """GET /data/episodes/<id>/task-types: the task types used by the shots of the episode."""

    def get(self, request, episode_id):
        episode = fetch_entity("Episode", episode_id)
        check_project_read(request.user, episode.project_id)
        return Response(entity_views.task_types_of(Task.objects.filter(entity__parent__parent=episode)))


# ---- entities ----------------------------------------------------------------


class EntityTaskTypeTasksView(EntityRouteView):
    """The tasks of one task type on an entity of any kind."""

    def get(self, request, entity_id, task_type_id):
        pk = parse_path_id(entity_id)
        entity = Entity.objects.filter(pk=pk).first()
        if entity is None:
            raise NotFound(f"No entity has the id {pk}.")
        task_type_pk = parse_path_id(task_type_id)
        if not TaskType.objects.filter(pk=task_type_pk).exists():
            raise NotFound(f"No task type has the id {task_type_pk}.")
        check_entity_read(request.user, entity)
        tasks = Task.objects.filter(entity=entity, task_type_id=task_type_pk).order_by("name")
        return Response([serialize_row(task) for task in tasks])


class EntityDetailSerializer(EntitySerializer):
    """An entity row; with relations, also the link lists that the reference always sends."""

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if self.context.get("relations"):
            entity_views.with_link_lists(row)
        return row


class EntityDetailViewSet(EntityViewSet):
    """GET, PUT and DELETE /data/entities/<id>: the generic entity routes, whose reads and updates carry relations."""

    serializer_class = EntityDetailSerializer

    def wants_relations(self):
        return self.action in ("update", "partial_update") or super().wants_relations()


ID = r"(?P<{}>[^/]+)"


def route(pattern, view, view_options=None, **ids):
    """Return the URL pattern of `view` (built with `view_options`); `ids` names the path's id segments."""
    path = pattern.format(**{name: ID.format(name) for name in ids})
    return re_path(rf"^{path}/?$", view.as_view(**(view_options or {})))


urlpatterns = [
    re_path(
        r"^entities/(?P<pk>(?!guess_from_path/?$)[^/]+)/?$",
        EntityDetailViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
    ),
    route(
        "entities/{entity_id}/task-types/{task_type_id}/tasks",
        EntityTaskTypeTasksView,
        entity_id=True,
        task_type_id=True,
    ),
    route("assets", AssetListView),
    route("assets/all", AssetListView),
    route("assets/with-tasks", AssetsWithTasksView),
    route("assets/{asset_id}", AssetDetailView, asset_id=True),
    route("assets/{entity_id}/tasks", KindTasksView, {"kind": "Asset"}, entity_id=True),
    route("assets/{entity_id}/task-types", KindTaskTypesView, {"kind": "Asset"}, entity_id=True),
    route("shots", ShotListView),
    route("shots/all", ShotListView),
    route("shots/with-tasks", ShotsWithTasksView),
    route("shots/{shot_id}", ShotDetailView, shot_id=True),
    route("shots/{entity_id}/tasks", KindTasksView, {"kind": "Shot"}, entity_id=True),
    route("shots/{entity_id}/task-types", KindTaskTypesView, {"kind": "Shot"}, entity_id=True),
    route("sequences", SequenceListView),
    route("sequences/with-tasks", SequencesWithTasksView),
    route(
        "sequences/{entity_id}",
        TreeEntityDetailView,
        {"kind": "Sequence", "detail": entity_views.sequence_detail},
        entity_id=True,
    ),
    route("sequences/{sequence_id}/shots", SequenceShotsView, sequence_id=True),
    route("sequences/{sequence_id}/scenes", SequenceScenesView, sequence_id=True),
    route("sequences/{sequence_id}/tasks", SequenceTasksView, sequence_id=True),
    route("sequences/{sequence_id}/task-types", SequenceTaskTypesView, sequence_id=True),
    route("sequences/{sequence_id}/shot-tasks", SequenceShotTasksView, sequence_id=True),
    route("episodes", EpisodeListView),
    route("episodes/with-tasks", EpisodesWithTasksView),
    route(
        "episodes/{entity_id}",
        TreeEntityDetailView,
        {"kind": "Episode", "detail": entity_views.episode_detail},
        entity_id=True,
    ),
    route("episodes/{episode_id}/sequences", EpisodeSequencesView, episode_id=True),
    route("episodes/{episode_id}/shots", EpisodeShotsView, episode_id=True),
    route("episodes/{episode_id}/tasks", EpisodeTasksView, episode_id=True),
    route("episodes/{episode_id}/shot-tasks", EpisodeShotTasksView, episode_id=True),
    route("episodes/{episode_id}/asset-tasks", EpisodeAssetTasksView, episode_id=True),
    route("episodes/{episode_id}/task-types", EpisodeTaskTypesView, episode_id=True),
]
action_urlpatterns = []
