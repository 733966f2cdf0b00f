"""Notifications, subscriptions, the news feed and the event log."""

import datetime
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from productions.models import ApiEvent, News, Notification, ProjectPersonLink, Subscription, TaskPersonLink
from productions.services.events import event_send, row_event
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_STAFF = ("supervisor", "user", "client", "vendor")
NOT_ADMIN = ("manager", *NON_STAFF)


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


def count_queries(client, path, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.json()
    return len(queries.captured_queries)


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def statuses():
    todo = factories.TaskStatusFactory(name="Todo", is_default=True)
    wip = factories.TaskStatusFactory(name="WIP", is_wip=True)
    return todo, wip


@pytest.fixture
def shot_tree(project):
    episode = factories.EntityFactory(
        name="E01", project=project, entity_type=factories.EntityTypeFactory(name="Episode")
    )
    sequence = factories.EntityFactory(
        name="SQ01", project=project, parent=episode, entity_type=factories.EntityTypeFactory(name="Sequence")
    )
    shot = factories.EntityFactory(
        name="SH010", project=project, parent=sequence, entity_type=factories.EntityTypeFactory(name="Shot")
    )
    return episode, sequence, shot


@pytest.fixture
def task(project, shot_tree, statuses):
    return factories.TaskFactory(
        project=project,
        entity=shot_tree[2],
        task_status=statuses[0],
        task_type=factories.TaskTypeFactory(for_entity="Shot"),
    )


@pytest.fixture
def manager(make_client, project):
    client = make_client("manager")
    join_team(project, client.person)
    return client


@pytest.fixture
def artist(make_client, project):
    client = make_client("user")
    join_team(project, client.person)
    return client


def comment(client, task, status, text="Looks good"):
    response = client.post(
        f"/api/actions/tasks/{task.pk}/comment", {"task_status_id": str(status.pk), "comment": text}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def team_client(make_client, project, role):
    client = make_client(role)
    join_team(project, client.person)
    return client


# ---- event log ---------------------------------------------------------------


def test_event_send_writes_after_commit(django_capture_on_commit_callbacks, project):
    with django_capture_on_commit_callbacks(execute=True):
        event_send(name="project:update", data={"project_id": project.pk}, project_id=project.pk)
    event = ApiEvent.objects.get(name="project:update")
    assert event.data == {"project_id": str(project.pk)}


def test_event_send_rolled_back_writes_nothing(django_capture_on_commit_callbacks, project):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                event_send(name="project:update", data={}, project_id=project.pk)
                raise RuntimeError("refused")
    assert callbacks == []


def test_generic_create_sends_event(django_capture_on_commit_callbacks, admin_client):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/api/data/task-status", {"name": "Retake", "short_name": "rtk", "color": "#ff0000"}, format="json"
        )
    event = ApiEvent.objects.get(name="task-status:new")
    assert event.data == {"task_status_id": response.json()["id"]}


def test_generic_create_event_names_user(django_capture_on_commit_callbacks, admin_client):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/api/data/departments", {"name": "Lighting", "color": "#ffffff"}, format="json")
    assert ApiEvent.objects.get(name="department:new").user_id == admin_client.person.pk


def test_generic_update_sends_event(django_capture_on_commit_callbacks, admin_client, project):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.put(f"/api/data/projects/{project.pk}", {"description": "New"}, format="json")
    event = ApiEvent.objects.get(name="project:update")
    assert event.project_id == project.pk


def test_generic_delete_sends_event(django_capture_on_commit_callbacks, admin_client):
    status = factories.TaskStatusFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.delete(f"/api/data/task-status/{status.pk}")
    assert response.status_code == 204
    assert ApiEvent.objects.get(name="task-status:delete").data == {"task_status_id": str(status.pk)}


def test_generic_refused_write_sends_no_event(django_capture_on_commit_callbacks, make_client):
    with django_capture_on_commit_callbacks(execute=True):
        make_client("user").post("/api/data/task-status", {"name": "X", "short_name": "x"}, format="json")
    assert not ApiEvent.objects.exists()


def test_row_event_of_shot(shot_tree):
    name, data, project_id = row_event(row=shot_tree[2], action="update")
    assert (name, data, project_id) == ("shot:update", {"shot_id": shot_tree[2].pk}, shot_tree[2].project_id)


def test_row_event_of_asset(project):
    asset = factories.EntityFactory(project=project)
    assert row_event(row=asset, action="create")[0] == "asset:new"


def test_row_event_of_deleted_project(project):
    assert row_event(row=project, action="delete")[2] is None


def test_event_of_deleted_project_is_kept(django_capture_on_commit_callbacks, project):
    project_id = project.pk
    with django_capture_on_commit_callbacks(execute=True):
        event_send(name="project:delete", data={}, project_id=project_id)
        project.delete()
    assert ApiEvent.objects.get(name="project:delete").project_id is None


def test_last_events_list(admin_client, project):
    factories.ApiEventFactory(name="asset:new", project=project, data={"asset_id": "x"})
    rows = admin_client.get("/api/data/events/last").json()
    assert [(row["name"], row["data"]["asset_id"]) for row in rows] == [("asset:new", "x")]


def test_last_events_filters(admin_client, project):
    factories.ApiEventFactory(name="asset:new", project=project)
    factories.ApiEventFactory(name="asset:new")
    factories.ApiEventFactory(name="shot:new", project=project)
    rows = admin_client.get("/api/data/events/last", {"project_id": str(project.pk), "name": "asset:new"}).json()
    assert len(rows) == 1


def test_last_events_limit(admin_client):
    factories.ApiEventFactory.create_batch(3)
    assert len(admin_client.get("/api/data/events/last", {"limit": 2}).json()) == 2


def test_last_events_dates(admin_client):
    old = factories.ApiEventFactory(name="old")
    ApiEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    factories.ApiEventFactory(name="new")
    after = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    rows = admin_client.get("/api/data/events/last", {"after": after}).json()
    assert [row["name"] for row in rows] == ["new"]


def test_last_events_only_files(admin_client):
    factories.ApiEventFactory(name="preview-file:add-file")
    factories.ApiEventFactory(name="task:new")
    rows = admin_client.get("/api/data/events/last", {"only_files": "true"}).json()
    assert [row["name"] for row in rows] == ["preview-file:add-file"]


@pytest.mark.parametrize("params", [{"after": "yesterday"}, {"limit": "many"}, {"project_id": "nope"}])
def test_last_events_bad_input(admin_client, params):
    assert admin_client.get("/api/data/events/last", params).status_code == 400


def test_last_events_manager(make_client):
    assert make_client("manager").get("/api/data/events/last").status_code == 200


@pytest.mark.parametrize("role", NON_STAFF)
def test_last_events_refused(make_client, role):
    assert make_client(role).get("/api/data/events/last").status_code == 403


def test_last_events_anonymous(api_client):
    assert api_client.get("/api/data/events/last").status_code == 401


def test_login_logs(admin_client):
    log = factories.LoginLogFactory(ip_address="127.0.0.2")
    rows = admin_client.get("/api/data/events/login-logs/last").json()
    assert rows == [{"created_at": rows[0]["created_at"], "ip_address": "127.0.0.2", "person_id": str(log.person_id)}]


@pytest.mark.parametrize("role", NON_STAFF)
def test_login_logs_refused(make_client, role):
    assert make_client(role).get("/api/data/events/login-logs/last").status_code == 403


def test_login_logs_bad_date(admin_client):
    assert admin_client.get("/api/data/events/login-logs/last", {"before": "soon"}).status_code == 400


# ---- notifications written by comments and assignments ---------------------------------


def test_comment_notifies_assignee(manager, artist, task, statuses):
    TaskPersonLink.objects.create(task=task, person=artist.person)
    comment(manager, task, statuses[1])
    assert Notification.objects.filter(person=artist.person, type="comment", change=True).count() == 1


def test_comment_never_notifies_author(manager, task, statuses):
    TaskPersonLink.objects.create(task=task, person=manager.person)
    comment(manager, task, statuses[1])
    assert not Notification.objects.filter(person=manager.person).exists()


def test_comment_notifies_subscriber(manager, artist, task, statuses):
    Subscription.objects.create(person=artist.person, task=task)
    comment(manager, task, statuses[0])
    assert Notification.objects.filter(person=artist.person, type="comment", change=False).count() == 1


def test_comment_notifies_sequence_subscriber(manager, artist, task, statuses, shot_tree):
    Subscription.objects.create(person=artist.person, entity=shot_tree[1], task_type=task.task_type)
    comment(manager, task, statuses[0])
    assert Notification.objects.filter(person=artist.person).count() == 1


def test_comment_notifies_once(manager, artist, task, statuses):
    TaskPersonLink.objects.create(task=task, person=artist.person)
    Subscription.objects.create(person=artist.person, task=task)
    comment(manager, task, statuses[0], text=f"@{artist.person.full_name} please check")
    assert list(Notification.objects.filter(person=artist.person).values_list("type", flat=True)) == ["mention"]


def test_comment_notifies_department_mention(manager, artist, task, statuses):
    department = factories.DepartmentFactory(name="Anim")
    artist.person.departments.add(department)
    comment(manager, task, statuses[0], text="@Anim please check")
    assert Notification.objects.filter(person=artist.person, type="mention").count() == 1


def test_comment_without_followers_notifies_nobody(manager, task, statuses):
    comment(manager, task, statuses[0])
    assert not Notification.objects.exists()


def test_comment_writes_news_with_change(manager, task, statuses):
    comment(manager, task, statuses[1])
    assert News.objects.get(task=task).change is True


def test_comment_writes_news_without_change(manager, task, statuses):
    comment(manager, task, statuses[0])
    assert News.objects.get(task=task).change is False


def test_comment_sends_events(django_capture_on_commit_callbacks, manager, task, statuses):
    with django_capture_on_commit_callbacks(execute=True):
        comment(manager, task, statuses[1])
    names = set(ApiEvent.objects.values_list("name", flat=True))
    assert {"comment:new", "task:status-changed", "news:new"} <= names


def test_assignment_notifies_assignee(manager, artist, task):
    response = manager.put(f"/api/actions/tasks/{task.pk}/assign", {"person_id": str(artist.person.pk)}, format="json")
    assert response.status_code == 200, response.json()
    assert Notification.objects.filter(person=artist.person, type="assignation", author=manager.person).count() == 1


def test_assignment_twice_notifies_once(manager, artist, task):
    for _ in range(2):
        manager.put(f"/api/actions/tasks/{task.pk}/assign", {"person_id": str(artist.person.pk)}, format="json")
    assert Notification.objects.filter(person=artist.person, type="assignation").count() == 1


def test_self_assignment_notifies_nobody(manager, task):
    manager.put(f"/api/actions/tasks/{task.pk}/assign", {"person_id": str(manager.person.pk)}, format="json")
    assert not Notification.objects.exists()


def test_assignment_sends_events(django_capture_on_commit_callbacks, manager, artist, task):
    with django_capture_on_commit_callbacks(execute=True):
        manager.put(f"/api/actions/tasks/{task.pk}/assign", {"person_id": str(artist.person.pk)}, format="json")
    assert ApiEvent.objects.get(name="task:assign").data["person_id"] == str(artist.person.pk)


# ---- the caller's notifications ----------------------------------------------------


@pytest.fixture
def notified(manager, artist, task, statuses):
    """The artist, assigned to the task, notified of one comment by the manager."""
    TaskPersonLink.objects.create(task=task, person=artist.person)
    comment(manager, task, statuses[1])
    return Notification.objects.get(person=artist.person)


def test_user_notifications_list(artist, notified, task):
    rows = artist.get("/api/data/user/notifications").json()
    assert [(row["id"], row["notification_type"], row["full_entity_name"]) for row in rows] == [
        (str(notified.pk), "comment", "E01 / SQ01 / SH010")
    ]


def test_user_notifications_only_own(manager, notified):
    assert manager.get("/api/data/user/notifications").json() == []


def test_user_notifications_filter_read(artist, notified):
    assert artist.get("/api/data/user/notifications", {"read": "true"}).json() == []


def test_user_notifications_filter_type(artist, notified):
    assert artist.get("/api/data/user/notifications", {"type": "mention"}).json() == []


def test_user_notifications_filter_watching(artist, notified, task):
    Subscription.objects.create(person=artist.person, task=task)
    rows = artist.get("/api/data/user/notifications", {"watching": "true"}).json()
    assert rows[0]["subscription_id"] is not None


@pytest.mark.parametrize("params", [{"read": "maybe"}, {"type": "poke"}, {"before": "later"}, {"task_type_id": "x"}])
def test_user_notifications_bad_input(artist, params):
    assert artist.get("/api/data/user/notifications", params).status_code == 400


def test_user_notifications_anonymous(api_client):
    assert api_client.get("/api/data/user/notifications").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_user_notifications_every_role(make_client, role):
    assert make_client(role).get("/api/data/user/notifications").status_code == 200


def test_user_notifications_constant_queries(make_client, project):
    person_client = make_client("user")
    task = factories.TaskFactory(project=project)

    def add(count):
        for _ in range(count):
            comment_row = factories.CommentFactory(object_id=task.pk, person=factories.PersonFactory())
            comment_row.mentions.add(person_client.person)
            factories.NotificationFactory(person=person_client.person, task=task, comment=comment_row)

    add(1)
    few = count_queries(person_client, "/api/data/user/notifications")
    add(5)
    assert count_queries(person_client, "/api/data/user/notifications") == few


def test_user_notification_one(artist, notified):
    row = artist.get(f"/api/data/user/notifications/{notified.pk}").json()
    assert row["comment_id"] == str(notified.comment_id)


def test_user_notification_of_someone_else(manager, notified):
    assert manager.get(f"/api/data/user/notifications/{notified.pk}").status_code == 404


def test_user_notification_malformed(artist):
    assert artist.get("/api/data/user/notifications/nope").status_code == 400


def test_user_notification_mark_read(artist, notified):
    response = artist.put(f"/api/data/user/notifications/{notified.pk}", {"read": True}, format="json")
    assert response.json()["read"] is True


def test_user_notification_mark_read_saved(artist, notified):
    artist.put(f"/api/data/user/notifications/{notified.pk}", {"read": "true"}, format="json")
    notified.refresh_from_db()
    assert notified.read is True


def test_user_notification_bad_read(artist, notified):
    response = artist.put(f"/api/data/user/notifications/{notified.pk}", {"read": "perhaps"}, format="json")
    assert "read" in response.json()["message"]


def test_user_notification_put_unknown(artist):
    assert artist.put(f"/api/data/user/notifications/{uuid.uuid4()}", {"read": True}, format="json").status_code == 404


def test_mark_all_read(artist, notified):
    response = artist.post("/api/actions/user/notifications/mark-all-as-read")
    assert response.json() == {"success": True}
    assert not Notification.objects.filter(read=False).exists()


def test_mark_all_read_anonymous(api_client):
    assert api_client.post("/api/actions/user/notifications/mark-all-as-read").status_code == 401


def test_context_notification_count(artist, notified):
    assert artist.get("/api/data/user/context").json()["notification_count"] == 1


# ---- generic /data collections -----------------------------------------------------------


def test_generic_notifications_list(admin_client, notified):
    rows = admin_client.get("/api/data/notifications").json()
    assert [(row["notification_type"], row["type"]) for row in rows] == [("comment", "Notification")]


def test_generic_notification_create(admin_client, task):
    person = factories.PersonFactory()
    body = {
        "person_id": str(person.pk),
        "author_id": str(admin_client.person.pk),
        "task_id": str(task.pk),
        "type": "mention",
    }
    response = admin_client.post("/api/data/notifications", body, format="json")
    assert response.status_code == 201, response.json()
    assert Notification.objects.get(pk=response.json()["id"]).type == "mention"


def test_generic_notification_bad_type(admin_client, task):
    person = factories.PersonFactory()
    body = {"person_id": str(person.pk), "author_id": str(person.pk), "task_id": str(task.pk), "type": "poke"}
    assert admin_client.post("/api/data/notifications", body, format="json").status_code == 400


def test_generic_notification_update(admin_client, notified):
    response = admin_client.put(f"/api/data/notifications/{notified.pk}", {"read": True}, format="json")
    assert response.json()["read"] is True


@pytest.mark.parametrize("collection", ["notifications", "subscriptions", "news", "events"])
@pytest.mark.parametrize("role", NOT_ADMIN)
def test_generic_collections_admin_only(make_client, role, collection):
    assert make_client(role).get(f"/api/data/{collection}").status_code == 403


@pytest.mark.parametrize("collection", ["notifications", "subscriptions", "news", "events"])
def test_generic_collections_unknown_id(admin_client, collection):
    assert admin_client.get(f"/api/data/{collection}/{uuid.uuid4()}").status_code == 404


def test_generic_subscription_read(admin_client):
    subscription = factories.SubscriptionFactory()
    assert admin_client.get(f"/api/data/subscriptions/{subscription.pk}").json()["task_id"] == str(subscription.task_id)


def test_project_notifications(admin_client, notified, project):
    rows = admin_client.get(f"/api/data/projects/{project.pk}/notifications").json()
    assert [row["id"] for row in rows] == [str(notified.pk)]


def test_project_notifications_paged(admin_client, notified, project):
    page = admin_client.get(f"/api/data/projects/{project.pk}/notifications", {"page": 1}).json()
    assert (page["total"], page["nb_pages"]) == (1, 1)


@pytest.mark.parametrize("route", ["notifications", "subscriptions"])
@pytest.mark.parametrize("role", NOT_ADMIN)
def test_project_lists_admin_only(make_client, project, role, route):
    assert make_client(role).get(f"/api/data/projects/{project.pk}/{route}").status_code == 403


@pytest.mark.parametrize("route", ["notifications", "subscriptions"])
def test_project_lists_unknown(admin_client, route):
    assert admin_client.get(f"/api/data/projects/{uuid.uuid4()}/{route}").status_code == 404


def test_project_subscriptions(admin_client, project, task):
    subscription = factories.SubscriptionFactory(task=task)
    rows = admin_client.get(f"/api/data/projects/{project.pk}/subscriptions").json()
    assert [row["id"] for row in rows] == [str(subscription.pk)]


# ---- subscriptions ---------------------------------------------------------------------


def test_task_subscription_cycle(artist, task):
    base = f"/api/data/user/tasks/{task.pk}/subscribed"
    assert artist.get(base).json() is False
    response = artist.post(f"/api/actions/user/tasks/{task.pk}/subscribe")
    assert (response.status_code, response.json()["task_id"]) == (201, str(task.pk))
    assert artist.get(base).json() is True
    assert artist.delete(f"/api/actions/user/tasks/{task.pk}/unsubscribe").status_code == 204
    assert artist.get(base).json() is False


def test_task_subscribe_twice_keeps_one(artist, task):
    artist.post(f"/api/actions/user/tasks/{task.pk}/subscribe")
    artist.post(f"/api/actions/user/tasks/{task.pk}/subscribe")
    assert Subscription.objects.filter(person=artist.person, task=task).count() == 1


def test_task_subscribe_unknown(artist):
    assert artist.post(f"/api/actions/user/tasks/{uuid.uuid4()}/subscribe").status_code == 404


def test_task_subscribe_malformed(artist):
    assert artist.post("/api/actions/user/tasks/nope/subscribe").status_code == 400


def test_task_subscribe_outsider(make_client, task):
    assert make_client("user").post(f"/api/actions/user/tasks/{task.pk}/subscribe").status_code == 403


def test_task_subscribe_vendor_without_task(make_client, project, task):
    vendor = team_client(make_client, project, "vendor")
    assert vendor.post(f"/api/actions/user/tasks/{task.pk}/subscribe").status_code == 403


@pytest.mark.parametrize("role", ("manager", "supervisor", "user", "client"))
def test_task_subscribe_team_roles(make_client, project, task, role):
    client = team_client(make_client, project, role)
    assert client.post(f"/api/actions/user/tasks/{task.pk}/subscribe").status_code == 201


def test_task_subscribe_admin(admin_client, task):
    assert admin_client.post(f"/api/actions/user/tasks/{task.pk}/subscribe").status_code == 201


def test_task_subscribed_anonymous(api_client, task):
    assert api_client.get(f"/api/data/user/tasks/{task.pk}/subscribed").status_code == 401


def test_full_task_is_subscribed(artist, task):
    Subscription.objects.create(person=artist.person, task=task)
    assert artist.get(f"/api/data/tasks/{task.pk}/full").json()["is_subscribed"] is True


def test_sequence_subscription_cycle(artist, task, shot_tree, project):
    sequence, task_type = shot_tree[1], task.task_type
    path = f"{sequence.pk}/task-types/{task_type.pk}"
    response = artist.post(f"/api/actions/user/sequences/{path}/subscribe")
    assert (response.status_code, response.json()["entity_id"]) == (201, str(sequence.pk))
    assert artist.get(f"/api/data/user/entities/{path}/subscribed").json() is True
    listed = artist.get(f"/api/data/user/projects/{project.pk}/task-types/{task_type.pk}/sequence-subscriptions")
    assert listed.json() == [str(sequence.pk)]
    assert artist.delete(f"/api/actions/user/sequences/{path}/unsubscribe").status_code == 204
    assert artist.get(f"/api/data/user/entities/{path}/subscribed").json() is False


def test_sequence_subscriptions_only_own(artist, manager, task, shot_tree, project):
    Subscription.objects.create(person=manager.person, entity=shot_tree[1], task_type=task.task_type)
    listed = artist.get(f"/api/data/user/projects/{project.pk}/task-types/{task.task_type_id}/sequence-subscriptions")
    assert listed.json() == []


def test_sequence_subscribe_not_a_sequence(artist, task, shot_tree):
    response = artist.post(f"/api/actions/user/sequences/{shot_tree[2].pk}/task-types/{task.task_type_id}/subscribe")
    assert response.status_code == 404


def test_sequence_subscribe_unknown_task_type(artist, shot_tree):
    response = artist.post(f"/api/actions/user/sequences/{shot_tree[1].pk}/task-types/{uuid.uuid4()}/subscribe")
    assert response.status_code == 404


def test_sequence_subscribe_outsider(make_client, task, shot_tree):
    path = f"/api/actions/user/sequences/{shot_tree[1].pk}/task-types/{task.task_type_id}/subscribe"
    assert make_client("user").post(path).status_code == 403


def test_sequence_subscriptions_malformed(artist, task):
    path = f"/api/data/user/projects/nope/task-types/{task.task_type_id}/sequence-subscriptions"
    assert artist.get(path).status_code == 400


# ---- news feed ---------------------------------------------------------------------------


@pytest.fixture
def news_feed(manager, task, statuses):
    comment(manager, task, statuses[1])
    comment(manager, task, statuses[1])
    return News.objects.order_by("-created_at")


def test_project_news(manager, project, news_feed, statuses):
    page = manager.get(f"/api/data/projects/{project.pk}/news").json()
    assert (page["total"], page["data"][0]["full_entity_name"], page["stats"]) == (
        2,
        "E01 / SQ01 / SH010",
        {str(statuses[1].pk): 1},
    )


def test_project_news_paging(manager, project, news_feed):
    page = manager.get(f"/api/data/projects/{project.pk}/news", {"page": 2, "limit": 1}).json()
    assert (len(page["data"]), page["nb_pages"], page["offset"]) == (1, 2, 1)


def test_project_news_status_filter(manager, project, news_feed, statuses):
    page = manager.get(f"/api/data/projects/{project.pk}/news", {"task_status_id": str(statuses[1].pk)}).json()
    assert page["total"] == 1


def test_project_news_author_filter(manager, project, news_feed):
    page = manager.get(f"/api/data/projects/{project.pk}/news", {"person_id": str(uuid.uuid4())}).json()
    assert page["total"] == 0


def test_project_news_episode_filter(manager, project, news_feed, shot_tree):
    page = manager.get(f"/api/data/projects/{project.pk}/news", {"episode_id": str(shot_tree[0].pk)}).json()
    assert page["total"] == 2


@pytest.mark.parametrize("params", [{"page": "x"}, {"limit": 0}, {"after": "soon"}, {"only_preview": "maybe"}])
def test_project_news_bad_input(manager, project, params):
    assert manager.get(f"/api/data/projects/{project.pk}/news", params).status_code == 400


def test_project_news_unknown(admin_client):
    assert admin_client.get(f"/api/data/projects/{uuid.uuid4()}/news").status_code == 404


def test_project_news_malformed(admin_client):
    assert admin_client.get("/api/data/projects/nope/news").status_code == 400


def test_project_news_anonymous(api_client, project):
    assert api_client.get(f"/api/data/projects/{project.pk}/news").status_code == 401


@pytest.mark.parametrize("role", ("manager", "supervisor", "user", "client"))
def test_project_news_team_roles(make_client, project, role):
    assert team_client(make_client, project, role).get(f"/api/data/projects/{project.pk}/news").status_code == 200


def test_project_news_admin(admin_client, project):
    assert admin_client.get(f"/api/data/projects/{project.pk}/news").status_code == 200


def test_project_news_vendor(make_client, project):
    assert team_client(make_client, project, "vendor").get(f"/api/data/projects/{project.pk}/news").status_code == 403


def test_project_news_outsider(make_client, project):
    assert make_client("user").get(f"/api/data/projects/{project.pk}/news").status_code == 403


def test_project_news_constant_queries(manager, project, task, shot_tree):
    def add(count):
        for _ in range(count):
            entity = factories.EntityFactory(project=project, parent=shot_tree[1], entity_type=shot_tree[2].entity_type)
            other = factories.TaskFactory(project=project, entity=entity)
            news_comment = factories.CommentFactory(object_id=other.pk, task_status=other.task_status)
            factories.NewsFactory(task=other, comment=news_comment, change=True)

    add(1)
    few = count_queries(manager, f"/api/data/projects/{project.pk}/news")
    add(6)
    assert count_queries(manager, f"/api/data/projects/{project.pk}/news") == few


def test_open_projects_news(manager, news_feed):
    assert manager.get("/api/data/projects/news").json()["total"] == 2


def test_open_projects_news_outsider(make_client, news_feed):
    assert make_client("user").get("/api/data/projects/news").json()["total"] == 0


def test_project_news_item(manager, project, news_feed):
    news = news_feed.first()
    assert manager.get(f"/api/data/projects/{project.pk}/news/{news.pk}").json()["id"] == str(news.pk)


def test_project_news_item_other_project(admin_client, news_feed):
    other = factories.ProjectFactory()
    assert admin_client.get(f"/api/data/projects/{other.pk}/news/{news_feed.first().pk}").status_code == 404


def test_project_news_item_malformed(admin_client, project):
    assert admin_client.get(f"/api/data/projects/{project.pk}/news/nope").status_code == 400


def test_project_news_item_outsider(make_client, project, news_feed):
    path = f"/api/data/projects/{project.pk}/news/{news_feed.first().pk}"
    assert make_client("user").get(path).status_code == 403


def test_entity_news(manager, news_feed, shot_tree):
    assert len(manager.get(f"/api/data/entities/{shot_tree[2].pk}/news").json()["data"]) == 2


def test_entity_news_unknown(admin_client):
    assert admin_client.get(f"/api/data/entities/{uuid.uuid4()}/news").status_code == 404


def test_entity_news_outsider(make_client, shot_tree):
    assert make_client("user").get(f"/api/data/entities/{shot_tree[2].pk}/news").status_code == 403


def test_news_of_deleted_comment_goes(admin_client, news_feed):
    news = news_feed.first()
    news.comment.delete()
    assert not News.objects.filter(pk=news.pk).exists()
