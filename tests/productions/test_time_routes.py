"""Time spents, day offs, time tables and quotas."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from productions.models import DayOff, ProjectPersonLink, Task, TaskPersonLink, TimeSpent
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
DAY = "2025-03-11"


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


def assign(task, person):
    TaskPersonLink.objects.get_or_create(task=task, person=person)


def log(task, person, date=DAY, duration=60):
    return factories.TimeSpentFactory(
        task=task, person=person, date=datetime.date.fromisoformat(date), duration=duration
    )


def duration_of(task):
    return Task.objects.get(pk=task.pk).duration


def count_queries(client, path, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.json()
    return len(queries)


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


def set_url(task, person, date=DAY, add=False):
    return f"/api/actions/tasks/{task.pk}/time-spents/{date}/persons/{person.pk}" + ("/add" if add else "")


# ---- POST/DELETE /actions/tasks/{id}/time-spents/{date}/persons/{id} -----------------


def test_set_time_spent_created(artist, task):
    response = artist.post(set_url(task, artist.person), {"duration": 120}, format="json")
    assert response.status_code == 201
    assert response.json()["duration"] == 120
    assert response.json()["date"] == DAY


def test_set_time_spent_updates_task_duration(artist, task):
    artist.post(set_url(task, artist.person), {"duration": 120}, format="json")
    assert duration_of(task) == 120


def test_set_time_spent_replaces(artist, task):
    log(task, artist.person, duration=30)
    artist.post(set_url(task, artist.person), {"duration": 90}, format="json")
    assert TimeSpent.objects.get(task=task).duration == 90


def test_add_time_spent_adds(artist, task):
    log(task, artist.person, duration=30)
    response = artist.post(set_url(task, artist.person, add=True), {"duration": 15}, format="json")
    assert response.json()["duration"] == 45


def test_add_time_spent_creates(artist, task):
    artist.post(set_url(task, artist.person, add=True), {"duration": 15}, format="json")
    assert duration_of(task) == 15


def presence_of(person):
    person.refresh_from_db(fields=["last_presence"])
    return person.last_presence


def test_set_time_spent_moves_presence_forward(artist, task):
    artist.post(set_url(task, artist.person), {"duration": 60}, format="json")
    assert presence_of(artist.person) == datetime.date.fromisoformat(DAY)


def test_set_time_spent_keeps_later_presence(artist, task):
    artist.person.last_presence = datetime.date(2030, 1, 1)
    artist.person.save(update_fields=["last_presence"])
    artist.post(set_url(task, artist.person), {"duration": 60}, format="json")
    assert presence_of(artist.person) == datetime.date(2030, 1, 1)


def test_task_duration_sums_persons(artist, task, project):
    other = factories.PersonFactory()
    assign(task, other)
    log(task, other, duration=20)
    artist.post(set_url(task, artist.person), {"duration": 10}, format="json")
    assert duration_of(task) == 30


@pytest.mark.parametrize("duration", [0, -5, "abc", None, True])
def test_set_time_spent_bad_duration(artist, task, duration):
    response = artist.post(set_url(task, artist.person), {"duration": duration}, format="json")
    assert response.status_code == 400
    assert "duration" in response.json()["message"]


def test_set_time_spent_longer_than_a_day(artist, task):
    response = artist.post(set_url(task, artist.person), {"duration": 1441}, format="json")
    assert response.status_code == 400
    assert "duration" in response.json()["message"]
    assert not TimeSpent.objects.exists()


def test_set_time_spent_whole_day(artist, task):
    assert artist.post(set_url(task, artist.person), {"duration": 1440}, format="json").status_code == 201


def test_add_time_spent_past_a_day(artist, task):
    log(task, artist.person, duration=1400)
    response = artist.post(set_url(task, artist.person, add=True), {"duration": 60}, format="json")
    assert response.status_code == 400
    assert "duration" in response.json()["message"]
    assert TimeSpent.objects.get(task=task).duration == 1400


def test_generic_create_longer_than_a_day(admin_client, artist, task):
    body = {"task_id": str(task.pk), "person_id": str(artist.person.pk), "date": DAY, "duration": 5000}
    response = admin_client.post("/api/data/time-spents/", body, format="json")
    assert response.status_code == 400
    assert "duration" in response.json()["message"]


def test_set_time_spent_bad_duration_writes_nothing(artist, task):
    artist.post(set_url(task, artist.person), {"duration": -1}, format="json")
    assert not TimeSpent.objects.exists()


def test_set_time_spent_missing_duration(artist, task):
    assert artist.post(set_url(task, artist.person), {}, format="json").status_code == 400


def test_set_time_spent_bad_date(artist, task):
    assert artist.post(set_url(task, artist.person, "2025-13-01"), {"duration": 5}, format="json").status_code == 404


def test_set_time_spent_unknown_task(admin_client, artist):
    url = f"/api/actions/tasks/{uuid.uuid4()}/time-spents/{DAY}/persons/{artist.person.pk}"
    assert admin_client.post(url, {"duration": 5}, format="json").status_code == 404


def test_set_time_spent_malformed_task(admin_client, artist):
    url = f"/api/actions/tasks/nope/time-spents/{DAY}/persons/{artist.person.pk}"
    assert admin_client.post(url, {"duration": 5}, format="json").status_code == 400


def test_set_time_spent_unknown_person(admin_client, task):
    url = f"/api/actions/tasks/{task.pk}/time-spents/{DAY}/persons/{uuid.uuid4()}"
    assert admin_client.post(url, {"duration": 5}, format="json").status_code == 404


def test_set_time_spent_without_token(api_client, artist, task):
    assert api_client.post(set_url(task, artist.person), {"duration": 5}, format="json").status_code == 401


def test_set_time_spent_unassigned_person(admin_client, task):
    person = factories.PersonFactory()
    assert admin_client.post(set_url(task, person), {"duration": 5}, format="json").status_code == 403


@pytest.mark.parametrize(
    "role, status",
    [("admin", 201), ("manager", 201), ("supervisor", 403), ("user", 403), ("client", 403), ("vendor", 403)],
)
def test_set_time_spent_for_another_person(member, artist, task, role, status):
    response = member(role).post(set_url(task, artist.person), {"duration": 5}, format="json")
    assert response.status_code == status


def test_set_time_spent_manager_outside_team(make_client, artist, task):
    response = make_client("manager").post(set_url(task, artist.person), {"duration": 5}, format="json")
    assert response.status_code == 403


def test_set_time_spent_refused_writes_nothing(member, artist, task):
    member("user").post(set_url(task, artist.person), {"duration": 5}, format="json")
    assert not TimeSpent.objects.exists()


def test_delete_time_spent(artist, task):
    log(task, artist.person, duration=30)
    response = artist.delete(set_url(task, artist.person))
    assert response.status_code == 200
    assert not TimeSpent.objects.exists()


def test_delete_time_spent_updates_task_duration(artist, task):
    log(task, artist.person, duration=30)
    Task.objects.filter(pk=task.pk).update(duration=30)
    artist.delete(set_url(task, artist.person))
    assert duration_of(task) == 0


def test_delete_time_spent_missing(artist, task):
    assert artist.delete(set_url(task, artist.person)).status_code == 404


def test_delete_time_spent_other_artist(member, artist, task):
    log(task, artist.person)
    assert member("user").delete(set_url(task, artist.person)).status_code == 403


# ---- GET /actions/tasks/{id}/time-spents[/{date}] -------------------------------------


def test_task_time_spents_total(admin_client, artist, task):
    log(task, artist.person, duration=30)
    log(task, artist.person, date="2025-03-12", duration=20)
    body = admin_client.get(f"/api/actions/tasks/{task.pk}/time-spents").json()
    assert body["total"] == 50


def test_task_time_spents_per_person(admin_client, artist, task):
    log(task, artist.person, duration=30)
    body = admin_client.get(f"/api/actions/tasks/{task.pk}/time-spents").json()
    assert [row["duration"] for row in body[str(artist.person.pk)]] == [30]


def test_task_time_spents_of_a_date(admin_client, artist, task):
    log(task, artist.person, duration=30)
    log(task, artist.person, date="2025-03-12", duration=20)
    body = admin_client.get(f"/api/actions/tasks/{task.pk}/time-spents/2025-03-12").json()
    assert body["total"] == 20


def test_task_time_spents_bad_date(admin_client, task):
    assert admin_client.get(f"/api/actions/tasks/{task.pk}/time-spents/yesterday").status_code == 404


def test_task_time_spents_unknown_task(admin_client):
    assert admin_client.get(f"/api/actions/tasks/{uuid.uuid4()}/time-spents").status_code == 404


def test_task_time_spents_without_token(api_client, task):
    assert api_client.get(f"/api/actions/tasks/{task.pk}/time-spents").status_code == 401


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_task_time_spents_team_member(member, task, role):
    assert member(role).get(f"/api/actions/tasks/{task.pk}/time-spents").status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_task_time_spents_outsider(make_client, task, role):
    assert make_client(role).get(f"/api/actions/tasks/{task.pk}/time-spents").status_code == 403


def test_task_time_spents_queries_constant(admin_client, task):
    def add_people(count):
        for _ in range(count):
            person = factories.PersonFactory()
            log(task, person)

    add_people(1)
    few = count_queries(admin_client, f"/api/actions/tasks/{task.pk}/time-spents")
    add_people(5)
    assert count_queries(admin_client, f"/api/actions/tasks/{task.pk}/time-spents") == few


# ---- /data/time-spents -----------------------------------------------------------------


def test_generic_create_updates_task_duration(admin_client, artist, task):
    body = {"task_id": str(task.pk), "person_id": str(artist.person.pk), "date": DAY, "duration": 300}
    assert admin_client.post("/api/data/time-spents/", body, format="json").status_code == 201
    assert duration_of(task) == 300


def test_generic_create_moves_presence_forward(admin_client, artist, task):
    body = {"task_id": str(task.pk), "person_id": str(artist.person.pk), "date": DAY, "duration": 30}
    assert admin_client.post("/api/data/time-spents/", body, format="json").status_code == 201
    assert presence_of(artist.person) == datetime.date.fromisoformat(DAY)


def test_generic_create_zero_duration(admin_client, artist, task):
    body = {"task_id": str(task.pk), "person_id": str(artist.person.pk), "date": DAY, "duration": 0}
    response = admin_client.post("/api/data/time-spents/", body, format="json")
    assert response.status_code == 400
    assert "duration" in response.json()["message"]


def test_generic_create_duplicate_day(admin_client, artist, task):
    log(task, artist.person)
    body = {"task_id": str(task.pk), "person_id": str(artist.person.pk), "date": DAY, "duration": 5}
    response = admin_client.post("/api/data/time-spents/", body, format="json")
    assert "date" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_generic_create_refused(member, artist, task, role):
    body = {"task_id": str(task.pk), "person_id": str(artist.person.pk), "date": DAY, "duration": 5}
    assert member(role).post("/api/data/time-spents/", body, format="json").status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_generic_list_refused(make_client, role):
    assert make_client(role).get("/api/data/time-spents/").status_code == 403


def test_generic_list_date_range(admin_client, artist, task):
    log(task, artist.person, date="2025-03-01")
    log(task, artist.person, date="2025-03-20")
    body = admin_client.get("/api/data/time-spents/", {"start_date": "2025-03-10", "end_date": "2025-03-31"}).json()
    assert [row["date"] for row in body] == ["2025-03-20"]


def test_generic_list_half_range(admin_client):
    response = admin_client.get("/api/data/time-spents/", {"start_date": "2025-03-10"})
    assert "end_date" in response.json()["message"]


def test_generic_list_queries_constant(admin_client, task):
    log(task, factories.PersonFactory())
    few = count_queries(admin_client, "/api/data/time-spents/")
    for _ in range(5):
        log(task, factories.PersonFactory())
    assert count_queries(admin_client, "/api/data/time-spents/") == few


def test_generic_update_updates_task_duration(admin_client, artist, task):
    row = log(task, artist.person, duration=30)
    admin_client.put(f"/api/data/time-spents/{row.pk}", {"duration": 45}, format="json")
    assert duration_of(task) == 45


def test_generic_update_negative(admin_client, artist, task):
    row = log(task, artist.person, duration=30)
    response = admin_client.put(f"/api/data/time-spents/{row.pk}", {"duration": -1}, format="json")
    assert response.status_code == 400


def test_generic_delete_by_the_person(artist, task):
    row = log(task, artist.person, duration=30)
    Task.objects.filter(pk=task.pk).update(duration=30)
    assert artist.delete(f"/api/data/time-spents/{row.pk}").status_code == 204
    assert duration_of(task) == 0


def test_generic_delete_by_another_artist(member, artist, task):
    row = log(task, artist.person)
    assert member("user").delete(f"/api/data/time-spents/{row.pk}").status_code == 403


def test_generic_unknown_time_spent(admin_client):
    assert admin_client.get(f"/api/data/time-spents/{uuid.uuid4()}").status_code == 404


def test_generic_without_token(api_client):
    assert api_client.get("/api/data/time-spents/").status_code == 401


# ---- /data/day-offs -----------------------------------------------------------------------


def day_off_body(person, date="2025-04-07", end_date="2025-04-09"):
    return {"person_id": str(person.pk), "date": date, "end_date": end_date, "description": "holidays"}


def test_day_off_created_by_the_person(make_client):
    client = make_client("user")
    response = client.post("/api/data/day-offs/", day_off_body(client.person), format="json")
    assert response.status_code == 201
    assert response.json()["end_date"] == "2025-04-09"


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_day_off_for_another_person_refused(make_client, role):
    other = factories.PersonFactory()
    response = make_client(role).post("/api/data/day-offs/", day_off_body(other), format="json")
    assert response.status_code == 403


def test_day_off_for_another_person_by_admin(admin_client):
    other = factories.PersonFactory()
    assert admin_client.post("/api/data/day-offs/", day_off_body(other), format="json").status_code == 201


def test_day_off_ending_before_start(admin_client):
    body = day_off_body(factories.PersonFactory(), "2025-05-08", "2025-05-01")
    response = admin_client.post("/api/data/day-offs/", body, format="json")
    assert response.status_code == 400
    assert "end_date" in response.json()["message"]


def test_day_off_overlap_refused(admin_client):
    person = factories.PersonFactory()
    admin_client.post("/api/data/day-offs/", day_off_body(person), format="json")
    response = admin_client.post("/api/data/day-offs/", day_off_body(person, "2025-04-08", "2025-04-10"), format="json")
    assert response.status_code == 400


def test_day_off_same_start_refused(admin_client):
    person = factories.PersonFactory()
    admin_client.post("/api/data/day-offs/", day_off_body(person), format="json")
    response = admin_client.post("/api/data/day-offs/", day_off_body(person, "2025-04-07", "2025-04-07"), format="json")
    assert response.status_code == 400


def test_day_off_overlap_writes_nothing(admin_client):
    person = factories.PersonFactory()
    admin_client.post("/api/data/day-offs/", day_off_body(person), format="json")
    admin_client.post("/api/data/day-offs/", day_off_body(person, "2025-04-08", "2025-04-10"), format="json")
    assert DayOff.objects.count() == 1


def test_day_off_other_person_may_overlap(admin_client):
    admin_client.post("/api/data/day-offs/", day_off_body(factories.PersonFactory()), format="json")
    response = admin_client.post("/api/data/day-offs/", day_off_body(factories.PersonFactory()), format="json")
    assert response.status_code == 201


def test_day_off_over_logged_time_is_400(admin_client, artist, task):
    log(task, artist.person, date="2025-04-08", duration=30)
    log(task, artist.person, date="2025-04-10", duration=20)
    response = admin_client.post("/api/data/day-offs/", day_off_body(artist.person), format="json")
    assert response.status_code == 400
    assert "2025-04-08" in response.json()["message"]
    assert TimeSpent.objects.filter(person=artist.person).count() == 2


def test_day_off_update_own(make_client):
    client = make_client("user")
    row = factories.DayOffFactory(person=client.person)
    response = client.put(f"/api/data/day-offs/{row.pk}", {"description": "long weekend"}, format="json")
    assert response.json()["description"] == "long weekend"


def test_day_off_update_end_before_start(admin_client):
    row = factories.DayOffFactory(date=datetime.date(2025, 4, 7), end_date=datetime.date(2025, 4, 9))
    response = admin_client.put(f"/api/data/day-offs/{row.pk}", {"end_date": "2025-04-01"}, format="json")
    assert "end_date" in response.json()["message"]


def test_day_off_update_to_overlap(admin_client):
    person = factories.PersonFactory()
    factories.DayOffFactory(person=person, date=datetime.date(2025, 4, 7), end_date=datetime.date(2025, 4, 9))
    row = factories.DayOffFactory(person=person, date=datetime.date(2025, 5, 1), end_date=datetime.date(2025, 5, 2))
    response = admin_client.put(f"/api/data/day-offs/{row.pk}", {"date": "2025-04-09"}, format="json")
    assert response.status_code == 400


def test_day_off_move_to_another_person_refused(make_client):
    client = make_client("user")
    row = factories.DayOffFactory(person=client.person)
    other = factories.PersonFactory()
    response = client.put(f"/api/data/day-offs/{row.pk}", {"person_id": str(other.pk)}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_day_off_of_another_person_read_refused(make_client, role):
    row = factories.DayOffFactory()
    assert make_client(role).get(f"/api/data/day-offs/{row.pk}").status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_day_off_list_refused(make_client, role):
    assert make_client(role).get("/api/data/day-offs/").status_code == 403


def test_day_off_list_filter(admin_client):
    row = factories.DayOffFactory()
    factories.DayOffFactory()
    body = admin_client.get("/api/data/day-offs/", {"person_id": str(row.person_id)}).json()
    assert [item["id"] for item in body] == [str(row.pk)]


def test_day_off_delete_own(make_client):
    client = make_client("user")
    row = factories.DayOffFactory(person=client.person)
    assert client.delete(f"/api/data/day-offs/{row.pk}").status_code == 204


def test_day_off_delete_other_refused(make_client):
    row = factories.DayOffFactory()
    assert make_client("manager").delete(f"/api/data/day-offs/{row.pk}").status_code == 403


def test_day_off_unknown(admin_client):
    assert admin_client.get(f"/api/data/day-offs/{uuid.uuid4()}").status_code == 404


def test_day_off_without_token(api_client):
    assert api_client.get("/api/data/day-offs/").status_code == 401


# ---- a person's time ---------------------------------------------------------------------


@pytest.fixture
def shot_task(project):
    """A task on shot SH010 of sequence SQ01 of episode E01."""
    episode = factories.EntityFactory(
        project=project, name="E01", entity_type=factories.EntityTypeFactory(name="Episode")
    )
    sequence = factories.EntityFactory(
        project=project, name="SQ01", parent=episode, entity_type=factories.EntityTypeFactory(name="Sequence")
    )
    shot = factories.EntityFactory(
        project=project,
        name="SH010",
        parent=sequence,
        nb_frames=50,
        entity_type=factories.EntityTypeFactory(name="Shot"),
    )
    return factories.TaskFactory(project=project, entity=shot, task_type=factories.TaskTypeFactory(for_entity="Shot"))


def test_person_time_spents_all(admin_client, artist, task):
    log(task, artist.person)
    log(task, artist.person, date="2025-03-12")
    assert len(admin_client.get(f"/api/data/persons/{artist.person.pk}/time-spents").json()) == 2


def test_person_time_spents_range(admin_client, artist, task):
    log(task, artist.person)
    log(task, artist.person, date="2025-04-12")
    params = {"start_date": "2025-04-01", "end_date": "2025-04-30"}
    body = admin_client.get(f"/api/data/persons/{artist.person.pk}/time-spents", params).json()
    assert [row["date"] for row in body] == ["2025-04-12"]


def test_person_time_spents_bad_range(admin_client, artist):
    params = {"start_date": "x", "end_date": "2025-04-30"}
    response = admin_client.get(f"/api/data/persons/{artist.person.pk}/time-spents", params)
    assert "start_date" in response.json()["message"]


def test_person_time_spents_unknown(admin_client):
    assert admin_client.get(f"/api/data/persons/{uuid.uuid4()}/time-spents").status_code == 404


def test_person_time_spents_without_token(api_client, artist):
    assert api_client.get(f"/api/data/persons/{artist.person.pk}/time-spents").status_code == 401


@pytest.mark.parametrize(
    "role, status", [("manager", 200), ("supervisor", 200), ("user", 403), ("client", 403), ("vendor", 403)]
)
def test_person_time_spents_of_another(member, artist, role, status):
    assert member(role).get(f"/api/data/persons/{artist.person.pk}/time-spents").status_code == status


def test_person_time_spents_own(artist, task):
    log(task, artist.person)
    assert len(artist.get(f"/api/data/persons/{artist.person.pk}/time-spents").json()) == 1


def test_person_time_spents_manager_sees_team_projects_only(member, artist, task):
    log(task, artist.person)
    log(factories.TaskFactory(), artist.person)
    body = member("manager").get(f"/api/data/persons/{artist.person.pk}/time-spents").json()
    assert [row["task_id"] for row in body] == [str(task.pk)]


def test_person_time_spents_supervisor_sees_department_only(member, artist, task, project):
    department = factories.DepartmentFactory()
    other_task = factories.TaskFactory(project=project, task_type=factories.TaskTypeFactory(department=department))
    log(task, artist.person)
    log(other_task, artist.person)
    supervisor = member("supervisor")
    supervisor.person.departments.add(department)
    body = supervisor.get(f"/api/data/persons/{artist.person.pk}/time-spents").json()
    assert [row["task_id"] for row in body] == [str(other_task.pk)]


def test_person_date_time_spents(admin_client, artist, task):
    log(task, artist.person)
    log(task, artist.person, date="2025-03-12")
    assert len(admin_client.get(f"/api/data/persons/{artist.person.pk}/time-spents/{DAY}").json()) == 1


def test_person_date_time_spents_bad_date(admin_client, artist):
    assert admin_client.get(f"/api/data/persons/{artist.person.pk}/time-spents/2025-02-30").status_code == 404


@pytest.mark.parametrize(
    "suffix", ["year/2025", "month/2025/3", "week/2025/11", "day/2025/3/11"], ids=["year", "month", "week", "day"]
)
def test_person_period_entries(admin_client, artist, shot_task, suffix):
    assign(shot_task, artist.person)
    log(shot_task, artist.person, duration=30)
    log(shot_task, artist.person, date="2025-03-12", duration=20)
    body = admin_client.get(f"/api/data/persons/{artist.person.pk}/time-spents/{suffix}").json()
    assert body[0]["entity_name"] == "SH010"


def test_person_month_entries_sum(admin_client, artist, shot_task):
    log(shot_task, artist.person, duration=30)
    log(shot_task, artist.person, date="2025-03-12", duration=20)
    body = admin_client.get(f"/api/data/persons/{artist.person.pk}/time-spents/month/2025/3").json()
    assert body == [
        {
            "task_id": str(shot_task.pk),
            "task_type_id": str(shot_task.task_type_id),
            "project_id": str(shot_task.project_id),
            "project_name": shot_task.project.name,
            "entity_name": "SH010",
            "entity_type_name": "Shot",
            "sequence_name": "SQ01",
            "episode_name": "E01",
            "duration": 50,
        }
    ]


def test_person_day_entries_other_day(admin_client, artist, task):
    log(task, artist.person)
    assert admin_client.get(f"/api/data/persons/{artist.person.pk}/time-spents/day/2025/3/12").json() == []


@pytest.mark.parametrize("suffix", ["month/2025/13", "week/2025/53", "day/2025/2/30", "year/abc"])
def test_person_period_bad(admin_client, artist, suffix):
    assert admin_client.get(f"/api/data/persons/{artist.person.pk}/time-spents/{suffix}").status_code == 404


@pytest.mark.parametrize(
    "role, status", [("manager", 200), ("supervisor", 200), ("user", 403), ("client", 403), ("vendor", 403)]
)
def test_person_period_of_another(member, artist, role, status):
    url = f"/api/data/persons/{artist.person.pk}/time-spents/year/2025"
    assert member(role).get(url).status_code == status


def test_person_period_project_outside_team(member, artist):
    url = f"/api/data/persons/{artist.person.pk}/time-spents/year/2025"
    assert member("manager").get(url, {"project_id": str(uuid.uuid4())}).status_code == 403


def test_person_period_queries_constant(admin_client, artist, project):
    def add_tasks(count):
        for _ in range(count):
            log(factories.TaskFactory(project=project), artist.person)

    add_tasks(1)
    url = f"/api/data/persons/{artist.person.pk}/time-spents/month/2025/3"
    few = count_queries(admin_client, url)
    add_tasks(5)
    assert count_queries(admin_client, url) == few


def test_person_month_all(artist, task):
    log(task, artist.person)
    log(task, artist.person, date="2025-04-01")
    assert len(artist.get(f"/api/data/persons/{artist.person.pk}/time-spents/month/all/2025/3").json()) == 1


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_person_month_all_of_another(make_client, artist, role):
    url = f"/api/data/persons/{artist.person.pk}/time-spents/month/all/2025/3"
    assert make_client(role).get(url).status_code == 403


# ---- studio time tables -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, unit",
    [
        ("day-table/2025/3", "11"),
        ("week-table/2025", "11"),
        ("month-table/2025", "3"),
        ("year-table/", "2025"),
    ],
)
def test_studio_table(admin_client, artist, task, path, unit):
    log(task, artist.person, duration=30)
    body = admin_client.get(f"/api/data/persons/time-spents/{path}").json()
    assert body == {unit: {str(artist.person.pk): 30}}


def test_studio_table_sums_days(admin_client, artist, task):
    log(task, artist.person, duration=30)
    log(task, artist.person, date="2025-03-12", duration=20)
    body = admin_client.get("/api/data/persons/time-spents/month-table/2025").json()
    assert body["3"][str(artist.person.pk)] == 50


def test_studio_table_artist_sees_own_time(member, artist, task):
    other = member("user")
    assign(task, other.person)
    log(task, artist.person)
    log(task, other.person)
    body = artist.get("/api/data/persons/time-spents/day-table/2025/3").json()
    assert list(body["11"]) == [str(artist.person.pk)]


def test_studio_table_manager_sees_team_projects(member, artist, task):
    log(task, artist.person, duration=30)
    log(factories.TaskFactory(), artist.person, duration=20)
    body = member("manager").get("/api/data/persons/time-spents/year-table/").json()
    assert body["2025"][str(artist.person.pk)] == 30


def test_studio_table_supervisor_other_department(member):
    supervisor = member("supervisor")
    supervisor.person.departments.add(factories.DepartmentFactory())
    params = {"department_id": str(factories.DepartmentFactory().pk)}
    response = supervisor.get("/api/data/persons/time-spents/year-table/", params)
    assert "department_id" in response.json()["message"]


def test_studio_table_bad_project_id(admin_client):
    response = admin_client.get("/api/data/persons/time-spents/year-table/", {"project_id": "nope"})
    assert "project_id" in response.json()["message"]


def test_studio_table_bad_month(admin_client):
    assert admin_client.get("/api/data/persons/time-spents/day-table/2025/13").status_code == 404


def test_studio_table_without_token(api_client):
    assert api_client.get("/api/data/persons/time-spents/year-table/").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_studio_table_every_role(make_client, role):
    assert make_client(role).get("/api/data/persons/time-spents/week-table/2025").status_code == 200


def test_studio_table_queries_constant(admin_client, project):
    def add_people(count):
        for _ in range(count):
            log(factories.TaskFactory(project=project), factories.PersonFactory())

    add_people(1)
    few = count_queries(admin_client, "/api/data/persons/time-spents/day-table/2025/3")
    add_people(5)
    assert count_queries(admin_client, "/api/data/persons/time-spents/day-table/2025/3") == few


# ---- day offs of a person -------------------------------------------------------------------


@pytest.fixture
def day_off(artist):
    return factories.DayOffFactory(
        person=artist.person, date=datetime.date(2025, 4, 7), end_date=datetime.date(2025, 4, 9)
    )


@pytest.mark.parametrize("suffix", ["", "/year/2025", "/month/2025/4", "/week/2025/15"])
def test_person_day_offs(artist, day_off, suffix):
    body = artist.get(f"/api/data/persons/{artist.person.pk}/day-offs{suffix}").json()
    assert [row["id"] for row in body] == [str(day_off.pk)]


@pytest.mark.parametrize("suffix", ["/year/2024", "/month/2025/5", "/week/2025/16"])
def test_person_day_offs_other_period(artist, day_off, suffix):
    assert artist.get(f"/api/data/persons/{artist.person.pk}/day-offs{suffix}").json() == []


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_person_day_offs_of_another(make_client, artist, day_off, role):
    assert make_client(role).get(f"/api/data/persons/{artist.person.pk}/day-offs").status_code == 403


def test_person_day_offs_admin(admin_client, artist, day_off):
    assert len(admin_client.get(f"/api/data/persons/{artist.person.pk}/day-offs").json()) == 1


def test_person_day_offs_unknown(admin_client):
    assert admin_client.get(f"/api/data/persons/{uuid.uuid4()}/day-offs").status_code == 404


def test_person_day_offs_bad_week(admin_client, artist):
    assert admin_client.get(f"/api/data/persons/{artist.person.pk}/day-offs/week/2025/60").status_code == 404


def test_person_day_offs_without_token(api_client, artist):
    assert api_client.get(f"/api/data/persons/{artist.person.pk}/day-offs").status_code == 401


def test_person_day_offs_queries_constant(admin_client, artist):
    factories.DayOffFactory(person=artist.person)
    few = count_queries(admin_client, f"/api/data/persons/{artist.person.pk}/day-offs")
    for _ in range(5):
        factories.DayOffFactory(person=artist.person)
    assert count_queries(admin_client, f"/api/data/persons/{artist.person.pk}/day-offs") == few


def test_person_date_day_off(artist, day_off):
    body = artist.get(f"/api/data/persons/{artist.person.pk}/day-offs/2025-04-08").json()
    assert body["id"] == str(day_off.pk)


def test_person_date_day_off_none(artist, day_off):
    assert artist.get(f"/api/data/persons/{artist.person.pk}/day-offs/2025-04-10").json() == {}


def test_person_date_day_off_supervisor(make_client, artist, day_off):
    body = make_client("supervisor").get(f"/api/data/persons/{artist.person.pk}/day-offs/2025-04-08").json()
    assert body["id"] == str(day_off.pk)


def test_person_date_day_off_artist_of_another(make_client, artist, day_off):
    assert make_client("user").get(f"/api/data/persons/{artist.person.pk}/day-offs/2025-04-08").json() == []


def test_person_date_day_off_bad_date(artist):
    assert artist.get(f"/api/data/persons/{artist.person.pk}/day-offs/someday").status_code == 404


def test_month_day_offs_admin(admin_client, day_off):
    factories.DayOffFactory(date=datetime.date(2025, 4, 20), end_date=datetime.date(2025, 4, 20))
    assert len(admin_client.get("/api/data/persons/day-offs/2025/4").json()) == 2


def test_month_day_offs_own_only(artist, day_off):
    factories.DayOffFactory(date=datetime.date(2025, 4, 20), end_date=datetime.date(2025, 4, 20))
    assert [row["id"] for row in artist.get("/api/data/persons/day-offs/2025/4").json()] == [str(day_off.pk)]


def test_month_day_offs_spanning_months(admin_client):
    factories.DayOffFactory(date=datetime.date(2025, 3, 30), end_date=datetime.date(2025, 4, 2))
    assert len(admin_client.get("/api/data/persons/day-offs/2025/4").json()) == 1


def test_month_day_offs_bad_month(admin_client):
    assert admin_client.get("/api/data/persons/day-offs/2025/0").status_code == 404


def test_month_day_offs_queries_constant(admin_client):
    factories.DayOffFactory(date=datetime.date(2025, 4, 1), end_date=datetime.date(2025, 4, 1))
    few = count_queries(admin_client, "/api/data/persons/day-offs/2025/4")
    for day in range(2, 8):
        factories.DayOffFactory(date=datetime.date(2025, 4, day), end_date=datetime.date(2025, 4, day))
    assert count_queries(admin_client, "/api/data/persons/day-offs/2025/4") == few


# ---- the caller's own time --------------------------------------------------------------------


def test_user_time_spents(artist, task):
    log(task, artist.person)
    log(task, factories.PersonFactory())
    assert len(artist.get("/api/data/user/time-spents").json()) == 1


def test_user_time_spents_range(artist, task):
    log(task, artist.person)
    params = {"start_date": "2025-04-01", "end_date": "2025-04-30"}
    assert artist.get("/api/data/user/time-spents", params).json() == []


def test_user_time_spents_half_range(artist):
    assert artist.get("/api/data/user/time-spents", {"end_date": "2025-04-30"}).status_code == 400


def test_user_time_spents_without_token(api_client):
    assert api_client.get("/api/data/user/time-spents").status_code == 401


def test_user_date_time_spents(artist, task):
    log(task, artist.person)
    assert len(artist.get(f"/api/data/user/time-spents/{DAY}").json()) == 1


def test_user_date_time_spents_bad_date(artist):
    assert artist.get("/api/data/user/time-spents/today").status_code == 400


def test_user_task_time_spent(artist, task):
    row = log(task, artist.person)
    assert artist.get(f"/api/data/user/tasks/{task.pk}/time-spents/{DAY}").json()["id"] == str(row.pk)


def test_user_task_time_spent_none(artist, task):
    assert artist.get(f"/api/data/user/tasks/{task.pk}/time-spents/{DAY}").json() is None


def test_user_task_time_spent_malformed_task(artist):
    assert artist.get(f"/api/data/user/tasks/nope/time-spents/{DAY}").status_code == 400


def test_user_day_off(artist, day_off):
    assert artist.get("/api/data/user/day-offs/2025-04-09").json()["id"] == str(day_off.pk)


def test_user_day_off_none(artist):
    assert artist.get("/api/data/user/day-offs/2025-04-09").json() == {}


def test_user_day_off_without_token(api_client):
    assert api_client.get("/api/data/user/day-offs/2025-04-09").status_code == 401


# ---- entity and project time spents ---------------------------------------------------------------


def test_entity_time_spents(member, artist, task):
    log(task, artist.person)
    assert len(member("supervisor").get(f"/api/data/entities/{task.entity_id}/time-spents").json()) == 1


def test_entity_time_spents_outsider(make_client, task):
    assert make_client("user").get(f"/api/data/entities/{task.entity_id}/time-spents").status_code == 403


def test_entity_time_spents_unknown(admin_client):
    assert admin_client.get(f"/api/data/entities/{uuid.uuid4()}/time-spents").status_code == 404


def test_project_time_spents(admin_client, artist, task):
    log(task, artist.person)
    log(factories.TaskFactory(), artist.person)
    assert len(admin_client.get(f"/api/data/projects/{task.project_id}/time-spents").json()) == 1


def test_project_time_spents_outsider(make_client, task):
    assert make_client("manager").get(f"/api/data/projects/{task.project_id}/time-spents").status_code == 403


def test_project_time_spents_queries_constant(admin_client, project):
    log(factories.TaskFactory(project=project), factories.PersonFactory())
    few = count_queries(admin_client, f"/api/data/projects/{project.pk}/time-spents")
    for _ in range(5):
        log(factories.TaskFactory(project=project), factories.PersonFactory())
    assert count_queries(admin_client, f"/api/data/projects/{project.pk}/time-spents") == few


# ---- quotas ----------------------------------------------------------------------------------------


def finish(task, when="2025-03-12T15:00:00"):
    task.end_date = datetime.datetime.fromisoformat(when).replace(tzinfo=datetime.UTC)
    task.done_date = task.end_date
    task.save()


@pytest.fixture
def finished_shot(artist, shot_task):
    """The shot task, assigned to the artist who logged 60 minutes on it, finished on 2025-03-12."""
    assign(shot_task, artist.person)
    log(shot_task, artist.person, duration=60)
    Task.objects.filter(pk=shot_task.pk).update(duration=60)
    shot_task.refresh_from_db()
    finish(shot_task)
    return shot_task


def quota_url(person, suffix="month/2025/3"):
    return f"/api/data/persons/{person.pk}/quota-shots/{suffix}"


def test_quota_shots_weighted(artist, finished_shot):
    body = artist.get(quota_url(artist.person), {"count_mode": "weighted"}).json()
    assert [(row["full_name"], row["weight"]) for row in body] == [("E01 / SQ01 / SH010", 1.0)]


def test_quota_shots_weighted_share(artist, finished_shot):
    Task.objects.filter(pk=finished_shot.pk).update(duration=240)
    body = artist.get(quota_url(artist.person, "day/2025/3/11")).json()
    assert body[0]["weight"] == 0.25


def test_quota_shots_of_others_left_out(artist, finished_shot):
    other = factories.PersonFactory()
    assign(finished_shot, other)
    log(finished_shot, other, date="2025-03-05")
    assert artist.get(quota_url(artist.person, "day/2025/3/5")).json() == []


def test_quota_shots_unfinished_task(artist, finished_shot):
    Task.objects.filter(pk=finished_shot.pk).update(end_date=None)
    assert artist.get(quota_url(artist.person, "week/2025/11")).json() == []


def test_quota_shots_without_logged_time(artist, shot_task):
    assign(shot_task, artist.person)
    shot_task.real_start_date = timezone.make_aware(datetime.datetime(2025, 3, 10, 9))
    finish(shot_task, "2025-03-11T15:00:00")
    body = artist.get(quota_url(artist.person, "day/2025/3/10")).json()
    assert body[0]["weight"] == 0.5


def test_quota_shots_raw_feedback(artist, finished_shot):
    body = artist.get(quota_url(artist.person, "day/2025/3/12"), {"count_mode": "feedback"}).json()
    assert body[0]["weight"] == 1


def test_quota_shots_raw_in_studio_time_zone(artist, finished_shot, settings):
    # 23:30 UTC on the 12th is already the 13th in Paris.
    settings.KITSU_DEFAULT_TIMEZONE = "Europe/Paris"
    finish(finished_shot, "2025-03-12T23:30:00")
    assert artist.get(quota_url(artist.person, "day/2025/3/13"), {"count_mode": "done"}).json() != []


def test_quota_shots_bad_count_mode(artist):
    response = artist.get(quota_url(artist.person), {"count_mode": "all"})
    assert "count_mode" in response.json()["message"]


def test_quota_shots_bad_month(artist):
    assert artist.get(quota_url(artist.person, "month/2025/13")).status_code == 404


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_quota_shots_of_another(make_client, artist, role):
    assert make_client(role).get(quota_url(artist.person)).status_code == 403


def test_quota_shots_team_manager_with_project(member, artist, project):
    response = member("manager").get(quota_url(artist.person), {"project_id": str(project.pk)})
    assert response.status_code == 200


def test_quota_shots_without_token(api_client, artist):
    assert api_client.get(quota_url(artist.person)).status_code == 401


def test_project_quotas_weighted(admin_client, artist, finished_shot):
    url = f"/api/data/projects/{finished_shot.project_id}/quotas/{finished_shot.task_type_id}"
    body = admin_client.get(url).json()
    assert body[str(artist.person.pk)]["day"]["frames"] == {"2025-03-11": 50}


def test_project_quotas_total(admin_client, artist, finished_shot):
    url = f"/api/data/projects/{finished_shot.project_id}/quotas/{finished_shot.task_type_id}"
    body = admin_client.get(url, {"count_mode": "done"}).json()
    assert body["total"]["month"]["count"] == {"2025-03": 1}


def test_project_quotas_seconds(admin_client, artist, finished_shot):
    url = f"/api/data/projects/{finished_shot.project_id}/quotas/{finished_shot.task_type_id}"
    body = admin_client.get(url, {"count_mode": "feedback"}).json()
    assert body["total"]["year"]["seconds"] == {"2025": 2.0}


def test_project_quotas_of_a_person(admin_client, artist, finished_shot):
    url = f"/api/data/projects/{finished_shot.project_id}/quotas/persons/{artist.person.pk}"
    body = admin_client.get(url).json()
    assert set(body) == {str(finished_shot.task_type_id), "total"}


def test_project_quotas_unknown_task_type(admin_client, project):
    assert admin_client.get(f"/api/data/projects/{project.pk}/quotas/{uuid.uuid4()}").status_code == 404


def test_project_quotas_bad_count_mode(admin_client, shot_task):
    url = f"/api/data/projects/{shot_task.project_id}/quotas/{shot_task.task_type_id}"
    assert admin_client.get(url, {"count_mode": "x"}).status_code == 400


@pytest.mark.parametrize(
    "role, status", [("manager", 200), ("supervisor", 200), ("user", 200), ("client", 403), ("vendor", 403)]
)
def test_project_quotas_roles(member, shot_task, role, status):
    url = f"/api/data/projects/{shot_task.project_id}/quotas/{shot_task.task_type_id}"
    assert member(role).get(url).status_code == status


def test_project_quotas_outsider(make_client, shot_task):
    url = f"/api/data/projects/{shot_task.project_id}/quotas/{shot_task.task_type_id}"
    assert make_client("manager").get(url).status_code == 403


def test_project_quotas_without_token(api_client, shot_task):
    url = f"/api/data/projects/{shot_task.project_id}/quotas/{shot_task.task_type_id}"
    assert api_client.get(url).status_code == 401


def test_project_quotas_queries_constant(admin_client, shot_task):
    def add_shots(count):
        for _ in range(count):
            task = factories.TaskFactory(
                project=shot_task.project,
                entity=factories.EntityFactory(project=shot_task.project, entity_type=shot_task.entity.entity_type),
                task_type=shot_task.task_type,
                duration=60,
            )
            person = factories.PersonFactory()
            assign(task, person)
            log(task, person)
            finish(task)

    add_shots(1)
    url = f"/api/data/projects/{shot_task.project_id}/quotas/{shot_task.task_type_id}"
    few = count_queries(admin_client, url)
    add_shots(5)
    assert count_queries(admin_client, url) == few


def test_quota_shots_queries_constant(artist, shot_task):
    def add_shots(count):
        for _ in range(count):
            task = factories.TaskFactory(
                project=shot_task.project,
                entity=factories.EntityFactory(project=shot_task.project, entity_type=shot_task.entity.entity_type),
                task_type=shot_task.task_type,
                duration=60,
            )
            assign(task, artist.person)
            log(task, artist.person)
            finish(task)

    add_shots(1)
    few = count_queries(artist, quota_url(artist.person))
    add_shots(5)
    assert count_queries(artist, quota_url(artist.person)) == few
