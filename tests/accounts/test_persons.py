"""The /data/persons routes: public view for non-admins, own-row edits, safe deletes."""

import pytest

from accounts.models import Person
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC_KEYS = {
    "id",
    "type",
    "first_name",
    "last_name",
    "full_name",
    "has_avatar",
    "active",
    "departments",
    "studio_id",
    "role",
    "desktop_login",
    "is_bot",
}


def test_admin_list_hides_secrets(admin_client):
    factories.PersonFactory(totp_secret="SECRET")
    rows = admin_client.get("/api/data/persons").json()
    for key in ("password", "totp_secret", "email_otp_secret", "otp_recovery_codes", "fido_credentials"):
        assert all(key not in row for row in rows)
    assert all("email" in row for row in rows)


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_list_public_view_for_role(make_client, role):
    factories.PersonFactory()
    rows = make_client(role).get("/api/data/persons").json()
    assert len(rows) >= 2
    assert all(set(row) == PUBLIC_KEYS for row in rows)


def test_manager_reads_full_row(make_client):
    person = factories.PersonFactory()
    body = make_client("manager").get(f"/api/data/persons/{person.pk}").json()
    assert body["email"] == person.email


def test_artist_reads_public_row(make_client):
    person = factories.PersonFactory()
    body = make_client("user").get(f"/api/data/persons/{person.pk}").json()
    assert set(body) == PUBLIC_KEYS


def test_hidden_column_filter_refused(make_client):
    response = make_client("user").get("/api/data/persons", {"email": "someone@example.com"})
    assert response.status_code == 400
    assert "email" in response.json()["message"]


def test_create_hashes_password(admin_client):
    body = {"first_name": "Ada", "last_name": "L", "email": "Ada@Example.com", "password": "Long-Password-1"}
    response = admin_client.post("/api/data/persons", body, format="json")
    assert response.status_code == 201
    assert "password" not in response.json()
    person = Person.objects.get(pk=response.json()["id"])
    assert person.email == "ada@example.com"
    assert person.check_password("Long-Password-1")


def test_create_duplicate_email_is_400(admin_client):
    factories.PersonFactory(email="dup@example.com")
    body = {"first_name": "A", "last_name": "B", "email": "DUP@example.com"}
    response = admin_client.post("/api/data/persons", body, format="json")
    assert response.status_code == 400
    assert "email" in response.json()["message"]


@pytest.mark.parametrize("field,value", [("timezone", "Mars/Base"), ("locale", "zz-bad"), ("role", "emperor")])
def test_create_bad_value_writes_nothing(admin_client, field, value):
    body = {"first_name": "A", "last_name": "B", "email": "new@example.com", field: value}
    response = admin_client.post("/api/data/persons", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]
    assert not Person.objects.filter(email="new@example.com").exists()


def test_create_short_password_is_400(admin_client):
    body = {"first_name": "A", "last_name": "B", "email": "short@example.com", "password": "abc"}
    response = admin_client.post("/api/data/persons", body, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["message"]


def test_artist_updates_own_row(make_client):
    client = make_client("user")
    response = client.put(f"/api/data/persons/{client.person.pk}", {"phone": "123", "role": "admin"}, format="json")
    assert response.status_code == 200
    client.person.refresh_from_db()
    assert client.person.phone == "123"
    assert client.person.role == "user"


def test_artist_cannot_update_other(make_client):
    other = factories.PersonFactory()
    response = make_client("user").put(f"/api/data/persons/{other.pk}", {"phone": "1"}, format="json")
    assert response.status_code == 403


def test_admin_cannot_delete_self(admin_client):
    assert admin_client.delete(f"/api/data/persons/{admin_client.person.pk}").status_code == 403


def test_linked_person_needs_force(admin_client):
    person = factories.PersonFactory()
    factories.LoginLogFactory(person=person)
    url = f"/api/data/persons/{person.pk}"
    response = admin_client.delete(url)
    assert response.status_code == 400
    assert "force" in response.json()["message"]
    assert admin_client.delete(url, QUERY_STRING="force=true").status_code == 204


def test_person_relations_list_departments(admin_client):
    person = factories.PersonFactory()
    department = factories.DepartmentFactory()
    person.departments.add(department)
    body = admin_client.get(f"/api/data/persons/{person.pk}").json()
    assert body["departments"] == [str(department.pk)]


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_organisation_secrets_hidden(make_client, role):
    factories.OrganisationFactory(chat_token_slack="xoxb-secret")
    rows = make_client(role).get("/api/data/organisations").json()
    assert all("chat_token_slack" not in row for row in rows)


def test_create_with_null_password(admin_client):
    body = {"first_name": "No", "last_name": "Login", "email": "nologin@example.com", "password": None}
    response = admin_client.post("/api/data/persons", body, format="json")
    assert response.status_code == 201
    assert not Person.objects.get(email="nologin@example.com").has_usable_password()


def test_department_with_blank_colour(admin_client):
    response = admin_client.post("/api/data/departments", {"name": "Pipeline", "color": ""}, format="json")
    assert response.status_code == 201


def test_admin_sets_departments(admin_client):
    person = factories.PersonFactory()
    department = factories.DepartmentFactory()
    body = {"departments": [str(department.pk)]}
    response = admin_client.put(f"/api/data/persons/{person.pk}", body, format="json")
    assert response.json()["departments"] == [str(department.pk)]


def test_artist_cannot_set_own_departments(make_client):
    client = make_client("user")
    department = factories.DepartmentFactory()
    body = {"departments": [str(department.pk)]}
    client.put(f"/api/data/persons/{client.person.pk}", body, format="json")
    assert not client.person.departments.exists()


def test_user_limit_blocks_new_active_person(admin_client, settings):
    settings.KITSU_USER_LIMIT = Person.objects.filter(active=True, is_bot=False).count()
    body = {"first_name": "One", "last_name": "Too Many", "email": "toomany@example.com"}
    response = admin_client.post("/api/data/persons", body, format="json")
    assert response.status_code == 400
    assert "active" in response.json()["message"]


def test_user_limit_allows_inactive_person(admin_client, settings):
    settings.KITSU_USER_LIMIT = Person.objects.filter(active=True, is_bot=False).count()
    body = {"first_name": "Off", "last_name": "Duty", "email": "offduty@example.com", "active": False}
    assert admin_client.post("/api/data/persons", body, format="json").status_code == 201


def test_user_limit_blocks_reactivation(admin_client, settings):
    person = factories.PersonFactory(active=False)
    settings.KITSU_USER_LIMIT = Person.objects.filter(active=True, is_bot=False).count()
    response = admin_client.put(f"/api/data/persons/{person.pk}", {"active": True}, format="json")
    assert response.status_code == 400


def test_user_limit_ignores_edits_of_inactive(admin_client, settings):
    person = factories.PersonFactory(active=False)
    settings.KITSU_USER_LIMIT = Person.objects.filter(active=True, is_bot=False).count()
    response = admin_client.put(f"/api/data/persons/{person.pk}", {"phone": "42"}, format="json")
    assert response.status_code == 200
