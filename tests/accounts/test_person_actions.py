"""The /actions/persons routes, the person extras of /data/persons and /data/salary-scales."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import DesktopLoginLog, Person, SalaryScale
from accounts.tokens import issue_tokens
from productions.models import TaskPersonLink
from tests import factories
from tests.conftest import ROLES, client_for

pytestmark = pytest.mark.django_db

NON_ADMINS = [role for role in ROLES if role != "admin"]
NEW_PASSWORD = "Brand-New-Pass-77"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def person():
    return factories.PersonFactory()


@pytest.fixture
def department():
    return factories.DepartmentFactory()


def reload(row):
    row.refresh_from_db()
    return row


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


# ---- change-password ---------------------------------------------------------


def change_password(client, person, **body):
    body.setdefault("password", NEW_PASSWORD)
    body.setdefault("password_2", body["password"])
    return client.post(f"/api/actions/persons/{person.pk}/change-password", body)


def test_change_password_by_admin(admin_client, person):
    response = change_password(admin_client, person)
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert reload(person).check_password(NEW_PASSWORD)


def test_change_password_as_form(admin_client, person):
    response = admin_client.post(
        f"/api/actions/persons/{person.pk}/change-password",
        {"password": NEW_PASSWORD, "password_2": NEW_PASSWORD},
        format="multipart",
    )
    assert response.status_code == 200


def test_change_password_mails_the_person(admin_client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change_password(admin_client, person)
    assert [message.to for message in mail.outbox] == [[person.email]]


def test_change_password_revokes_tokens(admin_client, person):
    client = client_for(person)
    change_password(admin_client, person)
    assert client.get("/api/auth/authenticated").status_code == 401


def test_change_password_own_keeps_current_token(make_client):
    client = make_client("user")
    other = client_for(client.person)
    response = change_password(client, client.person, old_password=factories.PASSWORD)
    assert response.status_code == 200
    assert client.get("/api/auth/authenticated").status_code == 200
    assert other.get("/api/auth/authenticated").status_code == 401


def test_change_password_revokes_only_that_person(admin_client, person):
    change_password(admin_client, person)
    assert admin_client.get("/api/auth/authenticated").status_code == 200


def test_change_password_revokes_refresh_tokens(admin_client, person):
    issue_tokens(person)
    change_password(admin_client, person)
    outstanding = OutstandingToken.objects.filter(user=person).count()
    assert BlacklistedToken.objects.filter(token__user=person).count() == outstanding


@pytest.mark.parametrize("role", NON_ADMINS)
def test_change_password_own_needs_old(make_client, role):
    client = make_client(role)
    response = change_password(client, client.person)
    assert response.status_code == 400
    assert "old_password" in response.json()["message"]


def test_change_password_own_wrong_old(make_client):
    client = make_client("user")
    response = change_password(client, client.person, old_password="not-the-password")
    assert response.status_code == 400
    assert reload(client.person).check_password(factories.PASSWORD)


@pytest.mark.parametrize("role", NON_ADMINS)
def test_change_password_own_allowed(make_client, role):
    client = make_client(role)
    response = change_password(client, client.person, old_password=factories.PASSWORD)
    assert response.status_code == 200


@pytest.mark.parametrize("role", NON_ADMINS)
def test_change_password_of_other_refused(make_client, person, role):
    response = change_password(make_client(role), person)
    assert response.status_code == 403
    assert reload(person).check_password(factories.PASSWORD)


def test_change_password_mismatch(admin_client, person):
    response = change_password(admin_client, person, password_2="Another-Pass-88")
    assert response.status_code == 400
    assert response.json()["message"] == "Confirmation password doesn't match."


def test_change_password_mismatch_changes_nothing(admin_client, person):
    change_password(admin_client, person, password_2="Another-Pass-88")
    assert reload(person).check_password(factories.PASSWORD)


def test_change_password_too_short(admin_client, person):
    response = change_password(admin_client, person, password="abc")
    assert response.status_code == 400
    assert response.json()["message"] == "Password is too short."


def test_change_password_missing(admin_client, person):
    response = admin_client.post(f"/api/actions/persons/{person.pk}/change-password", {"password_2": "x"})
    assert response.status_code == 400
    assert "password" in response.json()["message"]


def test_change_password_not_text(admin_client, person):
    response = change_password(admin_client, person, password=12345678, password_2=12345678)
    assert response.status_code == 400


def test_change_password_bot(admin_client):
    bot = factories.PersonFactory(is_bot=True)
    assert change_password(admin_client, bot).status_code == 403


def test_change_password_unknown(admin_client):
    response = admin_client.post(f"/api/actions/persons/{UNKNOWN}/change-password", {})
    assert response.status_code == 404


def test_change_password_malformed_id(admin_client):
    assert admin_client.post("/api/actions/persons/nope/change-password", {}).status_code == 400


def test_change_password_anonymous(api_client, person):
    assert change_password(api_client, person).status_code == 401


# ---- departments -------------------------------------------------------------


def add_department(client, person, department_id):
    return client.post(f"/api/actions/persons/{person.pk}/departments/add", {"department_id": str(department_id)})


def test_department_add(admin_client, person, department):
    response = add_department(admin_client, person, department.pk)
    assert response.status_code == 201
    assert response.json()["departments"] == [str(department.pk)]


def test_department_add_hides_password(admin_client, person, department):
    assert "password" not in add_department(admin_client, person, department.pk).json()


def test_department_add_twice(admin_client, person, department):
    add_department(admin_client, person, department.pk)
    assert add_department(admin_client, person, department.pk).status_code == 201
    assert person.departments.count() == 1


def test_department_add_unknown_department(admin_client, person):
    response = add_department(admin_client, person, UNKNOWN)
    assert response.status_code == 400
    assert "department_id" in response.json()["message"]


def test_department_add_malformed_department(admin_client, person):
    assert add_department(admin_client, person, "nope").status_code == 400


def test_department_add_missing(admin_client, person):
    response = admin_client.post(f"/api/actions/persons/{person.pk}/departments/add", {})
    assert response.status_code == 400


def test_department_add_unknown_person(admin_client, department):
    response = admin_client.post(f"/api/actions/persons/{UNKNOWN}/departments/add", {"department_id": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("role", NON_ADMINS)
def test_department_add_refused(make_client, person, department, role):
    assert add_department(make_client(role), person, department.pk).status_code == 403
    assert person.departments.count() == 0


def test_department_add_anonymous(api_client, person, department):
    assert add_department(api_client, person, department.pk).status_code == 401


def test_department_remove(admin_client, person, department):
    person.departments.add(department)
    response = admin_client.delete(f"/api/actions/persons/{person.pk}/departments/{department.pk}")
    assert response.status_code == 204
    assert person.departments.count() == 0


def test_department_remove_unknown_department(admin_client, person):
    response = admin_client.delete(f"/api/actions/persons/{person.pk}/departments/{UNKNOWN}")
    assert response.status_code == 404


def test_department_remove_malformed_department(admin_client, person):
    assert admin_client.delete(f"/api/actions/persons/{person.pk}/departments/nope").status_code == 400


def test_department_remove_unknown_person(admin_client, department):
    response = admin_client.delete(f"/api/actions/persons/{UNKNOWN}/departments/{department.pk}")
    assert response.status_code == 404


@pytest.mark.parametrize("role", NON_ADMINS)
def test_department_remove_refused(make_client, person, department, role):
    person.departments.add(department)
    response = make_client(role).delete(f"/api/actions/persons/{person.pk}/departments/{department.pk}")
    assert response.status_code == 403
    assert person.departments.count() == 1


def test_department_remove_anonymous(api_client, person, department):
    assert api_client.delete(f"/api/actions/persons/{person.pk}/departments/{department.pk}").status_code == 401


# ---- two-factor authentication -----------------------------------------------


def disable_2fa(client, person_id):
    return client.delete(f"/api/actions/persons/{person_id}/disable-two-factor-authentication")


def test_disable_2fa(admin_client):
    person = factories.PersonFactory(totp_enabled=True, totp_secret="S" * 32, otp_recovery_codes=["a"])
    assert disable_2fa(admin_client, person.pk).json() == {"success": True}
    reload(person)
    assert (person.totp_enabled, person.totp_secret, person.otp_recovery_codes) == (False, None, None)


def test_disable_2fa_fido(admin_client):
    person = factories.PersonFactory(fido_enabled=True, fido_credentials=[{"device_name": "key"}])
    assert disable_2fa(admin_client, person.pk).status_code == 200
    assert reload(person).fido_credentials is None


def test_disable_2fa_none_set(admin_client, person):
    response = disable_2fa(admin_client, person.pk)
    assert response.status_code == 400
    assert "not enabled" in response.json()["message"]


def test_disable_2fa_bot(admin_client):
    assert disable_2fa(admin_client, factories.PersonFactory(is_bot=True).pk).status_code == 403


def test_disable_2fa_unknown(admin_client):
    assert disable_2fa(admin_client, UNKNOWN).status_code == 404


def test_disable_2fa_malformed(admin_client):
    assert disable_2fa(admin_client, "nope").status_code == 400


@pytest.mark.parametrize("role", NON_ADMINS)
def test_disable_2fa_refused(make_client, role):
    person = factories.PersonFactory(email_otp_enabled=True)
    assert disable_2fa(make_client(role), person.pk).status_code == 403
    assert reload(person).email_otp_enabled


def test_disable_2fa_anonymous(api_client, person):
    assert disable_2fa(api_client, person.pk).status_code == 401


# ---- avatar ------------------------------------------------------------------


def test_clear_avatar(admin_client):
    person = factories.PersonFactory(has_avatar=True)
    assert admin_client.delete(f"/api/actions/persons/{person.pk}/clear-avatar").status_code == 204
    assert not reload(person).has_avatar


def test_clear_avatar_unknown(admin_client):
    assert admin_client.delete(f"/api/actions/persons/{UNKNOWN}/clear-avatar").status_code == 404


def test_clear_avatar_malformed(admin_client):
    assert admin_client.delete("/api/actions/persons/nope/clear-avatar").status_code == 400


@pytest.mark.parametrize("role", NON_ADMINS)
def test_clear_avatar_refused(make_client, role):
    person = factories.PersonFactory(has_avatar=True)
    assert make_client(role).delete(f"/api/actions/persons/{person.pk}/clear-avatar").status_code == 403
    assert reload(person).has_avatar


def test_clear_avatar_anonymous(api_client, person):
    assert api_client.delete(f"/api/actions/persons/{person.pk}/clear-avatar").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_clear_own_avatar(make_client, role):
    client = make_client(role)
    client.person.has_avatar = True
    client.person.save(update_fields=["has_avatar"])
    assert client.delete("/api/actions/user/clear-avatar").status_code == 204
    assert not reload(client.person).has_avatar


def test_clear_own_avatar_anonymous(api_client):
    assert api_client.delete("/api/actions/user/clear-avatar").status_code == 401


# ---- invite ------------------------------------------------------------------


def test_invite(admin_client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.get(f"/api/actions/persons/{person.pk}/invite")
    assert response.json() == {"success": True, "message": "Email sent"}
    assert mail.outbox[0].to == [person.email]


def test_invite_mail_has_link(admin_client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.get(f"/api/actions/persons/{person.pk}/invite")
    assert "/reset-change-password?" in mail.outbox[0].body


def test_invite_without_email(admin_client):
    person = factories.PersonFactory(email=None)
    response = admin_client.get(f"/api/actions/persons/{person.pk}/invite")
    assert response.status_code == 400
    assert "email" in response.json()["message"]


def test_invite_bot(admin_client):
    bot = factories.PersonFactory(is_bot=True)
    assert admin_client.get(f"/api/actions/persons/{bot.pk}/invite").status_code == 403


def test_invite_unknown(admin_client):
    assert admin_client.get(f"/api/actions/persons/{UNKNOWN}/invite").status_code == 404


@pytest.mark.parametrize("role", NON_ADMINS)
def test_invite_refused(make_client, person, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = make_client(role).get(f"/api/actions/persons/{person.pk}/invite")
    assert response.status_code == 403
    assert mail.outbox == []


def test_invite_anonymous(api_client, person):
    assert api_client.get(f"/api/actions/persons/{person.pk}/invite").status_code == 401


# ---- desktop login logs ------------------------------------------------------


def logs_path(person_id):
    return f"/api/data/persons/{person_id}/desktop-login-logs"


def test_desktop_logs_list(admin_client, person):
    log = factories.DesktopLoginLogFactory(person=person)
    factories.DesktopLoginLogFactory()
    rows = admin_client.get(logs_path(person.pk)).json()
    assert [row["id"] for row in rows] == [str(log.pk)]


def test_desktop_logs_list_shape(admin_client, person):
    factories.DesktopLoginLogFactory(person=person)
    row = admin_client.get(logs_path(person.pk)).json()[0]
    assert (row["type"], row["person_id"]) == ("DesktopLoginLog", str(person.pk))


def test_desktop_logs_list_constant_queries(admin_client, person):
    factories.DesktopLoginLogFactory(person=person)
    few = count_queries(admin_client, logs_path(person.pk))
    factories.DesktopLoginLogFactory.create_batch(5, person=person)
    assert count_queries(admin_client, logs_path(person.pk)) == few


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_desktop_logs_list_staff(make_client, person, role):
    assert make_client(role).get(logs_path(person.pk)).status_code == 200


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_desktop_logs_list_refused(make_client, person, role):
    assert make_client(role).get(logs_path(person.pk)).status_code == 403


@pytest.mark.parametrize("role", NON_ADMINS)
def test_desktop_logs_list_own(make_client, role):
    client = make_client(role)
    assert client.get(logs_path(client.person.pk)).status_code == 200


def test_desktop_logs_list_unknown(admin_client):
    assert admin_client.get(logs_path(UNKNOWN)).status_code == 404


def test_desktop_logs_list_malformed(admin_client):
    assert admin_client.get(logs_path("nope")).status_code == 400


def test_desktop_logs_list_anonymous(api_client, person):
    assert api_client.get(logs_path(person.pk)).status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_own_desktop_logs(make_client, role):
    client = make_client(role)
    created = client.post("/api/data/user/desktop-login-logs", {"date": "2025-03-04T09:00:00"})
    assert created.status_code == 201
    assert created.json()["person_id"] == str(client.person.pk)
    rows = client.get("/api/data/user/desktop-login-logs").json()
    assert [row["date"] for row in rows] == ["2025-03-04T09:00:00"]


def test_own_desktop_logs_only_mine(make_client, person):
    factories.DesktopLoginLogFactory(person=person)
    assert make_client("user").get("/api/data/user/desktop-login-logs").json() == []


def test_own_desktop_log_bad_date(make_client):
    response = make_client("user").post("/api/data/user/desktop-login-logs", {"date": "soon"})
    assert response.status_code == 400
    assert "date" in response.json()["message"]


def test_own_desktop_logs_anonymous(api_client):
    assert api_client.get("/api/data/user/desktop-login-logs").status_code == 401


def test_desktop_log_create(admin_client, person):
    response = admin_client.post(logs_path(person.pk), {"date": "2025-03-04T09:00:00"})
    assert response.status_code == 201
    assert response.json()["date"] == "2025-03-04T09:00:00"


def test_desktop_log_create_sets_last_presence(admin_client, person):
    admin_client.post(logs_path(person.pk), {"date": "2025-03-04T09:00:00"})
    assert reload(person).last_presence == datetime.date(2025, 3, 4)


def test_desktop_log_create_keeps_later_time_spent(admin_client, person):
    factories.TimeSpentFactory(person=person, date=datetime.date(2025, 3, 10))
    admin_client.post(logs_path(person.pk), {"date": "2025-03-04"})
    assert reload(person).last_presence == datetime.date(2025, 3, 10)


def test_desktop_log_create_only_moves_that_person(admin_client, person):
    other = factories.PersonFactory()
    admin_client.post(logs_path(person.pk), {"date": "2025-03-04"})
    assert reload(other).last_presence is None


def test_desktop_log_create_default_date(admin_client, person):
    assert admin_client.post(logs_path(person.pk), {}).status_code == 201
    assert reload(person).last_presence == datetime.datetime.now(datetime.UTC).date()


def test_desktop_log_create_bad_date(admin_client, person):
    response = admin_client.post(logs_path(person.pk), {"date": "2025-13-45"})
    assert response.status_code == 400
    assert "date" in response.json()["message"]


def test_desktop_log_create_bad_date_writes_nothing(admin_client, person):
    admin_client.post(logs_path(person.pk), {"date": "soon"})
    assert not DesktopLoginLog.objects.filter(person=person).exists()


@pytest.mark.parametrize("role", NON_ADMINS)
def test_desktop_log_create_own(make_client, role):
    client = make_client(role)
    assert client.post(logs_path(client.person.pk), {"date": "2025-03-04"}).status_code == 201


@pytest.mark.parametrize("role", NON_ADMINS)
def test_desktop_log_create_refused(make_client, person, role):
    assert make_client(role).post(logs_path(person.pk), {"date": "2025-03-04"}).status_code == 403


def test_desktop_log_create_unknown(admin_client):
    assert admin_client.post(logs_path(UNKNOWN), {}).status_code == 404


def test_desktop_log_create_anonymous(api_client, person):
    assert api_client.post(logs_path(person.pk), {}).status_code == 401


# ---- presence logs -----------------------------------------------------------


def presence_lines(client, month="2025-03"):
    response = client.get(f"/api/data/persons/presence-logs/{month}")
    assert response.status_code == 200
    return response.content.decode().splitlines()


def test_presence_logs_header(admin_client):
    assert presence_lines(admin_client)[0] == "2025;" + ";".join(str(day) for day in range(1, 32))


def test_presence_logs_content_type(admin_client):
    response = admin_client.get("/api/data/persons/presence-logs/2025-03")
    assert response["Content-Type"].startswith("text/csv")


def test_presence_logs_marks_days(admin_client, person):
    day = datetime.datetime(2025, 2, 3, 10, tzinfo=datetime.UTC)
    factories.DesktopLoginLogFactory(person=person, date=day)
    factories.DesktopLoginLogFactory(person=person, date=day.replace(month=3))
    line = next(line for line in presence_lines(admin_client, "2025-02") if line.startswith(person.full_name))
    assert line == f"{person.full_name};;;X" + ";" * 25


def test_presence_logs_skip_inactive(admin_client):
    person = factories.PersonFactory(active=False)
    assert not any(line.startswith(person.full_name) for line in presence_lines(admin_client))


def test_presence_logs_constant_queries(admin_client):
    factories.DesktopLoginLogFactory(date=datetime.datetime(2025, 3, 2, tzinfo=datetime.UTC))
    few = count_queries(admin_client, "/api/data/persons/presence-logs/2025-03")
    for person in factories.PersonFactory.create_batch(4):
        factories.DesktopLoginLogFactory(person=person, date=datetime.datetime(2025, 3, 5, tzinfo=datetime.UTC))
    assert count_queries(admin_client, "/api/data/persons/presence-logs/2025-03") == few


def test_presence_logs_bad_month(admin_client):
    response = admin_client.get("/api/data/persons/presence-logs/2025-13")
    assert response.status_code == 400
    assert "month_date" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMINS)
def test_presence_logs_refused(make_client, role):
    assert make_client(role).get("/api/data/persons/presence-logs/2025-03").status_code == 403


def test_presence_logs_anonymous(api_client):
    assert api_client.get("/api/data/persons/presence-logs/2025-03").status_code == 401


# ---- task dates --------------------------------------------------------------


def assigned_task(person, **fields):
    task = factories.TaskFactory(**fields)
    TaskPersonLink.objects.create(task=task, person=person)
    return task


def test_task_dates(admin_client, person):
    start = datetime.datetime(2025, 1, 6, tzinfo=datetime.UTC)
    assigned_task(person, start_date=start, due_date=start + datetime.timedelta(days=3))
    assigned_task(person, start_date=start + datetime.timedelta(days=1), due_date=start + datetime.timedelta(days=9))
    rows = admin_client.get("/api/data/persons/task-dates").json()
    assert rows == [{"person_id": str(person.pk), "min_date": "2025-01-06T00:00:00", "max_date": "2025-01-15T00:00:00"}]


def test_task_dates_skip_closed_projects(admin_client, person):
    assigned_task(person, project=factories.ClosedProjectFactory())
    assert admin_client.get("/api/data/persons/task-dates").json() == []


def test_task_dates_project_filter(admin_client, person):
    task = assigned_task(person)
    assigned_task(factories.PersonFactory())
    rows = admin_client.get("/api/data/persons/task-dates", {"project_id": str(task.project_id)}).json()
    assert [row["person_id"] for row in rows] == [str(person.pk)]


def test_task_dates_bad_project(admin_client):
    response = admin_client.get("/api/data/persons/task-dates", {"project_id": "nope"})
    assert response.status_code == 400


def test_task_dates_constant_queries(admin_client, person):
    assigned_task(person)
    few = count_queries(admin_client, "/api/data/persons/task-dates")
    for other in factories.PersonFactory.create_batch(4):
        assigned_task(other)
    assert count_queries(admin_client, "/api/data/persons/task-dates") == few


@pytest.mark.parametrize("role", NON_ADMINS)
def test_task_dates_refused(make_client, role):
    assert make_client(role).get("/api/data/persons/task-dates").status_code == 403


def test_task_dates_anonymous(api_client):
    assert api_client.get("/api/data/persons/task-dates").status_code == 401


# ---- related tasks -----------------------------------------------------------


def related_path(person_id, task_type_id):
    return f"/api/data/persons/{person_id}/related-tasks/{task_type_id}"


@pytest.fixture
def related(person):
    """A task of the person, and a task of another type on the same entity."""
    mine = assigned_task(person)
    other_type = factories.TaskTypeFactory()
    sibling = factories.TaskFactory(project=mine.project, entity=mine.entity, task_type=other_type)
    factories.TaskFactory(task_type=other_type)
    return sibling


def test_related_tasks(admin_client, person, related):
    rows = admin_client.get(related_path(person.pk, related.task_type_id)).json()
    assert [row["id"] for row in rows] == [str(related.pk)]


def test_related_tasks_constant_queries(admin_client, person, related):
    few = count_queries(admin_client, related_path(person.pk, related.task_type_id))
    for _ in range(3):
        mine = assigned_task(person, project=related.project)
        factories.TaskFactory(project=mine.project, entity=mine.entity, task_type=related.task_type)
    assert count_queries(admin_client, related_path(person.pk, related.task_type_id)) == few


@pytest.mark.parametrize("role", NON_ADMINS)
def test_related_tasks_own(make_client, role):
    client = make_client(role)
    task_type = factories.TaskTypeFactory()
    assert client.get(related_path(client.person.pk, task_type.pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMINS)
def test_related_tasks_refused(make_client, person, related, role):
    assert make_client(role).get(related_path(person.pk, related.task_type_id)).status_code == 403


def test_related_tasks_unknown_type(admin_client, person):
    assert admin_client.get(related_path(person.pk, UNKNOWN)).status_code == 404


def test_related_tasks_malformed_type(admin_client, person):
    assert admin_client.get(related_path(person.pk, "nope")).status_code == 400


def test_related_tasks_unknown_person(admin_client, related):
    assert admin_client.get(related_path(UNKNOWN, related.task_type_id)).status_code == 404


def test_related_tasks_anonymous(api_client, person, related):
    assert api_client.get(related_path(person.pk, related.task_type_id)).status_code == 401


# ---- salary scales -----------------------------------------------------------


def test_salary_scales_fill_the_grid(admin_client, department):
    rows = admin_client.get("/api/data/salary-scales").json()
    assert len([row for row in rows if row["department_id"] == str(department.pk)]) == 9


def test_salary_scales_grid_is_stable(admin_client, department):
    admin_client.get("/api/data/salary-scales")
    admin_client.get("/api/data/salary-scales")
    assert SalaryScale.objects.filter(department=department).count() == 9


def test_salary_scales_constant_queries(admin_client, department):
    admin_client.get("/api/data/salary-scales")
    few = count_queries(admin_client, "/api/data/salary-scales")
    factories.DepartmentFactory.create_batch(3)
    admin_client.get("/api/data/salary-scales")
    assert count_queries(admin_client, "/api/data/salary-scales") == few


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_salary_scales_read(make_client, role):
    scale = factories.SalaryScaleFactory()
    assert make_client(role).get(f"/api/data/salary-scales/{scale.pk}").json()["salary"] == 300


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_salary_scales_read_refused(make_client, role):
    assert make_client(role).get("/api/data/salary-scales").status_code == 403


def test_salary_scales_update(admin_client):
    scale = factories.SalaryScaleFactory()
    response = admin_client.put(f"/api/data/salary-scales/{scale.pk}", {"salary": 450}, format="json")
    assert response.json()["salary"] == 450


def test_salary_scales_update_keeps_grid_keys(admin_client):
    scale = factories.SalaryScaleFactory(position="lead")
    admin_client.put(f"/api/data/salary-scales/{scale.pk}", {"position": "artist"}, format="json")
    assert reload(scale).position == "lead"


def test_salary_scales_update_negative(admin_client):
    scale = factories.SalaryScaleFactory()
    response = admin_client.put(f"/api/data/salary-scales/{scale.pk}", {"salary": -1}, format="json")
    assert response.status_code == 400
    assert "salary" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMINS)
def test_salary_scales_update_refused(make_client, role):
    scale = factories.SalaryScaleFactory()
    response = make_client(role).put(f"/api/data/salary-scales/{scale.pk}", {"salary": 1}, format="json")
    assert response.status_code == 403


def test_salary_scales_create_refused(admin_client, department):
    response = admin_client.post("/api/data/salary-scales", {"department_id": str(department.pk)}, format="json")
    assert response.status_code == 400
    assert not SalaryScale.objects.exists()


def test_salary_scales_unknown(admin_client):
    assert admin_client.get(f"/api/data/salary-scales/{UNKNOWN}").status_code == 404


def test_salary_scales_delete(admin_client):
    scale = factories.SalaryScaleFactory()
    assert admin_client.delete(f"/api/data/salary-scales/{scale.pk}").status_code == 204


def test_salary_scales_anonymous(api_client):
    assert api_client.get("/api/data/salary-scales").status_code == 401


def test_person_rows_still_hide_secrets(admin_client, person, department):
    add_department(admin_client, person, department.pk)
    row = admin_client.get(f"/api/data/persons/{person.pk}").json()
    assert not {"password", "totp_secret"} & set(row)
    assert Person.objects.get(pk=person.pk).departments.count() == 1
