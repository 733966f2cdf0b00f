"""Kitsu-to-Kitsu import routes: `/import/kitsu/{projects,entities,tasks,comments,entity-links}`.

The body is a JSON list of rows read from another Kitsu server. The route returns
`200` with the imported rows, serialized. Rows of projects the caller does not
manage are skipped, as the reference skips them; only admins import projects.
Unlike the reference, an invalid row is a 400 naming the row and the field, and
nothing of that import is written.
"""

import json

from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from imports.api.jobs import is_pending, pending_job_response
from imports.models import ImportJob
from imports.services.jobs import import_job_start
from imports.services.kitsu import RESOURCES
from kitsu_project.api.errors import error_body
from kitsu_project.api.permissions import ADMIN, MANAGER

MANAGERS_ONLY = "You are not allowed to do this: only admins and managers import Kitsu rows."
ADMINS_ONLY = "You are not allowed to do this: only admins import Kitsu projects."


class KitsuImportView(APIView):
    permission_classes = [IsAuthenticated]
    resource = None

    def post(self, request):
        allowed = (ADMIN,) if self.resource == "projects" else (ADMIN, MANAGER)
        if request.user.role not in allowed:
            raise PermissionDenied(ADMINS_ONLY if self.resource == "projects" else MANAGERS_ONLY)
        rows = request.data
        if not isinstance(rows, list):
            raise ValidationError({"non_field_errors": ["expected a JSON list of rows."]})
        job = import_job_start(
            kind="kitsu",
            content=json.dumps(rows).encode(),
            file_name=f"{self.resource}.json",
            person=request.user,
            strict=True,
            options={"resource": self.resource},
        )
        if is_pending(job):
            return pending_job_response(job)
        if job.status == ImportJob.STATUS_SUCCEEDED:
            return Response(job.result, status=status.HTTP_200_OK)
        message = job.errors[0]["message"] if job.errors else job.log.strip()
        return Response(error_body(message, errors=job.errors), status=status.HTTP_400_BAD_REQUEST)


import_urlpatterns = [
    re_path(rf"^kitsu/{resource}/?$", KitsuImportView.as_view(resource=resource)) for resource in RESOURCES
]
export_urlpatterns = []
urlpatterns = []
GENERIC_COLLECTIONS = ()
