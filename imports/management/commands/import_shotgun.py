"""`manage.py import_shotgun KIND FILE.json`: import ShotGrid records as `POST /api/import/shotgun/KIND` does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports.management.commands._common import job_author, job_failure_check, job_summary_write
from imports.services import shotgun as shotgun_services
from imports.services.jobs import import_job_start


class Command(BaseCommand):
    help = "Import a JSON list of ShotGrid records of one kind (projects, persons, steps, ..., tasks)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=shotgun_services.KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--strict", action="store_true", help="import nothing when any record is bad")
        parser.add_argument(
            "--person",
            help=(
                "e-mail of the person recorded as the job's author, and as the author of notes and versions "
                "whose ShotGrid user is not imported (default: the oldest active admin, or none when no admin exists)"
            ),
        )

    def handle(self, *args, kind, file, strict, person, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from None
        # A first migration may run before any admin exists: the job then has no author, as before --person.
        author = job_author(person, required=False)
        job = import_job_start(
            kind=shotgun_services.KIND_PREFIX + kind,
            content=content,
            file_name=file.name,
            person=author,
            strict=strict,
        )
        job_summary_write(self.stdout, job, item="record")
        job_failure_check(job)
