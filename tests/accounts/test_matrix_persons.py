"""Route matrix of /data/persons and /actions/persons: the cases the other test modules leave out.

Each route is tried for success, bad input, an unknown id, a malformed id, every role and an
anonymous caller. Routes that serve avatars, previews or attachment files are tested elsewhere.
"""

import uuid

import pytest

from accounts.models import Person
from productions.models import ProjectPersonLink, TaskPersonLink
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMINS = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"

# GET routes about one person, by a short name. `{person}` is the person's id.
PERSON_ROUTES = {
    "day-offs": "/api/data/persons/{person}/day-offs",
    "day-offs-year": "/api/data/persons/{person}/day-offs/year/2025",
    "day-offs-month": "/api/data/persons/{person}/day-offs/month/2025/4",
    "day-offs-week": "/api/data/persons/{person}/day-offs/week/2025/15",
    "day-off-date": "/api/data/persons/{person}/day-offs/2025-04-08",
    "done-tasks": "/api/data/persons/{person}/done-tasks",
    "quota-day": "/api/data/persons/{person}/quota-shots/day/2025/3/12",
    "quota-month": "/api/data/persons/{person}/quota-shots/month/2025/3",
    "quota-week": "/api/data/persons/{person}/quota-shots/week/2025/11",
    "time-spents": "/api/data/persons/{person}/time-spents",
    "time-spents-date": "/api/data/persons/{person}/time-spents/2025-03-12",
    "time-spents-day": "/api/data/persons/{person}/time-spents/day/2025/3/12",
    "time-spents-week": "/api/data/persons/{person}/time-spents/week/2025/11",
    "time-spents-month": "/api/data/persons/{person}/time-spents/month/2025/3",
    "time-spents-month-all": "/api/data/persons/{person}/time-spents/month/all/2025/3",
    "time-spents-year": "/api/data/persons/{person}/time-spents/year/2025",
}

# Status for a caller reading another person of the same production team, per route and role.
# NOTE: managers and supervisors read a team member's full time-spents list here, while the reference
# server (Zou 0.20.73) lets only admins read it.
OTHER_PERSON_STATUS = {
    "day-offs": dict(manager=403, supervisor=403, user=403, client=403, vendor=403),
    "day-offs-year": dict(manager=403, supervisor=403, user=403, client=403, vendor=403),
    "day-offs-month": dict(manager=403, supervisor=403, user=403, client=403, vendor=403),
    "day-offs-week": dict(manager=403, supervisor=403, user=403, client=403, vendor=403),
    "day-off-date": dict(manager=200, supervisor=200, user=200, client=200, vendor=200),
    "done-tasks": dict(manager=200, supervisor=200, user=200, client=200, vendor=200),
    "quota-day": dict(manager=403, supervisor=403, user=403, client=403, vendor=403),
    "quota-month": dict(manager=403, supervisor=403, user=403, client=403, vendor=403),
    "quota-week": dict(manager=403, supervisor=403, user=403, client=403, vendor=403),
    "time-spents": dict(manager=200, supervisor=200, user=403, client=403, vendor=403),
    "time-spents-date": dict(manager=200, supervisor=200, user=403, client=403, vendor=403),
    "time-spents-day": dict(manager=200, supervisor=200, user=403, client=403, vendor=403),
    "time-spents-week": dict(manager=200, supervisor=200, user=403, client=403, vendor=403),
    "time-spents-month": dict(manager=200, supervisor=200, user=403, client=403, vendor=403),
    "time-spents-month-all": dict(manager=403, supervisor=403, user=403, client=403, vendor=403),
    "time-spents-year": dict(manager=200, supervisor=200, user=403, client=403, vendor=403),
}
OTHER_PERSON_CASES = [(name, role, status) for name, row in OTHER_PERSON_STATUS.items() for role, status in row.items()]

# The reference server rejects (403) the time, day-off and quota routes of a bot.
BOT_REJECTED_ROUTES = [name for name in PERSON_ROUTES if name != "done-tasks"]

# A year, month, week or day in the path that names no period: the route returns 404 with a message naming it.
BAD_PERIODS = [
    ("/api/data/persons/{person}/day-offs/year/abc", "year"),
    ("/api/data/persons/{person}/day-offs/month/2025/13", "month"),
    ("/api/data/persons/{person}/day-offs/month/abc/4", "year"),
    ("/api/data/persons/{person}/day-offs/2025-13-01", "date"),
    ("/api/data/persons/{person}/quota-shots/day/2025/2/30", "day"),
    ("/api/data/persons/{person}/quota-shots/week/2025/60", "week"),
    ("/api/data/persons/{person}/time-spents/2025-13-01", "date"),
    ("/api/data/persons/{person}/time-spents/week/2025/abc", "week"),
    ("/api/data/persons/{person}/time-spents/month/all/2025/13", "month"),
    ("/api/data/persons/{person}/time-spents/month/all/abc/3", "year"),
]

STUDIO_TABLES = [
    "/api/data/persons/time-spents/year-table/",
    "/api/data/persons/time-spents/month-table/2025",
    "/api/data/persons/time-spents/week-table/2025",
    "/api/data/persons/time-spents/day-table/2025/3",
    "/api/data/persons/day-offs/2025/4",
]


def person_url(name, person_id):
    return PERSON_ROUTES[name].format(person=person_id)


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def team_member(make_client, project):
    """Factory: team_member("manager") -> a client of that role in the project's team."""

    def factory(role):
        client = make_client(role)
        ProjectPersonLink.objects.create(project=project, person=client.person)
        return client

    return factory


@pytest.fixture
def artist(project):
    """An artist of the project's team, assigned to one of its tasks."""
    person = factories.PersonFactory(role="user")
    ProjectPersonLink.objects.create(project=project, person=person)
    TaskPersonLink.objects.create(task=factories.TaskFactory(project=project), person=person)
    return person


# ---- GET routes about one person -----------------------------------------------------


@pytest.mark.parametrize("name", PERSON_ROUTES)
def test_person_route_unknown_person(admin_client, name):
    response = admin_client.get(person_url(name, UNKNOWN))
    assert response.status_code == 404
    assert response.json()["error"] is True


@pytest.mark.parametrize("name", PERSON_ROUTES)
def test_person_route_malformed_person(admin_client, name):
    response = admin_client.get(person_url(name, "not-a-uuid"))
    assert response.status_code == 400
    assert "not-a-uuid" in response.json()["message"]


@pytest.mark.parametrize("name", PERSON_ROUTES)
def test_person_route_anonymous(api_client, artist, name):
    assert api_client.get(person_url(name, artist.pk)).status_code == 401


@pytest.mark.parametrize("name", PERSON_ROUTES)
def test_person_route_admin_reads(admin_client, artist, name):
    assert admin_client.get(person_url(name, artist.pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMINS)
@pytest.mark.parametrize("name", PERSON_ROUTES)
def test_person_route_own_data(make_client, name, role):
    client = make_client(role)
    assert client.get(person_url(name, client.person.pk)).status_code == 200


@pytest.mark.parametrize("name, role, status", OTHER_PERSON_CASES)
def test_person_route_other_person(team_member, artist, name, role, status):
    assert team_member(role).get(person_url(name, artist.pk)).status_code == status


@pytest.mark.parametrize("role", ["user", "client", "vendor"])
def test_day_off_date_other_is_empty(team_member, artist, role):
    factories.DayOffFactory(person=artist, date="2025-04-08", end_date="2025-04-08")
    assert team_member(role).get(person_url("day-off-date", artist.pk)).json() == []


def test_day_off_date_manager_reads_row(team_member, artist):
    day_off = factories.DayOffFactory(person=artist, date="2025-04-08", end_date="2025-04-08")
    body = team_member("manager").get(person_url("day-off-date", artist.pk)).json()
    assert body["id"] == str(day_off.pk)


@pytest.mark.parametrize("name", ["day-offs-year", "day-offs-month", "day-offs-week"])
def test_day_off_periods_admin_reads(admin_client, artist, name):
    day_off = factories.DayOffFactory(person=artist, date="2025-04-08", end_date="2025-04-08")
    rows = admin_client.get(person_url(name, artist.pk)).json()
    assert [row["id"] for row in rows] == [str(day_off.pk)]


def test_done_tasks_client_gets_nothing(team_member, artist):
    task = TaskPersonLink.objects.get(person=artist).task
    task.task_status = factories.TaskStatusFactory(is_done=True)
    task.save()
    assert team_member("client").get(person_url("done-tasks", artist.pk)).json() == []


def test_done_tasks_bot_is_400(admin_client):
    bot = factories.PersonFactory(is_bot=True, email=None)
    response = admin_client.get(person_url("done-tasks", bot.pk))
    assert response.status_code == 400
    assert "person_id" in response.json()["message"]


@pytest.mark.parametrize("name", BOT_REJECTED_ROUTES)
def test_person_route_bot_rejected(admin_client, name):
    bot = factories.PersonFactory(is_bot=True, email=None)
    assert admin_client.get(person_url(name, bot.pk)).status_code == 403


@pytest.mark.parametrize("template, field", BAD_PERIODS)
def test_person_route_bad_period(admin_client, artist, template, field):
    response = admin_client.get(template.format(person=artist.pk))
    assert response.status_code == 404
    assert field in response.json()["message"]


@pytest.mark.parametrize(
    "name, key", [("time-spents-year", "project_id"), ("quota-month", "project_id"), ("quota-month", "task_type_id")]
)
def test_person_route_bad_query_id(admin_client, artist, name, key):
    response = admin_client.get(person_url(name, artist.pk), {key: "nope"})
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_time_spents_bad_range_dates(admin_client, artist):
    params = {"start_date": "soon", "end_date": "later"}
    response = admin_client.get(person_url("time-spents", artist.pk), params)
    assert response.status_code == 400
    assert "start_date" in response.json()["message"]


# ---- studio-wide tables and month day offs ----------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", STUDIO_TABLES)
def test_studio_table_role_reads(make_client, path, role):
    assert make_client(role).get(path).status_code == 200


@pytest.mark.parametrize("path", STUDIO_TABLES)
def test_studio_table_anonymous(api_client, db, path):
    assert api_client.get(path).status_code == 401


@pytest.mark.parametrize(
    "path, field",
    [
        ("/api/data/persons/time-spents/month-table/abc", "year"),
        ("/api/data/persons/time-spents/week-table/abc", "year"),
        ("/api/data/persons/time-spents/day-table/abc/3", "year"),
        ("/api/data/persons/day-offs/abc/4", "year"),
        ("/api/data/persons/day-offs/2025/13", "month"),
    ],
)
def test_studio_table_bad_period(admin_client, path, field):
    response = admin_client.get(path)
    assert response.status_code == 404
    assert field in response.json()["message"]


@pytest.mark.parametrize("key", ["department_id", "studio_id"])
def test_studio_table_bad_filter_id(admin_client, key):
    response = admin_client.get("/api/data/persons/time-spents/month-table/2025", {key: "nope"})
    assert response.status_code == 400
    assert key in response.json()["message"]


@pytest.mark.parametrize("role", ["manager", "supervisor", "client", "vendor"])
def test_month_day_offs_own_only(make_client, role):
    client = make_client(role)
    own = factories.DayOffFactory(person=client.person, date="2025-04-02", end_date="2025-04-02")
    factories.DayOffFactory(date="2025-04-03", end_date="2025-04-03")
    rows = client.get("/api/data/persons/day-offs/2025/4").json()
    assert [row["id"] for row in rows] == [str(own.pk)]


# ---- /data/persons CRUD ----------------------------------------------------------------


def person_body(**fields):
    body = {"first_name": "Grace", "last_name": "Hopper", "email": f"grace-{uuid.uuid4().hex[:8]}@example.com"}
    body.update(fields)
    return body


def test_create_without_email(admin_client):
    body = {"first_name": "No", "last_name": "Mail"}
    response = admin_client.post("/api/data/persons", body, format="json")
    assert response.status_code == 201
    assert response.json()["email"] is None


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_create_missing_name_is_400(admin_client, field):
    body = person_body()
    del body[field]
    response = admin_client.post("/api/data/persons", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("email", "not-an-email"),
        ("active", "maybe"),
        ("contract_type", "forever"),
        ("departments", ["nope"]),
        ("studio_id", "nope"),
        ("studio_id", UNKNOWN),
        ("expiration_date", "not-a-date"),
    ],
)
def test_create_bad_field_is_400(admin_client, field, value):
    before = Person.objects.count()
    response = admin_client.post("/api/data/persons", person_body(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]
    assert Person.objects.count() == before


def test_create_unknown_department_is_400(admin_client):
    response = admin_client.post("/api/data/persons", person_body(departments=[UNKNOWN]), format="json")
    assert response.status_code == 400
    assert "departments" in response.json()["message"]


def test_create_bot_returns_token(admin_client):
    body = {"first_name": "Render", "last_name": "Bot", "is_bot": True}
    response = admin_client.post("/api/data/persons", body, format="json")
    assert response.status_code == 201
    assert "access_token" in response.json()


def test_update_past_expiration_is_400(admin_client):
    bot = factories.PersonFactory(is_bot=True, email=None)
    response = admin_client.put(f"/api/data/persons/{bot.pk}", {"expiration_date": "2000-01-01"}, format="json")
    assert response.status_code == 400
    assert "expiration_date" in response.json()["message"]


@pytest.mark.parametrize("role", ROLES)
def test_get_person_by_role(make_client, role):
    person = factories.PersonFactory()
    response = make_client(role).get(f"/api/data/persons/{person.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == str(person.pk)


@pytest.mark.parametrize("role", ["supervisor", "client", "vendor"])
def test_get_person_hides_email(make_client, role):
    person = factories.PersonFactory()
    body = make_client(role).get(f"/api/data/persons/{person.pk}").json()
    assert "email" not in body
    assert "phone" not in body


def test_get_person_anonymous(api_client):
    person = factories.PersonFactory()
    assert api_client.get(f"/api/data/persons/{person.pk}").status_code == 401


@pytest.mark.parametrize("role", ["manager", "supervisor", "client", "vendor"])
def test_update_other_person_rejected(make_client, role):
    person = factories.PersonFactory(phone="000")
    response = make_client(role).put(f"/api/data/persons/{person.pk}", {"phone": "111"}, format="json")
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.phone == "000"


@pytest.mark.parametrize("role", NON_ADMINS)
def test_update_own_row_by_role(make_client, role):
    client = make_client(role)
    response = client.put(f"/api/data/persons/{client.person.pk}", {"phone": "222"}, format="json")
    assert response.status_code == 200
    assert response.json()["phone"] == "222"


@pytest.mark.parametrize("role", NON_ADMINS)
def test_update_own_role_ignored(make_client, role):
    client = make_client(role)
    client.put(f"/api/data/persons/{client.person.pk}", {"role": "admin", "active": False}, format="json")
    client.person.refresh_from_db()
    assert client.person.role == role
    assert client.person.active is True


def test_update_person_anonymous(api_client):
    person = factories.PersonFactory()
    assert api_client.put(f"/api/data/persons/{person.pk}", {"phone": "1"}, format="json").status_code == 401


def test_update_person_malformed_id(admin_client):
    response = admin_client.put("/api/data/persons/not-a-uuid", {"phone": "1"}, format="json")
    assert response.status_code == 400
    assert "not-a-uuid" in response.json()["message"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("active", "maybe"),
        ("email", 123),
        ("email", "not-an-email"),
        ("first_name", None),
        ("contract_type", "forever"),
        ("departments", ["nope"]),
        ("departments", [UNKNOWN]),
        ("studio_id", "nope"),
        ("expiration_date", "not-a-date"),
    ],
)
def test_update_bad_field_is_400(admin_client, field, value):
    person = factories.PersonFactory()
    response = admin_client.put(f"/api/data/persons/{person.pk}", {field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


def test_update_bad_field_changes_nothing(admin_client):
    person = factories.PersonFactory(phone="000")
    admin_client.put(f"/api/data/persons/{person.pk}", {"phone": "999", "active": "maybe"}, format="json")
    person.refresh_from_db()
    assert person.phone == "000"


LINKED_ROW_FACTORIES = {
    "time-spent": factories.TimeSpentFactory,
    "day-off": factories.DayOffFactory,
    "desktop-login-log": factories.DesktopLoginLogFactory,
    "notification": factories.NotificationFactory,
    "subscription": factories.SubscriptionFactory,
}


@pytest.mark.parametrize("kind", LINKED_ROW_FACTORIES)
def test_delete_linked_person_needs_force(admin_client, kind):
    person = factories.PersonFactory()
    LINKED_ROW_FACTORIES[kind](person=person)
    response = admin_client.delete(f"/api/data/persons/{person.pk}")
    assert response.status_code == 400
    assert "force" in response.json()["message"]


@pytest.mark.parametrize("kind", LINKED_ROW_FACTORIES)
def test_delete_linked_person_with_force(admin_client, kind):
    person = factories.PersonFactory()
    LINKED_ROW_FACTORIES[kind](person=person)
    response = admin_client.delete(f"/api/data/persons/{person.pk}", QUERY_STRING="force=true")
    assert response.status_code == 204
    assert not Person.objects.filter(pk=person.pk).exists()


def test_delete_person_by_manager_rejected(make_client):
    person = factories.PersonFactory()
    assert make_client("manager").delete(f"/api/data/persons/{person.pk}").status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()


def test_delete_person_anonymous(api_client):
    person = factories.PersonFactory()
    assert api_client.delete(f"/api/data/persons/{person.pk}").status_code == 401
    assert Person.objects.filter(pk=person.pk).exists()


def test_delete_person_malformed_id(admin_client):
    assert admin_client.delete("/api/data/persons/not-a-uuid").status_code == 400


# ---- /actions/persons ------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("put", "/api/actions/persons/not-a-uuid/assign", {"task_ids": [UNKNOWN]}),
        ("post", "/api/actions/persons/not-a-uuid/departments/add", {"department_id": UNKNOWN}),
        ("delete", f"/api/actions/persons/not-a-uuid/departments/{UNKNOWN}", None),
        ("get", "/api/actions/persons/not-a-uuid/invite", None),
    ],
)
def test_action_malformed_person(admin_client, method, path, body):
    response = getattr(admin_client, method)(path, body, format="json")
    assert response.status_code == 400
    assert "not-a-uuid" in response.json()["message"]


@pytest.mark.parametrize("task_ids", [5, "not-a-uuid", [None], [{"id": UNKNOWN}]])
def test_assign_bad_task_ids(admin_client, task_ids):
    person = factories.PersonFactory()
    response = admin_client.put(f"/api/actions/persons/{person.pk}/assign", {"task_ids": task_ids}, format="json")
    assert response.status_code == 400
    assert "task_ids" in response.json()["message"]


def test_assign_bot_is_400(admin_client):
    bot = factories.PersonFactory(is_bot=True, email=None)
    task = factories.TaskFactory()
    response = admin_client.put(f"/api/actions/persons/{bot.pk}/assign", {"task_ids": [str(task.pk)]}, format="json")
    assert response.status_code == 400
    assert not TaskPersonLink.objects.filter(person=bot).exists()


def test_assign_admin_adds_team_member(admin_client):
    person = factories.PersonFactory()
    task = factories.TaskFactory()
    admin_client.put(f"/api/actions/persons/{person.pk}/assign", {"task_ids": [str(task.pk)]}, format="json")
    assert ProjectPersonLink.objects.filter(project=task.project, person=person).exists()


@pytest.mark.parametrize("role", NON_ADMINS)
def test_assign_outsider_assigns_nothing(make_client, role):
    person = factories.PersonFactory()
    task = factories.TaskFactory()
    path = f"/api/actions/persons/{person.pk}/assign"
    response = make_client(role).put(path, {"task_ids": [str(task.pk)]}, format="json")
    assert response.status_code == 200
    assert response.json() == []
    assert not TaskPersonLink.objects.filter(person=person).exists()


def test_department_add_as_json(admin_client):
    person = factories.PersonFactory()
    department = factories.DepartmentFactory()
    path = f"/api/actions/persons/{person.pk}/departments/add"
    response = admin_client.post(path, {"department_id": str(department.pk)}, format="json")
    assert response.status_code == 201
    assert list(person.departments.all()) == [department]


def test_department_add_number_is_400(admin_client):
    person = factories.PersonFactory()
    path = f"/api/actions/persons/{person.pk}/departments/add"
    response = admin_client.post(path, {"department_id": 12}, format="json")
    assert response.status_code == 400
    assert "department_id" in response.json()["message"]


def test_department_remove_not_member(admin_client):
    person = factories.PersonFactory()
    department = factories.DepartmentFactory()
    response = admin_client.delete(f"/api/actions/persons/{person.pk}/departments/{department.pk}")
    assert response.status_code == 204
