"""Route matrix of the task routes: success, bad input, unknown id and every role.

Covers the cases that the other task test modules leave out, for `/data/tasks*`,
`/actions/tasks/*` (assignation and review) and `/data/projects/{id}/tasks`.
"""

import pytest

from productions.models import ProjectPersonLink, Task, TaskPersonLink
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


def assign(task, person):
    TaskPersonLink.objects.get_or_create(task=task, person=person)


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def task(project):
    return factories.TaskFactory(project=project, task_status=factories.TaskStatusFactory(is_default=True))


@pytest.fixture
def member(make_client, project):
    """Factory: member("user") -> a client of that role in the project's team."""

    def factory(role):
        client = make_client(role)
        join_team(project, client.person)
        return client

    return factory


def task_url(task_id):
    return f"/api/data/tasks/{task_id}"


def ids_of(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()}


# ---- GET /data/tasks -------------------------------------------------------------


def test_task_list_admin_sees_all(admin_client, task):
    other = factories.TaskFactory()
    assert ids_of(admin_client.get("/api/data/tasks")) == {str(task.pk), str(other.pk)}


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_task_list_team_tasks_only(member, task, role):
    factories.TaskFactory()
    assert ids_of(member(role).get("/api/data/tasks")) == {str(task.pk)}


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_task_list_outsider_empty(make_client, task, role):
    assert ids_of(make_client(role).get("/api/data/tasks")) == set()


def test_task_list_bad_uuid_filter(admin_client, task):
    response = admin_client.get("/api/data/tasks", {"project_id": "bad"})
    assert response.status_code == 400
    assert "project_id" in response.json()["message"]


def test_task_list_without_token(api_client):
    assert api_client.get("/api/data/tasks").status_code == 401


# ---- POST /data/tasks --------------------------------------------------------------


def new_task_body(project, **extra):
    entity = factories.EntityFactory(project=project)
    task_type = factories.TaskTypeFactory(for_entity="Asset")
    return {"name": "main", "entity_id": str(entity.pk), "task_type_id": str(task_type.pk), **extra}


def test_task_create_manager_in_team(member, project, task):
    response = member("manager").post("/api/data/tasks", new_task_body(project), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["project_id"] == str(project.pk)


def test_task_create_manager_outside_team(make_client, project, task):
    response = make_client("manager").post("/api/data/tasks", new_task_body(project), format="json")
    assert response.status_code == 403
    assert Task.objects.count() == 1


@pytest.mark.parametrize("key", ["entity_id", "task_type_id"])
def test_task_create_unknown_reference(admin_client, project, task, key):
    body = new_task_body(project, **{key: UNKNOWN})
    response = admin_client.post("/api/data/tasks", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


@pytest.mark.parametrize("key", ["entity_id", "task_type_id", "task_status_id"])
def test_task_create_malformed_reference(admin_client, project, task, key):
    body = new_task_body(project, **{key: "nope"})
    response = admin_client.post("/api/data/tasks", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_task_create_missing_task_type(admin_client, project, task):
    body = new_task_body(project)
    del body["task_type_id"]
    response = admin_client.post("/api/data/tasks", body, format="json")
    assert response.status_code == 400
    assert "task_type_id" in response.json()["message"]


def test_task_create_bad_priority(admin_client, project, task):
    response = admin_client.post("/api/data/tasks", new_task_body(project, priority="high"), format="json")
    assert response.status_code == 400
    assert "priority" in response.json()["message"]


# ---- GET /data/tasks/{id} --------------------------------------------------------------


def test_task_read(admin_client, task):
    body = admin_client.get(task_url(task.pk)).json()
    assert body["id"] == str(task.pk)
    assert body["type"] == "Task"


def test_task_read_unknown(admin_client):
    assert admin_client.get(task_url(UNKNOWN)).status_code == 404


def test_task_read_malformed(admin_client):
    assert admin_client.get(task_url("nope")).status_code == 400


def test_task_read_without_token(api_client, task):
    assert api_client.get(task_url(task.pk)).status_code == 401


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_task_read_team_member(member, task, role):
    assert member(role).get(task_url(task.pk)).status_code == 200


def test_task_read_vendor_needs_assignment(member, task):
    vendor = member("vendor")
    assert vendor.get(task_url(task.pk)).status_code == 403
    assign(task, vendor.person)
    assert vendor.get(task_url(task.pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_task_read_outsider(make_client, task, role):
    assert make_client(role).get(task_url(task.pk)).status_code == 403


# ---- PUT /data/tasks/{id} ----------------------------------------------------------------


def test_task_update_by_admin(admin_client, task):
    response = admin_client.put(task_url(task.pk), {"priority": 2, "description": "x"}, format="json")
    assert response.status_code == 200
    assert response.json()["priority"] == 2
    task.refresh_from_db()
    assert task.description == "x"


def test_task_update_unknown(admin_client):
    assert admin_client.put(task_url(UNKNOWN), {"priority": 1}, format="json").status_code == 404


def test_task_update_malformed(admin_client):
    assert admin_client.put(task_url("nope"), {"priority": 1}, format="json").status_code == 400


def test_task_update_without_token(api_client, task):
    assert api_client.put(task_url(task.pk), {"priority": 1}, format="json").status_code == 401


@pytest.mark.parametrize(
    "body, key",
    [
        ({"priority": "high"}, "priority"),
        ({"estimation": "abc"}, "estimation"),
        ({"due_date": "tomorrow"}, "due_date"),
        ({"start_date": "2025-02-30"}, "start_date"),
        ({"task_status_id": "nope"}, "task_status_id"),
        ({"task_status_id": UNKNOWN}, "task_status_id"),
    ],
)
def test_task_update_bad_value(admin_client, task, body, key):
    response = admin_client.put(task_url(task.pk), body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_task_update_bad_value_writes_nothing(admin_client, task):
    admin_client.put(task_url(task.pk), {"priority": 5, "estimation": "abc"}, format="json")
    task.refresh_from_db()
    assert task.priority != 5


@pytest.mark.parametrize(
    "role, expected", [("manager", 200), ("supervisor", 200), ("user", 403), ("client", 403), ("vendor", 403)]
)
def test_task_update_by_role(member, task, role, expected):
    client = member(role)
    assign(task, client.person)
    assert client.put(task_url(task.pk), {"priority": 2}, format="json").status_code == expected


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_task_update_outsider(make_client, task, role):
    assert make_client(role).put(task_url(task.pk), {"priority": 2}, format="json").status_code == 403


# ---- DELETE /data/tasks/{id} --------------------------------------------------------------


def test_task_delete_by_admin(admin_client, task):
    assert admin_client.delete(task_url(task.pk)).status_code == 204
    assert not Task.objects.filter(pk=task.pk).exists()


def test_task_delete_unknown(admin_client):
    assert admin_client.delete(task_url(UNKNOWN)).status_code == 404


def test_task_delete_malformed(admin_client):
    assert admin_client.delete(task_url("nope")).status_code == 400


def test_task_delete_without_token(api_client, task):
    assert api_client.delete(task_url(task.pk)).status_code == 401
    assert Task.objects.filter(pk=task.pk).exists()


@pytest.mark.parametrize(
    "role, expected", [("manager", 204), ("supervisor", 403), ("user", 403), ("client", 403), ("vendor", 403)]
)
def test_task_delete_by_role(member, task, role, expected):
    client = member(role)
    assign(task, client.person)
    assert client.delete(task_url(task.pk)).status_code == expected
    assert Task.objects.filter(pk=task.pk).exists() is (expected != 204)


def test_task_delete_manager_outside_team(make_client, task):
    assert make_client("manager").delete(task_url(task.pk)).status_code == 403


# ---- GET /data/tasks/open-tasks ------------------------------------------------------------


def test_open_tasks_unknown_project(admin_client, task):
    response = admin_client.get("/api/data/tasks/open-tasks", {"project_id": UNKNOWN})
    assert response.status_code == 200
    assert response.json()["data"] == []


@pytest.mark.parametrize("key", ["due_date", "priority", "task_status_id"])
def test_open_tasks_more_bad_filters(admin_client, key):
    response = admin_client.get("/api/data/tasks/open-tasks", {key: "bad-value"})
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_open_tasks_admin_sees_all(admin_client, task):
    other = factories.TaskFactory(task_status=task.task_status)
    rows = admin_client.get("/api/data/tasks/open-tasks").json()["data"]
    assert {row["id"] for row in rows} == {str(task.pk), str(other.pk)}


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_open_tasks_outsider_empty(make_client, task, role):
    assert make_client(role).get("/api/data/tasks/open-tasks").json()["data"] == []


# ---- GET /data/tasks/open-tasks/stats -------------------------------------------------------


def test_open_tasks_stats_admin(admin_client, project, task):
    stats = admin_client.get("/api/data/tasks/open-tasks/stats").json()
    assert stats[str(project.pk)]["amount"] == 1


@pytest.mark.parametrize("role", ["manager", "supervisor", "client"])
def test_open_tasks_stats_team_roles(member, project, task, role):
    stats = member(role).get("/api/data/tasks/open-tasks/stats").json()
    assert stats[str(project.pk)]["amount"] == 1


# ---- GET /data/tasks/{id}/full ----------------------------------------------------------------


def test_full_task_admin_reads_any(admin_client, task):
    assert admin_client.get(f"{task_url(task.pk)}/full").json()["id"] == str(task.pk)


# ---- PUT /actions/tasks/{id}/assign -------------------------------------------------------------


def test_assign_malformed_task(admin_client):
    person = factories.PersonFactory()
    response = admin_client.put("/api/actions/tasks/nope/assign", {"person_id": str(person.pk)}, format="json")
    assert response.status_code == 400


def test_assign_by_admin_outside_team(admin_client, task):
    person = factories.PersonFactory()
    path = f"/api/actions/tasks/{task.pk}/assign"
    assert admin_client.put(path, {"person_id": str(person.pk)}, format="json").status_code == 200


def test_assign_rejected_writes_nothing(member, task):
    person = factories.PersonFactory()
    member("user").put(f"/api/actions/tasks/{task.pk}/assign", {"person_id": str(person.pk)}, format="json")
    assert not TaskPersonLink.objects.filter(task=task).exists()


# ---- PUT /actions/tasks/clear-assignation ---------------------------------------------------------


def test_clear_assignation_vendor_others_kept(member, task):
    vendor = member("vendor")
    assign(task, vendor.person)
    other = factories.PersonFactory()
    assign(task, other)
    body = {"task_ids": [str(task.pk)], "person_id": str(other.pk)}
    response = vendor.put("/api/actions/tasks/clear-assignation", body, format="json")
    assert response.status_code == 200
    assert response.json() == []
    assert TaskPersonLink.objects.filter(task=task, person=other).exists()


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_clear_assignation_outsider_skipped(make_client, task, role):
    assign(task, factories.PersonFactory())
    body = {"task_ids": [str(task.pk)]}
    response = make_client(role).put("/api/actions/tasks/clear-assignation", body, format="json")
    assert response.status_code == 200
    assert response.json() == []
    assert TaskPersonLink.objects.filter(task=task).count() == 1


def test_clear_assignation_unknown_person(admin_client, task):
    assign(task, factories.PersonFactory())
    body = {"task_ids": [str(task.pk)], "person_id": UNKNOWN}
    response = admin_client.put("/api/actions/tasks/clear-assignation", body, format="json")
    assert response.status_code == 400
    assert "person_id" in response.json()["message"]
    assert TaskPersonLink.objects.filter(task=task).count() == 1


# ---- PUT /actions/tasks/{id}/to-review ------------------------------------------------------------


def to_review_url(task_id):
    return f"/api/actions/tasks/{task_id}/to-review"


def test_to_review_team_client(member, task):
    assert member("client").put(to_review_url(task.pk), {}, format="json").status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_to_review_outsider(make_client, task, role):
    assert make_client(role).put(to_review_url(task.pk), {}, format="json").status_code == 403


def test_to_review_malformed_task(admin_client):
    assert admin_client.put(to_review_url("nope"), {}, format="json").status_code == 400


def test_to_review_rejected_keeps_status(member, task):
    status_id = task.task_status_id
    member("user").put(to_review_url(task.pk), {}, format="json")
    task.refresh_from_db()
    assert task.task_status_id == status_id


def test_to_review_bad_revision(admin_client, task):
    response = admin_client.put(to_review_url(task.pk), {"revision": "two"}, format="json")
    assert response.status_code == 400
    assert "revision" in response.json()["message"]


# ---- GET /data/projects/{id}/tasks ------------------------------------------------------------------


def test_project_tasks_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{UNKNOWN}/tasks").status_code == 404


def test_project_tasks_malformed_project(admin_client):
    assert admin_client.get("/api/data/projects/nope/tasks").status_code == 400


def test_project_tasks_bad_page(admin_client, project, task):
    response = admin_client.get(f"/api/data/projects/{project.pk}/tasks", {"page": "bad"})
    assert response.status_code == 400
    assert "page" in response.json()["message"]


def test_project_tasks_bad_episode(admin_client, project, task):
    response = admin_client.get(f"/api/data/projects/{project.pk}/tasks", {"episode_id": "bad"})
    assert response.status_code == 400
    assert "episode_id" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_project_tasks_outsider(make_client, project, task, role):
    assert make_client(role).get(f"/api/data/projects/{project.pk}/tasks").status_code == 403


# ---- supervisors and departments on PUT /data/tasks/{id} ---------------------------------------


def test_task_update_supervisor_own_department(member, task):
    department = factories.DepartmentFactory()
    task.task_type.department = department
    task.task_type.save()
    supervisor = member("supervisor")
    supervisor.person.departments.add(department)
    assert supervisor.put(task_url(task.pk), {"priority": 2}, format="json").status_code == 200


def test_task_update_supervisor_other_department(member, task):
    task.task_type.department = factories.DepartmentFactory()
    task.task_type.save()
    supervisor = member("supervisor")
    supervisor.person.departments.add(factories.DepartmentFactory())
    assert supervisor.put(task_url(task.pk), {"priority": 2}, format="json").status_code == 403
    task.refresh_from_db()
    assert task.priority != 2


# ---- GET /data/tasks?episode_id= -----------------------------------------------------------------


def test_task_list_episode_filter(admin_client, project):
    episode_type = factories.EntityTypeFactory(name="Episode")
    sequence_type = factories.EntityTypeFactory(name="Sequence")
    shot_type = factories.EntityTypeFactory(name="Shot")
    tasks = []
    for name in ("E01", "E02"):
        episode = factories.EntityFactory(project=project, name=name, entity_type=episode_type)
        sequence = factories.EntityFactory(project=project, parent=episode, entity_type=sequence_type)
        shot = factories.EntityFactory(project=project, parent=sequence, entity_type=shot_type)
        tasks.append(factories.TaskFactory(project=project, entity=shot))
    rows = admin_client.get("/api/data/tasks", {"episode_id": str(tasks[0].entity.parent.parent_id)}).json()
    assert [row["id"] for row in rows] == [str(tasks[0].pk)]
