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
