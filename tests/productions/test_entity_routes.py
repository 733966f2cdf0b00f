"""Routes of assets, shots, sequences and episodes: reads, "with tasks" pages, shot updates and deletes."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from productions.models import Comment, Entity, EntityLink, ProjectPersonLink, Task, TaskPersonLink
from tests import factories

pytestmark = pytest.mark.django_db

TEAM_ROLES = ("manager", "supervisor", "user", "client")


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
        self.shot = self.entity(
            "SH010", self.shot_type, parent=self.sequence, nb_frames=48, data={"frame_in": 1001, "fps": 24}
        )
        self.asset = self.entity("Hero", self.asset_type, source=self.episode, description="the hero")
        self.shot_task_type = factories.TaskTypeFactory(for_entity="Shot")
        self.asset_task_type = factories.TaskTypeFactory(for_entity="Asset")
        self.status = factories.TaskStatusFactory()
        self.shot_task = self.task(self.shot, self.shot_task_type)
        self.asset_task = self.task(self.asset, self.asset_task_type)

    def entity(self, name, entity_type, **fields):
        return factories.EntityFactory(name=name, project=self.project, entity_type=entity_type, **fields)

    def task(self, entity, task_type):
        return factories.TaskFactory(project=self.project, entity=entity, task_type=task_type, task_status=self.status)

    def member(self, make_client, role):
        client = make_client(role)
        ProjectPersonLink.objects.create(project=self.project, person=client.person)
        return client


@pytest.fixture
def prod():
    return Production()


def ids(response):
    return [row["id"] for row in response.json()]


# ---- route table: every read route, with the path of its row -------------------

READ_ROUTES = [
    ("asset", "/api/data/assets/{asset}"),
    ("asset_tasks", "/api/data/assets/{asset}/tasks"),
    ("asset_task_types", "/api/data/assets/{asset}/task-types"),
    ("shot", "/api/data/shots/{shot}"),
    ("shot_tasks", "/api/data/shots/{shot}/tasks"),
    ("shot_task_types", "/api/data/shots/{shot}/task-types"),
    ("shot_versions", "/api/data/shots/{shot}/versions"),
    ("sequence", "/api/data/sequences/{sequence}"),
    ("sequence_shots", "/api/data/sequences/{sequence}/shots"),
    ("sequence_scenes", "/api/data/sequences/{sequence}/scenes"),
    ("sequence_tasks", "/api/data/sequences/{sequence}/tasks"),
    ("sequence_task_types", "/api/data/sequences/{sequence}/task-types"),
    ("sequence_shot_tasks", "/api/data/sequences/{sequence}/shot-tasks"),
    ("episode", "/api/data/episodes/{episode}"),
    ("episode_sequences", "/api/data/episodes/{episode}/sequences"),
    ("episode_shots", "/api/data/episodes/{episode}/shots"),
    ("episode_tasks", "/api/data/episodes/{episode}/tasks"),
    ("episode_shot_tasks", "/api/data/episodes/{episode}/shot-tasks"),
    ("episode_asset_tasks", "/api/data/episodes/{episode}/asset-tasks"),
    ("episode_task_types", "/api/data/episodes/{episode}/task-types"),
]

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

# Routes a vendor may not read even with a task assigned in the project.
VENDOR_REJECTED = {"sequence_shot_tasks", "episode_shots", "episode_shot_tasks", "episode_asset_tasks"}


def fill(path, prod, **override):
    values = {
        "asset": prod.asset.pk,
        "shot": prod.shot.pk,
        "sequence": prod.sequence.pk,
        "episode": prod.episode.pk,
    }
    values.update(override)
    return path.format(**values)


@pytest.mark.parametrize(("name", "path"), READ_ROUTES)
def test_read_route_admin(admin_client, prod, name, path):
    assert admin_client.get(fill(path, prod)).status_code == 200


@pytest.mark.parametrize(("name", "path"), READ_ROUTES)
@pytest.mark.parametrize("role", TEAM_ROLES)
def test_read_route_team_member(make_client, prod, name, path, role):
    client = prod.member(make_client, role)
    assert client.get(fill(path, prod)).status_code == 200


@pytest.mark.parametrize(("name", "path"), READ_ROUTES)
@pytest.mark.parametrize("role", ("manager", "user", "client", "vendor"))
def test_read_route_outsider_rejected(make_client, prod, name, path, role):
    assert make_client(role).get(fill(path, prod)).status_code == 403


@pytest.mark.parametrize(("name", "path"), READ_ROUTES)
def test_read_route_no_token(api_client, prod, name, path):
    assert api_client.get(fill(path, prod)).status_code == 401


@pytest.mark.parametrize(("name", "path"), READ_ROUTES)
def test_read_route_unknown_id(admin_client, prod, name, path):
    unknown = uuid.uuid4()
    path = fill(path, prod, asset=unknown, shot=unknown, sequence=unknown, episode=unknown)
    assert admin_client.get(path).status_code == 404


@pytest.mark.parametrize(("name", "path"), READ_ROUTES)
def test_read_route_malformed_id(admin_client, prod, name, path):
    path = fill(path, prod, asset="nope", shot="nope", sequence="nope", episode="nope")
    assert admin_client.get(path).status_code == 400


@pytest.mark.parametrize(("name", "path"), READ_ROUTES)
def test_read_route_vendor_with_task(make_client, prod, name, path):
    vendor = prod.member(make_client, "vendor")
    for task in (prod.shot_task, prod.asset_task):
        TaskPersonLink.objects.create(task=task, person=vendor.person)
    status = vendor.get(fill(path, prod)).status_code
    assert status == (403 if name in VENDOR_REJECTED else 200)


@pytest.mark.parametrize("path", ["/api/data/assets/{asset}", "/api/data/shots/{shot}"])
def test_read_vendor_without_task_rejected(make_client, prod, path):
    vendor = prod.member(make_client, "vendor")
    assert vendor.get(fill(path, prod)).status_code == 403


def test_read_wrong_kind_is_404(admin_client, prod):
    assert admin_client.get(f"/api/data/shots/{prod.sequence.pk}").status_code == 404
    assert admin_client.get(f"/api/data/assets/{prod.shot.pk}").status_code == 404
    assert admin_client.get(f"/api/data/sequences/{prod.episode.pk}").status_code == 404


# ---- detail shapes -----------------------------------------------------------


def test_asset_detail_shape(admin_client, prod):
    body = admin_client.get(f"/api/data/assets/{prod.asset.pk}").json()
    assert body["project_name"] == prod.project.name
    assert body["asset_type_name"] == "Character"
    assert body["asset_type_id"] == str(prod.asset_type.pk)
    assert body["episode_id"] == str(prod.episode.pk)
    assert body["type"] == "Asset"
    assert [task["id"] for task in body["tasks"]] == [str(prod.asset_task.pk)]
    assert "source_id" not in body
    assert body["entities_out"] == []


def test_asset_detail_empty_values_as_reference(admin_client, prod):
    asset = prod.entity("Lamp", prod.asset_type)
    body = admin_client.get(f"/api/data/assets/{asset.pk}").json()
    assert body["episode_id"] == ""
    assert body["preview_file_id"] == ""
    assert body["ready_for"] == "None"
    assert body["tasks"] == []


def test_shot_detail_shape(admin_client, prod):
    person = factories.PersonFactory()
    TaskPersonLink.objects.create(task=prod.shot_task, person=person)
    body = admin_client.get(f"/api/data/shots/{prod.shot.pk}").json()
    assert body["sequence_id"] == str(prod.sequence.pk)
    assert body["sequence_name"] == "SQ01"
    assert body["episode_id"] == str(prod.episode.pk)
    assert body["episode_name"] == "E01"
    assert body["frame_in"] == 1001
    assert body["fps"] == 24
    assert body["frame_out"] is None
    assert body["project_name"] == prod.project.name
    assert body["tasks"][0]["assignees"] == [str(person.pk)]
    assert body["tasks"][0]["nb_drawings"] == 0
    assert body["created_by"] is None
    assert body["instance_casting"] == []


def test_sequence_detail_has_episode(admin_client, prod):
    body = admin_client.get(f"/api/data/sequences/{prod.sequence.pk}").json()
    assert body["episode_id"] == str(prod.episode.pk)
    assert body["episode_name"] == "E01"
    assert body["project_name"] == prod.project.name
    assert body["type"] == "Sequence"


def test_sequence_detail_without_episode(admin_client, prod):
    sequence = prod.entity("SQ02", prod.sequence_type)
    body = admin_client.get(f"/api/data/sequences/{sequence.pk}").json()
    assert "episode_id" not in body


def test_episode_detail_shape(admin_client, prod):
    body = admin_client.get(f"/api/data/episodes/{prod.episode.pk}").json()
    assert body["project_name"] == prod.project.name
    assert body["type"] == "Episode"


def test_entity_detail_has_link_lists(admin_client, prod):
    body = admin_client.get(f"/api/data/entities/{prod.asset.pk}").json()
    assert body["entities_in"] == []
    assert body["type"] == "Asset"


def test_entity_update_has_link_lists(admin_client, prod):
    response = admin_client.put(f"/api/data/entities/{prod.shot.pk}", {"description": "x"}, format="json")
    assert response.status_code == 200
    assert response.json()["entities_out"] == []


# ---- sub-lists -----------------------------------------------------------------


def test_asset_tasks_detailed(admin_client, prod):
    rows = admin_client.get(f"/api/data/assets/{prod.asset.pk}/tasks").json()
    assert [row["id"] for row in rows] == [str(prod.asset_task.pk)]
    assert rows[0]["entity_name"] == "Hero"
    assert rows[0]["task_type_name"] == prod.asset_task_type.name
    assert rows[0]["task_status_name"] == prod.status.name
    assert rows[0]["entity_type_name"] == "Character"
    assert "assignees" not in rows[0]


def test_asset_tasks_with_relations(admin_client, prod):
    person = factories.PersonFactory()
    TaskPersonLink.objects.create(task=prod.asset_task, person=person)
    rows = admin_client.get(f"/api/data/assets/{prod.asset.pk}/tasks", {"relations": "true"}).json()
    assert rows[0]["assignees"] == [str(person.pk)]


def test_shot_task_types(admin_client, prod):
    rows = admin_client.get(f"/api/data/shots/{prod.shot.pk}/task-types").json()
    assert ids_of(rows) == [str(prod.shot_task_type.pk)]


def ids_of(rows):
    return [row["id"] for row in rows]


def test_sequence_shots(admin_client, prod):
    rows = admin_client.get(f"/api/data/sequences/{prod.sequence.pk}/shots").json()
    assert ids_of(rows) == [str(prod.shot.pk)]
    assert rows[0]["sequence_name"] == "SQ01"


def test_sequence_shot_tasks(admin_client, prod):
    rows = admin_client.get(f"/api/data/sequences/{prod.sequence.pk}/shot-tasks").json()
    assert ids_of(rows) == [str(prod.shot_task.pk)]


def test_sequence_tasks_are_its_own(admin_client, prod):
    own = prod.task(prod.sequence, factories.TaskTypeFactory(for_entity="Sequence"))
    rows = admin_client.get(f"/api/data/sequences/{prod.sequence.pk}/tasks").json()
    assert ids_of(rows) == [str(own.pk)]


def test_sequence_task_types_of_shots(admin_client, prod):
    rows = admin_client.get(f"/api/data/sequences/{prod.sequence.pk}/task-types").json()
    assert ids_of(rows) == [str(prod.shot_task_type.pk)]


def test_sequence_scenes(admin_client, prod):
    scene = prod.entity("SC01", factories.EntityTypeFactory(name="Scene"), parent=prod.sequence)
    rows = admin_client.get(f"/api/data/sequences/{prod.sequence.pk}/scenes").json()
    assert ids_of(rows) == [str(scene.pk)]
    assert rows[0]["type"] == "Scene"


def test_episode_sequences(admin_client, prod):
    prod.entity("SQ02", prod.sequence_type)
    rows = admin_client.get(f"/api/data/episodes/{prod.episode.pk}/sequences").json()
    assert ids_of(rows) == [str(prod.sequence.pk)]


def test_episode_sequences_vendor_sees_assigned(make_client, prod):
    vendor = prod.member(make_client, "vendor")
    other = prod.entity("SQ02", prod.sequence_type, parent=prod.episode)
    TaskPersonLink.objects.create(task=prod.shot_task, person=vendor.person)
    rows = vendor.get(f"/api/data/episodes/{prod.episode.pk}/sequences").json()
    assert ids_of(rows) == [str(prod.sequence.pk)]
    assert str(other.pk) not in ids_of(rows)


def test_episode_shots(admin_client, prod):
    rows = admin_client.get(f"/api/data/episodes/{prod.episode.pk}/shots").json()
    assert ids_of(rows) == [str(prod.shot.pk)]


def test_episode_shot_and_asset_tasks(admin_client, prod):
    shot_rows = admin_client.get(f"/api/data/episodes/{prod.episode.pk}/shot-tasks").json()
    asset_rows = admin_client.get(f"/api/data/episodes/{prod.episode.pk}/asset-tasks").json()
    assert ids_of(shot_rows) == [str(prod.shot_task.pk)]
    assert ids_of(asset_rows) == [str(prod.asset_task.pk)]


def test_episode_task_types(admin_client, prod):
    rows = admin_client.get(f"/api/data/episodes/{prod.episode.pk}/task-types").json()
    assert ids_of(rows) == [str(prod.shot_task_type.pk)]


def test_episode_tasks_are_its_own(admin_client, prod):
    assert admin_client.get(f"/api/data/episodes/{prod.episode.pk}/tasks").json() == []


def test_shot_versions_empty(admin_client, prod):
    assert admin_client.get(f"/api/data/shots/{prod.shot.pk}/versions").json() == []


# ---- lists -----------------------------------------------------------------------


@pytest.mark.parametrize("path", LIST_ROUTES)
def test_list_no_token(api_client, prod, path):
    assert api_client.get(path, {"project_id": str(prod.project.pk)}).status_code == 401


@pytest.mark.parametrize("path", LIST_ROUTES)
@pytest.mark.parametrize("role", TEAM_ROLES)
def test_list_team_member(make_client, prod, path, role):
    client = prod.member(make_client, role)
    assert client.get(path, {"project_id": str(prod.project.pk)}).status_code == 200


@pytest.mark.parametrize("path", LIST_ROUTES)
def test_list_outsider_rejected(make_client, prod, path):
    assert make_client("user").get(path, {"project_id": str(prod.project.pk)}).status_code == 403


@pytest.mark.parametrize("path", LIST_ROUTES)
def test_list_malformed_project(admin_client, prod, path):
    response = admin_client.get(path, {"project_id": "nope"})
    assert response.status_code == 400
    assert "project_id" in response.json()["message"]


@pytest.mark.parametrize(
    "path",
    [path for path in LIST_ROUTES if not path.startswith("/api/data/assets")],
)
def test_list_without_project_refused_to_non_admin(make_client, prod, path):
    client = prod.member(make_client, "manager")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", LIST_ROUTES)
def test_list_without_project_admin(admin_client, prod, path):
    assert admin_client.get(path).status_code == 200


def test_assets_without_project_scoped_to_team(make_client, prod):
    client = prod.member(make_client, "user")
    other = factories.EntityFactory(entity_type=prod.asset_type)
    listed = ids(client.get("/api/data/assets"))
    assert str(prod.asset.pk) in listed
    assert str(other.pk) not in listed


def test_assets_list_filters(admin_client, prod):
    factories.EntityFactory(entity_type=prod.asset_type)
    response = admin_client.get("/api/data/assets", {"project_id": str(prod.project.pk)})
    assert ids(response) == [str(prod.asset.pk)]
    assert response.json()[0]["type"] == "Asset"
    assert ids(admin_client.get("/api/data/assets/all", {"name": "hero"})) == [str(prod.asset.pk)]
    assert ids(admin_client.get("/api/data/assets", {"episode_id": str(prod.episode.pk)})) == [str(prod.asset.pk)]


def test_assets_list_includes_cast_in_episode(admin_client, prod):
    shared = prod.entity("Lamp", prod.asset_type)
    EntityLink.objects.create(entity_in=prod.episode, entity_out=shared)
    listed = ids(admin_client.get("/api/data/assets", {"episode_id": str(prod.episode.pk)}))
    assert sorted(listed) == sorted([str(prod.asset.pk), str(shared.pk)])


def test_assets_with_tasks_includes_cast_in_episode(admin_client, prod):
    shared = prod.entity("Lamp", prod.asset_type)
    EntityLink.objects.create(entity_in=prod.episode, entity_out=shared)
    params = {"project_id": str(prod.project.pk), "episode_id": str(prod.episode.pk)}
    listed = ids(admin_client.get("/api/data/assets/with-tasks", params))
    assert sorted(listed) == sorted([str(prod.asset.pk), str(shared.pk)])


def test_assets_list_unknown_episode(admin_client, prod):
    assert admin_client.get("/api/data/assets", {"episode_id": str(uuid.uuid4())}).status_code == 404


def test_shots_list_by_sequence(admin_client, prod):
    prod.entity("SH020", prod.shot_type, parent=prod.entity("SQ02", prod.sequence_type))
    response = admin_client.get("/api/data/shots", {"sequence_id": str(prod.sequence.pk)})
    assert ids(response) == [str(prod.shot.pk)]
    assert response.json()[0]["project_name"] == prod.project.name
    assert response.json()[0]["sequence_name"] == "SQ01"


def test_shots_list_unknown_sequence(admin_client, prod):
    assert admin_client.get("/api/data/shots", {"sequence_id": str(uuid.uuid4())}).status_code == 404


def test_shots_list_by_sequence_for_member(make_client, prod):
    client = prod.member(make_client, "user")
    assert ids(client.get("/api/data/shots/all", {"sequence_id": str(prod.sequence.pk)})) == [str(prod.shot.pk)]


def test_shots_list_vendor_sees_assigned(make_client, prod):
    vendor = prod.member(make_client, "vendor")
    prod.entity("SH020", prod.shot_type, parent=prod.sequence)
    TaskPersonLink.objects.create(task=prod.shot_task, person=vendor.person)
    assert ids(vendor.get("/api/data/shots", {"project_id": str(prod.project.pk)})) == [str(prod.shot.pk)]


def test_sequences_list_by_episode(admin_client, prod):
    prod.entity("SQ02", prod.sequence_type)
    assert ids(admin_client.get("/api/data/sequences", {"episode_id": str(prod.episode.pk)})) == [str(prod.sequence.pk)]


def test_episodes_list(admin_client, prod):
    assert ids(admin_client.get("/api/data/episodes", {"project_id": str(prod.project.pk)})) == [str(prod.episode.pk)]


# ---- "with tasks" pages ----------------------------------------------------------


def test_shots_with_tasks_shape(admin_client, prod):
    person = factories.PersonFactory()
    TaskPersonLink.objects.create(task=prod.shot_task, person=person)
    rows = admin_client.get("/api/data/shots/with-tasks", {"project_id": str(prod.project.pk)}).json()
    assert ids_of(rows) == [str(prod.shot.pk)]
    row = rows[0]
    assert row["sequence_name"] == "SQ01"
    assert row["episode_name"] == "E01"
    assert row["frame_in"] == 1001
    assert row["type"] == "Shot"
    assert row["tasks"][0]["id"] == str(prod.shot_task.pk)
    assert row["tasks"][0]["assignees"] == [str(person.pk)]
    assert row["tasks"][0]["last_preview_file_id"] is None


def test_shots_with_tasks_episode_filter(admin_client, prod):
    other_episode = prod.entity("E02", prod.episode_type)
    params = {"project_id": str(prod.project.pk), "episode_id": str(other_episode.pk)}
    assert admin_client.get("/api/data/shots/with-tasks", params).json() == []
    params["episode_id"] = "all"
    assert len(admin_client.get("/api/data/shots/with-tasks", params).json()) == 1


def test_shots_with_tasks_vendor_sees_assigned(make_client, prod):
    vendor = prod.member(make_client, "vendor")
    prod.entity("SH020", prod.shot_type, parent=prod.sequence)
    other_task = prod.task(prod.shot, factories.TaskTypeFactory(for_entity="Shot"))
    TaskPersonLink.objects.create(task=prod.shot_task, person=vendor.person)
    TaskPersonLink.objects.create(task=prod.shot_task, person=factories.PersonFactory())
    rows = vendor.get("/api/data/shots/with-tasks", {"project_id": str(prod.project.pk)}).json()
    assert ids_of(rows) == [str(prod.shot.pk)]
    assert ids_of(rows[0]["tasks"]) == [str(prod.shot_task.pk)]
    assert str(other_task.pk) not in ids_of(rows[0]["tasks"])
    assert rows[0]["tasks"][0]["assignees"] == [str(vendor.person.pk)]


def test_assets_with_tasks_shape(admin_client, prod):
    rows = admin_client.get("/api/data/assets/with-tasks", {"project_id": str(prod.project.pk)}).json()
    assert ids_of(rows) == [str(prod.asset.pk)]
    row = rows[0]
    assert row["asset_type_name"] == "Character"
    assert row["episode_id"] == str(prod.episode.pk)
    assert row["casting_episode_ids"] == []
    assert row["tasks"][0]["last_preview_file_id"] == ""
    assert "nb_drawings" not in row["tasks"][0]


def test_assets_with_tasks_episode_filters(admin_client, prod):
    main_asset = prod.entity("Prop", prod.asset_type)
    project = str(prod.project.pk)
    main = admin_client.get("/api/data/assets/with-tasks", {"project_id": project, "episode_id": "main"})
    episode = admin_client.get(
        "/api/data/assets/with-tasks", {"project_id": project, "episode_id": str(prod.episode.pk)}
    )
    everything = admin_client.get("/api/data/assets/with-tasks", {"project_id": project, "episode_id": "all"})
    assert ids(main) == [str(main_asset.pk)]
    assert ids(episode) == [str(prod.asset.pk)]
    assert len(everything.json()) == 2


def test_assets_with_tasks_bad_episode(admin_client, prod):
    response = admin_client.get("/api/data/assets/with-tasks", {"episode_id": "nope"})
    assert response.status_code == 400


def test_sequences_with_tasks(admin_client, prod):
    rows = admin_client.get("/api/data/sequences/with-tasks", {"project_id": str(prod.project.pk)}).json()
    assert ids_of(rows) == [str(prod.sequence.pk)]
    assert rows[0]["episode_id"] == str(prod.episode.pk)
    assert rows[0]["tasks"] == []


def test_episodes_with_tasks_all_is_empty(admin_client, prod):
    params = {"project_id": str(prod.project.pk), "episode_id": "all"}
    assert admin_client.get("/api/data/episodes/with-tasks", params).json() == []


def test_episodes_with_tasks(admin_client, prod):
    task = prod.task(prod.episode, factories.TaskTypeFactory(for_entity="Episode"))
    rows = admin_client.get("/api/data/episodes/with-tasks", {"project_id": str(prod.project.pk)}).json()
    assert ids_of(rows) == [str(prod.episode.pk)]
    assert ids_of(rows[0]["tasks"]) == [str(task.pk)]


# ---- query counts ------------------------------------------------------------------


def add_shots(prod, count, task_types):
    for _ in range(count):
        shot = prod.entity(f"SH{uuid.uuid4().hex[:8]}", prod.shot_type, parent=prod.sequence)
        for task_type in task_types:
            task = prod.task(shot, task_type)
            TaskPersonLink.objects.create(task=task, person=factories.PersonFactory())


def add_assets(prod, count, task_type):
    for _ in range(count):
        asset = prod.entity(f"Asset {uuid.uuid4().hex[:8]}", prod.asset_type, source=prod.episode)
        task = prod.task(asset, task_type)
        TaskPersonLink.objects.create(task=task, person=factories.PersonFactory())


def count_queries(client, path, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(context.captured_queries)


QUERY_COUNT_ROUTES = [
    ("/api/data/shots/with-tasks", "project"),
    ("/api/data/shots", "project"),
    ("/api/data/shots/all", "project"),
    ("/api/data/assets/with-tasks", "project"),
    ("/api/data/assets", "project"),
    ("/api/data/sequences/with-tasks", "project"),
    ("/api/data/sequences", "project"),
    ("/api/data/episodes/with-tasks", "project"),
    ("/api/data/episodes", "project"),
    ("/api/data/sequences/{sequence}/shots", None),
    ("/api/data/sequences/{sequence}/shot-tasks", None),
    ("/api/data/episodes/{episode}/shot-tasks", None),
    ("/api/data/episodes/{episode}/asset-tasks", None),
    ("/api/data/episodes/{episode}/shots", None),
]


@pytest.mark.parametrize(("path", "scope"), QUERY_COUNT_ROUTES)
@pytest.mark.parametrize("role", ("admin", "user", "vendor"))
def test_list_query_count_constant(make_client, prod, path, scope, role):
    client = make_client(role) if role == "admin" else prod.member(make_client, role)
    if role == "vendor" and ("shot-tasks" in path or "asset-tasks" in path or "episodes/{episode}/shots" in path):
        pytest.skip("vendors may not read this route")
    params = {"project_id": str(prod.project.pk)} if scope == "project" else {}
    path = fill(path, prod)
    task_types = [factories.TaskTypeFactory(for_entity="Shot") for _ in range(2)]
    asset_task_type = factories.TaskTypeFactory(for_entity="Asset")
    add_shots(prod, 2, task_types)
    add_assets(prod, 2, asset_task_type)
    assign_all(prod, client.person, role)
    few = count_queries(client, path, params)

    add_shots(prod, 8, task_types)
    add_assets(prod, 8, asset_task_type)
    assign_all(prod, client.person, role)
    assert count_queries(client, path, params) == few


def assign_all(prod, person, role):
    if role == "vendor":
        for task in Task.objects.filter(project=prod.project):
            TaskPersonLink.objects.get_or_create(task=task, person=person)


def test_shots_with_tasks_query_count_is_small(admin_client, prod):
    add_shots(prod, 5, [factories.TaskTypeFactory(for_entity="Shot")])
    # The request's savepoint and release, the token and person lookups, then shots, tasks, assignees
    # and the caller's subscriptions.
    assert count_queries(admin_client, "/api/data/shots/with-tasks", {"project_id": str(prod.project.pk)}) <= 8


def subscribed_flags(rows):
    return {task["id"]: task["is_subscribed"] for row in rows for task in row["tasks"]}


def test_shots_with_tasks_marks_subscribed(admin_client, prod):
    other_task = prod.task(prod.shot, factories.TaskTypeFactory(for_entity="Shot"))
    factories.SubscriptionFactory(person=admin_client.person, task=prod.shot_task)
    rows = admin_client.get("/api/data/shots/with-tasks", {"project_id": str(prod.project.pk)}).json()
    flags = subscribed_flags(rows)
    assert flags[str(prod.shot_task.pk)] is True
    assert flags[str(other_task.pk)] is False


def test_assets_with_tasks_ignores_others_subscriptions(admin_client, prod):
    factories.SubscriptionFactory(person=factories.PersonFactory(), task=prod.asset_task)
    rows = admin_client.get("/api/data/assets/with-tasks", {"project_id": str(prod.project.pk)}).json()
    assert subscribed_flags(rows)[str(prod.asset_task.pk)] is False


def test_asset_detail_marks_subscribed(admin_client, prod):
    factories.SubscriptionFactory(person=admin_client.person, task=prod.asset_task)
    row = admin_client.get(f"/api/data/assets/{prod.asset.pk}").json()
    assert [task["is_subscribed"] for task in row["tasks"]] == [True]


# ---- shot update -------------------------------------------------------------------


def test_shot_update_by_admin(admin_client, prod):
    response = admin_client.put(
        f"/api/data/shots/{prod.shot.pk}", {"nb_frames": 96, "data": {"frame_out": 1096}}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["nb_frames"] == 96
    assert response.json()["type"] == "Shot"
    prod.shot.refresh_from_db()
    assert prod.shot.data == {"frame_out": 1096}


def test_shot_update_by_team_manager(make_client, prod):
    client = prod.member(make_client, "manager")
    response = client.put(f"/api/data/shots/{prod.shot.pk}", {"description": "managed"}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("role", ("supervisor", "user", "client", "vendor"))
def test_shot_update_refused_to_team_role(make_client, prod, role):
    client = prod.member(make_client, role)
    response = client.put(f"/api/data/shots/{prod.shot.pk}", {"nb_frames": 1}, format="json")
    assert response.status_code == 403


def test_shot_update_refused_to_outside_manager(make_client, prod):
    response = make_client("manager").put(f"/api/data/shots/{prod.shot.pk}", {"nb_frames": 1}, format="json")
    assert response.status_code == 403


def test_shot_update_keeps_protected_keys(admin_client, prod):
    other = factories.ProjectFactory()
    body = {"project_id": str(other.pk), "shotgun_id": 12, "unknown": 1}
    assert admin_client.put(f"/api/data/shots/{prod.shot.pk}", body, format="json").status_code == 200
    prod.shot.refresh_from_db()
    assert prod.shot.project_id == prod.project.pk
    assert prod.shot.shotgun_id is None


def test_shot_update_bad_value(admin_client, prod):
    response = admin_client.put(f"/api/data/shots/{prod.shot.pk}", {"nb_frames": "abc"}, format="json")
    assert response.status_code == 400
    assert "nb_frames" in response.json()["message"]


def test_shot_update_null_body(admin_client, prod):
    response = admin_client.put(f"/api/data/shots/{prod.shot.pk}", "null", content_type="application/json")
    assert response.status_code == 400


def test_shot_update_unknown_id(admin_client, prod):
    assert admin_client.put(f"/api/data/shots/{uuid.uuid4()}", {"nb_frames": 1}, format="json").status_code == 404


def test_shot_update_no_token(api_client, prod):
    assert api_client.put(f"/api/data/shots/{prod.shot.pk}", {"nb_frames": 1}, format="json").status_code == 401


# ---- deletes -------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "path"), [("asset", "/api/data/assets/{}"), ("shot", "/api/data/shots/{}")])
def test_delete_with_tasks_cancels_then_force_deletes(admin_client, prod, kind, path):
    entity = getattr(prod, kind)
    Comment.objects.create(object_id=getattr(prod, f"{kind}_task").pk, person=factories.PersonFactory())
    assert admin_client.delete(path.format(entity.pk)).status_code == 204
    entity.refresh_from_db()
    assert entity.canceled is True
    assert admin_client.delete(path.format(entity.pk), QUERY_STRING="force=true").status_code == 204
    assert not Entity.objects.filter(pk=entity.pk).exists()
    assert not Comment.objects.filter(object_id=getattr(prod, f"{kind}_task").pk).exists()


@pytest.mark.parametrize("kind", ["Asset", "Shot"])
def test_delete_without_tasks_deletes(admin_client, prod, kind):
    entity_type = prod.asset_type if kind == "Asset" else prod.shot_type
    entity = prod.entity("Spare", entity_type)
    path = f"/api/data/{kind.lower()}s/{entity.pk}"
    assert admin_client.delete(path).status_code == 204
    assert not Entity.objects.filter(pk=entity.pk).exists()


@pytest.mark.parametrize("kind", ["sequence", "episode"])
def test_tree_delete_needs_force(admin_client, prod, kind):
    entity = getattr(prod, kind)
    response = admin_client.delete(f"/api/data/{kind}s/{entity.pk}")
    assert response.status_code == 400
    assert "force" in response.json()["message"]
    assert Entity.objects.filter(pk=entity.pk).exists()


def test_sequence_force_delete_removes_shots(admin_client, prod):
    response = admin_client.delete(f"/api/data/sequences/{prod.sequence.pk}", QUERY_STRING="force=true")
    assert response.status_code == 204
    assert not Entity.objects.filter(pk=prod.shot.pk).exists()
    assert not Task.objects.filter(pk=prod.shot_task.pk).exists()
    assert Entity.objects.filter(pk=prod.asset.pk).exists()


def test_episode_force_delete_removes_its_assets(admin_client, prod):
    response = admin_client.delete(f"/api/data/episodes/{prod.episode.pk}", QUERY_STRING="force=true")
    assert response.status_code == 204
    assert not Entity.objects.filter(pk__in=[prod.sequence.pk, prod.shot.pk, prod.asset.pk]).exists()


def test_empty_sequence_delete(admin_client, prod):
    sequence = prod.entity("SQ99", prod.sequence_type, parent=prod.episode)
    assert admin_client.delete(f"/api/data/sequences/{sequence.pk}").status_code == 204


DELETE_PATHS = [
    "/api/data/assets/{asset}",
    "/api/data/shots/{shot}",
    "/api/data/sequences/{sequence}",
    "/api/data/episodes/{episode}",
]


@pytest.mark.parametrize("path", DELETE_PATHS)
def test_delete_by_team_manager(make_client, prod, path):
    client = prod.member(make_client, "manager")
    assert client.delete(fill(path, prod), QUERY_STRING="force=true").status_code == 204


@pytest.mark.parametrize("path", DELETE_PATHS)
@pytest.mark.parametrize("role", ("supervisor", "user", "client", "vendor"))
def test_delete_refused_to_team_role(make_client, prod, path, role):
    client = prod.member(make_client, role)
    assert client.delete(fill(path, prod)).status_code == 403


@pytest.mark.parametrize("path", DELETE_PATHS)
def test_delete_refused_to_outside_manager(make_client, prod, path):
    assert make_client("manager").delete(fill(path, prod)).status_code == 403


@pytest.mark.parametrize("path", DELETE_PATHS)
def test_delete_no_token(api_client, prod, path):
    assert api_client.delete(fill(path, prod)).status_code == 401


@pytest.mark.parametrize("path", DELETE_PATHS)
def test_delete_unknown_id(admin_client, prod, path):
    unknown = uuid.uuid4()
    path = fill(path, prod, asset=unknown, shot=unknown, sequence=unknown, episode=unknown)
    assert admin_client.delete(path).status_code == 404


@pytest.mark.parametrize("path", DELETE_PATHS)
def test_delete_malformed_id(admin_client, prod, path):
    path = fill(path, prod, asset="x", shot="x", sequence="x", episode="x")
    assert admin_client.delete(path).status_code == 400


def test_delete_by_creator_in_team(make_client, prod):
    client = prod.member(make_client, "user")
    asset = prod.entity("Mine", prod.asset_type, created_by=client.person)
    assert client.delete(f"/api/data/assets/{asset.pk}").status_code == 204


def test_delete_by_creator_outside_team_rejected(make_client, prod):
    client = make_client("user")
    asset = prod.entity("Mine", prod.asset_type, created_by=client.person)
    assert client.delete(f"/api/data/assets/{asset.pk}").status_code == 403


# ---- tasks of one task type on an entity -------------------------------------


def test_entity_task_type_tasks(admin_client):
    task = factories.TaskFactory()
    factories.TaskFactory(project=task.project, entity=task.entity)
    url = f"/api/data/entities/{task.entity_id}/task-types/{task.task_type_id}/tasks"
    rows = admin_client.get(url).json()
    assert [row["id"] for row in rows] == [str(task.pk)]


def test_entity_task_type_tasks_unknown_entity(admin_client, db):
    url = f"/api/data/entities/{uuid.uuid4()}/task-types/{uuid.uuid4()}/tasks"
    assert admin_client.get(url).status_code == 404


def test_entity_task_type_tasks_outside_team(make_client):
    task = factories.TaskFactory()
    url = f"/api/data/entities/{task.entity_id}/task-types/{task.task_type_id}/tasks"
    assert make_client("user").get(url).status_code == 403


def test_entity_task_type_tasks_needs_token(api_client, db):
    url = f"/api/data/entities/{uuid.uuid4()}/task-types/{uuid.uuid4()}/tasks"
    assert api_client.get(url).status_code == 401
