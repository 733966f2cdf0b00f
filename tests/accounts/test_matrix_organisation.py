"""Route matrix of /data/departments, /data/studios, /data/organisations and /data/salary-scales.

It adds what tests/test_data_routes.py and the person action tests leave out: every role on every
route, anonymous callers, malformed ids, missing fields and wrong types. The hardware-item and
software-license routes of departments are tested elsewhere.
"""

import pytest

from accounts.models import Department, Organisation, SalaryScale, Studio
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMINS = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"

# Collection path -> (factory, body of a valid create, body of a valid update).
COLLECTIONS = {
    "departments": (factories.DepartmentFactory, {"name": "Compositing", "color": "#112233"}, {"color": "#445566"}),
    "studios": (factories.StudioFactory, {"name": "East Studio", "color": "#112233"}, {"color": "#445566"}),
    "organisations": (factories.OrganisationFactory, {"name": "Other Org"}, {"hours_by_day": 6}),
}
NAMES = list(COLLECTIONS)


def url(path, row_id=None):
    return f"/api/data/{path}" + (f"/{row_id}" if row_id else "")


def make_row(path):
    return COLLECTIONS[path][0]()


def model_of(path):
    return COLLECTIONS[path][0]._meta.model


# ---- departments, studios, organisations: roles ----------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", NAMES)
def test_list_by_role(make_client, path, role):
    row = make_row(path)
    response = make_client(role).get(url(path))
    assert response.status_code == 200
    assert str(row.pk) in {item["id"] for item in response.json()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", NAMES)
def test_get_one_by_role(make_client, path, role):
    row = make_row(path)
    response = make_client(role).get(url(path, row.pk))
    assert response.status_code == 200
    assert response.json()["id"] == str(row.pk)


@pytest.mark.parametrize("path", NAMES)
def test_get_one_anonymous(api_client, path):
    row = make_row(path)
    assert api_client.get(url(path, row.pk)).status_code == 401


@pytest.mark.parametrize("role", NON_ADMINS)
@pytest.mark.parametrize("path", NAMES)
def test_update_rejected_for_role(make_client, path, role):
    row = make_row(path)
    update = COLLECTIONS[path][2]
    response = make_client(role).put(url(path, row.pk), update, format="json")
    assert response.status_code == 403
    assert "message" in response.json()


@pytest.mark.parametrize("path", NAMES)
def test_update_rejected_changes_nothing(make_client, path):
    row = make_row(path)
    make_client("manager").put(url(path, row.pk), {"name": "Renamed"}, format="json")
    row.refresh_from_db()
    assert row.name != "Renamed"


@pytest.mark.parametrize("path", NAMES)
def test_update_anonymous(api_client, path):
    row = make_row(path)
    assert api_client.put(url(path, row.pk), COLLECTIONS[path][2], format="json").status_code == 401


@pytest.mark.parametrize("path", NAMES)
def test_delete_rejected_for_manager(make_client, path):
    row = make_row(path)
    assert make_client("manager").delete(url(path, row.pk)).status_code == 403
    assert model_of(path).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("path", NAMES)
def test_delete_anonymous(api_client, path):
    row = make_row(path)
    assert api_client.delete(url(path, row.pk)).status_code == 401
    assert model_of(path).objects.filter(pk=row.pk).exists()


# ---- departments, studios, organisations: ids and input ---------------------------------


@pytest.mark.parametrize("path", NAMES)
def test_update_malformed_id(admin_client, path):
    response = admin_client.put(url(path, "not-a-uuid"), COLLECTIONS[path][2], format="json")
    assert response.status_code == 400
    assert "not-a-uuid" in response.json()["message"]


@pytest.mark.parametrize("path", NAMES)
def test_delete_malformed_id(admin_client, path):
    response = admin_client.delete(url(path, "not-a-uuid"))
    assert response.status_code == 400
    assert "not-a-uuid" in response.json()["message"]


@pytest.mark.parametrize("path", NAMES)
def test_create_missing_name(admin_client, path):
    body = {key: value for key, value in COLLECTIONS[path][1].items() if key != "name"}
    before = model_of(path).objects.count()
    response = admin_client.post(url(path), body, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]
    assert model_of(path).objects.count() == before


@pytest.mark.parametrize("path", NAMES)
def test_create_duplicate_name(admin_client, path):
    row = make_row(path)
    body = {**COLLECTIONS[path][1], "name": row.name}
    response = admin_client.post(url(path), body, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


@pytest.mark.parametrize("path", NAMES)
def test_update_to_duplicate_name(admin_client, path):
    first, second = make_row(path), make_row(path)
    response = admin_client.put(url(path, second.pk), {"name": first.name}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


@pytest.mark.parametrize("path", NAMES)
def test_update_name_to_null(admin_client, path):
    row = make_row(path)
    response = admin_client.put(url(path, row.pk), {"name": None}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


@pytest.mark.parametrize(
    "path, field, value",
    [
        ("departments", "archived", "maybe"),
        ("departments", "color", "#1234567890"),
        ("studios", "archived", "maybe"),
        ("studios", "name", ["a", "list"]),
        ("organisations", "hours_by_day", "many"),
        ("organisations", "use_original_file_name", "maybe"),
        ("organisations", "timesheets_locked", {"on": True}),
    ],
)
def test_update_wrong_type(admin_client, path, field, value):
    row = make_row(path)
    response = admin_client.put(url(path, row.pk), {field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


@pytest.mark.parametrize("path", ["departments", "studios"])
def test_create_without_colour(admin_client, path):
    response = admin_client.post(url(path), {"name": "No Colour"}, format="json")
    assert response.status_code == 201
    assert response.json()["color"] == ""


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_organisation_row_hides_secrets(make_client, role):
    organisation = factories.OrganisationFactory(chat_token_slack="xoxb-secret", chat_token_discord="discord")
    body = make_client(role).get(url("organisations", organisation.pk)).json()
    assert "chat_token_slack" not in body
    assert "chat_token_discord" not in body
    assert "chat_webhook_mattermost" not in body


def test_organisation_row_admin_reads_secrets(admin_client):
    organisation = factories.OrganisationFactory(chat_token_slack="xoxb-secret")
    body = admin_client.get(url("organisations", organisation.pk)).json()
    assert body["chat_token_slack"] == "xoxb-secret"


def test_organisation_secret_filter_rejected(make_client):
    factories.OrganisationFactory(chat_token_slack="xoxb-secret")
    response = make_client("user").get(url("organisations"), {"chat_token_slack": "xoxb-secret"})
    assert response.status_code == 400
    assert "chat_token_slack" in response.json()["message"]


def test_organisation_hours_as_text_number(admin_client):
    organisation = factories.OrganisationFactory()
    response = admin_client.put(url("organisations", organisation.pk), {"hours_by_day": "7.5"}, format="json")
    assert response.status_code == 200
    assert response.json()["hours_by_day"] == 7.5


def test_department_delete_keeps_persons(admin_client):
    department = factories.DepartmentFactory()
    person = factories.PersonFactory()
    person.departments.add(department)
    assert admin_client.delete(url("departments", department.pk)).status_code == 204
    assert not Department.objects.filter(pk=department.pk).exists()
    assert person.departments.count() == 0


def test_studio_delete_keeps_persons(admin_client):
    studio = factories.StudioFactory()
    person = factories.PersonFactory(studio=studio)
    assert admin_client.delete(url("studios", studio.pk)).status_code == 204
    person.refresh_from_db()
    assert person.studio_id is None
    assert not Studio.objects.filter(pk=studio.pk).exists()


def test_organisation_update_by_admin(admin_client):
    organisation = factories.OrganisationFactory()
    response = admin_client.put(url("organisations", organisation.pk), {"timesheets_locked": True}, format="json")
    assert response.status_code == 200
    assert Organisation.objects.get(pk=organisation.pk).timesheets_locked is True


# ---- salary scales ---------------------------------------------------------------------


def scale_url(row_id=None):
    return url("salary-scales", row_id)


@pytest.mark.parametrize("role", NON_ADMINS)
def test_salary_scale_create_rejected(make_client, role):
    department = factories.DepartmentFactory()
    response = make_client(role).post(scale_url(), {"department_id": str(department.pk)}, format="json")
    assert response.status_code == 403
    assert not SalaryScale.objects.exists()


def test_salary_scale_create_anonymous(api_client):
    assert api_client.post(scale_url(), {}, format="json").status_code == 401


def test_salary_scale_create_names_field(admin_client):
    department = factories.DepartmentFactory()
    response = admin_client.post(scale_url(), {"department_id": str(department.pk)}, format="json")
    assert "department_id" in response.json()["message"]


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_salary_scale_get_one_rejected(make_client, role):
    scale = factories.SalaryScaleFactory()
    assert make_client(role).get(scale_url(scale.pk)).status_code == 403


def test_salary_scale_get_one_anonymous(api_client):
    scale = factories.SalaryScaleFactory()
    assert api_client.get(scale_url(scale.pk)).status_code == 401


def test_salary_scale_get_malformed_id(admin_client):
    response = admin_client.get(scale_url("not-a-uuid"))
    assert response.status_code == 400
    assert "not-a-uuid" in response.json()["message"]


def test_salary_scale_update_unknown(admin_client):
    assert admin_client.put(scale_url(UNKNOWN), {"salary": 10}, format="json").status_code == 404


def test_salary_scale_update_malformed_id(admin_client):
    assert admin_client.put(scale_url("not-a-uuid"), {"salary": 10}, format="json").status_code == 400


def test_salary_scale_update_anonymous(api_client):
    scale = factories.SalaryScaleFactory()
    assert api_client.put(scale_url(scale.pk), {"salary": 10}, format="json").status_code == 401


@pytest.mark.parametrize("value", ["abc", None, 1.5, True, [300]])
def test_salary_scale_update_wrong_type(admin_client, value):
    scale = factories.SalaryScaleFactory()
    response = admin_client.put(scale_url(scale.pk), {"salary": value}, format="json")
    assert response.status_code == 400
    assert "salary" in response.json()["message"]
    scale.refresh_from_db()
    assert scale.salary == 300


def test_salary_scale_update_keeps_department(admin_client):
    scale = factories.SalaryScaleFactory()
    other = factories.DepartmentFactory()
    admin_client.put(scale_url(scale.pk), {"department_id": str(other.pk)}, format="json")
    scale.refresh_from_db()
    assert scale.department_id != other.pk


@pytest.mark.parametrize("role", NON_ADMINS)
def test_salary_scale_delete_rejected(make_client, role):
    scale = factories.SalaryScaleFactory()
    assert make_client(role).delete(scale_url(scale.pk)).status_code == 403
    assert SalaryScale.objects.filter(pk=scale.pk).exists()


def test_salary_scale_delete_anonymous(api_client):
    scale = factories.SalaryScaleFactory()
    assert api_client.delete(scale_url(scale.pk)).status_code == 401


def test_salary_scale_delete_unknown(admin_client):
    assert admin_client.delete(scale_url(UNKNOWN)).status_code == 404


def test_salary_scale_delete_malformed_id(admin_client):
    assert admin_client.delete(scale_url("not-a-uuid")).status_code == 400
