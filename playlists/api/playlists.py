"""Playlist routes: the generic `/data/playlists` collection, a project's playlists, the review player's
playlist with its previews, temporary playlists, movie builds and their jobs, the zip of the previews
and the CSV export.

Access follows the reference, stricter where it leaks or lets anyone edit:
- reading: admins and the project's team; clients only the playlists marked
  `for_client`; vendors never (the generic list gives them no row);
- creating, editing and deleting: admins and the team's managers and supervisors
  (the reference lets artists and clients edit, and anyone delete);
- building a movie and deleting a build job: admins and the team's managers;
- reading a build job: those, plus the team's clients for a `for_client` playlist;
- downloading the built movie, the zip and the CSV: those, plus the team's supervisors;
- `/playlists/all` and `/build-jobs` of a project: admins.
"""

import csv
import io
import logging
import uuid
import zipfile

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kitsu_project.api.errors import error_body
from kitsu_project.api.pagination import check_page
from kitsu_project.api.permissions import ADMIN, ALL_ROLES, CLIENT, MANAGER, SUPERVISOR, VENDOR
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, path_row, query_flag, request_body
from kitsu_project.storage import open_file
from playlists.media.responses import CHUNK_SIZE, attachment_header, stored_file_response
from playlists.models import BuildJob, Playlist
from playlists.services import playlists as playlist_services
from productions.access import in_open_project_team, is_team_member
from productions.api.task_common import NOT_ALLOWED
from productions.models import Entity, Project, Task, TaskPersonLink
from productions.models.entity import base_entity_type

logger = logging.getLogger("playlists")

EDITOR_ROLES = frozenset({ADMIN, MANAGER, SUPERVISOR})
# The reference's page size of a project's playlists, whatever the request's `limit`.
PROJECT_PAGE_SIZE = 20
# The page size of `/playlists/all` with `page`, as the reference's generic pages.
ALL_PAGE_SIZE = 100
DESCENDING_SORTS = ("created_at", "updated_at")
SORTABLE_COLUMNS = ("name", "created_at", "updated_at", "for_client", "for_entity", "is_for_all", "episode_id")
# Pseudo episodes of the episode list: playlists without an episode, for the main pack or for all episodes.
MAIN_PACK = "main"
ALL_EPISODES = "all"
BUILD_NOT_FINISHED = "Build is not finished"
BUILD_FAILED = "The build failed, so it has no movie: its media job (/data/media-jobs) gives the reason."


# ---- access ---------------------------------------------------------------------


def deny(user, action, playlist_or_project_id):
    logger.warning("Person %s may not %s (playlist or project %s)", user.pk, action, playlist_or_project_id)
    raise PermissionDenied(NOT_ALLOWED)


def can_read_playlist(user, playlist):
    if user.role == ADMIN:
        return True
    if user.role == VENDOR or not is_team_member(user, playlist.project_id):
        return False
    return user.role != CLIENT or bool(playlist.for_client)


def can_edit_playlists(user, project_id):
    if user.role == ADMIN:
        return True
    return user.role in EDITOR_ROLES and is_team_member(user, project_id)


def check_project_playlists_read(user, project):
    """Admins and the team (vendors aside) read a project's playlists."""
    if user.role == ADMIN:
        return
    if user.role == VENDOR or not is_team_member(user, project.pk):
        deny(user, "read the playlists of project", project.pk)


def check_playlist_read(user, playlist):
    if not can_read_playlist(user, playlist):
        deny(user, "read playlist", playlist.pk)


def check_playlist_access(user, playlist, *, roles, shared_with_clients=False):
    """Allow admins and the team members whose role is in `roles`, else raise a 403.

    With `shared_with_clients`, the team's clients also pass for a `for_client` playlist.
    """
    if user.role == ADMIN:
        return
    allowed = user.role in roles or (user.role == CLIENT and shared_with_clients and bool(playlist.for_client))
    if not allowed or not is_team_member(user, playlist.project_id):
        deny(user, "use playlist", playlist.pk)


def check_admin(user):
    if user.role != ADMIN:
        logger.warning("Person %s denied an admin-only playlist route", user.pk)
        raise PermissionDenied("You are not allowed to do this: only admins may read this list.")


# ---- loading --------------------------------------------------------------------


def load_playlist(playlist_id, queryset=None):
    queryset = queryset if queryset is not None else Playlist.objects.all()
    return path_row(queryset.select_related("project", "episode"), playlist_id, "playlist")


def load_project(project_id):
    return path_row(Project.objects.all(), project_id, "project")


def load_build_job(playlist, build_job_id):
    return path_row(BuildJob.objects.filter(playlist=playlist), build_job_id, "build job of this playlist")


def page_number(request):
    """Return the `page` query value of a project's playlists: 1 when absent or below 1, a 400 when not a number."""
    raw = request.query_params.get("page")
    if raw in (None, ""):
        return 1
    try:
        page = int(raw)
    except ValueError:
        raise ValidationError({"page": [f"must be a whole number, got {raw!r}."]}) from None
    check_page("page", page)
    return max(page, 1)


def sort_ordering(request):
    """Return the ordering of `sort_by`: a column name, with dates newest first. Other values sort by `updated_at`."""
    sort_by = request.query_params.get("sort_by") or "updated_at"
    if sort_by not in SORTABLE_COLUMNS:
        sort_by = "updated_at"
    return (f"-{sort_by}" if sort_by in DESCENDING_SORTS else sort_by, "pk")


def filter_task_type(request, queryset):
    raw = request.query_params.get("task_type_id")
    if raw in (None, ""):
        return queryset
    try:
        task_type_id = uuid.UUID(raw)
    except ValueError:
        raise ValidationError({"task_type_id": [f"invalid id {raw!r}: expected a UUID."]}) from None
    return queryset.filter(task_type_id=task_type_id)


def project_page(request, queryset):
    """Return one page of 20 playlists in the order of `sort_by`, as list rows."""
    if request.user.role == CLIENT:
        queryset = queryset.filter(for_client=True)
    queryset = filter_task_type(request, queryset).order_by(*sort_ordering(request))
    offset = (page_number(request) - 1) * PROJECT_PAGE_SIZE
    return [playlist_services.playlist_list_row(row) for row in queryset[offset : offset + PROJECT_PAGE_SIZE]]


# ---- generic collection -------------------------------------------------------------


class PlaylistSerializer(serializer_for(Playlist)):
    """Serializer that checks a playlist's columns, its episode and its shot list against its project.

    The name's uniqueness is checked by the service, under the project's lock.
    """

    def get_validators(self):
        # The (name, project, episode) check is the service's, which names `name` in its error.
        return []

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = dict(data)
            # The web UI sends the pseudo episodes of its lists, which mean "no episode".
            if data.get("episode_id") in (MAIN_PACK, ALL_EPISODES, ""):
                data["episode_id"] = None
            if data.get("task_type_id") in ("", ALL_EPISODES):
                data["task_type_id"] = None
            if "for_entity" in data and data["for_entity"] in (None, ""):
                data["for_entity"] = "shot"
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance
        project = attrs.get("project", instance.project if instance else None)
        if project is None:
            raise ValidationError({"project_id": ["this field is required: send the id of the playlist's project."]})
        if instance is not None and "project" in attrs and attrs["project"] != instance.project:
            raise ValidationError({"project_id": ["a playlist cannot move to another project."]})

        episode = attrs.get("episode")
        if episode is not None:
            if base_entity_type(episode.entity_type.name) != "Episode":
                raise ValidationError({"episode_id": [f"the entity {episode.pk} is not an episode."]})
            if episode.project_id != project.pk:
                raise ValidationError({"episode_id": [f"the episode {episode.pk} belongs to another project."]})
        if "shots" in attrs:
            attrs["shots"] = playlist_services.shots_clean(project=project, shots=attrs["shots"])
        return attrs

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if self.context.get("view_action") == "retrieve":
            row["build_jobs"] = playlist_services.build_job_summaries(instance)
        return row


class PlaylistViewSet(KitsuModelViewSet):
    """`/data/playlists`: list (scoped to the caller's projects), create, read with `build_jobs`, edit, delete.

    Deleting a playlist also deletes its build jobs and their movies.
    """

    queryset = Playlist.objects.all()
    serializer_class = PlaylistSerializer
    read_roles = ALL_ROLES
    create_roles = EDITOR_ROLES
    update_roles = EDITOR_ROLES
    delete_roles = EDITOR_ROLES

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("build_jobs")
        return queryset

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role == ADMIN:
            return queryset
        if user.role == VENDOR:
            return queryset.none()
        queryset = queryset.filter(in_open_project_team(user))
        if user.role == CLIENT:
            queryset = queryset.filter(for_client=True)
        return queryset

    def has_row_access(self, user, row):
        if self.action == "retrieve":
            return can_read_playlist(user, row)
        return can_edit_playlists(user, row.project_id)

    def perform_create(self, serializer):
        project = serializer.validated_data["project"]
        if not can_edit_playlists(self.request.user, project.pk):
            deny(self.request.user, "create a playlist in project", project.pk)
        serializer.instance = playlist_services.playlist_create(
            values=serializer.validated_data, user=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = playlist_services.playlist_update(
            playlist=serializer.instance, changes=serializer.validated_data, user=self.request.user
        )

    def delete_row(self, row, *, force):
        playlist_services.playlist_delete(playlist=row, user=self.request.user)


# ---- a project's playlists -------------------------------------------------------------


class PlaylistView(APIView):
    permission_classes = [IsAuthenticated]


class ProjectPlaylistsView(PlaylistView):
    """GET a page of 20 playlists of a project (`page`, `sort_by`, `task_type_id`), without their shots."""

    def get(self, request, project_id):
        project = load_project(project_id)
        check_project_playlists_read(request.user, project)
        return Response(project_page(request, Playlist.objects.filter(project=project)))


class EpisodePlaylistsView(PlaylistView):
    """GET a page of 20 playlists of an episode; `main` lists the main pack's and `all` those for all episodes."""

    def get(self, request, project_id, episode_id):
        project = load_project(project_id)
        check_project_playlists_read(request.user, project)
        queryset = Playlist.objects.filter(project=project)
        if episode_id == MAIN_PACK:
            queryset = queryset.filter(episode__isnull=True).exclude(is_for_all=True)
        elif episode_id == ALL_EPISODES:
            queryset = queryset.filter(episode__isnull=True, is_for_all=True)
        else:
            episodes = Entity.objects.filter(project=project, entity_type__name="Episode")
            episode = path_row(episodes, episode_id, "episode of this project")
            queryset = queryset.filter(episode=episode)
        return Response(project_page(request, queryset))


class ProjectAllPlaylistsView(PlaylistView):
    """GET every playlist of a project with its shots and build job ids (admins); `page` returns pages of 100."""

    def get(self, request, project_id):
        check_admin(request.user)
        project = load_project(project_id)
        queryset = Playlist.objects.filter(project=project).prefetch_related("build_jobs")
        raw_page = request.query_params.get("page")
        if raw_page in (None, "") or raw_page.lstrip().startswith("-") or raw_page == "0":
            return Response([self.row(playlist) for playlist in queryset.order_by("name", "pk")])

        page = page_number(request)
        total = queryset.count()
        offset = (page - 1) * ALL_PAGE_SIZE
        rows = queryset.order_by("-updated_at", "-created_at", "pk")[offset : offset + ALL_PAGE_SIZE]
        return Response(
            {
                "data": [self.row(playlist) for playlist in rows],
                "total": total,
                "nb_pages": -(-total // ALL_PAGE_SIZE),
                "limit": ALL_PAGE_SIZE,
                "offset": offset,
                "page": page,
            }
        )

    @staticmethod
    def row(playlist):
        row = serialize_row(playlist)
        row["build_jobs"] = [str(job.pk) for job in playlist.build_jobs.all()]
        return row


class ProjectPlaylistView(PlaylistView):
    """GET one playlist of a project for the review player: each entry with its previews per task type."""

    def get(self, request, project_id, playlist_id):
        project = load_project(project_id)
        check_project_playlists_read(request.user, project)
        playlist = load_playlist(playlist_id, Playlist.objects.filter(project=project).prefetch_related("build_jobs"))
        check_playlist_read(request.user, playlist)
        return Response(playlist_services.playlist_with_previews(playlist))


class TempPlaylistView(PlaylistView):
    """POST {task_ids} returns playlist entries made from tasks of the project, stored nowhere (`sort=true` sorts)."""

    def post(self, request, project_id):
        project = load_project(project_id)
        user = request.user
        if user.role != ADMIN and not is_team_member(user, project.pk):
            deny(user, "read the previews of project", project.pk)
        task_ids = body_task_ids(request_body(request))
        tasks = load_project_tasks(project, task_ids)
        if user.role == VENDOR:
            assigned = set(TaskPersonLink.objects.filter(person=user, task__in=tasks).values_list("task_id", flat=True))
            if any(task.pk not in assigned for task in tasks):
                deny(user, "read tasks not assigned to them in project", project.pk)
        entries = playlist_services.temp_playlist(project=project, tasks=tasks, sort=query_flag(request, "sort"))
        return Response(entries)


def body_task_ids(data):
    value = data.get("task_ids", [])
    if not isinstance(value, list):
        raise ValidationError({"task_ids": ["must be a list of task ids."]})
    ids = []
    for item in value:
        try:
            ids.append(uuid.UUID(str(item)))
        except (ValueError, AttributeError, TypeError):
            raise ValidationError({"task_ids": [f"invalid id {item!r}: expected a UUID."]}) from None
    return ids


def load_project_tasks(project, task_ids):
    """Return the tasks in the order of `task_ids`: 404 for an unknown id, 400 for a task of another project."""
    queryset = Task.objects.select_related("entity__entity_type", "entity__parent")
    tasks = queryset.in_bulk(task_ids)
    ordered = []
    for task_id in task_ids:
        task = tasks.get(task_id)
        if task is None:
            raise NotFound(f"No task has the id {task_id}.")
        if task.project_id != project.pk:
            raise ValidationError({"task_ids": [f"the task {task_id} belongs to another project."]})
        ordered.append(task)
    return ordered


# ---- builds ------------------------------------------------------------------------


def build_job_row(build_job):
    """Return a build job's columns, plus the `progress` and `error` of its media job."""
    row = serialize_row(build_job)
    media_job = build_job.media_jobs.order_by("-created_at").first()
    row["progress"] = media_job.progress if media_job is not None else 0
    row["error"] = media_job.error if media_job is not None else ""
    return row


class BuildPlaylistMovieView(PlaylistView):
    """GET starts a build of the playlist into one mp4 and returns the running build job (managers).

    `full` is accepted for the reference's clients. Every build encodes each part to
    the project's resolution and frame rate, which is what the reference's `full`
    mode does, so both values make the same movie.
    """

    def get(self, request, playlist_id):
        playlist = load_playlist(playlist_id)
        check_playlist_access(request.user, playlist, roles={MANAGER})
        build_job = playlist_services.build_job_start(
            playlist=playlist, user=request.user, full=query_flag(request, "full")
        )
        return Response(serialize_row(build_job))


class BuildJobView(PlaylistView):
    """GET one build job of a playlist; DELETE it with its movie (managers)."""

    def get(self, request, playlist_id, build_job_id):
        playlist = load_playlist(playlist_id)
        check_playlist_access(request.user, playlist, roles={MANAGER}, shared_with_clients=True)
        return Response(build_job_row(load_build_job(playlist, build_job_id)))

    def delete(self, request, playlist_id, build_job_id):
        playlist = load_playlist(playlist_id)
        check_playlist_access(request.user, playlist, roles={MANAGER})
        build_job = load_build_job(playlist, build_job_id)
        playlist_services.build_job_delete(build_job=build_job, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BuildJobMovieView(PlaylistView):
    """GET the movie of a finished build (video/mp4, byte ranges supported); 400 while it is not finished."""

    def get(self, request, playlist_id, build_job_id):
        playlist = load_playlist(playlist_id)
        check_playlist_access(request.user, playlist, roles={MANAGER, SUPERVISOR}, shared_with_clients=True)
        build_job = load_build_job(playlist, build_job_id)
        if build_job.status == BuildJob.STATUS_FAILED:
            return Response(error_body(BUILD_FAILED), status=status.HTTP_400_BAD_REQUEST)
        if build_job.status != BuildJob.STATUS_SUCCEEDED:
            return Response(error_body(BUILD_NOT_FINISHED), status=status.HTTP_400_BAD_REQUEST)
        return stored_file_response(
            request,
            playlist_services.build_key(build_job.pk),
            content_type="video/mp4",
            download_name=playlist_services.build_download_name(playlist, build_job),
            missing=f"The movie of build job {build_job.pk} is missing from the file storage: build it again.",
        )


class ProjectBuildJobsView(PlaylistView):
    """GET every build job of a project's playlists (admins)."""

    def get(self, request, project_id):
        check_admin(request.user)
        project = load_project(project_id)
        jobs = BuildJob.objects.filter(playlist__project=project).order_by("created_at")
        return Response([serialize_row(job) for job in jobs])


# ---- zip and CSV ----------------------------------------------------------------------


class ZipStream:
    """A write-only file for `zipfile` whose bytes are handed out as they come, so the archive streams."""

    def __init__(self):
        self.buffer = bytearray()
        self.position = 0

    def write(self, data):
        self.buffer += data
        self.position += len(data)
        return len(data)

    def tell(self):
        return self.position

    def flush(self):
        pass

    def take(self):
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def zip_chunks(members, playlist_id):
    """Yield the bytes of a zip of the stored files `members` [(name, key)]; a missing file is left out and logged."""
    stream = ZipStream()
    # Previews are already compressed (mp4, png, jpg), so the files are stored as they are.
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, key in members:
            try:
                source = open_file(key)
            except FileNotFoundError:
                logger.warning("Zip of playlist %s: %s is left out, its file %s is missing", playlist_id, name, key)
                continue
            with source, archive.open(name, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK_SIZE):
                    target.write(chunk)
                    yield stream.take()
            yield stream.take()
    yield stream.take()


class PlaylistZipView(PlaylistView):
    """GET a zip of the files of every chosen revision, named after the entities, task types and revisions."""

    def get(self, request, playlist_id):
        playlist = load_playlist(playlist_id)
        check_playlist_access(request.user, playlist, roles={MANAGER, SUPERVISOR}, shared_with_clients=True)
        members = playlist_services.zip_members(playlist)
        response = StreamingHttpResponse(zip_chunks(members, playlist.pk), content_type="application/zip")
        response["Content-Disposition"] = attachment_header(playlist_services.zip_download_name(playlist))
        return response


class PlaylistCsvView(PlaylistView):
    """GET the playlist as a `;`-separated CSV: a title line, then one row per entry with its task's state."""

    def get(self, request, playlist_id):
        playlist = load_playlist(playlist_id)
        check_playlist_access(request.user, playlist, roles={MANAGER, SUPERVISOR}, shared_with_clients=True)
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows(playlist_services.playlist_csv_rows(playlist, user=request.user))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = attachment_header(playlist_services.csv_file_name(playlist))
        return response


PROJECT = r"(?P<project_id>[^/]+)"
PLAYLIST = r"(?P<playlist_id>[^/]+)"
BUILD_JOB = r"(?P<build_job_id>[^/]+)"

urlpatterns = [
    re_path(rf"^playlists/{PLAYLIST}/build/mp4/?$", BuildPlaylistMovieView.as_view()),
    re_path(rf"^playlists/{PLAYLIST}/download/zip/?$", PlaylistZipView.as_view()),
    re_path(rf"^playlists/{PLAYLIST}/jobs/{BUILD_JOB}/build/mp4/?$", BuildJobMovieView.as_view()),
    re_path(rf"^playlists/{PLAYLIST}/jobs/{BUILD_JOB}/?$", BuildJobView.as_view()),
    re_path(rf"^projects/{PROJECT}/build-jobs/?$", ProjectBuildJobsView.as_view()),
    re_path(rf"^projects/{PROJECT}/playlists/?$", ProjectPlaylistsView.as_view()),
    re_path(rf"^projects/{PROJECT}/playlists/all/?$", ProjectAllPlaylistsView.as_view()),
    re_path(rf"^projects/{PROJECT}/playlists/temp/?$", TempPlaylistView.as_view()),
    re_path(rf"^projects/{PROJECT}/playlists/{PLAYLIST}/?$", ProjectPlaylistView.as_view()),
    re_path(rf"^projects/{PROJECT}/episodes/(?P<episode_id>[^/]+)/playlists/?$", EpisodePlaylistsView.as_view()),
]
action_urlpatterns = []
picture_urlpatterns = []
movie_urlpatterns = []
export_urlpatterns = [
    re_path(rf"^csv/playlists/{PLAYLIST}/?$", PlaylistCsvView.as_view()),
]
GENERIC_COLLECTIONS = (("playlists", PlaylistViewSet, "playlist"),)
