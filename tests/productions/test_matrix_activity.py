"""Route matrix of notifications, subscriptions, news and events: success, bad input, unknown ids and roles.

The generic /data/notifications, /data/subscriptions, /data/news and /data/events
collections are admin only. The project's team except vendors reads the news feed, and
admins and production managers read the event log. test_activity_routes.py contains
the behaviour tests, and this file adds the cases they leave out.
"""

import pytest

from productions.models import ApiEvent, News, Notification, Subscription
from tests import factories
from tests.conftest import ROLES

# The shared cases of the generic collections run here with this module's `collection` fixture.
from tests.productions.collection_matrix import (  # noqa: F401
    UNKNOWN,
    Collection,
    join_team,
    message_of,
    test_create_admin,
    test_create_anonymous,
    test_create_bad_value,
    test_create_malformed_json,
    test_create_refused,
    test_create_unknown_field,
    test_delete_admin,
    test_delete_anonymous,
    test_delete_malformed,
    test_delete_refused,
    test_delete_unknown,
    test_get_admin,
    test_get_anonymous,
    test_get_malformed,
    test_get_refused,
    test_list_admin,
    test_list_anonymous,
    test_list_queries_constant,
    test_update_admin,
    test_update_anonymous,
    test_update_bad_value,
    test_update_malformed,
    test_update_refused,
    test_update_unknown,
)

pytestmark = pytest.mark.django_db


# ---- the generic /data collections ------------------------------------------------------


def notification_body():
    return {
        "person_id": str(factories.PersonFactory().pk),
        "author_id": str(factories.PersonFactory().pk),
        "task_id": str(factories.TaskFactory().pk),
        "type": "mention",
    }


def subscription_body():
    return {"person_id": str(factories.PersonFactory().pk), "task_id": str(factories.TaskFactory().pk)}


def news_body():
    return {"author_id": str(factories.PersonFactory().pk), "task_id": str(factories.TaskFactory().pk), "change": True}


def event_body():
    return {"name": "asset:new", "data": {"asset_id": UNKNOWN}}


COLLECTIONS = [
    Collection(
        "notifications",
        Notification,
        factories.NotificationFactory,
        notification_body,
        "person_id",
        "read",
        "maybe",
        {"read": True},
    ),
    Collection(
        "subscriptions",
        Subscription,
        factories.SubscriptionFactory,
        subscription_body,
        "person_id",
        "task_id",
        UNKNOWN,
        {"entity_id": None},
    ),
    Collection(
        "news",
        News,
        factories.NewsFactory,
        news_body,
        "author_id",
        "change",
        "maybe",
        {"change": True},
    ),
    Collection(
        "events",
        ApiEvent,
        factories.ApiEventFactory,
        event_body,
        "name",
        "project_id",
        "not-a-uuid",
        {"name": "asset:update"},
    ),
]


@pytest.fixture(params=COLLECTIONS, ids=[collection.path for collection in COLLECTIONS])
def collection(request, db):
    return request.param


def test_create_missing_field(admin_client, collection):
    body = collection.create_body()
    del body[collection.missing_field]
    before = collection.model.objects.count()
    response = admin_client.post(collection.url(), body, format="json")
    assert response.status_code == 400
    assert collection.missing_field in message_of(response)
    assert collection.model.objects.count() == before


def test_notification_create_bad_kind(admin_client):
    response = admin_client.post("/api/data/notifications", {**notification_body(), "type": "poke"}, format="json")
    assert response.status_code == 400
    assert "type" in message_of(response)


def test_subscription_create_twice(admin_client):
    body = subscription_body()
    admin_client.post("/api/data/subscriptions", body, format="json")
    response = admin_client.post("/api/data/subscriptions", body, format="json")
    assert response.status_code == 400
    assert Subscription.objects.count() == 1


# ---- the login log -------------------------------------------------------------------------


def test_login_logs_manager(make_client):
    factories.LoginLogFactory()
    response = make_client("manager").get("/api/data/events/login-logs/last")
    assert response.status_code == 200
    assert len(response.json()) == 1


def test_login_logs_limit(admin_client):
    factories.LoginLogFactory.create_batch(3)
    assert len(admin_client.get("/api/data/events/login-logs/last", {"limit": 2}).json()) == 2


@pytest.mark.parametrize("params", [{"limit": "many"}, {"limit": 0}, {"before": "2025-13-45"}])
def test_login_logs_bad_input(admin_client, params):
    response = admin_client.get("/api/data/events/login-logs/last", params)
    assert response.status_code == 400
    assert next(iter(params)) in message_of(response)


def test_login_logs_anonymous(api_client):
    assert api_client.get("/api/data/events/login-logs/last").status_code == 401


def test_last_events_bad_before(admin_client):
    response = admin_client.get("/api/data/events/last", {"before": "soon"})
    assert response.status_code == 400
    assert "before" in message_of(response)


def test_last_events_unknown_project(admin_client):
    # An unknown project id is no error: it only matches no event.
    factories.ApiEventFactory()
    response = admin_client.get("/api/data/events/last", {"project_id": UNKNOWN})
    assert response.status_code == 200
    assert response.json() == []


# ---- the news feed ------------------------------------------------------------------------


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def news(project):
    """A news line about a status change on a task of the project."""
    task = factories.TaskFactory(project=project)
    comment = factories.CommentFactory(object_id=task.pk, task_status=task.task_status)
    return factories.NewsFactory(task=task, comment=comment, change=True)


def team_client(make_client, project, role):
    client = make_client(role)
    join_team(project, client.person)
    return client


@pytest.mark.parametrize("role,expected", [(role, 403 if role == "vendor" else 200) for role in ROLES])
def test_open_news_roles(make_client, project, news, role, expected):
    # Vendors may not read the news feed here, although the reference lists their team's news.
    response = team_client(make_client, project, role).get("/api/data/projects/news")
    assert response.status_code == expected
    if expected == 200:
        assert [row["id"] for row in response.json()["data"]] == [str(news.pk)]


def test_open_news_skips_closed(admin_client):
    closed = factories.ClosedProjectFactory()
    task = factories.TaskFactory(project=closed)
    factories.NewsFactory(task=task, comment=factories.CommentFactory(object_id=task.pk))
    assert admin_client.get("/api/data/projects/news").json()["total"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"page": "x"},
        {"limit": 0},
        {"after": "soon"},
        {"before": "2025-02-30"},
        {"task_status_id": "nope"},
        {"task_type_id": "nope"},
        {"person_id": "nope"},
        {"episode_id": "nope"},
        {"only_preview": "maybe"},
    ],
)
def test_open_news_bad_input(admin_client, params):
    response = admin_client.get("/api/data/projects/news", params)
    assert response.status_code == 400
    assert next(iter(params)) in message_of(response)


def test_open_news_anonymous(api_client):
    assert api_client.get("/api/data/projects/news").status_code == 401


@pytest.mark.parametrize("params", [{"task_type_id": "nope"}, {"episode_id": "nope"}, {"person_id": "nope"}])
def test_project_news_bad_filter_id(admin_client, project, params):
    response = admin_client.get(f"/api/data/projects/{project.pk}/news", params)
    assert response.status_code == 400
    assert next(iter(params)) in message_of(response)


@pytest.mark.parametrize("role,expected", [(role, 403 if role == "vendor" else 200) for role in ROLES])
def test_news_item_roles(make_client, project, news, role, expected):
    client = team_client(make_client, project, role)
    response = client.get(f"/api/data/projects/{project.pk}/news/{news.pk}")
    assert response.status_code == expected


def test_news_item_unknown(admin_client, project):
    assert admin_client.get(f"/api/data/projects/{project.pk}/news/{UNKNOWN}").status_code == 404


def test_news_item_unknown_project(admin_client, news):
    assert admin_client.get(f"/api/data/projects/{UNKNOWN}/news/{news.pk}").status_code == 404


def test_news_item_malformed_project(admin_client, news):
    assert admin_client.get(f"/api/data/projects/not-a-uuid/news/{news.pk}").status_code == 400


def test_news_item_anonymous(api_client, project, news):
    assert api_client.get(f"/api/data/projects/{project.pk}/news/{news.pk}").status_code == 401
