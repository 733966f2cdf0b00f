"""`/export/csv/*`: `;`-separated CSV downloads of studio lists and of a project's entities.

Admins and managers download the studio-wide exports. A project's exports
(assets, shots, edits, casting) are for admins and the project's team, vendors
excepted. The file is streamed as it is read from the database. The playlist
export lives with the playlists.
"""

import uuid

from django.http import StreamingHttpResponse
from django.urls import re_path
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from imports.services import csv_exports
from kitsu_project.api.permissions import ADMIN, CLIENT, STAFF_ROLES, VENDOR
from kitsu_project.api.viewsets import path_row, query_flag, query_uuid
from playlists.media.responses import attachment_header
from productions.access import is_team_member
from productions.models import Entity, Project

# `episode_id` values of the asset and casting exports that are not episode ids.
EPISODE_KEYWORDS = ("main", "all")


def csv_response(rows, file_name):
    response = StreamingHttpResponse(csv_exports.csv_lines(rows), content_type="text/csv")
    response["Content-Disposition"] = attachment_header(file_name)
    return response


def check_staff(user):
    if user.role not in STAFF_ROLES:
        raise PermissionDenied("Only admins and managers may export this list.")


def load_project_for_export(request, project_id):
    """Return the project of the path: 400 when the id is malformed, 404 when unknown, 403 outside its team."""
    project = path_row(Project.objects.all(), project_id, "project")
    user = request.user
    if user.role == VENDOR:
        raise PermissionDenied("Vendors may not export a project's lists.")
    if user.role != ADMIN and not is_team_member(user, project.pk):
        raise PermissionDenied("Only admins and the project's team may export its lists.")
    return project


def is_client(request):
    """Return True when the caller is a client, who gets only the metadata columns shared with clients.

    Kitsu 0.20.73 exports every metadata column to clients as well.
    """
    return request.user.role == CLIENT


def episode_filter(request, project):
    """Return the `episode_id` query value: None, `main`, `all` or the id of an episode of this project."""
    raw = request.query_params.get("episode_id")
    if raw in (None, ""):
        return None
    if raw in EPISODE_KEYWORDS:
        return raw
    try:
        episode_id = uuid.UUID(raw)
    except ValueError:
        raise ValidationError({"episode_id": [f"invalid id {raw!r}: expected a UUID, 'main' or 'all'."]}) from None
    if not Entity.objects.filter(pk=episode_id, project=project, entity_type__name="Episode").exists():
        raise NotFound(f"No episode of this project has the id {raw}.")
    return episode_id


def project_filter(request):
    """Return the project of the optional `project_id` query parameter (400 when malformed, 404 when unknown)."""
    project_id = query_uuid(request, "project_id")
    if project_id is None:
        return None
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise NotFound(f"No project has the id {project_id}.")
    return project


class CsvExportView(APIView):
    permission_classes = [IsAuthenticated]


class PersonsCsvView(CsvExportView):
    """GET the people (bots excepted) sorted by last and first name."""

    def get(self, request):
        check_staff(request.user)
        return csv_response(csv_exports.persons_csv_rows(), csv_exports.csv_file_name("people export"))


class ProjectsCsvView(CsvExportView):
    """GET the projects with their status, sorted by name."""

    def get(self, request):
        check_staff(request.user)
        return csv_response(csv_exports.projects_csv_rows(), csv_exports.csv_file_name("export"))


class TaskTypesCsvView(CsvExportView):
    """GET the task types with their department."""

    def get(self, request):
        check_staff(request.user)
        return csv_response(csv_exports.task_types_csv_rows(), csv_exports.csv_file_name("export"))


class TasksCsvView(CsvExportView):
    """GET the tasks of the open projects, or of the project `project_id` only."""

    def get(self, request):
        check_staff(request.user)
        project = project_filter(request)
        rows = csv_exports.tasks_csv_rows(project=project)
        return csv_response(rows, csv_exports.csv_file_name("tasks export"))


class TimeSpentsCsvView(CsvExportView):
    """GET the time spent on the tasks of the open projects, or of the project `project_id` only."""

    def get(self, request):
        check_staff(request.user)
        project = project_filter(request)
        rows = csv_exports.time_spents_csv_rows(project=project)
        return csv_response(rows, csv_exports.time_spents_file_name(request.user))


class AssetsCsvView(CsvExportView):
    """GET the project's assets with metadata and task columns, filtered by `episode_id` (an id, `main` or `all`)."""

    def get(self, request, project_id):
        project = load_project_for_export(request, project_id)
        rows = csv_exports.assets_csv_rows(
            project=project, episode_id=episode_filter(request, project), for_client=is_client(request)
        )
        return csv_response(rows, csv_exports.csv_file_name(f"{project.name} assets"))


class ShotsCsvView(CsvExportView):
    """GET the project's shots with frames, metadata and task columns, filtered by `episode_id`."""

    def get(self, request, project_id):
        project = load_project_for_export(request, project_id)
        episode_id = episode_filter(request, project)
        if episode_id == "main":
            raise ValidationError({"episode_id": ["'main' applies to assets only: give an episode id or 'all'."]})
        rows = csv_exports.shots_csv_rows(project=project, episode_id=episode_id, for_client=is_client(request))
        return csv_response(rows, csv_exports.csv_file_name(f"{project.name} shots"))


class EditsCsvView(CsvExportView):
    """GET the project's edits with metadata and task columns."""

    def get(self, request, project_id):
        project = load_project_for_export(request, project_id)
        rows = csv_exports.edits_csv_rows(project=project, for_client=is_client(request))
        return csv_response(rows, csv_exports.csv_file_name(f"{project.name} edits"))


class CastingCsvView(CsvExportView):
    """GET the project's asset casting, or its shot casting with `is_shot_casting=true`, filtered by `episode_id`."""

    def get(self, request, project_id):
        project = load_project_for_export(request, project_id)
        rows = csv_exports.casting_csv_rows(
            project=project,
            episode_id=episode_filter(request, project),
            is_shot_casting=query_flag(request, "is_shot_casting"),
        )
        return csv_response(rows, csv_exports.csv_file_name(f"{project.name} casting"))


PROJECT = r"(?P<project_id>[^/]+)"

import_urlpatterns = []
export_urlpatterns = [
    re_path(r"^csv/persons\.csv$", PersonsCsvView.as_view()),
    re_path(r"^csv/projects\.csv$", ProjectsCsvView.as_view()),
    re_path(r"^csv/task-types\.csv$", TaskTypesCsvView.as_view()),
    re_path(r"^csv/tasks\.csv$", TasksCsvView.as_view()),
    re_path(r"^csv/time-spents\.csv$", TimeSpentsCsvView.as_view()),
    re_path(rf"^csv/projects/{PROJECT}/assets\.csv$", AssetsCsvView.as_view()),
    re_path(rf"^csv/projects/{PROJECT}/shots\.csv$", ShotsCsvView.as_view()),
    re_path(rf"^csv/projects/{PROJECT}/edits\.csv$", EditsCsvView.as_view()),
    re_path(rf"^csv/projects/{PROJECT}/casting\.csv$", CastingCsvView.as_view()),
]
urlpatterns = []
GENERIC_COLLECTIONS = ()
