"""`manage.py import_edit FILE --project NAME_OR_ID`: import an edit as `POST /api/import/otio/projects/...` does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rest_framework.exceptions import ValidationError

from imports.api.edits import NOT_A_TV_SHOW, TV_SHOW, TV_SHOW_NEEDS_EPISODE, edit_content_check, edit_import_options
from imports.management.commands._common import job_author, job_failure_check, job_summary_write, row_by_name_or_id
from imports.services.edits import EDIT_EXTENSIONS, EPISODE_CONVENTION, PROJECT_CONVENTION
from imports.services.jobs import import_job_start
from kitsu_project.api.errors import validation_message
from productions.models import Entity, Project


class Command(BaseCommand):
    help = (
        "Import an edit (an OpenTimelineIO .otio file or a CMX 3600 .edl) into a project's sequences and shots, "
        "with the same rules as the API route, and print the created and updated shots and every skipped clip."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--project", required=True, help="name or id of the project")
        parser.add_argument("--episode", help="name or id of the episode to import into (required for a TV show)")
        parser.add_argument(
            "--naming-convention",
            dest="naming_convention",
            help=(
                f"how clip names spell the shot (default: {PROJECT_CONVENTION}, or {EPISODE_CONVENTION} with --episode)"
            ),
        )
        parser.add_argument(
            "--no-match-case",
            dest="match_case",
            action="store_false",
            help="match clip names to shots and to the naming convention without regard to case",
        )
        parser.add_argument(
            "--frame-offset", dest="frame_offset", type=int, default=0, help="frames added to every frame in and out"
        )
        parser.add_argument("--strict", action="store_true", help="import nothing when any clip is skipped")
        parser.add_argument(
            "--person",
            help="e-mail of the person recorded as the author of the job and shots (default: the oldest active admin)",
        )

    def handle(self, *args, file, project, episode, naming_convention, match_case, frame_offset, strict, person,
               **options):  # fmt: skip
        extension = file.suffix.lower().lstrip(".")
        if extension not in EDIT_EXTENSIONS:
            raise CommandError(
                f"the extension {extension or 'none'!r} is not supported: use one of {', '.join(EDIT_EXTENSIONS)}."
            )
        project_row = row_by_name_or_id(Project.objects.all(), project, "project")
        episode_row = self.episode_for(project_row, episode)
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from None

        # The route's checks, which raise ValidationError: the message reads as the API's "key: problem".
        form = {"naming_convention": naming_convention, "match_case": match_case, "frame_offset": frame_offset}
        try:
            job_options = edit_import_options(form, episode=episode_row, extension=extension)
            edit_content_check(content, extension=extension, project=project_row)
        except ValidationError as error:
            raise CommandError(validation_message(error.detail)) from None
        author = job_author(person)

        job = import_job_start(
            kind="otio",
            content=content,
            file_name=file.name,
            person=author,
            project=project_row,
            episode=episode_row,
            strict=strict,
            options=job_options,
        )
        self.shots_write(job)
        job_summary_write(self.stdout, job, item="clip")
        job_failure_check(job)
        result = job.result or {}
        if job.errors and not result.get("created_shots") and not result.get("updated_shots"):
            raise CommandError(f"no clip was imported: {job.errors[0]['message']}")

    @staticmethod
    def episode_for(project, episode):
        """Return the episode named by --episode: required for a TV show and rejected for other projects."""
        if episode is None:
            if project.production_type == TV_SHOW:
                raise CommandError(f"{TV_SHOW_NEEDS_EPISODE}: pass --episode NAME_OR_ID.")
            return None
        if project.production_type != TV_SHOW:
            raise CommandError(f"{NOT_A_TV_SHOW}: import without --episode.")
        episodes = Entity.objects.filter(project=project, entity_type__name="Episode")
        return row_by_name_or_id(episodes, episode, "episode in this project")

    def shots_write(self, job):
        """Write one line per created or updated shot: `created SEQUENCE/SHOT (frame_in-frame_out)`."""
        result = job.result if isinstance(job.result, dict) else {}
        for key, verb in (("created_shots", "created"), ("updated_shots", "updated")):
            rows = result.get(key) or []
            parents = Entity.objects.filter(pk__in=[row["parent_id"] for row in rows])
            sequence_names = {str(pk): name for pk, name in parents.values_list("pk", "name")}
            for row in rows:
                sequence = sequence_names.get(row["parent_id"], "?")
                data = row.get("data") or {}
                self.stdout.write(f"{verb} {sequence}/{row['name']} ({data.get('frame_in')}-{data.get('frame_out')})")
