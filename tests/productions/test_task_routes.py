"""Task routes beyond the generic CRUD: full task, open tasks, comments, assignation, review, bulk creation."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Department
from productions.models import ApiEvent, Comment, ProjectPersonLink, Task, TaskPersonLink
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


def assign(task, person):
    TaskPersonLink.objects.get_or_create(task=task, person=person)


@pytest.fixture
def statuses():
    return {
        "todo": factories.TaskStatusFactory(short_name="todo-t", is_default=True),
        "wip": factories.TaskStatusFactory(short_name="wip-t", is_wip=True),
        "wfa": factories.TaskStatusFactory(short_name="wfa-t", is_feedback_request=True),
        "retake": factories.TaskStatusFactory(short_name="retake-t", is_retake=True),
        "done": factories.TaskStatusFactory(short_name="done-t", is_done=True),
        "approved": factories.TaskStatusFactory(
            short_name="appr-t", is_done=True, is_artist_allowed=False, is_client_allowed=False
        ),
    }


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def shot_setup(project):
    """A shot SH010 in sequence SQ01 in episode E01, with a shot task type."""
    episode = factories.EntityFactory(
        project=project, name="E01", entity_type=factories.EntityTypeFactory(name="Episode")
    )
    sequence = factories.EntityFactory(
        project=project, name="SQ01", parent=episode, entity_type=factories.EntityTypeFactory(name="Sequence")
    )
    shot = factories.EntityFactory(
        project=project, name="SH010", parent=sequence, entity_type=factories.EntityTypeFactory(name="Shot")
    )
    task_type = factories.TaskTypeFactory(for_entity="Shot")
    return {"episode": episode, "sequence": sequence, "shot": shot, "task_type": task_type}


@pytest.fixture
def task(project, statuses):
    return factories.TaskFactory(project=project, task_status=statuses["todo"])


@pytest.fixture
def member(make_client, project):
    """Factory: member("user") -> a client of that role in the project's team."""

    def factory(role):
        client = make_client(role)
        join_team(project, client.person)
        return client

    return factory


def make_tasks(project, count, status):
    task_type = factories.TaskTypeFactory()
    return [factories.TaskFactory(project=project, task_type=task_type, task_status=status) for _ in range(count)]


def count_queries(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.json()
    return len(queries)


# ---- GET /data/tasks/{id}/full ------------------------------------------------------


def test_full_task_shape(admin_client, project, shot_setup, statuses):
    task = factories.TaskFactory(
        project=project, entity=shot_setup["shot"], task_type=shot_setup["task_type"], task_status=statuses["wip"]
    )
    artist = factories.PersonFactory()
    assign(task, artist)
    body = admin_client.get(f"/api/data/tasks/{task.pk}/full").json()
    assert body["id"] == str(task.pk)
    assert body["entity"]["id"] == str(shot_setup["shot"].pk)
    assert body["entity"]["type"] == "Entity"
    assert body["entity_type"]["name"] == "Shot"
    assert body["task_status"]["id"] == str(statuses["wip"].pk)
    assert body["task_type"]["id"] == str(shot_setup["task_type"].pk)
    assert body["project"]["id"] == str(project.pk)
    assert body["assignees"] == [str(artist.pk)]
    assert [person["id"] for person in body["persons"]] == [str(artist.pk)]
    assert body["sequence"]["id"] == str(shot_setup["sequence"].pk)
    assert body["episode"]["id"] == str(shot_setup["episode"].pk)
    assert body["is_subscribed"] is False


def test_full_task_asset_has_no_sequence(admin_client, task):
    body = admin_client.get(f"/api/data/tasks/{task.pk}/full").json()
    assert "sequence" not in body
    assert "episode" not in body


def test_full_task_unknown_id(admin_client):
    assert admin_client.get(f"/api/data/tasks/{uuid.uuid4()}/full").status_code == 404


def test_full_task_malformed_id(admin_client):
    assert admin_client.get("/api/data/tasks/nope/full").status_code == 400


def test_full_task_without_token(api_client, task):
    assert api_client.get(f"/api/data/tasks/{task.pk}/full").status_code == 401


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_full_task_team_member(member, task, role):
    assert member(role).get(f"/api/data/tasks/{task.pk}/full").status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_full_task_outsider_refused(make_client, task, role):
    assert make_client(role).get(f"/api/data/tasks/{task.pk}/full").status_code == 403


def test_full_task_vendor_needs_assignment(member, task):
    vendor = member("vendor")
    assert vendor.get(f"/api/data/tasks/{task.pk}/full").status_code == 403
    assign(task, vendor.person)
    assert vendor.get(f"/api/data/tasks/{task.pk}/full").status_code == 200


def test_full_task_hides_private_person_columns(member, task):
    assign(task, factories.PersonFactory())
    body = member("user").get(f"/api/data/tasks/{task.pk}/full").json()
    assert "email" not in body["persons"][0]


# ---- GET /data/tasks/open-tasks -----------------------------------------------------


def test_open_tasks_lists_project_tasks(admin_client, project, task):
    body = admin_client.get("/api/data/tasks/open-tasks", {"project_id": str(project.pk)}).json()
    assert [row["id"] for row in body["data"]] == [str(task.pk)]
    assert body["stats"]["total"] == 1
    assert body["stats"]["status"] == [{"task_status_id": str(task.task_status_id), "amount": 1}]
    assert body["page"] == 1
    assert body["is_more"] is False


def test_open_tasks_row_columns(admin_client, project, shot_setup, statuses):
    factories.TaskFactory(
        project=project, entity=shot_setup["shot"], task_type=shot_setup["task_type"], task_status=statuses["todo"]
    )
    row = admin_client.get("/api/data/tasks/open-tasks").json()["data"][0]
    assert row["project_name"] == project.name
    assert row["entity_name"] == "SH010"
    assert row["sequence_name"] == "SQ01"
    assert row["episode_id"] == str(shot_setup["episode"].pk)
    assert row["episode_name"] == "E01"
    assert row["status_short_name"] == "todo-t"
    assert row["type_name"] == shot_setup["task_type"].name


def test_open_tasks_empty_stats(admin_client):
    body = admin_client.get("/api/data/tasks/open-tasks").json()
    assert body["data"] == []
    assert body["stats"] == {"total_duration": 0, "total_estimation": 0, "total": 0, "status": []}


def test_open_tasks_hides_closed_projects(admin_client, statuses):
    factories.TaskFactory(project=factories.ClosedProjectFactory(), task_status=statuses["todo"])
    assert admin_client.get("/api/data/tasks/open-tasks").json()["data"] == []


def test_open_tasks_paging(admin_client, project, statuses):
    make_tasks(project, 3, statuses["todo"])
    first = admin_client.get("/api/data/tasks/open-tasks", {"limit": 2, "page": 1}).json()
    second = admin_client.get("/api/data/tasks/open-tasks", {"limit": 2, "page": 2}).json()
    assert len(first["data"]) == 2
    assert first["is_more"] is True
    assert len(second["data"]) == 1
    assert second["stats"]["total"] == 3
    assert not {row["id"] for row in first["data"]} & {row["id"] for row in second["data"]}


def test_open_tasks_filters(admin_client, project, statuses):
    todo_task, wip_task = make_tasks(project, 2, statuses["todo"])
    wip_task.task_status = statuses["wip"]
    wip_task.save()
    artist = factories.PersonFactory()
    assign(todo_task, artist)

    def ids(**params):
        return [row["id"] for row in admin_client.get("/api/data/tasks/open-tasks", params).json()["data"]]

    assert ids(task_status_id=str(statuses["wip"].pk)) == [str(wip_task.pk)]
    assert ids(person_id=str(artist.pk)) == [str(todo_task.pk)]
    assert ids(person_id="unassigned") == [str(wip_task.pk)]


@pytest.mark.parametrize("key", ["project_id", "task_type_id", "person_id", "start_date", "limit", "page"])
def test_open_tasks_bad_filter(admin_client, key):
    response = admin_client.get("/api/data/tasks/open-tasks", {key: "bad-value"})
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_open_tasks_without_token(api_client):
    assert api_client.get("/api/data/tasks/open-tasks").status_code == 401


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_open_tasks_team_projects_only(member, project, task, statuses, role):
    factories.TaskFactory(task_status=statuses["todo"])
    body = member(role).get("/api/data/tasks/open-tasks").json()
    assert [row["id"] for row in body["data"]] == [str(task.pk)]


def test_open_tasks_vendor_sees_assigned_only(member, project, statuses):
    mine, other = make_tasks(project, 2, statuses["todo"])
    vendor = member("vendor")
    assign(mine, vendor.person)
    body = vendor.get("/api/data/tasks/open-tasks").json()
    assert [row["id"] for row in body["data"]] == [str(mine.pk)]


def test_open_tasks_other_project_refused(make_client, project):
    response = make_client("user").get("/api/data/tasks/open-tasks", {"project_id": str(project.pk)})
    assert response.status_code == 403


def test_open_tasks_constant_queries(admin_client, project, statuses):
    make_tasks(project, 2, statuses["todo"])
    few = count_queries(admin_client, "/api/data/tasks/open-tasks")
    for task in make_tasks(project, 8, statuses["wip"]):
        assign(task, factories.PersonFactory())
    assert count_queries(admin_client, "/api/data/tasks/open-tasks") == few


# ---- GET /data/tasks/open-tasks/stats ----------------------------------------------


def test_open_tasks_stats(admin_client, project, statuses):
    tasks = make_tasks(project, 3, statuses["todo"])
    tasks[0].task_status = statuses["done"]
    tasks[0].estimation = 4
    tasks[0].save()
    stats = admin_client.get("/api/data/tasks/open-tasks/stats").json()
    project_stats = stats[str(project.pk)]
    assert project_stats["amount"] == 3
    assert project_stats["amount_done"] == 1
    assert project_stats["total_estimation"] == 4
    assert len(project_stats["task_types"]) == 2


def test_open_tasks_stats_without_token(api_client):
    assert api_client.get("/api/data/tasks/open-tasks/stats").status_code == 401


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_open_tasks_stats_outsider_sees_nothing(make_client, task, role):
    assert make_client(role).get("/api/data/tasks/open-tasks/stats").json() == {}


def test_open_tasks_stats_team_member(member, project, task):
    assert str(project.pk) in member("user").get("/api/data/tasks/open-tasks/stats").json()


def test_open_tasks_stats_constant_queries(admin_client, project, statuses):
    make_tasks(project, 2, statuses["todo"])
    few = count_queries(admin_client, "/api/data/tasks/open-tasks/stats")
    make_tasks(factories.ProjectFactory(), 6, statuses["wip"])
    assert count_queries(admin_client, "/api/data/tasks/open-tasks/stats") == few


# ---- POST /actions/tasks/{id}/comment -----------------------------------------------


def comment_path(task):
    return f"/api/actions/tasks/{task.pk}/comment"


def test_comment_changes_status(admin_client, task, statuses):
    response = admin_client.post(
        comment_path(task),
        {
            "task_status_id": str(statuses["wip"].pk),
            "comment": "Started",
            "checklist": [{"text": "a", "checked": False}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["text"] == "Started"
    assert body["object_id"] == str(task.pk)
    assert body["person_id"] == str(admin_client.person.pk)
    assert body["task_status"]["id"] == str(statuses["wip"].pk)
    assert body["person"]["id"] == str(admin_client.person.pk)
    assert body["checklist"] == [{"text": "a", "checked": False}]
    task.refresh_from_db()
    assert task.task_status_id == statuses["wip"].pk
    assert task.real_start_date is not None
    assert task.last_comment_date is not None


def test_comment_sets_done_and_end_dates(admin_client, task, statuses):
    admin_client.post(comment_path(task), {"task_status_id": str(statuses["wfa"].pk)}, format="json")
    admin_client.post(comment_path(task), {"task_status_id": str(statuses["done"].pk)}, format="json")
    task.refresh_from_db()
    assert task.end_date is not None
    assert task.done_date is not None


def test_comment_counts_retakes(admin_client, task, statuses):
    for status in ("retake", "wip", "retake"):
        admin_client.post(comment_path(task), {"task_status_id": str(statuses[status].pk)}, format="json")
    task.refresh_from_db()
    assert task.retake_count == 2


def test_comment_retake_capped(admin_client, project, task, statuses):
    project.max_retakes = 1
    project.save()
    task.retake_count = 1
    task.save()
    response = admin_client.post(comment_path(task), {"task_status_id": str(statuses["retake"].pk)}, format="json")
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_comment_backdated_recomputes_task(admin_client, task, statuses):
    admin_client.post(comment_path(task), {"task_status_id": str(statuses["wip"].pk)}, format="json")
    admin_client.post(
        comment_path(task),
        {"task_status_id": str(statuses["done"].pk), "created_at": "2001-01-01T10:00:00"},
        format="json",
    )
    task.refresh_from_db()
    assert task.task_status_id == statuses["wip"].pk
    assert task.done_date.year == 2001


def test_comment_mentions_team_member(admin_client, project, task, statuses):
    person = factories.PersonFactory(first_name="Ann", last_name="Lee")
    join_team(project, person)
    department = Department.objects.create(name="Layout", color="#000000")
    response = admin_client.post(
        comment_path(task),
        {"task_status_id": str(statuses["wip"].pk), "comment": "@Ann Lee see @Layout"},
        format="json",
    )
    assert response.json()["mentions"] == [str(person.pk)]
    assert response.json()["department_mentions"] == [str(department.pk)]


def test_comment_on_behalf_by_manager(member, task, statuses):
    manager = member("manager")
    other = factories.PersonFactory()
    body = manager.post(
        comment_path(task), {"task_status_id": str(statuses["wip"].pk), "person_id": str(other.pk)}, format="json"
    ).json()
    assert body["person_id"] == str(other.pk)


def test_comment_on_behalf_ignored_for_artist(member, task, statuses):
    artist = member("user")
    assign(task, artist.person)
    other = factories.PersonFactory()
    body = artist.post(
        comment_path(task), {"task_status_id": str(statuses["wip"].pk), "person_id": str(other.pk)}, format="json"
    ).json()
    assert body["person_id"] == str(artist.person.pk)


def test_comment_missing_status(admin_client, task):
    response = admin_client.post(comment_path(task), {"comment": "no status"}, format="json")
    assert response.status_code == 400
    assert "task_status_id" in response.json()["message"]


@pytest.mark.parametrize(
    "body, key",
    [
        ({"task_status_id": "nope"}, "task_status_id"),
        ({"checklist": "not json"}, "checklist"),
        ({"checklist": ["text"]}, "checklist"),
        ({"links": [1]}, "links"),
        ({"comment": 5}, "comment"),
    ],
)
def test_comment_bad_input(admin_client, task, statuses, body, key):
    body = {"task_status_id": str(statuses["wip"].pk), **body}
    response = admin_client.post(comment_path(task), body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_comment_bad_date(admin_client, task, statuses):
    body = {"task_status_id": str(statuses["wip"].pk), "created_at": "yesterday"}
    assert admin_client.post(comment_path(task), body, format="json").status_code == 400


def test_comment_unknown_status(admin_client, task):
    response = admin_client.post(comment_path(task), {"task_status_id": str(uuid.uuid4())}, format="json")
    assert response.status_code == 404


def test_comment_unknown_task(admin_client, statuses):
    path = f"/api/actions/tasks/{uuid.uuid4()}/comment"
    assert admin_client.post(path, {"task_status_id": str(statuses["wip"].pk)}, format="json").status_code == 404


def test_comment_without_token(api_client, task, statuses):
    assert api_client.post(comment_path(task), {"task_status_id": str(statuses["wip"].pk)}).status_code == 401


def test_comment_form_data(admin_client, task, statuses):
    body = {"task_status_id": str(statuses["wip"].pk), "comment": "form", "checklist": "[]", "links": '["a"]'}
    response = admin_client.post(comment_path(task), body)
    assert response.status_code == 201
    assert response.json()["links"] == ["a"]


@pytest.mark.parametrize("role", ["manager", "client"])
def test_comment_team_member_allowed(member, task, statuses, role):
    response = member(role).post(comment_path(task), {"task_status_id": str(statuses["done"].pk)}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("role", ["user", "vendor"])
def test_comment_unassigned_artist_refused(member, task, statuses, role):
    response = member(role).post(comment_path(task), {"task_status_id": str(statuses["wip"].pk)}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["user", "vendor"])
def test_comment_assigned_artist_allowed(member, task, statuses, role):
    client = member(role)
    assign(task, client.person)
    response = client.post(comment_path(task), {"task_status_id": str(statuses["wfa"].pk)}, format="json")
    assert response.status_code == 201


def test_comment_artist_status_not_allowed(member, task, statuses):
    artist = member("user")
    assign(task, artist.person)
    response = artist.post(comment_path(task), {"task_status_id": str(statuses["approved"].pk)}, format="json")
    assert response.status_code == 403


def test_comment_artist_keeps_forbidden_status(member, task, statuses):
    task.task_status = statuses["approved"]
    task.save()
    artist = member("user")
    assign(task, artist.person)
    response = artist.post(comment_path(task), {"task_status_id": str(statuses["approved"].pk)}, format="json")
    assert response.status_code == 201


def test_comment_client_work_status_refused(member, task, statuses):
    response = member("client").post(comment_path(task), {"task_status_id": str(statuses["wip"].pk)}, format="json")
    assert response.status_code == 403


def test_comment_client_status_not_allowed(member, task, statuses):
    client = member("client")
    response = client.post(comment_path(task), {"task_status_id": str(statuses["approved"].pk)}, format="json")
    assert response.status_code == 403


def test_comment_supervisor_of_department(member, task, statuses):
    department = Department.objects.create(name="Anim", color="#000000")
    task.task_type.department = department
    task.task_type.save()
    supervisor = member("supervisor")
    supervisor.person.departments.add(department)
    response = supervisor.post(comment_path(task), {"task_status_id": str(statuses["retake"].pk)}, format="json")
    assert response.status_code == 201


def test_comment_supervisor_other_department(member, task, statuses):
    supervisor = member("supervisor")
    supervisor.person.departments.add(Department.objects.create(name="FX", color="#000000"))
    response = supervisor.post(comment_path(task), {"task_status_id": str(statuses["retake"].pk)}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_comment_outsider_refused(make_client, task, statuses, role):
    response = make_client(role).post(comment_path(task), {"task_status_id": str(statuses["wip"].pk)}, format="json")
    assert response.status_code == 403


# ---- GET /data/tasks/{id}/comments and /comments/{id} ------------------------------------


def add_comment(task, author, status=None, text="note"):
    return Comment.objects.create(object_id=task.pk, person=author, task_status=status or task.task_status, text=text)


def test_task_comments_newest_first(admin_client, task):
    author = factories.PersonFactory()
    first = add_comment(task, author, text="first")
    second = add_comment(task, author, text="second")
    body = admin_client.get(f"/api/data/tasks/{task.pk}/comments").json()
    assert [row["id"] for row in body] == [str(second.pk), str(first.pk)]
    assert body[0]["person"]["id"] == str(author.pk)
    assert body[0]["task_status"]["id"] == str(task.task_status_id)
    assert body[0]["previews"] == []


def test_task_comments_role_filter(member, task):
    client_author = factories.PersonFactory(role="client")
    artist_author = factories.PersonFactory(role="user")
    from_client = add_comment(task, client_author)
    from_artist = add_comment(task, artist_author)

    def ids(role):
        return {row["id"] for row in member(role).get(f"/api/data/tasks/{task.pk}/comments").json()}

    assert ids("manager") == {str(from_client.pk), str(from_artist.pk)}
    assert ids("supervisor") == {str(from_client.pk), str(from_artist.pk)}
    assert ids("user") == {str(from_artist.pk)}
    assert ids("client") == {str(from_client.pk)}


def test_task_comments_isolated_clients(member, project, task):
    client = member("client")
    project.is_clients_isolated = True
    project.save()
    mine = add_comment(task, client.person)
    add_comment(task, factories.PersonFactory(role="client"))
    body = client.get(f"/api/data/tasks/{task.pk}/comments").json()
    assert [row["id"] for row in body] == [str(mine.pk)]


def test_task_comments_unknown_task(admin_client):
    assert admin_client.get(f"/api/data/tasks/{uuid.uuid4()}/comments").status_code == 404


def test_task_comments_malformed_id(admin_client):
    assert admin_client.get("/api/data/tasks/bad/comments").status_code == 400


def test_task_comments_without_token(api_client, task):
    assert api_client.get(f"/api/data/tasks/{task.pk}/comments").status_code == 401


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_task_comments_outsider_refused(make_client, task, role):
    assert make_client(role).get(f"/api/data/tasks/{task.pk}/comments").status_code == 403


def test_task_comments_constant_queries(admin_client, task):
    add_comment(task, factories.PersonFactory())
    path = f"/api/data/tasks/{task.pk}/comments"
    few = count_queries(admin_client, path)
    for _ in range(6):
        comment = add_comment(task, factories.PersonFactory(), text="hi")
        comment.acknowledgements.add(factories.PersonFactory())
        comment.editor = factories.PersonFactory()
        comment.save()
    assert count_queries(admin_client, path) == few


def test_task_comment_read(admin_client, task):
    comment = add_comment(task, factories.PersonFactory())
    body = admin_client.get(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").json()
    assert body["id"] == str(comment.pk)
    assert body["type"] == "Comment"


def test_task_comment_of_other_task(admin_client, task, statuses):
    comment = add_comment(factories.TaskFactory(task_status=statuses["todo"]), factories.PersonFactory())
    assert admin_client.get(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").status_code == 404


def test_task_comment_unknown(admin_client, task):
    assert admin_client.get(f"/api/data/tasks/{task.pk}/comments/{uuid.uuid4()}").status_code == 404


def test_task_comment_malformed(admin_client, task):
    assert admin_client.get(f"/api/data/tasks/{task.pk}/comments/bad").status_code == 400


def test_task_comment_without_token(api_client, task):
    comment = add_comment(task, factories.PersonFactory())
    assert api_client.get(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").status_code == 401


@pytest.mark.parametrize(
    "role, author_role, expected",
    [
        ("manager", "client", 200),
        ("supervisor", "client", 200),
        ("user", "user", 200),
        ("user", "client", 403),
        ("client", "client", 200),
        ("client", "user", 403),
    ],
)
def test_task_comment_read_by_role(member, task, role, author_role, expected):
    comment = add_comment(task, factories.PersonFactory(role=author_role))
    assert member(role).get(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").status_code == expected


def test_task_comment_delete_resets_task(admin_client, task, statuses):
    admin_client.post(comment_path(task), {"task_status_id": str(statuses["wip"].pk)}, format="json")
    second = admin_client.post(comment_path(task), {"task_status_id": str(statuses["done"].pk)}, format="json").json()
    response = admin_client.delete(f"/api/data/tasks/{task.pk}/comments/{second['id']}")
    assert response.status_code == 204
    task.refresh_from_db()
    assert task.task_status_id == statuses["wip"].pk
    assert task.done_date is None


def test_task_comment_delete_last_restores_default(admin_client, task, statuses):
    comment = admin_client.post(comment_path(task), {"task_status_id": str(statuses["wip"].pk)}, format="json").json()
    admin_client.delete(f"/api/data/tasks/{task.pk}/comments/{comment['id']}")
    task.refresh_from_db()
    assert task.task_status_id == statuses["todo"].pk
    assert task.real_start_date is None


def test_task_comment_delete_unknown(admin_client, task):
    assert admin_client.delete(f"/api/data/tasks/{task.pk}/comments/{uuid.uuid4()}").status_code == 404


def test_task_comment_delete_without_token(api_client, task):
    comment = add_comment(task, factories.PersonFactory())
    assert api_client.delete(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").status_code == 401


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_task_comment_delete_own(member, task, role):
    client = member(role)
    comment = add_comment(task, client.person)
    assert client.delete(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").status_code == 204


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_task_comment_delete_others_refused(member, task, role):
    comment = add_comment(task, factories.PersonFactory())
    assert member(role).delete(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").status_code == 403


def test_task_comment_delete_manager_in_team(member, make_client, task):
    comment = add_comment(task, factories.PersonFactory())
    assert make_client("manager").delete(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").status_code == 403
    assert member("manager").delete(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").status_code == 204


# ---- PUT /actions/tasks/{id}/assign ----------------------------------------------------


def test_assign_task(admin_client, project, task):
    person = factories.PersonFactory()
    response = admin_client.put(f"/api/actions/tasks/{task.pk}/assign", {"person_id": str(person.pk)}, format="json")
    assert response.status_code == 200
    assert response.json()["assignees"] == [str(person.pk)]
    assert response.json()["assigner_id"] == str(admin_client.person.pk)
    assert ProjectPersonLink.objects.filter(project=project, person=person).exists()


def test_assign_task_twice_keeps_one_link(admin_client, task):
    person = factories.PersonFactory()
    for _ in range(2):
        admin_client.put(f"/api/actions/tasks/{task.pk}/assign", {"person_id": str(person.pk)}, format="json")
    assert TaskPersonLink.objects.filter(task=task).count() == 1


@pytest.mark.parametrize("body", [{}, {"person_id": "nope"}, {"person_id": str(uuid.uuid4())}])
def test_assign_task_bad_person(admin_client, task, body):
    response = admin_client.put(f"/api/actions/tasks/{task.pk}/assign", body, format="json")
    assert response.status_code == 400
    assert "person_id" in response.json()["message"]


def test_assign_task_bot_refused(admin_client, task):
    bot = factories.PersonFactory(is_bot=True, email=None)
    response = admin_client.put(f"/api/actions/tasks/{task.pk}/assign", {"person_id": str(bot.pk)}, format="json")
    assert response.status_code == 400


def test_assign_unknown_task(admin_client):
    person = factories.PersonFactory()
    path = f"/api/actions/tasks/{uuid.uuid4()}/assign"
    assert admin_client.put(path, {"person_id": str(person.pk)}, format="json").status_code == 404


def test_assign_without_token(api_client, task):
    assert api_client.put(f"/api/actions/tasks/{task.pk}/assign", {}, format="json").status_code == 401


@pytest.mark.parametrize("role, expected", [("manager", 200), ("supervisor", 200), ("user", 403), ("client", 403)])
def test_assign_by_team_role(member, task, role, expected):
    person = factories.PersonFactory()
    path = f"/api/actions/tasks/{task.pk}/assign"
    assert member(role).put(path, {"person_id": str(person.pk)}, format="json").status_code == expected


def test_assign_vendor_refused(member, task):
    vendor = member("vendor")
    path = f"/api/actions/tasks/{task.pk}/assign"
    assert vendor.put(path, {"person_id": str(vendor.person.pk)}, format="json").status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_assign_outsider_refused(make_client, task, role):
    person = factories.PersonFactory()
    path = f"/api/actions/tasks/{task.pk}/assign"
    assert make_client(role).put(path, {"person_id": str(person.pk)}, format="json").status_code == 403


def test_assign_artist_self_in_department(member, task):
    department = Department.objects.create(name="Model", color="#000000")
    task.task_type.department = department
    task.task_type.save()
    artist = member("user")
    artist.person.departments.add(department)
    path = f"/api/actions/tasks/{task.pk}/assign"
    assert artist.put(path, {"person_id": str(artist.person.pk)}, format="json").status_code == 200


def test_assign_supervisor_other_department(member, task):
    supervisor = member("supervisor")
    supervisor.person.departments.add(Department.objects.create(name="FX", color="#000000"))
    path = f"/api/actions/tasks/{task.pk}/assign"
    person = factories.PersonFactory()
    assert supervisor.put(path, {"person_id": str(person.pk)}, format="json").status_code == 403


# ---- PUT /actions/persons/{id}/assign -----------------------------------------------------


def test_person_assign_many(admin_client, project, statuses):
    tasks = make_tasks(project, 3, statuses["todo"])
    person = factories.PersonFactory()
    body = {"task_ids": [str(task.pk) for task in tasks] + [str(uuid.uuid4())]}
    response = admin_client.put(f"/api/actions/persons/{person.pk}/assign", body, format="json")
    assert response.status_code == 200
    assert sorted(row["id"] for row in response.json()) == sorted(str(task.pk) for task in tasks)
    assert TaskPersonLink.objects.filter(person=person).count() == 3


def test_person_assign_single_id(admin_client, task):
    person = factories.PersonFactory()
    response = admin_client.put(f"/api/actions/persons/{person.pk}/assign", {"task_ids": str(task.pk)}, format="json")
    assert [row["id"] for row in response.json()] == [str(task.pk)]


def test_person_assign_skips_forbidden(member, project, statuses):
    mine = factories.TaskFactory(project=project, task_status=statuses["todo"])
    other = factories.TaskFactory(task_status=statuses["todo"])
    person = factories.PersonFactory()
    body = {"task_ids": [str(mine.pk), str(other.pk)]}
    response = member("manager").put(f"/api/actions/persons/{person.pk}/assign", body, format="json")
    assert [row["id"] for row in response.json()] == [str(mine.pk)]


@pytest.mark.parametrize("body", [{}, {"task_ids": ["bad"]}, {"task_ids": []}])
def test_person_assign_bad_input(admin_client, body):
    person = factories.PersonFactory()
    response = admin_client.put(f"/api/actions/persons/{person.pk}/assign", body, format="json")
    assert response.status_code == 400
    assert "task_ids" in response.json()["message"]


def test_person_assign_unknown_person(admin_client, task):
    path = f"/api/actions/persons/{uuid.uuid4()}/assign"
    assert admin_client.put(path, {"task_ids": [str(task.pk)]}, format="json").status_code == 404


def test_person_assign_without_token(api_client, task):
    path = f"/api/actions/persons/{uuid.uuid4()}/assign"
    assert api_client.put(path, {"task_ids": [str(task.pk)]}, format="json").status_code == 401


@pytest.mark.parametrize("role, count", [("manager", 1), ("supervisor", 1), ("user", 0), ("client", 0), ("vendor", 0)])
def test_person_assign_by_role(member, task, role, count):
    person = factories.PersonFactory()
    path = f"/api/actions/persons/{person.pk}/assign"
    response = member(role).put(path, {"task_ids": [str(task.pk)]}, format="json")
    assert response.status_code == 200
    assert len(response.json()) == count


def test_person_assign_constant_queries(admin_client, project, statuses):
    person = factories.PersonFactory()
    path = f"/api/actions/persons/{person.pk}/assign"

    def queries_for(tasks):
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.put(path, {"task_ids": [str(task.pk) for task in tasks]}, format="json")
        assert response.status_code == 200
        return len(queries)

    few = queries_for(make_tasks(project, 2, statuses["todo"]))
    assert queries_for(make_tasks(project, 9, statuses["todo"])) == few


# ---- PUT /actions/tasks/clear-assignation --------------------------------------------------


def test_clear_assignation_everyone(admin_client, task):
    assign(task, factories.PersonFactory())
    assign(task, factories.PersonFactory())
    response = admin_client.put("/api/actions/tasks/clear-assignation", {"task_ids": [str(task.pk)]}, format="json")
    assert response.json() == [str(task.pk)]
    assert not TaskPersonLink.objects.filter(task=task).exists()


def test_clear_assignation_one_person(admin_client, task):
    kept, removed = factories.PersonFactory(), factories.PersonFactory()
    assign(task, kept)
    assign(task, removed)
    body = {"task_ids": [str(task.pk)], "person_id": str(removed.pk)}
    admin_client.put("/api/actions/tasks/clear-assignation", body, format="json")
    assert list(task.assignees.all()) == [kept]


@pytest.mark.parametrize("body", [{}, {"task_ids": ["bad"]}, {"task_ids": [str(uuid.uuid4())], "person_id": "bad"}])
def test_clear_assignation_bad_input(admin_client, body):
    assert admin_client.put("/api/actions/tasks/clear-assignation", body, format="json").status_code == 400


def test_clear_assignation_unknown_task_skipped(admin_client):
    body = {"task_ids": [str(uuid.uuid4())]}
    assert admin_client.put("/api/actions/tasks/clear-assignation", body, format="json").json() == []


def test_clear_assignation_without_token(api_client):
    assert api_client.put("/api/actions/tasks/clear-assignation", {}, format="json").status_code == 401


@pytest.mark.parametrize("role, cleared", [("manager", True), ("supervisor", True), ("user", False), ("client", False)])
def test_clear_assignation_by_role(member, task, role, cleared):
    assign(task, factories.PersonFactory())
    body = {"task_ids": [str(task.pk)]}
    response = member(role).put("/api/actions/tasks/clear-assignation", body, format="json")
    assert (response.json() == [str(task.pk)]) is cleared


@pytest.mark.parametrize("role", ["user", "vendor"])
def test_clear_assignation_self(member, task, role):
    client = member(role)
    assign(task, client.person)
    body = {"task_ids": [str(task.pk)], "person_id": str(client.person.pk)}
    response = client.put("/api/actions/tasks/clear-assignation", body, format="json")
    assert response.json() == ([str(task.pk)] if role == "user" else [])


# ---- PUT /actions/tasks/{id}/to-review -------------------------------------------------------


def test_to_review(admin_client, task):
    person = factories.PersonFactory()
    body = {"person_id": str(person.pk), "comment": "please check"}
    response = admin_client.put(f"/api/actions/tasks/{task.pk}/to-review", body, format="json")
    assert response.status_code == 200
    assert response.json()["comment"] == "please check"
    assert response.json()["person"]["id"] == str(person.pk)
    task.refresh_from_db()
    assert task.task_status.name == "To review"


def test_to_review_without_status_change(admin_client, task):
    body = {"change_status": False}
    admin_client.put(f"/api/actions/tasks/{task.pk}/to-review", body, format="json")
    status_id = task.task_status_id
    task.refresh_from_db()
    assert task.task_status_id == status_id


@pytest.mark.parametrize("body", [{"person_id": "bad"}, {"person_id": str(uuid.uuid4())}, {"change_status": "maybe"}])
def test_to_review_bad_input(admin_client, task, body):
    assert admin_client.put(f"/api/actions/tasks/{task.pk}/to-review", body, format="json").status_code == 400


def test_to_review_unknown_task(admin_client):
    assert admin_client.put(f"/api/actions/tasks/{uuid.uuid4()}/to-review", {}, format="json").status_code == 404


def test_to_review_without_token(api_client, task):
    assert api_client.put(f"/api/actions/tasks/{task.pk}/to-review", {}, format="json").status_code == 401


@pytest.mark.parametrize("role, expected", [("manager", 200), ("supervisor", 200), ("user", 403), ("vendor", 403)])
def test_to_review_by_role(member, task, role, expected):
    assert member(role).put(f"/api/actions/tasks/{task.pk}/to-review", {}, format="json").status_code == expected


def test_to_review_assigned_artist(member, task):
    artist = member("user")
    assign(task, artist.person)
    assert artist.put(f"/api/actions/tasks/{task.pk}/to-review", {}, format="json").status_code == 200


# ---- PUT /actions/tasks/{id}/set-main-preview -------------------------------------------------


@pytest.fixture
def previewed_task(task):
    preview = factories.PreviewFileFactory(task=task)
    task.last_preview_file_id = preview.pk
    task.save(update_fields=["last_preview_file_id"])
    return task


def main_preview_path(task):
    return f"/api/actions/tasks/{task.pk}/set-main-preview"


def test_main_preview_sets_entity(admin_client, previewed_task):
    response = admin_client.put(main_preview_path(previewed_task))
    assert response.status_code == 200
    assert response.json()["id"] == str(previewed_task.entity_id)
    assert response.json()["preview_file_id"] == str(previewed_task.last_preview_file_id)
    previewed_task.entity.refresh_from_db()
    assert previewed_task.entity.preview_file_id == previewed_task.last_preview_file_id


def test_main_preview_events(django_capture_on_commit_callbacks, admin_client, previewed_task):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.put(main_preview_path(previewed_task))
    names = set(ApiEvent.objects.values_list("name", flat=True))
    assert "preview-file:set-main" in names


def test_main_preview_without_preview(admin_client, task):
    response = admin_client.put(main_preview_path(task))
    assert response.status_code == 400
    assert "last_preview_file_id" in response.json()["message"]
    task.entity.refresh_from_db()
    assert task.entity.preview_file_id is None


def test_main_preview_unknown_task(admin_client):
    assert admin_client.put(f"/api/actions/tasks/{uuid.uuid4()}/set-main-preview").status_code == 404


def test_main_preview_malformed_id(admin_client):
    assert admin_client.put("/api/actions/tasks/nope/set-main-preview").status_code == 400


def test_main_preview_without_token(api_client, previewed_task):
    assert api_client.put(main_preview_path(previewed_task)).status_code == 401


@pytest.mark.parametrize(
    "role, expected", [("manager", 200), ("supervisor", 200), ("user", 403), ("client", 403), ("vendor", 403)]
)
def test_main_preview_by_role(member, previewed_task, role, expected):
    assert member(role).put(main_preview_path(previewed_task)).status_code == expected


@pytest.mark.parametrize("role", ["user", "vendor"])
def test_main_preview_assignee(member, previewed_task, role):
    client = member(role)
    assign(previewed_task, client.person)
    assert client.put(main_preview_path(previewed_task)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_main_preview_outsider(make_client, previewed_task, role):
    assert make_client(role).put(main_preview_path(previewed_task)).status_code == 403


# ---- POST /actions/projects/{id}/task-types/{id}/{kind}/create-tasks --------------------------


def create_tasks_path(project, task_type, kind="shots"):
    return f"/api/actions/projects/{project.pk}/task-types/{task_type.pk}/{kind}/create-tasks"


def test_create_shot_tasks_for_all_shots(admin_client, project, shot_setup, statuses):
    second = factories.EntityFactory(
        project=project, name="SH020", parent=shot_setup["sequence"], entity_type=shot_setup["shot"].entity_type
    )
    response = admin_client.post(create_tasks_path(project, shot_setup["task_type"]), format="json")
    assert response.status_code == 201
    rows = response.json()
    assert sorted(row["entity_id"] for row in rows) == sorted([str(shot_setup["shot"].pk), str(second.pk)])
    assert rows[0]["task_status_id"] == str(statuses["todo"].pk)
    assert rows[0]["assignees"] == []
    assert rows[0]["task_type_name"] == shot_setup["task_type"].name


def test_create_tasks_skips_existing(admin_client, project, shot_setup, statuses):
    path = create_tasks_path(project, shot_setup["task_type"])
    admin_client.post(path, format="json")
    assert admin_client.post(path, format="json").json() == []
    assert Task.objects.filter(entity=shot_setup["shot"]).count() == 1


def test_create_tasks_for_listed_entities(admin_client, project, shot_setup, statuses):
    other = factories.EntityFactory(
        project=project, name="SH030", parent=shot_setup["sequence"], entity_type=shot_setup["shot"].entity_type
    )
    body = [str(other.pk)]
    rows = admin_client.post(create_tasks_path(project, shot_setup["task_type"]), body, format="json").json()
    assert [row["entity_id"] for row in rows] == [str(other.pk)]


def test_create_asset_tasks(admin_client, project, statuses):
    asset = factories.EntityFactory(project=project)
    task_type = factories.TaskTypeFactory()
    rows = admin_client.post(create_tasks_path(project, task_type, "assets"), format="json").json()
    assert [row["entity_id"] for row in rows] == [str(asset.pk)]


def test_create_tasks_constant_queries(admin_client, project, shot_setup, statuses):
    def queries_for(count):
        task_type = factories.TaskTypeFactory(for_entity="Shot")
        for index in range(count):
            factories.EntityFactory(
                project=project,
                name=f"X{count}-{index}",
                parent=shot_setup["sequence"],
                entity_type=shot_setup["shot"].entity_type,
            )
        Task.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.post(create_tasks_path(project, task_type), format="json")
        assert response.status_code == 201
        return len(queries)

    assert queries_for(1) == queries_for(8)


@pytest.mark.parametrize("body", [["bad"], {"ids": 1}])
def test_create_tasks_bad_body(admin_client, project, shot_setup, statuses, body):
    response = admin_client.post(create_tasks_path(project, shot_setup["task_type"]), body, format="json")
    assert response.status_code == 400


def test_create_tasks_unknown_entity(admin_client, project, shot_setup, statuses):
    path = create_tasks_path(project, shot_setup["task_type"])
    assert admin_client.post(path, [str(uuid.uuid4())], format="json").status_code == 404


def test_create_tasks_unknown_project(admin_client, shot_setup):
    path = f"/api/actions/projects/{uuid.uuid4()}/task-types/{shot_setup['task_type'].pk}/shots/create-tasks"
    assert admin_client.post(path, format="json").status_code == 404


def test_create_tasks_unknown_task_type(admin_client, project):
    path = f"/api/actions/projects/{project.pk}/task-types/{uuid.uuid4()}/shots/create-tasks"
    assert admin_client.post(path, format="json").status_code == 404


def test_create_tasks_without_token(api_client, project, shot_setup):
    assert api_client.post(create_tasks_path(project, shot_setup["task_type"]), format="json").status_code == 401


@pytest.mark.parametrize("role, expected", [("manager", 201), ("supervisor", 403), ("user", 403), ("client", 403)])
def test_create_tasks_by_role(member, project, shot_setup, statuses, role, expected):
    response = member(role).post(create_tasks_path(project, shot_setup["task_type"]), format="json")
    assert response.status_code == expected


def test_create_tasks_manager_outside_team(make_client, project, shot_setup, statuses):
    response = make_client("manager").post(create_tasks_path(project, shot_setup["task_type"]), format="json")
    assert response.status_code == 403


# ---- POST /data/tasks with assignees, GET /data/persons/{id}/tasks ------------------------------


def test_task_create_with_assignees(admin_client, project, statuses):
    entity = factories.EntityFactory(project=project)
    task_type = factories.TaskTypeFactory()
    person = factories.PersonFactory()
    body = {
        "name": "main",
        "entity_id": str(entity.pk),
        "task_type_id": str(task_type.pk),
        "assignees": [str(person.pk)],
    }
    response = admin_client.post("/api/data/tasks", body, format="json")
    assert response.status_code == 201
    assert response.json()["assignees"] == [str(person.pk)]


def test_task_create_bad_assignees(admin_client, project, statuses):
    entity = factories.EntityFactory(project=project)
    task_type = factories.TaskTypeFactory()
    body = {"name": "main", "entity_id": str(entity.pk), "task_type_id": str(task_type.pk), "assignees": ["x"]}
    response = admin_client.post("/api/data/tasks", body, format="json")
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_person_tasks(admin_client, project, statuses):
    person = factories.PersonFactory()
    todo, done = make_tasks(project, 2, statuses["todo"])
    done.task_status = statuses["done"]
    done.save()
    assign(todo, person)
    assign(done, person)
    open_rows = admin_client.get(f"/api/data/persons/{person.pk}/tasks").json()
    done_rows = admin_client.get(f"/api/data/persons/{person.pk}/done-tasks").json()
    assert [row["id"] for row in open_rows] == [str(todo.pk)]
    assert [row["id"] for row in done_rows] == [str(done.pk)]


def test_person_tasks_unknown_person(admin_client):
    assert admin_client.get(f"/api/data/persons/{uuid.uuid4()}/tasks").status_code == 404


def test_person_tasks_malformed_id(admin_client):
    assert admin_client.get("/api/data/persons/bad/tasks").status_code == 400


def test_person_tasks_without_token(api_client):
    assert api_client.get(f"/api/data/persons/{uuid.uuid4()}/tasks").status_code == 401


@pytest.mark.parametrize("role, visible", [("manager", 1), ("supervisor", 1), ("user", 1), ("client", 0)])
def test_person_tasks_by_role(member, task, role, visible):
    person = factories.PersonFactory()
    assign(task, person)
    assert len(member(role).get(f"/api/data/persons/{person.pk}/tasks").json()) == visible


def test_person_tasks_outside_team(make_client, task):
    person = factories.PersonFactory()
    assign(task, person)
    assert make_client("user").get(f"/api/data/persons/{person.pk}/tasks").json() == []


def test_person_tasks_constant_queries(admin_client, project, statuses):
    person = factories.PersonFactory()
    for task in make_tasks(project, 2, statuses["todo"]):
        assign(task, person)
    path = f"/api/data/persons/{person.pk}/tasks"
    few = count_queries(admin_client, path)
    for task in make_tasks(project, 7, statuses["wip"]):
        assign(task, person)
    assert count_queries(admin_client, path) == few


# ---- comments changed through the generic /data/comments route -------------------------------


def comment_with_status(admin_client, task, status):
    body = {"task_status_id": str(status.pk), "comment": "status change"}
    return admin_client.post(f"/api/actions/tasks/{task.pk}/comment", body, format="json").json()["id"]


def test_generic_comment_delete_resets_task(django_capture_on_commit_callbacks, admin_client, task, statuses):
    comment_with_status(admin_client, task, statuses["wip"])
    latest = comment_with_status(admin_client, task, statuses["wfa"])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"/api/data/comments/{latest}").status_code == 204
    task.refresh_from_db()
    assert task.task_status_id == statuses["wip"].pk
    assert ApiEvent.objects.filter(name="task:status-changed").count() == 1
    assert ApiEvent.objects.filter(name="comment:delete").count() == 1


def test_generic_comment_status_edit_resets_task(admin_client, task, statuses):
    latest = comment_with_status(admin_client, task, statuses["wip"])
    response = admin_client.put(
        f"/api/data/comments/{latest}", {"task_status_id": str(statuses["wfa"].pk)}, format="json"
    )
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.task_status_id == statuses["wfa"].pk


def test_generic_comment_text_edit_adds_mention(admin_client, project, task, statuses):
    mentioned = factories.PersonFactory(first_name="Ann", last_name="Lee")
    join_team(project, mentioned)
    latest = comment_with_status(admin_client, task, statuses["wip"])
    admin_client.put(f"/api/data/comments/{latest}", {"text": "@Ann Lee see this"}, format="json")
    comment = Comment.objects.get(pk=latest)
    assert list(comment.mentions.values_list("pk", flat=True)) == [mentioned.pk]
    assert mentioned.notifications.filter(type="mention").count() == 1


def test_first_default_status_is_for_production(admin_client):
    factories.TaskStatusFactory(name="Neutral", short_name="neutral-d", is_default=True, for_concept=True)
    todo = factories.TaskStatusFactory(name="Todo", short_name="todo-d", is_default=True)
    rows = admin_client.get("/api/data/task-status", {"is_default": "true"}).json()
    assert rows[0]["id"] == str(todo.pk)
