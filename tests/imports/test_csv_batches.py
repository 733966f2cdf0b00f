"""Batched writes of the asset, shot and edit sheets: queries per batch, rejected batches, progress."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.models import ImportJob
from imports.services import csv_entities
from productions.models import Comment, Entity, Task, TaskPersonLink
from tests.factories import EntityFactory, EntityTypeFactory, PersonFactory, ProjectFactory, TaskStatusFactory
from tests.imports.test_csv_imports import link_task_types, post_csv

# Small enough that SQLite, with its limit of 999 parameters per query, inserts a batch with one query per table.
BATCH_SIZE = 10


@pytest.fixture
def todo(db):
    return TaskStatusFactory(name="Todo", short_name="todo", is_default=True)


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(csv_entities, "BATCH_SIZE", BATCH_SIZE)


def shot_sheet(count, status="", assignee=""):
    lines = ["Sequence,Name,Nb Frames,Layout,Layout assignations"]
    lines += [f"SQ{index % 3},SH{index:04d},24,{status},{assignee}" for index in range(count)]
    return "\n".join(lines).encode()


def new_project():
    project = ProjectFactory(production_type="featurefilm")
    link_task_types(project, "Shot", "Layout", "Animation")
    return project


def import_queries(client, project, content, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = post_csv(client, project, "shots", "shots.csv", content, query)
    assert response.status_code == 201, response.json()
    return len(queries)


@pytest.mark.usefixtures("small_batches")
def test_queries_same_within_batch(admin_client, todo):
    # The first request of a test loads what the server caches per process: leave it out.
    import_queries(admin_client, new_project(), shot_sheet(1))
    one_row = import_queries(admin_client, new_project(), shot_sheet(3))
    full_batch = import_queries(admin_client, new_project(), shot_sheet(BATCH_SIZE))
    assert full_batch == one_row


@pytest.mark.usefixtures("small_batches")
def test_queries_bounded_per_batch(admin_client, todo):
    wip = TaskStatusFactory(name="Work In Progress", short_name="wip")
    PersonFactory(first_name="Ann", last_name="Lee", email="ann@example.com")
    one_batch = import_queries(admin_client, new_project(), shot_sheet(BATCH_SIZE, wip.short_name, "Ann Lee"))
    five_batches = import_queries(admin_client, new_project(), shot_sheet(5 * BATCH_SIZE, wip.short_name, "Ann Lee"))
    per_batch = (five_batches - one_batch) / 4
    # A savepoint and its release, one insert per table (shots, tasks, comments, assignations),
    # one update of the changed tasks and the job's progress.
    assert per_batch <= 9, (one_batch, five_batches)


@pytest.mark.usefixtures("small_batches")
def test_update_queries_bounded_per_batch(admin_client, todo):
    counts = []
    for count in (BATCH_SIZE, 5 * BATCH_SIZE):
        project = new_project()
        import_queries(admin_client, project, shot_sheet(count))
        changed = shot_sheet(count).replace(b",24,", b",48,")
        counts.append(import_queries(admin_client, project, changed, "?update=true"))
    assert (counts[1] - counts[0]) / 4 <= 5, counts


@pytest.mark.usefixtures("small_batches")
def test_batches_write_every_row(admin_client, todo):
    wip = TaskStatusFactory(name="Work In Progress", short_name="wip")
    ann = PersonFactory(first_name="Ann", last_name="Lee", email="ann@example.com")
    project = new_project()
    count = 2 * BATCH_SIZE + 5
    post_csv(admin_client, project, "shots", "shots.csv", shot_sheet(count, "wip", "ann@example.com"))
    shots = Entity.objects.filter(project=project, entity_type__name="Shot")
    assert shots.count() == count
    assert Entity.objects.filter(project=project, entity_type__name="Sequence").count() == 3
    assert Task.objects.filter(project=project).count() == 2 * count
    layout = Task.objects.filter(project=project, task_type__name="Layout")
    assert set(layout.values_list("task_status", flat=True)) == {wip.pk}
    assert Comment.objects.filter(object_id__in=layout.values("pk"), task_status=wip).count() == count
    assert TaskPersonLink.objects.filter(task__in=layout, person=ann).count() == count


@pytest.mark.usefixtures("small_batches")
def test_update_writes_only_changed_shots(admin_client, todo):
    project = new_project()
    post_csv(admin_client, project, "shots", "shots.csv", shot_sheet(BATCH_SIZE + 3))
    before = dict(Entity.objects.filter(project=project, entity_type__name="Shot").values_list("name", "updated_at"))
    changed = shot_sheet(BATCH_SIZE + 3).replace(b"SH0011,24,", b"SH0011,48,")
    response = post_csv(admin_client, project, "shots", "shots.csv", changed, "?update=true")
    assert response.status_code == 201
    after = dict(Entity.objects.filter(project=project, entity_type__name="Shot").values_list("name", "updated_at"))
    assert [name for name in after if after[name] != before[name]] == ["SH0011"]
    assert Entity.objects.get(project=project, name="SH0011").nb_frames == 48


@pytest.mark.usefixtures("small_batches")
def test_duplicate_row_in_batch_updates_first(admin_client, todo):
    project = new_project()
    content = b"Sequence,Name,Nb Frames\nSQ1,SH1,10\nSQ1,SH1,12\n"
    response = post_csv(admin_client, project, "shots", "shots.csv", content, "?update=true")
    assert response.status_code == 201
    shot = Entity.objects.get(project=project, name="SH1")
    assert shot.nb_frames == 12
    assert Task.objects.filter(entity=shot).count() == 2


@pytest.mark.usefixtures("small_batches")
def test_bad_row_leaves_no_parent(admin_client, todo):
    project = new_project()
    content = b"Sequence,Name,Nb Frames\nSQ1,SH1,10\nSQ_NEW,SH2,ten\n"
    response = post_csv(admin_client, project, "shots", "shots.csv", content)
    assert response.status_code == 400
    assert response.json()["line_number"] == 3
    assert not Entity.objects.filter(project=project, name="SQ_NEW").exists()
    assert Entity.objects.filter(project=project, name="SH1").exists()


@pytest.mark.usefixtures("small_batches")
def test_bad_row_keeps_new_asset_type_out(admin_client, todo):
    project = ProjectFactory(production_type="featurefilm")
    link_task_types(project, "Asset", "Modeling")
    content = b"Type,Name,Modeling\nBrandNewType,Hero,no-such-status\nCharacter,Sidekick,\n"
    response = post_csv(admin_client, project, "assets", "assets.csv", content)
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "Modeling"
    assert not Entity.objects.filter(project=project, name="Hero").exists()
    assert not csv_entities.EntityType.objects.filter(name="BrandNewType").exists()


def test_long_name_rejected(admin_client, todo):
    project = new_project()
    content = f"Sequence,Name\nSQ1,{'S' * 161}\nSQ1,SH2\n".encode()
    response = post_csv(admin_client, project, "shots", "shots.csv", content)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["column"] == "Name"
    assert "too long" in error["message"]
    assert Entity.objects.filter(project=project, name="SH2").exists()


def test_long_asset_type_rejected(admin_client, todo):
    project = ProjectFactory(production_type="featurefilm")
    content = f"Type,Name\n{'T' * 31},Hero\n".encode()
    response = post_csv(admin_client, project, "assets", "assets.csv", content)
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "Type"


def test_frame_count_out_of_range(admin_client, todo):
    project = new_project()
    content = b"Sequence,Name,Nb Frames\nSQ1,SH1,3000000000\nSQ1,SH2,-4\nSQ1,SH3,24\n"
    response = post_csv(admin_client, project, "shots", "shots.csv", content)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["line"] for error in errors] == [2, 3]
    assert [error["column"] for error in errors] == ["Nb Frames", "Nb Frames"]
    assert Entity.objects.get(project=project, name="SH3").nb_frames == 24


@pytest.fixture
def conflicting_flush(monkeypatch):
    """Make the database reject every flush that inserts shot SH0002, as if another import had just added it."""
    real_flush = csv_entities.EntityBatch.flush

    def flush(batch):
        for entity in batch.entities:
            if entity.name == "SH0002":
                EntityFactory(
                    project=entity.project, entity_type=entity.entity_type, parent=entity.parent, name="SH0002"
                )
        real_flush(batch)

    monkeypatch.setattr(csv_entities.EntityBatch, "flush", flush)


@pytest.mark.usefixtures("small_batches", "conflicting_flush")
def test_rejected_batch_written_row_by_row(admin_client, todo):
    project = new_project()
    sequence = EntityFactory(project=project, entity_type=EntityTypeFactory(name="Sequence"), name="SQ0")
    content = b"Sequence,Name\nSQ0,SH0001\nSQ0,SH0002\nSQ0,SH0003\n"
    response = post_csv(admin_client, project, "shots", "shots.csv", content)
    assert response.status_code == 400
    body = response.json()
    assert body["line_number"] == 3
    assert body["message"].startswith("The row could not be written")
    assert body["imported_rows"] == 2
    names = set(Entity.objects.filter(parent=sequence).values_list("name", flat=True))
    assert names == {"SH0001", "SH0003"}
    assert Task.objects.filter(project=project).count() == 4


@pytest.mark.usefixtures("small_batches", "conflicting_flush")
def test_rejected_batch_strict_writes_nothing(admin_client, todo):
    project = new_project()
    EntityFactory(project=project, entity_type=EntityTypeFactory(name="Sequence"), name="SQ0")
    content = b"Sequence,Name\nSQ0,SH0001\nSQ0,SH0002\n"
    response = post_csv(admin_client, project, "shots", "shots.csv", content, "?strict=true")
    assert response.status_code == 400
    assert not Entity.objects.filter(project=project, entity_type__name="Shot").exists()


@pytest.mark.usefixtures("small_batches")
def test_progress_recorded_per_batch(admin_client, todo, monkeypatch):
    seen = []
    real_batch_write = csv_entities.batch_write

    def batch_write(context, rows, read_row, report):
        seen.append(ImportJob.objects.get(pk=context.job.pk).progress)
        return real_batch_write(context, rows, read_row, report)

    monkeypatch.setattr(csv_entities, "batch_write", batch_write)
    response = post_csv(admin_client, new_project(), "shots", "shots.csv", shot_sheet(3 * BATCH_SIZE))
    assert response.status_code == 201
    assert seen == [0, 33, 66]
    assert ImportJob.objects.get().progress == 100
