"""`manage.py import_shotgun KIND FILE.json`: import ShotGrid records as `POST /api/import/shotgun/KIND` does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports.services import shotgun as shotgun_services
from imports.services.jobs import import_job_start


class Command(BaseCommand):
    help = "Import a JSON list of ShotGrid records of one kind (projects, persons, steps, ..., tasks)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=shotgun_services.KINDS)
        parser.add_argument("file", type=Path)

    def handle(self, *args, kind, file, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from None
        job = import_job_start(kind=shotgun_services.KIND_PREFIX + kind, content=content, file_name=file.name)
        self.stdout.write(
            f"job {job.pk} {job.status}: {job.created_count} created, {job.updated_count} updated, "
            f"{job.skipped_count} skipped"
        )
        for error in job.errors or []:
            self.stdout.write(f"  record {error['line']}: {error['message']}")
        if job.log:
            self.stdout.write(job.log.rstrip())
        if job.status == job.STATUS_FAILED:
            raise CommandError(f"import job {job.pk} failed: {job.log.strip()}")
