"""Route matrix of the structure routes: success, bad input, unknown id and every role.

Covers the cases that the other modules leave out for `/data/entities*`, `/data/assets*`,
`/data/shots*`, `/data/sequences*`, `/data/episodes*`, `/data/entity-types*` and
`/data/asset-types*`.
"""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from productions.models import Entity, EntityType, ProjectPersonLink, TaskPersonLink
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
TEAM_ROLES = ["manager", "supervisor", "user", "client"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


class Production:
    """An open project with an episode, a sequence, a shot and an asset, each shot and asset with a task."""

    def __init__(self):
        self.project = factories.ProjectFactory()
        self.episode_type = factories.EntityTypeFactory(name="Episode")
        self.sequence_type = factories.EntityTypeFactory(name="Sequence")
        self.shot_type = factories.EntityTypeFactory(name="Shot")
        self.asset_type = factories.EntityTypeFactory(name="Character")
        self.episode = self.entity("E01", self.episode_type)
        self.sequence = self.entity("SQ01", self.sequence_type, parent=self.episode)
        self.shot = self.entity("SH010", self.shot_type, parent=self.sequence)
        self.asset = self.entity("Hero", self.asset_type, source=self.episode)
        self.shot_task_type = factories.TaskTypeFactory(for_entity="Shot")
        self.asset_task_type = factories.TaskTypeFactory(for_entity="Asset")
        self.status = factories.TaskStatusFactory()
        self.shot_task = self.task(self.shot, self.shot_task_type)
        self.asset_task = self.task(self.asset, self.asset_task_type)

    def entity(self, name, entity_type, **fields):
        return factories.EntityFactory(name=name, project=self.project, entity_type=entity_type, **fields)

    def task(self, entity, task_type):
        return factories.TaskFactory(project=self.project, entity=entity, task_type=task_type, task_status=self.status)

    def add_shots(self, count):
        for _ in range(count):
            shot = self.entity(f"SH{uuid.uuid4().hex[:8]}", self.shot_type, parent=self.sequence)
            task = self.task(shot, self.shot_task_type)
            TaskPersonLink.objects.create(task=task, person=factories.PersonFactory())
            self.task(shot, factories.TaskTypeFactory(for_entity="Shot"))

    def add_assets(self, count):
        for _ in range(count):
            asset = self.entity(f"Asset {uuid.uuid4().hex[:8]}", self.asset_type, source=self.episode)
            task = self.task(asset, self.asset_task_type)
            TaskPersonLink.objects.create(task=task, person=factories.PersonFactory())

    def add_sub_rows(self, count):
        """Add rows below every structure row: tasks on the shot and asset, sequences, shots and assets."""
        for _ in range(count):
            self.task(self.shot, factories.TaskTypeFactory(for_entity="Shot"))
            self.task(self.asset, factories.TaskTypeFactory(for_entity="Asset"))
            self.task(self.sequence, factories.TaskTypeFactory(for_entity="Sequence"))
            self.task(self.episode, factories.TaskTypeFactory(for_entity="Episode"))
            self.entity(f"SQ{uuid.uuid4().hex[:6]}", self.sequence_type, parent=self.episode)
        self.add_shots(count)
        self.add_assets(count)


@pytest.fixture
def prod():
    return Production()


@pytest.fixture
def member(make_client, prod):
    """Factory: member("user") -> a client of that role in the team of the production."""

    def factory(role):
        client = make_client(role)
        ProjectPersonLink.objects.get_or_create(project=prod.project, person=client.person)
        return client

    return factory


def fill(path, prod, value=None):
    """Put the ids of `prod` in `path`, or `value` in every id slot."""
    ids = {
        "asset": prod.asset.pk,
        "shot": prod.shot.pk,
        "sequence": prod.sequence.pk,
        "episode": prod.episode.pk,
        "task_type": prod.shot_task_type.pk,
    }
    if value is not None:
        ids = dict.fromkeys(ids, value)
    return path.format(**ids)


def count_queries(client, path, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.json()
    return len(context.captured_queries)


# ---- reads of one structure row and its sub-lists ---------------------------------------------

READ_ROUTES = [
    "/api/data/assets/{asset}",
    "/api/data/assets/{asset}/tasks",
    "/api/data/assets/{asset}/task-types",
    "/api/data/shots/{shot}",
    "/api/data/shots/{shot}/tasks",
    "/api/data/shots/{shot}/task-types",
    "/api/data/shots/{shot}/versions",
    "/api/data/sequences/{sequence}",
    "/api/data/sequences/{sequence}/shots",
    "/api/data/sequences/{sequence}/scenes",
    "/api/data/sequences/{sequence}/tasks",
    "/api/data/sequences/{sequence}/task-types",
    "/api/data/sequences/{sequence}/shot-tasks",
    "/api/data/episodes/{episode}",
    "/api/data/episodes/{episode}/sequences",
    "/api/data/episodes/{episode}/shots",
    "/api/data/episodes/{episode}/tasks",
    "/api/data/episodes/{episode}/shot-tasks",
    "/api/data/episodes/{episode}/asset-tasks",
    "/api/data/episodes/{episode}/task-types",
    "/api/data/entities/{shot}/task-types/{task_type}/tasks",
]


@pytest.mark.parametrize("path", READ_ROUTES)
def test_read_outsider_supervisor(make_client, prod, path):
    assert make_client("supervisor").get(fill(path, prod)).status_code == 403


# Sub-lists whose rows grow with `Production.add_sub_rows`, while their query count must stay the same.
SUB_LIST_ROUTES = [
    "/api/data/assets/{asset}/tasks",
    "/api/data/assets/{asset}/task-types",
    "/api/data/shots/{shot}/tasks",
    "/api/data/shots/{shot}/task-types",
    "/api/data/shots/{shot}/versions",
    "/api/data/sequences/{sequence}/tasks",
    "/api/data/sequences/{sequence}/task-types",
    "/api/data/sequences/{sequence}/scenes",
    "/api/data/episodes/{episode}/sequences",
    "/api/data/episodes/{episode}/tasks",
    "/api/data/episodes/{episode}/task-types",
]


@pytest.mark.parametrize("path", SUB_LIST_ROUTES)
def test_sub_list_queries_constant(admin_client, prod, path):
    path = fill(path, prod)
    prod.add_sub_rows(1)
    few = count_queries(admin_client, path)
    prod.add_sub_rows(6)
    assert count_queries(admin_client, path) == few


@pytest.mark.parametrize("path", SUB_LIST_ROUTES)
def test_sub_list_member_queries_constant(member, prod, path):
    client = member("user")
    path = fill(path, prod)
    prod.add_sub_rows(1)
    few = count_queries(client, path)
    prod.add_sub_rows(6)
    assert count_queries(client, path) == few


def test_assets_all_queries_constant(admin_client, prod):
    params = {"project_id": str(prod.project.pk)}
    prod.add_assets(2)
    few = count_queries(admin_client, "/api/data/assets/all", params)
    prod.add_assets(8)
    assert count_queries(admin_client, "/api/data/assets/all", params) == few


# ---- project-wide structure lists --------------------------------------------------------------

LIST_ROUTES = [
    "/api/data/assets",
    "/api/data/assets/all",
    "/api/data/assets/with-tasks",
    "/api/data/shots",
    "/api/data/shots/all",
    "/api/data/shots/with-tasks",
    "/api/data/sequences",
    "/api/data/sequences/with-tasks",
    "/api/data/episodes",
    "/api/data/episodes/with-tasks",
]


@pytest.mark.parametrize("path", LIST_ROUTES)
@pytest.mark.parametrize("role", ["manager", "supervisor", "client", "vendor"])
def test_list_outsider_rejected(make_client, prod, path, role):
    response = make_client(role).get(path, {"project_id": str(prod.project.pk)})
    assert response.status_code == 403


@pytest.mark.parametrize("path", LIST_ROUTES)
def test_list_vendor_in_team(member, prod, path):
    assert member("vendor").get(path, {"project_id": str(prod.project.pk)}).status_code == 200


@pytest.mark.parametrize("path", LIST_ROUTES)
def test_list_unknown_project_empty(admin_client, prod, path):
    response = admin_client.get(path, {"project_id": UNKNOWN})
    assert response.status_code == 200
    assert response.json() == []


# ---- /data/entities/{id}/task-types/{id}/tasks --------------------------------------------------

ENTITY_TASKS = "/api/data/entities/{entity}/task-types/{task_type}/tasks"


def entity_tasks_url(entity, task_type):
    return ENTITY_TASKS.format(entity=entity, task_type=task_type)


@pytest.mark.parametrize("role", TEAM_ROLES)
def test_entity_tasks_team_member(member, prod, role):
    response = member(role).get(entity_tasks_url(prod.shot.pk, prod.shot_task_type.pk))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [str(prod.shot_task.pk)]


def test_entity_tasks_vendor_needs_assignment(member, prod):
    vendor = member("vendor")
    url = entity_tasks_url(prod.shot.pk, prod.shot_task_type.pk)
    assert vendor.get(url).status_code == 403
    TaskPersonLink.objects.create(task=prod.shot_task, person=vendor.person)
    assert vendor.get(url).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_entity_tasks_outsider(make_client, prod, role):
    url = entity_tasks_url(prod.shot.pk, prod.shot_task_type.pk)
    assert make_client(role).get(url).status_code == 403


def test_entity_tasks_unknown_task_type(admin_client, prod):
    assert admin_client.get(entity_tasks_url(prod.shot.pk, UNKNOWN)).status_code == 404


@pytest.mark.parametrize("slot", ["entity", "task_type"])
def test_entity_tasks_malformed_id(admin_client, prod, slot):
    ids = {"entity": prod.shot.pk, "task_type": prod.shot_task_type.pk, slot: "nope"}
    response = admin_client.get(ENTITY_TASKS.format(**ids))
    assert response.status_code == 400
    assert "nope" in response.json()["message"]


def test_entity_tasks_queries_constant(admin_client, prod):
    url = entity_tasks_url(prod.shot.pk, prod.shot_task_type.pk)
    few = count_queries(admin_client, url)
    for index in range(6):
        task = factories.TaskFactory(
            project=prod.project, entity=prod.shot, task_type=prod.shot_task_type, name=f"extra {index}"
        )
        TaskPersonLink.objects.create(task=task, person=factories.PersonFactory())
    assert count_queries(admin_client, url) == few


# ---- GET /data/entities ---------------------------------------------------------------------------

ENTITIES = "/api/data/entities"


def entity_url(entity_id):
    return f"{ENTITIES}/{entity_id}"


def listed_ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()}


def test_entity_list_admin_sees_all(admin_client, prod):
    other = factories.EntityFactory()
    assert {str(prod.shot.pk), str(other.pk)} <= listed_ids(admin_client.get(ENTITIES))


@pytest.mark.parametrize("role", TEAM_ROLES)
def test_entity_list_team_member(member, prod, role):
    other = factories.EntityFactory()
    rows = listed_ids(member(role).get(ENTITIES))
    assert str(prod.shot.pk) in rows
    assert str(other.pk) not in rows


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_entity_list_outsider_empty(make_client, prod, role):
    assert listed_ids(make_client(role).get(ENTITIES)) == set()


def test_entity_list_bad_filter(admin_client, prod):
    response = admin_client.get(ENTITIES, {"project_id": "nope"})
    assert response.status_code == 400
    assert "project_id" in response.json()["message"]


def test_entity_list_anonymous(api_client, prod):
    assert api_client.get(ENTITIES).status_code == 401


@pytest.mark.parametrize("role", ["admin", "user"])
def test_entity_list_queries_constant(make_client, prod, role):
    client = make_client(role)
    ProjectPersonLink.objects.create(project=prod.project, person=client.person)
    params = {"relations": "true"}
    few = count_queries(client, ENTITIES, params)
    prod.add_sub_rows(4)
    assert count_queries(client, ENTITIES, params) == few


# ---- POST /data/entities ---------------------------------------------------------------------------


def new_entity_body(prod, **extra):
    return {"name": "Prop", "project_id": str(prod.project.pk), "entity_type_id": str(prod.asset_type.pk), **extra}


def test_entity_create_admin(admin_client, prod):
    response = admin_client.post(ENTITIES, new_entity_body(prod), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["type"] == "Asset"
    assert Entity.objects.filter(name="Prop", project=prod.project).exists()


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_entity_create_team_role_rejected(member, prod, role):
    response = member(role).post(ENTITIES, new_entity_body(prod), format="json")
    assert response.status_code == 403
    assert not Entity.objects.filter(name="Prop").exists()


def test_entity_create_anonymous(api_client, prod):
    assert api_client.post(ENTITIES, new_entity_body(prod), format="json").status_code == 401


@pytest.mark.parametrize("key", ["name", "project_id", "entity_type_id"])
def test_entity_create_missing_field(admin_client, prod, key):
    body = new_entity_body(prod)
    del body[key]
    response = admin_client.post(ENTITIES, body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


@pytest.mark.parametrize(
    "extra, key",
    [
        ({"project_id": "nope"}, "project_id"),
        ({"entity_type_id": "nope"}, "entity_type_id"),
        ({"project_id": UNKNOWN}, "project_id"),
        ({"entity_type_id": UNKNOWN}, "entity_type_id"),
        ({"nb_frames": "many"}, "nb_frames"),
        ({"parent_id": "nope"}, "parent_id"),
    ],
)
def test_entity_create_bad_value(admin_client, prod, extra, key):
    response = admin_client.post(ENTITIES, new_entity_body(prod, **extra), format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]
    assert not Entity.objects.filter(name="Prop").exists()


# ---- GET /data/entities/{id} -------------------------------------------------------------------------


def test_entity_read_admin(admin_client, prod):
    body = admin_client.get(entity_url(prod.shot.pk)).json()
    assert body["id"] == str(prod.shot.pk)
    assert body["type"] == "Shot"


@pytest.mark.parametrize("role", TEAM_ROLES)
def test_entity_read_team_member(member, prod, role):
    assert member(role).get(entity_url(prod.shot.pk)).status_code == 200


def test_entity_read_vendor_needs_assignment(member, prod):
    vendor = member("vendor")
    assert vendor.get(entity_url(prod.shot.pk)).status_code == 403
    TaskPersonLink.objects.create(task=prod.shot_task, person=vendor.person)
    assert vendor.get(entity_url(prod.shot.pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_entity_read_outsider(make_client, prod, role):
    assert make_client(role).get(entity_url(prod.shot.pk)).status_code == 403


def test_entity_read_unknown(admin_client, prod):
    assert admin_client.get(entity_url(UNKNOWN)).status_code == 404


def test_entity_read_malformed(admin_client, prod):
    assert admin_client.get(entity_url("nope")).status_code == 400


def test_entity_read_anonymous(api_client, prod):
    assert api_client.get(entity_url(prod.shot.pk)).status_code == 401


# ---- PUT /data/entities/{id} -------------------------------------------------------------------------


def test_entity_update_admin(admin_client, prod):
    response = admin_client.put(entity_url(prod.asset.pk), {"description": "new"}, format="json")
    assert response.status_code == 200, response.json()
    prod.asset.refresh_from_db()
    assert prod.asset.description == "new"


def test_entity_update_team_manager(member, prod):
    response = member("manager").put(entity_url(prod.asset.pk), {"description": "new"}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_entity_update_team_role_rejected(member, prod, role):
    response = member(role).put(entity_url(prod.asset.pk), {"description": "new"}, format="json")
    assert response.status_code == 403
    prod.asset.refresh_from_db()
    assert prod.asset.description != "new"


def test_entity_update_outsider_manager(make_client, prod):
    response = make_client("manager").put(entity_url(prod.asset.pk), {"description": "new"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body, key",
    [
        ({"nb_frames": "many"}, "nb_frames"),
        ({"entity_type_id": "nope"}, "entity_type_id"),
        ({"entity_type_id": UNKNOWN}, "entity_type_id"),
        ({"parent_id": "nope"}, "parent_id"),
    ],
)
def test_entity_update_bad_value(admin_client, prod, body, key):
    response = admin_client.put(entity_url(prod.asset.pk), body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_entity_update_unknown(admin_client, prod):
    assert admin_client.put(entity_url(UNKNOWN), {"description": "x"}, format="json").status_code == 404


def test_entity_update_malformed(admin_client, prod):
    assert admin_client.put(entity_url("nope"), {"description": "x"}, format="json").status_code == 400


def test_entity_update_anonymous(api_client, prod):
    assert api_client.put(entity_url(prod.asset.pk), {"description": "x"}, format="json").status_code == 401


# ---- DELETE /data/entities/{id} -----------------------------------------------------------------------


@pytest.fixture
def bare_asset(prod):
    """An asset without tasks, which a delete removes at once."""
    return prod.entity("Bare", prod.asset_type)


def test_entity_delete_admin(admin_client, bare_asset):
    assert admin_client.delete(entity_url(bare_asset.pk)).status_code == 204
    assert not Entity.objects.filter(pk=bare_asset.pk).exists()


def test_entity_delete_team_manager(member, bare_asset):
    assert member("manager").delete(entity_url(bare_asset.pk)).status_code == 204


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_entity_delete_team_role_rejected(member, bare_asset, role):
    assert member(role).delete(entity_url(bare_asset.pk)).status_code == 403
    assert Entity.objects.filter(pk=bare_asset.pk).exists()


def test_entity_delete_outsider_manager(make_client, bare_asset):
    assert make_client("manager").delete(entity_url(bare_asset.pk)).status_code == 403


def test_entity_delete_unknown(admin_client, prod):
    assert admin_client.delete(entity_url(UNKNOWN)).status_code == 404


def test_entity_delete_malformed(admin_client, prod):
    assert admin_client.delete(entity_url("nope")).status_code == 400


def test_entity_delete_anonymous(api_client, bare_asset):
    assert api_client.delete(entity_url(bare_asset.pk)).status_code == 401


# ---- POST /data/entities/guess_from_path ---------------------------------------------------------------


def test_guess_from_path_missing_project(admin_client, prod):
    response = admin_client.post(f"{ENTITIES}/guess_from_path", {"file_path": "/a/b"}, format="json")
    assert response.status_code == 400
    assert "project_id" in response.json()["message"]


# ---- /data/entity-types ----------------------------------------------------------------------------------

ENTITY_TYPES = "/api/data/entity-types"


@pytest.mark.parametrize("role", ROLES)
def test_entity_type_list_every_role(make_client, role):
    entity_type = factories.EntityTypeFactory()
    assert str(entity_type.pk) in listed_ids(make_client(role).get(ENTITY_TYPES))


@pytest.mark.parametrize("role", ROLES)
def test_entity_type_read_every_role(make_client, role):
    entity_type = factories.EntityTypeFactory()
    response = make_client(role).get(f"{ENTITY_TYPES}/{entity_type.pk}")
    assert response.status_code == 200
    assert response.json()["type"] == "EntityType"


def test_entity_type_read_anonymous(api_client, db):
    entity_type = factories.EntityTypeFactory()
    assert api_client.get(f"{ENTITY_TYPES}/{entity_type.pk}").status_code == 401


def test_entity_type_create_missing_name(admin_client):
    response = admin_client.post(ENTITY_TYPES, {"short_name": "veh"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


def test_entity_type_create_duplicate_name(admin_client):
    factories.EntityTypeFactory(name="Vehicle")
    response = admin_client.post(ENTITY_TYPES, {"name": "Vehicle"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_entity_type_update_rejected(make_client, role):
    entity_type = factories.EntityTypeFactory()
    response = make_client(role).put(f"{ENTITY_TYPES}/{entity_type.pk}", {"short_name": "x"}, format="json")
    assert response.status_code == 403
    entity_type.refresh_from_db()
    assert entity_type.short_name != "x"


def test_entity_type_update_malformed(admin_client):
    assert admin_client.put(f"{ENTITY_TYPES}/nope", {"short_name": "x"}, format="json").status_code == 400


def test_entity_type_update_name_taken(admin_client):
    factories.EntityTypeFactory(name="Vehicle")
    entity_type = factories.EntityTypeFactory(name="Prop")
    response = admin_client.put(f"{ENTITY_TYPES}/{entity_type.pk}", {"name": "Vehicle"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


def test_entity_type_update_anonymous(api_client, db):
    entity_type = factories.EntityTypeFactory()
    response = api_client.put(f"{ENTITY_TYPES}/{entity_type.pk}", {"short_name": "x"}, format="json")
    assert response.status_code == 401


def test_entity_type_delete_manager_rejected(make_client):
    entity_type = factories.EntityTypeFactory()
    assert make_client("manager").delete(f"{ENTITY_TYPES}/{entity_type.pk}").status_code == 403
    assert EntityType.objects.filter(pk=entity_type.pk).exists()


def test_entity_type_delete_malformed(admin_client):
    assert admin_client.delete(f"{ENTITY_TYPES}/nope").status_code == 400


def test_entity_type_delete_anonymous(api_client, db):
    entity_type = factories.EntityTypeFactory()
    assert api_client.delete(f"{ENTITY_TYPES}/{entity_type.pk}").status_code == 401


# ---- /data/asset-types ---------------------------------------------------------------------------------------

ASSET_TYPES = "/api/data/asset-types"


@pytest.mark.parametrize("role", ROLES)
def test_asset_type_list_every_role(make_client, role):
    asset_type = factories.EntityTypeFactory(name="Vehicle")
    shot_type = factories.EntityTypeFactory(name="Shot")
    rows = listed_ids(make_client(role).get(ASSET_TYPES))
    assert str(asset_type.pk) in rows
    assert str(shot_type.pk) not in rows


def test_asset_type_list_anonymous(api_client, db):
    assert api_client.get(ASSET_TYPES).status_code == 401


def test_asset_type_list_bad_filter(admin_client):
    response = admin_client.get(ASSET_TYPES, {"id": "nope"})
    assert response.status_code == 400
    assert "id" in response.json()["message"]


def test_asset_type_list_queries_constant(admin_client):
    task_type = factories.TaskTypeFactory()
    factories.EntityTypeFactory(name="Vehicle").task_types.add(task_type)
    few = count_queries(admin_client, ASSET_TYPES, {"relations": "true"})
    for index in range(6):
        factories.EntityTypeFactory(name=f"Kind {index}").task_types.add(task_type)
    assert count_queries(admin_client, ASSET_TYPES, {"relations": "true"}) == few


@pytest.mark.parametrize("role", ROLES)
def test_asset_type_read_every_role(make_client, role):
    asset_type = factories.EntityTypeFactory(name="Vehicle")
    response = make_client(role).get(f"{ASSET_TYPES}/{asset_type.pk}")
    assert response.status_code == 200
    assert response.json()["type"] == "AssetType"


def test_asset_type_read_shot_type(admin_client):
    shot_type = factories.EntityTypeFactory(name="Shot")
    assert admin_client.get(f"{ASSET_TYPES}/{shot_type.pk}").status_code == 404


def test_asset_type_read_unknown(admin_client):
    assert admin_client.get(f"{ASSET_TYPES}/{UNKNOWN}").status_code == 404


def test_asset_type_read_malformed(admin_client):
    assert admin_client.get(f"{ASSET_TYPES}/nope").status_code == 400


def test_asset_type_read_anonymous(api_client, db):
    asset_type = factories.EntityTypeFactory(name="Vehicle")
    assert api_client.get(f"{ASSET_TYPES}/{asset_type.pk}").status_code == 401


# ---- page numbers beyond the database's integer range -------------------------------------------------------


@pytest.mark.parametrize("path", [ENTITIES, ENTITY_TYPES, ASSET_TYPES])
def test_list_huge_page(admin_client, path):
    response = admin_client.get(path, {"page": "99999999999999999999"})
    assert response.status_code == 400
    assert "page" in response.json()["message"]
