"""Route matrix of the comment routes: success, bad input, unknown id and every role.

Covers the cases that the other test modules leave out, for `/data/comments*`,
`/data/tasks/{id}/comments*`, `/actions/tasks/*comment*` and
`/data/projects/{id}/comments`.
"""

import pytest

from productions.models import Comment, ProjectPersonLink, TaskPersonLink
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
def statuses():
    return {
        "todo": factories.TaskStatusFactory(short_name="todo-m", is_default=True),
        "wip": factories.TaskStatusFactory(short_name="wip-m", is_wip=True),
    }


@pytest.fixture
def project():
    return factories.ProjectFactory()


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


def comment_on(task, author=None, **fields):
    return factories.CommentFactory(
        object_id=task.pk, person=author or factories.PersonFactory(), task_status=task.task_status, **fields
    )


def comment_url(comment_id):
    return f"/api/data/comments/{comment_id}"


# ---- GET /data/comments -------------------------------------------------------------


def test_comment_list_admin(admin_client, task):
    comment = comment_on(task)
    rows = admin_client.get("/api/data/comments").json()
    assert [row["id"] for row in rows] == [str(comment.pk)]
    assert rows[0]["type"] == "Comment"


def test_comment_list_filter(admin_client, task):
    comment = comment_on(task)
    comment_on(factories.TaskFactory())
    rows = admin_client.get("/api/data/comments", {"object_id": str(task.pk)}).json()
    assert [row["id"] for row in rows] == [str(comment.pk)]


def test_comment_list_bad_filter(admin_client, task):
    response = admin_client.get("/api/data/comments", {"object_id": "bad"})
    assert response.status_code == 400
    assert "object_id" in response.json()["message"]


def test_comment_list_without_token(api_client):
    assert api_client.get("/api/data/comments").status_code == 401


# ---- POST /data/comments -------------------------------------------------------------


def raw_comment_body(task, person, **extra):
    return {
        "object_id": str(task.pk),
        "object_type": "Task",
        "person_id": str(person.pk),
        "task_status_id": str(task.task_status_id),
        "text": "raw",
        **extra,
    }


def test_comment_create_missing_person(admin_client, task):
    body = raw_comment_body(task, admin_client.person)
    del body["person_id"]
    response = admin_client.post("/api/data/comments", body, format="json")
    assert response.status_code == 400
    assert "person_id" in response.json()["message"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize("key", ["person_id", "task_status_id"])
def test_comment_create_malformed_id(admin_client, task, key):
    body = raw_comment_body(task, admin_client.person, **{key: "nope"})
    response = admin_client.post("/api/data/comments", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


@pytest.mark.parametrize("key", ["person_id", "task_status_id"])
def test_comment_create_unknown_id(admin_client, task, key):
    body = raw_comment_body(task, admin_client.person, **{key: UNKNOWN})
    response = admin_client.post("/api/data/comments", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_comment_create_without_token(api_client, task):
    body = raw_comment_body(task, factories.PersonFactory())
    assert api_client.post("/api/data/comments", body, format="json").status_code == 401


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_comment_create_non_admin(member, task, role):
    client = member(role)
    assign(task, client.person)
    response = client.post("/api/data/comments", raw_comment_body(task, client.person), format="json")
    assert response.status_code == 403
    assert not Comment.objects.exists()


# ---- GET /data/comments/{id} -------------------------------------------------------------


def test_comment_read_admin(admin_client, task):
    comment = comment_on(task)
    body = admin_client.get(comment_url(comment.pk)).json()
    assert body["id"] == str(comment.pk)
    assert body["object_id"] == str(task.pk)


def test_comment_read_unknown(admin_client):
    assert admin_client.get(comment_url(UNKNOWN)).status_code == 404


def test_comment_read_without_token(api_client, task):
    assert api_client.get(comment_url(comment_on(task).pk)).status_code == 401


@pytest.mark.parametrize("role", ["manager", "supervisor"])
def test_comment_read_staff_reads_client_comment(member, task, role):
    comment = comment_on(task, factories.PersonFactory(role="client"))
    assert member(role).get(comment_url(comment.pk)).status_code == 200


def test_comment_read_assigned_vendor(member, task):
    vendor = member("vendor")
    assign(task, vendor.person)
    assert vendor.get(comment_url(comment_on(task).pk)).status_code == 200


def test_comment_read_unassigned_vendor(member, task):
    assert member("vendor").get(comment_url(comment_on(task).pk)).status_code == 403


def test_comment_read_isolated_client(member, project, task):
    project.is_clients_isolated = True
    project.save()
    comment = comment_on(task, factories.PersonFactory(role="client"))
    assert member("client").get(comment_url(comment.pk)).status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_comment_read_outsider(make_client, task, role):
    assert make_client(role).get(comment_url(comment_on(task).pk)).status_code == 403


# ---- PUT /data/comments/{id} --------------------------------------------------------------


def test_comment_update_unknown(admin_client):
    assert admin_client.put(comment_url(UNKNOWN), {"text": "x"}, format="json").status_code == 404


def test_comment_update_without_token(api_client, task):
    assert api_client.put(comment_url(comment_on(task).pk), {"text": "x"}, format="json").status_code == 401


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_comment_update_own(member, task, role):
    client = member(role)
    comment = comment_on(task, client.person)
    response = client.put(comment_url(comment.pk), {"text": "edited"}, format="json")
    assert response.status_code == 200
    assert response.json()["text"] == "edited"


@pytest.mark.parametrize(
    "role, expected", [("manager", 200), ("supervisor", 403), ("user", 403), ("client", 403), ("vendor", 403)]
)
def test_comment_update_others_text(member, task, role, expected):
    comment = comment_on(task)
    assert member(role).put(comment_url(comment.pk), {"text": "edited"}, format="json").status_code == expected


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_comment_update_outsider(make_client, task, role):
    client = make_client(role)
    comment = comment_on(task, client.person)
    assert client.put(comment_url(comment.pk), {"text": "edited"}, format="json").status_code == 403


def test_comment_pin_by_supervisor(member, task):
    comment = comment_on(task)
    response = member("supervisor").put(comment_url(comment.pk), {"pinned": True}, format="json")
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.pinned is True


def test_comment_checklist_tick_by_assignee(member, task):
    comment = comment_on(task, checklist=[{"text": "a", "checked": False}])
    artist = member("user")
    assign(task, artist.person)
    body = {"checklist": [{"text": "a", "checked": True}]}
    assert artist.put(comment_url(comment.pk), body, format="json").status_code == 200


def test_comment_update_status_resets_task(admin_client, task, statuses):
    comment = comment_on(task)
    response = admin_client.put(comment_url(comment.pk), {"task_status_id": str(statuses["wip"].pk)}, format="json")
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.task_status_id == statuses["wip"].pk


@pytest.mark.parametrize(
    "body, key",
    [
        ({"task_status_id": "nope"}, "task_status_id"),
        ({"task_status_id": UNKNOWN}, "task_status_id"),
        ({"person_id": UNKNOWN}, "person_id"),
    ],
)
def test_comment_update_bad_id(admin_client, task, body, key):
    comment = comment_on(task)
    response = admin_client.put(comment_url(comment.pk), body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_comment_update_bad_checklist(admin_client, task):
    comment = comment_on(task)
    response = admin_client.put(comment_url(comment.pk), {"checklist": "nope"}, format="json")
    assert response.status_code == 400
    assert "checklist" in response.json()["message"]


# ---- DELETE /data/comments/{id} -------------------------------------------------------------


def test_comment_delete_admin(admin_client, task):
    comment = comment_on(task)
    assert admin_client.delete(comment_url(comment.pk)).status_code == 204
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_comment_delete_unknown(admin_client):
    assert admin_client.delete(comment_url(UNKNOWN)).status_code == 404


def test_comment_delete_without_token(api_client, task):
    comment = comment_on(task)
    assert api_client.delete(comment_url(comment.pk)).status_code == 401
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize(
    "role, expected", [("manager", 204), ("supervisor", 403), ("user", 403), ("client", 403), ("vendor", 403)]
)
def test_comment_delete_others_by_role(member, task, role, expected):
    comment = comment_on(task)
    assert member(role).delete(comment_url(comment.pk)).status_code == expected


@pytest.mark.parametrize("role", ["supervisor", "client", "vendor"])
def test_comment_delete_own_by_role(member, task, role):
    client = member(role)
    comment = comment_on(task, client.person)
    assert client.delete(comment_url(comment.pk)).status_code == 204


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_comment_delete_own_outside_team(make_client, task, role):
    client = make_client(role)
    comment = comment_on(task, client.person)
    assert client.delete(comment_url(comment.pk)).status_code == 204


def test_comment_delete_manager_outside_team(make_client, task):
    comment = comment_on(task)
    assert make_client("manager").delete(comment_url(comment.pk)).status_code == 403


# ---- /data/tasks/{id}/comments/{id} ------------------------------------------------------------


def task_comment_url(task_id, comment_id):
    return f"/api/data/tasks/{task_id}/comments/{comment_id}"


def test_task_comment_read_assigned_vendor(member, task):
    vendor = member("vendor")
    assign(task, vendor.person)
    assert vendor.get(task_comment_url(task.pk, comment_on(task).pk)).status_code == 200


def test_task_comment_read_unassigned_vendor(member, task):
    assert member("vendor").get(task_comment_url(task.pk, comment_on(task).pk)).status_code == 403


def test_task_comment_vendor_reads_no_client_note(member, task):
    vendor = member("vendor")
    assign(task, vendor.person)
    comment = comment_on(task, factories.PersonFactory(role="client"))
    assert vendor.get(task_comment_url(task.pk, comment.pk)).status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_task_comment_read_outsider(make_client, task, role):
    assert make_client(role).get(task_comment_url(task.pk, comment_on(task).pk)).status_code == 403


def test_task_comment_unknown_task(admin_client, task):
    comment = comment_on(task)
    assert admin_client.get(task_comment_url(UNKNOWN, comment.pk)).status_code == 404


def test_task_comment_malformed_task(admin_client, task):
    assert admin_client.get(task_comment_url("nope", comment_on(task).pk)).status_code == 400


def test_task_comment_delete_admin_outside_team(admin_client, task):
    comment = comment_on(task)
    assert admin_client.delete(task_comment_url(task.pk, comment.pk)).status_code == 204


def test_task_comment_delete_malformed(admin_client, task):
    assert admin_client.delete(task_comment_url(task.pk, "nope")).status_code == 400


def test_task_comment_delete_unknown_task(admin_client, task):
    comment = comment_on(task)
    assert admin_client.delete(task_comment_url(UNKNOWN, comment.pk)).status_code == 404
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_task_comment_delete_own_outside_team(make_client, task, role):
    # Authors may delete their own comments after they leave the team. Only managers must be in it.
    client = make_client(role)
    comment = comment_on(task, client.person)
    assert client.delete(task_comment_url(task.pk, comment.pk)).status_code == 204
    assert not Comment.objects.filter(pk=comment.pk).exists()


# ---- GET /data/tasks/{id}/comments -------------------------------------------------------------


def test_task_comments_vendor_assigned(member, task):
    vendor = member("vendor")
    assign(task, vendor.person)
    artist_note = comment_on(task)
    comment_on(task, factories.PersonFactory(role="client"))
    rows = vendor.get(f"/api/data/tasks/{task.pk}/comments").json()
    assert [row["id"] for row in rows] == [str(artist_note.pk)]


def test_task_comments_vendor_unassigned(member, task):
    assert member("vendor").get(f"/api/data/tasks/{task.pk}/comments").status_code == 403


# ---- POST /data/tasks/{id}/comments/{id}/reply and /ack -------------------------------------------


def test_reply_missing_text(admin_client, task):
    comment = comment_on(task)
    response = admin_client.post(f"{task_comment_url(task.pk, comment.pk)}/reply", {}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()["message"]


def test_reply_text_not_string(admin_client, task):
    comment = comment_on(task)
    response = admin_client.post(f"{task_comment_url(task.pk, comment.pk)}/reply", {"text": 5}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()["message"]


def test_reply_malformed_comment(admin_client, task):
    response = admin_client.post(f"{task_comment_url(task.pk, 'nope')}/reply", {"text": "x"}, format="json")
    assert response.status_code == 400


def test_reply_unknown_task(admin_client, task):
    comment = comment_on(task)
    response = admin_client.post(f"{task_comment_url(UNKNOWN, comment.pk)}/reply", {"text": "x"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_reply_outsider(make_client, task, role):
    client = make_client(role)
    comment = comment_on(task, client.person)
    response = client.post(f"{task_comment_url(task.pk, comment.pk)}/reply", {"text": "x"}, format="json")
    assert response.status_code == 403


def test_ack_unknown_task(admin_client, task):
    comment = comment_on(task)
    assert admin_client.post(f"{task_comment_url(UNKNOWN, comment.pk)}/ack").status_code == 404


def test_reply_delete_unknown_comment(admin_client, task):
    url = f"{task_comment_url(task.pk, UNKNOWN)}/reply/{UNKNOWN}"
    assert admin_client.delete(url).status_code == 404


# ---- POST /actions/tasks/{id}/comment -----------------------------------------------------------


def test_task_comment_create_malformed_task(admin_client, statuses):
    body = {"task_status_id": str(statuses["wip"].pk)}
    assert admin_client.post("/api/actions/tasks/nope/comment", body, format="json").status_code == 400


def test_task_comment_create_supervisor(member, task, statuses):
    body = {"task_status_id": str(statuses["wip"].pk), "comment": "review"}
    response = member("supervisor").post(f"/api/actions/tasks/{task.pk}/comment", body, format="json")
    assert response.status_code == 201


def test_task_comment_rejected_writes_nothing(member, task, statuses):
    body = {"task_status_id": str(statuses["wip"].pk)}
    member("user").post(f"/api/actions/tasks/{task.pk}/comment", body, format="json")
    assert not Comment.objects.exists()
    task.refresh_from_db()
    assert task.task_status_id == statuses["todo"].pk


# ---- POST /actions/tasks/batch-comment and /actions/tasks/{id}/batch-comment ---------------------


def batch_item(task, statuses, **extra):
    return {"task_id": str(task.pk), "task_status_id": str(statuses["wip"].pk), "text": "batch", **extra}


def test_batch_many_without_token(api_client, task, statuses):
    body = {"comments": [batch_item(task, statuses)]}
    assert api_client.post("/api/actions/tasks/batch-comment", body, format="json").status_code == 401


@pytest.mark.parametrize("comments", ["x", {"task_id": "x"}, [], ["x"]])
def test_batch_many_bad_comments(admin_client, task, comments):
    response = admin_client.post("/api/actions/tasks/batch-comment", {"comments": comments}, format="json")
    assert response.status_code == 400
    assert "comments" in str(response.json()["message"])


@pytest.mark.parametrize("key", ["task_id", "task_status_id"])
def test_batch_many_malformed_id(admin_client, task, statuses, key):
    body = {"comments": [batch_item(task, statuses, **{key: "nope"})]}
    response = admin_client.post("/api/actions/tasks/batch-comment", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_batch_many_unknown_task(admin_client, task, statuses):
    body = {"comments": [batch_item(task, statuses, task_id=UNKNOWN)]}
    assert admin_client.post("/api/actions/tasks/batch-comment", body, format="json").status_code == 404


@pytest.mark.parametrize(
    "role, expected", [("manager", 201), ("supervisor", 201), ("user", 201), ("client", 403), ("vendor", 201)]
)
def test_batch_many_by_role(member, task, statuses, role, expected):
    client = member(role)
    assign(task, client.person)
    body = {"comments": [batch_item(task, statuses)]}
    assert client.post("/api/actions/tasks/batch-comment", body, format="json").status_code == expected


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_batch_many_outsider(make_client, task, statuses, role):
    body = {"comments": [batch_item(task, statuses)]}
    response = make_client(role).post("/api/actions/tasks/batch-comment", body, format="json")
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_batch_one_malformed_status(admin_client, task):
    body = {"comments": [{"task_status_id": "nope", "text": "x"}]}
    response = admin_client.post(f"/api/actions/tasks/{task.pk}/batch-comment", body, format="json")
    assert response.status_code == 400
    assert "task_status_id" in response.json()["message"]


def test_batch_one_malformed_task(admin_client, statuses):
    body = {"comments": [{"task_status_id": str(statuses["wip"].pk), "text": "x"}]}
    assert admin_client.post("/api/actions/tasks/nope/batch-comment", body, format="json").status_code == 400


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_batch_one_outsider(make_client, task, statuses, role):
    body = {"comments": [{"task_status_id": str(statuses["wip"].pk), "text": "x"}]}
    response = make_client(role).post(f"/api/actions/tasks/{task.pk}/batch-comment", body, format="json")
    assert response.status_code == 403


def test_batch_one_bad_date(admin_client, task, statuses):
    body = {"comments": [{"task_status_id": str(statuses["wip"].pk), "created_at": "yesterday"}]}
    response = admin_client.post(f"/api/actions/tasks/{task.pk}/batch-comment", body, format="json")
    assert response.status_code == 400
    assert "created_at" in response.json()["message"]


# ---- GET /data/projects/{id}/comments ----------------------------------------------------------


def test_project_comments_malformed_project(admin_client):
    assert admin_client.get("/api/data/projects/nope/comments").status_code == 400


def test_project_comments_page_limit(admin_client, project, task):
    comment_on(task)
    comment_on(task)
    body = admin_client.get(f"/api/data/projects/{project.pk}/comments", {"page": 1, "limit": 1}).json()
    assert len(body["data"]) == 1
    assert body["total"] == 2


def test_project_comments_bad_page_limit(admin_client, project, task):
    response = admin_client.get(f"/api/data/projects/{project.pk}/comments", {"page": 1, "limit": "x"})
    assert response.status_code == 400
    assert "limit" in response.json()["message"]


def test_project_comments_bad_limit(admin_client, project, task):
    response = admin_client.get(f"/api/data/projects/{project.pk}/comments", {"limit": "x"})
    assert response.status_code == 400
    assert "limit" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_project_comments_outsider(make_client, project, role):
    assert make_client(role).get(f"/api/data/projects/{project.pk}/comments").status_code == 403
