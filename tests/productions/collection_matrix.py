"""Cases every generic /data collection of a route matrix shares: list, create, read, update and delete
for admins, the other roles and anonymous callers, with bad input and unknown ids.

A test module imports these test functions and defines a `collection` fixture that yields
its `Collection` rows, so each case runs once per collection of that module.
"""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from productions.models import ProjectPersonLink
from tests.conftest import ROLES

UNKNOWN = "00000000-0000-4000-8000-000000000000"
NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]


@dataclass
class Collection:
    """One generic collection, the roles that list it and the bodies that exercise it."""

    path: str
    model: type
    make_row: object  # () -> a saved row
    create_body: object  # () -> a valid body for POST
    missing_field: str | None  # a required key, left out of a POST (None when every key is optional)
    bad_field: str  # a key that gets a value of the wrong type or an unknown id
    bad_value: object
    update_body: dict
    list_roles: frozenset = frozenset({"admin"})  # the roles that may list it

    def url(self, row_id=None):
        return f"/api/data/{self.path}" + (f"/{row_id}" if row_id else "")


def message_of(response):
    return str(response.json()["message"])


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


def test_list_admin(admin_client, collection):
    row = collection.make_row()
    response = admin_client.get(collection.url())
    assert response.status_code == 200
    assert str(row.pk) in [item["id"] for item in response.json()]


def test_list_anonymous(api_client, collection):
    assert api_client.get(collection.url()).status_code == 401


def test_create_admin(admin_client, collection):
    response = admin_client.post(collection.url(), collection.create_body(), format="json")
    assert response.status_code == 201, response.json()
    assert collection.model.objects.filter(pk=response.json()["id"]).exists()


def test_create_bad_value(admin_client, collection):
    body = {**collection.create_body(), collection.bad_field: collection.bad_value}
    before = collection.model.objects.count()
    response = admin_client.post(collection.url(), body, format="json")
    assert response.status_code == 400
    assert collection.bad_field in message_of(response)
    assert collection.model.objects.count() == before


def test_create_unknown_field(admin_client, collection):
    body = {**collection.create_body(), "no_such_column": 1}
    response = admin_client.post(collection.url(), body, format="json")
    assert response.status_code == 400
    assert "no_such_column" in message_of(response)


def test_create_malformed_json(admin_client, collection):
    response = admin_client.post(collection.url(), data="{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_create_refused(make_client, collection, role):
    before = collection.model.objects.count()
    response = make_client(role).post(collection.url(), collection.create_body(), format="json")
    assert response.status_code == 403
    assert collection.model.objects.count() == before


def test_create_anonymous(api_client, collection):
    assert api_client.post(collection.url(), collection.create_body(), format="json").status_code == 401


def test_get_admin(admin_client, collection):
    row = collection.make_row()
    response = admin_client.get(collection.url(row.pk))
    assert response.status_code == 200
    assert response.json()["id"] == str(row.pk)


def test_get_malformed(admin_client, collection):
    assert admin_client.get(collection.url("not-a-uuid")).status_code == 400


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_get_refused(make_client, collection, role):
    row = collection.make_row()
    assert make_client(role).get(collection.url(row.pk)).status_code == 403


def test_get_anonymous(api_client, collection):
    row = collection.make_row()
    assert api_client.get(collection.url(row.pk)).status_code == 401


def test_update_admin(admin_client, collection):
    row = collection.make_row()
    response = admin_client.put(collection.url(row.pk), collection.update_body, format="json")
    assert response.status_code == 200, response.json()
    for key, value in collection.update_body.items():
        assert response.json()[key] == value


def test_update_bad_value(admin_client, collection):
    row = collection.make_row()
    response = admin_client.put(collection.url(row.pk), {collection.bad_field: collection.bad_value}, format="json")
    assert response.status_code == 400
    assert collection.bad_field in message_of(response)


def test_update_unknown(admin_client, collection):
    assert admin_client.put(collection.url(UNKNOWN), collection.update_body, format="json").status_code == 404


def test_update_malformed(admin_client, collection):
    assert admin_client.put(collection.url("not-a-uuid"), collection.update_body, format="json").status_code == 400


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_update_refused(make_client, collection, role):
    row = collection.make_row()
    response = make_client(role).put(collection.url(row.pk), collection.update_body, format="json")
    assert response.status_code == 403


def test_update_anonymous(api_client, collection):
    row = collection.make_row()
    assert api_client.put(collection.url(row.pk), collection.update_body, format="json").status_code == 401


def test_delete_admin(admin_client, collection):
    row = collection.make_row()
    assert admin_client.delete(collection.url(row.pk)).status_code == 204
    assert not collection.model.objects.filter(pk=row.pk).exists()


def test_delete_unknown(admin_client, collection):
    assert admin_client.delete(collection.url(UNKNOWN)).status_code == 404


def test_delete_malformed(admin_client, collection):
    assert admin_client.delete(collection.url("not-a-uuid")).status_code == 400


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_delete_refused(make_client, collection, role):
    row = collection.make_row()
    assert make_client(role).delete(collection.url(row.pk)).status_code == 403
    assert collection.model.objects.filter(pk=row.pk).exists()


def test_delete_anonymous(api_client, collection):
    row = collection.make_row()
    assert api_client.delete(collection.url(row.pk)).status_code == 401
    assert collection.model.objects.filter(pk=row.pk).exists()


def test_list_queries_constant(admin_client, collection):
    collection.make_row()
    with CaptureQueriesContext(connection) as few:
        admin_client.get(collection.url(), {"relations": "true"})
    for _ in range(4):
        collection.make_row()
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(collection.url(), {"relations": "true"})
    assert len(response.json()) == 5
    assert len(many) == len(few)
