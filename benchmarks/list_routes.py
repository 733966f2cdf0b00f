"""Time the generic /data list routes on a production of realistic size.

Usage (any database; PostgreSQL gives the numbers that matter):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kitsu_bench \\
        .venv/bin/python benchmarks/list_routes.py --shots 2000 --runs 5

It creates the database tables in the named database if needed, seeds one
project (assets, sequences, shots, one task per entity, one comment per task)
unless it is already there, then requests each list route as an admin and as an
artist of the team through Django's test client, and prints the median time and
the SQL query count of each route.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitsu_project.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Person  # noqa: E402
from accounts.tokens import issue_tokens  # noqa: E402
from productions.models import (  # noqa: E402
    Comment,
    Entity,
    EntityType,
    Project,
    ProjectPersonLink,
    ProjectStatus,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)

PROJECT_NAME = "Benchmark Production"
ROUTES = ["persons", "projects", "entities", "tasks", "task-types", "task-status", "comments"]


def seed(shots):
    """Create the benchmark production once; return the artist of its team."""
    artist = Person.objects.filter(email="bench-artist@example.com").first()
    if Project.objects.filter(name=PROJECT_NAME).exists():
        return artist

    call_command("init_data", stdout=open(os.devnull, "w"))
    admin = Person.objects.create_user(
        "bench-admin@example.com", "Bench-Password-1", first_name="B", last_name="A", role="admin"
    )
    artist = Person.objects.create_user(
        "bench-artist@example.com", "Bench-Password-1", first_name="B", last_name="Artist", role="user"
    )
    project = Project.objects.create(name=PROJECT_NAME, project_status=ProjectStatus.objects.get(name="Open"))
    ProjectPersonLink.objects.create(project=project, person=artist)
    types = {name: EntityType.objects.get(name=name) for name in ("Sequence", "Shot", "Prop")}
    status = TaskStatus.objects.get(short_name="todo")
    shot_task_type = TaskType.objects.get(name="Animation")
    asset_task_type = TaskType.objects.get(name="Modeling")

    sequences = Entity.objects.bulk_create(
        Entity(name=f"SQ{index:03d}", project=project, entity_type=types["Sequence"])
        for index in range(shots // 50 + 1)
    )
    entities = Entity.objects.bulk_create(
        Entity(name=f"SH{index:04d}", project=project, entity_type=types["Shot"], parent=sequences[index // 50])
        for index in range(shots)
    )
    assets = Entity.objects.bulk_create(
        Entity(name=f"Asset {index}", project=project, entity_type=types["Prop"]) for index in range(shots // 4)
    )
    tasks = Task.objects.bulk_create(
        [
            Task(name="main", project=project, entity=shot, task_type=shot_task_type, task_status=status)
            for shot in entities
        ]
        + [
            Task(name="main", project=project, entity=asset, task_type=asset_task_type, task_status=status)
            for asset in assets
        ]
    )
    TaskPersonLink.objects.bulk_create(TaskPersonLink(task=task, person=artist) for task in tasks[::3])
    Comment.objects.bulk_create(Comment(object_id=task.pk, person=admin, text="Looks good") for task in tasks)
    return artist


def measure(client, path, runs):
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
        assert response.status_code in (200, 403), (path, response.status_code)
    rows = len(response.json()) if response.status_code == 200 else 0
    return statistics.median(timings), len(queries.captured_queries), rows, response.status_code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=2000, help="number of shots to seed (assets: a quarter)")
    parser.add_argument("--runs", type=int, default=5, help="requests per route; the median is printed")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    artist = seed(args.shots)
    admin = Person.objects.get(email="bench-admin@example.com")
    print(f"{'route':<30} {'who':<7} {'rows':>6} {'queries':>8} {'median ms':>10}")
    for person, label in ((admin, "admin"), (artist, "artist")):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_tokens(person)[0]}")
        for route in ROUTES:
            seconds, query_count, rows, status = measure(client, f"/api/data/{route}", args.runs)
            shown = rows if status == 200 else status
            print(f"/api/data/{route:<20} {label:<7} {shown:>6} {query_count:>8} {seconds * 1000:>10.1f}")


if __name__ == "__main__":
    main()
