"""Project budgets and their entries: /data/projects/{project_id}/budgets..."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from productions.models import ApiEvent, Budget, BudgetEntry, ProjectPersonLink
from productions.services import budgets as budget_services
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-4000-8000-000000000000"
NOT_MANAGER_ROLES = ("supervisor", "user", "client", "vendor")


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def budget(project):
    return factories.BudgetFactory(project=project, revision=1)


@pytest.fixture
def entry(budget):
    return factories.BudgetEntryFactory(budget=budget)


@pytest.fixture
def department():
    return factories.DepartmentFactory()


@pytest.fixture
def member(make_client, project):
    def factory(role):
        client = make_client(role)
        ProjectPersonLink.objects.get_or_create(project=project, person=client.person)
        return client

    return factory


def budgets_url(project_id, budget_id=None):
    return f"/api/data/projects/{project_id}/budgets" + (f"/{budget_id}" if budget_id else "")


def entries_url(budget, entry_id=None):
    return budgets_url(budget.project_id, budget.pk) + "/entries" + (f"/{entry_id}" if entry_id else "")


def entry_body(department, **changes):
    body = {
        "department_id": str(department.pk),
        "start_date": "2025-01-01",
        "months_duration": 3,
        "daily_salary": 300,
        "position": "artist",
        "seniority": "mid",
    }
    body.update(changes)
    return body


# ---- GET/POST /data/projects/{id}/budgets ---------------------------------------------------


def test_budgets_list(admin_client, project, budget):
    second = factories.BudgetFactory(project=project, revision=2)
    factories.BudgetFactory()
    rows = admin_client.get(budgets_url(project.pk)).json()
    assert [row["id"] for row in rows] == [str(budget.pk), str(second.pk)]


def test_budgets_list_shape(admin_client, project, budget):
    row = admin_client.get(budgets_url(project.pk)).json()[0]
    assert set(row) == {"id", "project_id", "revision", "name", "currency"}


def test_budgets_list_queries(admin_client, project, budget):
    with CaptureQueriesContext(connection) as few:
        admin_client.get(budgets_url(project.pk))
    for revision in range(2, 6):
        factories.BudgetFactory(project=project, revision=revision)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(budgets_url(project.pk))
    assert len(many) == len(few)


def test_budget_create(django_capture_on_commit_callbacks, admin_client, project):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(budgets_url(project.pk), {"name": "Main", "currency": "EUR"}, format="json")
    assert response.status_code == 200
    assert response.json()["revision"] == 1
    assert response.json()["currency"] == "EUR"
    assert ApiEvent.objects.get(name="budget:create").data["budget_id"] == response.json()["id"]


def test_budget_create_next_revision(admin_client, project, budget):
    factories.BudgetFactory(project=project, revision=4)
    response = admin_client.post(budgets_url(project.pk), {"name": "Next"}, format="json")
    assert response.json()["revision"] == 5


def test_budget_create_default_currency(admin_client, project):
    assert admin_client.post(budgets_url(project.pk), {"name": "Main"}, format="json").json()["currency"] == "USD"


@pytest.mark.parametrize(
    "body,field",
    [({}, "name"), ({"name": ""}, "name"), ({"name": 3}, "name"), ({"name": "B", "currency": "EURO"}, "currency")],
)
def test_budget_create_bad_input(admin_client, project, body, field):
    response = admin_client.post(budgets_url(project.pk), body, format="json")
    assert response.status_code == 400
    assert field in str(response.json()["message"])
    assert not Budget.objects.exists()


def test_budget_create_unknown_project(admin_client):
    assert admin_client.post(budgets_url(UNKNOWN), {"name": "B"}, format="json").status_code == 404


def test_budget_create_malformed_project(admin_client):
    assert admin_client.post(budgets_url("nope"), {"name": "B"}, format="json").status_code == 400


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_budgets_manager_roles(member, project, role):
    client = member(role)
    assert client.get(budgets_url(project.pk)).status_code == 200
    assert client.post(budgets_url(project.pk), {"name": "B"}, format="json").status_code == 200


@pytest.mark.parametrize("role", NOT_MANAGER_ROLES)
def test_budgets_other_roles(member, project, role):
    client = member(role)
    assert client.get(budgets_url(project.pk)).status_code == 403
    assert client.post(budgets_url(project.pk), {"name": "B"}, format="json").status_code == 403


def test_budgets_manager_outside_team(make_client, project):
    assert make_client("manager").get(budgets_url(project.pk)).status_code == 403


def test_budgets_without_token(api_client, project):
    assert api_client.get(budgets_url(project.pk)).status_code == 401


def test_budget_revisions_under_concurrency(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers on its own")
    project = factories.ProjectFactory()
    barrier = threading.Barrier(4)
    errors = []

    def create(index):
        try:
            barrier.wait()
            budget_services.budget_create(project=project, name=f"B{index}", currency="EUR")
        except Exception as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Budget.objects.filter(project=project).values_list("revision", flat=True)) == [1, 2, 3, 4]


# ---- GET/PUT/DELETE /data/projects/{id}/budgets/{budget_id} ------------------------------------


def test_budget_read(admin_client, budget):
    row = admin_client.get(budgets_url(budget.project_id, budget.pk)).json()
    assert row["id"] == str(budget.pk)
    assert row["type"] == "Budget"


def test_budget_of_other_project(admin_client, budget):
    other = factories.ProjectFactory()
    assert admin_client.get(budgets_url(other.pk, budget.pk)).status_code == 404


def test_budget_unknown(admin_client, project):
    assert admin_client.get(budgets_url(project.pk, UNKNOWN)).status_code == 404


def test_budget_malformed(admin_client, project):
    assert admin_client.get(budgets_url(project.pk, "nope")).status_code == 400


def test_budget_update(django_capture_on_commit_callbacks, admin_client, budget):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.put(budgets_url(budget.project_id, budget.pk), {"name": "v2"}, format="json")
    assert response.json()["name"] == "v2"
    assert response.json()["currency"] == "EUR"
    assert response.json()["revision"] == 1
    assert ApiEvent.objects.filter(name="budget:update").count() == 1


@pytest.mark.parametrize("body,field", [({"name": ""}, "name"), ({"currency": 12}, "currency")])
def test_budget_update_bad_input(admin_client, budget, body, field):
    response = admin_client.put(budgets_url(budget.project_id, budget.pk), body, format="json")
    assert response.status_code == 400
    assert field in str(response.json()["message"])


def test_budget_delete_with_entries(django_capture_on_commit_callbacks, admin_client, entry):
    budget = entry.budget
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.delete(budgets_url(budget.project_id, budget.pk))
    assert response.status_code == 204
    assert not Budget.objects.exists()
    assert not BudgetEntry.objects.exists()
    assert ApiEvent.objects.get(name="budget:delete").data["budget_id"] == str(budget.pk)


@pytest.mark.parametrize("role", NOT_MANAGER_ROLES)
def test_budget_other_roles(member, budget, role):
    client = member(role)
    url = budgets_url(budget.project_id, budget.pk)
    assert client.get(url).status_code == 403
    assert client.put(url, {"name": "x"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert Budget.objects.filter(pk=budget.pk).exists()


def test_budget_manager_writes(member, budget):
    client = member("manager")
    url = budgets_url(budget.project_id, budget.pk)
    assert client.put(url, {"name": "x"}, format="json").status_code == 200
    assert client.delete(url).status_code == 204


def test_budget_without_token(api_client, budget):
    assert api_client.get(budgets_url(budget.project_id, budget.pk)).status_code == 401


# ---- GET/POST .../budgets/{budget_id}/entries ---------------------------------------------


def test_entries_list(admin_client, budget, entry):
    factories.BudgetEntryFactory()
    rows = admin_client.get(entries_url(budget)).json()
    assert [row["id"] for row in rows] == [str(entry.pk)]
    assert rows[0]["exceptions"] == {}
    assert "type" not in rows[0]


def test_entries_list_queries(admin_client, budget, entry):
    with CaptureQueriesContext(connection) as few:
        admin_client.get(entries_url(budget))
    factories.BudgetEntryFactory.create_batch(4, budget=budget)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(entries_url(budget))
    assert len(many) == len(few)


def test_entry_create(django_capture_on_commit_callbacks, admin_client, budget, department):
    person = factories.PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            entries_url(budget), entry_body(department, person_id=str(person.pk)), format="json"
        )
    row = response.json()
    assert response.status_code == 200
    assert row["person_id"] == str(person.pk)
    assert row["daily_salary"] == 300
    assert row["start_date"] == "2025-01-01"
    assert row["exceptions"] == {}
    assert ApiEvent.objects.get(name="budget-entry:create").data["budget_entry_id"] == row["id"]


def test_entry_create_defaults(admin_client, budget, department):
    body = entry_body(department)
    del body["position"], body["seniority"]
    row = admin_client.post(entries_url(budget), body, format="json").json()
    assert row["position"] == "artist"
    assert row["seniority"] == "mid"
    assert row["person_id"] is None


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"department_id": None}, "department_id"),
        ({"department_id": UNKNOWN}, "department_id"),
        ({"department_id": "nope"}, "department_id"),
        ({"person_id": UNKNOWN}, "person_id"),
        ({"start_date": None}, "start_date"),
        ({"start_date": "2025-13-01"}, "start_date"),
        ({"start_date": "soon"}, "start_date"),
        ({"start_date": "2025-01-01junk"}, "start_date"),
        ({"start_date": 20250101}, "start_date"),
        ({"months_duration": None}, "months_duration"),
        ({"months_duration": 0}, "months_duration"),
        ({"months_duration": 1.5}, "months_duration"),
        ({"daily_salary": None}, "daily_salary"),
        ({"daily_salary": -1}, "daily_salary"),
        ({"daily_salary": "much"}, "daily_salary"),
        ({"daily_salary": True}, "daily_salary"),
        ({"position": "boss"}, "position"),
        ({"seniority": "ancient"}, "seniority"),
    ],
)
def test_entry_create_bad_input(admin_client, budget, department, changes, field):
    body = {key: value for key, value in entry_body(department, **changes).items() if value is not None}
    response = admin_client.post(entries_url(budget), body, format="json")
    assert response.status_code == 400
    assert field in str(response.json()["message"])
    assert not BudgetEntry.objects.exists()


def test_entry_create_unknown_budget(admin_client, project, department):
    url = f"{budgets_url(project.pk, UNKNOWN)}/entries"
    assert admin_client.post(url, entry_body(department), format="json").status_code == 404


def test_entry_create_malformed_budget(admin_client, project, department):
    url = f"{budgets_url(project.pk, 'nope')}/entries"
    assert admin_client.post(url, entry_body(department), format="json").status_code == 400


@pytest.mark.parametrize("role", NOT_MANAGER_ROLES)
def test_entries_other_roles(member, budget, department, role):
    client = member(role)
    assert client.get(entries_url(budget)).status_code == 403
    assert client.post(entries_url(budget), entry_body(department), format="json").status_code == 403


def test_entries_manager(member, budget, department):
    client = member("manager")
    assert client.post(entries_url(budget), entry_body(department), format="json").status_code == 200
    assert len(client.get(entries_url(budget)).json()) == 1


def test_entries_without_token(api_client, budget):
    assert api_client.get(entries_url(budget)).status_code == 401


# ---- GET/PUT/DELETE .../entries/{entry_id} ------------------------------------------------------


def test_entry_read(admin_client, entry):
    row = admin_client.get(entries_url(entry.budget, entry.pk)).json()
    assert row["id"] == str(entry.pk)
    assert row["type"] == "BudgetEntry"


def test_entry_of_other_budget(admin_client, entry):
    other = factories.BudgetFactory(project=entry.budget.project, revision=2)
    assert admin_client.get(entries_url(other, entry.pk)).status_code == 404


def test_entry_unknown(admin_client, budget):
    assert admin_client.get(entries_url(budget, UNKNOWN)).status_code == 404


def test_entry_malformed(admin_client, budget):
    assert admin_client.get(entries_url(budget, "nope")).status_code == 400


def test_entry_update(django_capture_on_commit_callbacks, admin_client, entry):
    body = {"months_duration": 4, "daily_salary": 320, "seniority": "senior"}
    with django_capture_on_commit_callbacks(execute=True):
        row = admin_client.put(entries_url(entry.budget, entry.pk), body, format="json").json()
    assert row["months_duration"] == 4
    assert row["daily_salary"] == 320
    assert row["seniority"] == "senior"
    assert row["department_id"] == str(entry.department_id)
    assert ApiEvent.objects.filter(name="budget-entry:update").count() == 1


def test_entry_update_exceptions(admin_client, entry):
    body = {"exceptions": {"2026-01": 1000, "2026-02": 0, "2026-03": None}}
    row = admin_client.put(entries_url(entry.budget, entry.pk), body, format="json").json()
    assert row["exceptions"] == {"2026-01": 1000}


def test_entry_create_datetime_start(admin_client, budget, department):
    body = entry_body(department, start_date="2025-02-01T00:00:00")
    assert admin_client.post(entries_url(budget), body, format="json").json()["start_date"] == "2025-02-01"


def test_entry_update_clears_person(admin_client, entry):
    entry.person = factories.PersonFactory()
    entry.save()
    row = admin_client.put(entries_url(entry.budget, entry.pk), {"person_id": None}, format="json").json()
    assert row["person_id"] is None


@pytest.mark.parametrize(
    "body,field",
    [
        ({"months_duration": 0}, "months_duration"),
        ({"daily_salary": -5}, "daily_salary"),
        ({"start_date": "2025-02-30"}, "start_date"),
        ({"department_id": UNKNOWN}, "department_id"),
        ({"exceptions": [1]}, "exceptions"),
        ({"exceptions": {"2026-01": "a lot"}}, "exceptions"),
        ({"exceptions": {"2026-01": -10}}, "exceptions"),
        ({"exceptions": {"2026-01": 1e20}}, "exceptions"),
    ],
)
def test_entry_update_bad_input(admin_client, entry, body, field):
    response = admin_client.put(entries_url(entry.budget, entry.pk), body, format="json")
    assert response.status_code == 400
    assert field in str(response.json()["message"])
    entry.refresh_from_db()
    assert entry.months_duration == 3


def test_entry_delete(django_capture_on_commit_callbacks, admin_client, entry):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.delete(entries_url(entry.budget, entry.pk))
    assert response.status_code == 204
    assert not BudgetEntry.objects.exists()
    assert ApiEvent.objects.get(name="budget-entry:delete").data["budget_entry_id"] == str(entry.pk)


@pytest.mark.parametrize("role", NOT_MANAGER_ROLES)
def test_entry_other_roles(member, entry, role):
    client = member(role)
    url = entries_url(entry.budget, entry.pk)
    assert client.get(url).status_code == 403
    assert client.put(url, {"months_duration": 5}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert BudgetEntry.objects.filter(pk=entry.pk).exists()


def test_entry_manager_writes(member, entry):
    client = member("manager")
    url = entries_url(entry.budget, entry.pk)
    assert client.put(url, {"months_duration": 5}, format="json").status_code == 200
    assert client.delete(url).status_code == 204


def test_entry_without_token(api_client, entry):
    assert api_client.get(entries_url(entry.budget, entry.pk)).status_code == 401


# ---- GET /data/projects/{id}/budgets/time-spents --------------------------------------------


def time_url(project_id):
    return f"/api/data/projects/{project_id}/budgets/time-spents"


def test_time_spents_by_month(admin_client, project, department):
    task = factories.TaskFactory(project=project, task_type=factories.TaskTypeFactory(department=department))
    person = factories.PersonFactory()
    other_task = factories.TaskFactory(project=project, task_type=task.task_type, entity=task.entity, name="second")
    factories.TimeSpentFactory(task=task, person=person, date=datetime.date(2025, 3, 1), duration=60)
    factories.TimeSpentFactory(task=other_task, person=person, date=datetime.date(2025, 3, 31), duration=30)
    factories.TimeSpentFactory(task=task, person=person, date=datetime.date(2025, 4, 2), duration=15)
    body = admin_client.get(time_url(project.pk)).json()
    assert body == {str(department.pk): {"total": 105, str(person.pk): {"total": 105, "2025-03": 90, "2025-04": 15}}}


def test_time_spents_skip_other_projects(admin_client, project, department):
    task = factories.TaskFactory(task_type=factories.TaskTypeFactory(department=department))
    factories.TimeSpentFactory(task=task, person=factories.PersonFactory(), date=datetime.date(2025, 3, 1), duration=60)
    assert admin_client.get(time_url(project.pk)).json() == {}


def test_time_spents_unknown_project(admin_client):
    assert admin_client.get(time_url(UNKNOWN)).status_code == 404


@pytest.mark.parametrize("role", [role for role in ROLES if role != "admin"])
def test_time_spents_admin_only(member, project, role):
    assert member(role).get(time_url(project.pk)).status_code == 403
