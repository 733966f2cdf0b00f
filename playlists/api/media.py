"""Preview file media routes: upload a revision's file, read its pictures and movies, extract frames and tiles.

- `POST /pictures/preview-files/<id>`: the upload (multipart `file`), for those
  who may comment on the task; `?normalize=false` keeps a movie's encoding.
- `GET /pictures/<size>/preview-files/<id>.png`, `/pictures/originals/...`,
  `/movies/originals|low|tiles/...`: the stored files, for readers of the task.
  Byte ranges (`Range` headers) get 206 or 416.
- `GET /actions/preview-files/<id>/extract-frame|extract-tile`: PNGs cut from
  the movie.
- `/data/media-jobs`: the processing jobs, read-only.
"""

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.urls import re_path
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from kitsu_project.api.errors import validation_message
from kitsu_project.api.permissions import ADMIN, VENDOR
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet
from kitsu_project.storage import file_exists
from playlists.access import check_preview_read, check_preview_upload, load_preview_file
from playlists.media import keys
from playlists.media.pictures import MediaError
from playlists.media.responses import content_type_of, stored_file_response
from playlists.models import MediaJob, PreviewFile
from playlists.services.preview_processing import extract_frame_picture, extract_tile_picture
from playlists.services.preview_uploads import preview_upload, preview_upload_reject
from playlists.uploads import UploadTooLarge, uploaded_file
from productions.access import in_team, is_project_manager
from productions.api.task_common import NOT_ALLOWED
from productions.models import Entity, TaskPersonLink
from productions.services.notifications import entity_full_name

logger = logging.getLogger("playlists")

FALSE_STRINGS = {"false", "0", "no"}


def missing_file(preview, what):
    return f"The preview file {preview.pk} has no {what}."


def preview_download_name(preview):
    """Build the file name of a download: `<project>_<entity>_<task type>_v<revision>.<extension>`.

    The organisation's `use_original_file_name` setting uses the uploaded name
    instead. A second preview of a revision (`position` 2 or more) gets `-<position>`.
    """
    extension = "mp4" if preview.is_movie else preview.extension
    organisation = Organisation.objects.only("use_original_file_name").first()
    if organisation is not None and organisation.use_original_file_name and preview.original_name:
        name = preview.original_name
    elif preview.task is not None:
        task = preview.task
        entity = Entity.objects.select_related("entity_type", "parent__parent").get(pk=task.entity_id)
        entity_name, _ = entity_full_name(entity)
        parts = [task.project.name, entity_name, task.task_type.name, f"v{preview.revision}"]
        name = "_".join(slugify(part).replace("-", "_") for part in parts if part)
    else:
        name = f"preview_v{preview.revision}"
    if (preview.position or 0) > 1:
        name = f"{name}-{preview.position}"
    return f"{name}.{extension}"


def readable_preview(request, preview_file_id):
    preview = load_preview_file(preview_file_id, PreviewFile.objects.select_related("task__project", "task__task_type"))
    check_preview_read(request.user, preview)
    return preview


# ---- upload --------------------------------------------------------------------


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class PreviewFileUploadView(APIView):
    """POST the file of a preview revision; 201 with the preview, `processing` while a movie waits for a worker.

    The view manages its own transactions, so that a movie job queued on commit
    runs (inline without a broker) before the response is written.
    """

    permission_classes = [IsAuthenticated]

    def post(self, request, preview_file_id):
        preview = load_preview_file(preview_file_id)
        check_preview_upload(request.user, preview)
        normalize = request.query_params.get("normalize", "true").strip().lower() not in FALSE_STRINGS
        try:
            upload = uploaded_file(request)
            preview = preview_upload(preview=preview, upload=upload, user=request.user, normalize=normalize)
        except (ValidationError, UploadTooLarge) as error:
            preview_upload_reject(preview=preview, reason=validation_message(error.detail), user=request.user)
            raise
        return Response(serialize_row(preview), status=status.HTTP_201_CREATED)

    def handle_exception(self, exc):
        # DRF's error handler marks the innermost atomic block for rollback. This view has none of
        # its own, so give the handler an empty one rather than let it mark an enclosing transaction.
        with transaction.atomic():
            return super().handle_exception(exc)


# ---- pictures ------------------------------------------------------------------------


class PreviewPictureView(APIView):
    """GET one PNG size of a preview: `thumbnails`, `thumbnails-square` or `previews`."""

    permission_classes = [IsAuthenticated]

    def get(self, request, size, preview_file_id):
        preview = readable_preview(request, preview_file_id)
        return stored_file_response(
            request,
            keys.picture_key(preview, size),
            content_type="image/png",
            missing=missing_file(preview, f"{size} picture"),
        )


class PreviewOriginalView(APIView):
    """GET the original file of a preview under its own extension, or the first frame of a movie as `.png`.

    Another extension is a 404.
    """

    permission_classes = [IsAuthenticated]

    def get(self, request, preview_file_id, extension):
        preview = readable_preview(request, preview_file_id)
        extension = extension.lower()
        own_extension = "mp4" if preview.is_movie else (preview.extension or "")
        if preview.is_movie and extension == "png":
            key = keys.movie_cover_key(preview)
        elif extension == own_extension:
            key = keys.original_key(preview, extension)
        else:
            raise NotFound(
                f"The preview file {preview.pk} has no .{extension} file: its file is a .{own_extension or '?'}."
            )
        return stored_file_response(
            request, key, content_type=content_type_of(extension), missing=missing_file(preview, "original file")
        )


class PreviewOriginalDownloadView(APIView):
    """GET the original file of a preview (the normalized movie for a movie) as an attachment."""

    permission_classes = [IsAuthenticated]

    def get(self, request, preview_file_id):
        preview = readable_preview(request, preview_file_id)
        if not preview.is_movie and not preview.extension:
            raise NotFound(missing_file(preview, "original file"))
        extension = "mp4" if preview.is_movie else preview.extension
        return stored_file_response(
            request,
            keys.original_key(preview),
            content_type=content_type_of(extension),
            download_name=preview_download_name(preview),
            missing=missing_file(preview, "original file"),
        )


# ---- movies ----------------------------------------------------------------------------


def movie_preview(request, preview_file_id):
    preview = readable_preview(request, preview_file_id)
    if not preview.is_movie:
        raise NotFound(f"The preview file {preview.pk} is not a movie.")
    return preview


class PreviewMovieView(APIView):
    """GET the normalized movie of a preview, or its low-resolution version (the normalized one when missing)."""

    permission_classes = [IsAuthenticated]
    low = False

    def get(self, request, preview_file_id):
        preview = movie_preview(request, preview_file_id)
        key = keys.original_key(preview)
        if self.low:
            low_key = keys.low_movie_key(preview)
            key = low_key if file_exists(low_key) else key
        return stored_file_response(request, key, content_type="video/mp4", missing=missing_file(preview, "movie"))


class PreviewMovieDownloadView(APIView):
    """GET the normalized movie of a preview as an attachment."""

    permission_classes = [IsAuthenticated]

    def get(self, request, preview_file_id):
        preview = movie_preview(request, preview_file_id)
        return stored_file_response(
            request,
            keys.original_key(preview),
            content_type="video/mp4",
            download_name=preview_download_name(preview),
            missing=missing_file(preview, "movie"),
        )


class PreviewTileView(APIView):
    """GET the tile of frames of a movie preview."""

    permission_classes = [IsAuthenticated]

    def get(self, request, preview_file_id):
        preview = movie_preview(request, preview_file_id)
        return stored_file_response(
            request, keys.tile_key(preview), content_type="image/png", missing=missing_file(preview, "tile")
        )


# ---- frames and tiles on request --------------------------------------------------------


def png_response(data):
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def frame_number_param(request):
    """Parse the `frame_number` query parameter: 0 (the first frame) when absent, else a whole number."""
    raw = request.query_params.get("frame_number", "").strip()
    if raw == "":
        return 0
    try:
        number = int(raw)
    except ValueError:
        raise ValidationError({"frame_number": [f"{raw!r} is not a whole number."]}) from None
    if number < 0:
        raise ValidationError({"frame_number": [f"{number} is invalid: frames start at 1."]})
    return number


class ExtractFrameView(APIView):
    """GET a PNG of frame `frame_number` (1 is the first) of a movie preview; managers of the project only.

    A preview that is not a movie is a 404, as Kitsu's own server (zou) returns.
    """

    permission_classes = [IsAuthenticated]

    def get(self, request, preview_file_id):
        preview = readable_preview(request, preview_file_id)
        check_project_manager(request.user, preview)
        frame_number = frame_number_param(request)
        if not preview.is_movie:
            raise NotFound(f"The preview file {preview.pk} is not a movie: it has no frames.")
        if preview.status != PreviewFile.STATUS_READY:
            raise NotFound(f"The movie of the preview file {preview.pk} is {preview.status}, not ready.")
        try:
            data = extract_frame_picture(preview=preview, frame_number=frame_number)
        except MediaError as error:
            raise ValidationError({"frame_number": [str(error)]}) from None
        return png_response(data)


def check_project_manager(user, preview):
    if preview.task is None or not is_project_manager(user, preview.task.project_id):
        raise PermissionDenied(NOT_ALLOWED)


class ExtractTileView(APIView):
    """GET the tile of a movie preview, made again from the movie; a preview that is not a movie is a 400."""

    permission_classes = [IsAuthenticated]

    def get(self, request, preview_file_id):
        preview = readable_preview(request, preview_file_id)
        if not preview.is_movie:
            raise ValidationError({"preview_file_id": [f"the preview file {preview.pk} is not a movie."]})
        if preview.status != PreviewFile.STATUS_READY:
            raise NotFound(f"The movie of the preview file {preview.pk} is {preview.status}, not ready.")
        try:
            data = extract_tile_picture(preview=preview)
        except MediaError as error:
            raise NotFound(str(error)) from None
        return png_response(data)


# ---- media jobs ------------------------------------------------------------------------


class MediaJobViewSet(KitsuModelViewSet):
    """The background media jobs, read-only: admins read all, others their own jobs and those of previews they read."""

    queryset = MediaJob.objects.all()
    serializer_class = serializer_for(MediaJob)
    http_method_names = ["get", "head", "options"]

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role == ADMIN:
            return queryset
        readable = in_team(user, "preview_file__task__project")
        if user.role == VENDOR:
            readable &= Exists(
                TaskPersonLink.objects.filter(person=user, task__entity=OuterRef("preview_file__task__entity"))
            )
        return queryset.filter(Q(person=user) | Q(readable))

    def has_row_access(self, user, row):
        if user.role == ADMIN or row.person_id == user.pk:
            return True
        if row.preview_file_id is None:
            return False
        try:
            check_preview_read(user, row.preview_file)
        except PermissionDenied:
            return False
        return True


PREVIEW = r"(?P<preview_file_id>[^/.]+)"

picture_urlpatterns = [
    re_path(rf"^preview-files/{PREVIEW}/?$", PreviewFileUploadView.as_view()),
    re_path(
        rf"^(?P<size>thumbnails|thumbnails-square|previews)/preview-files/{PREVIEW}\.png$", PreviewPictureView.as_view()
    ),
    re_path(rf"^originals/preview-files/{PREVIEW}/download/?$", PreviewOriginalDownloadView.as_view()),
    re_path(rf"^originals/preview-files/{PREVIEW}\.(?P<extension>[A-Za-z0-9]{{1,10}})$", PreviewOriginalView.as_view()),
]

movie_urlpatterns = [
    re_path(rf"^originals/preview-files/{PREVIEW}\.mp4$", PreviewMovieView.as_view()),
    re_path(rf"^low/preview-files/{PREVIEW}\.mp4$", PreviewMovieView.as_view(low=True)),
    re_path(rf"^originals/preview-files/{PREVIEW}/download/?$", PreviewMovieDownloadView.as_view()),
    re_path(rf"^tiles/preview-files/{PREVIEW}\.png$", PreviewTileView.as_view()),
]

action_urlpatterns = [
    re_path(rf"^preview-files/{PREVIEW}/extract-frame/?$", ExtractFrameView.as_view()),
    re_path(rf"^preview-files/{PREVIEW}/extract-tile/?$", ExtractTileView.as_view()),
]

urlpatterns = []
export_urlpatterns = []

GENERIC_COLLECTIONS = [
    ("media-jobs", MediaJobViewSet, "media-job"),
]
