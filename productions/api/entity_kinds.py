"""Routes of scenes, edits and concepts, of the shots made from a scene, of shot and edit versions,
and the retake statistics of a project's episodes.

Access follows the shot routes: team members read, a vendor only the entities
with a task assigned to them, the project's managers create and delete (and an
entity's creator who is still in the team deletes it). Concepts follow the
reference instead: clients never see them, vendors may not list them, and any
other team member may create one.

`urlpatterns` go under /api/data/.
"""

import logging

from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import query_flag, query_uuid, request_body
from productions.access import is_vendor
from productions.models import Entity, EntityVersion, Task
from productions.services import entity_kinds as kind_services
from productions.services import entity_views
from productions.services.entity_kinds import CONCEPT, EDIT, SCENE

from .entities import (
    EntityRouteView,
    KindRouteView,
    KindTasksView,
    KindTaskTypesView,
    check_delete,
    check_manage,
    check_project_read,
    fetch_entity,
)
from .projects import (
    ProjectView,
    body_name,
    body_object,
    body_row,
    body_text,
    entity_rows,
    project_entities,
    vendor_scope,
)

logger = logging.getLogger("productions.entity_kinds")

NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."


def check_concept_lister(user):
    if user.role in ("client", "vendor"):
        raise PermissionDenied("You are not allowed to do this: clients and vendors do not list concepts.")


def kind_delete(request, kind, entity_id):
    entity = fetch_entity(kind, entity_id)
    check_delete(request.user, entity)
    deleted = kind_services.entity_kind_delete(entity=entity, force=query_flag(request, "force"), user=request.user)
    logger.info("%s %s %s by %s", kind, entity_id, "deleted" if deleted else "canceled", request.user.pk)
    return Response(status=status.HTTP_204_NO_CONTENT)


# ---- scenes ------------------------------------------------------------------


class ProjectScenesView(ProjectView):
    """GET the project's scenes (a vendor's: those with a task of theirs); POST a scene in a sequence."""

    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        scenes = vendor_scope(project_entities(project, SCENE), request.user)
        return Response(entity_rows(scenes.order_by("name", "created_at")))

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        data = request_body(request)
        name = body_name(data)
        sequence = body_row(data, "sequence_id", project_entities(project, "Sequence"), "sequence of this project")
        scene = kind_services.scene_create(
            project=project,
            sequence=sequence,
            name=name,
            description=body_text(data, "description"),
            data=body_object(data, "data", {}),
            created_by=request.user,
        )
        return Response(serialize_row(scene), status=status.HTTP_201_CREATED)


class SceneListView(EntityRouteView):
    """GET /data/scenes/all: scenes of a project (or every project, for admins) with project and sequence names."""

    def get(self, request):
        queryset = self.scope_to_project(entity_views.entities_of_kind(SCENE), query_uuid(request, "project_id"))
        queryset = self.apply_filters(queryset)
        if self.vendor():
            queryset = queryset.filter(entity_views.assigned_to(request.user))
        return Response(entity_views.serialize_shots(queryset.order_by("name", "pk")))


class ScenesWithTasksView(EntityRouteView):
    """GET /data/scenes/with-tasks, filtered by `project_id` and `id`."""

    def get(self, request):
        queryset = self.scope_to_project(entity_views.entities_of_kind(SCENE), query_uuid(request, "project_id"))
        entity_id = query_uuid(request, "id")
        if entity_id is not None:
            queryset = queryset.filter(pk=entity_id)
        if self.vendor():
            queryset = queryset.filter(entity_views.assigned_to(request.user))
        return Response(entity_views.entities_with_tasks(queryset, person=self.vendor(), viewer=request.user))


class SceneDetailView(KindRouteView):
    """GET a scene with its project, sequence and episode names; DELETE it (canceled while it has tasks)."""

    kind = SCENE

    def get(self, request, entity_id):
        scene = self.readable(entity_id)
        return Response(kind_services.scene_detail(scene))

    def delete(self, request, entity_id):
        return kind_delete(request, SCENE, entity_id)


class SceneShotsView(KindRouteView):
    """GET the shots made from a scene; POST `shot_id` to record that a shot of the project was made from it."""

    kind = SCENE

    def get(self, request, entity_id):
        scene = self.readable(entity_id)
        shots = entity_views.entities_of_kind("Shot").filter(source=scene)
        if self.vendor():
            shots = shots.filter(entity_views.assigned_to(request.user))
        return Response(entity_views.serialize_shots(shots.order_by("name", "pk")))

    def post(self, request, entity_id):
        scene = fetch_entity(SCENE, entity_id)
        check_manage(request.user, scene)
        data = request_body(request)
        shots = project_entities(scene.project, "Shot")
        shot = body_row(data, "shot_id", shots, "shot of this project")
        shot = kind_services.scene_shot_add(scene=scene, shot=shot, user=request.user)
        return Response(serialize_row(shot), status=status.HTTP_201_CREATED)


class SceneShotView(EntityRouteView):
    def delete(self, request, entity_id, shot_id):
        scene = fetch_entity(SCENE, entity_id)
        check_manage(request.user, scene)
        shot = fetch_entity("Shot", shot_id)
        kind_services.scene_shot_remove(scene=scene, shot=shot, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- edits -------------------------------------------------------------------


class ProjectEditsView(ProjectView):
    """GET the project's edits (a vendor's: those with a task of theirs); POST an edit, in an episode or not."""

    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        edits = vendor_scope(project_entities(project, EDIT), request.user)
        return Response(entity_rows(edits.order_by("name", "created_at")))

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        data = request_body(request)
        name = body_name(data)
        # Gazu sends the episode as `parent_id`, the web UI as `episode_id`.
        key = "episode_id" if data.get("episode_id") not in (None, "") else "parent_id"
        episode = body_row(data, key, project_entities(project, "Episode"), "episode of this project", required=False)
        edit = kind_services.edit_create(
            project=project,
            name=name,
            episode=episode,
            description=body_text(data, "description"),
            data=body_object(data, "data"),
            created_by=request.user,
        )
        return Response(serialize_row(edit), status=status.HTTP_201_CREATED)


class EditListView(EntityRouteView):
    """GET /data/edits and /data/edits/all: edits with their project name, filtered by any column."""

    def get(self, request):
        queryset = self.scope_to_project(entity_views.entities_of_kind(EDIT), query_uuid(request, "project_id"))
        queryset = self.apply_filters(queryset)
        if self.vendor():
            queryset = queryset.filter(entity_views.assigned_to(request.user))
        return Response(kind_services.entity_list_rows(queryset.order_by("name", "pk")))


class EditsWithTasksView(EntityRouteView):
    """GET /data/edits/with-tasks, filtered by `project_id`, `episode_id` and `id`."""

    def get(self, request):
        queryset = self.scope_to_project(entity_views.entities_of_kind(EDIT), query_uuid(request, "project_id"))
        for key, lookup in (("id", "pk"), ("episode_id", "parent_id")):
            value = query_uuid(request, key)
            if value is not None:
                queryset = queryset.filter(**{lookup: value})
        return Response(kind_services.edits_with_tasks(queryset, person=self.vendor(), viewer=request.user))


class EditDetailView(KindRouteView):
    """GET an edit with its episode, project and tasks; DELETE it (canceled while it has tasks)."""

    kind = EDIT

    def get(self, request, entity_id):
        edit = self.readable(entity_id)
        rows = kind_services.edits_with_tasks(Entity.objects.filter(pk=edit.pk), person=self.vendor())
        return Response(rows[0])

    def delete(self, request, entity_id):
        return kind_delete(request, EDIT, entity_id)


class EpisodeEditsView(EntityRouteView):
    def get(self, request, episode_id):
        episode = fetch_entity("Episode", episode_id)
        check_project_read(request.user, episode.project_id)
        edits = entity_views.entities_of_kind(EDIT).filter(parent=episode)
        if self.vendor():
            edits = edits.filter(entity_views.assigned_to(request.user))
        return Response(entity_rows(edits.order_by("name", "pk")))


class EpisodeEditTasksView(EntityRouteView):
    def get(self, request, episode_id):
        episode = fetch_entity("Episode", episode_id)
        check_project_read(request.user, episode.project_id)
        if is_vendor(request.user):
            raise PermissionDenied(NOT_ALLOWED)
        tasks = Task.objects.filter(entity__parent=episode, entity__entity_type__name=EDIT)
        return Response(entity_views.detailed_tasks(tasks, relations=self.relations()))


# ---- concepts ----------------------------------------------------------------


class ProjectConceptsView(ProjectView):
    """GET the project's concepts; POST a concept, with `entity_concept_links` (the entities it illustrates)."""

    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        check_concept_lister(request.user)
        concepts = project_entities(project, CONCEPT).order_by("name", "created_at")
        return Response(kind_services.with_concept_links(entity_rows(concepts)))

    def post(self, request, project_id):
        project = self.readable_project(request, project_id)
        check_concept_lister(request.user)
        data = request_body(request)
        name = body_name(data)
        linked = kind_services.parse_concept_links(data, project=project) or []
        concept = kind_services.concept_create(
            project=project,
            name=name,
            description=body_text(data, "description"),
            data=body_object(data, "data"),
            linked=linked,
            created_by=request.user,
        )
        row = serialize_row(concept)
        row["entity_concept_links"] = [str(entity.pk) for entity in linked]
        return Response(row, status=status.HTTP_201_CREATED)


class ConceptListView(EntityRouteView):
    """GET /data/concepts: concepts with their project name and links, filtered by any column."""

    def get(self, request):
        check_concept_lister(request.user)
        queryset = self.scope_to_project(entity_views.entities_of_kind(CONCEPT), query_uuid(request, "project_id"))
        queryset = self.apply_filters(queryset)
        rows = kind_services.entity_list_rows(queryset.order_by("name", "pk"))
        return Response(kind_services.with_concept_links(rows))


class ConceptsWithTasksView(EntityRouteView):
    def get(self, request):
        check_concept_lister(request.user)
        queryset = self.scope_to_project(entity_views.entities_of_kind(CONCEPT), query_uuid(request, "project_id"))
        entity_id = query_uuid(request, "id")
        if entity_id is not None:
            queryset = queryset.filter(pk=entity_id)
        return Response(kind_services.concepts_with_tasks(queryset, viewer=request.user))


class ConceptDetailView(KindRouteView):
    """GET a concept with its tasks and link lists; DELETE it (canceled while it has tasks)."""

    kind = CONCEPT

    def get(self, request, entity_id):
        concept = self.readable(entity_id)
        return Response(kind_services.concept_detail(concept, person=self.vendor(), viewer=request.user))

    def delete(self, request, entity_id):
        return kind_delete(request, CONCEPT, entity_id)


# ---- versions and statistics -------------------------------------------------


class VersionsView(KindRouteView):
    """GET the versions of a shot or an edit, newest first."""

    def get(self, request, entity_id):
        entity = self.readable(entity_id)
        versions = EntityVersion.objects.filter(entity=entity).order_by("-created_at", "pk")
        label = f"{self.kind}Version"
        return Response([{**serialize_row(version), "type": label} for version in versions])


class ProjectEpisodeRetakeStatsView(ProjectView):
    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        person = request.user if is_vendor(request.user) else None
        return Response(kind_services.episode_retake_stats(project=project, person=person))


# ---- routes --------------------------------------------------------------

ID = r"(?P<entity_id>[^/]+)"
PROJECT = r"^projects/(?P<project_id>[^/]+)"


def kind_routes(collection, kind, detail_view):
    return [
        re_path(rf"^{collection}/{ID}/?$", detail_view.as_view()),
        re_path(rf"^{collection}/{ID}/tasks/?$", KindTasksView.as_view(kind=kind)),
        re_path(rf"^{collection}/{ID}/task-types/?$", KindTaskTypesView.as_view(kind=kind)),
    ]


urlpatterns = [
    re_path(rf"{PROJECT}/scenes/?$", ProjectScenesView.as_view()),
    re_path(rf"{PROJECT}/edits/?$", ProjectEditsView.as_view()),
    re_path(rf"{PROJECT}/concepts/?$", ProjectConceptsView.as_view()),
    re_path(rf"{PROJECT}/episodes/retake-stats/?$", ProjectEpisodeRetakeStatsView.as_view()),
    re_path(r"^scenes(?:/all)?/?$", SceneListView.as_view()),
    re_path(r"^scenes/with-tasks/?$", ScenesWithTasksView.as_view()),
    re_path(rf"^scenes/{ID}/shots/?$", SceneShotsView.as_view()),
    re_path(rf"^scenes/{ID}/shots/(?P<shot_id>[^/]+)/?$", SceneShotView.as_view()),
    re_path(r"^edits(?:/all)?/?$", EditListView.as_view()),
    re_path(r"^edits/with-tasks/?$", EditsWithTasksView.as_view()),
    re_path(rf"^edits/{ID}/versions/?$", VersionsView.as_view(kind=EDIT)),
    re_path(r"^episodes/(?P<episode_id>[^/]+)/edits/?$", EpisodeEditsView.as_view()),
    re_path(r"^episodes/(?P<episode_id>[^/]+)/edit-tasks/?$", EpisodeEditTasksView.as_view()),
    re_path(r"^concepts/?$", ConceptListView.as_view()),
    re_path(r"^concepts/with-tasks/?$", ConceptsWithTasksView.as_view()),
    re_path(rf"^shots/{ID}/versions/?$", VersionsView.as_view(kind="Shot")),
    *kind_routes("scenes", SCENE, SceneDetailView),
    *kind_routes("edits", EDIT, EditDetailView),
    *kind_routes("concepts", CONCEPT, ConceptDetailView),
]
action_urlpatterns = []
GENERIC_COLLECTIONS = []
