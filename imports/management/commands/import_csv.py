"""`manage.py import_csv KIND FILE --project NAME_OR_ID`: import a CSV sheet as `POST /api/import/csv/...` does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports.management.commands._common import job_author, job_failure_check, job_summary_write, row_by_name_or_id
from imports.services import csv_imports  # noqa: F401 (registers the CSV runners)
from imports.services.jobs import import_job_start
from productions.models import Entity, Project, TaskType

KINDS = ("assets", "shots", "edits", "casting", "estimations", "persons")


class Command(BaseCommand):
    help = (
        "Import a CSV sheet of assets, shots, edits, casting, estimations or persons, "
        "with the same rules as the API routes, and print what was created and every bad row."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--project", help="name or id of the project (every kind but persons)")
        parser.add_argument("--update", action="store_true", help="overwrite the entities or persons rows match")
        parser.add_argument("--strict", action="store_true", help="import nothing when any row is bad")
        parser.add_argument("--episode", help="estimations only: name or id of the episode to restrict to")
        parser.add_argument("--task-type", dest="task_type", help="estimations: name or id of the task type")
        parser.add_argument(
            "--person",
            help="e-mail of the person recorded as author of comments and tasks (default: the oldest active admin)",
        )

    def handle(self, *args, kind, file, project, update, strict, episode, task_type, person, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from None
        job_fields = {"strict": strict, "update_existing": update}
        if kind != "persons":
            if not project:
                raise CommandError(f"--project is required to import {kind}.")
            job_fields["project"] = row_by_name_or_id(Project.objects.all(), project, "project")
        if kind == "estimations":
            if not task_type:
                raise CommandError("--task-type is required to import estimations.")
            job_fields["task_type"] = row_by_name_or_id(TaskType.objects.all(), task_type, "task type")
            if episode:
                episodes = Entity.objects.filter(project=job_fields["project"], entity_type__name="Episode")
                job_fields["episode"] = row_by_name_or_id(episodes, episode, "episode")
        job_fields["person"] = job_author(person)
        job = import_job_start(kind=f"csv-{kind}", content=content, file_name=file.name, **job_fields)
        job_summary_write(self.stdout, job, item="line")
        job_failure_check(job)
