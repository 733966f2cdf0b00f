"""Route matrix of the time routes: success, bad input, unknown id and every role.

Covers the cases that the other test modules leave out, for the time spents of a
task (`/actions/tasks/{id}/time-spents*`), `/data/time-spents*`, `/data/day-offs*`,
and the project routes that serve time spents and quotas.
"""

import datetime

import pytest

from productions.models import DayOff, ProjectPersonLink, Task, TaskPersonLink, TimeSpent
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"
DAY = "2025-03-11"


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


def assign(task, person):
    TaskPersonLink.objects.get_or_create(task=task, person=person)


def log(task, person, date=DAY, duration=60):
    return factories.TimeSpentFactory(
        task=task, person=person, date=datetime.date.fromisoformat(date), duration=duration
    )


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def task(project):
    return factories.TaskFactory(project=project)


@pytest.fixture
def member(make_client, project):
    """Factory: member("user") -> a client of that role in the project's team."""

    def factory(role):
        client = make_client(role)
        join_team(project, client.person)
        return client

    return factory


@pytest.fixture
def artist(member, task):
    """An artist of the team assigned to the task."""
    client = member("user")
    assign(task, client.person)
    return client


def task_time_url(task_id, date=None):
    return f"/api/actions/tasks/{task_id}/time-spents" + (f"/{date}" if date else "")


def set_url(task_id, person_id, date=DAY, add=False):
    return f"/api/actions/tasks/{task_id}/time-spents/{date}/persons/{person_id}" + ("/add" if add else "")


# ---- GET /actions/tasks/{id}/time-spents ------------------------------------------------


def test_task_time_spents_malformed_task(admin_client):
    assert admin_client.get(task_time_url("nope")).status_code == 400


def test_task_time_spents_vendor_needs_assignment(member, task):
    vendor = member("vendor")
    assert vendor.get(task_time_url(task.pk)).status_code == 403
    assign(task, vendor.person)
    assert vendor.get(task_time_url(task.pk)).status_code == 200


def test_task_time_spents_admin_outside_team(admin_client, artist, task):
    log(task, artist.person, duration=30)
    assert admin_client.get(task_time_url(task.pk)).json()["total"] == 30


# ---- GET /actions/tasks/{id}/time-spents/{date} ----------------------------------------


def test_task_date_time_spents_unknown_task(admin_client):
    assert admin_client.get(task_time_url(UNKNOWN, DAY)).status_code == 404


def test_task_date_time_spents_without_token(api_client, task):
    assert api_client.get(task_time_url(task.pk, DAY)).status_code == 401


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_task_date_time_spents_team_member(member, artist, task, role):
    log(task, artist.person, duration=30)
    response = member(role).get(task_time_url(task.pk, DAY))
    assert response.status_code == 200
    assert response.json()["total"] == 30


def test_task_date_time_spents_unassigned_vendor(member, task):
    assert member("vendor").get(task_time_url(task.pk, DAY)).status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_task_date_time_spents_outsider(make_client, task, role):
    assert make_client(role).get(task_time_url(task.pk, DAY)).status_code == 403


def test_task_date_time_spents_empty_day(admin_client, artist, task):
    log(task, artist.person)
    assert admin_client.get(task_time_url(task.pk, "2025-03-12")).json() == {"total": 0}


def test_task_date_time_spents_trailing_text(admin_client, task):
    assert admin_client.get(task_time_url(task.pk, f"{DAY}xyz")).status_code == 404


# ---- POST /actions/tasks/{id}/time-spents/{date}/persons/{id}[/add] --------------------------


@pytest.mark.parametrize("add", [False, True], ids=["set", "add"])
@pytest.mark.parametrize("duration", [0, -5, "abc", None, True])
def test_add_time_spent_bad_duration(artist, task, add, duration):
    response = artist.post(set_url(task.pk, artist.person.pk, add=add), {"duration": duration}, format="json")
    assert response.status_code == 400
    assert "duration" in response.json()["message"]
    assert not TimeSpent.objects.exists()


def test_add_time_spent_unknown_task(admin_client, artist):
    response = admin_client.post(set_url(UNKNOWN, artist.person.pk, add=True), {"duration": 5}, format="json")
    assert response.status_code == 404


def test_add_time_spent_unknown_person(admin_client, task):
    response = admin_client.post(set_url(task.pk, UNKNOWN, add=True), {"duration": 5}, format="json")
    assert response.status_code == 404


def test_add_time_spent_bad_date(artist, task):
    url = set_url(task.pk, artist.person.pk, date="2025-02-30", add=True)
    assert artist.post(url, {"duration": 5}, format="json").status_code == 404


def test_set_time_spent_date_trailing_text(artist, task):
    url = set_url(task.pk, artist.person.pk, date=f"{DAY}xyz")
    assert artist.post(url, {"duration": 5}, format="json").status_code == 404
    assert not TimeSpent.objects.exists()


def test_add_time_spent_without_token(api_client, artist, task):
    url = set_url(task.pk, artist.person.pk, add=True)
    assert api_client.post(url, {"duration": 5}, format="json").status_code == 401


@pytest.mark.parametrize(
    "role, expected",
    [("admin", 201), ("manager", 201), ("supervisor", 403), ("user", 403), ("client", 403), ("vendor", 403)],
)
def test_add_time_spent_for_another_person(member, artist, task, role, expected):
    response = member(role).post(set_url(task.pk, artist.person.pk, add=True), {"duration": 5}, format="json")
    assert response.status_code == expected
    assert TimeSpent.objects.exists() is (expected == 201)


def test_add_time_spent_unassigned_self(member, task):
    artist = member("user")
    response = artist.post(set_url(task.pk, artist.person.pk, add=True), {"duration": 5}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["supervisor", "client", "vendor"])
def test_set_time_spent_assigned_self(member, task, role):
    client = member(role)
    assign(task, client.person)
    response = client.post(set_url(task.pk, client.person.pk), {"duration": 5}, format="json")
    assert response.status_code == 201


# ---- DELETE /actions/tasks/{id}/time-spents/{date}/persons/{id} -----------------------------


def test_delete_time_spent_without_token(api_client, artist, task):
    log(task, artist.person)
    assert api_client.delete(set_url(task.pk, artist.person.pk)).status_code == 401
    assert TimeSpent.objects.count() == 1


def test_delete_time_spent_unknown_task(admin_client, artist):
    assert admin_client.delete(set_url(UNKNOWN, artist.person.pk)).status_code == 404


def test_delete_time_spent_unknown_person(admin_client, task):
    assert admin_client.delete(set_url(task.pk, UNKNOWN)).status_code == 404


def test_delete_time_spent_bad_date(admin_client, artist, task):
    assert admin_client.delete(set_url(task.pk, artist.person.pk, date="someday")).status_code == 404


@pytest.mark.parametrize(
    "role, expected",
    [("admin", 200), ("manager", 200), ("supervisor", 403), ("user", 403), ("client", 403), ("vendor", 403)],
)
def test_delete_time_spent_of_another(member, artist, task, role, expected):
    log(task, artist.person)
    assert member(role).delete(set_url(task.pk, artist.person.pk)).status_code == expected
    assert TimeSpent.objects.exists() is (expected != 200)


def test_delete_time_spent_manager_outside_team(make_client, artist, task):
    log(task, artist.person)
    assert make_client("manager").delete(set_url(task.pk, artist.person.pk)).status_code == 403


# ---- /data/time-spents -------------------------------------------------------------------------


def time_spent_body(task, person, **extra):
    return {"task_id": str(task.pk), "person_id": str(person.pk), "date": DAY, "duration": 30, **extra}


def test_time_spent_list_admin(admin_client, artist, task):
    row = log(task, artist.person)
    rows = admin_client.get("/api/data/time-spents/").json()
    assert [item["id"] for item in rows] == [str(row.pk)]
    assert rows[0]["type"] == "TimeSpent"


@pytest.mark.parametrize(
    "params, key",
    [
        ({"start_date": "x", "end_date": "2025-04-30"}, "start_date"),
        ({"start_date": "2025-04-01", "end_date": "2025-04-31"}, "end_date"),
        ({"task_id": "bad"}, "task_id"),
    ],
)
def test_time_spent_list_bad_query(admin_client, params, key):
    response = admin_client.get("/api/data/time-spents/", params)
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_time_spent_create_without_token(api_client, artist, task):
    response = api_client.post("/api/data/time-spents/", time_spent_body(task, artist.person), format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("key", ["task_id", "person_id", "date", "duration"])
def test_time_spent_create_missing_field(admin_client, artist, task, key):
    body = time_spent_body(task, artist.person)
    del body[key]
    response = admin_client.post("/api/data/time-spents/", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]
    assert not TimeSpent.objects.exists()


@pytest.mark.parametrize(
    "extra, key",
    [
        ({"date": "2025-13-01"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"duration": "abc"}, "duration"),
        ({"task_id": UNKNOWN}, "task_id"),
        ({"task_id": "nope"}, "task_id"),
        ({"person_id": UNKNOWN}, "person_id"),
    ],
)
def test_time_spent_create_bad_value(admin_client, artist, task, extra, key):
    response = admin_client.post("/api/data/time-spents/", time_spent_body(task, artist.person, **extra), format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_time_spent_read_admin(admin_client, artist, task):
    row = log(task, artist.person)
    body = admin_client.get(f"/api/data/time-spents/{row.pk}").json()
    assert body["id"] == str(row.pk)
    assert body["duration"] == 60


def test_time_spent_read_malformed(admin_client):
    assert admin_client.get("/api/data/time-spents/nope").status_code == 400


def test_time_spent_read_without_token(api_client, artist, task):
    assert api_client.get(f"/api/data/time-spents/{log(task, artist.person).pk}").status_code == 401


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_time_spent_read_own_rejected(member, task, role):
    client = member(role)
    row = log(task, client.person)
    assert client.get(f"/api/data/time-spents/{row.pk}").status_code == 403


def test_time_spent_update_unknown(admin_client):
    assert admin_client.put(f"/api/data/time-spents/{UNKNOWN}", {"duration": 5}, format="json").status_code == 404


def test_time_spent_update_without_token(api_client, artist, task):
    row = log(task, artist.person)
    assert api_client.put(f"/api/data/time-spents/{row.pk}", {"duration": 5}, format="json").status_code == 401


@pytest.mark.parametrize("body, key", [({"date": "bad"}, "date"), ({"duration": "abc"}, "duration")])
def test_time_spent_update_bad_value(admin_client, artist, task, body, key):
    row = log(task, artist.person)
    response = admin_client.put(f"/api/data/time-spents/{row.pk}", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_time_spent_update_to_taken_day(admin_client, artist, task):
    log(task, artist.person, date="2025-03-12")
    row = log(task, artist.person)
    response = admin_client.put(f"/api/data/time-spents/{row.pk}", {"date": "2025-03-12"}, format="json")
    assert response.status_code == 400
    assert "date" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_time_spent_update_own_rejected(member, task, role):
    client = member(role)
    assign(task, client.person)
    row = log(task, client.person)
    assert client.put(f"/api/data/time-spents/{row.pk}", {"duration": 5}, format="json").status_code == 403
    row.refresh_from_db()
    assert row.duration == 60


def test_time_spent_delete_admin(admin_client, artist, task):
    row = log(task, artist.person)
    assert admin_client.delete(f"/api/data/time-spents/{row.pk}").status_code == 204
    assert not TimeSpent.objects.exists()


def test_time_spent_delete_unknown(admin_client):
    assert admin_client.delete(f"/api/data/time-spents/{UNKNOWN}").status_code == 404


def test_time_spent_delete_without_token(api_client, artist, task):
    row = log(task, artist.person)
    assert api_client.delete(f"/api/data/time-spents/{row.pk}").status_code == 401


@pytest.mark.parametrize(
    "role, expected", [("manager", 204), ("supervisor", 403), ("user", 403), ("client", 403), ("vendor", 403)]
)
def test_time_spent_delete_of_another(member, artist, task, role, expected):
    row = log(task, artist.person)
    assert member(role).delete(f"/api/data/time-spents/{row.pk}").status_code == expected


def test_time_spent_delete_manager_outside_team(make_client, artist, task):
    row = log(task, artist.person)
    assert make_client("manager").delete(f"/api/data/time-spents/{row.pk}").status_code == 403


# ---- /data/day-offs --------------------------------------------------------------------------------


def day_off_body(person, date="2025-04-07", end_date="2025-04-09"):
    return {"person_id": str(person.pk), "date": date, "end_date": end_date, "description": "holidays"}


def own_day_off(person):
    return factories.DayOffFactory(person=person, date=datetime.date(2025, 4, 7), end_date=datetime.date(2025, 4, 9))


def test_day_off_list_admin(admin_client):
    row = factories.DayOffFactory()
    rows = admin_client.get("/api/data/day-offs/").json()
    assert [item["id"] for item in rows] == [str(row.pk)]
    assert rows[0]["type"] == "DayOff"


def test_day_off_list_bad_filter(admin_client):
    response = admin_client.get("/api/data/day-offs/", {"person_id": "bad"})
    assert response.status_code == 400
    assert "person_id" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_day_off_create_own_by_role(make_client, role):
    client = make_client(role)
    response = client.post("/api/data/day-offs/", day_off_body(client.person), format="json")
    assert response.status_code == 201
    assert response.json()["person_id"] == str(client.person.pk)


def test_day_off_create_without_token(api_client):
    body = day_off_body(factories.PersonFactory())
    assert api_client.post("/api/data/day-offs/", body, format="json").status_code == 401
    assert not DayOff.objects.exists()


@pytest.mark.parametrize("key", ["person_id", "date"])
def test_day_off_create_missing_field(admin_client, key):
    body = day_off_body(factories.PersonFactory())
    del body[key]
    response = admin_client.post("/api/data/day-offs/", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_day_off_create_without_person_by_artist(make_client):
    body = day_off_body(factories.PersonFactory())
    del body["person_id"]
    response = make_client("user").post("/api/data/day-offs/", body, format="json")
    assert response.status_code == 400
    assert "person_id" in response.json()["message"]
    assert not DayOff.objects.exists()


@pytest.mark.parametrize(
    "extra, key",
    [
        ({"date": "2025-07-40"}, "date"),
        ({"end_date": "soon"}, "end_date"),
        ({"person_id": UNKNOWN}, "person_id"),
        ({"person_id": "nope"}, "person_id"),
    ],
)
def test_day_off_create_bad_value(admin_client, extra, key):
    body = {**day_off_body(factories.PersonFactory()), **extra}
    response = admin_client.post("/api/data/day-offs/", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]
    assert not DayOff.objects.exists()


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_day_off_read_own(make_client, role):
    client = make_client(role)
    row = own_day_off(client.person)
    assert client.get(f"/api/data/day-offs/{row.pk}").json()["id"] == str(row.pk)


def test_day_off_read_admin(admin_client):
    row = factories.DayOffFactory()
    assert admin_client.get(f"/api/data/day-offs/{row.pk}").status_code == 200


def test_day_off_read_malformed(admin_client):
    assert admin_client.get("/api/data/day-offs/nope").status_code == 400


def test_day_off_read_without_token(api_client):
    assert api_client.get(f"/api/data/day-offs/{factories.DayOffFactory().pk}").status_code == 401


def test_day_off_update_unknown(admin_client):
    response = admin_client.put(f"/api/data/day-offs/{UNKNOWN}", {"description": "x"}, format="json")
    assert response.status_code == 404


def test_day_off_update_without_token(api_client):
    row = factories.DayOffFactory()
    assert api_client.put(f"/api/data/day-offs/{row.pk}", {"description": "x"}, format="json").status_code == 401


def test_day_off_update_by_admin(admin_client):
    row = factories.DayOffFactory()
    response = admin_client.put(f"/api/data/day-offs/{row.pk}", {"description": "by admin"}, format="json")
    assert response.json()["description"] == "by admin"


@pytest.mark.parametrize("body, key", [({"date": "bad"}, "date"), ({"end_date": "2025-02-30"}, "end_date")])
def test_day_off_update_bad_date(admin_client, body, key):
    row = factories.DayOffFactory()
    response = admin_client.put(f"/api/data/day-offs/{row.pk}", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_day_off_update_of_another(make_client, role):
    row = factories.DayOffFactory(description="kept")
    response = make_client(role).put(f"/api/data/day-offs/{row.pk}", {"description": "x"}, format="json")
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.description == "kept"


def test_day_off_delete_unknown(admin_client):
    assert admin_client.delete(f"/api/data/day-offs/{UNKNOWN}").status_code == 404


def test_day_off_delete_without_token(api_client):
    row = factories.DayOffFactory()
    assert api_client.delete(f"/api/data/day-offs/{row.pk}").status_code == 401


def test_day_off_delete_by_admin(admin_client):
    row = factories.DayOffFactory()
    assert admin_client.delete(f"/api/data/day-offs/{row.pk}").status_code == 204
    assert not DayOff.objects.exists()


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_day_off_delete_of_another(make_client, role):
    row = factories.DayOffFactory()
    assert make_client(role).delete(f"/api/data/day-offs/{row.pk}").status_code == 403
    assert DayOff.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_day_off_delete_own_by_role(make_client, role):
    client = make_client(role)
    row = own_day_off(client.person)
    assert client.delete(f"/api/data/day-offs/{row.pk}").status_code == 204


# ---- GET /data/projects/{id}/time-spents ------------------------------------------------------------


def test_project_time_spents_unknown(admin_client):
    assert admin_client.get(f"/api/data/projects/{UNKNOWN}/time-spents").status_code == 404


def test_project_time_spents_malformed(admin_client):
    assert admin_client.get("/api/data/projects/nope/time-spents").status_code == 400


def test_project_time_spents_without_token(api_client, project):
    assert api_client.get(f"/api/data/projects/{project.pk}/time-spents").status_code == 401


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_project_time_spents_team_member(member, artist, task, role):
    row = log(task, artist.person)
    rows = member(role).get(f"/api/data/projects/{task.project_id}/time-spents").json()
    assert [item["id"] for item in rows] == [str(row.pk)]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_project_time_spents_outsider(make_client, project, role):
    assert make_client(role).get(f"/api/data/projects/{project.pk}/time-spents").status_code == 403


# ---- GET /data/projects/{id}/budgets/time-spents ------------------------------------------------------


def budget_url(project_id):
    return f"/api/data/projects/{project_id}/budgets/time-spents"


def test_budget_time_spents_admin(admin_client, project):
    department = factories.DepartmentFactory()
    task = factories.TaskFactory(project=project, task_type=factories.TaskTypeFactory(department=department))
    person = factories.PersonFactory()
    log(task, person, duration=60)
    body = admin_client.get(budget_url(project.pk)).json()
    assert body == {str(department.pk): {"total": 60, str(person.pk): {"total": 60, "2025-03": 60}}}


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_budget_time_spents_admin_only(member, project, role):
    assert member(role).get(budget_url(project.pk)).status_code == 403


def test_budget_time_spents_malformed(admin_client):
    assert admin_client.get(budget_url("nope")).status_code == 400


def test_budget_time_spents_without_token(api_client, project):
    assert api_client.get(budget_url(project.pk)).status_code == 401


# ---- GET /data/projects/{id}/quotas/{task_type_id} ------------------------------------------------------


def quota_url(project_id, suffix):
    return f"/api/data/projects/{project_id}/quotas/{suffix}"


def test_project_quotas_unknown_project(admin_client, task):
    assert admin_client.get(quota_url(UNKNOWN, task.task_type_id)).status_code == 404


def test_project_quotas_malformed_task_type(admin_client, project):
    assert admin_client.get(quota_url(project.pk, "nope")).status_code == 400


def test_project_quotas_bad_studio(admin_client, task):
    response = admin_client.get(quota_url(task.project_id, task.task_type_id), {"studio_id": "bad"})
    assert response.status_code == 400
    assert "studio_id" in response.json()["message"]


def test_project_quotas_admin_empty(admin_client, task):
    assert admin_client.get(quota_url(task.project_id, task.task_type_id)).json() == {}


# ---- GET /data/projects/{id}/quotas/persons/{person_id} ---------------------------------------------------


def person_quota_url(project_id, person_id):
    return quota_url(project_id, f"persons/{person_id}")


def test_person_quotas_unknown_person(admin_client, project):
    assert admin_client.get(person_quota_url(project.pk, UNKNOWN)).status_code == 404


def test_person_quotas_malformed_person(admin_client, project):
    assert admin_client.get(person_quota_url(project.pk, "nope")).status_code == 400


def test_person_quotas_unknown_project(admin_client, artist):
    assert admin_client.get(person_quota_url(UNKNOWN, artist.person.pk)).status_code == 404


@pytest.mark.parametrize("key", ["count_mode", "studio_id"])
def test_person_quotas_bad_query(admin_client, project, artist, key):
    response = admin_client.get(person_quota_url(project.pk, artist.person.pk), {key: "bad"})
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_person_quotas_without_token(api_client, project, artist):
    assert api_client.get(person_quota_url(project.pk, artist.person.pk)).status_code == 401


@pytest.mark.parametrize(
    "role, expected", [("manager", 200), ("supervisor", 200), ("user", 403), ("client", 403), ("vendor", 403)]
)
def test_person_quotas_of_another(member, project, artist, role, expected):
    assert member(role).get(person_quota_url(project.pk, artist.person.pk)).status_code == expected


def test_person_quotas_own_artist(project, artist):
    response = artist.get(person_quota_url(project.pk, artist.person.pk))
    assert response.status_code == 200
    assert response.json() == {}


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_person_quotas_outsider(make_client, project, role):
    client = make_client(role)
    assert client.get(person_quota_url(project.pk, client.person.pk)).status_code == 403


def test_person_quotas_admin_outside_team(admin_client, project, artist):
    assert admin_client.get(person_quota_url(project.pk, artist.person.pk)).status_code == 200


# ---- task duration after generic writes -------------------------------------------------------------


def test_manager_delete_updates_task_duration(member, artist, task):
    row = log(task, artist.person, duration=30)
    Task.objects.filter(pk=task.pk).update(duration=30)
    member("manager").delete(f"/api/data/time-spents/{row.pk}")
    assert Task.objects.get(pk=task.pk).duration == 0
