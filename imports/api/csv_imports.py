"""CSV import routes: `POST /api/import/csv/persons` and, under `/api/import/csv/projects/<project_id>/`,
assets, shots, edits, casting and the estimations of a task type.

The sheet is sent as multipart form data under `file`. `?update=true` lets rows
overwrite the entities (or persons) they match, and `?strict=true` imports nothing when any
row is bad. Admins and the project's managers may import; only admins import persons.

Each upload becomes an import job. Without a Celery broker the job runs before
the response is sent: 201 with one serialized entity per row. When rows are bad, the good
rows are still imported (unless strict) and the response is 400 with the first
error's `message` and `line_number` (the file line, the header being line 1),
every error in `errors`, and the `job_id`. With a broker the response is 202 with
the queued job, which `GET /api/data/import-jobs/<id>` follows.
"""

from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from imports.api.jobs import is_pending, pending_job_response
from imports.models import ImportJob
from imports.services import csv_imports  # noqa: F401 (registers the CSV runners)
from imports.services.jobs import import_job_start
from kitsu_project.api.errors import error_body
from kitsu_project.api.permissions import ADMIN
from kitsu_project.api.viewsets import checked_flag, path_row
from playlists.uploads import client_name, uploaded_file
from productions.api.projects import ProjectView
from productions.models import Entity, TaskType


def job_response(job):
    """Build the response to an import job: its rows, its first error, or the queued job."""
    if is_pending(job):
        return pending_job_response(job)
    if job.errors:
        first = job.errors[0]
        extra = {"line_number": first["line"]} if first["line"] is not None else {}
        body = error_body(first["message"], **extra, errors=job.errors, job_id=str(job.pk))
        if not job.strict:
            body["imported_rows"] = len(job.result or [])
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if job.status == ImportJob.STATUS_FAILED:
        body = error_body(f"The import failed: {job.log.strip()}", job_id=str(job.pk))
        return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return Response(job.result or [], status=status.HTTP_201_CREATED)


class ProjectCsvImportView(ProjectView):
    """Base of the CSV imports into one project; `kind` names the registered runner."""

    kind = None

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        upload = uploaded_file(request)
        job = import_job_start(
            kind=self.kind,
            content=upload.read(),
            file_name=client_name(upload.name),
            person=request.user,
            project=project,
            strict=checked_flag(request.query_params, "strict", False),
            update_existing=checked_flag(request.query_params, "update", False),
        )
        return job_response(job)


class CastingCsvImportView(ProjectCsvImportView):
    kind = "csv-casting"


class EstimationsCsvImportView(ProjectView):
    """The estimations of one task type's tasks, for the whole project or one episode."""

    def post(self, request, project_id, task_type_id, episode_id=None):
        project = self.managed_project(request, project_id)
        task_type = path_row(TaskType.objects.all(), task_type_id, "task type")
        episode = None
        if episode_id is not None:
            episodes = Entity.objects.filter(project=project, entity_type__name="Episode")
            episode = path_row(episodes, episode_id, "episode")
        upload = uploaded_file(request)
        job = import_job_start(
            kind="csv-estimations",
            content=upload.read(),
            file_name=client_name(upload.name),
            person=request.user,
            project=project,
            episode=episode,
            task_type=task_type,
            strict=checked_flag(request.query_params, "strict", False),
        )
        return job_response(job)


class EditsCsvImportView(ProjectCsvImportView):
    kind = "csv-edits"


class PersonsCsvImportView(APIView):
    """Persons matched by e-mail; admins only."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        if request.user.role != ADMIN:
            raise PermissionDenied("You are not allowed to do this: only admins import persons.")
        upload = uploaded_file(request)
        job = import_job_start(
            kind="csv-persons",
            content=upload.read(),
            file_name=client_name(upload.name),
            person=request.user,
            strict=checked_flag(request.query_params, "strict", False),
            update_existing=checked_flag(request.query_params, "update", False),
        )
        return job_response(job)


class AssetsCsvImportView(ProjectCsvImportView):
    kind = "csv-assets"


class ShotsCsvImportView(ProjectCsvImportView):
    kind = "csv-shots"


PROJECT = r"^csv/projects/(?P<project_id>[^/]+)"
TASK_TYPE = r"/task-types/(?P<task_type_id>[^/]+)"

import_urlpatterns = [
    re_path(PROJECT + r"/assets/?$", AssetsCsvImportView.as_view(), name="import-csv-assets"),
    re_path(PROJECT + r"/shots/?$", ShotsCsvImportView.as_view(), name="import-csv-shots"),
    re_path(PROJECT + r"/edits/?$", EditsCsvImportView.as_view(), name="import-csv-edits"),
    re_path(r"^csv/persons/?$", PersonsCsvImportView.as_view(), name="import-csv-persons"),
    re_path(PROJECT + r"/casting/?$", CastingCsvImportView.as_view(), name="import-csv-casting"),
    re_path(PROJECT + TASK_TYPE + r"/estimations/?$", EstimationsCsvImportView.as_view()),
    re_path(
        PROJECT + r"/episodes/(?P<episode_id>[^/]+)" + TASK_TYPE + r"/estimations/?$",
        EstimationsCsvImportView.as_view(),
    ),
]
export_urlpatterns = []
urlpatterns = []
GENERIC_COLLECTIONS = ()
