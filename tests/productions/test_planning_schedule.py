"""Milestones and schedule items: the generic collections and the project's schedule routes."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from productions.models import ApiEvent, ProjectPersonLink, ScheduleItem
from productions.services import planning as planning_services
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


def queries_of(client, url):
    """Return the number of SQL queries of one GET, which must succeed."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    return len(queries)


def moment(day):
    return timezone.make_aware(datetime.datetime.fromisoformat(day))


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def member(make_client, project):
    """Factory: member("manager") -> a client of that role in the project's team."""

    def factory(role):
        client = make_client(role)
        join_team(project, client.person)
        return client

    return factory


@pytest.fixture
def shot_type():
    return factories.EntityTypeFactory(name="Shot")


@pytest.fixture
def structure(project, shot_type):
    """An episode with one sequence, one shot and one asset, and a shot and an asset task type with tasks."""
    episode = factories.EntityFactory(
        project=project, name="E01", entity_type=factories.EntityTypeFactory(name="Episode")
    )
    sequence = factories.EntityFactory(
        project=project, name="SQ01", parent=episode, entity_type=factories.EntityTypeFactory(name="Sequence")
    )
    shot = factories.EntityFactory(project=project, name="SH01", parent=sequence, entity_type=shot_type)
    prop = factories.EntityTypeFactory(name="Prop")
    asset = factories.EntityFactory(project=project, name="Lamp", entity_type=prop, source=episode)
    shot_task_type = factories.TaskTypeFactory(for_entity="Shot")
    asset_task_type = factories.TaskTypeFactory(for_entity="Asset")
    shot_task = factories.TaskFactory(
        project=project,
        entity=shot,
        task_type=shot_task_type,
        start_date=moment("2025-02-03T00:00:00"),
        due_date=moment("2025-02-14T00:00:00"),
    )
    asset_task = factories.TaskFactory(project=project, entity=asset, task_type=asset_task_type)
    return {
        "episode": episode,
        "sequence": sequence,
        "shot": shot,
        "asset": asset,
        "prop": prop,
        "shot_task_type": shot_task_type,
        "asset_task_type": asset_task_type,
        "shot_task": shot_task,
        "asset_task": asset_task,
    }


# ---- /data/milestones ----------------------------------------------------------


def test_milestone_create_by_admin(admin_client, project, django_capture_on_commit_callbacks):
    body = {"project_id": str(project.pk), "name": "Delivery", "date": "2025-03-01"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/api/data/milestones/", body, format="json")
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["name"] == "Delivery"
    assert row["date"] == "2025-03-01"
    assert row["type"] == "Milestone"
    assert ApiEvent.objects.filter(name="milestone:new", data__milestone_id=row["id"]).exists()


def test_milestone_create_without_project(admin_client):
    response = admin_client.post("/api/data/milestones/", {"name": "Delivery"}, format="json")
    assert response.status_code == 400
    assert "project_id" in response.json()["message"]


def test_milestone_create_without_name(admin_client, project):
    response = admin_client.post("/api/data/milestones/", {"project_id": str(project.pk)}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


def test_milestone_create_bad_date(admin_client, project):
    body = {"project_id": str(project.pk), "name": "Delivery", "date": "soon"}
    response = admin_client.post("/api/data/milestones/", body, format="json")
    assert response.status_code == 400
    assert "date" in response.json()["message"]


@pytest.mark.parametrize("role,in_team,expected", [
    ("manager", True, 201),
    ("manager", False, 403),
    ("supervisor", True, 403),
    ("user", True, 403),
    ("client", True, 403),
    ("vendor", True, 403),
])  # fmt: skip
def test_milestone_create_roles(make_client, project, role, in_team, expected):
    client = make_client(role)
    if in_team:
        join_team(project, client.person)
    body = {"project_id": str(project.pk), "name": "Delivery", "date": "2025-03-01"}
    response = client.post("/api/data/milestones/", body, format="json")
    assert response.status_code == expected


def test_milestone_create_anonymous(api_client, project):
    response = api_client.post("/api/data/milestones/", {"project_id": str(project.pk), "name": "x"}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_milestone_list_admin_only(member, role):
    assert member(role).get("/api/data/milestones/").status_code == 403


def test_milestone_list_by_admin(admin_client, project):
    milestone = factories.MilestoneFactory(project=project)
    rows = admin_client.get("/api/data/milestones/", {"project_id": str(project.pk)}).json()
    assert [row["id"] for row in rows] == [str(milestone.pk)]


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 200),
    ("user", 200),
    ("client", 200),
    ("vendor", 403),
])  # fmt: skip
def test_milestone_read_roles(member, project, role, expected):
    milestone = factories.MilestoneFactory(project=project)
    assert member(role).get(f"/api/data/milestones/{milestone.pk}").status_code == expected


def test_milestone_read_outside_team(make_client, project):
    milestone = factories.MilestoneFactory(project=project)
    assert make_client("manager").get(f"/api/data/milestones/{milestone.pk}").status_code == 403


def test_milestone_read_unknown(admin_client):
    assert admin_client.get(f"/api/data/milestones/{uuid.uuid4()}").status_code == 404


def test_milestone_read_malformed_id(admin_client):
    assert admin_client.get("/api/data/milestones/nope").status_code == 400


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 403),
    ("user", 403),
    ("client", 403),
    ("vendor", 403),
])  # fmt: skip
def test_milestone_update_roles(member, project, role, expected):
    milestone = factories.MilestoneFactory(project=project)
    response = member(role).put(f"/api/data/milestones/{milestone.pk}", {"name": "Moved"}, format="json")
    assert response.status_code == expected


def test_milestone_update_keeps_project(admin_client, project):
    milestone = factories.MilestoneFactory(project=project)
    other = factories.ProjectFactory()
    admin_client.put(f"/api/data/milestones/{milestone.pk}", {"project_id": str(other.pk)}, format="json")
    milestone.refresh_from_db()
    assert milestone.project_id == project.pk


@pytest.mark.parametrize("role,expected", [("admin", 204), ("manager", 403), ("user", 403)])
def test_milestone_delete_roles(member, project, role, expected):
    milestone = factories.MilestoneFactory(project=project)
    assert member(role).delete(f"/api/data/milestones/{milestone.pk}").status_code == expected


# ---- GET /data/projects/{id}/milestones ----------------------------------------


def test_project_milestones_rows(admin_client, project):
    milestone = factories.MilestoneFactory(project=project, name="Review", date=datetime.date(2025, 3, 1))
    factories.MilestoneFactory()
    rows = admin_client.get(f"/api/data/projects/{project.pk}/milestones").json()
    assert rows == [
        {
            "id": str(milestone.pk),
            "date": "2025-03-01",
            "name": "Review",
            "project_id": str(project.pk),
            "task_type_id": None,
        }
    ]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_project_milestones_team_roles(member, project, role):
    assert member(role).get(f"/api/data/projects/{project.pk}/milestones").status_code == 200


def test_project_milestones_outside_team(make_client, project):
    assert make_client("manager").get(f"/api/data/projects/{project.pk}/milestones").status_code == 403


def test_project_milestones_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{uuid.uuid4()}/milestones").status_code == 404


def test_project_milestones_malformed_project(admin_client):
    assert admin_client.get("/api/data/projects/nope/milestones").status_code == 400


def test_project_milestones_anonymous(api_client, project):
    assert api_client.get(f"/api/data/projects/{project.pk}/milestones").status_code == 401


def test_project_milestones_query_count(admin_client, project, django_assert_max_num_queries):
    factories.MilestoneFactory.create_batch(5, project=project)
    with django_assert_max_num_queries(6):
        rows = admin_client.get(f"/api/data/projects/{project.pk}/milestones").json()
    assert len(rows) == 5


# ---- /data/schedule-items ------------------------------------------------------


def test_schedule_item_create(admin_client, project, django_capture_on_commit_callbacks):
    task_type = factories.TaskTypeFactory()
    body = {"project_id": str(project.pk), "task_type_id": str(task_type.pk), "start_date": "2025-01-06"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/api/data/schedule-items/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["start_date"] == "2025-01-06"
    assert ApiEvent.objects.filter(name="schedule-item:new").exists()


def test_schedule_item_create_duplicate(admin_client, project):
    item = factories.ScheduleItemFactory(project=project)
    body = {"project_id": str(project.pk), "task_type_id": str(item.task_type_id)}
    response = admin_client.post("/api/data/schedule-items/", body, format="json")
    assert response.status_code == 400
    assert ScheduleItem.objects.filter(project=project).count() == 1


def test_schedule_item_create_ends_before_start(admin_client, project):
    body = {"project_id": str(project.pk), "start_date": "2025-02-10", "end_date": "2025-02-01"}
    response = admin_client.post("/api/data/schedule-items/", body, format="json")
    assert response.status_code == 400
    assert "end_date" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_schedule_item_create_admin_only(member, project, role):
    body = {"project_id": str(project.pk)}
    assert member(role).post("/api/data/schedule-items/", body, format="json").status_code == 403


def test_schedule_item_update_ends_before_start(admin_client, project):
    item = factories.ScheduleItemFactory(project=project)
    response = admin_client.put(f"/api/data/schedule-items/{item.pk}", {"end_date": "2025-01-01"}, format="json")
    assert response.status_code == 400
    assert "end_date" in response.json()["message"]
    item.refresh_from_db()
    assert item.end_date == datetime.date(2026, 3, 27)


def test_schedule_item_update_dates(admin_client, project, django_capture_on_commit_callbacks):
    item = factories.ScheduleItemFactory(project=project)
    body = {"start_date": "2026-02-02", "end_date": "2026-02-20", "man_days": 4}
    with django_capture_on_commit_callbacks(execute=True):
        row = admin_client.put(f"/api/data/schedule-items/{item.pk}", body, format="json").json()
    assert (row["start_date"], row["end_date"], row["man_days"]) == ("2026-02-02", "2026-02-20", 4)
    assert ApiEvent.objects.filter(name="schedule-item:update", data__schedule_item_id=str(item.pk)).exists()


def test_schedule_item_update_empty_man_days(admin_client, project):
    item = factories.ScheduleItemFactory(project=project, man_days=3)
    row = admin_client.put(f"/api/data/schedule-items/{item.pk}", {"man_days": ""}, format="json").json()
    assert row["man_days"] is None


def test_schedule_item_update_bad_man_days(admin_client, project):
    item = factories.ScheduleItemFactory(project=project)
    response = admin_client.put(f"/api/data/schedule-items/{item.pk}", {"man_days": "many"}, format="json")
    assert response.status_code == 400
    assert "man_days" in response.json()["message"]


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 200),
    ("user", 403),
    ("client", 403),
    ("vendor", 403),
])  # fmt: skip
def test_schedule_item_update_roles(member, project, role, expected):
    item = factories.ScheduleItemFactory(project=project)
    response = member(role).put(f"/api/data/schedule-items/{item.pk}", {"man_days": 2}, format="json")
    assert response.status_code == expected


def test_schedule_item_update_other_department_supervisor(member, project):
    item = factories.ScheduleItemFactory(project=project, task_type__department=factories.DepartmentFactory())
    client = member("supervisor")
    client.person.departments.add(factories.DepartmentFactory())
    response = client.put(f"/api/data/schedule-items/{item.pk}", {"man_days": 2}, format="json")
    assert response.status_code == 403


def test_schedule_item_update_own_department_supervisor(member, project):
    department = factories.DepartmentFactory()
    item = factories.ScheduleItemFactory(project=project, task_type__department=department)
    client = member("supervisor")
    client.person.departments.add(department)
    response = client.put(f"/api/data/schedule-items/{item.pk}", {"man_days": 2}, format="json")
    assert response.status_code == 200


def test_schedule_item_update_outside_team(make_client, project):
    item = factories.ScheduleItemFactory(project=project)
    response = make_client("manager").put(f"/api/data/schedule-items/{item.pk}", {"man_days": 2}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_schedule_item_read_admin_only(member, project, role):
    item = factories.ScheduleItemFactory(project=project)
    assert member(role).get(f"/api/data/schedule-items/{item.pk}").status_code == 403


def test_schedule_item_read_unknown(admin_client):
    assert admin_client.get(f"/api/data/schedule-items/{uuid.uuid4()}").status_code == 404


def test_schedule_item_delete_by_admin(admin_client, project):
    item = factories.ScheduleItemFactory(project=project)
    assert admin_client.delete(f"/api/data/schedule-items/{item.pk}").status_code == 204
    assert not ScheduleItem.objects.filter(pk=item.pk).exists()


# ---- GET /data/projects/{id}/schedule-items ------------------------------------


def test_project_schedule_items_list_only(admin_client, project, structure):
    item = factories.ScheduleItemFactory(project=project, task_type=structure["shot_task_type"])
    rows = admin_client.get(f"/api/data/projects/{project.pk}/schedule-items").json()
    assert [row["id"] for row in rows] == [str(item.pk)]
    assert rows[0]["type"] == "ScheduleItem"


@pytest.mark.parametrize("path", ["schedule-items", "schedule-items/task-types"])
@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 200),
    ("user", 200),
    ("client", 200),
    ("vendor", 403),
])  # fmt: skip
def test_project_schedule_routes_roles(member, project, path, role, expected):
    assert member(role).get(f"/api/data/projects/{project.pk}/{path}").status_code == expected


def test_project_schedule_items_outside_team(make_client, project):
    assert make_client("user").get(f"/api/data/projects/{project.pk}/schedule-items").status_code == 403


def test_project_schedule_items_anonymous(api_client, project):
    assert api_client.get(f"/api/data/projects/{project.pk}/schedule-items/task-types").status_code == 401


def test_project_schedule_items_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{uuid.uuid4()}/schedule-items/task-types").status_code == 404


# ---- GET /data/projects/{id}/schedule-items/task-types -------------------------


def test_task_type_items_created_from_tasks(admin_client, project, structure):
    rows = admin_client.get(f"/api/data/projects/{project.pk}/schedule-items/task-types").json()
    by_type = {row["task_type_id"]: row for row in rows}
    assert set(by_type) == {str(structure["shot_task_type"].pk), str(structure["asset_task_type"].pk)}
    shot_row = by_type[str(structure["shot_task_type"].pk)]
    assert (shot_row["start_date"], shot_row["end_date"]) == ("2025-02-03", "2025-02-14")
    assert shot_row["object_id"] is None


def test_task_type_items_without_task_dates(admin_client, project, structure):
    rows = admin_client.get(f"/api/data/projects/{project.pk}/schedule-items/task-types").json()
    asset_row = next(row for row in rows if row["task_type_id"] == str(structure["asset_task_type"].pk))
    today = timezone.localdate()
    assert asset_row["start_date"] == today.isoformat()
    assert asset_row["end_date"] == (today + datetime.timedelta(days=1)).isoformat()


def test_task_type_items_sorted_by_start(admin_client, project, structure):
    rows = admin_client.get(f"/api/data/projects/{project.pk}/schedule-items/task-types").json()
    assert [row["start_date"] for row in rows] == sorted(row["start_date"] for row in rows)


def test_task_type_items_keep_stored_dates(admin_client, project, structure):
    item = factories.ScheduleItemFactory(project=project, task_type=structure["shot_task_type"])
    rows = admin_client.get(f"/api/data/projects/{project.pk}/schedule-items/task-types").json()
    shot_row = next(row for row in rows if row["id"] == str(item.pk))
    assert shot_row["start_date"] == "2026-01-05"


def test_task_type_items_created_once(admin_client, project, structure):
    url = f"/api/data/projects/{project.pk}/schedule-items/task-types"
    first = admin_client.get(url).json()
    second = admin_client.get(url).json()
    assert sorted(row["id"] for row in first) == sorted(row["id"] for row in second)
    assert ScheduleItem.objects.filter(project=project).count() == 2


def test_task_type_items_events(admin_client, project, structure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.get(f"/api/data/projects/{project.pk}/schedule-items/task-types")
    assert ApiEvent.objects.filter(name="schedule-item:new", project=project).count() == 2


def test_task_type_items_skip_other_kinds(admin_client, project, structure):
    concept_type = factories.TaskTypeFactory(for_entity="Concept")
    factories.TaskFactory(project=project, entity=structure["asset"], task_type=concept_type)
    rows = admin_client.get(f"/api/data/projects/{project.pk}/schedule-items/task-types").json()
    assert str(concept_type.pk) not in {row["task_type_id"] for row in rows}


def test_task_type_items_query_count(admin_client):
    counts = []
    for size in (1, 6):
        project = factories.ProjectFactory()
        for _ in range(size):
            factories.TaskFactory(project=project, task_type=factories.TaskTypeFactory(for_entity="Shot"))
        url = f"/api/data/projects/{project.pk}/schedule-items/task-types"
        counts.append((queries_of(admin_client, url), queries_of(admin_client, url)))
    assert counts[0] == counts[1]


# ---- GET /data/projects/{id}/schedule-items/{task_type_id}/<kind> --------------


def object_items(client, project, task_type, kind):
    return client.get(f"/api/data/projects/{project.pk}/schedule-items/{task_type.pk}/{kind}")


def test_asset_type_items(admin_client, project, structure):
    rows = object_items(admin_client, project, structure["asset_task_type"], "asset-types").json()
    assert [(row["object_id"], row["name"]) for row in rows] == [(str(structure["prop"].pk), "Prop")]
    assert rows[0]["task_type_id"] == str(structure["asset_task_type"].pk)


def test_episode_items_from_shot_tasks(admin_client, project, structure):
    rows = object_items(admin_client, project, structure["shot_task_type"], "episodes").json()
    assert [row["name"] for row in rows] == ["E01"]
    assert (rows[0]["start_date"], rows[0]["end_date"]) == ("2025-02-03", "2025-02-14")


def test_sequence_items_from_shot_tasks(admin_client, project, structure):
    rows = object_items(admin_client, project, structure["shot_task_type"], "sequences").json()
    assert [(row["object_id"], row["name"]) for row in rows] == [(str(structure["sequence"].pk), "SQ01")]
    assert (rows[0]["start_date"], rows[0]["end_date"]) == ("2025-02-03", "2025-02-14")


def test_sequence_items_created_once(admin_client, project, structure):
    object_items(admin_client, project, structure["shot_task_type"], "sequences")
    object_items(admin_client, project, structure["shot_task_type"], "sequences")
    assert ScheduleItem.objects.filter(project=project, object_id=structure["sequence"].pk).count() == 1


def test_sequence_items_sorted_by_name(admin_client, project, structure):
    factories.EntityFactory(project=project, name="SQ00", entity_type=structure["sequence"].entity_type)
    rows = object_items(admin_client, project, structure["shot_task_type"], "sequences").json()
    assert [row["name"] for row in rows] == ["SQ00", "SQ01"]


@pytest.mark.parametrize("kind", ["asset-types", "episodes", "sequences"])
def test_object_items_unknown_task_type(admin_client, project, kind):
    response = admin_client.get(f"/api/data/projects/{project.pk}/schedule-items/{uuid.uuid4()}/{kind}")
    assert response.status_code == 404


@pytest.mark.parametrize("kind", ["asset-types", "episodes", "sequences"])
def test_object_items_malformed_task_type(admin_client, project, kind):
    assert admin_client.get(f"/api/data/projects/{project.pk}/schedule-items/nope/{kind}").status_code == 400


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 200),
    ("user", 200),
    ("client", 200),
    ("vendor", 403),
])  # fmt: skip
def test_object_items_roles(member, project, structure, role, expected):
    response = object_items(member(role), project, structure["shot_task_type"], "sequences")
    assert response.status_code == expected


def test_object_items_outside_team(make_client, project, structure):
    response = object_items(make_client("manager"), project, structure["shot_task_type"], "episodes")
    assert response.status_code == 403


def test_sequence_items_query_count(admin_client, shot_type):
    sequence_type = factories.EntityTypeFactory(name="Sequence")
    task_type = factories.TaskTypeFactory(for_entity="Shot")
    counts = []
    for size in (1, 6):
        project = factories.ProjectFactory()
        for index in range(size):
            sequence = factories.EntityFactory(project=project, name=f"SQ{index}", entity_type=sequence_type)
            shot = factories.EntityFactory(project=project, parent=sequence, entity_type=shot_type)
            factories.TaskFactory(project=project, entity=shot, task_type=task_type)
        url = f"/api/data/projects/{project.pk}/schedule-items/{task_type.pk}/sequences"
        counts.append((queries_of(admin_client, url), queries_of(admin_client, url)))
    assert counts[0] == counts[1]


# ---- concurrent reads ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_reads_create_items_once(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes every write")
    project = factories.ProjectFactory()
    for for_entity in ("Shot", "Asset"):
        factories.TaskFactory(project=project, task_type=factories.TaskTypeFactory(for_entity=for_entity))
    admin = factories.PersonFactory(role="admin")
    barrier = threading.Barrier(2)
    original_lock = planning_services.project_lock
    errors = []

    def lock_after_both_read(locked_project):
        # Both readers have found the rows missing before either takes the lock.
        barrier.wait(timeout=10)
        original_lock(locked_project)

    monkeypatch.setattr(planning_services, "project_lock", lock_after_both_read)

    def read():
        try:
            with transaction.atomic():
                planning_services.task_type_schedule_items(project=project, user=admin)
        except Exception as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert ScheduleItem.objects.filter(project=project).count() == 2
