"""Edit import routes: `/import/otio/projects/<project_id>` and its `/episodes/<episode_id>` form for TV shows.

The upload (multipart field `file`) is an OpenTimelineIO `.otio` file or a CMX 3600
`.edl`. Form fields: `naming_convention` (how clip names spell the shot),
`match_case` (default true) and `frame_offset` (an integer added to every frame,
default 0). Admins and the project's managers may import. The route returns
`201 {"created_shots": [...], "updated_shots": [...], "errors": [...]}`, where
`errors` lists the clips that were skipped. A file that is not a timeline, or one
whose clips all fail, gets a 400.

`strict=true`, sent as a query parameter or as a form field, imports nothing when
any clip is skipped: the response is then a 400 with the first error's `message`,
every error in `errors`, and the `job_id`.

`manage.py import_edit` runs the same checks through `edit_import_options` and
`edit_content_check`.
"""

import logging

from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from imports.api.jobs import is_pending, pending_job_response
from imports.models import ImportJob
from imports.services.edits import (
    EDIT_EXTENSIONS,
    EPISODE_CONVENTION,
    PROJECT_CONVENTION,
    EditParseError,
    convention_pattern,
    edit_timeline_read,
    project_fps,
)
from imports.services.jobs import import_job_start
from kitsu_project.api.errors import error_body
from kitsu_project.api.viewsets import checked_flag, path_row
from playlists.uploads import check_extension, client_name, uploaded_file
from productions.api.projects import check_manager_access, get_project
from productions.models import Entity

logger = logging.getLogger("imports.api")

TV_SHOW = "tvshow"
# The start of the episode errors, shared by the route and `manage.py import_edit`, which each add how to fix it.
TV_SHOW_NEEDS_EPISODE = "this project is a TV show: import into one of its episodes"
NOT_A_TV_SHOW = "this project is not a TV show"


def form_int(data, key, default):
    value = data.get(key)
    if value in (None, ""):
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValidationError({key: [f"invalid value {value!r}: expected a whole number of frames."]}) from None


def strict_flag(request):
    """Return the `strict` option, sent as a query parameter or a form field, or raise a 400 when the two disagree."""
    in_query = checked_flag(request.query_params, "strict", None)
    in_form = checked_flag(request.data, "strict", None)
    if in_query is not None and in_form is not None and in_query != in_form:
        raise ValidationError(
            {"strict": ["the query parameter and the form field disagree: send strict once, or the same value."]}
        )
    if in_query is not None:
        return in_query
    return bool(in_form)


def edit_import_options(data, *, episode, extension):
    """Return the job options of an edit import read from the form `data`, or raise ValidationError on a bad option."""
    default_convention = EPISODE_CONVENTION if episode is not None else PROJECT_CONVENTION
    naming_convention = str(data.get("naming_convention") or default_convention)
    convention_pattern(naming_convention)
    return {
        "naming_convention": naming_convention,
        "match_case": checked_flag(data, "match_case", True),
        "frame_offset": form_int(data, "frame_offset", 0),
        "extension": extension,
    }


def edit_content_check(content, *, extension, project):
    """Parse the file before a job is recorded, so that a file which is not a timeline is a 400 on `file`."""
    try:
        edit_timeline_read(content=content, extension=extension, fps=project_fps(project))
    except EditParseError as error:
        raise ValidationError({"file": [str(error)]}) from None


class EditImportView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, project_id, episode_id=None):
        project = get_project(project_id)
        check_manager_access(request.user, project)
        episode = self.episode_for(project, episode_id)
        upload = uploaded_file(request)
        extension = check_extension(upload, EDIT_EXTENSIONS)
        options = edit_import_options(request.data, episode=episode, extension=extension)
        strict = strict_flag(request)
        content = upload.read()
        edit_content_check(content, extension=extension, project=project)

        job = import_job_start(
            kind="otio",
            content=content,
            file_name=client_name(upload.name),
            person=request.user,
            project=project,
            episode=episode,
            strict=strict,
            options=options,
        )
        return self.job_answer(job)

    @staticmethod
    def episode_for(project, episode_id):
        """Return the episode of the route: required for TV shows and rejected for other projects."""
        if episode_id is None:
            if project.production_type == TV_SHOW:
                route = "/import/otio/projects/<project_id>/episodes/<episode_id>"
                raise ValidationError({"episode_id": [f"{TV_SHOW_NEEDS_EPISODE} with {route}."]})
            return None
        episodes = Entity.objects.filter(project=project, entity_type__name="Episode")
        episode = path_row(episodes, episode_id, "episode in this project")
        if project.production_type != TV_SHOW:
            raise ValidationError({"episode_id": [f"{NOT_A_TV_SHOW}: use /import/otio/projects/<id>."]})
        return episode

    @staticmethod
    def job_answer(job):
        if is_pending(job):
            return pending_job_response(job)
        if job.strict and job.errors:
            # The job service rolled back every shot of a strict import with a skipped clip.
            return Response(
                error_body(job.errors[0]["message"], errors=job.errors, job_id=str(job.pk)),
                status=status.HTTP_400_BAD_REQUEST,
            )
        if job.status == ImportJob.STATUS_FAILED:
            logger.error("Edit import job %s failed: %s", job.pk, job.log.strip())
            return Response(
                error_body(f"The edit import failed: {job.log.strip()}", errors=job.errors),
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = dict(job.result or {})
        result["errors"] = job.errors
        if job.errors and not result.get("created_shots") and not result.get("updated_shots"):
            return Response(
                error_body(f"No clip was imported: {job.errors[0]['message']}", errors=job.errors),
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(result, status=status.HTTP_201_CREATED)


PROJECT = r"(?P<project_id>[^/]+)"
EPISODE = r"(?P<episode_id>[^/]+)"

import_urlpatterns = [
    re_path(rf"^otio/projects/{PROJECT}/?$", EditImportView.as_view()),
    re_path(rf"^otio/projects/{PROJECT}/episodes/{EPISODE}/?$", EditImportView.as_view()),
]
export_urlpatterns = []
urlpatterns = []
GENERIC_COLLECTIONS = ()
