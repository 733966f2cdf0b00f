"""The generic /data/<collection> routes, run the same way on every collection."""

import uuid
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories


@dataclass
class Collection:
    path: str
    factory: type
    create_body: dict
    update_body: dict
    bad_body: dict
    bad_field: str
    kitsu_type: str
    extra_setup: dict = field(default_factory=dict)

    def url(self, row_id=None):
        return f"/api/data/{self.path}" + (f"/{row_id}" if row_id else "")


def project_body():
    return {"name": f"Film {uuid.uuid4().hex[:6]}", "production_type": "featurefilm"}


COLLECTIONS = [
    Collection(
        "departments",
        factories.DepartmentFactory,
        {"name": "Lighting Dept", "color": "#112233"},
        {"color": "#445566"},
        {"name": None, "color": "#000000"},
        "name",
        "Department",
    ),
    Collection(
        "studios",
        factories.StudioFactory,
        {"name": "North Studio", "color": "#112233"},
        {"archived": True},
        {"name": "x", "color": "#12345678"},
        "color",
        "Studio",
    ),
    Collection(
        "organisations",
        factories.OrganisationFactory,
        {"name": "Second Org"},
        {"hours_by_day": 7.5},
        {"name": "Org X", "hours_by_day": "many"},
        "hours_by_day",
        "Organisation",
    ),
    Collection(
        "project-status",
        factories.NamedProjectStatusFactory,
        {"name": "On Hold", "color": "#999999"},
        {"color": "#111111"},
        {"name": "Paused", "color": "#1111111111"},
        "color",
        "ProjectStatus",
    ),
    Collection(
        "entity-types",
        factories.EntityTypeFactory,
        {"name": "Vehicle"},
        {"short_name": "veh"},
        {"name": ""},
        "name",
        "EntityType",
    ),
    Collection(
        "task-types",
        factories.TaskTypeFactory,
        {"name": "Grooming", "for_entity": "Asset", "color": "#112233"},
        {"priority": 5},
        {"name": "Bad", "priority": "high"},
        "priority",
        "TaskType",
    ),
    Collection(
        "task-status",
        factories.TaskStatusFactory,
        {"name": "On Hold", "short_name": "hold", "color": "#000000"},
        {"is_wip": True},
        {"name": "Long", "short_name": "far-too-long-code", "color": "#000000"},
        "short_name",
        "TaskStatus",
    ),
    Collection(
        "persons",
        factories.PersonFactory,
        {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "role": "supervisor"},
        {"phone": "555"},
        {"first_name": "Bad", "last_name": "Role", "role": "emperor"},
        "role",
        "Person",
    ),
    Collection(
        "projects",
        factories.ClosedProjectFactory,
        {"name": "Big Film", "production_type": "featurefilm"},
        {"description": "A film"},
        {"name": "Odd", "production_style": "cubist"},
        "production_style",
        "Project",
    ),
]

IDS = [collection.path for collection in COLLECTIONS]


@pytest.fixture(params=COLLECTIONS, ids=IDS)
def collection(request, db):
    return request.param


def test_list_returns_bare_list(admin_client, collection):
    row = collection.factory()
    response = admin_client.get(collection.url())
    assert response.status_code == 200
    assert str(row.pk) in {item["id"] for item in response.json()}


def test_list_rows_carry_type(admin_client, collection):
    collection.factory()
    rows = admin_client.get(collection.url()).json()
    assert {item["type"] for item in rows} == {collection.kitsu_type}


def test_list_trailing_slash(admin_client, collection):
    collection.factory()
    assert admin_client.get(collection.url() + "/").status_code == 200


def test_list_paginated_shape(admin_client, collection):
    for _ in range(3):
        collection.factory()
    body = admin_client.get(collection.url(), {"page": 1, "limit": 2}).json()
    assert set(body) == {"data", "total", "nb_pages", "limit", "offset", "page"}
    assert len(body["data"]) == 2
    assert body["limit"] == 2
    assert body["offset"] == 0
    assert body["nb_pages"] == -(-body["total"] // 2)


def test_list_second_page_offset(admin_client, collection):
    for _ in range(3):
        collection.factory()
    body = admin_client.get(collection.url(), {"page": 2, "limit": 2}).json()
    assert body["offset"] == 2
    assert body["page"] == 2


def test_list_bad_page_is_400(admin_client, collection):
    response = admin_client.get(collection.url(), {"page": "one"})
    assert response.status_code == 400
    assert "page" in response.json()["message"]


def test_list_query_count_constant(admin_client, collection):
    collection.factory()
    with CaptureQueriesContext(connection) as few:
        admin_client.get(collection.url(), {"relations": "true"})
    for _ in range(8):
        collection.factory()
    with CaptureQueriesContext(connection) as many:
        admin_client.get(collection.url(), {"relations": "true"})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_list_unknown_filter_ignored(admin_client, collection):
    collection.factory()
    response = admin_client.get(collection.url(), {"no_such_column": "x"})
    assert response.status_code == 200
    assert len(response.json()) >= 1


def test_list_filter_by_id(admin_client, collection):
    row = collection.factory()
    collection.factory()
    rows = admin_client.get(collection.url(), {"id": str(row.pk)}).json()
    assert [item["id"] for item in rows] == [str(row.pk)]


def test_list_filter_json_list(admin_client, collection):
    first, second = collection.factory(), collection.factory()
    collection.factory()
    value = f'["{first.pk}", "{second.pk}"]'
    rows = admin_client.get(collection.url(), {"id": value}).json()
    assert {item["id"] for item in rows} == {str(first.pk), str(second.pk)}


def test_list_filter_bad_uuid_is_400(admin_client, collection):
    response = admin_client.get(collection.url(), {"id": "not-a-uuid"})
    assert response.status_code == 400
    assert "id" in response.json()["message"]


def test_list_needs_token(api_client, collection):
    response = api_client.get(collection.url())
    assert response.status_code == 401
    assert "message" in response.json()


def test_get_one(admin_client, collection):
    row = collection.factory()
    response = admin_client.get(collection.url(row.pk))
    assert response.status_code == 200
    assert response.json()["id"] == str(row.pk)


def test_get_one_trailing_slash(admin_client, collection):
    row = collection.factory()
    assert admin_client.get(collection.url(row.pk) + "/").status_code == 200


def test_get_unknown_id_is_404(admin_client, collection):
    response = admin_client.get(collection.url(uuid.uuid4()))
    assert response.status_code == 404
    assert response.json()["error"] is True


def test_get_malformed_id_is_400(admin_client, collection):
    response = admin_client.get(collection.url("not-a-uuid"))
    assert response.status_code == 400
    assert "not-a-uuid" in response.json()["message"]


def test_create_returns_201(admin_client, collection):
    response = admin_client.post(collection.url(), collection.create_body, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    for key, value in collection.create_body.items():
        assert body[key] == value
    assert body["type"] == collection.kitsu_type


def test_create_trailing_slash(admin_client, collection):
    response = admin_client.post(collection.url() + "/", collection.create_body, format="json")
    assert response.status_code == 201


def test_create_bad_value_names_field(admin_client, collection):
    response = admin_client.post(collection.url(), collection.bad_body, format="json")
    assert response.status_code == 400
    assert collection.bad_field in response.json()["message"]


def test_create_bad_value_writes_nothing(admin_client, collection):
    model = collection.factory._meta.model
    before = model.objects.count()
    admin_client.post(collection.url(), collection.bad_body, format="json")
    assert model.objects.count() == before


def test_create_unknown_field_is_400(admin_client, collection):
    body = {**collection.create_body, "no_such_field": 1}
    response = admin_client.post(collection.url(), body, format="json")
    assert response.status_code == 400
    assert "no_such_field" in response.json()["message"]


def test_create_malformed_json_is_400(admin_client, collection):
    response = admin_client.generic("POST", collection.url(), "{bad", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] is True


def test_create_json_list_is_400(admin_client, collection):
    response = admin_client.post(collection.url(), [1, 2], format="json")
    assert response.status_code == 400


def test_create_needs_token(api_client, collection):
    assert api_client.post(collection.url(), collection.create_body, format="json").status_code == 401


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_create_refused_for_role(make_client, collection, role):
    response = make_client(role).post(collection.url(), collection.create_body, format="json")
    assert response.status_code == 403
    assert "message" in response.json()


def test_update_changes_only_sent_keys(admin_client, collection):
    row = collection.factory()
    before = admin_client.get(collection.url(row.pk)).json()
    response = admin_client.put(collection.url(row.pk), collection.update_body, format="json")
    assert response.status_code == 200, response.json()
    after = response.json()
    for key, value in collection.update_body.items():
        assert after[key] == value
    unchanged_key = "name" if "name" in after else "id"
    assert after[unchanged_key] == before[unchanged_key]


def test_update_ignores_read_back_keys(admin_client, collection):
    row = collection.factory()
    read = admin_client.get(collection.url(row.pk)).json()
    response = admin_client.put(collection.url(row.pk), read, format="json")
    assert response.status_code == 200, response.json()


def test_update_unknown_id_is_404(admin_client, collection):
    response = admin_client.put(collection.url(uuid.uuid4()), collection.update_body, format="json")
    assert response.status_code == 404


def test_update_bad_value_is_400(admin_client, collection):
    row = collection.factory()
    response = admin_client.put(collection.url(row.pk), collection.bad_body, format="json")
    assert response.status_code == 400


def test_patch_is_405(admin_client, collection):
    row = collection.factory()
    response = admin_client.patch(collection.url(row.pk), collection.update_body, format="json")
    assert response.status_code == 405
    assert response.json()["error"] is True


def test_delete_returns_204(admin_client, collection):
    row = collection.factory()
    response = admin_client.delete(collection.url(row.pk))
    assert response.status_code == 204
    assert admin_client.get(collection.url(row.pk)).status_code == 404


def test_delete_unknown_id_is_404(admin_client, collection):
    assert admin_client.delete(collection.url(uuid.uuid4())).status_code == 404


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_delete_refused_for_role(make_client, collection, role):
    row = collection.factory()
    client = make_client(role)
    response = client.delete(collection.url(row.pk))
    assert response.status_code == 403
    assert collection.factory._meta.model.objects.filter(pk=row.pk).exists()


def test_unknown_collection_is_404_json(admin_client, db):
    response = admin_client.get("/api/data/no-such-collection")
    assert response.status_code == 404
    assert response.json()["error"] is True


def test_malformed_id_body_has_data_key(admin_client, db):
    body = admin_client.get("/api/data/projects/not-a-uuid").json()
    assert body["data"] is None
