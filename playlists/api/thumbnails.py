"""Avatar and thumbnail routes of persons, of the organisation and of projects (`/pictures/thumbnails/...`).

GET returns the stored 400x400 PNG (404 while there is none); POST stores a new
one from a multipart upload under `file` and returns its path. A person changes
their own avatar (admins change anyone's); admins change the organisation's logo
and the projects' thumbnails.
"""

from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation, Person
from kitsu_project.api.permissions import ADMIN, STAFF_ROLES
from kitsu_project.api.viewsets import MalformedId, parse_path_id
from playlists.media.responses import stored_file_response
from playlists.services import thumbnails as thumbnail_services
from playlists.uploads import uploaded_file
from productions.access import is_team_member
from productions.api.task_common import NOT_ALLOWED
from productions.models import Project

NOT_SELF = "You are not allowed to do this: only the person themself or an admin may change an avatar."


class ThumbnailView(APIView):
    """Base of the thumbnail routes of one kind of row; subclasses set `kind`, `model` and `label`."""

    permission_classes = [IsAuthenticated]
    kind = None
    model = None
    label = None

    def load_row(self, instance_id):
        """Return the row with this path id; 404 when unknown or malformed, as the reference's picture routes do."""
        try:
            parse_path_id(instance_id)
        except MalformedId:
            raise NotFound(f"No {self.label} has the id {instance_id!r}.") from None
        row = self.model.objects.filter(pk=instance_id).first()
        if row is None:
            raise NotFound(f"No {self.label} has the id {instance_id}.")
        return row

    def check_read(self, user, row):
        """Allow every signed-in person; subclasses raise PermissionDenied to restrict reads."""

    def check_upload(self, user, row):
        if user.role != ADMIN:
            raise PermissionDenied(NOT_ALLOWED)

    def get(self, request, instance_id):
        row = self.load_row(instance_id)
        self.check_read(request.user, row)
        missing = f"The {self.label} {row.pk} has no thumbnail."
        if not row.has_avatar:
            raise NotFound(missing)
        key = thumbnail_services.avatar_key(self.kind, row.pk)
        return stored_file_response(request, key, content_type="image/png", missing=missing)

    def post(self, request, instance_id):
        row = self.load_row(instance_id)
        self.check_upload(request.user, row)
        picture = thumbnail_services.avatar_picture(uploaded_file(request))
        thumbnail_services.avatar_set(kind=self.kind, row=row, picture=picture, user=request.user)
        path = thumbnail_services.avatar_path(self.kind, row.pk)
        return Response({"thumbnail_path": path}, status=status.HTTP_201_CREATED)


class PersonThumbnailView(ThumbnailView):
    kind = "persons"
    model = Person
    label = "person"

    def check_upload(self, user, row):
        if user.role != ADMIN and user.pk != row.pk:
            raise PermissionDenied(NOT_SELF)


class OrganisationThumbnailView(ThumbnailView):
    kind = "organisations"
    model = Organisation
    label = "organisation"


class ProjectThumbnailView(ThumbnailView):
    """Admins and managers read any project's thumbnail; the other roles those of their teams."""

    kind = "projects"
    model = Project
    label = "project"

    def check_read(self, user, row):
        if user.role not in STAFF_ROLES and not is_team_member(user, row.pk):
            raise PermissionDenied("You are not allowed to do this: you are not in the project's team.")


def thumbnail_pattern(kind, view):
    return re_path(rf"^thumbnails/{kind}/(?P<instance_id>[^/.]+)(?:\.png)?/?$", view.as_view())


picture_urlpatterns = [
    thumbnail_pattern("persons", PersonThumbnailView),
    thumbnail_pattern("organisations", OrganisationThumbnailView),
    thumbnail_pattern("projects", ProjectThumbnailView),
]
