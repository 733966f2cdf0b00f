"""Route matrix of /data/user and /actions/user: success, bad input, unknown ids and roles.

These are the cases that the route tests in test_user_routes.py, test_activity_routes.py,
test_workflow_routes.py and test_time_routes.py leave out. Every route may be called by
every role, and each response covers only the caller's own rows.
"""

import pytest

from accounts.models import DesktopLoginLog
from productions.models import (
    Notification,
    ProjectPersonLink,
    SearchFilter,
    SearchFilterGroup,
    Subscription,
    TaskPersonLink,
)
from tests import factories
from tests.conftest import ROLES, client_for

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-4000-8000-000000000000"
NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
DAY = "2025-04-09"


def message_of(response):
    return str(response.json()["message"])


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def tree(project):
    """A production with an episode, a sequence, a shot and an asset, each carrying one task."""
    todo = factories.TaskStatusFactory(name="Todo", is_default=True)
    episode = factories.EntityFactory(
        name="E01", project=project, entity_type=factories.EntityTypeFactory(name="Episode")
    )
    sequence = factories.EntityFactory(
        name="SQ01", project=project, parent=episode, entity_type=factories.EntityTypeFactory(name="Sequence")
    )
    shot = factories.EntityFactory(
        name="SH010", project=project, parent=sequence, entity_type=factories.EntityTypeFactory(name="Shot")
    )
    asset = factories.EntityFactory(
        name="Chair", project=project, entity_type=factories.EntityTypeFactory(name="Props")
    )
    shot_type = factories.TaskTypeFactory(for_entity="Shot")
    tasks = {
        "shot": factories.TaskFactory(project=project, entity=shot, task_type=shot_type, task_status=todo),
        "asset": factories.TaskFactory(project=project, entity=asset, task_status=todo),
        "sequence": factories.TaskFactory(project=project, entity=sequence, task_status=todo),
    }
    return {
        "project": project,
        "episode": episode,
        "sequence": sequence,
        "shot": shot,
        "asset": asset,
        "asset_type": asset.entity_type,
        "task_type": shot_type,
        "task": tasks["shot"],
        "tasks": tasks,
    }


@pytest.fixture
def member(make_client, project):
    """Factory: member("user") -> a client of that role in the team, assigned to every task of `tree`."""

    def factory(role, tree=None):
        client = make_client(role)
        ProjectPersonLink.objects.get_or_create(project=project, person=client.person)
        for task in (tree or {}).get("tasks", {}).values():
            TaskPersonLink.objects.create(task=task, person=client.person)
        return client

    return factory


def fill(path, tree):
    """Replace the {name} parts of a route with the ids of the `tree` rows."""
    return path.format(**{key: getattr(value, "pk", value) for key, value in tree.items() if key != "tasks"})


# ---- reads open to every role ---------------------------------------------------------

READ_ROUTES = [
    "/api/data/user/assets/{asset}/tasks",
    "/api/data/user/assets/{asset}/task-types",
    "/api/data/user/shots/{shot}/task-types",
    "/api/data/user/sequences/{sequence}/tasks",
    "/api/data/user/sequences/{sequence}/task-types",
    "/api/data/user/sequences/{sequence}/shots",
    "/api/data/user/projects/{project}/asset-types",
    "/api/data/user/projects/{project}/asset-types/{asset_type}/assets",
    "/api/data/user/projects/{project}/episodes",
    "/api/data/user/done-tasks",
    "/api/data/user/tasks-to-check",
    "/api/data/user/tasks/{task}/subscribed",
    "/api/data/user/entities/{sequence}/task-types/{task_type}/subscribed",
    "/api/data/user/projects/{project}/task-types/{task_type}/sequence-subscriptions",
    "/api/data/user/time-spents",
    f"/api/data/user/time-spents/{DAY}",
    f"/api/data/user/tasks/{{task}}/time-spents/{DAY}",
    f"/api/data/user/day-offs/{DAY}",
    "/api/data/user/notifications",
    "/api/data/user/filters",
    "/api/data/user/filter-groups",
]


@pytest.mark.parametrize("path", READ_ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_read_route_every_role(member, tree, path, role):
    response = member(role, tree).get(fill(path, tree))
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("path", READ_ROUTES)
def test_read_route_anonymous(api_client, tree, path):
    assert api_client.get(fill(path, tree)).status_code == 401


ASSIGNED_LISTS = [
    ("/api/data/user/assets/{asset}/tasks", lambda tree: tree["tasks"]["asset"].pk),
    ("/api/data/user/assets/{asset}/task-types", lambda tree: tree["tasks"]["asset"].task_type_id),
    ("/api/data/user/shots/{shot}/task-types", lambda tree: tree["task_type"].pk),
    ("/api/data/user/sequences/{sequence}/tasks", lambda tree: tree["tasks"]["sequence"].pk),
    ("/api/data/user/sequences/{sequence}/task-types", lambda tree: tree["tasks"]["sequence"].task_type_id),
    ("/api/data/user/sequences/{sequence}/shots", lambda tree: tree["shot"].pk),
    ("/api/data/user/projects/{project}/asset-types", lambda tree: tree["asset_type"].pk),
    ("/api/data/user/projects/{project}/asset-types/{asset_type}/assets", lambda tree: tree["asset"].pk),
    ("/api/data/user/projects/{project}/episodes", lambda tree: tree["episode"].pk),
]


@pytest.mark.parametrize("path,expected_id", ASSIGNED_LISTS, ids=[path for path, _ in ASSIGNED_LISTS])
@pytest.mark.parametrize("role", ROLES)
def test_assigned_list_every_role(member, tree, path, expected_id, role):
    rows = member(role, tree).get(fill(path, tree)).json()
    assert [row["id"] for row in rows] == [str(expected_id(tree))]


@pytest.mark.parametrize("role", ROLES)
def test_own_time_spents_every_role(member, tree, role):
    client = member(role, tree)
    own = factories.TimeSpentFactory(task=tree["task"], person=client.person, date=DAY)
    factories.TimeSpentFactory(task=tree["task"], date=DAY)
    rows = client.get(f"/api/data/user/time-spents/{DAY}").json()
    assert [row["id"] for row in rows] == [str(own.pk)]


@pytest.mark.parametrize("role", ROLES)
def test_own_day_off_every_role(member, tree, role):
    client = member(role, tree)
    own = factories.DayOffFactory(person=client.person, date=DAY, end_date=DAY)
    factories.DayOffFactory(date=DAY, end_date=DAY)
    assert client.get(f"/api/data/user/day-offs/{DAY}").json()["id"] == str(own.pk)


def test_asset_tasks_unassigned_empty(member, tree):
    assert member("user").get(fill("/api/data/user/assets/{asset}/tasks", tree)).json() == []


# ---- unknown and malformed ids ------------------------------------------------------------

ID_ROUTES = [
    "/api/data/user/assets/{id}/tasks",
    "/api/data/user/assets/{id}/task-types",
    "/api/data/user/sequences/{id}/tasks",
    "/api/data/user/sequences/{id}/task-types",
    "/api/data/user/projects/{id}/asset-types/{asset_type}/assets",
    "/api/data/user/projects/{project}/asset-types/{id}/assets",
    "/api/data/user/tasks/{id}/subscribed",
    "/api/data/user/entities/{id}/task-types/{task_type}/subscribed",
    "/api/data/user/entities/{sequence}/task-types/{id}/subscribed",
    "/api/data/user/projects/{id}/task-types/{task_type}/sequence-subscriptions",
    "/api/data/user/projects/{project}/task-types/{id}/sequence-subscriptions",
    "/api/data/user/notifications/{id}",
    "/api/data/user/filter-groups/{id}",
]


@pytest.mark.parametrize("path", ID_ROUTES)
def test_unknown_id_is_404(member, tree, path):
    response = member("user", tree).get(fill(path, {**tree, "id": UNKNOWN}))
    assert response.status_code == 404


@pytest.mark.parametrize("path", ID_ROUTES)
def test_malformed_id_is_400(member, tree, path):
    response = member("user", tree).get(fill(path, {**tree, "id": "not-a-uuid"}))
    assert response.status_code == 400


def test_asset_route_refuses_shot(member, tree):
    assert member("user", tree).get(fill("/api/data/user/assets/{shot}/task-types", tree)).status_code == 404


def test_sequence_route_refuses_shot(member, tree):
    assert member("user", tree).get(fill("/api/data/user/sequences/{shot}/tasks", tree)).status_code == 404


def test_task_time_spent_unknown_task(member, tree):
    # The reference returns null for a task id that matches no row, as for a day without time.
    response = member("user", tree).get(f"/api/data/user/tasks/{UNKNOWN}/time-spents/{DAY}")
    assert response.status_code == 200
    assert response.json() is None


@pytest.mark.parametrize("path", ["/api/data/user/day-offs/soon", "/api/data/user/tasks/{task}/time-spents/soon"])
def test_path_bad_date_names_date(member, tree, path):
    # The reference returns 404 for a date it cannot parse in these two paths.
    response = member("user", tree).get(fill(path, tree))
    assert response.status_code == 404
    assert "date" in message_of(response)


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "soon", "end_date": "2025-04-30"},
        {"start_date": "2025-04-01", "end_date": "later"},
        {"start_date": "2025-04-01"},
    ],
)
def test_time_spents_bad_range(member, tree, params):
    assert member("user", tree).get("/api/data/user/time-spents", params).status_code == 400


# ---- subscriptions ---------------------------------------------------------------------


def test_task_subscribed_outsider(make_client, tree):
    assert make_client("user").get(fill("/api/data/user/tasks/{task}/subscribed", tree)).status_code == 403


def test_task_subscribed_after_subscribe(member, tree):
    client = member("supervisor", tree)
    Subscription.objects.create(person=client.person, task=tree["task"])
    assert client.get(fill("/api/data/user/tasks/{task}/subscribed", tree)).json() is True


def test_sequence_subscribed_outsider(make_client, tree):
    path = fill("/api/data/user/entities/{sequence}/task-types/{task_type}/subscribed", tree)
    assert make_client("user").get(path).status_code == 403


def test_sequence_subscriptions_outsider(make_client, tree):
    path = fill("/api/data/user/projects/{project}/task-types/{task_type}/sequence-subscriptions", tree)
    assert make_client("user").get(path).status_code == 403


def test_task_subscribe_anonymous(api_client, tree):
    assert api_client.post(fill("/api/actions/user/tasks/{task}/subscribe", tree)).status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_task_unsubscribe_every_role(member, tree, role):
    client = member(role, tree)
    Subscription.objects.create(person=client.person, task=tree["task"])
    response = client.delete(fill("/api/actions/user/tasks/{task}/unsubscribe", tree))
    assert response.status_code == 204
    assert not Subscription.objects.filter(person=client.person).exists()


def test_task_unsubscribe_keeps_others(member, tree):
    other = member("manager", tree)
    Subscription.objects.create(person=other.person, task=tree["task"])
    member("user", tree).delete(fill("/api/actions/user/tasks/{task}/unsubscribe", tree))
    assert Subscription.objects.filter(person=other.person).exists()


def test_task_unsubscribe_unknown(member, tree):
    assert member("user", tree).delete(f"/api/actions/user/tasks/{UNKNOWN}/unsubscribe").status_code == 404


def test_task_unsubscribe_malformed(member, tree):
    assert member("user", tree).delete("/api/actions/user/tasks/not-a-uuid/unsubscribe").status_code == 400


def test_task_unsubscribe_anonymous(api_client, tree):
    assert api_client.delete(fill("/api/actions/user/tasks/{task}/unsubscribe", tree)).status_code == 401


SEQUENCE_SUBSCRIBE = "/api/actions/user/sequences/{sequence}/task-types/{task_type}/subscribe"
SEQUENCE_UNSUBSCRIBE = "/api/actions/user/sequences/{sequence}/task-types/{task_type}/unsubscribe"


@pytest.mark.parametrize("role", ROLES)
def test_sequence_subscribe_every_role(member, tree, role):
    client = member(role, tree)
    response = client.post(fill(SEQUENCE_SUBSCRIBE, tree))
    assert response.status_code == 201
    assert Subscription.objects.filter(person=client.person, entity=tree["sequence"]).count() == 1


def test_sequence_subscribe_twice_keeps_one(member, tree):
    client = member("user", tree)
    client.post(fill(SEQUENCE_SUBSCRIBE, tree))
    client.post(fill(SEQUENCE_SUBSCRIBE, tree))
    assert Subscription.objects.filter(person=client.person).count() == 1


@pytest.mark.parametrize("path", [SEQUENCE_SUBSCRIBE, SEQUENCE_UNSUBSCRIBE])
@pytest.mark.parametrize("key", ["sequence", "task_type"])
def test_sequence_action_unknown(member, tree, path, key):
    client = member("user", tree)
    url = fill(path, {**tree, key: UNKNOWN})
    response = client.post(url) if path == SEQUENCE_SUBSCRIBE else client.delete(url)
    assert response.status_code == 404


@pytest.mark.parametrize("path", [SEQUENCE_SUBSCRIBE, SEQUENCE_UNSUBSCRIBE])
@pytest.mark.parametrize("key", ["sequence", "task_type"])
def test_sequence_action_malformed(member, tree, path, key):
    client = member("user", tree)
    url = fill(path, {**tree, key: "not-a-uuid"})
    response = client.post(url) if path == SEQUENCE_SUBSCRIBE else client.delete(url)
    assert response.status_code == 400


def test_sequence_subscribe_anonymous(api_client, tree):
    assert api_client.post(fill(SEQUENCE_SUBSCRIBE, tree)).status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_sequence_unsubscribe_every_role(member, tree, role):
    client = member(role, tree)
    Subscription.objects.create(person=client.person, entity=tree["sequence"], task_type=tree["task_type"])
    assert client.delete(fill(SEQUENCE_UNSUBSCRIBE, tree)).status_code == 204
    assert not Subscription.objects.filter(person=client.person).exists()


def test_sequence_unsubscribe_anonymous(api_client, tree):
    assert api_client.delete(fill(SEQUENCE_UNSUBSCRIBE, tree)).status_code == 401


# ---- notifications -------------------------------------------------------------------


@pytest.fixture
def notification(member, tree):
    """A notification of an artist of the team about the shot task."""
    return factories.NotificationFactory(person=member("user", tree).person, task=tree["task"])


def test_notification_get_unknown(member, tree):
    assert member("user", tree).get(f"/api/data/user/notifications/{UNKNOWN}").status_code == 404


def test_notification_get_anonymous(api_client, notification):
    assert api_client.get(f"/api/data/user/notifications/{notification.pk}").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_notification_of_other_hidden(member, tree, notification, role):
    assert member(role, tree).get(f"/api/data/user/notifications/{notification.pk}").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_notification_put_other_refused(member, tree, notification, role):
    response = member(role, tree).put(f"/api/data/user/notifications/{notification.pk}", {"read": True}, format="json")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read is False


def test_notification_put_missing_read(notification):
    response = client_for(notification.person).put(f"/api/data/user/notifications/{notification.pk}", {}, format="json")
    assert response.status_code == 400
    assert "read" in message_of(response)


def test_notification_put_malformed(member, tree):
    response = member("user", tree).put("/api/data/user/notifications/not-a-uuid", {"read": True}, format="json")
    assert response.status_code == 400


def test_notification_put_anonymous(api_client, notification):
    response = api_client.put(f"/api/data/user/notifications/{notification.pk}", {"read": True}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_mark_all_read_every_role(member, tree, role):
    client = member(role, tree)
    factories.NotificationFactory(person=client.person, task=tree["task"])
    response = client.post("/api/actions/user/notifications/mark-all-as-read")
    assert response.status_code == 200
    assert not Notification.objects.filter(person=client.person, read=False).exists()


def test_mark_all_read_keeps_others(member, tree, notification):
    member("manager", tree).post("/api/actions/user/notifications/mark-all-as-read")
    notification.refresh_from_db()
    assert notification.read is False


# ---- saved search filters --------------------------------------------------------------


def filter_body(**extra):
    return {"name": "Heroes", "query": "hero", "list_type": "asset", **extra}


@pytest.mark.parametrize("field", ["query", "list_type"])
def test_filter_create_missing_field(member, tree, field):
    body = filter_body()
    del body[field]
    response = member("user", tree).post("/api/data/user/filters", body, format="json")
    assert response.status_code == 400
    assert field in message_of(response)


@pytest.mark.parametrize(
    "field,value",
    [("name", 5), ("query", ""), ("is_shared", "maybe"), ("project_id", "not-a-uuid"), ("department_id", UNKNOWN)],
)
def test_filter_create_bad_value(member, tree, field, value):
    response = member("user", tree).post("/api/data/user/filters", filter_body(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in message_of(response)
    assert not SearchFilter.objects.exists()


def test_filter_create_unknown_group(member, tree):
    body = filter_body(search_filter_group_id=UNKNOWN)
    response = member("user", tree).post("/api/data/user/filters", body, format="json")
    assert response.status_code == 400
    assert "search_filter_group_id" in message_of(response)


def test_filter_create_malformed_json(member, tree):
    response = member("user", tree).post("/api/data/user/filters", data="{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_filter_create_every_role(member, tree, role):
    response = member(role, tree).post("/api/data/user/filters", filter_body(), format="json")
    assert response.status_code == 201


def test_filter_create_anonymous(api_client):
    assert api_client.post("/api/data/user/filters", filter_body(), format="json").status_code == 401


@pytest.mark.parametrize(
    "field,value", [("name", 5), ("search_query", ""), ("project_id", "not-a-uuid"), ("is_shared", "maybe")]
)
def test_filter_update_bad_value(member, tree, field, value):
    client = member("user", tree)
    search_filter = factories.SearchFilterFactory(person=client.person)
    response = client.put(f"/api/data/user/filters/{search_filter.pk}", {field: value}, format="json")
    assert response.status_code == 400
    assert field in message_of(response)


def test_filter_update_unknown(member, tree):
    response = member("user", tree).put(f"/api/data/user/filters/{UNKNOWN}", {"name": "x"}, format="json")
    assert response.status_code == 404


def test_filter_update_malformed(member, tree):
    response = member("user", tree).put("/api/data/user/filters/not-a-uuid", {"name": "x"}, format="json")
    assert response.status_code == 400


def test_filter_update_anonymous(api_client):
    search_filter = factories.SearchFilterFactory()
    assert api_client.put(f"/api/data/user/filters/{search_filter.pk}", {"name": "x"}, format="json").status_code == 401


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_filter_update_others_refused(member, tree, role):
    search_filter = factories.SearchFilterFactory(name="Kept")
    response = member(role, tree).put(f"/api/data/user/filters/{search_filter.pk}", {"name": "x"}, format="json")
    assert response.status_code == 404
    search_filter.refresh_from_db()
    assert search_filter.name == "Kept"


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_filter_delete_others_refused(member, tree, role):
    search_filter = factories.SearchFilterFactory(is_shared=True)
    assert member(role, tree).delete(f"/api/data/user/filters/{search_filter.pk}").status_code == 404
    assert SearchFilter.objects.filter(pk=search_filter.pk).exists()


def test_filter_delete_anonymous(api_client):
    search_filter = factories.SearchFilterFactory()
    assert api_client.delete(f"/api/data/user/filters/{search_filter.pk}").status_code == 401


def group_body(**extra):
    return {"name": "My group", "color": "#00AAFF", "list_type": "asset", **extra}


@pytest.mark.parametrize("field", ["name", "list_type"])
def test_group_create_missing_field(member, tree, field):
    body = group_body()
    del body[field]
    response = member("user", tree).post("/api/data/user/filter-groups", body, format="json")
    assert response.status_code == 400
    assert field in message_of(response)


@pytest.mark.parametrize(
    "field,value", [("name", 5), ("is_shared", "maybe"), ("project_id", UNKNOWN), ("department_id", "not-a-uuid")]
)
def test_group_create_bad_value(member, tree, field, value):
    response = member("user", tree).post("/api/data/user/filter-groups", group_body(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in message_of(response)
    assert not SearchFilterGroup.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_group_get_own_every_role(member, tree, role):
    client = member(role, tree)
    group = factories.SearchFilterGroupFactory(person=client.person)
    response = client.get(f"/api/data/user/filter-groups/{group.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == str(group.pk)


@pytest.mark.parametrize("role", ROLES)
def test_group_get_private_of_other(member, tree, role):
    group = factories.SearchFilterGroupFactory()
    assert member(role, tree).get(f"/api/data/user/filter-groups/{group.pk}").status_code == 404


def test_group_get_anonymous(api_client):
    group = factories.SearchFilterGroupFactory()
    assert api_client.get(f"/api/data/user/filter-groups/{group.pk}").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_group_update_own_every_role(member, tree, role):
    client = member(role, tree)
    group = factories.SearchFilterGroupFactory(person=client.person)
    response = client.put(f"/api/data/user/filter-groups/{group.pk}", {"name": "Renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"


@pytest.mark.parametrize("field,value", [("name", 5), ("color", "#0011223344"), ("is_shared", "maybe")])
def test_group_update_bad_value(member, tree, field, value):
    client = member("user", tree)
    group = factories.SearchFilterGroupFactory(person=client.person)
    response = client.put(f"/api/data/user/filter-groups/{group.pk}", {field: value}, format="json")
    assert response.status_code == 400
    assert field in message_of(response)


def test_group_update_unknown(member, tree):
    response = member("user", tree).put(f"/api/data/user/filter-groups/{UNKNOWN}", {"name": "x"}, format="json")
    assert response.status_code == 404


def test_group_update_malformed(member, tree):
    response = member("user", tree).put("/api/data/user/filter-groups/not-a-uuid", {"name": "x"}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_group_update_others_refused(member, tree, role):
    group = factories.SearchFilterGroupFactory(name="Kept", is_shared=True)
    response = member(role, tree).put(f"/api/data/user/filter-groups/{group.pk}", {"name": "x"}, format="json")
    assert response.status_code == 404
    group.refresh_from_db()
    assert group.name == "Kept"


def test_group_update_anonymous(api_client):
    group = factories.SearchFilterGroupFactory()
    assert api_client.put(f"/api/data/user/filter-groups/{group.pk}", {"name": "x"}, format="json").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_group_delete_own_every_role(member, tree, role):
    client = member(role, tree)
    group = factories.SearchFilterGroupFactory(person=client.person)
    assert client.delete(f"/api/data/user/filter-groups/{group.pk}").status_code == 204
    assert not SearchFilterGroup.objects.filter(pk=group.pk).exists()


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_group_delete_others_refused(member, tree, role):
    group = factories.SearchFilterGroupFactory(is_shared=True)
    assert member(role, tree).delete(f"/api/data/user/filter-groups/{group.pk}").status_code == 404
    assert SearchFilterGroup.objects.filter(pk=group.pk).exists()


def test_group_delete_malformed(member, tree):
    assert member("user", tree).delete("/api/data/user/filter-groups/not-a-uuid").status_code == 400


def test_group_delete_anonymous(api_client):
    group = factories.SearchFilterGroupFactory()
    assert api_client.delete(f"/api/data/user/filter-groups/{group.pk}").status_code == 401


# ---- desktop login logs ------------------------------------------------------------------


def test_desktop_log_create_without_date(member, tree):
    # The date is optional: the reference stores the current time.
    client = member("user", tree)
    response = client.post("/api/data/user/desktop-login-logs", {}, format="json")
    assert response.status_code == 201
    assert DesktopLoginLog.objects.filter(person=client.person).count() == 1


def test_desktop_log_create_anonymous(api_client):
    response = api_client.post("/api/data/user/desktop-login-logs", {"date": "2025-04-09T10:00:00"}, format="json")
    assert response.status_code == 401
    assert not DesktopLoginLog.objects.exists()
