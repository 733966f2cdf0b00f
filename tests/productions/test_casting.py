"""Casting routes: reads and writes of a shot's, an asset's and an episode's casting, cast-in,
the project-wide casting maps and shared assets."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from productions.models import ApiEvent, Entity, EntityLink, ProjectPersonLink, Task
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "supervisor", "user", "client", "vendor")
TEAM_READERS = ("manager", "supervisor", "user", "client")


class Production:
    """An open project with an episode, a sequence, a shot and three assets (one shared by another project)."""

    def __init__(self):
        self.project = factories.ProjectFactory()
        self.episode = self.entity("E01", "Episode")
        self.sequence = self.entity("SQ01", "Sequence", parent=self.episode)
        self.shot = self.entity("SH010", "Shot", parent=self.sequence)
        self.character = factories.EntityTypeFactory(name="Character")
        self.hero = self.entity("Hero", self.character)
        self.villain = self.entity("Villain", self.character)
        self.other_project = factories.ProjectFactory()
        self.shared = factories.EntityFactory(
            name="Tree", project=self.other_project, entity_type=self.character, is_shared=True
        )
        self.private = factories.EntityFactory(name="Rock", project=self.other_project, entity_type=self.character)

    def entity(self, name, entity_type, **fields):
        if isinstance(entity_type, str):
            entity_type = factories.EntityTypeFactory(name=entity_type)
        return factories.EntityFactory(name=name, project=self.project, entity_type=entity_type, **fields)

    def member(self, make_client, role):
        client = make_client(role)
        ProjectPersonLink.objects.create(project=self.project, person=client.person)
        return client

    def casting_url(self, entity=None):
        entity = entity or self.shot
        return f"/api/data/projects/{self.project.pk}/entities/{entity.pk}/casting"

    def cast(self, entity, asset, nb_occurences=1, label=""):
        link = EntityLink.objects.create(entity_in=entity, entity_out=asset, nb_occurences=nb_occurences, label=label)
        Entity.objects.filter(pk=entity.pk).update(nb_entities_out=entity.casting_links.count())
        return link


@pytest.fixture
def prod():
    return Production()


def nb_entities_out(entity):
    return Entity.objects.get(pk=entity.pk).nb_entities_out


def links_of(entity):
    return {
        (link.entity_out_id, link.nb_occurences, link.label) for link in EntityLink.objects.filter(entity_in=entity)
    }


# ---- entity casting: reads --------------------------------------------------------


def test_casting_read_shape(admin_client, prod):
    prod.cast(prod.shot, prod.hero, 2, "animate")
    rows = admin_client.get(prod.casting_url()).json()
    assert rows == [
        {
            "asset_id": str(prod.hero.pk),
            "asset_name": "Hero",
            "asset_type_name": "Character",
            "ready_for": None,
            "episode_id": None,
            "preview_file_id": None,
            "nb_occurences": 2,
            "label": "animate",
            "is_shared": False,
            "project_id": str(prod.project.pk),
        }
    ]


def test_casting_read_skips_canceled(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    Entity.objects.filter(pk=prod.hero.pk).update(canceled=True)
    assert admin_client.get(prod.casting_url()).json() == []


@pytest.mark.parametrize("role", TEAM_READERS + ("vendor",))
def test_casting_read_team(make_client, prod, role):
    assert prod.member(make_client, role).get(prod.casting_url()).status_code == 200


@pytest.mark.parametrize("role", ROLES[1:])
def test_casting_read_outsider(make_client, prod, role):
    assert make_client(role).get(prod.casting_url()).status_code == 403


def test_casting_read_anonymous(api_client, prod):
    assert api_client.get(prod.casting_url()).status_code == 401


def test_casting_read_unknown_ids(admin_client, prod):
    assert admin_client.get(f"/api/data/projects/{prod.project.pk}/entities/{uuid.uuid4()}/casting").status_code == 404
    assert admin_client.get(f"/api/data/projects/{uuid.uuid4()}/entities/{prod.shot.pk}/casting").status_code == 404
    assert admin_client.get(f"/api/data/projects/{prod.project.pk}/entities/nope/casting").status_code == 400


def test_casting_entity_of_other_project(admin_client, prod):
    url = f"/api/data/projects/{prod.other_project.pk}/entities/{prod.shot.pk}/casting"
    assert admin_client.get(url).status_code == 404
    assert admin_client.put(url, [], format="json").status_code == 404


# ---- entity casting: writes -------------------------------------------------------


def test_casting_update_creates_links(admin_client, prod):
    body = [
        {"asset_id": str(prod.hero.pk), "nb_occurences": 2, "label": "animate"},
        {"asset_id": str(prod.villain.pk), "nb_occurences": 1},
    ]
    response = admin_client.put(prod.casting_url(), body, format="json")
    assert response.status_code == 200
    assert {row["asset_id"] for row in response.json()} == {str(prod.hero.pk), str(prod.villain.pk)}
    assert links_of(prod.shot) == {(prod.hero.pk, 2, "animate"), (prod.villain.pk, 1, "")}
    assert nb_entities_out(prod.shot) == 2


def test_casting_update_keeps_unchanged_rows(admin_client, prod):
    kept = prod.cast(prod.shot, prod.hero, 2)
    changed = prod.cast(prod.shot, prod.villain, 1)
    body = [
        {"asset_id": str(prod.hero.pk), "nb_occurences": 2},
        {"asset_id": str(prod.villain.pk), "nb_occurences": 5, "label": "fixed"},
    ]
    admin_client.put(prod.casting_url(), body, format="json")
    assert EntityLink.objects.get(pk=kept.pk).updated_at == kept.updated_at
    assert EntityLink.objects.get(pk=changed.pk).nb_occurences == 5


def test_casting_update_removes_links(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    prod.cast(prod.shot, prod.villain)
    admin_client.put(prod.casting_url(), [{"asset_id": str(prod.villain.pk)}], format="json")
    assert links_of(prod.shot) == {(prod.villain.pk, 1, "")}
    assert nb_entities_out(prod.shot) == 1


def test_casting_update_clear(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    assert admin_client.put(prod.casting_url(), [], format="json").json() == []
    assert nb_entities_out(prod.shot) == 0


def test_casting_update_events(admin_client, prod, django_capture_on_commit_callbacks):
    removed = prod.cast(prod.shot, prod.villain)
    body = [{"asset_id": str(prod.hero.pk), "nb_occurences": 3}]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.put(prod.casting_url(), body, format="json")
    names = list(ApiEvent.objects.values_list("name", flat=True))
    assert "entity-link:new" in names
    assert "entity-link:delete" in names
    update = ApiEvent.objects.get(name="shot:casting-update")
    assert update.data == {"shot_id": str(prod.shot.pk), "nb_entities_out": 1, "project_id": str(prod.project.pk)}
    deleted = ApiEvent.objects.get(name="entity-link:delete")
    assert deleted.data["entity_link_id"] == str(removed.pk)


def test_casting_shot_casts_episode(admin_client, prod):
    admin_client.put(prod.casting_url(), [{"asset_id": str(prod.hero.pk)}], format="json")
    assert EntityLink.objects.filter(entity_in=prod.episode, entity_out=prod.hero).exists()
    assert nb_entities_out(prod.episode) == 1


def test_casting_episode_removal_reaches_shots(admin_client, prod):
    prod.cast(prod.episode, prod.hero)
    prod.cast(prod.shot, prod.hero)
    admin_client.put(prod.casting_url(prod.episode), [], format="json")
    assert not EntityLink.objects.filter(entity_in=prod.shot).exists()
    assert nb_entities_out(prod.shot) == 0
    assert nb_entities_out(prod.episode) == 0


def test_casting_asset_in_asset(admin_client, prod):
    url = f"/api/data/assets/{prod.hero.pk}/casting"
    response = admin_client.put(url, [{"asset_id": str(prod.villain.pk), "nb_occurences": 2}], format="json")
    assert response.status_code == 200
    assert admin_client.get(url).json()[0]["asset_id"] == str(prod.villain.pk)
    assert nb_entities_out(prod.hero) == 1


def test_casting_shared_asset(admin_client, prod):
    response = admin_client.put(prod.casting_url(), [{"asset_id": str(prod.shared.pk)}], format="json")
    assert response.status_code == 200
    assert response.json()[0]["is_shared"] is True


def test_casting_updates_assets_ready(admin_client, prod):
    layout = factories.TaskTypeFactory(for_entity="Shot")
    animation = factories.TaskTypeFactory(for_entity="Shot")
    factories.ProjectTaskTypeLinkFactory(project=prod.project, task_type=layout, priority=1)
    factories.ProjectTaskTypeLinkFactory(project=prod.project, task_type=animation, priority=2)
    Entity.objects.filter(pk=prod.hero.pk).update(ready_for=animation)
    layout_task = factories.TaskFactory(project=prod.project, entity=prod.shot, task_type=layout)
    body = [{"asset_id": str(prod.hero.pk)}, {"asset_id": str(prod.shared.pk)}]
    admin_client.put(prod.casting_url(), body, format="json")
    assert Task.objects.get(pk=layout_task.pk).nb_assets_ready == 2


BAD_BODIES = [
    ({"asset_id": "x"}, "casting"),
    (["not an object"], "casting.0"),
    ([{"nb_occurences": 1}], "casting.0.asset_id"),
    ([{"asset_id": "nope"}], "casting.0.asset_id"),
    ([{"asset_id": "{unknown}"}], "casting.0.asset_id"),
    ([{"asset_id": "{hero}", "nb_occurences": 0}], "casting.0.nb_occurences"),
    ([{"asset_id": "{hero}", "nb_occurences": "many"}], "casting.0.nb_occurences"),
    ([{"asset_id": "{hero}", "nb_occurences": True}], "casting.0.nb_occurences"),
    ([{"asset_id": "{hero}", "label": 5}], "casting.0.label"),
    ([{"asset_id": "{hero}", "label": "x" * 81}], "casting.0.label"),
    ([{"asset_id": "{hero}"}, {"asset_id": "{hero}"}], "casting.1.asset_id"),
    ([{"asset_id": "{shot}"}], "casting.0.asset_id"),
    ([{"asset_id": "{sequence}"}], "casting.0.asset_id"),
    ([{"asset_id": "{private}"}], "casting.0.asset_id"),
]


def fill(body, prod):
    names = {
        "{hero}": prod.hero.pk,
        "{shot}": prod.shot.pk,
        "{sequence}": prod.sequence.pk,
        "{private}": prod.private.pk,
        "{unknown}": uuid.uuid4(),
    }
    if isinstance(body, list):
        return [fill(item, prod) for item in body]
    if isinstance(body, dict):
        return {key: str(names.get(value, value)) if value in names else value for key, value in body.items()}
    return body


@pytest.mark.parametrize("body,field", BAD_BODIES)
def test_casting_update_bad_input(admin_client, prod, body, field):
    prod.cast(prod.shot, prod.villain, 3)
    response = admin_client.put(prod.casting_url(), fill(body, prod), format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]
    assert links_of(prod.shot) == {(prod.villain.pk, 3, "")}
    assert nb_entities_out(prod.shot) == 1


def test_casting_update_in_itself(admin_client, prod):
    url = f"/api/data/assets/{prod.hero.pk}/casting"
    response = admin_client.put(url, [{"asset_id": str(prod.hero.pk)}], format="json")
    assert response.status_code == 400
    assert "casting.0.asset_id" in response.json()["message"]


@pytest.mark.parametrize("role", ("supervisor", "user", "client", "vendor"))
def test_casting_update_team_refused(make_client, prod, role):
    client = prod.member(make_client, role)
    assert client.put(prod.casting_url(), [], format="json").status_code == 403


def test_casting_update_manager(make_client, prod):
    client = prod.member(make_client, "manager")
    response = client.put(prod.casting_url(), [{"asset_id": str(prod.hero.pk)}], format="json")
    assert response.status_code == 200


def test_casting_update_outside_manager(make_client, prod):
    assert make_client("manager").put(prod.casting_url(), [], format="json").status_code == 403


def test_casting_update_anonymous(api_client, prod):
    assert api_client.put(prod.casting_url(), [], format="json").status_code == 401


# ---- asset and shot views of the casting ----------------------------------------


def test_cast_in_shape(admin_client, prod):
    prod.cast(prod.shot, prod.hero, 4)
    prod.cast(prod.villain, prod.hero, 1)
    rows = admin_client.get(f"/api/data/assets/{prod.hero.pk}/cast-in").json()
    assert rows[0] == {
        "shot_id": str(prod.shot.pk),
        "shot_name": "SH010",
        "sequence_name": "SQ01",
        "episode_id": str(prod.episode.pk),
        "episode_name": "E01",
        "preview_file_id": None,
        "nb_occurences": 4,
    }
    assert rows[1]["asset_id"] == str(prod.villain.pk)
    assert len(rows) == 2


def test_shot_assets(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    rows = admin_client.get(f"/api/data/shots/{prod.shot.pk}/assets").json()
    assert [row["id"] for row in rows] == [str(prod.hero.pk)]
    assert rows[0]["type"] == "Asset"


def test_shot_asset_types(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    prod.cast(prod.shot, prod.villain)
    rows = admin_client.get(f"/api/data/shots/{prod.shot.pk}/asset-types").json()
    assert [row["name"] for row in rows] == ["Character"]
    assert rows[0]["type"] == "AssetType"


def test_asset_assets(admin_client, prod):
    prod.cast(prod.hero, prod.villain)
    rows = admin_client.get(f"/api/data/assets/{prod.hero.pk}/assets").json()
    assert [row["id"] for row in rows] == [str(prod.villain.pk)]


@pytest.mark.parametrize(
    "path",
    [
        "/api/data/assets/{unknown}/cast-in",
        "/api/data/assets/{unknown}/casting",
        "/api/data/assets/{unknown}/assets",
        "/api/data/shots/{unknown}/assets",
        "/api/data/shots/{unknown}/asset-types",
        "/api/data/assets/{shot}/cast-in",
    ],
)
def test_asset_routes_unknown(admin_client, prod, path):
    url = path.format(unknown=uuid.uuid4(), shot=prod.shot.pk)
    assert admin_client.get(url).status_code == 404


def test_asset_routes_malformed(admin_client):
    assert admin_client.get("/api/data/assets/nope/cast-in").status_code == 400


def test_cast_in_vendor_needs_task(make_client, prod):
    vendor = prod.member(make_client, "vendor")
    url = f"/api/data/assets/{prod.hero.pk}/cast-in"
    assert vendor.get(url).status_code == 403
    task = factories.TaskFactory(project=prod.project, entity=prod.hero)
    task.assignees.add(vendor.person)
    assert vendor.get(url).status_code == 200


# ---- project-wide maps ------------------------------------------------------------


def test_sequence_casting(admin_client, prod):
    prod.cast(prod.shot, prod.hero, 2)
    url = f"/api/data/projects/{prod.project.pk}/sequences/{prod.sequence.pk}/casting"
    body = admin_client.get(url).json()
    assert list(body) == [str(prod.shot.pk)]
    assert body[str(prod.shot.pk)][0]["sequence_name"] == "SQ01"
    assert body[str(prod.shot.pk)][0]["nb_occurences"] == 2


def test_all_sequences_casting(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    body = admin_client.get(f"/api/data/projects/{prod.project.pk}/sequences/all/casting").json()
    assert list(body) == [str(prod.shot.pk)]


def test_episode_sequences_casting(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    base = f"/api/data/projects/{prod.project.pk}/episodes"
    assert list(admin_client.get(f"{base}/{prod.episode.pk}/sequences/all/casting").json()) == [str(prod.shot.pk)]
    assert admin_client.get(f"{base}/main/sequences/all/casting").json() == {}
    assert admin_client.get(f"{base}/{uuid.uuid4()}/sequences/all/casting").status_code == 404


def test_episodes_casting(admin_client, prod):
    prod.cast(prod.episode, prod.hero)
    prod.cast(prod.shot, prod.villain)
    body = admin_client.get(f"/api/data/projects/{prod.project.pk}/episodes/casting").json()
    assert list(body) == [str(prod.episode.pk)]


def test_asset_type_casting(admin_client, prod):
    prod.cast(prod.hero, prod.villain)
    url = f"/api/data/projects/{prod.project.pk}/asset-types/{prod.character.pk}/casting"
    body = admin_client.get(url).json()
    assert body[str(prod.hero.pk)][0]["asset_id"] == str(prod.villain.pk)
    unknown = f"/api/data/projects/{prod.project.pk}/asset-types/{uuid.uuid4()}/casting"
    assert admin_client.get(unknown).status_code == 404


def test_sequence_casting_unknown(admin_client, prod):
    url = f"/api/data/projects/{prod.project.pk}/sequences/{uuid.uuid4()}/casting"
    assert admin_client.get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES[1:])
def test_project_casting_outsider(make_client, prod, role):
    url = f"/api/data/projects/{prod.project.pk}/sequences/all/casting"
    assert make_client(role).get(url).status_code == 403


@pytest.mark.parametrize("role", TEAM_READERS)
def test_project_casting_team(make_client, prod, role):
    url = f"/api/data/projects/{prod.project.pk}/sequences/all/casting"
    assert prod.member(make_client, role).get(url).status_code == 200


def add_cast_shots(prod, count):
    """Add shots cast with three assets, and episodes cast with one."""
    for _ in range(count):
        shot = prod.entity(f"SH-{uuid.uuid4().hex[:6]}", "Shot", parent=prod.sequence)
        for asset in (prod.hero, prod.villain, prod.shared):
            prod.cast(shot, asset)
        prod.cast(prod.entity(f"E-{uuid.uuid4().hex[:6]}", "Episode"), prod.hero)


@pytest.mark.parametrize(
    "path",
    [
        "/api/data/projects/{project}/sequences/all/casting",
        "/api/data/projects/{project}/sequences/{sequence}/casting",
        "/api/data/projects/{project}/episodes/{episode}/sequences/all/casting",
        "/api/data/projects/{project}/episodes/casting",
        "/api/data/projects/{project}/entity-links",
        "/api/data/projects/{project}/assets/shared-used",
    ],
)
def test_project_casting_queries(admin_client, prod, path):
    url = path.format(project=prod.project.pk, sequence=prod.sequence.pk, episode=prod.episode.pk)
    add_cast_shots(prod, 1)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    add_cast_shots(prod, 5)
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url).status_code == 200
    assert len(many) == len(few)


# ---- shared assets ---------------------------------------------------------------


def test_shared_assets_used(admin_client, prod):
    prod.cast(prod.shot, prod.shared)
    prod.cast(prod.shot, prod.hero)
    rows = admin_client.get(f"/api/data/projects/{prod.project.pk}/assets/shared-used").json()
    assert [row["id"] for row in rows] == [str(prod.shared.pk)]
    url = f"/api/data/projects/{prod.project.pk}/episodes/{prod.episode.pk}/assets/shared-used"
    assert len(admin_client.get(url).json()) == 1


def test_share_assets(admin_client, prod):
    response = admin_client.post("/api/actions/assets/share", {"asset_ids": [str(prod.hero.pk)]}, format="json")
    assert response.status_code == 200
    assert response.json()[0]["is_shared"] is True
    assert Entity.objects.get(pk=prod.hero.pk).is_shared


def test_share_project_assets(admin_client, prod):
    url = f"/api/actions/projects/{prod.project.pk}/assets/share"
    assert admin_client.post(url, {"is_shared": True}, format="json").status_code == 200
    assert Entity.objects.filter(project=prod.project, is_shared=True).count() == 2


def test_unshare_asset_type(admin_client, prod):
    Entity.objects.filter(pk=prod.hero.pk).update(is_shared=True)
    url = f"/api/actions/projects/{prod.project.pk}/asset-types/{prod.character.pk}/assets/share"
    assert admin_client.post(url, {"is_shared": False}, format="json").status_code == 200
    assert not Entity.objects.filter(project=prod.project, is_shared=True).exists()


def test_share_bad_input(admin_client, prod):
    assert admin_client.post("/api/actions/assets/share", {}, format="json").status_code == 400
    bad_id = admin_client.post("/api/actions/assets/share", {"asset_ids": ["nope"]}, format="json")
    assert bad_id.status_code == 400
    unknown = admin_client.post("/api/actions/assets/share", {"asset_ids": [str(uuid.uuid4())]}, format="json")
    assert unknown.status_code == 404
    flag = admin_client.post(
        "/api/actions/assets/share", {"asset_ids": [str(prod.hero.pk)], "is_shared": "maybe"}, format="json"
    )
    assert flag.status_code == 400


@pytest.mark.parametrize("role", ("supervisor", "user", "client", "vendor"))
def test_share_refused(make_client, prod, role):
    client = prod.member(make_client, role)
    response = client.post("/api/actions/assets/share", {"asset_ids": [str(prod.hero.pk)]}, format="json")
    assert response.status_code == 403
    assert not Entity.objects.get(pk=prod.hero.pk).is_shared


# ---- full reads and deletes --------------------------------------------------------


def test_shot_detail_lists_casting(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    row = admin_client.get(f"/api/data/shots/{prod.shot.pk}").json()
    assert row["entities_out"] == [str(prod.hero.pk)]
    assert row["nb_entities_out"] == 1


def test_asset_detail_lists_cast_in(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    prod.cast(prod.episode, prod.hero)
    row = admin_client.get(f"/api/data/assets/{prod.hero.pk}").json()
    assert sorted(row["entities_in"]) == sorted([str(prod.shot.pk), str(prod.episode.pk)])
    assert row["casting_episode_ids"] == [str(prod.episode.pk)]


def test_asset_delete_cancels_cast_asset(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    factories.TaskFactory(project=prod.project, entity=prod.hero)
    assert admin_client.delete(f"/api/data/assets/{prod.hero.pk}").status_code == 204
    assert Entity.objects.get(pk=prod.hero.pk).canceled
    assert EntityLink.objects.filter(entity_out=prod.hero).exists()


def test_asset_force_delete_releases_casting(admin_client, prod):
    prod.cast(prod.shot, prod.hero)
    prod.cast(prod.shot, prod.villain)
    factories.TaskFactory(project=prod.project, entity=prod.hero)
    assert admin_client.delete(f"/api/data/assets/{prod.hero.pk}?force=true").status_code == 204
    assert not Entity.objects.filter(pk=prod.hero.pk).exists()
    assert links_of(prod.shot) == {(prod.villain.pk, 1, "")}
    assert nb_entities_out(prod.shot) == 1
