"""Preview background routes: the generic /data/preview-background-files collection, the upload
and download of a background's HDR picture and of its thumbnail, and the backgrounds offered in a project.

Everyone reads backgrounds; admins create, upload, change and delete them; the
project's managers choose the backgrounds their project offers.
"""

from urllib.parse import quote

from django.urls import re_path
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kitsu_project.api.permissions import ADMIN, ALL_ROLES
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, MalformedId, parse_path_id, request_body
from kitsu_project.storage import EXTENSION_PATTERN, file_exists
from playlists.media.responses import stored_file_response
from playlists.models import PreviewBackgroundFile
from playlists.services import backgrounds as background_services
from playlists.services.thumbnails import avatar_path
from playlists.uploads import uploaded_file
from productions.api.projects import ProjectView, body_row, project_answer
from productions.api.task_common import NOT_ALLOWED

DUPLICATE_NAME = "A preview background file with similar name already exists"
CONTENT_TYPES = {"hdr": "image/vnd.radiance"}


def load_background(background_id):
    """Return the background with this path id; 404 when unknown or malformed, as the picture routes do."""
    try:
        parse_path_id(background_id)
    except MalformedId:
        raise NotFound(f"No preview background file has the id {background_id!r}.") from None
    background = PreviewBackgroundFile.objects.filter(pk=background_id).first()
    if background is None:
        raise NotFound(f"No preview background file has the id {background_id}.")
    return background


def inline_header(file_name):
    """Build a Content-Disposition header that shows the file in the browser, with an ASCII fallback name."""
    ascii_name = file_name.encode("ascii", "replace").decode("ascii").replace('"', "").replace("?", "_")
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


def check_admin(user):
    if user.role != ADMIN:
        raise PermissionDenied(NOT_ALLOWED)


# ---- generic /data/preview-background-files -------------------------------------------------


class PreviewBackgroundFileSerializer(serializer_for(PreviewBackgroundFile)):
    def validate_name(self, value):
        others = PreviewBackgroundFile.objects.filter(name__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(DUPLICATE_NAME)
        return value

    def validate_extension(self, value):
        if value in (None, ""):
            return value
        if value not in background_services.ALLOWED_EXTENSIONS:
            raise serializers.ValidationError(f"invalid extension {value!r}: preview backgrounds are hdr pictures.")
        instance = self.instance
        # The stored picture's key contains the extension, so it stays while a picture is stored.
        if instance is not None and instance.extension and value != instance.extension:
            if EXTENSION_PATTERN.match(instance.extension) and file_exists(
                background_services.background_key(instance.pk, instance.extension)
            ):
                raise serializers.ValidationError(
                    "the extension of a background whose picture is stored cannot change."
                )
        return value


class PreviewBackgroundFileViewSet(KitsuModelViewSet):
    """Every role reads backgrounds; admins write them. Only one background is the default at a time."""

    queryset = PreviewBackgroundFile.objects.all()
    serializer_class = PreviewBackgroundFileSerializer
    read_roles = ALL_ROLES

    def perform_create(self, serializer):
        super().perform_create(serializer)
        background_services.background_default_keep_one(background=serializer.instance)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        background_services.background_default_keep_one(background=serializer.instance)

    def delete_row(self, row, *, force):
        background_services.background_delete(background=row, user=self.request.user)


# ---- pictures ------------------------------------------------------------------------------------


class BackgroundUploadView(APIView):
    """POST the HDR picture of a background (admins), multipart under `file`; returns the updated row (201)."""

    permission_classes = [IsAuthenticated]

    def post(self, request, background_id):
        check_admin(request.user)
        background = load_background(background_id)
        upload = uploaded_file(request)
        background_services.background_file_store(background=background, upload=upload, user=request.user)
        return Response(serialize_row(background), status=status.HTTP_201_CREATED)


class BackgroundFileView(APIView):
    """GET the stored HDR picture of a background; the extension must be the stored one."""

    permission_classes = [IsAuthenticated]

    def get(self, request, background_id, extension):
        background = load_background(background_id)
        extension = extension.lower()
        missing = f"Preview background file {background.pk} has no {extension} picture."
        if background.extension != extension or not EXTENSION_PATTERN.match(extension):
            raise NotFound(missing)
        response = stored_file_response(
            request,
            background_services.background_key(background.pk, extension),
            content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
            missing=missing,
        )
        response["Content-Disposition"] = inline_header(f"{background.original_name or background.pk}.{extension}")
        return response


class BackgroundThumbnailView(APIView):
    """GET the PNG thumbnail of a background (everyone); POST a picture to replace it (admins).

    The upload of the HDR picture makes the thumbnail; a POST here may send any picture, or an HDR one.
    """

    permission_classes = [IsAuthenticated]

    def get(self, request, background_id):
        background = load_background(background_id)
        return stored_file_response(
            request,
            background_services.background_thumbnail_key(background.pk),
            content_type="image/png",
            missing=f"Preview background file {background.pk} has no thumbnail: upload its HDR picture first.",
        )

    def post(self, request, background_id):
        check_admin(request.user)
        background = load_background(background_id)
        upload = uploaded_file(request)
        background_services.background_thumbnail_set(background=background, upload=upload, user=request.user)
        path = avatar_path("preview-background-files", background.pk)
        return Response({"thumbnail_path": path}, status=status.HTTP_201_CREATED)


# ---- backgrounds of a project ----------------------------------------------------------------------


class ProjectBackgroundsView(ProjectView):
    """GET the backgrounds a project offers (its team); POST {preview_background_file_id} adds one (its managers)."""

    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        backgrounds = PreviewBackgroundFile.objects.filter(project_links__project=project).order_by("name", "pk")
        return Response([serialize_row(background) for background in backgrounds])

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        background = body_row(
            request_body(request),
            "preview_background_file_id",
            PreviewBackgroundFile.objects.all(),
            "preview background file",
            unknown_is_404=True,
        )
        background_services.project_background_add(project=project, background=background)
        project.refresh_from_db()
        return Response(project_answer(project), status=status.HTTP_201_CREATED)


class ProjectBackgroundView(ProjectView):
    """DELETE: the project stops offering a background (its managers); it also stops being its default."""

    def delete(self, request, project_id, background_id):
        project = self.managed_project(request, project_id)
        background_services.project_background_remove(project=project, background_id=parse_path_id(background_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


BACKGROUND = r"(?P<background_id>[^/.]+)"

urlpatterns = [
    re_path(r"^projects/(?P<project_id>[^/]+)/settings/preview-background-files/?$", ProjectBackgroundsView.as_view()),
    re_path(
        rf"^projects/(?P<project_id>[^/]+)/settings/preview-background-files/{BACKGROUND}/?$",
        ProjectBackgroundView.as_view(),
    ),
]

picture_urlpatterns = [
    re_path(rf"^preview-background-files/{BACKGROUND}/?$", BackgroundUploadView.as_view()),
    re_path(rf"^preview-background-files/{BACKGROUND}\.(?P<extension>[A-Za-z0-9]+)$", BackgroundFileView.as_view()),
    re_path(rf"^thumbnails/preview-background-files/{BACKGROUND}\.png$", BackgroundThumbnailView.as_view()),
]

GENERIC_COLLECTIONS = (("preview-background-files", PreviewBackgroundFileViewSet, "preview-background-file"),)
