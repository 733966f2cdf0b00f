"""The /data/projects/<id>/... routes: settings, team, structure creation and the project's lists."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from productions.models import (
    Entity,
    EntityType,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    TaskPersonLink,
)
from tests import factories

pytestmark = pytest.mark.django_db

NON_MANAGER_ROLES = ("supervisor", "user", "client", "vendor")
MEMBER_ROLES = ("manager", "supervisor", "user", "client", "vendor")


def join_team(project, person):
    ProjectPersonLink.objects.create(project=project, person=person)


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def member(make_client, project):
    """Factory: member("user") -> a client whose person is in the team of `project`."""

    def factory(role):
        client = make_client(role)
        join_team(project, client.person)
        return client

    return factory


def structure_type(name):
    return factories.EntityTypeFactory(name=name)


def episode_in(project, name="E01"):
    return factories.EntityFactory(project=project, entity_type=structure_type("Episode"), name=name)


def sequence_in(project, name="SQ01", episode=None):
    return factories.EntityFactory(project=project, entity_type=structure_type("Sequence"), name=name, parent=episode)


def shot_in(sequence, name="SH010"):
    return factories.EntityFactory(
        project=sequence.project, entity_type=structure_type("Shot"), name=name, parent=sequence
    )


def count_queries(callable_):
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == 200, response.content
    return len(queries)


# ---- settings: asset types -----------------------------------------------


def asset_types_url(project):
    return f"/api/data/projects/{project.pk}/settings/asset-types"


def test_asset_type_setting_add(admin_client, project):
    asset_type = factories.EntityTypeFactory()
    response = admin_client.post(asset_types_url(project), {"asset_type_id": str(asset_type.pk)}, format="json")
    assert response.status_code == 201
    assert response.json()["id"] == str(project.pk)
    assert response.json()["type"] == "Project"
    assert ProjectAssetTypeLink.objects.filter(project=project, asset_type=asset_type).exists()


def test_asset_type_setting_add_twice_keeps_one_link(admin_client, project):
    asset_type = factories.EntityTypeFactory()
    for _ in range(2):
        admin_client.post(asset_types_url(project), {"asset_type_id": str(asset_type.pk)}, format="json")
    assert ProjectAssetTypeLink.objects.filter(project=project).count() == 1


def test_asset_type_setting_bumps_updated_at(admin_client, project):
    before = project.updated_at
    asset_type = factories.EntityTypeFactory()
    admin_client.post(asset_types_url(project), {"asset_type_id": str(asset_type.pk)}, format="json")
    project.refresh_from_db()
    assert project.updated_at > before


@pytest.mark.parametrize(
    "body",
    [{}, {"asset_type_id": "nope"}, {"asset_type_id": str(uuid.uuid4())}, {"asset_type_id": None}],
    ids=["missing", "malformed", "unknown", "null"],
)
def test_asset_type_setting_bad_input(admin_client, project, body):
    response = admin_client.post(asset_types_url(project), body, format="json")
    assert response.status_code == 400
    assert "asset_type_id" in response.json()["message"]


def test_asset_type_setting_refuses_non_object_body(admin_client, project):
    assert admin_client.post(asset_types_url(project), [1], format="json").status_code == 400


def test_asset_type_setting_refuses_shot_type(admin_client, project):
    shot_type = structure_type("Shot")
    response = admin_client.post(asset_types_url(project), {"asset_type_id": str(shot_type.pk)}, format="json")
    assert response.status_code == 400


def test_asset_type_setting_unknown_project(admin_client):
    asset_type = factories.EntityTypeFactory()
    url = f"/api/data/projects/{uuid.uuid4()}/settings/asset-types"
    assert admin_client.post(url, {"asset_type_id": str(asset_type.pk)}, format="json").status_code == 404


def test_asset_type_setting_malformed_project(admin_client):
    url = "/api/data/projects/not-a-uuid/settings/asset-types"
    assert admin_client.post(url, {"asset_type_id": str(uuid.uuid4())}, format="json").status_code == 400


def test_asset_type_setting_without_token(api_client, project):
    assert api_client.post(asset_types_url(project), {}, format="json").status_code == 401


def test_asset_type_setting_by_team_manager(member, project):
    asset_type = factories.EntityTypeFactory()
    response = member("manager").post(asset_types_url(project), {"asset_type_id": str(asset_type.pk)}, format="json")
    assert response.status_code == 201


def test_asset_type_setting_refused_to_outside_manager(make_client, project):
    asset_type = factories.EntityTypeFactory()
    client = make_client("manager")
    response = client.post(asset_types_url(project), {"asset_type_id": str(asset_type.pk)}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_asset_type_setting_refused_to_members(member, project, role):
    asset_type = factories.EntityTypeFactory()
    response = member(role).post(asset_types_url(project), {"asset_type_id": str(asset_type.pk)}, format="json")
    assert response.status_code == 403
    assert not ProjectAssetTypeLink.objects.exists()


def test_asset_type_setting_remove(admin_client, project):
    link = factories.ProjectAssetTypeLinkFactory(project=project)
    response = admin_client.delete(f"{asset_types_url(project)}/{link.asset_type_id}")
    assert response.status_code == 204
    assert not ProjectAssetTypeLink.objects.exists()


def test_asset_type_setting_remove_unlinked(admin_client, project):
    asset_type = factories.EntityTypeFactory()
    assert admin_client.delete(f"{asset_types_url(project)}/{asset_type.pk}").status_code == 204


def test_asset_type_setting_remove_unknown(admin_client, project):
    assert admin_client.delete(f"{asset_types_url(project)}/{uuid.uuid4()}").status_code == 404


def test_asset_type_setting_remove_malformed(admin_client, project):
    assert admin_client.delete(f"{asset_types_url(project)}/nope").status_code == 400


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_asset_type_setting_remove_refused_to_members(member, project, role):
    link = factories.ProjectAssetTypeLinkFactory(project=project)
    assert member(role).delete(f"{asset_types_url(project)}/{link.asset_type_id}").status_code == 403
    assert ProjectAssetTypeLink.objects.exists()


def test_asset_type_setting_remove_without_token(api_client, project):
    assert api_client.delete(f"{asset_types_url(project)}/{uuid.uuid4()}").status_code == 401


# ---- settings: task types ------------------------------------------------


def task_types_url(project):
    return f"/api/data/projects/{project.pk}/settings/task-types"


def test_task_type_setting_add_with_priority(admin_client, project):
    task_type = factories.TaskTypeFactory()
    body = {"task_type_id": str(task_type.pk), "priority": 3}
    response = admin_client.post(task_types_url(project), body, format="json")
    assert response.status_code == 201
    assert ProjectTaskTypeLink.objects.get(project=project, task_type=task_type).priority == 3


def test_task_type_setting_add_without_priority(admin_client, project):
    task_type = factories.TaskTypeFactory()
    admin_client.post(task_types_url(project), {"task_type_id": str(task_type.pk)}, format="json")
    assert ProjectTaskTypeLink.objects.get(project=project, task_type=task_type).priority is None


def test_task_type_setting_add_again_changes_priority(admin_client, project):
    link = factories.ProjectTaskTypeLinkFactory(project=project, priority=1)
    body = {"task_type_id": str(link.task_type_id), "priority": "4"}
    admin_client.post(task_types_url(project), body, format="json")
    link.refresh_from_db()
    assert link.priority == 4
    assert ProjectTaskTypeLink.objects.filter(project=project).count() == 1


def test_task_type_setting_add_again_without_priority_keeps_it(admin_client, project):
    link = factories.ProjectTaskTypeLinkFactory(project=project, priority=2)
    admin_client.post(task_types_url(project), {"task_type_id": str(link.task_type_id)}, format="json")
    link.refresh_from_db()
    assert link.priority == 2


def test_task_type_setting_bad_priority(admin_client, project):
    task_type = factories.TaskTypeFactory()
    body = {"task_type_id": str(task_type.pk), "priority": "high"}
    response = admin_client.post(task_types_url(project), body, format="json")
    assert response.status_code == 400
    assert "priority" in response.json()["message"]
    assert not ProjectTaskTypeLink.objects.exists()


def test_task_type_setting_unknown_task_type(admin_client, project):
    response = admin_client.post(task_types_url(project), {"task_type_id": str(uuid.uuid4())}, format="json")
    assert response.status_code == 400


def test_task_type_setting_unknown_project(admin_client):
    url = f"/api/data/projects/{uuid.uuid4()}/settings/task-types"
    assert admin_client.post(url, {"task_type_id": str(uuid.uuid4())}, format="json").status_code == 404


def test_task_type_setting_without_token(api_client, project):
    assert api_client.post(task_types_url(project), {}, format="json").status_code == 401


def test_task_type_setting_by_team_manager(member, project):
    task_type = factories.TaskTypeFactory()
    response = member("manager").post(task_types_url(project), {"task_type_id": str(task_type.pk)}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_task_type_setting_refused_to_members(member, project, role):
    task_type = factories.TaskTypeFactory()
    response = member(role).post(task_types_url(project), {"task_type_id": str(task_type.pk)}, format="json")
    assert response.status_code == 403


def test_task_type_setting_remove(admin_client, project):
    link = factories.ProjectTaskTypeLinkFactory(project=project)
    assert admin_client.delete(f"{task_types_url(project)}/{link.task_type_id}").status_code == 204
    assert not ProjectTaskTypeLink.objects.exists()


def test_task_type_setting_remove_unknown(admin_client, project):
    assert admin_client.delete(f"{task_types_url(project)}/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_task_type_setting_remove_refused_to_members(member, project, role):
    link = factories.ProjectTaskTypeLinkFactory(project=project)
    assert member(role).delete(f"{task_types_url(project)}/{link.task_type_id}").status_code == 403


def test_task_type_setting_list(admin_client, project):
    link = factories.ProjectTaskTypeLinkFactory(project=project)
    factories.TaskTypeFactory()
    rows = admin_client.get(task_types_url(project)).json()
    assert [row["id"] for row in rows] == [str(link.task_type_id)]


# ---- settings: task statuses ---------------------------------------------


def task_statuses_url(project):
    return f"/api/data/projects/{project.pk}/settings/task-status"


def test_task_status_setting_add(admin_client, project):
    task_status = factories.TaskStatusFactory()
    response = admin_client.post(task_statuses_url(project), {"task_status_id": str(task_status.pk)}, format="json")
    assert response.status_code == 201
    assert response.json()["id"] == str(project.pk)
    assert ProjectTaskStatusLink.objects.filter(project=project, task_status=task_status).exists()


def test_task_status_setting_add_missing_id(admin_client, project):
    assert admin_client.post(task_statuses_url(project), {}, format="json").status_code == 400


def test_task_status_setting_add_unknown_id(admin_client, project):
    body = {"task_status_id": str(uuid.uuid4())}
    assert admin_client.post(task_statuses_url(project), body, format="json").status_code == 400


def test_task_status_setting_unknown_project(admin_client):
    url = f"/api/data/projects/{uuid.uuid4()}/settings/task-status"
    assert admin_client.get(url).status_code == 404


def test_task_status_setting_without_token(api_client, project):
    assert api_client.get(task_statuses_url(project)).status_code == 401


def test_task_status_setting_by_team_manager(member, project):
    task_status = factories.TaskStatusFactory()
    body = {"task_status_id": str(task_status.pk)}
    assert member("manager").post(task_statuses_url(project), body, format="json").status_code == 201


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_task_status_setting_refused_to_members(member, project, role):
    task_status = factories.TaskStatusFactory()
    body = {"task_status_id": str(task_status.pk)}
    assert member(role).post(task_statuses_url(project), body, format="json").status_code == 403


def test_task_status_setting_list(admin_client, project):
    link = factories.ProjectTaskStatusLinkFactory(project=project)
    factories.TaskStatusFactory()
    rows = admin_client.get(task_statuses_url(project)).json()
    assert [row["id"] for row in rows] == [str(link.task_status_id)]
    assert rows[0]["type"] == "TaskStatus"


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_task_status_setting_list_by_members(member, project, role):
    factories.ProjectTaskStatusLinkFactory(project=project)
    assert len(member(role).get(task_statuses_url(project)).json()) == 1


def test_task_status_setting_list_refused_outside_team(make_client, project):
    assert make_client("user").get(task_statuses_url(project)).status_code == 403


def test_task_status_setting_remove(admin_client, project):
    link = factories.ProjectTaskStatusLinkFactory(project=project)
    assert admin_client.delete(f"{task_statuses_url(project)}/{link.task_status_id}").status_code == 204
    assert not ProjectTaskStatusLink.objects.exists()


def test_task_status_setting_remove_unknown(admin_client, project):
    assert admin_client.delete(f"{task_statuses_url(project)}/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_task_status_setting_remove_refused_to_members(member, project, role):
    link = factories.ProjectTaskStatusLinkFactory(project=project)
    assert member(role).delete(f"{task_statuses_url(project)}/{link.task_status_id}").status_code == 403


# ---- team ----------------------------------------------------------------


def team_url(project):
    return f"/api/data/projects/{project.pk}/team"


def test_team_add(admin_client, project):
    person = factories.PersonFactory()
    response = admin_client.post(team_url(project), {"person_id": str(person.pk)}, format="json")
    assert response.status_code == 201
    assert response.json()["id"] == str(project.pk)
    assert ProjectPersonLink.objects.filter(project=project, person=person).exists()


def test_team_add_twice_keeps_one_link(admin_client, project):
    person = factories.PersonFactory()
    for _ in range(2):
        admin_client.post(team_url(project), {"person_id": str(person.pk)}, format="json")
    assert ProjectPersonLink.objects.filter(project=project).count() == 1


@pytest.mark.parametrize("body", [{}, {"person_id": "x"}, {"person_id": str(uuid.uuid4())}])
def test_team_add_bad_input(admin_client, project, body):
    response = admin_client.post(team_url(project), body, format="json")
    assert response.status_code == 400
    assert "person_id" in response.json()["message"]


def test_team_add_unknown_project(admin_client):
    person = factories.PersonFactory()
    url = f"/api/data/projects/{uuid.uuid4()}/team"
    assert admin_client.post(url, {"person_id": str(person.pk)}, format="json").status_code == 404


def test_team_add_without_token(api_client, project):
    assert api_client.post(team_url(project), {}, format="json").status_code == 401


def test_team_add_by_team_manager(member, project):
    person = factories.PersonFactory()
    assert member("manager").post(team_url(project), {"person_id": str(person.pk)}, format="json").status_code == 201


def test_team_add_refused_to_outside_manager(make_client, project):
    client = make_client("manager")
    response = client.post(team_url(project), {"person_id": str(client.person.pk)}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_team_add_refused_to_members(member, project, role):
    person = factories.PersonFactory()
    assert member(role).post(team_url(project), {"person_id": str(person.pk)}, format="json").status_code == 403


def test_team_remove(admin_client, project):
    person = factories.PersonFactory()
    join_team(project, person)
    assert admin_client.delete(f"{team_url(project)}/{person.pk}").status_code == 204
    assert not ProjectPersonLink.objects.filter(project=project, person=person).exists()


def test_team_remove_unknown_person(admin_client, project):
    assert admin_client.delete(f"{team_url(project)}/{uuid.uuid4()}").status_code == 404


def test_team_remove_without_token(api_client, project):
    assert api_client.delete(f"{team_url(project)}/{uuid.uuid4()}").status_code == 401


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_team_remove_refused_to_members(member, project, role):
    person = factories.PersonFactory()
    join_team(project, person)
    assert member(role).delete(f"{team_url(project)}/{person.pk}").status_code == 403


def test_team_list_for_admin_has_email(admin_client, project):
    person = factories.PersonFactory()
    join_team(project, person)
    rows = admin_client.get(team_url(project)).json()
    assert rows[0]["email"] == person.email
    assert rows[0]["departments"] == []
    assert "password" not in rows[0]


def test_team_list_for_manager_has_email(member, project):
    client = member("manager")
    assert client.get(team_url(project)).json()[0]["email"] == client.person.email


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_team_list_for_members_is_minimal(member, project, role):
    rows = member(role).get(team_url(project)).json()
    assert "email" not in rows[0]
    assert rows[0]["full_name"]


def test_team_list_refused_outside_team(make_client, project):
    assert make_client("user").get(team_url(project)).status_code == 403


def test_team_list_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{uuid.uuid4()}/team").status_code == 404


def test_team_list_query_count(admin_client, project):
    join_team(project, factories.PersonFactory())
    few = count_queries(lambda: admin_client.get(team_url(project)))
    for _ in range(4):
        person = factories.PersonFactory()
        person.departments.add(factories.DepartmentFactory())
        join_team(project, person)
    assert count_queries(lambda: admin_client.get(team_url(project))) == few


# ---- assets ----------------------------------------------------------------


def new_asset_url(project, asset_type):
    return f"/api/data/projects/{project.pk}/asset-types/{asset_type.pk}/assets/new"


@pytest.fixture
def asset_type():
    return factories.EntityTypeFactory()


def test_asset_create(admin_client, project, asset_type):
    body = {"name": "Hero", "description": "the hero"}
    response = admin_client.post(new_asset_url(project, asset_type), body, format="json")
    assert response.status_code == 201
    row = response.json()
    assert row["type"] == "Asset"
    assert row["data"] == {}
    assert row["created_by"] == str(admin_client.person.pk)
    assert row["entity_type_id"] == str(asset_type.pk)


def test_asset_create_keeps_data(admin_client, project, asset_type):
    body = {"name": "Hero", "data": {"color": "red"}, "is_shared": True}
    row = admin_client.post(new_asset_url(project, asset_type), body, format="json").json()
    assert row["data"] == {"color": "red"}
    assert row["is_shared"] is True


def test_asset_create_with_episode_sets_source(admin_client, project, asset_type):
    episode = episode_in(project)
    body = {"name": "Hero", "episode_id": str(episode.pk)}
    row = admin_client.post(new_asset_url(project, asset_type), body, format="json").json()
    assert row["source_id"] == str(episode.pk)
    assert row["parent_id"] is None


def test_asset_create_refuses_episode_of_other_project(admin_client, project, asset_type):
    episode = episode_in(factories.ProjectFactory())
    body = {"name": "Hero", "episode_id": str(episode.pk)}
    assert admin_client.post(new_asset_url(project, asset_type), body, format="json").status_code == 400


def test_asset_create_duplicate_name_creates_another(admin_client, project, asset_type):
    for _ in range(2):
        admin_client.post(new_asset_url(project, asset_type), {"name": "Hero"}, format="json")
    assert Entity.objects.filter(project=project, name="Hero").count() == 2


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": 3}, {"name": "A", "data": [1]}, {"name": "A", "is_shared": "maybe"}],
    ids=["no-name", "empty-name", "number-name", "list-data", "bad-shared"],
)
def test_asset_create_bad_input(admin_client, project, asset_type, body):
    assert admin_client.post(new_asset_url(project, asset_type), body, format="json").status_code == 400
    assert not Entity.objects.exists()


def test_asset_create_unknown_asset_type(admin_client, project):
    url = f"/api/data/projects/{project.pk}/asset-types/{uuid.uuid4()}/assets/new"
    assert admin_client.post(url, {"name": "A"}, format="json").status_code == 404


def test_asset_create_with_shot_type(admin_client, project):
    url = new_asset_url(project, structure_type("Shot"))
    assert admin_client.post(url, {"name": "A"}, format="json").status_code == 404


def test_asset_create_unknown_project(admin_client, asset_type):
    url = f"/api/data/projects/{uuid.uuid4()}/asset-types/{asset_type.pk}/assets/new"
    assert admin_client.post(url, {"name": "A"}, format="json").status_code == 404


def test_asset_create_without_token(api_client, project, asset_type):
    assert api_client.post(new_asset_url(project, asset_type), {"name": "A"}, format="json").status_code == 401


def test_asset_create_by_team_manager(member, project, asset_type):
    response = member("manager").post(new_asset_url(project, asset_type), {"name": "A"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_asset_create_refused_to_members(member, project, asset_type, role):
    response = member(role).post(new_asset_url(project, asset_type), {"name": "A"}, format="json")
    assert response.status_code == 403


# ---- episodes, sequences, shots ------------------------------------------------


def structure_url(project, kind):
    return f"/api/data/projects/{project.pk}/{kind}"


def test_episode_create(admin_client, project):
    response = admin_client.post(structure_url(project, "episodes"), {"name": "E02"}, format="json")
    assert response.status_code == 201
    row = response.json()
    assert row["type"] == "Episode"
    assert row["description"] == ""
    assert row["data"] == {}
    assert row["status"] == "running"


def test_episode_create_duplicate_returns_existing(admin_client, project):
    episode = episode_in(project, "E02")
    response = admin_client.post(structure_url(project, "episodes"), {"name": "E02"}, format="json")
    assert response.json()["id"] == str(episode.pk)


@pytest.mark.parametrize("body", [{}, {"name": "E1", "status": "flying"}, {"name": "E1", "data": "x"}])
def test_episode_create_bad_input(admin_client, project, body):
    assert admin_client.post(structure_url(project, "episodes"), body, format="json").status_code == 400


def test_episode_create_unknown_project(admin_client):
    url = f"/api/data/projects/{uuid.uuid4()}/episodes"
    assert admin_client.post(url, {"name": "E1"}, format="json").status_code == 404


def test_episode_create_without_token(api_client, project):
    assert api_client.post(structure_url(project, "episodes"), {"name": "E1"}, format="json").status_code == 401


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_episode_create_refused_to_members(member, project, role):
    assert member(role).post(structure_url(project, "episodes"), {"name": "E1"}, format="json").status_code == 403


def test_sequence_create_in_episode(admin_client, project):
    episode = episode_in(project)
    body = {"name": "SQ01", "episode_id": str(episode.pk)}
    response = admin_client.post(structure_url(project, "sequences"), body, format="json")
    assert response.status_code == 201
    assert response.json()["parent_id"] == str(episode.pk)
    assert response.json()["type"] == "Sequence"


def test_sequence_create_without_episode(admin_client, project):
    row = admin_client.post(structure_url(project, "sequences"), {"name": "SQ01"}, format="json").json()
    assert row["parent_id"] is None
    assert row["data"] == {}


def test_sequence_create_duplicate_returns_existing(admin_client, project):
    sequence = sequence_in(project)
    response = admin_client.post(structure_url(project, "sequences"), {"name": "SQ01"}, format="json")
    assert response.status_code == 201
    assert response.json()["id"] == str(sequence.pk)


def test_sequence_same_name_in_other_episode(admin_client, project):
    sequence_in(project, episode=episode_in(project, "E01"))
    other = episode_in(project, "E02")
    body = {"name": "SQ01", "episode_id": str(other.pk)}
    row = admin_client.post(structure_url(project, "sequences"), body, format="json").json()
    assert row["parent_id"] == str(other.pk)


def test_sequence_create_malformed_episode(admin_client, project):
    body = {"name": "SQ01", "episode_id": "nope"}
    assert admin_client.post(structure_url(project, "sequences"), body, format="json").status_code == 400


def test_sequence_create_unknown_episode(admin_client, project):
    body = {"name": "SQ01", "episode_id": str(uuid.uuid4())}
    assert admin_client.post(structure_url(project, "sequences"), body, format="json").status_code == 404


def test_sequence_create_refuses_episode_of_other_project(admin_client, project):
    body = {"name": "SQ01", "episode_id": str(episode_in(factories.ProjectFactory()).pk)}
    assert admin_client.post(structure_url(project, "sequences"), body, format="json").status_code == 404


def test_sequence_create_missing_name(admin_client, project):
    assert admin_client.post(structure_url(project, "sequences"), {}, format="json").status_code == 400


def test_sequence_create_by_team_manager(member, project):
    response = member("manager").post(structure_url(project, "sequences"), {"name": "SQ01"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_sequence_create_refused_to_members(member, project, role):
    response = member(role).post(structure_url(project, "sequences"), {"name": "SQ01"}, format="json")
    assert response.status_code == 403


def test_sequence_create_without_token(api_client, project):
    assert api_client.post(structure_url(project, "sequences"), {"name": "S"}, format="json").status_code == 401


def test_shot_create(admin_client, project):
    sequence = sequence_in(project)
    body = {"name": "SH010", "sequence_id": str(sequence.pk), "nb_frames": 48}
    response = admin_client.post(structure_url(project, "shots"), body, format="json")
    assert response.status_code == 201
    row = response.json()
    assert row["type"] == "Shot"
    assert row["nb_frames"] == 48
    assert row["parent_id"] == str(sequence.pk)
    assert row["data"] is None


def test_shot_create_keeps_frame_range_in_data(admin_client, project):
    sequence = sequence_in(project)
    body = {"name": "SH010", "sequence_id": str(sequence.pk), "frame_in": 1, "frame_out": 49, "data": {"a": 1}}
    row = admin_client.post(structure_url(project, "shots"), body, format="json").json()
    assert row["data"] == {"a": 1, "frame_in": 1, "frame_out": 49}


def test_shot_create_duplicate_returns_existing(admin_client, project):
    shot = shot_in(sequence_in(project))
    body = {"name": "SH010", "sequence_id": str(shot.parent_id)}
    assert admin_client.post(structure_url(project, "shots"), body, format="json").json()["id"] == str(shot.pk)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "SH010"},
        {"name": "SH010", "sequence_id": "nope"},
        {"name": "SH010", "sequence_id": "SEQ", "nb_frames": "many"},
        {"name": "SH010", "sequence_id": "SEQ", "frame_in": "first"},
        {"sequence_id": "SEQ"},
    ],
    ids=["no-sequence", "malformed-sequence", "bad-frames", "bad-frame-in", "no-name"],
)
def test_shot_create_bad_input(admin_client, project, body):
    sequence = sequence_in(project)
    body = {key: str(sequence.pk) if value == "SEQ" else value for key, value in body.items()}
    assert admin_client.post(structure_url(project, "shots"), body, format="json").status_code == 400


def test_shot_create_refuses_sequence_of_other_project(admin_client, project):
    sequence = sequence_in(factories.ProjectFactory())
    body = {"name": "SH010", "sequence_id": str(sequence.pk)}
    assert admin_client.post(structure_url(project, "shots"), body, format="json").status_code == 404


def test_shot_create_unknown_sequence(admin_client, project):
    body = {"name": "SH010", "sequence_id": str(uuid.uuid4())}
    assert admin_client.post(structure_url(project, "shots"), body, format="json").status_code == 404
    assert not Entity.objects.exists()


def test_shot_create_unknown_project(admin_client):
    url = f"/api/data/projects/{uuid.uuid4()}/shots"
    assert admin_client.post(url, {"name": "S", "sequence_id": str(uuid.uuid4())}, format="json").status_code == 404


def test_shot_create_by_team_manager(member, project):
    body = {"name": "SH010", "sequence_id": str(sequence_in(project).pk)}
    assert member("manager").post(structure_url(project, "shots"), body, format="json").status_code == 201


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
def test_shot_create_refused_to_members(member, project, role):
    body = {"name": "SH010", "sequence_id": str(sequence_in(project).pk)}
    assert member(role).post(structure_url(project, "shots"), body, format="json").status_code == 403


def test_shot_create_without_token(api_client, project):
    assert api_client.post(structure_url(project, "shots"), {"name": "S"}, format="json").status_code == 401


# ---- structure lists -------------------------------------------------------


@pytest.mark.parametrize("kind", ["episodes", "sequences", "shots"])
def test_structure_list(admin_client, project, kind):
    sequence = sequence_in(project, episode=episode_in(project))
    shot = shot_in(sequence)
    expected = {"episodes": sequence.parent_id, "sequences": sequence.pk, "shots": shot.pk}[kind]
    rows = admin_client.get(structure_url(project, kind)).json()
    assert [row["id"] for row in rows] == [str(expected)]


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_shot_list_by_members(member, project, role):
    shot_in(sequence_in(project))
    assert len(member(role).get(structure_url(project, "shots")).json()) == 1


def test_shot_list_for_vendor_shows_assigned_only(member, project):
    client = member("vendor")
    sequence = sequence_in(project)
    mine = shot_in(sequence, "SH010")
    shot_in(sequence, "SH020")
    task = factories.TaskFactory(project=project, entity=mine)
    TaskPersonLink.objects.create(task=task, person=client.person)
    rows = client.get(structure_url(project, "shots")).json()
    assert [row["id"] for row in rows] == [str(mine.pk)]


def test_shot_list_refused_outside_team(make_client, project):
    assert make_client("user").get(structure_url(project, "shots")).status_code == 403


def test_shot_list_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{uuid.uuid4()}/shots").status_code == 404


def test_shot_list_without_token(api_client, project):
    assert api_client.get(structure_url(project, "shots")).status_code == 401


@pytest.mark.parametrize("kind", ["episodes", "sequences", "shots"])
def test_structure_list_query_count(admin_client, project, kind):
    episode = episode_in(project)
    shot_in(sequence_in(project, episode=episode))
    few = count_queries(lambda: admin_client.get(structure_url(project, kind)))
    for index in range(4):
        shot_in(sequence_in(project, f"SQ{index}", episode=episode_in(project, f"E{index}")))
    assert count_queries(lambda: admin_client.get(structure_url(project, kind))) == few


# ---- assets and asset types lists ------------------------------------------


def test_asset_list(admin_client, project, asset_type):
    asset = factories.EntityFactory(project=project, entity_type=asset_type)
    shot_in(sequence_in(project))
    factories.EntityFactory(entity_type=asset_type)
    rows = admin_client.get(f"/api/data/projects/{project.pk}/assets").json()
    assert [row["id"] for row in rows] == [str(asset.pk)]
    assert rows[0]["type"] == "Asset"


def test_asset_list_filters_by_name(admin_client, project, asset_type):
    factories.EntityFactory(project=project, entity_type=asset_type, name="Hero")
    factories.EntityFactory(project=project, entity_type=asset_type, name="Villain")
    rows = admin_client.get(f"/api/data/projects/{project.pk}/assets", {"name": "hero"}).json()
    assert [row["name"] for row in rows] == ["Hero"]


def test_asset_list_filters_by_episode(admin_client, project, asset_type):
    episode = episode_in(project)
    asset = factories.EntityFactory(project=project, entity_type=asset_type, source=episode)
    factories.EntityFactory(project=project, entity_type=asset_type)
    rows = admin_client.get(f"/api/data/projects/{project.pk}/assets", {"episode_id": str(episode.pk)}).json()
    assert [row["id"] for row in rows] == [str(asset.pk)]


def test_asset_list_bad_filter(admin_client, project):
    assert admin_client.get(f"/api/data/projects/{project.pk}/assets", {"canceled": "perhaps"}).status_code == 400


def test_asset_list_of_type(admin_client, project, asset_type):
    asset = factories.EntityFactory(project=project, entity_type=asset_type)
    factories.EntityFactory(project=project)
    rows = admin_client.get(f"/api/data/projects/{project.pk}/asset-types/{asset_type.pk}/assets").json()
    assert [row["id"] for row in rows] == [str(asset.pk)]


def test_asset_list_of_type_malformed(admin_client, project):
    assert admin_client.get(f"/api/data/projects/{project.pk}/asset-types/x/assets").status_code == 400


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_asset_list_by_members(member, project, asset_type, role):
    factories.EntityFactory(project=project, entity_type=asset_type)
    assert len(member(role).get(f"/api/data/projects/{project.pk}/assets").json()) == 1


def test_asset_list_for_vendor_shows_assigned_only(member, project, asset_type):
    client = member("vendor")
    mine = factories.EntityFactory(project=project, entity_type=asset_type)
    factories.EntityFactory(project=project, entity_type=asset_type)
    TaskPersonLink.objects.create(task=factories.TaskFactory(project=project, entity=mine), person=client.person)
    rows = client.get(f"/api/data/projects/{project.pk}/assets").json()
    assert [row["id"] for row in rows] == [str(mine.pk)]


def test_asset_list_refused_outside_team(make_client, project):
    assert make_client("user").get(f"/api/data/projects/{project.pk}/assets").status_code == 403


def test_asset_list_without_token(api_client, project):
    assert api_client.get(f"/api/data/projects/{project.pk}/assets").status_code == 401


def test_asset_list_query_count(admin_client, project, asset_type):
    factories.EntityFactory(project=project, entity_type=asset_type)
    url = f"/api/data/projects/{project.pk}/assets"
    few = count_queries(lambda: admin_client.get(url))
    for _ in range(4):
        factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory())
    assert count_queries(lambda: admin_client.get(url)) == few


def test_project_asset_types_are_those_of_assets(admin_client, project, asset_type):
    factories.EntityFactory(project=project, entity_type=asset_type)
    factories.ProjectAssetTypeLinkFactory(project=project)
    rows = admin_client.get(f"/api/data/projects/{project.pk}/asset-types").json()
    assert [row["id"] for row in rows] == [str(asset_type.pk)]
    assert rows[0]["type"] == "AssetType"


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_project_asset_types_by_members(member, project, asset_type, role):
    factories.EntityFactory(project=project, entity_type=asset_type)
    assert len(member(role).get(f"/api/data/projects/{project.pk}/asset-types").json()) == 1


def test_project_asset_types_refused_outside_team(make_client, project):
    assert make_client("client").get(f"/api/data/projects/{project.pk}/asset-types").status_code == 403


def test_project_asset_types_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{uuid.uuid4()}/asset-types").status_code == 404


def test_project_asset_types_query_count(admin_client, project):
    factories.EntityFactory(project=project)
    url = f"/api/data/projects/{project.pk}/asset-types"
    few = count_queries(lambda: admin_client.get(url))
    for _ in range(4):
        factories.EntityFactory(project=project)
    assert count_queries(lambda: admin_client.get(url)) == few


# ---- task types ------------------------------------------------------------


def test_project_task_types(admin_client, project):
    link = factories.ProjectTaskTypeLinkFactory(project=project)
    factories.TaskTypeFactory()
    rows = admin_client.get(f"/api/data/projects/{project.pk}/task-types").json()
    assert [row["id"] for row in rows] == [str(link.task_type_id)]
    assert rows[0]["type"] == "TaskType"


def test_project_task_types_follow_link_priority(admin_client, project):
    second = factories.ProjectTaskTypeLinkFactory(project=project, priority=2)
    first = factories.ProjectTaskTypeLinkFactory(project=project, priority=1)
    rows = admin_client.get(f"/api/data/projects/{project.pk}/task-types").json()
    assert [row["id"] for row in rows] == [str(first.task_type_id), str(second.task_type_id)]


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_project_task_types_by_members(member, project, role):
    factories.ProjectTaskTypeLinkFactory(project=project)
    assert len(member(role).get(f"/api/data/projects/{project.pk}/task-types").json()) == 1


def test_project_task_types_refused_outside_team(make_client, project):
    assert make_client("user").get(f"/api/data/projects/{project.pk}/task-types").status_code == 403


def test_project_task_types_without_token(api_client, project):
    assert api_client.get(f"/api/data/projects/{project.pk}/task-types").status_code == 401


def test_project_task_types_query_count(admin_client, project):
    factories.ProjectTaskTypeLinkFactory(project=project)
    url = f"/api/data/projects/{project.pk}/task-types"
    few = count_queries(lambda: admin_client.get(url))
    for _ in range(4):
        factories.ProjectTaskTypeLinkFactory(project=project)
    assert count_queries(lambda: admin_client.get(url)) == few


# ---- open and all projects -------------------------------------------------


def test_open_projects_for_admin(admin_client, project):
    closed = factories.ClosedProjectFactory()
    ids = {row["id"] for row in admin_client.get("/api/data/projects/open").json()}
    assert str(project.pk) in ids
    assert str(closed.pk) not in ids


def test_open_projects_shape(admin_client, project):
    link = factories.ProjectTaskTypeLinkFactory(project=project, priority=7)
    status_link = factories.ProjectTaskStatusLinkFactory(project=project, priority=None)
    row = admin_client.get("/api/data/projects/open").json()[0]
    assert row["task_types"] == [str(link.task_type_id)]
    assert row["task_types_priority"] == {str(link.task_type_id): 7}
    assert row["task_statuses_link"][str(status_link.task_status_id)]["priority"] is None
    assert row["descriptors"] == []
    assert row["type"] == "Project"


def test_open_projects_first_episode_of_tv_show(admin_client):
    show = factories.ProjectFactory(production_type="tvshow")
    episode_in(show, "E02")
    first = episode_in(show, "E01")
    row = admin_client.get("/api/data/projects/open").json()[0]
    assert row["first_episode_id"] == str(first.pk)


def test_open_projects_filter_by_name(admin_client, project):
    factories.ProjectFactory()
    rows = admin_client.get("/api/data/projects/open", {"name": project.name}).json()
    assert [row["id"] for row in rows] == [str(project.pk)]


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_open_projects_for_members(member, project, role):
    factories.ProjectFactory()
    rows = member(role).get("/api/data/projects/open").json()
    assert [row["id"] for row in rows] == [str(project.pk)]


def test_open_projects_hide_closed_team_project(make_client):
    client = make_client("user")
    join_team(factories.ClosedProjectFactory(), client.person)
    assert client.get("/api/data/projects/open").json() == []


def test_open_projects_without_token(api_client):
    assert api_client.get("/api/data/projects/open").status_code == 401


def test_open_projects_query_count(admin_client):
    show = factories.ProjectFactory(production_type="tvshow")
    episode_in(show)
    few = count_queries(lambda: admin_client.get("/api/data/projects/open"))
    for _ in range(4):
        other = factories.ProjectFactory(production_type="tvshow")
        episode_in(other)
        join_team(other, factories.PersonFactory())
        factories.ProjectTaskTypeLinkFactory(project=other)
        factories.ProjectTaskStatusLinkFactory(project=other)
    assert count_queries(lambda: admin_client.get("/api/data/projects/open")) == few


def test_all_projects_for_admin(admin_client, project):
    closed = factories.ClosedProjectFactory()
    rows = admin_client.get("/api/data/projects/all").json()
    assert {row["id"] for row in rows} == {str(project.pk), str(closed.pk)}
    assert {row["project_status_name"] for row in rows} == {"Open", "Closed"}


def test_all_projects_by_name(admin_client, project):
    rows = admin_client.get("/api/data/projects/all", {"name": project.name.upper()}).json()
    assert [row["id"] for row in rows] == [str(project.pk)]


def test_all_projects_unknown_name(admin_client):
    assert admin_client.get("/api/data/projects/all", {"name": "Nothing"}).status_code == 404


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_all_projects_for_members_include_closed_team_projects(make_client, project, role):
    client = make_client(role)
    closed = factories.ClosedProjectFactory()
    join_team(closed, client.person)
    rows = client.get("/api/data/projects/all").json()
    assert [row["id"] for row in rows] == [str(closed.pk)]


def test_all_projects_without_token(api_client):
    assert api_client.get("/api/data/projects/all").status_code == 401


def test_all_projects_query_count(admin_client, project):
    few = count_queries(lambda: admin_client.get("/api/data/projects/all"))
    for _ in range(4):
        factories.ClosedProjectFactory()
    assert count_queries(lambda: admin_client.get("/api/data/projects/all")) == few


# ---- tasks, comments, episode stats ------------------------------------------


def test_project_tasks(admin_client, project):
    task = factories.TaskFactory(project=project)
    factories.TaskFactory()
    rows = admin_client.get(f"/api/data/projects/{project.pk}/tasks").json()
    assert [row["id"] for row in rows] == [str(task.pk)]
    assert rows[0]["assignees"] == []


def test_project_tasks_paginated(admin_client, project):
    for _ in range(3):
        factories.TaskFactory(project=project)
    body = admin_client.get(f"/api/data/projects/{project.pk}/tasks", {"page": 1, "limit": 2}).json()
    assert body["total"] == 3
    assert len(body["data"]) == 2


def test_project_tasks_filter_by_task_type(admin_client, project):
    task = factories.TaskFactory(project=project)
    factories.TaskFactory(project=project)
    rows = admin_client.get(f"/api/data/projects/{project.pk}/tasks", {"task_type_id": str(task.task_type_id)}).json()
    assert [row["id"] for row in rows] == [str(task.pk)]


def test_project_tasks_bad_task_type(admin_client, project):
    assert admin_client.get(f"/api/data/projects/{project.pk}/tasks", {"task_type_id": "x"}).status_code == 400


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_project_tasks_by_members(member, project, role):
    factories.TaskFactory(project=project)
    assert len(member(role).get(f"/api/data/projects/{project.pk}/tasks").json()) == 1


def test_project_tasks_for_vendor_assigned_only(member, project):
    client = member("vendor")
    mine = factories.TaskFactory(project=project)
    factories.TaskFactory(project=project)
    TaskPersonLink.objects.create(task=mine, person=client.person)
    rows = client.get(f"/api/data/projects/{project.pk}/tasks").json()
    assert [row["id"] for row in rows] == [str(mine.pk)]


def test_project_tasks_refused_outside_team(make_client, project):
    assert make_client("user").get(f"/api/data/projects/{project.pk}/tasks").status_code == 403


def test_project_tasks_without_token(api_client, project):
    assert api_client.get(f"/api/data/projects/{project.pk}/tasks").status_code == 401


def test_project_tasks_query_count(admin_client, project):
    factories.TaskFactory(project=project)
    url = f"/api/data/projects/{project.pk}/tasks"
    few = count_queries(lambda: admin_client.get(url))
    for _ in range(4):
        task = factories.TaskFactory(project=project)
        TaskPersonLink.objects.create(task=task, person=factories.PersonFactory())
    assert count_queries(lambda: admin_client.get(url)) == few


def test_project_comments(admin_client, project):
    task = factories.TaskFactory(project=project)
    comment = factories.CommentFactory(object_id=task.pk)
    factories.CommentFactory()
    rows = admin_client.get(f"/api/data/projects/{project.pk}/comments").json()
    assert [row["id"] for row in rows] == [str(comment.pk)]
    assert rows[0]["mentions"] == []


@pytest.mark.parametrize("role", ["manager", "supervisor", "user"])
def test_project_comments_by_members(member, project, role):
    factories.CommentFactory(object_id=factories.TaskFactory(project=project).pk)
    assert len(member(role).get(f"/api/data/projects/{project.pk}/comments").json()) == 1


@pytest.mark.parametrize("role", ["client", "vendor"])
def test_project_comments_refused_to_clients_and_vendors(member, project, role):
    assert member(role).get(f"/api/data/projects/{project.pk}/comments").status_code == 403


def test_project_comments_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{uuid.uuid4()}/comments").status_code == 404


def test_project_comments_without_token(api_client, project):
    assert api_client.get(f"/api/data/projects/{project.pk}/comments").status_code == 401


def test_project_comments_query_count(admin_client, project):
    task = factories.TaskFactory(project=project)
    factories.CommentFactory(object_id=task.pk)
    url = f"/api/data/projects/{project.pk}/comments"
    few = count_queries(lambda: admin_client.get(url))
    for _ in range(4):
        comment = factories.CommentFactory(object_id=task.pk)
        comment.mentions.add(factories.PersonFactory())
    assert count_queries(lambda: admin_client.get(url)) == few


def stats_url(project):
    return f"/api/data/projects/{project.pk}/episodes/stats"


def test_episode_stats(admin_client, project):
    episode = episode_in(project)
    shot = shot_in(sequence_in(project, episode=episode))
    shot.nb_frames = 24
    shot.save()
    task = factories.TaskFactory(project=project, entity=shot, nb_drawings=3)
    body = admin_client.get(stats_url(project)).json()
    entry = body[str(episode.pk)][str(task.task_type_id)][str(task.task_status_id)]
    assert entry == {
        "name": task.task_status.short_name,
        "color": task.task_status.color,
        "count": 1,
        "frames": 24,
        "drawings": 3,
    }
    assert body["all"]["all"][str(task.task_status_id)]["count"] == 1


def test_episode_stats_empty(admin_client, project):
    assert admin_client.get(stats_url(project)).json() == {}


def test_episode_stats_for_vendor_assigned_only(member, project):
    client = member("vendor")
    shot = shot_in(sequence_in(project, episode=episode_in(project)))
    factories.TaskFactory(project=project, entity=shot)
    assert client.get(stats_url(project)).json() == {}


def test_episode_stats_refused_outside_team(make_client, project):
    assert make_client("user").get(stats_url(project)).status_code == 403


def test_episode_stats_without_token(api_client, project):
    assert api_client.get(stats_url(project)).status_code == 401


def test_episode_stats_query_count(admin_client, project):
    episode = episode_in(project)
    factories.TaskFactory(project=project, entity=shot_in(sequence_in(project, episode=episode)))
    few = count_queries(lambda: admin_client.get(stats_url(project)))
    for index in range(4):
        shot = shot_in(sequence_in(project, f"SQ{index}", episode=episode_in(project, f"E{index}")))
        factories.TaskFactory(project=project, entity=shot)
    assert count_queries(lambda: admin_client.get(stats_url(project))) == few


def test_structure_types_created_on_demand(admin_client, project):
    EntityType.objects.filter(name="Episode").delete()
    admin_client.post(structure_url(project, "episodes"), {"name": "E01"}, format="json")
    assert EntityType.objects.filter(name="Episode").exists()


# ---- task status links ---------------------------------------------------------


def test_task_status_link_sets_board_roles(admin_client):
    project = factories.ProjectFactory()
    task_status = factories.TaskStatusFactory()
    body = {
        "project_id": str(project.pk),
        "task_status_id": str(task_status.pk),
        "priority": 4,
        "roles_for_board": ["user", "supervisor"],
    }
    response = admin_client.post("/api/data/task-status-links", body, format="json")
    assert response.status_code == 201
    assert response.json()["roles_for_board"] == ["user", "supervisor"]
    assert response.json()["priority"] == 4


def test_task_status_link_updates_existing(admin_client):
    project = factories.ProjectFactory()
    task_status = factories.TaskStatusFactory()
    body = {"project_id": str(project.pk), "task_status_id": str(task_status.pk), "priority": 1}
    admin_client.post("/api/data/task-status-links", body, format="json")
    admin_client.post("/api/data/task-status-links", {**body, "priority": 7}, format="json")
    assert ProjectTaskStatusLink.objects.get(project=project, task_status=task_status).priority == 7


def test_task_status_link_unknown_role_is_400(admin_client):
    project = factories.ProjectFactory()
    task_status = factories.TaskStatusFactory()
    body = {"project_id": str(project.pk), "task_status_id": str(task_status.pk), "roles_for_board": ["god"]}
    response = admin_client.post("/api/data/task-status-links", body, format="json")
    assert response.status_code == 400
    assert "roles_for_board" in response.json()["message"]


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_task_status_link_refused_for_role(make_client, role):
    client = make_client(role)
    project = factories.ProjectFactory()
    ProjectPersonLink.objects.create(project=project, person=client.person)
    body = {"project_id": str(project.pk), "task_status_id": str(factories.TaskStatusFactory().pk)}
    assert client.post("/api/data/task-status-links", body, format="json").status_code == 403


def test_task_status_link_needs_token(api_client, db):
    assert api_client.post("/api/data/task-status-links", {}, format="json").status_code == 401


def test_sequence_without_name_message_names_field(admin_client):
    project = factories.ProjectFactory()
    response = admin_client.post(f"/api/data/projects/{project.pk}/sequences", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["message"]) == {"name"}
