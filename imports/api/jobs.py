"""Import jobs, read only: `/api/data/import-jobs` and `/api/data/import-jobs/<id>`.

A client that sent an import which was queued follows it here. Admins see every
job, managers the jobs of the projects whose team they are in and their own
jobs, and everyone else only the jobs they started.
"""

from django.db.models import Q
from rest_framework import status
from rest_framework.response import Response

from imports.models import ImportJob
from kitsu_project.api.permissions import ADMIN, MANAGER
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet
from productions.models import ProjectPersonLink


def is_pending(job):
    return job.status in (ImportJob.STATUS_QUEUED, ImportJob.STATUS_RUNNING)


def pending_job_response(job):
    """Return 202 with the job of an import that a worker will run, which `/api/data/import-jobs/<id>` follows."""
    return Response(serialize_row(job), status=status.HTTP_202_ACCEPTED)


class ImportJobViewSet(KitsuModelViewSet):
    queryset = ImportJob.objects.all()
    serializer_class = serializer_for(ImportJob)
    http_method_names = ["get", "head", "options"]

    def visible_filter(self, user):
        """Return the filter of the jobs `user` may read, or None when every job is readable."""
        if user.role == ADMIN:
            return None
        own = Q(person=user)
        if user.role == MANAGER:
            team_projects = ProjectPersonLink.objects.filter(person=user).values("project_id")
            return own | Q(project_id__in=team_projects)
        return own

    def scope_queryset(self, queryset):
        visible = self.visible_filter(self.request.user)
        return queryset if visible is None else queryset.filter(visible)

    def has_row_access(self, user, row):
        visible = self.visible_filter(user)
        return visible is None or ImportJob.objects.filter(visible, pk=row.pk).exists()


GENERIC_COLLECTIONS = (("import-jobs", ImportJobViewSet, "import-job"),)
