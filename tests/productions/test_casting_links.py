"""Entity links one by one, asset instances, the concept read and concurrent casting updates."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from productions.models import AssetInstance, Entity, EntityLink, ProjectPersonLink
from productions.services import casting as casting_services
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "supervisor", "user", "client", "vendor")


class Production:
    """An open project with a sequence, a shot, a scene and two assets."""

    def __init__(self):
        self.project = factories.ProjectFactory()
        self.sequence = self.entity("SQ01", "Sequence")
        self.shot = self.entity("SH010", "Shot", parent=self.sequence)
        self.scene = self.entity("SC01", "Scene", parent=self.sequence)
        self.character = factories.EntityTypeFactory(name="Character")
        self.hero = self.entity("Hero Man", self.character)
        self.kitchen = self.entity("Kitchen", self.character)

    def entity(self, name, entity_type, **fields):
        if isinstance(entity_type, str):
            entity_type = factories.EntityTypeFactory(name=entity_type)
        return factories.EntityFactory(name=name, project=self.project, entity_type=entity_type, **fields)

    def member(self, make_client, role):
        client = make_client(role)
        ProjectPersonLink.objects.create(project=self.project, person=client.person)
        return client

    def link_body(self, **extra):
        return {"entity_in_id": str(self.shot.pk), "entity_out_id": str(self.hero.pk), **extra}


@pytest.fixture
def prod():
    return Production()


def nb_entities_out(entity):
    return Entity.objects.get(pk=entity.pk).nb_entities_out


# ---- /data/entity-links ------------------------------------------------------------


def test_link_create(admin_client, prod):
    response = admin_client.post("/api/data/entity-links/", prod.link_body(nb_occurences=4), format="json")
    assert response.status_code == 201
    assert response.json()["nb_occurences"] == 4
    assert response.json()["type"] == "EntityLink"
    assert nb_entities_out(prod.shot) == 1


def test_link_duplicate(admin_client, prod):
    admin_client.post("/api/data/entity-links/", prod.link_body(), format="json")
    response = admin_client.post("/api/data/entity-links/", prod.link_body(), format="json")
    assert response.status_code == 400
    assert EntityLink.objects.count() == 1


def test_link_to_itself(admin_client, prod):
    body = {"entity_in_id": str(prod.hero.pk), "entity_out_id": str(prod.hero.pk)}
    response = admin_client.post("/api/data/entity-links/", body, format="json")
    assert response.status_code == 400
    assert "entity_out_id" in response.json()["message"]


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"entity_out_id": "{unknown}"}, "entity_out_id"),
        ({"entity_out_id": "nope"}, "entity_out_id"),
        ({"nb_occurences": 0}, "nb_occurences"),
        ({"entity_out_id": "{shot}"}, "entity_out_id"),
    ],
)
def test_link_create_bad_input(admin_client, prod, extra, field):
    values = {"{unknown}": str(uuid.uuid4()), "{shot}": str(prod.sequence.pk)}
    body = prod.link_body(**{key: values.get(value, value) for key, value in extra.items()})
    response = admin_client.post("/api/data/entity-links/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


def test_link_update_and_delete(admin_client, prod):
    link_id = admin_client.post("/api/data/entity-links/", prod.link_body(), format="json").json()["id"]
    response = admin_client.put(f"/api/data/entity-links/{link_id}", {"nb_occurences": 5}, format="json")
    assert response.json()["nb_occurences"] == 5
    assert admin_client.delete(f"/api/data/entity-links/{link_id}").status_code == 204
    assert nb_entities_out(prod.shot) == 0
    assert admin_client.get(f"/api/data/entity-links/{link_id}").status_code == 404


def test_link_update_bad_occurences(admin_client, prod):
    link = factories.EntityLinkFactory(entity_in=prod.shot, entity_out=prod.hero)
    response = admin_client.put(f"/api/data/entity-links/{link.pk}", {"nb_occurences": -1}, format="json")
    assert response.status_code == 400


def test_link_malformed_id(admin_client):
    assert admin_client.get("/api/data/entity-links/nope").status_code == 400


@pytest.mark.parametrize("role", ROLES[1:])
def test_link_list_refused(make_client, role):
    assert make_client(role).get("/api/data/entity-links/").status_code == 403


@pytest.mark.parametrize("role", ("supervisor", "user", "client", "vendor"))
def test_link_create_team_refused(make_client, prod, role):
    client = prod.member(make_client, role)
    assert client.post("/api/data/entity-links/", prod.link_body(), format="json").status_code == 403


def test_link_manager_writes(make_client, prod):
    client = prod.member(make_client, "manager")
    response = client.post("/api/data/entity-links/", prod.link_body(), format="json")
    assert response.status_code == 201
    assert client.delete(f"/api/data/entity-links/{response.json()['id']}").status_code == 204


def test_link_anonymous(api_client):
    assert api_client.get("/api/data/entity-links/").status_code == 401


# ---- /data/projects/<id>/entity-links ------------------------------------------------


def test_project_links_list(admin_client, prod):
    link = factories.EntityLinkFactory(entity_in=prod.shot, entity_out=prod.hero, nb_occurences=2)
    factories.EntityLinkFactory()
    rows = admin_client.get(f"/api/data/projects/{prod.project.pk}/entity-links").json()
    assert [row["id"] for row in rows] == [str(link.pk)]
    assert rows[0]["nb_occurences"] == 2
    assert "." in rows[0]["created_at"]


def test_project_links_page(admin_client, prod):
    factories.EntityLinkFactory(entity_in=prod.shot, entity_out=prod.hero)
    factories.EntityLinkFactory(entity_in=prod.shot, entity_out=prod.kitchen)
    url = f"/api/data/projects/{prod.project.pk}/entity-links?page=1&limit=1"
    body = admin_client.get(url).json()
    assert body["total"] == 2
    assert body["nb_pages"] == 2
    assert len(body["data"]) == 1


def test_project_links_cursor(admin_client, prod):
    factories.EntityLinkFactory(entity_in=prod.shot, entity_out=prod.hero)
    url = f"/api/data/projects/{prod.project.pk}/entity-links?cursor_created_at=2000-01-01T00:00:00"
    body = admin_client.get(url).json()
    assert len(body["data"]) == 1
    bad = admin_client.get(f"/api/data/projects/{prod.project.pk}/entity-links?cursor_created_at=yesterday")
    assert bad.status_code == 400


@pytest.mark.parametrize("role", ("supervisor", "user", "client", "vendor"))
def test_project_links_team_refused(make_client, prod, role):
    client = prod.member(make_client, role)
    assert client.get(f"/api/data/projects/{prod.project.pk}/entity-links").status_code == 403


def test_project_link_delete(admin_client, prod):
    link = factories.EntityLinkFactory(entity_in=prod.shot, entity_out=prod.hero)
    Entity.objects.filter(pk=prod.shot.pk).update(nb_entities_out=1)
    response = admin_client.delete(f"/api/data/projects/{prod.project.pk}/entity-links/{link.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == str(link.pk)
    assert nb_entities_out(prod.shot) == 0


def test_project_link_delete_other_project(admin_client, prod):
    link = factories.EntityLinkFactory()
    response = admin_client.delete(f"/api/data/projects/{prod.project.pk}/entity-links/{link.pk}")
    assert response.status_code == 404
    assert EntityLink.objects.filter(pk=link.pk).exists()


# ---- asset instances ------------------------------------------------------------------


def test_asset_instance_in_asset(admin_client, prod):
    url = f"/api/data/assets/{prod.kitchen.pk}/asset-asset-instances"
    first = admin_client.post(url, {"asset_to_instantiate_id": str(prod.hero.pk)}, format="json")
    second = admin_client.post(url, {"asset_to_instantiate_id": str(prod.hero.pk)}, format="json")
    assert first.status_code == 201
    assert first.json()["name"] == "Hero_Man_0001"
    assert second.json()["number"] == 2
    grouped = admin_client.get(url).json()
    assert [row["number"] for row in grouped[str(prod.hero.pk)]] == [1, 2]


def test_asset_instance_bad_input(admin_client, prod):
    url = f"/api/data/assets/{prod.kitchen.pk}/asset-asset-instances"
    assert admin_client.post(url, {}, format="json").status_code == 400
    assert admin_client.post(url, {"asset_to_instantiate_id": "nope"}, format="json").status_code == 400
    itself = admin_client.post(url, {"asset_to_instantiate_id": str(prod.kitchen.pk)}, format="json")
    assert itself.status_code == 400
    shot = admin_client.post(url, {"asset_to_instantiate_id": str(prod.shot.pk)}, format="json")
    assert shot.status_code == 400


def test_scene_instances_and_shot(admin_client, prod):
    scene_url = f"/api/data/scenes/{prod.scene.pk}/asset-instances"
    instance = admin_client.post(scene_url, {"asset_id": str(prod.hero.pk)}, format="json").json()
    assert instance["scene_id"] == str(prod.scene.pk)
    assert list(admin_client.get(scene_url).json()) == [str(prod.hero.pk)]
    shot_url = f"/api/data/shots/{prod.shot.pk}/asset-instances"
    response = admin_client.post(shot_url, {"asset_instance_id": instance["id"]}, format="json")
    assert response.status_code == 201
    assert response.json()["instance_casting"] == [instance["id"]]
    assert list(admin_client.get(shot_url).json()) == [str(prod.hero.pk)]
    by_shot = admin_client.get(f"/api/data/assets/{prod.hero.pk}/shot-asset-instances").json()
    assert list(by_shot) == [str(prod.shot.pk)]
    assert admin_client.delete(f"{shot_url}/{instance['id']}").status_code == 204
    assert admin_client.get(shot_url).json() == {}


def test_scene_camera_instances(admin_client, prod):
    camera = prod.entity("Cam", "Camera")
    AssetInstance.objects.create(asset=camera, scene=prod.scene, number=1)
    AssetInstance.objects.create(asset=prod.hero, scene=prod.scene, number=1)
    body = admin_client.get(f"/api/data/scenes/{prod.scene.pk}/camera-instances").json()
    assert list(body) == [str(camera.pk)]


def test_shot_instance_bad_input(admin_client, prod):
    url = f"/api/data/shots/{prod.shot.pk}/asset-instances"
    assert admin_client.post(url, {}, format="json").status_code == 400
    unknown = admin_client.post(url, {"asset_instance_id": str(uuid.uuid4())}, format="json")
    assert unknown.status_code == 400
    assert admin_client.delete(f"{url}/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize("role,expected", [("supervisor", 201), ("user", 201), ("client", 403), ("vendor", 403)])
def test_scene_instance_roles(make_client, prod, role, expected):
    client = prod.member(make_client, role)
    url = f"/api/data/scenes/{prod.scene.pk}/asset-instances"
    assert client.post(url, {"asset_id": str(prod.hero.pk)}, format="json").status_code == expected


def test_scene_instance_outsider(make_client, prod):
    url = f"/api/data/scenes/{prod.scene.pk}/asset-instances"
    assert make_client("manager").get(url).status_code == 403


def test_instance_generic_routes(admin_client, prod):
    body = {"asset_id": str(prod.hero.pk), "target_asset_id": str(prod.kitchen.pk), "number": 2, "name": "h2"}
    created = admin_client.post("/api/data/asset-instances/", body, format="json")
    assert created.status_code == 201
    instance_id = created.json()["id"]
    read = admin_client.get(f"/api/data/asset-instances/{instance_id}").json()
    assert read["shots"] == []
    updated = admin_client.put(f"/api/data/asset-instances/{instance_id}", {"number": 9}, format="json")
    assert updated.json()["number"] == 2
    assert admin_client.delete(f"/api/data/asset-instances/{instance_id}").status_code == 204


@pytest.mark.parametrize("role", ROLES[1:])
def test_instance_list_refused(make_client, role):
    assert make_client(role).get("/api/data/asset-instances/").status_code == 403


def test_instance_read_team(make_client, prod):
    instance = AssetInstance.objects.create(asset=prod.hero, target_asset=prod.kitchen, number=1)
    assert prod.member(make_client, "user").get(f"/api/data/asset-instances/{instance.pk}").status_code == 200
    assert make_client("user").get(f"/api/data/asset-instances/{instance.pk}").status_code == 403


# ---- concepts ----------------------------------------------------------------------


def test_entities_linked_with_tasks(admin_client, prod):
    concept = prod.entity("Hero sketch", "Concept")
    factories.EntityConceptLinkFactory(entity_in=prod.hero, entity_out=concept)
    task = factories.TaskFactory(project=prod.project, entity=prod.hero)
    rows = admin_client.get(f"/api/data/entities/{concept.pk}/entities-linked/with-tasks").json()
    assert [row["id"] for row in rows] == [str(prod.hero.pk)]
    assert rows[0]["entity_concept_links"] == [str(concept.pk)]
    assert [item["id"] for item in rows[0]["tasks"]] == [str(task.pk)]
    assert admin_client.get(f"/api/data/entities/{uuid.uuid4()}/entities-linked/with-tasks").status_code == 404


def test_entities_linked_queries(admin_client, prod):
    concept = prod.entity("Sketch", "Concept")
    factories.EntityConceptLinkFactory(entity_in=prod.hero, entity_out=concept)
    factories.TaskFactory(project=prod.project, entity=prod.hero)
    url = f"/api/data/entities/{concept.pk}/entities-linked/with-tasks"
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for index in range(4):
        asset = prod.entity(f"Asset {index}", prod.character)
        factories.EntityConceptLinkFactory(entity_in=asset, entity_out=concept)
        factories.TaskFactory(project=prod.project, entity=asset)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many) == len(few)


# ---- concurrent casting updates ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_casting_both_kept(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes every write")
    prod = Production()
    villain = prod.entity("Villain", prod.character)
    for asset in (prod.hero, villain):
        EntityLink.objects.create(entity_in=prod.shot, entity_out=asset, nb_occurences=1)
    editors = [factories.PersonFactory(role="admin"), factories.PersonFactory(role="admin")]
    barrier = threading.Barrier(2)
    read_links = casting_services.stored_links

    def read_then_wait(entity):
        # Both updates read the stored casting before either one writes.
        links = read_links(entity)
        barrier.wait(timeout=10)
        return links

    monkeypatch.setattr(casting_services, "stored_links", read_then_wait)
    errors = []

    def update(editor, items):
        try:
            shot = Entity.objects.select_related("entity_type", "parent").get(pk=prod.shot.pk)
            casting_services.casting_update(entity=shot, items=items, user=editor)
        except Exception as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)
        finally:
            connections.close_all()

    # One editor changes the hero's occurrences, the other adds the kitchen.
    threads = [
        threading.Thread(target=update, args=(editors[0], {prod.hero.pk: (3, ""), villain.pk: (1, "")})),
        threading.Thread(
            target=update, args=(editors[1], {prod.hero.pk: (1, ""), villain.pk: (1, ""), prod.kitchen.pk: (2, "")})
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    links = dict(EntityLink.objects.filter(entity_in=prod.shot).values_list("entity_out_id", "nb_occurences"))
    assert links == {prod.hero.pk: 3, villain.pk: 1, prod.kitchen.pk: 2}
    assert nb_entities_out(prod.shot) == 3
