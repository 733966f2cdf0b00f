"""Production schedule versions, their task links, and the actions that copy and apply them."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from productions.models import (
    ApiEvent,
    ProductionScheduleVersion,
    ProductionScheduleVersionTaskLink,
    Project,
    ProjectPersonLink,
    Task,
    TaskPersonLink,
)
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
START = "2025-02-03T00:00:00"
DUE = "2025-02-14T00:00:00"


def moment(value):
    return timezone.make_aware(datetime.datetime.fromisoformat(value))


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


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
def version(project):
    return factories.ProductionScheduleVersionFactory(project=project)


@pytest.fixture
def task(project):
    return factories.TaskFactory(project=project, start_date=moment(START), due_date=moment(DUE), estimation=5)


def add_tasks(project, count):
    """Create `count` planned tasks in the project, each with one assignee."""
    tasks = []
    for _ in range(count):
        task = factories.TaskFactory(project=project, start_date=moment(START), due_date=moment(DUE), estimation=2)
        TaskPersonLink.objects.create(task=task, person=factories.PersonFactory())
        tasks.append(task)
    return tasks


def action(client, version, name, body=None):
    return client.post(f"/api/actions/production-schedule-versions/{version.pk}/{name}", body or {}, format="json")


def action_queries(client, version, name, body=None):
    with CaptureQueriesContext(connection) as queries:
        response = action(client, version, name, body)
    assert response.status_code == 200, response.json()
    return len(queries)


# ---- /data/production-schedule-versions ----------------------------------------


def test_version_create(admin_client, project, django_capture_on_commit_callbacks):
    body = {"name": "Plan A", "project_id": str(project.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/api/data/production-schedule-versions", body, format="json")
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["name"], row["locked"], row["production_schedule_from"]) == ("Plan A", False, None)
    assert ApiEvent.objects.filter(name="production-schedule-version:new").exists()


def test_version_create_without_project(admin_client):
    response = admin_client.post("/api/data/production-schedule-versions", {"name": "Plan"}, format="json")
    assert response.status_code == 400
    assert "project_id" in response.json()["message"]


def test_version_create_duplicate_name(admin_client, version):
    body = {"name": version.name, "project_id": str(version.project_id)}
    response = admin_client.post("/api/data/production-schedule-versions", body, format="json")
    assert response.status_code == 400


def test_version_create_source_of_other_project(admin_client, project):
    source = factories.ProductionScheduleVersionFactory()
    body = {"name": "Plan", "project_id": str(project.pk), "production_schedule_from": str(source.pk)}
    response = admin_client.post("/api/data/production-schedule-versions", body, format="json")
    assert response.status_code == 400
    assert "production_schedule_from" in response.json()["message"]


@pytest.mark.parametrize("role,in_team,expected", [
    ("manager", True, 201),
    ("manager", False, 403),
    ("supervisor", True, 403),
    ("user", True, 403),
    ("client", True, 403),
    ("vendor", True, 403),
])  # fmt: skip
def test_version_create_roles(make_client, project, role, in_team, expected):
    client = make_client(role)
    if in_team:
        join_team(project, client.person)
    body = {"name": "Plan", "project_id": str(project.pk)}
    assert client.post("/api/data/production-schedule-versions", body, format="json").status_code == expected


def test_version_create_anonymous(api_client, project):
    body = {"name": "Plan", "project_id": str(project.pk)}
    assert api_client.post("/api/data/production-schedule-versions", body, format="json").status_code == 401


def test_version_list_by_admin(admin_client, version):
    factories.ProductionScheduleVersionFactory()
    rows = admin_client.get("/api/data/production-schedule-versions").json()
    assert len(rows) == 2


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 200),
    ("user", 200),
    ("client", 403),
    ("vendor", 403),
])  # fmt: skip
def test_version_list_of_project_roles(member, project, version, role, expected):
    factories.ProductionScheduleVersionFactory()
    response = member(role).get("/api/data/production-schedule-versions", {"project_id": str(project.pk)})
    assert response.status_code == expected
    if expected == 200:
        assert [row["id"] for row in response.json()] == [str(version.pk)]


def test_version_list_without_project_filter(member, version):
    assert member("manager").get("/api/data/production-schedule-versions").status_code == 403


def test_version_list_of_other_project(member, version):
    other = factories.ProjectFactory()
    response = member("manager").get("/api/data/production-schedule-versions", {"project_id": str(other.pk)})
    assert response.status_code == 403


def test_version_list_malformed_project_filter(member, version):
    response = member("manager").get("/api/data/production-schedule-versions", {"project_id": "nope"})
    assert response.status_code == 400


def test_version_list_query_count(admin_client, project, django_assert_max_num_queries):
    factories.ProductionScheduleVersionFactory.create_batch(6, project=project)
    with django_assert_max_num_queries(5):
        rows = admin_client.get("/api/data/production-schedule-versions", {"project_id": str(project.pk)}).json()
    assert len(rows) == 6


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 200),
    ("user", 200),
    ("client", 403),
    ("vendor", 403),
])  # fmt: skip
def test_version_read_roles(member, version, role, expected):
    assert member(role).get(f"/api/data/production-schedule-versions/{version.pk}").status_code == expected


def test_version_read_outside_team(make_client, version):
    assert make_client("user").get(f"/api/data/production-schedule-versions/{version.pk}").status_code == 403


def test_version_read_unknown(admin_client):
    assert admin_client.get(f"/api/data/production-schedule-versions/{uuid.uuid4()}").status_code == 404


def test_version_read_malformed_id(admin_client):
    assert admin_client.get("/api/data/production-schedule-versions/nope").status_code == 400


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 403),
    ("user", 403),
    ("client", 403),
    ("vendor", 403),
])  # fmt: skip
def test_version_update_roles(member, version, role, expected):
    url = f"/api/data/production-schedule-versions/{version.pk}"
    assert member(role).put(url, {"name": "Renamed"}, format="json").status_code == expected


def test_version_update_keeps_project(admin_client, version):
    other = factories.ProjectFactory()
    url = f"/api/data/production-schedule-versions/{version.pk}"
    admin_client.put(url, {"project_id": str(other.pk)}, format="json")
    version.refresh_from_db()
    assert version.project_id != other.pk


@pytest.mark.parametrize("role,expected", [("admin", 204), ("manager", 403), ("user", 403)])
def test_version_delete_roles(member, version, role, expected):
    assert member(role).delete(f"/api/data/production-schedule-versions/{version.pk}").status_code == expected


def test_version_delete_removes_links(admin_client, version, task):
    factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    admin_client.delete(f"/api/data/production-schedule-versions/{version.pk}")
    assert not ProductionScheduleVersionTaskLink.objects.filter(task=task).exists()


def test_version_delete_followed_by_project(admin_client, project, version):
    Project.objects.filter(pk=project.pk).update(from_schedule_version_id=version.pk)
    response = admin_client.delete(f"/api/data/production-schedule-versions/{version.pk}")
    assert response.status_code == 400
    assert ProductionScheduleVersion.objects.filter(pk=version.pk).exists()


# ---- /data/production-schedule-version-task-links ------------------------------


def link_body(version, task, **extra):
    return {"production_schedule_version_id": str(version.pk), "task_id": str(task.pk), **extra}


def test_link_create(admin_client, version, task):
    body = link_body(version, task, start_date=START, due_date=DUE)
    response = admin_client.post("/api/data/production-schedule-version-task-links", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["due_date"] == DUE


def test_link_create_duplicate(admin_client, version, task):
    factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    response = admin_client.post("/api/data/production-schedule-version-task-links", link_body(version, task))
    assert response.status_code == 400
    assert "task_id" in response.json()["message"]


def test_link_create_task_of_other_project(admin_client, version):
    other_task = factories.TaskFactory()
    response = admin_client.post("/api/data/production-schedule-version-task-links", link_body(version, other_task))
    assert response.status_code == 400
    assert "task_id" in response.json()["message"]


def test_link_create_due_before_start(admin_client, version, task):
    body = link_body(version, task, start_date=DUE, due_date=START)
    response = admin_client.post("/api/data/production-schedule-version-task-links", body, format="json")
    assert response.status_code == 400
    assert "due_date" in response.json()["message"]


def test_link_create_unknown_assignee(admin_client, version, task):
    body = link_body(version, task, assignees=[str(uuid.uuid4())])
    response = admin_client.post("/api/data/production-schedule-version-task-links", body, format="json")
    assert response.status_code == 400
    assert "assignees" in response.json()["message"]


def test_link_create_in_locked_version(admin_client, version, task):
    version.locked = True
    version.save()
    response = admin_client.post("/api/data/production-schedule-version-task-links", link_body(version, task))
    assert response.status_code == 400
    assert "locked" in response.json()["message"]


@pytest.mark.parametrize("role,expected", [
    ("manager", 201),
    ("supervisor", 403),
    ("user", 403),
    ("client", 403),
    ("vendor", 403),
])  # fmt: skip
def test_link_create_roles(member, version, task, role, expected):
    response = member(role).post("/api/data/production-schedule-version-task-links", link_body(version, task))
    assert response.status_code == expected


def test_link_update_dates(admin_client, version, task):
    link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    url = f"/api/data/production-schedule-version-task-links/{link.pk}"
    row = admin_client.put(url, {"due_date": "2025-02-21T00:00:00"}, format="json").json()
    assert row["due_date"] == "2025-02-21T00:00:00"


def test_link_update_keeps_task(admin_client, version, task):
    link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    other_task = factories.TaskFactory(project=version.project)
    url = f"/api/data/production-schedule-version-task-links/{link.pk}"
    admin_client.put(url, {"task_id": str(other_task.pk)}, format="json")
    link.refresh_from_db()
    assert link.task_id == task.pk


def test_link_update_in_locked_version(admin_client, version, task):
    link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    version.locked = True
    version.save()
    url = f"/api/data/production-schedule-version-task-links/{link.pk}"
    assert admin_client.put(url, {"estimation": 3}, format="json").status_code == 400


@pytest.mark.parametrize("role,read,write", [
    ("manager", 200, 200),
    ("supervisor", 200, 403),
    ("user", 200, 403),
    ("client", 403, 403),
    ("vendor", 403, 403),
])  # fmt: skip
def test_link_read_and_update_roles(member, version, task, role, read, write):
    link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    client = member(role)
    url = f"/api/data/production-schedule-version-task-links/{link.pk}"
    assert client.get(url).status_code == read
    assert client.put(url, {"estimation": 3}, format="json").status_code == write


@pytest.mark.parametrize("role,expected", [("manager", 204), ("supervisor", 403), ("user", 403)])
def test_link_delete_roles(member, version, task, role, expected):
    link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    url = f"/api/data/production-schedule-version-task-links/{link.pk}"
    assert member(role).delete(url).status_code == expected


def test_link_read_unknown(admin_client):
    assert admin_client.get(f"/api/data/production-schedule-version-task-links/{uuid.uuid4()}").status_code == 404


def test_link_list_of_project(member, project, version, task):
    link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    factories.ProductionScheduleVersionTaskLinkFactory()
    rows = member("user").get("/api/data/production-schedule-version-task-links", {"project_id": str(project.pk)})
    assert [row["id"] for row in rows.json()] == [str(link.pk)]


def test_link_list_without_project_filter(member, version):
    assert member("manager").get("/api/data/production-schedule-version-task-links").status_code == 403


# ---- GET /data/production-schedule-versions/{id}/task-links ---------------------


def test_version_task_links_filter_task_type(admin_client, version, task):
    link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version)
    url = f"/api/data/production-schedule-versions/{version.pk}/task-links"
    rows = admin_client.get(url, {"task_type_id": str(task.task_type_id)}).json()
    assert [row["id"] for row in rows] == [str(link.pk)]


def test_version_task_links_relations(admin_client, version, task):
    link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    person = factories.PersonFactory()
    link.assignees.add(person)
    url = f"/api/data/production-schedule-versions/{version.pk}/task-links"
    rows = admin_client.get(url, {"relations": "true"}).json()
    assert rows[0]["assignees"] == [str(person.pk)]


def test_version_task_links_malformed_task_type(admin_client, version):
    url = f"/api/data/production-schedule-versions/{version.pk}/task-links"
    assert admin_client.get(url, {"task_type_id": "nope"}).status_code == 400


def test_version_task_links_unknown_version(admin_client):
    assert admin_client.get(f"/api/data/production-schedule-versions/{uuid.uuid4()}/task-links").status_code == 404


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 200),
    ("user", 200),
    ("client", 403),
    ("vendor", 403),
])  # fmt: skip
def test_version_task_links_roles(member, version, role, expected):
    assert member(role).get(f"/api/data/production-schedule-versions/{version.pk}/task-links").status_code == expected


def test_version_task_links_anonymous(api_client, version):
    assert api_client.get(f"/api/data/production-schedule-versions/{version.pk}/task-links").status_code == 401


def test_version_task_links_query_count(admin_client, project, version):
    counts = []
    for size in (1, 6):
        for task in add_tasks(project, size):
            link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
            link.assignees.add(factories.PersonFactory())
        url = f"/api/data/production-schedule-versions/{version.pk}/task-links?relations=true"
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# ---- POST /actions/production-schedule-versions/{id}/set-task-links-from-production


def test_links_from_production_values(admin_client, version, task):
    person = factories.PersonFactory()
    TaskPersonLink.objects.create(task=task, person=person)
    rows = action(admin_client, version, "set-task-links-from-production").json()
    assert len(rows) == 1
    assert (rows[0]["task_id"], rows[0]["start_date"], rows[0]["due_date"]) == (str(task.pk), START, DUE)
    assert rows[0]["estimation"] == 5
    assert rows[0]["assignees"] == [str(person.pk)]


def test_links_from_production_keeps_link_ids(admin_client, version, task):
    first = action(admin_client, version, "set-task-links-from-production").json()
    Task.objects.filter(pk=task.pk).update(estimation=8)
    second = action(admin_client, version, "set-task-links-from-production").json()
    assert second[0]["id"] == first[0]["id"]
    assert second[0]["estimation"] == 8


def test_links_from_production_replaces_assignees(admin_client, version, task):
    link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    link.assignees.add(factories.PersonFactory())
    rows = action(admin_client, version, "set-task-links-from-production").json()
    assert rows[0]["assignees"] == []


def test_links_from_production_locked(admin_client, version, task):
    version.locked = True
    version.save()
    response = action(admin_client, version, "set-task-links-from-production")
    assert response.status_code == 400
    assert not ProductionScheduleVersionTaskLink.objects.exists()


def test_links_from_production_event(admin_client, version, task, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        action(admin_client, version, "set-task-links-from-production")
    assert ApiEvent.objects.filter(name="production-schedule-version:update").exists()


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 403),
    ("user", 403),
    ("client", 403),
    ("vendor", 403),
])  # fmt: skip
def test_links_from_production_roles(member, version, task, role, expected):
    assert action(member(role), version, "set-task-links-from-production").status_code == expected


def test_links_from_production_outside_team(make_client, version):
    assert action(make_client("manager"), version, "set-task-links-from-production").status_code == 403


def test_links_from_production_unknown_version(admin_client):
    response = admin_client.post(
        f"/api/actions/production-schedule-versions/{uuid.uuid4()}/set-task-links-from-production"
    )
    assert response.status_code == 404


def test_links_from_production_anonymous(api_client, version):
    assert action(api_client, version, "set-task-links-from-production").status_code == 401


def test_links_from_production_query_count(admin_client):
    counts = []
    for size in (1, 8):
        version = factories.ProductionScheduleVersionFactory()
        add_tasks(version.project, size)
        counts.append(action_queries(admin_client, version, "set-task-links-from-production"))
    assert counts[0] == counts[1]


# ---- POST .../set-task-links-from-production-schedule-version --------------------


def copy_from(client, version, source_id):
    body = {"production_schedule_version_id": str(source_id)}
    return action(client, version, "set-task-links-from-production-schedule-version", body)


def test_links_from_version_values(admin_client, project, version, task):
    source = factories.ProductionScheduleVersionFactory(project=project)
    link = factories.ProductionScheduleVersionTaskLinkFactory(
        production_schedule_version=source, task=task, due_date=moment("2025-03-01T00:00:00"), estimation=4
    )
    person = factories.PersonFactory()
    link.assignees.add(person)
    rows = copy_from(admin_client, version, source.pk).json()
    assert (rows[0]["task_id"], rows[0]["due_date"], rows[0]["estimation"]) == (str(task.pk), "2025-03-01T00:00:00", 4)
    assert rows[0]["assignees"] == [str(person.pk)]
    version.refresh_from_db()
    assert version.production_schedule_from_id == source.pk


def test_links_from_version_of_other_project(admin_client, version):
    source = factories.ProductionScheduleVersionFactory()
    response = copy_from(admin_client, version, source.pk)
    assert response.status_code == 400
    assert "production_schedule_version_id" in response.json()["message"]


def test_links_from_same_version(admin_client, version):
    assert copy_from(admin_client, version, version.pk).status_code == 400


def test_links_from_version_missing_id(admin_client, version):
    response = action(admin_client, version, "set-task-links-from-production-schedule-version", {})
    assert response.status_code == 400
    assert "production_schedule_version_id" in str(response.json()["message"])


def test_links_from_version_malformed_id(admin_client, version):
    assert copy_from(admin_client, version, "nope").status_code == 400


def test_links_from_version_unknown_id(admin_client, version):
    assert copy_from(admin_client, version, uuid.uuid4()).status_code == 404


def test_links_from_version_locked(admin_client, project, version):
    source = factories.ProductionScheduleVersionFactory(project=project)
    version.locked = True
    version.save()
    assert copy_from(admin_client, version, source.pk).status_code == 400


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 403),
    ("user", 403),
    ("client", 403),
    ("vendor", 403),
])  # fmt: skip
def test_links_from_version_roles(member, project, version, role, expected):
    source = factories.ProductionScheduleVersionFactory(project=project)
    assert copy_from(member(role), version, source.pk).status_code == expected


def test_links_from_version_query_count(admin_client):
    counts = []
    for size in (1, 8):
        project = factories.ProjectFactory()
        source = factories.ProductionScheduleVersionFactory(project=project)
        for task in add_tasks(project, size):
            link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=source, task=task)
            link.assignees.add(factories.PersonFactory())
        version = factories.ProductionScheduleVersionFactory(project=project)
        body = {"production_schedule_version_id": str(source.pk)}
        counts.append(action_queries(admin_client, version, "set-task-links-from-production-schedule-version", body))
    assert counts[0] == counts[1]


# ---- POST .../apply-to-production ------------------------------------------------


def test_apply_writes_tasks(admin_client, project, version, task):
    person = factories.PersonFactory()
    TaskPersonLink.objects.create(task=task, person=factories.PersonFactory())
    link = factories.ProductionScheduleVersionTaskLinkFactory(
        production_schedule_version=version,
        task=task,
        start_date=moment("2025-03-03T00:00:00"),
        due_date=moment("2025-03-21T00:00:00"),
        estimation=9,
    )
    link.assignees.add(person)
    rows = action(admin_client, version, "apply-to-production").json()
    assert (rows[0]["id"], rows[0]["due_date"], rows[0]["assignees"]) == (
        str(task.pk),
        "2025-03-21T00:00:00",
        [str(person.pk)],
    )
    task.refresh_from_db()
    assert (task.start_date, task.due_date, task.estimation) == (
        moment("2025-03-03T00:00:00"),
        moment("2025-03-21T00:00:00"),
        9,
    )
    assert list(task.assignees.values_list("pk", flat=True)) == [person.pk]


def test_apply_locks_version(admin_client, project, version, task):
    factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    action(admin_client, version, "apply-to-production")
    version.refresh_from_db()
    project.refresh_from_db()
    assert version.locked is True
    assert project.from_schedule_version_id == version.pk


def test_apply_leaves_other_tasks(admin_client, project, version, task):
    other = factories.TaskFactory(project=project, estimation=7)
    factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task, estimation=1)
    action(admin_client, version, "apply-to-production")
    other.refresh_from_db()
    assert other.estimation == 7


def test_apply_task_events(admin_client, project, version, django_capture_on_commit_callbacks):
    for task in add_tasks(project, 3):
        factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
    with django_capture_on_commit_callbacks(execute=True):
        action(admin_client, version, "apply-to-production")
    assert ApiEvent.objects.filter(name="task:update", project=project).count() == 3


@pytest.mark.parametrize("role,expected", [
    ("manager", 200),
    ("supervisor", 403),
    ("user", 403),
    ("client", 403),
    ("vendor", 403),
])  # fmt: skip
def test_apply_roles(member, version, task, role, expected):
    factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task, estimation=1)
    assert action(member(role), version, "apply-to-production").status_code == expected
    task.refresh_from_db()
    assert (task.estimation == 1) == (expected == 200)


def test_apply_unknown_version(admin_client):
    response = admin_client.post(f"/api/actions/production-schedule-versions/{uuid.uuid4()}/apply-to-production")
    assert response.status_code == 404


def test_apply_malformed_version(admin_client):
    assert admin_client.post("/api/actions/production-schedule-versions/nope/apply-to-production").status_code == 400


def test_apply_query_count(admin_client):
    counts = []
    for size in (1, 8):
        version = factories.ProductionScheduleVersionFactory()
        for task in add_tasks(version.project, size):
            link = factories.ProductionScheduleVersionTaskLinkFactory(production_schedule_version=version, task=task)
            link.assignees.add(factories.PersonFactory())
        counts.append(action_queries(admin_client, version, "apply-to-production"))
    assert counts[0] == counts[1]
