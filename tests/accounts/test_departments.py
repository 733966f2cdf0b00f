"""Softwares, hardware items, and the software licences and hardware items of departments."""

import pytest

from accounts.models import HardwareItemDepartmentLink, SoftwareDepartmentLink
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"

# (collection, path segment under a department, body key, factory, link model)
EQUIPMENT = [
    ("softwares", "software-licenses", "software_id", factories.SoftwareFactory, SoftwareDepartmentLink),
    ("hardware-items", "hardware-items", "hardware_item_id", factories.HardwareItemFactory, HardwareItemDepartmentLink),
]


# ---- /data/softwares and /data/hardware-items ----------------------------------------


def test_software_crud(admin_client):
    body = {"name": "Blender", "short_name": "bl", "file_extension": ".blend", "version": "4.2"}
    created = admin_client.post("/api/data/softwares", body, format="json")
    assert created.status_code == 201
    row = created.json()
    assert row["type"] == "Software"
    assert row["secondary_extensions"] is None
    updated = admin_client.put(f"/api/data/softwares/{row['id']}", {"monthly_cost": 30}, format="json")
    assert updated.json()["monthly_cost"] == 30
    assert admin_client.delete(f"/api/data/softwares/{row['id']}").status_code == 204
    assert admin_client.get(f"/api/data/softwares/{row['id']}").status_code == 404


def test_hardware_item_crud(admin_client):
    body = {"name": "Workstation", "short_name": "ws", "monthly_cost": 120, "inventory_amount": 4}
    created = admin_client.post("/api/data/hardware-items", body, format="json")
    assert created.status_code == 201
    row = created.json()
    assert row["type"] == "HardwareItem"
    assert row["archived"] is False
    updated = admin_client.put(f"/api/data/hardware-items/{row['id']}", {"monthly_cost": 150}, format="json")
    assert updated.json()["monthly_cost"] == 150
    assert admin_client.delete(f"/api/data/hardware-items/{row['id']}").status_code == 204


BODIES = {
    "softwares": {"name": "Thing", "short_name": "th", "file_extension": ".th"},
    "hardware-items": {"name": "Thing", "short_name": "th"},
}


@pytest.mark.parametrize("collection, field", [("softwares", "file_extension"), ("hardware-items", "short_name")])
def test_equipment_missing_field(admin_client, collection, field):
    body = {key: value for key, value in BODIES[collection].items() if key != field}
    response = admin_client.post(f"/api/data/{collection}", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


@pytest.mark.parametrize("collection", ["softwares", "hardware-items"])
def test_equipment_negative_cost(admin_client, collection):
    response = admin_client.post(f"/api/data/{collection}", {**BODIES[collection], "monthly_cost": -5}, format="json")
    assert response.status_code == 400
    assert "monthly_cost" in response.json()["message"]


def test_software_duplicate_name(admin_client):
    factories.SoftwareFactory(name="Maya")
    body = {"name": "Maya", "short_name": "ma", "file_extension": ".ma"}
    response = admin_client.post("/api/data/softwares", body, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_softwares_readable_by_everyone(make_client, role):
    software = factories.SoftwareFactory()
    client = make_client(role)
    assert client.get("/api/data/softwares").status_code == 200
    assert client.get(f"/api/data/softwares/{software.pk}").status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_software_write_admin_only(make_client, role):
    body = {"name": "Nuke", "short_name": "nk", "file_extension": ".nk"}
    assert make_client(role).post("/api/data/softwares", body, format="json").status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_hardware_items_admin_only(make_client, role):
    item = factories.HardwareItemFactory()
    client = make_client(role)
    assert client.get("/api/data/hardware-items").status_code == 403
    assert client.get(f"/api/data/hardware-items/{item.pk}").status_code == 403


@pytest.mark.parametrize("collection", ["softwares", "hardware-items"])
def test_equipment_unknown_id(admin_client, collection):
    assert admin_client.get(f"/api/data/{collection}/{UNKNOWN}").status_code == 404


@pytest.mark.parametrize("collection", ["softwares", "hardware-items"])
def test_equipment_anonymous(api_client, collection):
    assert api_client.get(f"/api/data/{collection}").status_code == 401


# ---- /data/departments/{id}/software-licenses and .../hardware-items ------------------


@pytest.mark.parametrize("collection, segment, key, factory, link_model", EQUIPMENT, ids=["software", "hardware"])
def test_department_link_created(admin_client, collection, segment, key, factory, link_model):
    department, item = factories.DepartmentFactory(), factory()
    response = admin_client.post(f"/api/data/departments/{department.pk}/{segment}", {key: str(item.pk)}, format="json")
    assert response.status_code == 201
    assert response.json()["department_id"] == str(department.pk)
    assert response.json()[key] == str(item.pk)
    assert link_model.objects.count() == 1


@pytest.mark.parametrize("collection, segment, key, factory, link_model", EQUIPMENT, ids=["software", "hardware"])
def test_department_link_once(admin_client, collection, segment, key, factory, link_model):
    department, item = factories.DepartmentFactory(), factory()
    path = f"/api/data/departments/{department.pk}/{segment}"
    first = admin_client.post(path, {key: str(item.pk)}, format="json").json()
    second = admin_client.post(path, {key: str(item.pk)}, format="json").json()
    assert first["id"] == second["id"]
    assert link_model.objects.count() == 1


@pytest.mark.parametrize("collection, segment, key, factory, link_model", EQUIPMENT, ids=["software", "hardware"])
@pytest.mark.parametrize("value, status", [(None, 400), ("nope", 400), (UNKNOWN, 404)])
def test_department_link_bad_item(admin_client, collection, segment, key, factory, link_model, value, status):
    department = factories.DepartmentFactory()
    body = {} if value is None else {key: value}
    response = admin_client.post(f"/api/data/departments/{department.pk}/{segment}", body, format="json")
    assert response.status_code == status
    assert not link_model.objects.exists()


@pytest.mark.parametrize("collection, segment, key, factory, link_model", EQUIPMENT, ids=["software", "hardware"])
def test_department_link_unknown_department(admin_client, collection, segment, key, factory, link_model):
    item = factory()
    response = admin_client.post(f"/api/data/departments/{UNKNOWN}/{segment}", {key: str(item.pk)}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("collection, segment, key, factory, link_model", EQUIPMENT, ids=["software", "hardware"])
def test_department_links_by_department(admin_client, collection, segment, key, factory, link_model):
    department, item = factories.DepartmentFactory(), factory()
    link_model.objects.create(department=department, **{key[: -len("_id")]: item})
    response = admin_client.get(f"/api/data/departments/{segment}")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()[str(department.pk)]] == [str(item.pk)]


@pytest.mark.parametrize("collection, segment, key, factory, link_model", EQUIPMENT, ids=["software", "hardware"])
def test_department_linked_item_read(admin_client, collection, segment, key, factory, link_model):
    department, item, other = factories.DepartmentFactory(), factory(), factory()
    link_model.objects.create(department=department, **{key[: -len("_id")]: item})
    path = f"/api/data/departments/{department.pk}/{segment}"
    assert admin_client.get(f"{path}/{item.pk}").json()["id"] == str(item.pk)
    assert admin_client.get(f"{path}/{other.pk}").status_code == 404
    assert admin_client.get(f"{path}/nope").status_code == 400


@pytest.mark.parametrize("collection, segment, key, factory, link_model", EQUIPMENT, ids=["software", "hardware"])
def test_department_link_deleted(admin_client, collection, segment, key, factory, link_model):
    department, item = factories.DepartmentFactory(), factory()
    link_model.objects.create(department=department, **{key[: -len("_id")]: item})
    response = admin_client.delete(f"/api/data/departments/{department.pk}/{segment}/{item.pk}")
    assert response.status_code == 204
    assert not link_model.objects.exists()
    assert admin_client.delete(f"/api/data/departments/{department.pk}/{segment}/{item.pk}").status_code == 204
    assert admin_client.delete(f"/api/data/departments/{department.pk}/{segment}/{UNKNOWN}").status_code == 404


@pytest.mark.parametrize("collection, segment, key, factory, link_model", EQUIPMENT, ids=["software", "hardware"])
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_department_links_admin_only(make_client, collection, segment, key, factory, link_model, role):
    department, item = factories.DepartmentFactory(), factory()
    client = make_client(role)
    assert client.get(f"/api/data/departments/{segment}").status_code == 403
    path = f"/api/data/departments/{department.pk}/{segment}"
    assert client.post(path, {key: str(item.pk)}, format="json").status_code == 403
    assert client.delete(f"{path}/{item.pk}").status_code == 403
    assert not link_model.objects.exists()


@pytest.mark.parametrize("segment", ["software-licenses", "hardware-items"])
def test_department_links_anonymous(api_client, segment):
    assert api_client.get(f"/api/data/departments/{segment}").status_code == 401


def test_department_links_constant_queries(admin_client, django_assert_max_num_queries):
    for _ in range(5):
        SoftwareDepartmentLink.objects.create(
            department=factories.DepartmentFactory(), software=factories.SoftwareFactory()
        )
    with django_assert_max_num_queries(6):
        admin_client.get("/api/data/departments/software-licenses")
