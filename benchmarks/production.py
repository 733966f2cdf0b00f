"""Time the heavy production reads (shots and assets with their tasks, one task) on a realistic production.

Usage (PostgreSQL; the comparison with PostgreSQL's own JSON needs it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kitsu_bench \\
        .venv/bin/python benchmarks/production.py --runs 5 [--http http://127.0.0.1:8000/api]

It creates the database tables if needed and seeds one TV show, once: 4
episodes, 40 sequences, 2,000 shots with 6 task types each and 400 assets with
4 task types each. The show also has 40 persons in its team, one or two
assignees per task and 3,000 comments. Then it requests each route as an admin through Django's test
client (and, with --http, over HTTP from a server that uses the same database),
and prints the median time and the SQL query count of each route. A route that
the server does not have yet is reported as "not built yet".

For /data/shots/with-tasks it also times one SQL statement in which PostgreSQL
builds the same shots, tasks and assignees as JSON text, and prints the ratio
of the route's time to that statement's time.
"""

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitsu_project.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Person  # noqa: E402
from accounts.tokens import issue_tokens  # noqa: E402
from productions.models import (  # noqa: E402
    Comment,
    Entity,
    EntityType,
    News,
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectStatus,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)

PROJECT_NAME = "Benchmark TV Show"
ADMIN_EMAIL = "bench-show-admin@example.com"
ADMIN_PASSWORD = "Bench-Show-Password-1"
EPISODES = 4
SEQUENCES_PER_EPISODE = 10
SHOTS_PER_SEQUENCE = 50
ASSETS = 400
PERSONS = 40
COMMENTS = 3000
SHOT_TASK_TYPES = ("Storyboard", "Layout", "Animation", "Lighting", "FX", "Compositing")
ASSET_TASK_TYPES = ("Modeling", "Shading", "Rigging", "Texturing")
ASSET_TYPES = ("Character", "Prop", "Environment", "FX")
STATUSES = ("todo", "wip", "wfa", "retake", "done")
BATCH = 2000

# The shots of one project with their tasks and the tasks' assignees, built as
# JSON by PostgreSQL alone: the same rows as GET /data/shots/with-tasks.
SHOTS_WITH_TASKS_SQL = """
SELECT coalesce(json_agg(row_json ORDER BY sequence_name, shot_name), '[]'::json)::text
FROM (
    SELECT
        sequence.name AS sequence_name,
        shot.name AS shot_name,
        json_build_object(
            'id', shot.id,
            'name', shot.name,
            'canceled', shot.canceled,
            'data', shot.data,
            'description', shot.description,
            'entity_type_id', shot.entity_type_id,
            'episode_id', episode.id,
            'episode_name', coalesce(episode.name, ''),
            'fps', shot.data ->> 'fps',
            'frame_in', shot.data -> 'frame_in',
            'frame_out', shot.data -> 'frame_out',
            'nb_frames', shot.nb_frames,
            'parent_id', shot.parent_id,
            'preview_file_id', shot.preview_file_id,
            'project_id', shot.project_id,
            'project_name', project.name,
            'sequence_id', sequence.id,
            'sequence_name', sequence.name,
            'source_id', shot.source_id,
            'nb_entities_out', shot.nb_entities_out,
            'is_casting_standby', shot.is_casting_standby,
            'type', 'Shot',
            'tasks', coalesce((
                SELECT json_agg(json_build_object(
                    'id', task.id,
                    'duration', task.duration,
                    'due_date', to_char(task.due_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
                    'end_date', to_char(task.end_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
                    'done_date', to_char(task.done_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
                    'entity_id', task.entity_id,
                    'estimation', task.estimation,
                    'is_subscribed', false,
                    'last_comment_date',
                        to_char(task.last_comment_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
                    'last_preview_file_id', task.last_preview_file_id,
                    'nb_assets_ready', task.nb_assets_ready,
                    'priority', task.priority,
                    'real_start_date',
                        to_char(task.real_start_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
                    'retake_count', task.retake_count,
                    'start_date', to_char(task.start_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
                    'difficulty', task.difficulty,
                    'nb_drawings', task.nb_drawings,
                    'task_status_id', task.task_status_id,
                    'task_type_id', task.task_type_id,
                    'assignees', coalesce((
                        SELECT json_agg(link.person_id) FROM task_person_link link WHERE link.task_id = task.id
                    ), '[]'::json)
                ))
                FROM task WHERE task.entity_id = shot.id
            ), '[]'::json)
        ) AS row_json
    FROM entity shot
    JOIN entity_type ON entity_type.id = shot.entity_type_id AND entity_type.name = 'Shot'
    JOIN project ON project.id = shot.project_id
    LEFT JOIN entity sequence ON sequence.id = shot.parent_id
    LEFT JOIN entity episode ON episode.id = sequence.parent_id
    WHERE shot.project_id = %s
) shot_rows
"""


# ---- seeding --------------------------------------------------------------------


def entity_type(name):
    return EntityType.objects.get_or_create(name=name)[0]


def task_type(name, for_entity):
    found = TaskType.objects.filter(name=name, for_entity=for_entity).first()
    return found or TaskType.objects.create(name=name, for_entity=for_entity, color="#607D8B")


@transaction.atomic
def seed():
    """Create the benchmark production unless it exists, and return it."""
    project = Project.objects.filter(name=PROJECT_NAME).first()
    if project is not None:
        return project

    started = time.perf_counter()
    call_command("init_data", stdout=open(os.devnull, "w"))
    rng = random.Random(42)
    admin = Person.objects.create_user(ADMIN_EMAIL, ADMIN_PASSWORD, first_name="Bench", last_name="Admin", role="admin")

    # Hashing 40 passwords would dominate the seeding time, so the team cannot log in.
    roles = ["user"] * 30 + ["supervisor"] * 6 + ["manager"] * 2 + ["client"] * 2
    persons = Person.objects.bulk_create(
        Person(
            first_name="Artist",
            last_name=f"{index:02d}",
            email=f"bench-show-{index:02d}@example.com",
            role=role,
            password="!",
        )
        for index, role in enumerate(roles)
    )
    workers = [person for person in persons if person.role in ("user", "supervisor")]

    project = Project.objects.create(
        name=PROJECT_NAME,
        production_type="tvshow",
        project_status=ProjectStatus.objects.get(name="Open"),
        nb_episodes=EPISODES,
    )
    ProjectPersonLink.objects.bulk_create(ProjectPersonLink(project=project, person=person) for person in persons)

    shot_types = [task_type(name, "Shot") for name in SHOT_TASK_TYPES]
    asset_types_of_tasks = [task_type(name, "Asset") for name in ASSET_TASK_TYPES]
    asset_types = [entity_type(name) for name in ASSET_TYPES]
    statuses = [TaskStatus.objects.get(short_name=short_name) for short_name in STATUSES]
    ProjectTaskTypeLink.objects.bulk_create(
        ProjectTaskTypeLink(project=project, task_type=kind, priority=index)
        for index, kind in enumerate(shot_types + asset_types_of_tasks)
    )
    ProjectTaskStatusLink.objects.bulk_create(
        ProjectTaskStatusLink(project=project, task_status=status, priority=index)
        for index, status in enumerate(statuses)
    )
    ProjectAssetTypeLink.objects.bulk_create(
        ProjectAssetTypeLink(project=project, asset_type=kind) for kind in asset_types
    )

    # Episodes, sequences, shots and assets.
    episodes = Entity.objects.bulk_create(
        Entity(name=f"E{index + 1:02d}", project=project, entity_type=entity_type("Episode"))
        for index in range(EPISODES)
    )
    sequences = Entity.objects.bulk_create(
        Entity(
            name=f"E{index // SEQUENCES_PER_EPISODE + 1:02d}_SQ{index:03d}",
            project=project,
            entity_type=entity_type("Sequence"),
            parent=episodes[index // SEQUENCES_PER_EPISODE],
        )
        for index in range(EPISODES * SEQUENCES_PER_EPISODE)
    )
    shot_type = entity_type("Shot")
    shots = Entity.objects.bulk_create(
        (
            Entity(
                name=f"SH{index:04d}",
                project=project,
                entity_type=shot_type,
                parent=sequences[index // SHOTS_PER_SEQUENCE],
                nb_frames=48 + index % 100,
                data={"frame_in": 1001, "frame_out": 1048 + index % 100, "fps": "25"},
            )
            for index in range(len(sequences) * SHOTS_PER_SEQUENCE)
        ),
        batch_size=BATCH,
    )
    assets = Entity.objects.bulk_create(
        (
            Entity(
                name=f"Asset {index:03d}",
                project=project,
                entity_type=asset_types[index % len(asset_types)],
                source=episodes[index % EPISODES],
                description="A reusable asset of the show",
            )
            for index in range(ASSETS)
        ),
        batch_size=BATCH,
    )

    # Tasks, each with one assignee and a fifth of them with a second one.
    pairs = [(shot, kind) for shot in shots for kind in shot_types]
    pairs += [(asset, kind) for asset in assets for kind in asset_types_of_tasks]
    tasks = Task.objects.bulk_create(
        (
            Task(
                name="main",
                project=project,
                entity=entity,
                task_type=kind,
                task_status=rng.choice(statuses),
                estimation=rng.choice((0, 1, 2, 3)),
                assigner=admin,
            )
            for entity, kind in pairs
        ),
        batch_size=BATCH,
    )
    worker_cycle = itertools.cycle(workers)
    links = []
    for index, task in enumerate(tasks):
        first = next(worker_cycle)
        links.append(TaskPersonLink(task=task, person=first))
        if index % 5 == 0:
            second = workers[(workers.index(first) + 7) % len(workers)]
            links.append(TaskPersonLink(task=task, person=second))
    TaskPersonLink.objects.bulk_create(links, batch_size=BATCH)

    authors = workers + [admin]
    tasks_by_id = {task.pk: task for task in tasks}
    comments = Comment.objects.bulk_create(
        (
            Comment(
                object_id=rng.choice(tasks).pk,
                person=rng.choice(authors),
                task_status=rng.choice(statuses),
                text=f"Note {index}: please check the timing of the second half.",
            )
            for index in range(COMMENTS)
        ),
        batch_size=BATCH,
    )
    # Each comment is a line of the project's news feed, as the comment route writes it.
    News.objects.bulk_create(
        (
            News(author=comment.person, comment=comment, task=tasks_by_id[comment.object_id], change=index % 3 == 0)
            for index, comment in enumerate(comments)
        ),
        batch_size=BATCH,
    )
    print(
        f"Seeded {len(shots)} shots, {len(assets)} assets, {len(tasks)} tasks, {len(links)} assignments "
        f"and {COMMENTS} comments in {time.perf_counter() - started:.1f} s"
    )
    return project


# ---- timing ------------------------------------------------------------------------


def is_missing_route(status, body):
    """Tell whether a 404 means that the server has no such route, rather than an unknown id."""
    return status == 404 and "does not exist" in str(body.get("message", "") if isinstance(body, dict) else "")


def row_count(body):
    if isinstance(body, list):
        return len(body)
    if isinstance(body, dict):
        return 1
    return 0


def time_client(client, path, runs):
    """Return (median seconds, SQL queries, rows, status) of `runs` requests through the test client."""
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            body = json.loads(response.content)
            timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            break
    return statistics.median(timings), len(queries.captured_queries), row_count(body), response.status_code, body


def time_http(base, token, path, runs):
    """Return the median seconds of `runs` GET requests over HTTP, or None when one fails."""
    timings = []
    for _ in range(runs):
        request = urllib.request.Request(base + path.removeprefix("/api"), headers={"Authorization": f"Bearer {token}"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                json.loads(response.read())
        except OSError as error:
            print(f"HTTP GET {path} failed: {error}", file=sys.stderr)
            return None
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def http_login(base):
    body = json.dumps({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).encode()
    request = urllib.request.Request(
        base + "/auth/login", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["access_token"]


# The artist's to-do list as /data/user/tasks builds it: the task columns, its
# entity, parents, project, type and status, and the newest comment.
USER_TASKS_SQL = """
SELECT coalesce(json_agg(row_json), '[]'::json)::text FROM (
    SELECT to_jsonb(task) || jsonb_build_object(
        'type', 'Task',
        'project_name', project.name,
        'entity_name', entity.name,
        'entity_type_name', entity_type.name,
        'entity_data', entity.data,
        'sequence_name', parent.name,
        'episode_id', grandparent.id,
        'episode_name', grandparent.name,
        'task_type_name', task_type.name,
        'task_type_color', task_type.color,
        'task_status_name', task_status.name,
        'task_status_color', task_status.color,
        'task_status_short_name', task_status.short_name,
        'assignees', (SELECT json_agg(link.person_id) FROM task_person_link link WHERE link.task_id = task.id),
        'last_comment', (
            SELECT jsonb_build_object('text', comment.text, 'date', comment.created_at, 'person_id', comment.person_id)
            FROM comment WHERE comment.object_id = task.id ORDER BY comment.created_at DESC LIMIT 1
        )
    ) AS row_json
    FROM task
    JOIN task_person_link mine ON mine.task_id = task.id AND mine.person_id = %s
    JOIN entity ON entity.id = task.entity_id
    JOIN entity_type ON entity_type.id = entity.entity_type_id
    JOIN project ON project.id = task.project_id
    JOIN task_type ON task_type.id = task.task_type_id
    JOIN task_status ON task_status.id = task.task_status_id
    LEFT JOIN entity parent ON parent.id = entity.parent_id
    LEFT JOIN entity grandparent ON grandparent.id = parent.parent_id
    WHERE NOT task_status.is_done
) AS rows
"""


def time_sql(sql, params, runs):
    """Return (median seconds, rows) of PostgreSQL running `sql`, which returns one JSON array as text."""
    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql, params)
            text = cursor.fetchone()[0]
            timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(json.loads(text))


def time_postgresql_json(project_id, runs):
    """Return (median seconds, rows) of PostgreSQL building the shots with their tasks as JSON text."""
    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(SHOTS_WITH_TASKS_SQL, [project_id])
            text = cursor.fetchone()[0]
            timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(json.loads(text))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="requests per route; the median is printed")
    parser.add_argument(
        "--http",
        metavar="BASE",
        help="also time the routes over HTTP at this API root (e.g. http://127.0.0.1:8000/api) of a server "
        "that uses the same database",
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    project = seed()
    if connection.vendor == "postgresql":
        # Fresh bulk inserts leave the planner without statistics until autovacuum runs.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    admin = Person.objects.get(email=ADMIN_EMAIL)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {issue_tokens(admin)[0]}")
    token = http_login(args.http) if args.http else None

    # A shot task with comments, for the one-task route.
    commented = Comment.objects.filter(object_id__in=Task.objects.filter(project=project).values("pk"))
    task_id = commented.order_by("created_at").values_list("object_id", flat=True).first()
    full_path = f"/api/data/tasks/{task_id}/full"
    routes = [
        f"/api/data/projects/{project.pk}/shots",
        f"/api/data/shots/with-tasks?project_id={project.pk}",
        f"/api/data/assets/with-tasks?project_id={project.pk}",
        full_path,
        f"/api/data/projects/{project.pk}/news?limit=50",
    ]

    header = f"{'route':<62} {'rows':>6} {'queries':>8} {'median ms':>10}"
    print(header + (f" {'HTTP ms':>8}" if args.http else ""))
    medians = {}
    for path in routes:
        seconds, query_count, rows, status, body = time_client(client, path, args.runs)
        if path == full_path and is_missing_route(status, body):
            path = f"/api/data/tasks/{task_id}"
            print(f"{full_path:<62} not built yet, timing {path} instead")
            seconds, query_count, rows, status, body = time_client(client, path, args.runs)
        label = path.replace(str(project.pk), "{id}").replace(str(task_id), "{id}")
        if is_missing_route(status, body):
            print(f"{label:<62} not built yet")
            continue
        if status != 200:
            print(f"{label:<62} failed with {status}: {body}")
            continue
        medians[path] = seconds
        line = f"{label:<62} {rows:>6} {query_count:>8} {seconds * 1000:>10.1f}"
        if args.http:
            http_seconds = time_http(args.http, token, path, args.runs)
            line += f" {http_seconds * 1000:>8.1f}" if http_seconds is not None else f" {'failed':>8}"
        print(line)

    # The to-do list of the artist with the most assigned tasks.
    artist = (
        Person.objects.filter(email__startswith="bench-show-")
        .annotate(assigned=Count("assigned_tasks"))
        .order_by("-assigned")
        .first()
    )
    artist_token = issue_tokens(artist)[0]
    artist_client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {artist_token}")
    seconds, query_count, rows, status, body = time_client(artist_client, "/api/data/user/tasks", args.runs)
    user_tasks_seconds = seconds if status == 200 else None
    if status == 200:
        line = f"{'/api/data/user/tasks (one artist)':<62} {rows:>6} {query_count:>8} {seconds * 1000:>10.1f}"
        if args.http:
            # The server checks the token against the same database, so a token made here is valid there.
            http_seconds = time_http(args.http, artist_token, "/api/data/user/tasks", args.runs)
            line += f" {http_seconds * 1000:>8.1f}" if http_seconds is not None else f" {'failed':>8}"
        print(line)
    else:
        print(f"{'/api/data/user/tasks (one artist)':<62} failed with {status}")

    if connection.vendor != "postgresql":
        print("PostgreSQL JSON comparison skipped: the database is not PostgreSQL.")
        return
    sql_seconds, sql_rows = time_sql(USER_TASKS_SQL, [artist.pk], args.runs)
    print(f"{'PostgreSQL JSON of the artist to-do list':<62} {sql_rows:>6} {1:>8} {sql_seconds * 1000:>10.1f}")
    if user_tasks_seconds is not None:
        print(f"ratio /data/user/tasks / PostgreSQL JSON: {user_tasks_seconds / sql_seconds:.1f}x (target: 3x)")
    sql_seconds, sql_rows = time_postgresql_json(project.pk, args.runs)
    print(f"{'PostgreSQL json_agg of the shots with their tasks':<62} {sql_rows:>6} {1:>8} {sql_seconds * 1000:>10.1f}")
    with_tasks = f"/api/data/shots/with-tasks?project_id={project.pk}"
    if with_tasks in medians:
        print(f"ratio /data/shots/with-tasks / PostgreSQL JSON: {medians[with_tasks] / sql_seconds:.1f}x (target: 3x)")


if __name__ == "__main__":
    main()
