"""Creation of scenes, edits and concepts, shots made from a scene, concept links, shot versions and retake stats."""

import uuid

import pytest

from productions.models import ApiEvent, Entity, EntityConceptLink, EntityVersion, TaskPersonLink
from tests import factories
from tests.productions.test_entity_kinds import Production

pytestmark = pytest.mark.django_db

NON_MANAGERS = ("supervisor", "user", "client", "vendor")


@pytest.fixture
def prod():
    return Production()


@pytest.fixture
def manager(prod, make_client):
    return prod.member(make_client, "manager")


def post_scene(client, prod, **body):
    return client.post(f"/api/data/projects/{prod.project.pk}/scenes", body, format="json")


def post_edit(client, prod, **body):
    return client.post(f"/api/data/projects/{prod.project.pk}/edits", body, format="json")


def post_concept(client, prod, **body):
    return client.post(f"/api/data/projects/{prod.project.pk}/concepts", body, format="json")


def errors(response):
    return response.json()["errors"]


# ---- scenes ------------------------------------------------------------------------


def test_scene_create(manager, prod):
    response = post_scene(manager, prod, name="SC02", sequence_id=str(prod.sequence.pk))
    assert response.status_code == 201
    assert (response.json()["type"], response.json()["parent_id"]) == ("Scene", str(prod.sequence.pk))


def test_scene_create_records_creator(manager, prod):
    response = post_scene(manager, prod, name="SC02", sequence_id=str(prod.sequence.pk))
    assert response.json()["created_by"] == str(manager.person.pk)


def test_scene_create_event(django_capture_on_commit_callbacks, manager, prod):
    with django_capture_on_commit_callbacks(execute=True):
        scene_id = post_scene(manager, prod, name="SC02", sequence_id=str(prod.sequence.pk)).json()["id"]
    assert ApiEvent.objects.get(name="scene:new").data["scene_id"] == scene_id


def test_scene_create_without_name(manager, prod):
    response = post_scene(manager, prod, sequence_id=str(prod.sequence.pk))
    assert (response.status_code, list(errors(response))) == (400, ["name"])


def test_scene_create_without_sequence(manager, prod):
    response = post_scene(manager, prod, name="SC02")
    assert (response.status_code, list(errors(response))) == (400, ["sequence_id"])


@pytest.mark.parametrize("parent", ["shot", "episode", "unknown", "malformed", "other_project"])
def test_scene_create_bad_sequence(manager, prod, parent):
    values = {
        "shot": str(prod.shot.pk),
        "episode": str(prod.episode.pk),
        "unknown": str(uuid.uuid4()),
        "malformed": "nope",
        "other_project": str(factories.EntityFactory(entity_type=prod.sequence.entity_type).pk),
    }
    response = post_scene(manager, prod, name="SC02", sequence_id=values[parent])
    assert (response.status_code, list(errors(response))) == (400, ["sequence_id"])
    assert not Entity.objects.filter(name="SC02").exists()


def test_scene_create_duplicate_name(manager, prod):
    response = post_scene(manager, prod, name="SC01", sequence_id=str(prod.sequence.pk))
    assert (response.status_code, list(errors(response))) == (400, ["name"])


def test_scene_create_same_name_other_sequence(manager, prod):
    other = prod.entity("SQ02", "Sequence", parent=prod.episode)
    assert post_scene(manager, prod, name="SC01", sequence_id=str(other.pk)).status_code == 201


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_scene_create_refused(make_client, prod, role):
    client = prod.member(make_client, role)
    assert post_scene(client, prod, name="SC02", sequence_id=str(prod.sequence.pk)).status_code == 403


def test_scene_create_unknown_project(admin_client):
    assert admin_client.post(f"/api/data/projects/{uuid.uuid4()}/scenes", {"name": "x"}).status_code == 404


def test_scene_create_anonymous(api_client, prod):
    assert post_scene(api_client, prod, name="SC02", sequence_id=str(prod.sequence.pk)).status_code == 401


def test_scene_create_body_not_object(manager, prod):
    response = manager.post(f"/api/data/projects/{prod.project.pk}/scenes", [1], format="json")
    assert response.status_code == 400


# ---- shots of a scene ----------------------------------------------------------------


def add_shot(client, prod, shot_id):
    return client.post(f"/api/data/scenes/{prod.scene.pk}/shots", {"shot_id": str(shot_id)}, format="json")


def test_scene_shot_add(manager, prod):
    response = add_shot(manager, prod, prod.shot.pk)
    assert (response.status_code, response.json()["source_id"]) == (201, str(prod.scene.pk))


def test_scene_shots_list(manager, prod):
    add_shot(manager, prod, prod.shot.pk)
    rows = manager.get(f"/api/data/scenes/{prod.scene.pk}/shots").json()
    assert [row["id"] for row in rows] == [str(prod.shot.pk)]


def test_scene_shot_add_event(django_capture_on_commit_callbacks, manager, prod):
    with django_capture_on_commit_callbacks(execute=True):
        add_shot(manager, prod, prod.shot.pk)
    assert ApiEvent.objects.get(name="shot:add-to-scene").data["shot_id"] == str(prod.shot.pk)


def test_scene_shot_remove(manager, prod):
    add_shot(manager, prod, prod.shot.pk)
    response = manager.delete(f"/api/data/scenes/{prod.scene.pk}/shots/{prod.shot.pk}")
    assert response.status_code == 204
    assert Entity.objects.get(pk=prod.shot.pk).source_id is None


def test_scene_shot_remove_keeps_other_scene(manager, prod):
    other = prod.entity("SC02", "Scene", parent=prod.sequence)
    Entity.objects.filter(pk=prod.shot.pk).update(source=other)
    manager.delete(f"/api/data/scenes/{prod.scene.pk}/shots/{prod.shot.pk}")
    assert Entity.objects.get(pk=prod.shot.pk).source_id == other.pk


@pytest.mark.parametrize("value", ["sequence", "unknown", "malformed", "missing"])
def test_scene_shot_add_bad_shot(manager, prod, value):
    body = {"sequence": str(prod.sequence.pk), "unknown": str(uuid.uuid4()), "malformed": "nope"}
    body = {"shot_id": body[value]} if value in body else {}
    response = manager.post(f"/api/data/scenes/{prod.scene.pk}/shots", body, format="json")
    assert (response.status_code, list(errors(response))) == (400, ["shot_id"])


def test_scene_shot_remove_unknown_shot(manager, prod):
    assert manager.delete(f"/api/data/scenes/{prod.scene.pk}/shots/{uuid.uuid4()}").status_code == 404


def test_scene_shot_add_unknown_scene(admin_client, prod):
    response = admin_client.post(f"/api/data/scenes/{uuid.uuid4()}/shots", {"shot_id": str(prod.shot.pk)})
    assert response.status_code == 404


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_scene_shot_add_refused(make_client, prod, role):
    client = prod.member(make_client, role)
    assert add_shot(client, prod, prod.shot.pk).status_code == 403
    assert client.delete(f"/api/data/scenes/{prod.scene.pk}/shots/{prod.shot.pk}").status_code == 403


# ---- edits -------------------------------------------------------------------------


def test_edit_create_in_episode(manager, prod):
    response = post_edit(manager, prod, name="Teaser", episode_id=str(prod.episode.pk), description="short")
    assert response.status_code == 201
    assert (response.json()["parent_id"], response.json()["description"]) == (str(prod.episode.pk), "short")


def test_edit_create_with_parent_id(manager, prod):
    response = post_edit(manager, prod, name="Teaser", parent_id=str(prod.episode.pk), data={"duration": 30})
    assert (response.json()["parent_id"], response.json()["data"]) == (str(prod.episode.pk), {"duration": 30})


def test_edit_create_without_episode(manager, prod):
    response = post_edit(manager, prod, name="Teaser")
    assert (response.status_code, response.json()["parent_id"]) == (201, None)


def test_edit_create_event(django_capture_on_commit_callbacks, manager, prod):
    with django_capture_on_commit_callbacks(execute=True):
        edit_id = post_edit(manager, prod, name="Teaser").json()["id"]
    assert ApiEvent.objects.get(name="edit:new").data["edit_id"] == edit_id


def test_edit_create_without_name(manager, prod):
    response = post_edit(manager, prod, description="nameless")
    assert (response.status_code, list(errors(response))) == (400, ["name"])


@pytest.mark.parametrize("key", ["episode_id", "parent_id"])
def test_edit_create_parent_of_wrong_kind(manager, prod, key):
    response = post_edit(manager, prod, name="Teaser", **{key: str(prod.sequence.pk)})
    assert (response.status_code, list(errors(response))) == (400, [key])


def test_edit_create_bad_data(manager, prod):
    response = post_edit(manager, prod, name="Teaser", data="long")
    assert (response.status_code, list(errors(response))) == (400, ["data"])


def test_edit_create_duplicate_in_episode(manager, prod):
    response = post_edit(manager, prod, name="Trailer", episode_id=str(prod.episode.pk))
    assert (response.status_code, list(errors(response))) == (400, ["name"])


@pytest.mark.parametrize("role", NON_MANAGERS)
def test_edit_create_refused(make_client, prod, role):
    assert post_edit(prod.member(make_client, role), prod, name="Teaser").status_code == 403


# ---- concepts ------------------------------------------------------------------------


def test_concept_create_with_links(manager, prod):
    response = post_concept(manager, prod, name="Tower", entity_concept_links=[str(prod.asset.pk)])
    assert response.status_code == 201
    assert response.json()["entity_concept_links"] == [str(prod.asset.pk)]


def test_concept_create_writes_link(manager, prod):
    concept_id = post_concept(manager, prod, name="Tower", entity_concept_links=[str(prod.asset.pk)]).json()["id"]
    link = EntityConceptLink.objects.get(entity_in_id=concept_id)
    assert link.entity_out_id == prod.asset.pk


def test_concept_create_event(django_capture_on_commit_callbacks, manager, prod):
    with django_capture_on_commit_callbacks(execute=True):
        concept_id = post_concept(manager, prod, name="Tower").json()["id"]
    assert ApiEvent.objects.get(name="concept:new").data["concept_id"] == concept_id


@pytest.mark.parametrize("link", ["unknown", "malformed", "other_project"])
def test_concept_create_bad_link(manager, prod, link):
    values = {"unknown": str(uuid.uuid4()), "malformed": "nope", "other_project": str(factories.EntityFactory().pk)}
    response = post_concept(manager, prod, name="Tower", entity_concept_links=[values[link]])
    assert (response.status_code, list(errors(response))) == (400, ["entity_concept_links"])
    assert not Entity.objects.filter(name="Tower").exists()


def test_concept_create_duplicate(manager, prod):
    response = post_concept(manager, prod, name="Castle")
    assert (response.status_code, list(errors(response))) == (400, ["name"])


@pytest.mark.parametrize("role", ("supervisor", "user"))
def test_concept_create_by_artist_or_supervisor(make_client, prod, role):
    assert post_concept(prod.member(make_client, role), prod, name="Tower").status_code == 201


@pytest.mark.parametrize("role", ("client", "vendor"))
def test_concept_create_refused(make_client, prod, role):
    assert post_concept(prod.member(make_client, role), prod, name="Tower").status_code == 403


def test_concept_create_outsider(make_client, prod):
    assert post_concept(make_client("user"), prod, name="Tower").status_code == 403


# ---- concept links through the entity update ---------------------------------------


def put_entity(client, entity, body):
    return client.put(f"/api/data/entities/{entity.pk}", body, format="json")


def test_entity_update_replaces_concept_links(manager, prod):
    factories.EntityConceptLinkFactory(entity_in=prod.concept, entity_out=prod.shot)
    response = put_entity(manager, prod.concept, {"entity_concept_links": [str(prod.asset.pk)]})
    assert response.json()["entity_concept_links"] == [str(prod.asset.pk)]
    assert list(EntityConceptLink.objects.values_list("entity_out_id", flat=True)) == [prod.asset.pk]


def test_entity_update_keeps_links_when_absent(manager, prod):
    factories.EntityConceptLinkFactory(entity_in=prod.concept, entity_out=prod.asset)
    put_entity(manager, prod.concept, {"description": "a tower"})
    assert EntityConceptLink.objects.count() == 1


def test_entity_update_bad_concept_link_writes_nothing(manager, prod):
    response = put_entity(manager, prod.concept, {"description": "changed", "entity_concept_links": ["nope"]})
    assert (response.status_code, list(errors(response))) == (400, ["entity_concept_links"])
    assert Entity.objects.get(pk=prod.concept.pk).description != "changed"


def test_entity_read_lists_concept_links(admin_client, prod):
    factories.EntityConceptLinkFactory(entity_in=prod.asset, entity_out=prod.concept)
    row = admin_client.get(f"/api/data/entities/{prod.asset.pk}").json()
    assert row["entity_concept_links"] == [str(prod.concept.pk)]


# ---- versions ----------------------------------------------------------------------


def test_shot_update_saves_version(manager, prod):
    manager.put(f"/api/data/shots/{prod.shot.pk}", {"nb_frames": 60}, format="json")
    version = EntityVersion.objects.get(entity=prod.shot)
    assert (version.data, version.person_id) == ({"frame_in": 1, "nb_frames": 60}, manager.person.pk)


def test_shot_update_same_values_saves_none(manager, prod):
    manager.put(f"/api/data/shots/{prod.shot.pk}", {"nb_frames": 48, "description": "x"}, format="json")
    assert not EntityVersion.objects.exists()


def test_entity_update_of_shot_data_saves_version(manager, prod):
    put_entity(manager, prod.shot, {"data": {"frame_out": 48}})
    assert EntityVersion.objects.get(entity=prod.shot).data == {"frame_in": 1, "frame_out": 48, "nb_frames": 48}


def test_entity_update_of_scene_saves_no_version(manager, prod):
    put_entity(manager, prod.scene, {"data": {"frame_out": 48}})
    assert not EntityVersion.objects.exists()


def test_shot_versions_newest_first(admin_client, prod):
    older = factories.EntityVersionFactory(entity=prod.shot)
    newer = factories.EntityVersionFactory(entity=prod.shot)
    rows = admin_client.get(f"/api/data/shots/{prod.shot.pk}/versions").json()
    assert [row["id"] for row in rows] == [str(newer.pk), str(older.pk)]


def test_shot_versions_type(admin_client, prod):
    factories.EntityVersionFactory(entity=prod.shot)
    assert admin_client.get(f"/api/data/shots/{prod.shot.pk}/versions").json()[0]["type"] == "ShotVersion"


def test_edit_versions_type(admin_client, prod):
    factories.EntityVersionFactory(entity=prod.edit)
    assert admin_client.get(f"/api/data/edits/{prod.edit.pk}/versions").json()[0]["type"] == "EditVersion"


def test_shot_versions_vendor_without_task(make_client, prod):
    assert prod.vendor(make_client).get(f"/api/data/shots/{prod.shot.pk}/versions").status_code == 403


def test_shot_versions_unknown(admin_client):
    assert admin_client.get(f"/api/data/shots/{uuid.uuid4()}/versions").status_code == 404


# ---- retake statistics ----------------------------------------------------------------


def retake_stats(client, prod):
    return client.get(f"/api/data/projects/{prod.project.pk}/episodes/retake-stats")


@pytest.fixture
def shot_tasks(prod):
    """A done shot task taken three times and a shot task waiting for a retake, of one task type."""
    task_type = factories.TaskTypeFactory(for_entity="Shot")
    done = factories.TaskStatusFactory(is_done=True)
    retake = factories.TaskStatusFactory(is_retake=True)
    first = factories.TaskFactory(
        project=prod.project, entity=prod.shot, task_type=task_type, task_status=done, retake_count=2, nb_drawings=5
    )
    other = prod.entity("SH020", "Shot", parent=prod.sequence, nb_frames=10)
    second = factories.TaskFactory(
        project=prod.project, entity=other, task_type=task_type, task_status=retake, retake_count=1
    )
    return task_type, first, second


def test_retake_stats_empty(admin_client, prod):
    stats = retake_stats(admin_client, prod).json()
    assert stats == {
        "all": {
            "all": {
                "max_retake_count": 0,
                "evolution": {},
                "done": {"count": 0, "frames": 0, "drawings": 0},
                "retake": {"count": 0, "frames": 0, "drawings": 0},
                "other": {"count": 0, "frames": 0, "drawings": 0},
            }
        }
    }


def test_retake_stats_counts(admin_client, prod, shot_tasks):
    task_type, _, _ = shot_tasks
    entry = retake_stats(admin_client, prod).json()[str(prod.episode.pk)][str(task_type.pk)]
    assert entry["max_retake_count"] == 2
    assert entry["done"] == {"count": 1, "frames": 48, "drawings": 5}
    assert entry["retake"] == {"count": 1, "frames": 10, "drawings": 0}


def test_retake_stats_evolution(admin_client, prod, shot_tasks):
    task_type, _, _ = shot_tasks
    evolution = retake_stats(admin_client, prod).json()[str(prod.episode.pk)]["all"]["evolution"]
    assert evolution["1"]["retake"]["count"] == 2
    assert (evolution["2"]["retake"]["count"], evolution["2"]["other"]["count"]) == (1, 1)


def test_retake_stats_project_total(admin_client, prod, shot_tasks):
    total = retake_stats(admin_client, prod).json()["all"]["all"]
    assert (total["done"]["count"], total["retake"]["count"]) == (1, 1)


def test_retake_stats_vendor_counts_own_tasks(make_client, prod, shot_tasks):
    _, first, _ = shot_tasks
    client = prod.member(make_client, "vendor")
    TaskPersonLink.objects.create(task=first, person=client.person)
    total = retake_stats(client, prod).json()["all"]["all"]
    assert (total["done"]["count"], total["retake"]["count"]) == (1, 0)


@pytest.mark.parametrize("role", ("manager", "supervisor", "user", "client"))
def test_retake_stats_team_member(make_client, prod, role):
    assert retake_stats(prod.member(make_client, role), prod).status_code == 200


def test_retake_stats_outsider(make_client, prod):
    assert retake_stats(make_client("user"), prod).status_code == 403


def test_retake_stats_anonymous(api_client, prod):
    assert retake_stats(api_client, prod).status_code == 401


def test_retake_stats_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{uuid.uuid4()}/episodes/retake-stats").status_code == 404


def test_retake_stats_malformed_project(admin_client):
    assert admin_client.get("/api/data/projects/nope/episodes/retake-stats").status_code == 400
