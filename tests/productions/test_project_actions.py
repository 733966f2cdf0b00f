"""Project actions on many tasks: delete a list of tasks, delete every task of a task type, comment many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from productions.models import ApiEvent, Comment, ProjectPersonLink, Task, TaskPersonLink
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def tasks(project):
    task_type = factories.TaskTypeFactory()
    return [factories.TaskFactory(project=project, task_type=task_type) for _ in range(3)]


def member(make_client, project, role):
    client = make_client(role)
    ProjectPersonLink.objects.create(project=project, person=client.person)
    return client


def delete_path(project):
    return f"/api/actions/projects/{project.pk}/delete-tasks"


# ---- POST /actions/projects/{id}/delete-tasks ----------------------------------------------------


def test_delete_tasks_removes_listed(admin_client, project, tasks):
    factories.CommentFactory(object_id=tasks[0].pk)
    response = admin_client.post(delete_path(project), [str(tasks[0].pk), str(tasks[1].pk)], format="json")
    assert response.status_code == 200
    assert sorted(response.json()) == sorted([str(tasks[0].pk), str(tasks[1].pk)])
    assert list(Task.objects.values_list("pk", flat=True)) == [tasks[2].pk]
    assert not Comment.objects.exists()


def test_delete_tasks_events(django_capture_on_commit_callbacks, admin_client, project, tasks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(delete_path(project), [str(tasks[0].pk)], format="json")
    assert ApiEvent.objects.filter(name="task:delete").count() == 1


def test_delete_tasks_ignores_other_project(admin_client, project, tasks):
    other = factories.TaskFactory()
    response = admin_client.post(delete_path(project), [str(other.pk)], format="json")
    assert response.json() == []
    assert Task.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("body", [{"task_ids": "x"}, ["nope"], "text", 5])
def test_delete_tasks_bad_body(admin_client, project, tasks, body):
    response = admin_client.post(delete_path(project), body, format="json")
    assert response.status_code == 400
    assert "task_ids" in response.json()["message"]
    assert Task.objects.count() == 3


def test_delete_tasks_unknown_project(admin_client):
    assert admin_client.post(f"/api/actions/projects/{UNKNOWN}/delete-tasks", [], format="json").status_code == 404


def test_delete_tasks_team_manager(make_client, project, tasks):
    client = member(make_client, project, "manager")
    assert client.post(delete_path(project), [str(tasks[0].pk)], format="json").status_code == 200


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_delete_tasks_refused(make_client, project, tasks, role):
    client = member(make_client, project, role)
    assert client.post(delete_path(project), [str(tasks[0].pk)], format="json").status_code == 403
    assert Task.objects.count() == 3


def test_delete_tasks_manager_outside_team(make_client, project, tasks):
    assert make_client("manager").post(delete_path(project), [str(tasks[0].pk)], format="json").status_code == 403


def test_delete_tasks_anonymous(api_client, project):
    assert api_client.post(delete_path(project), [], format="json").status_code == 401


def test_delete_tasks_constant_queries(admin_client, project):
    task_type = factories.TaskTypeFactory()

    def queries_to_delete(count):
        ids = [str(factories.TaskFactory(project=project, task_type=task_type).pk) for _ in range(count)]
        with CaptureQueriesContext(connection) as queries:
            admin_client.post(delete_path(project), ids, format="json")
        return len(queries)

    assert queries_to_delete(2) == queries_to_delete(10)
    assert not Task.objects.exists()


# ---- DELETE /actions/projects/{id}/task-types/{id}/delete-tasks ------------------------------------


def type_path(project, task_type):
    return f"/api/actions/projects/{project.pk}/task-types/{task_type.pk}/delete-tasks"


def test_delete_task_type_tasks(admin_client, project, tasks):
    kept = factories.TaskFactory(project=project)
    assert admin_client.delete(type_path(project, tasks[0].task_type)).status_code == 204
    assert list(Task.objects.values_list("pk", flat=True)) == [kept.pk]


def test_delete_task_type_tasks_only_this_project(admin_client, project, tasks):
    other = factories.TaskFactory(task_type=tasks[0].task_type)
    admin_client.delete(type_path(project, tasks[0].task_type))
    assert Task.objects.filter(pk=other.pk).exists()


def test_delete_task_type_tasks_unknown(admin_client, project):
    assert (
        admin_client.delete(f"/api/actions/projects/{project.pk}/task-types/{UNKNOWN}/delete-tasks").status_code == 404
    )
    assert admin_client.delete(f"/api/actions/projects/{project.pk}/task-types/nope/delete-tasks").status_code == 400


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_delete_task_type_tasks_admin_only(make_client, project, tasks, role):
    client = member(make_client, project, role)
    assert client.delete(type_path(project, tasks[0].task_type)).status_code == 403
    assert Task.objects.count() == 3


def test_delete_task_type_tasks_anonymous(api_client, project, tasks):
    assert api_client.delete(type_path(project, tasks[0].task_type)).status_code == 401


# ---- POST /actions/projects/{id}/tasks/comment-many ------------------------------------------------


def comment_path(project):
    return f"/api/actions/projects/{project.pk}/tasks/comment-many"


@pytest.fixture
def wip():
    return factories.TaskStatusFactory(short_name="wip-m", is_wip=True, is_artist_allowed=True)


def items(tasks, status, text="Batch note"):
    return [{"object_id": str(task.pk), "task_status_id": str(status.pk), "comment": text} for task in tasks]


def test_comment_many(admin_client, project, tasks, wip):
    response = admin_client.post(comment_path(project), items(tasks[:2], wip), format="json")
    assert response.status_code == 201
    assert [row["text"] for row in response.json()] == ["Batch note", "Batch note"]
    assert Task.objects.filter(task_status=wip).count() == 2


def test_comment_many_other_project_task(admin_client, project, tasks, wip):
    body = items(tasks[:1], wip) + items([factories.TaskFactory()], wip)
    response = admin_client.post(comment_path(project), body, format="json")
    assert response.status_code == 400
    assert "object_id" in response.json()["message"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", [[], {"comments": []}, ["text"], [{"task_status_id": UNKNOWN}]])
def test_comment_many_bad_body(admin_client, project, body):
    assert admin_client.post(comment_path(project), body, format="json").status_code == 400


def test_comment_many_unknown_task(admin_client, project, wip):
    body = [{"object_id": UNKNOWN, "task_status_id": str(wip.pk), "comment": "x"}]
    assert admin_client.post(comment_path(project), body, format="json").status_code == 404


def test_comment_many_unknown_project(admin_client, tasks, wip):
    path = f"/api/actions/projects/{UNKNOWN}/tasks/comment-many"
    assert admin_client.post(path, items(tasks[:1], wip), format="json").status_code == 404


def test_comment_many_assigned_artist(make_client, project, tasks, wip):
    client = member(make_client, project, "user")
    TaskPersonLink.objects.create(task=tasks[0], person=client.person)
    assert client.post(comment_path(project), items(tasks[:1], wip), format="json").status_code == 201


def test_comment_many_unassigned_artist(make_client, project, tasks, wip):
    client = member(make_client, project, "user")
    assert client.post(comment_path(project), items(tasks[:1], wip), format="json").status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_comment_many_outsider(make_client, project, tasks, wip, role):
    assert make_client(role).post(comment_path(project), items(tasks[:1], wip), format="json").status_code == 403


def test_comment_many_anonymous(api_client, project, tasks, wip):
    assert api_client.post(comment_path(project), items(tasks[:1], wip), format="json").status_code == 401


# ---- closing and reopening a project -----------------------------------------------------------


def test_close_and_reopen_project(admin_client, project):
    open_status = project.project_status
    closed = factories.ProjectStatusFactory(name="Closed")
    response = admin_client.put(
        f"/api/data/projects/{project.pk}", {"project_status_id": str(closed.pk)}, format="json"
    )
    assert response.status_code == 200
    assert str(project.pk) not in [row["id"] for row in admin_client.get("/api/data/projects/open").json()]
    admin_client.put(f"/api/data/projects/{project.pk}", {"project_status_id": str(open_status.pk)}, format="json")
    assert str(project.pk) in [row["id"] for row in admin_client.get("/api/data/projects/open").json()]


def test_project_status_create(admin_client):
    response = admin_client.post("/api/data/project-status", {"name": "On hold", "color": "#999999"}, format="json")
    assert response.status_code == 201
    assert response.json()["name"] == "On hold"


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_close_project_refused(make_client, project, role):
    client = member(make_client, project, role)
    closed = factories.ProjectStatusFactory(name="Closed")
    response = client.put(f"/api/data/projects/{project.pk}", {"project_status_id": str(closed.pk)}, format="json")
    assert response.status_code == 403
