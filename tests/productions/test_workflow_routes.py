"""Workflow routes: comment replies, acknowledgements and batches, status automations,
custom fields, custom actions and saved search filters."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from productions.models import (
    ApiEvent,
    Comment,
    Entity,
    MetadataDescriptor,
    Notification,
    ProjectPersonLink,
    SearchFilter,
    SearchFilterGroup,
    StatusAutomation,
    Task,
    TaskPersonLink,
)
from productions.services import comments as comment_services
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


@pytest.fixture
def statuses():
    return {
        "todo": factories.TaskStatusFactory(short_name="todo-w", is_default=True),
        "wip": factories.TaskStatusFactory(short_name="wip-w", is_wip=True, is_artist_allowed=True),
        "done": factories.TaskStatusFactory(short_name="done-w", is_done=True, is_artist_allowed=False),
    }


@pytest.fixture
def task(statuses):
    project = factories.ProjectFactory()
    entity = factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory(name="Props"))
    return factories.TaskFactory(project=project, entity=entity, task_status=statuses["todo"])


def member_client(make_client, role, project):
    client = make_client(role)
    join_team(project, client.person)
    return client


# ---- acknowledgements ----------------------------------------------------------


def ack_url(task, comment_id):
    return f"/api/data/tasks/{task.pk}/comments/{comment_id}/ack"


def test_ack_toggles(admin_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    first = admin_client.post(ack_url(task, comment.pk))
    second = admin_client.post(ack_url(task, comment.pk))
    assert first.status_code == 200
    assert first.json()["acknowledgements"] == [str(admin_client.person.pk)]
    assert second.json()["acknowledgements"] == []


def test_ack_row_shape(admin_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    row = admin_client.post(ack_url(task, comment.pk)).json()
    assert row["previews"] == []
    assert row["attachment_files"] == []
    assert row["id"] == str(comment.pk)


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_ack_team_member(make_client, task, role):
    client = member_client(make_client, role, task.project)
    comment = factories.CommentFactory(object_id=task.pk, person=client.person)
    TaskPersonLink.objects.create(task=task, person=client.person)
    response = client.post(ack_url(task, comment.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_ack_outsider(make_client, task, role):
    comment = factories.CommentFactory(object_id=task.pk)
    response = make_client(role).post(ack_url(task, comment.pk))
    assert response.status_code == 403


def test_ack_unknown_comment(admin_client, task):
    assert admin_client.post(ack_url(task, UNKNOWN)).status_code == 404


def test_ack_malformed_id(admin_client, task):
    assert admin_client.post(ack_url(task, "nope")).status_code == 400


def test_ack_anonymous(api_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    assert api_client.post(ack_url(task, comment.pk)).status_code == 401


# ---- replies -------------------------------------------------------------------


def reply_url(task, comment_id):
    return f"/api/data/tasks/{task.pk}/comments/{comment_id}/reply"


def test_reply_stored(admin_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    response = admin_client.post(reply_url(task, comment.pk), {"text": "Looking"}, format="json")
    assert response.status_code == 200
    reply = response.json()
    assert reply["text"] == "Looking"
    assert reply["person_id"] == str(admin_client.person.pk)
    comment.refresh_from_db()
    assert comment.replies == [reply]


def test_reply_empty_text(admin_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    response = admin_client.post(reply_url(task, comment.pk), {"text": ""}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()["message"]


def test_reply_unknown_comment(admin_client, task):
    response = admin_client.post(reply_url(task, UNKNOWN), {"text": "x"}, format="json")
    assert response.status_code == 404


def test_reply_anonymous(api_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    assert api_client.post(reply_url(task, comment.pk), {"text": "x"}, format="json").status_code == 401


@pytest.mark.parametrize(
    "role,expected",
    [("manager", 200), ("supervisor", 200), ("user", 403), ("client", 403), ("vendor", 403)],
)
def test_reply_on_others_comment(make_client, task, role, expected):
    client = member_client(make_client, role, task.project)
    author = factories.PersonFactory(role="client" if role == "client" else "user")
    comment = factories.CommentFactory(object_id=task.pk, person=author)
    response = client.post(reply_url(task, comment.pk), {"text": "Hi"}, format="json")
    assert response.status_code == expected


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_reply_on_own_comment(make_client, task, role):
    client = member_client(make_client, role, task.project)
    TaskPersonLink.objects.create(task=task, person=client.person)
    comment = factories.CommentFactory(object_id=task.pk, person=client.person)
    response = client.post(reply_url(task, comment.pk), {"text": "Me again"}, format="json")
    assert response.status_code == 200


def test_reply_mentions(admin_client, task):
    mentioned = factories.PersonFactory(first_name="Ann", last_name="Lee")
    join_team(task.project, mentioned)
    comment = factories.CommentFactory(object_id=task.pk)
    reply = admin_client.post(reply_url(task, comment.pk), {"text": "@Ann Lee look"}, format="json").json()
    assert reply["mentions"] == [str(mentioned.pk)]


def notified(person, kind):
    return list(Notification.objects.filter(person=person, type=kind).values_list("reply_id", flat=True))


def test_reply_notifies_comment_author(admin_client, task):
    author = factories.PersonFactory()
    comment = factories.CommentFactory(object_id=task.pk, person=author)
    reply = admin_client.post(reply_url(task, comment.pk), {"text": "Seen"}, format="json").json()
    assert notified(author, "reply") == [uuid.UUID(reply["id"])]


def test_reply_notifies_assignee(admin_client, task):
    assignee = factories.PersonFactory()
    TaskPersonLink.objects.create(task=task, person=assignee)
    comment = factories.CommentFactory(object_id=task.pk)
    admin_client.post(reply_url(task, comment.pk), {"text": "Seen"}, format="json")
    assert len(notified(assignee, "reply")) == 1


def test_reply_notifies_earlier_repliers(make_client, admin_client, task):
    earlier = member_client(make_client, "supervisor", task.project)
    comment = factories.CommentFactory(object_id=task.pk, person=admin_client.person)
    earlier.post(reply_url(task, comment.pk), {"text": "First"}, format="json")
    admin_client.post(reply_url(task, comment.pk), {"text": "Second"}, format="json")
    assert len(notified(earlier.person, "reply")) == 1


def test_reply_skips_its_author(admin_client, task):
    TaskPersonLink.objects.create(task=task, person=admin_client.person)
    comment = factories.CommentFactory(object_id=task.pk, person=admin_client.person)
    admin_client.post(reply_url(task, comment.pk), {"text": "Note to self"}, format="json")
    assert not Notification.objects.filter(person=admin_client.person).exists()


def test_reply_mention_notifies_once(admin_client, task):
    mentioned = factories.PersonFactory(first_name="Ann", last_name="Lee")
    join_team(task.project, mentioned)
    TaskPersonLink.objects.create(task=task, person=mentioned)
    comment = factories.CommentFactory(object_id=task.pk, person=mentioned)
    admin_client.post(reply_url(task, comment.pk), {"text": "@Ann Lee look"}, format="json")
    assert len(notified(mentioned, "reply-mention")) == 1
    assert notified(mentioned, "reply") == []


def test_reply_department_mention(admin_client, task):
    department = factories.DepartmentFactory(name="Lighting")
    member = factories.PersonFactory()
    member.departments.add(department)
    join_team(task.project, member)
    comment = factories.CommentFactory(object_id=task.pk)
    admin_client.post(reply_url(task, comment.pk), {"text": "@Lighting please check"}, format="json")
    assert len(notified(member, "reply-mention")) == 1


def test_reply_event_written(django_capture_on_commit_callbacks, admin_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    with django_capture_on_commit_callbacks(execute=True):
        reply = admin_client.post(reply_url(task, comment.pk), {"text": "Seen"}, format="json").json()
    event = ApiEvent.objects.get(name="comment:reply")
    assert event.data["reply_id"] == reply["id"]
    assert event.data["comment_id"] == str(comment.pk)


def test_reply_delete_removes_notifications(django_capture_on_commit_callbacks, admin_client, task):
    author = factories.PersonFactory()
    comment = factories.CommentFactory(object_id=task.pk, person=author)
    reply = admin_client.post(reply_url(task, comment.pk), {"text": "Oops"}, format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.delete(f"{reply_url(task, comment.pk)}/{reply['id']}")
    assert notified(author, "reply") == []
    assert ApiEvent.objects.filter(name="comment:delete-reply").count() == 1


def test_reply_notification_listed(make_client, admin_client, task):
    author = member_client(make_client, "supervisor", task.project)
    comment = factories.CommentFactory(object_id=task.pk, person=author.person)
    admin_client.post(reply_url(task, comment.pk), {"text": "Reworked"}, format="json")
    rows = author.get("/api/data/user/notifications").json()
    assert [row["notification_type"] for row in rows] == ["reply"]
    assert rows[0]["reply_text"] == "Reworked"


def test_reply_refused_notifies_nobody(make_client, task):
    author = factories.PersonFactory()
    comment = factories.CommentFactory(object_id=task.pk, person=author)
    response = make_client("user").post(reply_url(task, comment.pk), {"text": "Hi"}, format="json")
    assert response.status_code == 403
    assert not Notification.objects.exists()


def test_reply_delete_by_author(make_client, task):
    client = member_client(make_client, "manager", task.project)
    comment = factories.CommentFactory(object_id=task.pk)
    reply = client.post(reply_url(task, comment.pk), {"text": "Mine"}, format="json").json()
    response = client.delete(f"{reply_url(task, comment.pk)}/{reply['id']}")
    assert response.status_code == 200
    assert response.json()["replies"] == []


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_reply_delete_by_other(make_client, admin_client, task, role):
    comment = factories.CommentFactory(object_id=task.pk)
    reply = admin_client.post(reply_url(task, comment.pk), {"text": "Admin's"}, format="json").json()
    client = member_client(make_client, role, task.project)
    response = client.delete(f"{reply_url(task, comment.pk)}/{reply['id']}")
    assert response.status_code == 403
    comment.refresh_from_db()
    assert len(comment.replies) == 1


def test_reply_delete_by_admin(make_client, admin_client, task):
    client = member_client(make_client, "manager", task.project)
    comment = factories.CommentFactory(object_id=task.pk)
    reply = client.post(reply_url(task, comment.pk), {"text": "x"}, format="json").json()
    assert admin_client.delete(f"{reply_url(task, comment.pk)}/{reply['id']}").status_code == 200


def test_reply_delete_unknown(admin_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    assert admin_client.delete(f"{reply_url(task, comment.pk)}/{UNKNOWN}").status_code == 404


def test_reply_delete_malformed(admin_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    assert admin_client.delete(f"{reply_url(task, comment.pk)}/nope").status_code == 400


def test_reply_delete_anonymous(api_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    assert api_client.delete(f"{reply_url(task, comment.pk)}/{UNKNOWN}").status_code == 401


# ---- batch comments ------------------------------------------------------------


def test_batch_on_task(admin_client, task, statuses):
    body = {
        "comments": [
            {"task_status_id": str(statuses["wip"].pk), "text": "first"},
            {"task_status_id": str(statuses["done"].pk), "text": "second"},
        ]
    }
    response = admin_client.post(f"/api/actions/tasks/{task.pk}/batch-comment", body, format="json")
    assert response.status_code == 201
    assert [row["text"] for row in response.json()] == ["first", "second"]
    task.refresh_from_db()
    assert task.task_status_id == statuses["done"].pk


def test_batch_many_tasks(admin_client, task, statuses):
    other = factories.TaskFactory(project=task.project, task_status=statuses["todo"])
    body = {
        "comments": [
            {"task_id": str(task.pk), "task_status_id": str(statuses["wip"].pk), "text": "a"},
            {"task_id": str(other.pk), "task_status_id": str(statuses["done"].pk), "text": "b"},
        ]
    }
    response = admin_client.post("/api/actions/tasks/batch-comment", body, format="json")
    assert response.status_code == 201
    other.refresh_from_db()
    assert other.task_status_id == statuses["done"].pk


def test_batch_all_or_nothing(admin_client, task, statuses):
    body = {
        "comments": [
            {"task_id": str(task.pk), "task_status_id": str(statuses["wip"].pk), "text": "a"},
            {"task_id": str(task.pk), "task_status_id": UNKNOWN, "text": "b"},
        ]
    }
    response = admin_client.post("/api/actions/tasks/batch-comment", body, format="json")
    assert response.status_code == 404
    assert not Comment.objects.filter(object_id=task.pk).exists()


def test_batch_missing_comments(admin_client, task):
    response = admin_client.post(f"/api/actions/tasks/{task.pk}/batch-comment", {}, format="json")
    assert response.status_code == 400
    assert "comments" in str(response.json()["message"])


def test_batch_missing_task_id(admin_client, statuses):
    body = {"comments": [{"task_status_id": str(statuses["wip"].pk), "text": "a"}]}
    response = admin_client.post("/api/actions/tasks/batch-comment", body, format="json")
    assert response.status_code == 400
    assert "task_id" in response.json()["message"]


def test_batch_unknown_task(admin_client, statuses):
    body = {"comments": [{"task_status_id": str(statuses["wip"].pk), "text": "a"}]}
    assert admin_client.post(f"/api/actions/tasks/{UNKNOWN}/batch-comment", body, format="json").status_code == 404


def test_batch_anonymous(api_client, task):
    assert api_client.post(f"/api/actions/tasks/{task.pk}/batch-comment", {}, format="json").status_code == 401


@pytest.mark.parametrize(
    "role,expected",
    [("manager", 201), ("supervisor", 201), ("user", 201), ("client", 403), ("vendor", 201)],
)
def test_batch_roles(make_client, task, statuses, role, expected):
    client = member_client(make_client, role, task.project)
    TaskPersonLink.objects.create(task=task, person=client.person)
    body = {"comments": [{"task_status_id": str(statuses["wip"].pk), "text": "role"}]}
    response = client.post(f"/api/actions/tasks/{task.pk}/batch-comment", body, format="json")
    assert response.status_code == expected


def test_batch_artist_refused_status(make_client, task, statuses):
    client = member_client(make_client, "user", task.project)
    TaskPersonLink.objects.create(task=task, person=client.person)
    body = {"comments": [{"task_status_id": str(statuses["done"].pk), "text": "done"}]}
    response = client.post(f"/api/actions/tasks/{task.pk}/batch-comment", body, format="json")
    assert response.status_code == 403
    assert not Comment.objects.filter(object_id=task.pk).exists()


def test_batch_artist_cannot_backdate(make_client, task, statuses):
    client = member_client(make_client, "user", task.project)
    TaskPersonLink.objects.create(task=task, person=client.person)
    other = factories.PersonFactory()
    body = {"comments": [{"task_status_id": str(statuses["wip"].pk), "text": "x", "person_id": str(other.pk)}]}
    row = client.post(f"/api/actions/tasks/{task.pk}/batch-comment", body, format="json").json()[0]
    assert row["person_id"] == str(client.person.pk)


# ---- comment concurrency -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_comments_both_kept(statuses):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes every write")
    project = factories.ProjectFactory()
    task = factories.TaskFactory(project=project, task_status=statuses["todo"])
    authors = [factories.PersonFactory(), factories.PersonFactory()]
    barrier = threading.Barrier(2)
    errors = []

    def post(author, task_status):
        try:
            loaded = Task.objects.select_related("project", "entity__entity_type", "task_status").get(pk=task.pk)
            barrier.wait()
            comment_services.comment_create(task=loaded, task_status=task_status, author=author, text="at once")
        except Exception as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=post, args=(authors[0], statuses["wip"])),
        threading.Thread(target=post, args=(authors[1], statuses["done"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    comments = list(Comment.objects.filter(object_id=task.pk).order_by("created_at"))
    assert len(comments) == 2
    task.refresh_from_db()
    assert task.task_status_id == comments[-1].task_status_id
    assert task.last_comment_date == comments[-1].created_at


# ---- status automations: trigger -----------------------------------------------


@pytest.fixture
def automation_setup(statuses):
    project = factories.ProjectFactory()
    asset = factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory(name="Character"))
    modeling = factories.TaskTypeFactory(name="Modeling W")
    rigging = factories.TaskTypeFactory(name="Rigging W")
    modeling_task = factories.TaskFactory(
        project=project, entity=asset, task_type=modeling, task_status=statuses["todo"]
    )
    rigging_task = factories.TaskFactory(project=project, entity=asset, task_type=rigging, task_status=statuses["todo"])
    automation = factories.StatusAutomationFactory(
        entity_type="asset",
        in_task_type=modeling,
        in_task_status=statuses["done"],
        out_task_type=rigging,
        out_task_status=statuses["wip"],
    )
    project.status_automations.add(automation)
    return {
        "project": project,
        "asset": asset,
        "automation": automation,
        "modeling_task": modeling_task,
        "rigging_task": rigging_task,
    }


def comment_on(client, task, task_status):
    return client.post(
        f"/api/actions/tasks/{task.pk}/comment", {"task_status_id": str(task_status.pk), "comment": "x"}, format="json"
    )


def test_automation_sets_out_status(admin_client, automation_setup, statuses):
    comment_on(admin_client, automation_setup["modeling_task"], statuses["done"])
    rigging_task = Task.objects.get(pk=automation_setup["rigging_task"].pk)
    assert rigging_task.task_status_id == statuses["wip"].pk
    assert Comment.objects.filter(object_id=rigging_task.pk).count() == 1


def test_automation_other_status(admin_client, automation_setup, statuses):
    comment_on(admin_client, automation_setup["modeling_task"], statuses["wip"])
    rigging_task = Task.objects.get(pk=automation_setup["rigging_task"].pk)
    assert rigging_task.task_status_id == statuses["todo"].pk


def test_automation_archived(admin_client, automation_setup, statuses):
    StatusAutomation.objects.filter(pk=automation_setup["automation"].pk).update(archived=True)
    comment_on(admin_client, automation_setup["modeling_task"], statuses["done"])
    rigging_task = Task.objects.get(pk=automation_setup["rigging_task"].pk)
    assert rigging_task.task_status_id == statuses["todo"].pk


def test_automation_not_on_project(admin_client, automation_setup, statuses):
    automation_setup["project"].status_automations.clear()
    comment_on(admin_client, automation_setup["modeling_task"], statuses["done"])
    rigging_task = Task.objects.get(pk=automation_setup["rigging_task"].pk)
    assert rigging_task.task_status_id == statuses["todo"].pk


def test_automation_wrong_entity_type(admin_client, automation_setup, statuses):
    StatusAutomation.objects.filter(pk=automation_setup["automation"].pk).update(entity_type="shot")
    comment_on(admin_client, automation_setup["modeling_task"], statuses["done"])
    rigging_task = Task.objects.get(pk=automation_setup["rigging_task"].pk)
    assert rigging_task.task_status_id == statuses["todo"].pk


def test_automation_ready_for(admin_client, automation_setup, statuses):
    automation = automation_setup["automation"]
    StatusAutomation.objects.filter(pk=automation.pk).update(out_field_type="ready_for")
    comment_on(admin_client, automation_setup["modeling_task"], statuses["done"])
    asset = Entity.objects.get(pk=automation_setup["asset"].pk)
    assert asset.ready_for_id == automation.out_task_type_id


def test_automation_rollback_skipped(admin_client, automation_setup, statuses):
    project = automation_setup["project"]
    automation = automation_setup["automation"]
    factories.ProjectTaskTypeLinkFactory(project=project, task_type=automation.in_task_type, priority=5)
    factories.ProjectTaskTypeLinkFactory(project=project, task_type=automation.out_task_type, priority=1)
    comment_on(admin_client, automation_setup["modeling_task"], statuses["done"])
    rigging_task = Task.objects.get(pk=automation_setup["rigging_task"].pk)
    assert rigging_task.task_status_id == statuses["todo"].pk


def test_automation_loop_ends(admin_client, automation_setup, statuses):
    automation = automation_setup["automation"]
    # A second rule sends rigging back to modeling, so the two rules would loop forever.
    back = factories.StatusAutomationFactory(
        entity_type="asset",
        in_task_type=automation.out_task_type,
        in_task_status=statuses["wip"],
        out_task_type=automation.in_task_type,
        out_task_status=statuses["done"],
    )
    automation_setup["project"].status_automations.add(back)
    response = comment_on(admin_client, automation_setup["modeling_task"], statuses["done"])
    assert response.status_code == 201


# ---- status automations: generic and project routes ----------------------------


def automation_body(statuses):
    in_type, out_type = factories.TaskTypeFactory(), factories.TaskTypeFactory()
    return {
        "entity_type": "asset",
        "in_task_type_id": str(in_type.pk),
        "in_task_status_id": str(statuses["done"].pk),
        "out_field_type": "status",
        "out_task_type_id": str(out_type.pk),
        "out_task_status_id": str(statuses["wip"].pk),
    }


def test_automation_create(admin_client, statuses):
    response = admin_client.post("/api/data/status-automations/", automation_body(statuses), format="json")
    assert response.status_code == 201
    assert response.json()["type"] == "StatusAutomation"


def test_automation_bad_field_type(admin_client, statuses):
    body = {**automation_body(statuses), "out_field_type": "colour"}
    response = admin_client.post("/api/data/status-automations/", body, format="json")
    assert response.status_code == 400
    assert "out_field_type" in response.json()["message"]


@pytest.mark.parametrize("key", ["in_task_type_id", "in_task_status_id", "out_task_type_id", "out_task_status_id"])
def test_automation_missing_field(admin_client, statuses, key):
    body = automation_body(statuses)
    del body[key]
    response = admin_client.post("/api/data/status-automations/", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_automation_empty_body(admin_client):
    response = admin_client.post("/api/data/status-automations/", {}, format="json")
    assert response.status_code == 400
    assert not StatusAutomation.objects.exists()


def test_automation_ready_for_needs_no_status(admin_client, statuses):
    body = {**automation_body(statuses), "out_field_type": "ready_for"}
    del body["out_task_status_id"]
    assert admin_client.post("/api/data/status-automations/", body, format="json").status_code == 201


def test_automation_update_clears_trigger(admin_client, statuses):
    automation_id = admin_client.post("/api/data/status-automations/", automation_body(statuses), format="json").json()[
        "id"
    ]
    response = admin_client.put(
        f"/api/data/status-automations/{automation_id}", {"in_task_type_id": None}, format="json"
    )
    assert response.status_code == 400
    assert "in_task_type_id" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_automation_create_refused(make_client, statuses, role):
    response = make_client(role).post("/api/data/status-automations/", automation_body(statuses), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role,expected", [(role, 403 if role == "vendor" else 200) for role in ROLES])
def test_automation_list_roles(make_client, role, expected):
    assert make_client(role).get("/api/data/status-automations/").status_code == expected


def test_automation_list_queries(admin_client):
    factories.StatusAutomationFactory()
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/api/data/status-automations/")
    factories.StatusAutomationFactory.create_batch(4)
    with CaptureQueriesContext(connection) as many:
        admin_client.get("/api/data/status-automations/")
    assert len(many) == len(few)


def test_automation_delete_in_use(admin_client):
    automation = factories.StatusAutomationFactory()
    factories.ProjectFactory().status_automations.add(automation)
    response = admin_client.delete(f"/api/data/status-automations/{automation.pk}")
    assert response.status_code == 400
    assert StatusAutomation.objects.filter(pk=automation.pk).exists()


def test_automation_delete(admin_client):
    automation = factories.StatusAutomationFactory()
    assert admin_client.delete(f"/api/data/status-automations/{automation.pk}").status_code == 204


def test_automation_unknown(admin_client):
    assert admin_client.get(f"/api/data/status-automations/{UNKNOWN}").status_code == 404


def test_automation_anonymous(api_client):
    assert api_client.get("/api/data/status-automations/").status_code == 401


def project_automations_url(project):
    return f"/api/data/projects/{project.pk}/settings/status-automations"


def test_project_automation_add_list_remove(admin_client):
    project = factories.ProjectFactory()
    automation = factories.StatusAutomationFactory()
    added = admin_client.post(project_automations_url(project), {"status_automation_id": str(automation.pk)})
    listed = admin_client.get(project_automations_url(project))
    removed = admin_client.delete(f"{project_automations_url(project)}/{automation.pk}")
    assert added.status_code == 201
    assert added.json()["id"] == str(project.pk)
    assert [row["id"] for row in listed.json()] == [str(automation.pk)]
    assert removed.status_code == 204
    assert not project.status_automations.exists()


def test_project_automation_missing_id(admin_client):
    response = admin_client.post(project_automations_url(factories.ProjectFactory()), {}, format="json")
    assert response.status_code == 400
    assert "status_automation_id" in str(response.json()["message"])


def test_project_automation_unknown_id(admin_client):
    body = {"status_automation_id": UNKNOWN}
    response = admin_client.post(project_automations_url(factories.ProjectFactory()), body, format="json")
    assert response.status_code == 400


def test_project_automation_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{UNKNOWN}/settings/status-automations").status_code == 404


def test_project_automation_anonymous(api_client):
    assert api_client.get(project_automations_url(factories.ProjectFactory())).status_code == 401


@pytest.mark.parametrize("role,expected", [(role, 200 if role in ("admin", "manager") else 403) for role in ROLES])
def test_project_automation_roles(make_client, role, expected):
    project = factories.ProjectFactory()
    client = member_client(make_client, role, project)
    assert client.get(project_automations_url(project)).status_code == expected


@pytest.mark.parametrize("role,expected", [(role, 201 if role in ("admin", "manager") else 403) for role in ROLES])
def test_project_automation_add_roles(make_client, role, expected):
    project = factories.ProjectFactory()
    client = member_client(make_client, role, project)
    automation = factories.StatusAutomationFactory()
    response = client.post(project_automations_url(project), {"status_automation_id": str(automation.pk)})
    assert response.status_code == expected


# ---- metadata descriptors ------------------------------------------------------


def descriptors_url(project):
    return f"/api/data/projects/{project.pk}/metadata-descriptors"


def test_descriptor_create(admin_client):
    project = factories.ProjectFactory()
    body = {"name": "Difficulty Level", "entity_type": "Asset", "data_type": "list", "choices": ["easy", "hard"]}
    response = admin_client.post(descriptors_url(project), body, format="json")
    assert response.status_code == 201
    row = response.json()
    assert row["field_name"] == "difficulty_level"
    assert row["choices"] == ["easy", "hard"]
    assert row["project_id"] == str(project.pk)


@pytest.mark.parametrize("data_type", ["string", "number", "list", "taglist", "boolean", "checklist"])
def test_descriptor_data_types(admin_client, data_type):
    project = factories.ProjectFactory()
    body = {"name": f"Field {data_type}", "data_type": data_type, "choices": ["a", "b"]}
    response = admin_client.post(descriptors_url(project), body, format="json")
    assert response.json()["data_type"] == data_type


def test_descriptor_bad_type(admin_client):
    body = {"name": "Weird", "data_type": "colour"}
    response = admin_client.post(descriptors_url(factories.ProjectFactory()), body, format="json")
    assert response.status_code == 400
    assert "data_type" in response.json()["message"]


def test_descriptor_bad_entity_type(admin_client):
    body = {"name": "Weird", "data_type": "string", "entity_type": "Person"}
    response = admin_client.post(descriptors_url(factories.ProjectFactory()), body, format="json")
    assert response.status_code == 400
    assert "entity_type" in response.json()["message"]


def test_descriptor_missing_name(admin_client):
    response = admin_client.post(descriptors_url(factories.ProjectFactory()), {"data_type": "string"}, format="json")
    assert response.status_code == 400
    assert "name" in str(response.json()["message"])


def test_descriptor_duplicate(admin_client):
    project = factories.ProjectFactory()
    body = {"name": "Budget", "data_type": "string"}
    admin_client.post(descriptors_url(project), body, format="json")
    response = admin_client.post(descriptors_url(project), body, format="json")
    assert response.status_code == 400
    assert MetadataDescriptor.objects.filter(project=project).count() == 1


def test_descriptor_unknown_department(admin_client):
    body = {"name": "Budget", "data_type": "string", "departments": [UNKNOWN]}
    response = admin_client.post(descriptors_url(factories.ProjectFactory()), body, format="json")
    assert response.status_code == 400
    assert "departments" in response.json()["message"]


def test_descriptor_unknown_project(admin_client):
    response = admin_client.post(
        f"/api/data/projects/{UNKNOWN}/metadata-descriptors", {"name": "x", "data_type": "string"}, format="json"
    )
    assert response.status_code == 404


def test_descriptor_anonymous(api_client):
    assert api_client.get(descriptors_url(factories.ProjectFactory())).status_code == 401


@pytest.mark.parametrize(
    "role,expected",
    [("admin", 201), ("manager", 201), ("supervisor", 403), ("user", 403), ("client", 403), ("vendor", 403)],
)
def test_descriptor_create_roles(make_client, role, expected):
    project = factories.ProjectFactory()
    client = member_client(make_client, role, project)
    response = client.post(descriptors_url(project), {"name": "Budget", "data_type": "string"}, format="json")
    assert response.status_code == expected


def test_descriptor_supervisor_with_department(make_client):
    project = factories.ProjectFactory()
    department = factories.DepartmentFactory()
    client = member_client(make_client, "supervisor", project)
    client.person.departments.add(department)
    body = {"name": "Budget", "data_type": "string", "departments": [str(department.pk)]}
    assert client.post(descriptors_url(project), body, format="json").status_code == 201


def test_descriptor_supervisor_other_department(make_client):
    project = factories.ProjectFactory()
    client = member_client(make_client, "supervisor", project)
    client.person.departments.add(factories.DepartmentFactory())
    body = {"name": "Budget", "data_type": "string", "departments": [str(factories.DepartmentFactory().pk)]}
    assert client.post(descriptors_url(project), body, format="json").status_code == 403


@pytest.mark.parametrize("role,expected", [(role, 200) for role in ROLES])
def test_descriptor_list_roles(make_client, role, expected):
    project = factories.ProjectFactory()
    client = member_client(make_client, role, project)
    assert client.get(descriptors_url(project)).status_code == expected


def test_descriptor_list_outsider(make_client):
    assert make_client("user").get(descriptors_url(factories.ProjectFactory())).status_code == 403


def test_descriptor_list_client_sees_client_fields(make_client):
    project = factories.ProjectFactory()
    shown = factories.MetadataDescriptorFactory(project=project, for_client=True)
    factories.MetadataDescriptorFactory(project=project, for_client=False)
    client = member_client(make_client, "client", project)
    assert [row["id"] for row in client.get(descriptors_url(project)).json()] == [str(shown.pk)]


def test_descriptor_list_queries(admin_client):
    project = factories.ProjectFactory()
    factories.MetadataDescriptorFactory(project=project)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(descriptors_url(project))
    factories.MetadataDescriptorFactory.create_batch(4, project=project)
    with CaptureQueriesContext(connection) as many:
        rows = admin_client.get(descriptors_url(project)).json()
    assert len(rows) == 5
    assert len(many) == len(few)


def test_descriptor_get(admin_client):
    descriptor = factories.MetadataDescriptorFactory()
    response = admin_client.get(f"{descriptors_url(descriptor.project)}/{descriptor.pk}")
    assert response.json()["departments"] == []


def test_descriptor_get_other_project(admin_client):
    descriptor = factories.MetadataDescriptorFactory()
    other = factories.ProjectFactory()
    assert admin_client.get(f"{descriptors_url(other)}/{descriptor.pk}").status_code == 404


def test_descriptor_get_malformed(admin_client):
    project = factories.ProjectFactory()
    assert admin_client.get(f"{descriptors_url(project)}/nope").status_code == 400


def test_descriptor_rename_moves_values(admin_client):
    descriptor = factories.MetadataDescriptorFactory(name="Budget", field_name="budget")
    asset = factories.EntityFactory(project=descriptor.project, data={"budget": "10", "other": 1})
    response = admin_client.put(
        f"{descriptors_url(descriptor.project)}/{descriptor.pk}", {"name": "Cost"}, format="json"
    )
    assert response.json()["field_name"] == "cost"
    asset.refresh_from_db()
    assert asset.data == {"cost": "10", "other": 1}


def test_descriptor_update_keeps_unsent(admin_client):
    descriptor = factories.MetadataDescriptorFactory(data_type="list", choices=["a"], for_client=True)
    admin_client.put(f"{descriptors_url(descriptor.project)}/{descriptor.pk}", {"name": "New name"}, format="json")
    descriptor.refresh_from_db()
    assert descriptor.choices == ["a"]
    assert descriptor.for_client is True


def test_descriptor_update_empty_name(admin_client):
    descriptor = factories.MetadataDescriptorFactory()
    response = admin_client.put(f"{descriptors_url(descriptor.project)}/{descriptor.pk}", {"name": ""}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_descriptor_update_refused(make_client, role):
    descriptor = factories.MetadataDescriptorFactory()
    client = member_client(make_client, role, descriptor.project)
    url = f"{descriptors_url(descriptor.project)}/{descriptor.pk}"
    assert client.put(url, {"name": "x"}, format="json").status_code == 403


def test_descriptor_delete_removes_values(admin_client):
    descriptor = factories.MetadataDescriptorFactory(field_name="budget")
    asset = factories.EntityFactory(project=descriptor.project, data={"budget": "10"})
    response = admin_client.delete(f"{descriptors_url(descriptor.project)}/{descriptor.pk}")
    assert response.status_code == 204
    asset.refresh_from_db()
    assert asset.data == {}


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_descriptor_delete_refused(make_client, role):
    descriptor = factories.MetadataDescriptorFactory()
    client = member_client(make_client, role, descriptor.project)
    assert client.delete(f"{descriptors_url(descriptor.project)}/{descriptor.pk}").status_code == 403


def test_generic_descriptor_create(admin_client):
    project = factories.ProjectFactory()
    body = {"project_id": str(project.pk), "name": "Frames", "field_name": "frames", "entity_type": "Shot"}
    response = admin_client.post("/api/data/metadata-descriptors/", {**body, "data_type": "number"}, format="json")
    assert response.status_code == 201


def test_generic_descriptor_bad_type(admin_client):
    project = factories.ProjectFactory()
    body = {"project_id": str(project.pk), "name": "F", "field_name": "f", "entity_type": "Shot", "data_type": "x"}
    response = admin_client.post("/api/data/metadata-descriptors/", body, format="json")
    assert response.status_code == 400
    assert "data_type" in response.json()["message"]


def test_generic_descriptor_get_departments(admin_client):
    descriptor = factories.MetadataDescriptorFactory()
    department = factories.DepartmentFactory()
    descriptor.departments.add(department)
    row = admin_client.get(f"/api/data/metadata-descriptors/{descriptor.pk}").json()
    assert row["departments"] == [str(department.pk)]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_generic_descriptor_list_scoped(make_client, role):
    visible = factories.MetadataDescriptorFactory()
    factories.MetadataDescriptorFactory()
    client = member_client(make_client, role, visible.project)
    response = client.get("/api/data/metadata-descriptors/")
    if role == "vendor":
        assert response.status_code == 403
    else:
        assert [row["id"] for row in response.json()] == [str(visible.pk)]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_generic_descriptor_write_refused(make_client, role):
    descriptor = factories.MetadataDescriptorFactory()
    response = make_client(role).put(f"/api/data/metadata-descriptors/{descriptor.pk}", {"name": "x"}, format="json")
    assert response.status_code == 403


# ---- custom field values on entities -------------------------------------------


@pytest.fixture
def asset_with_fields():
    project = factories.ProjectFactory()
    asset = factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory(name="Props"))
    for data_type, choices in [
        ("string", None),
        ("number", None),
        ("list", ["easy", "hard"]),
        ("taglist", ["red", "blue"]),
        ("boolean", None),
        ("checklist", ["model", "rig"]),
    ]:
        factories.MetadataDescriptorFactory(
            project=project,
            entity_type="Asset",
            name=data_type,
            field_name=data_type,
            data_type=data_type,
            choices=choices,
        )
    return asset


@pytest.mark.parametrize(
    "field,value",
    [
        ("string", "text"),
        ("number", 12.5),
        ("number", "12"),
        ("list", "hard"),
        ("taglist", "red,blue"),
        ("boolean", True),
        ("boolean", "false"),
        ("checklist", {"model": True}),
        ("list", ""),
        ("free_key", {"anything": 1}),
    ],
)
def test_field_value_accepted(admin_client, asset_with_fields, field, value):
    response = admin_client.put(f"/api/data/entities/{asset_with_fields.pk}", {"data": {field: value}}, format="json")
    assert response.status_code == 200
    assert response.json()["data"][field] == value


@pytest.mark.parametrize(
    "field,value",
    [
        ("string", 3),
        ("number", "twelve"),
        ("list", "medium"),
        ("taglist", "green"),
        ("boolean", "maybe"),
        ("checklist", {"paint": True}),
        ("checklist", ["model"]),
    ],
)
def test_field_value_refused(admin_client, asset_with_fields, field, value):
    response = admin_client.put(f"/api/data/entities/{asset_with_fields.pk}", {"data": {field: value}}, format="json")
    assert response.status_code == 400
    assert f"data.{field}" in response.json()["message"]
    asset_with_fields.refresh_from_db()
    assert field not in (asset_with_fields.data or {})


def test_field_supervisor_department(make_client, asset_with_fields):
    department = factories.DepartmentFactory()
    descriptor = MetadataDescriptor.objects.get(project=asset_with_fields.project, field_name="string")
    descriptor.departments.add(department)
    client = member_client(make_client, "supervisor", asset_with_fields.project)
    client.person.departments.add(department)
    response = client.put(f"/api/data/entities/{asset_with_fields.pk}", {"data": {"string": "ok"}}, format="json")
    assert response.status_code == 200


def test_field_supervisor_other_department(make_client, asset_with_fields):
    client = member_client(make_client, "supervisor", asset_with_fields.project)
    client.person.departments.add(factories.DepartmentFactory())
    response = client.put(f"/api/data/entities/{asset_with_fields.pk}", {"data": {"string": "no"}}, format="json")
    assert response.status_code == 403


# ---- custom actions ------------------------------------------------------------


def test_custom_action_create(admin_client):
    body = {"name": "Send to farm", "url": "http://127.0.0.1:9/farm", "entity_type": "shot"}
    response = admin_client.post("/api/data/custom-actions/", body, format="json")
    assert response.status_code == 201
    assert response.json()["type"] == "CustomAction"


def test_custom_action_missing_name(admin_client):
    response = admin_client.post("/api/data/custom-actions/", {"url": "http://127.0.0.1:9/"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_custom_action_write_refused(make_client, role):
    response = make_client(role).post("/api/data/custom-actions/", {"name": "x"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role,expected", [(role, 403 if role == "vendor" else 200) for role in ROLES])
def test_custom_action_list_roles(make_client, role, expected):
    factories.CustomActionFactory()
    assert make_client(role).get("/api/data/custom-actions/").status_code == expected


def test_custom_action_unknown(admin_client):
    assert admin_client.get(f"/api/data/custom-actions/{UNKNOWN}").status_code == 404


def test_custom_action_anonymous(api_client):
    assert api_client.get("/api/data/custom-actions/").status_code == 401


# ---- plugins --------------------------------------------------------------------

PLUGIN = {"plugin_id": "farm-sync", "name": "Farm sync", "version": "1.0.0", "maintainer_name": "TD", "license": "MIT"}


def test_plugin_crud(admin_client):
    created = admin_client.post("/api/data/plugins", PLUGIN, format="json")
    assert created.status_code == 201
    plugin_id = created.json()["id"]
    assert created.json()["type"] == "Plugin"
    updated = admin_client.put(f"/api/data/plugins/{plugin_id}", {"version": "1.1.0"}, format="json")
    assert updated.json()["version"] == "1.1.0"
    assert [row["plugin_id"] for row in admin_client.get("/api/data/plugins").json()] == ["farm-sync"]
    assert admin_client.delete(f"/api/data/plugins/{plugin_id}").status_code == 204
    assert admin_client.get(f"/api/data/plugins/{plugin_id}").status_code == 404


@pytest.mark.parametrize("field", ["plugin_id", "name", "version", "maintainer_name", "license"])
def test_plugin_missing_field(admin_client, field):
    body = {key: value for key, value in PLUGIN.items() if key != field}
    response = admin_client.post("/api/data/plugins", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


def test_plugin_duplicate_id(admin_client):
    assert admin_client.post("/api/data/plugins", PLUGIN, format="json").status_code == 201
    response = admin_client.post("/api/data/plugins", {**PLUGIN, "name": "Other"}, format="json")
    assert response.status_code == 400
    assert "plugin_id" in response.json()["message"]


def test_plugin_bad_website(admin_client):
    response = admin_client.post("/api/data/plugins", {**PLUGIN, "website": "not a url"}, format="json")
    assert response.status_code == 400
    assert "website" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_plugin_admin_only(make_client, role):
    client = make_client(role)
    assert client.get("/api/data/plugins").status_code == 403
    assert client.post("/api/data/plugins", PLUGIN, format="json").status_code == 403


def test_plugin_unknown(admin_client):
    assert admin_client.get(f"/api/data/plugins/{UNKNOWN}").status_code == 404


# ---- saved search filters: the caller's own ------------------------------------


def filter_body(project, **extra):
    return {"name": "Heroes", "query": "hero", "list_type": "asset", "project_id": str(project.pk), **extra}


def test_user_filter_create(make_client):
    project = factories.ProjectFactory()
    client = member_client(make_client, "user", project)
    response = client.post("/api/data/user/filters", filter_body(project), format="json")
    assert response.status_code == 201
    assert response.json()["search_query"] == "hero"
    assert response.json()["person_id"] == str(client.person.pk)


def test_user_filter_missing_name(make_client):
    project = factories.ProjectFactory()
    body = filter_body(project)
    del body["name"]
    response = make_client("user").post("/api/data/user/filters", body, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


def test_user_filter_unknown_project(make_client):
    body = filter_body(factories.ProjectFactory(), project_id=UNKNOWN)
    assert make_client("user").post("/api/data/user/filters", body, format="json").status_code == 400


def test_user_filter_anonymous(api_client):
    assert api_client.get("/api/data/user/filters").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_user_filter_share_roles(make_client, role):
    project = factories.ProjectFactory()
    client = member_client(make_client, role, project)
    row = client.post("/api/data/user/filters", filter_body(project, is_shared=True), format="json").json()
    assert row["is_shared"] is (role in ("admin", "manager"))


def test_user_filter_list_grouped(make_client):
    project = factories.ProjectFactory()
    client = member_client(make_client, "user", project)
    own = factories.SearchFilterFactory(person=client.person, project=project)
    shared = factories.SearchFilterFactory(is_shared=True, list_type="shot")
    factories.SearchFilterFactory()
    result = client.get("/api/data/user/filters").json()
    assert [row["id"] for row in result["asset"][str(project.pk)]] == [str(own.pk)]
    assert [row["id"] for row in result["shot"]["all"]] == [str(shared.pk)]


def test_user_filter_list_hides_closed_projects(make_client):
    client = make_client("user")
    factories.SearchFilterFactory(person=client.person, project=factories.ClosedProjectFactory())
    assert client.get("/api/data/user/filters").json() == {}


def test_user_filter_list_department(make_client):
    client = make_client("user")
    factories.SearchFilterFactory(is_shared=True, department=factories.DepartmentFactory())
    assert client.get("/api/data/user/filters").json() == {}


def test_user_filter_list_queries(make_client):
    client = make_client("user")
    factories.SearchFilterFactory(person=client.person)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/data/user/filters")
    factories.SearchFilterFactory.create_batch(4, person=client.person)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/data/user/filters")
    assert len(many) == len(few)


def test_user_filter_update(make_client):
    client = make_client("user")
    search_filter = factories.SearchFilterFactory(person=client.person)
    body = {"name": "Villains", "search_query": "villain"}
    response = client.put(f"/api/data/user/filters/{search_filter.pk}", body, format="json")
    assert response.json()["name"] == "Villains"
    assert response.json()["search_query"] == "villain"


def test_user_filter_update_others(make_client):
    search_filter = factories.SearchFilterFactory(is_shared=True)
    response = make_client("user").put(f"/api/data/user/filters/{search_filter.pk}", {"name": "x"}, format="json")
    assert response.status_code == 404


def test_user_filter_group_sharing_mismatch(make_client):
    client = make_client("user")
    group = factories.SearchFilterGroupFactory(person=client.person, is_shared=False)
    search_filter = factories.SearchFilterFactory(person=client.person)
    shared_group = factories.SearchFilterGroupFactory(is_shared=True)
    body = {"search_filter_group_id": str(shared_group.pk)}
    response = client.put(f"/api/data/user/filters/{search_filter.pk}", body, format="json")
    assert response.status_code == 400
    assert "search_filter_group_id" in response.json()["message"]
    assert client.put(
        f"/api/data/user/filters/{search_filter.pk}", {"search_filter_group_id": str(group.pk)}, format="json"
    ).json()["search_filter_group_id"] == str(group.pk)


def test_user_filter_private_group_of_other(make_client):
    project = factories.ProjectFactory()
    group = factories.SearchFilterGroupFactory(is_shared=False)
    body = filter_body(project, search_filter_group_id=str(group.pk))
    assert make_client("user").post("/api/data/user/filters", body, format="json").status_code == 403


def test_user_filter_delete(make_client):
    client = make_client("user")
    search_filter = factories.SearchFilterFactory(person=client.person)
    assert client.delete(f"/api/data/user/filters/{search_filter.pk}").status_code == 204
    assert not SearchFilter.objects.filter(pk=search_filter.pk).exists()


def test_user_filter_delete_unknown(make_client):
    assert make_client("user").delete(f"/api/data/user/filters/{UNKNOWN}").status_code == 404


def test_user_filter_delete_malformed(make_client):
    assert make_client("user").delete("/api/data/user/filters/nope").status_code == 400


def group_body(project, **extra):
    return {"name": "My group", "color": "#00AAFF", "list_type": "asset", "project_id": str(project.pk), **extra}


@pytest.mark.parametrize("role", ROLES)
def test_user_group_create_roles(make_client, role):
    project = factories.ProjectFactory()
    client = member_client(make_client, role, project)
    response = client.post("/api/data/user/filter-groups", group_body(project), format="json")
    assert response.status_code == 201


def test_user_group_missing_color(make_client):
    body = group_body(factories.ProjectFactory())
    del body["color"]
    response = make_client("user").post("/api/data/user/filter-groups", body, format="json")
    assert response.status_code == 400
    assert "color" in response.json()["message"]


def test_user_group_color_too_long(make_client):
    body = group_body(factories.ProjectFactory(), color="#0011223344")
    response = make_client("user").post("/api/data/user/filter-groups", body, format="json")
    assert response.status_code == 400


def test_user_group_anonymous(api_client):
    assert api_client.get("/api/data/user/filter-groups").status_code == 401


def test_user_group_list(make_client):
    client = make_client("user")
    group = factories.SearchFilterGroupFactory(person=client.person)
    factories.SearchFilterGroupFactory()
    result = client.get("/api/data/user/filter-groups").json()
    assert [row["id"] for row in result["asset"]["all"]] == [str(group.pk)]


def test_user_group_get_shared(make_client):
    group = factories.SearchFilterGroupFactory(is_shared=True)
    assert make_client("user").get(f"/api/data/user/filter-groups/{group.pk}").status_code == 200


def test_user_group_get_private_of_other(make_client):
    group = factories.SearchFilterGroupFactory()
    assert make_client("user").get(f"/api/data/user/filter-groups/{group.pk}").status_code == 404


def test_user_group_update_shares_filters(make_client):
    project = factories.ProjectFactory()
    client = member_client(make_client, "manager", project)
    group = factories.SearchFilterGroupFactory(person=client.person, project=project)
    search_filter = factories.SearchFilterFactory(person=client.person, search_filter_group=group)
    response = client.put(f"/api/data/user/filter-groups/{group.pk}", {"is_shared": True}, format="json")
    assert response.json()["is_shared"] is True
    search_filter.refresh_from_db()
    assert search_filter.is_shared is True


def test_user_group_update_others(make_client):
    group = factories.SearchFilterGroupFactory(is_shared=True)
    response = make_client("user").put(f"/api/data/user/filter-groups/{group.pk}", {"name": "x"}, format="json")
    assert response.status_code == 404


def test_user_group_delete_with_filters(make_client):
    client = make_client("user")
    group = factories.SearchFilterGroupFactory(person=client.person)
    factories.SearchFilterFactory(person=client.person, search_filter_group=group)
    assert client.delete(f"/api/data/user/filter-groups/{group.pk}").status_code == 204
    assert not SearchFilterGroup.objects.filter(pk=group.pk).exists()
    assert not SearchFilter.objects.filter(search_filter_group_id=group.pk).exists()


def test_user_group_delete_unknown(make_client):
    assert make_client("user").delete(f"/api/data/user/filter-groups/{UNKNOWN}").status_code == 404


# ---- saved search filters: generic routes --------------------------------------


@pytest.mark.parametrize("path", ["search-filters", "search-filter-groups"])
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_generic_filters_admin_only(make_client, path, role):
    assert make_client(role).get(f"/api/data/{path}/").status_code == 403


def test_generic_filter_create(admin_client):
    body = {"name": "F", "search_query": "SH010", "list_type": "shot", "person_id": str(admin_client.person.pk)}
    response = admin_client.post("/api/data/search-filters/", body, format="json")
    assert response.status_code == 201


def test_generic_filter_missing_query(admin_client):
    response = admin_client.post("/api/data/search-filters/", {"name": "F", "list_type": "shot"}, format="json")
    assert response.status_code == 400
    assert "search_query" in response.json()["message"]


def test_generic_group_delete_with_filters(admin_client):
    group = factories.SearchFilterGroupFactory()
    factories.SearchFilterFactory(search_filter_group=group)
    assert admin_client.delete(f"/api/data/search-filter-groups/{group.pk}").status_code == 204
    assert not SearchFilter.objects.filter(search_filter_group_id=group.pk).exists()


def test_generic_filter_unknown(admin_client):
    assert admin_client.get(f"/api/data/search-filters/{uuid.uuid4()}").status_code == 404


def test_generic_filter_anonymous(api_client):
    assert api_client.get("/api/data/search-filters/").status_code == 401
