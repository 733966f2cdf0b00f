"""ShotGrid migration routes: `/import/shotgun/<kind>`, `/import/shotgun/remove/<kind>` and the import errors.

Only admins use these routes. An import returns 200 with the imported rows, as
the reference does. The records it could not import are listed by
`GET /import/shotgun/errors`. With `?strict=true` (a parameter the reference does
not list), one bad record means that nothing is imported: the response is a 400
with the first error's `message`, every error in `errors`, and the `job_id`, and
no `DataImportError` row is kept (the job row keeps the errors). The reference
lets any logged-in person call the remove and error routes; here they are for
admins too, since they delete rows.
"""

import json

from django.db.models import ProtectedError
from django.urls import path
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Person
from imports.api.jobs import is_pending, pending_job_response
from imports.models import DataImportError, ImportJob
from imports.services import shotgun as shotgun_services
from imports.services.jobs import import_job_start
from kitsu_project.api.errors import error_body
from kitsu_project.api.permissions import IsAdmin
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import checked_flag, path_row, request_body
from playlists.models import PreviewFile
from productions.models import Comment, Entity, Project, ProjectPersonLink, Task, TaskStatus, TaskType
from productions.models.entity import TEMPORAL_ENTITY_TYPES as NOT_ASSETS
from productions.services.entities import entity_delete
from productions.services.projects import project_delete
from productions.services.tasks import task_delete


class ShotgunView(APIView):
    permission_classes = [IsAdmin]


class ShotgunImportView(ShotgunView):
    kind = None

    def post(self, request):
        strict = checked_flag(request.query_params, "strict", False)
        if not isinstance(request.data, list):
            raise ValidationError({"body": ["expected a JSON list of ShotGrid records."]})
        job = import_job_start(
            kind=shotgun_services.KIND_PREFIX + self.kind,
            content=json.dumps(request.data).encode(),
            file_name=f"shotgun-{self.kind}.json",
            person=request.user,
            strict=strict,
        )
        if is_pending(job):
            return pending_job_response(job)
        if job.strict and job.errors:
            # The job service rolled back the whole import, the DataImportError rows of the bad records included.
            body = error_body(job.errors[0]["message"], errors=job.errors, job_id=str(job.pk))
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        if job.strict and job.status == ImportJob.STATUS_FAILED:
            body = error_body(f"The import failed: {job.log.strip()}", job_id=str(job.pk))
            return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        return Response(job.result or [], status=status.HTTP_200_OK)


def remove_entity(row):
    entity_delete(entity=row, force=True)


def remove_task(row):
    task_delete(task=row, force=True)


def remove_project(row):
    project_delete(project=row, force=True)


def remove_plain(row):
    row.delete()


def entity_rows(type_name):
    return lambda: Entity.objects.filter(entity_type__name=type_name)


def asset_rows():
    return Entity.objects.exclude(entity_type__name__in=NOT_ASSETS)


REMOVALS = {
    "project": (Project.objects.all, remove_project),
    "person": (Person.objects.all, remove_plain),
    "step": (TaskType.objects.all, remove_plain),
    "status": (TaskStatus.objects.all, remove_plain),
    "episode": (entity_rows("Episode"), remove_entity),
    "sequence": (entity_rows("Sequence"), remove_entity),
    "scene": (entity_rows("Scene"), remove_entity),
    "shot": (entity_rows("Shot"), remove_entity),
    "asset": (
        lambda: Entity.objects.exclude(
            entity_type__name__in=("Episode", "Sequence", "Scene", "Shot", "Edit", "Concept")
        ),
        remove_entity,
    ),
    "task": (Task.objects.all, remove_task),
    "version": (PreviewFile.objects.all, remove_plain),
    "note": (Comment.objects.all, remove_plain),
    "projectconnection": (ProjectPersonLink.objects.all, remove_plain),
}


class ShotgunRemoveView(ShotgunView):
    kind = None

    def post(self, request):
        sg_id = request_body(request).get("id")
        if isinstance(sg_id, bool) or not isinstance(sg_id, int):
            raise ValidationError({"id": [f"expected the integer ShotGrid id of the {self.kind}, got {sg_id!r}."]})
        rows, remove = REMOVALS[self.kind]
        row = rows().filter(shotgun_id=sg_id).first()
        if row is None:
            return Response({"success": True})
        row_id = str(row.pk)
        try:
            remove(row)
        except ProtectedError:
            raise ValidationError(
                {"id": [f"the {self.kind} with ShotGrid id {sg_id} is still used by other rows: it was kept."]}
            ) from None
        return Response({"removed_instance_id": row_id, "success": True})


class ShotgunErrorsView(ShotgunView):
    def get(self, request):
        rows = DataImportError.objects.filter(source="shotgun")
        return Response([serialize_row(row) for row in rows])

    def post(self, request):
        row = DataImportError.objects.create(source="shotgun", event_data=request.data)
        return Response(serialize_row(row), status=status.HTTP_201_CREATED)


class ShotgunErrorView(ShotgunView):
    def delete(self, request, error_id):
        row = path_row(DataImportError.objects.filter(source="shotgun"), error_id, "import error")
        row.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


import_urlpatterns = [
    path("shotgun/errors", ShotgunErrorsView.as_view()),
    path("shotgun/errors/<str:error_id>", ShotgunErrorView.as_view()),
]
import_urlpatterns += [path(f"shotgun/{kind}", ShotgunImportView.as_view(kind=kind)) for kind in shotgun_services.KINDS]
import_urlpatterns += [path(f"shotgun/remove/{kind}", ShotgunRemoveView.as_view(kind=kind)) for kind in REMOVALS]
export_urlpatterns = []
urlpatterns = []
GENERIC_COLLECTIONS = ()
