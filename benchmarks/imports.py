"""Count the SQL queries and time of a CSV import of 5,000 shots, and of the same file imported again.

Usage (PostgreSQL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kitsu_bench \\
        .venv/bin/python benchmarks/imports.py [--shots 5000] [--sequences 50]

It creates the database tables if needed, then makes a new feature film with
three shot task types, writes a shots sheet (Sequence, Name, Frame In, Frame
Out, Description, one status column), and imports it twice through the import
job service, inline: once into the empty project, once again with
`update=true`. It prints the queries and seconds of each run and the queries
per row. Everything it writes is rolled back at the end.
"""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitsu_project.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import Person  # noqa: E402
from imports.models import ImportJob  # noqa: E402
from imports.services.jobs import import_job_start  # noqa: E402
from productions.models import Project, ProjectStatus, ProjectTaskTypeLink, TaskStatus, TaskType  # noqa: E402

TASK_TYPES = ("Layout", "Animation", "Lighting")


class Rollback(Exception):
    """Raised at the end to roll back everything the benchmark wrote."""


def shots_sheet(shot_count, sequence_count):
    lines = ["Sequence,Name,Frame In,Frame Out,Description,Layout"]
    for number in range(shot_count):
        sequence = f"SQ{number % sequence_count + 1:03d}"
        lines.append(f"{sequence},SH{number + 1:05d},1001,{1001 + 24 + number % 100},shot {number + 1},todo")
    return ("\n".join(lines) + "\n").encode()


def project_for_benchmark():
    status, _ = ProjectStatus.objects.get_or_create(name="Open", defaults={"color": "#000000"})
    project = Project.objects.create(
        name=f"Import benchmark {uuid.uuid4().hex[:8]}", production_type="featurefilm", project_status=status
    )
    for priority, name in enumerate(TASK_TYPES, start=1):
        task_type, _ = TaskType.objects.get_or_create(name=name, defaults={"for_entity": "Shot"})
        ProjectTaskTypeLink.objects.create(project=project, task_type=task_type, priority=priority)
    return project


class QueryCounter:
    """Count the SQL statements run on the connection (Django's query log keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_import(*, project, person, content, update):
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        job = import_job_start(
            kind="csv-shots",
            content=content,
            file_name="shots.csv",
            person=person,
            project=project,
            update_existing=update,
        )
        seconds = time.perf_counter() - started
    return job, queries.count, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=5000)
    parser.add_argument("--sequences", type=int, default=50)
    arguments = parser.parse_args()

    call_command("migrate", verbosity=0)
    content = shots_sheet(arguments.shots, arguments.sequences)
    print(f"database: {connection.vendor}, rows: {arguments.shots}, sequences: {arguments.sequences}")
    try:
        with transaction.atomic():
            if not TaskStatus.objects.filter(is_default=True).exists():
                TaskStatus.objects.create(name="Todo", short_name="todo", color="#f5f5f5", is_default=True)
            person = Person.objects.filter(role="admin").first() or Person.objects.create(
                email=f"bench-{uuid.uuid4().hex[:8]}@example.com", first_name="Bench", role="admin"
            )
            project = project_for_benchmark()
            for label, update in (("first import", False), ("import again with update", True)):
                job, query_count, seconds = timed_import(project=project, person=person, content=content, update=update)
                assert job.status == ImportJob.STATUS_SUCCEEDED, job.log
                print(
                    f"{label}: {query_count} queries ({query_count / arguments.shots:.2f} per row), "
                    f"{seconds:.1f} s, created {job.created_count}, updated {job.updated_count}, "
                    f"errors {len(job.errors)}"
                )
            raise Rollback
    except Rollback:
        print("rolled back")


if __name__ == "__main__":
    main()
