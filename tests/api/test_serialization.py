"""The two ways of turning rows into JSON give the same columns."""

import pytest

from kitsu_project.api.serialization import serialize_queryset, serialize_row
from productions.models import Entity, Task
from productions.models.entity import base_entity_type
from tests import factories

pytestmark = pytest.mark.django_db


def test_queryset_rows_match_row_serializer():
    task = factories.TaskFactory(data={"k": 1})
    expected = serialize_row(task)
    assert serialize_queryset(Task.objects.filter(pk=task.pk)) == [expected]


def test_queryset_rows_take_type_column():
    shot_type = factories.EntityTypeFactory(name="Shot")
    shot = factories.EntityFactory(entity_type=shot_type)
    rows = serialize_queryset(
        Entity.objects.filter(pk=shot.pk), type_column="entity_type__name", type_of=base_entity_type
    )
    assert rows[0]["type"] == "Shot"
    assert rows[0] == serialize_row(shot)


def test_asset_type_is_asset():
    assert base_entity_type("Character") == "Asset"


def test_huge_integer_in_body_is_400(admin_client):
    task = factories.TaskFactory()
    response = admin_client.generic(
        "PUT", f"/api/data/tasks/{task.pk}", '{"data": {"n": 100000000000000000000}}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "too large" in response.json()["message"]


def test_stored_huge_integer_still_renders(admin_client):
    task = factories.TaskFactory(data={"n": 10**20})
    response = admin_client.get(f"/api/data/tasks/{task.pk}")
    assert response.status_code == 200
    assert response.json()["data"] == {"n": 10**20}


def test_huge_integer_list_filter_is_400(admin_client):
    response = admin_client.get("/api/data/tasks", {"priority": "[99999999999999999999999]"})
    assert response.status_code == 400
    assert "priority" in response.json()["message"]


def test_huge_priority_setting_is_400(admin_client):
    project = factories.ProjectFactory()
    task_type = factories.TaskTypeFactory()
    body = {"task_type_id": str(task_type.pk), "priority": 9223372036854775807}
    response = admin_client.post(f"/api/data/projects/{project.pk}/settings/task-types", body, format="json")
    assert response.status_code == 400
    assert "priority" in response.json()["message"]


def test_docs_wrong_method_is_json(api_client):
    response = api_client.post("/api/apidocs/")
    assert response.status_code == 405
    assert response.json()["error"] is True
