"""Routes of scenes, edits and concepts: reads by role, lists, query counts and deletes."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from productions.models import ApiEvent, Entity, ProjectPersonLink, Task, TaskPersonLink
from tests import factories

pytestmark = pytest.mark.django_db

TEAM_ROLES = ("manager", "supervisor", "user", "client")


class Production:
    """An open TV show with an episode, a sequence, a shot, and a scene, an edit and a concept with a task each."""

    def __init__(self):
        self.project = factories.ProjectFactory()
        self.episode = self.entity("E01", "Episode")
        self.sequence = self.entity("SQ01", "Sequence", parent=self.episode)
        self.shot = self.entity("SH010", "Shot", parent=self.sequence, nb_frames=48, data={"frame_in": 1})
        self.asset = self.entity("Hero", "Character")
        self.scene = self.entity("SC01", "Scene", parent=self.sequence)
        self.edit = self.entity("Trailer", "Edit", parent=self.episode)
        self.concept = self.entity("Castle", "Concept")
        self.status = factories.TaskStatusFactory()
        self.scene_task = self.task(self.scene, "Shot")
        self.edit_task = self.task(self.edit, "Edit")
        self.concept_task = self.task(self.concept, "Concept")

    def entity(self, name, type_name, **fields):
        entity_type = factories.EntityTypeFactory(name=type_name)
        return factories.EntityFactory(name=name, project=self.project, entity_type=entity_type, **fields)

    def task(self, entity, for_entity, task_type=None):
        task_type = task_type or factories.TaskTypeFactory(for_entity=for_entity)
        return factories.TaskFactory(project=self.project, entity=entity, task_type=task_type, task_status=self.status)

    def member(self, make_client, role):
        client = make_client(role)
        ProjectPersonLink.objects.create(project=self.project, person=client.person)
        return client

    def vendor(self, make_client, *tasks):
        client = self.member(make_client, "vendor")
        for task in tasks:
            TaskPersonLink.objects.create(task=task, person=client.person)
        return client


@pytest.fixture
def prod():
    return Production()


def ids(response):
    return [row["id"] for row in response.json()]


def fill(path, prod, **override):
    values = {
        "project": prod.project.pk,
        "episode": prod.episode.pk,
        "scene": prod.scene.pk,
        "edit": prod.edit.pk,
        "concept": prod.concept.pk,
        "shot": prod.shot.pk,
    }
    values.update(override)
    return path.format(**values)


# ---- reads of one entity, by role ------------------------------------------------

# (kind of the row, path, task a vendor needs to read it)
READ_ROUTES = [
    ("scene", "/api/data/scenes/{scene}", "scene_task"),
    ("scene", "/api/data/scenes/{scene}/tasks", "scene_task"),
    ("scene", "/api/data/scenes/{scene}/task-types", "scene_task"),
    ("scene", "/api/data/scenes/{scene}/shots", "scene_task"),
    ("edit", "/api/data/edits/{edit}", "edit_task"),
    ("edit", "/api/data/edits/{edit}/tasks", "edit_task"),
    ("edit", "/api/data/edits/{edit}/task-types", "edit_task"),
    ("edit", "/api/data/edits/{edit}/versions", "edit_task"),
    ("concept", "/api/data/concepts/{concept}", "concept_task"),
    ("concept", "/api/data/concepts/{concept}/tasks", "concept_task"),
    ("concept", "/api/data/concepts/{concept}/task-types", "concept_task"),
]


@pytest.mark.parametrize(("kind", "path", "task"), READ_ROUTES)
def test_read_admin(admin_client, prod, kind, path, task):
    assert admin_client.get(fill(path, prod)).status_code == 200


@pytest.mark.parametrize(("kind", "path", "task"), READ_ROUTES)
@pytest.mark.parametrize("role", TEAM_ROLES)
def test_read_team_member(make_client, prod, kind, path, task, role):
    client = prod.member(make_client, role)
    expected = 403 if role == "client" and kind == "concept" else 200
    assert client.get(fill(path, prod)).status_code == expected


@pytest.mark.parametrize(("kind", "path", "task"), READ_ROUTES)
def test_read_outsider(make_client, prod, kind, path, task):
    assert make_client("user").get(fill(path, prod)).status_code == 403


@pytest.mark.parametrize(("kind", "path", "task"), READ_ROUTES)
def test_read_vendor_without_task(make_client, prod, kind, path, task):
    client = prod.vendor(make_client)
    assert client.get(fill(path, prod)).status_code == 403


@pytest.mark.parametrize(("kind", "path", "task"), READ_ROUTES)
def test_read_vendor_with_task(make_client, prod, kind, path, task):
    client = prod.vendor(make_client, getattr(prod, task))
    assert client.get(fill(path, prod)).status_code == 200


@pytest.mark.parametrize(("kind", "path", "task"), READ_ROUTES)
def test_read_anonymous(api_client, prod, kind, path, task):
    assert api_client.get(fill(path, prod)).status_code == 401


@pytest.mark.parametrize(("kind", "path", "task"), READ_ROUTES)
def test_read_unknown_id(admin_client, prod, kind, path, task):
    assert admin_client.get(fill(path, prod, **{kind: uuid.uuid4()})).status_code == 404


@pytest.mark.parametrize(("kind", "path", "task"), READ_ROUTES)
def test_read_malformed_id(admin_client, prod, kind, path, task):
    assert admin_client.get(fill(path, prod, **{kind: "nope"})).status_code == 400


@pytest.mark.parametrize(("kind", "path", "task"), READ_ROUTES)
def test_read_entity_of_other_kind_is_404(admin_client, prod, kind, path, task):
    assert admin_client.get(fill(path, prod, **{kind: prod.shot.pk})).status_code == 404


# ---- detail shapes -----------------------------------------------------------------


def test_scene_detail_names_its_sequence_and_episode(admin_client, prod):
    row = admin_client.get(f"/api/data/scenes/{prod.scene.pk}").json()
    assert (row["type"], row["sequence_name"], row["episode_name"]) == ("Scene", "SQ01", "E01")


def test_scene_detail_project_name(admin_client, prod):
    row = admin_client.get(f"/api/data/scenes/{prod.scene.pk}").json()
    assert row["project_name"] == prod.project.name


def test_edit_detail_has_its_episode_and_tasks(admin_client, prod):
    row = admin_client.get(f"/api/data/edits/{prod.edit.pk}").json()
    assert (row["episode_id"], row["episode_name"]) == (str(prod.episode.pk), "E01")
    assert [task["id"] for task in row["tasks"]] == [str(prod.edit_task.pk)]


def test_edit_detail_type(admin_client, prod):
    assert admin_client.get(f"/api/data/edits/{prod.edit.pk}").json()["type"] == "Edit"


def test_concept_detail_lists_its_links(admin_client, prod):
    factories.EntityConceptLinkFactory(entity_in=prod.concept, entity_out=prod.asset)
    row = admin_client.get(f"/api/data/concepts/{prod.concept.pk}").json()
    assert row["entity_concept_links"] == [str(prod.asset.pk)]


def test_concept_detail_has_link_lists(admin_client, prod):
    row = admin_client.get(f"/api/data/concepts/{prod.concept.pk}").json()
    assert (row["entities_out"], row["entities_in"], row["instance_casting"]) == ([], [], [])


def test_vendor_sees_only_own_tasks_on_edit(make_client, prod):
    other = prod.task(prod.edit, "Edit")
    client = prod.vendor(make_client, prod.edit_task)
    tasks = client.get(f"/api/data/edits/{prod.edit.pk}").json()["tasks"]
    assert [task["id"] for task in tasks] == [str(prod.edit_task.pk)]
    assert str(other.pk) not in [task["id"] for task in tasks]


def test_edit_tasks_shape(admin_client, prod):
    row = admin_client.get(f"/api/data/edits/{prod.edit.pk}/tasks").json()[0]
    assert (row["entity_name"], row["entity_type_name"]) == ("Trailer", "Edit")


def test_edit_task_types(admin_client, prod):
    rows = admin_client.get(f"/api/data/edits/{prod.edit.pk}/task-types").json()
    assert ids_of(rows) == [str(prod.edit_task.task_type_id)]


def ids_of(rows):
    return [row["id"] for row in rows]


# ---- lists ------------------------------------------------------------------------

LIST_ROUTES = [
    ("/api/data/projects/{project}/scenes", "scene"),
    ("/api/data/scenes/all", "scene"),
    ("/api/data/scenes/with-tasks", "scene"),
    ("/api/data/projects/{project}/edits", "edit"),
    ("/api/data/edits", "edit"),
    ("/api/data/edits/all", "edit"),
    ("/api/data/edits/with-tasks", "edit"),
    ("/api/data/episodes/{episode}/edits", "edit"),
    ("/api/data/projects/{project}/concepts", "concept"),
    ("/api/data/concepts", "concept"),
    ("/api/data/concepts/with-tasks", "concept"),
]


def list_params(prod, path):
    return {} if "{" in path else {"project_id": str(prod.project.pk)}


@pytest.mark.parametrize(("path", "kind"), LIST_ROUTES)
def test_list_admin(admin_client, prod, path, kind):
    response = admin_client.get(fill(path, prod), list_params(prod, path))
    assert ids(response) == [str(getattr(prod, kind).pk)]


@pytest.mark.parametrize(("path", "kind"), LIST_ROUTES)
@pytest.mark.parametrize("role", TEAM_ROLES)
def test_list_team_member(make_client, prod, path, kind, role):
    client = prod.member(make_client, role)
    response = client.get(fill(path, prod), list_params(prod, path))
    if role == "client" and kind == "concept":
        assert response.status_code == 403
    else:
        assert ids(response) == [str(getattr(prod, kind).pk)]


@pytest.mark.parametrize(("path", "kind"), LIST_ROUTES)
def test_list_outsider(make_client, prod, path, kind):
    response = make_client("user").get(fill(path, prod), list_params(prod, path))
    assert response.status_code == 403


@pytest.mark.parametrize(("path", "kind"), LIST_ROUTES)
def test_list_anonymous(api_client, prod, path, kind):
    assert api_client.get(fill(path, prod), list_params(prod, path)).status_code == 401


@pytest.mark.parametrize(("path", "kind"), [route for route in LIST_ROUTES if route[1] != "concept"])
def test_list_vendor_sees_assigned_only(make_client, prod, path, kind):
    other = prod.entity(f"Other {kind}", kind.capitalize(), parent=getattr(prod, kind).parent)
    prod.task(other, kind.capitalize())
    client = prod.vendor(make_client, getattr(prod, f"{kind}_task"))
    response = client.get(fill(path, prod), list_params(prod, path))
    assert ids(response) == [str(getattr(prod, kind).pk)]


@pytest.mark.parametrize("path", [path for path, kind in LIST_ROUTES if kind == "concept"])
def test_concept_lists_refuse_vendor(make_client, prod, path):
    client = prod.vendor(make_client, prod.concept_task)
    assert client.get(fill(path, prod), list_params(prod, path)).status_code == 403


@pytest.mark.parametrize("path", ["/api/data/scenes/all", "/api/data/edits", "/api/data/concepts"])
def test_list_without_project_refuses_non_admin(make_client, prod, path):
    assert prod.member(make_client, "manager").get(path).status_code == 403


@pytest.mark.parametrize("path", ["/api/data/scenes/all", "/api/data/edits/all", "/api/data/concepts"])
def test_list_filters_by_name(admin_client, prod, path):
    response = admin_client.get(path, {"project_id": str(prod.project.pk), "name": "nothing"})
    assert response.json() == []


def test_list_malformed_project_id(admin_client):
    assert admin_client.get("/api/data/edits", {"project_id": "nope"}).status_code == 400


def test_scene_list_names_the_sequence(admin_client, prod):
    row = admin_client.get("/api/data/scenes/all", {"project_id": str(prod.project.pk)}).json()[0]
    assert (row["sequence_name"], row["project_name"]) == ("SQ01", prod.project.name)


def test_edits_with_tasks_by_episode(admin_client, prod):
    prod.entity("Loose cut", "Edit")
    response = admin_client.get(
        "/api/data/edits/with-tasks", {"project_id": str(prod.project.pk), "episode_id": str(prod.episode.pk)}
    )
    assert ids(response) == [str(prod.edit.pk)]


def test_concept_list_carries_links(admin_client, prod):
    factories.EntityConceptLinkFactory(entity_in=prod.concept, entity_out=prod.asset)
    row = admin_client.get("/api/data/concepts", {"project_id": str(prod.project.pk)}).json()[0]
    assert row["entity_concept_links"] == [str(prod.asset.pk)]


def test_episode_edit_tasks(admin_client, prod):
    response = admin_client.get(f"/api/data/episodes/{prod.episode.pk}/edit-tasks")
    assert ids(response) == [str(prod.edit_task.pk)]


def test_episode_edit_tasks_refuse_vendor(make_client, prod):
    client = prod.vendor(make_client, prod.edit_task)
    assert client.get(f"/api/data/episodes/{prod.episode.pk}/edit-tasks").status_code == 403


def test_episode_edits_unknown_episode(admin_client):
    assert admin_client.get(f"/api/data/episodes/{uuid.uuid4()}/edits").status_code == 404


def count_queries(client, path, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def add_rows(prod, kind, count, person):
    for _ in range(count):
        entity = prod.entity(f"{kind} {uuid.uuid4().hex[:8]}", kind.capitalize(), parent=getattr(prod, kind).parent)
        factories.EntityConceptLinkFactory(entity_in=entity, entity_out=prod.asset)
        task = prod.task(entity, kind.capitalize())
        TaskPersonLink.objects.create(task=task, person=person)


@pytest.mark.parametrize(("path", "kind"), [*LIST_ROUTES, ("/api/data/episodes/{episode}/edit-tasks", "edit")])
@pytest.mark.parametrize("role", ("admin", "vendor"))
def test_list_query_count_constant(make_client, prod, path, kind, role):
    if role == "vendor" and (kind == "concept" or "edit-tasks" in path):
        pytest.skip("vendors may not read this route")
    client = make_client("admin") if role == "admin" else prod.vendor(make_client)
    path, params = fill(path, prod), list_params(prod, path)
    add_rows(prod, kind, 2, client.person)
    few = count_queries(client, path, params)
    add_rows(prod, kind, 8, client.person)
    assert count_queries(client, path, params) == few


# ---- deletes -----------------------------------------------------------------------

DELETE_ROUTES = [
    ("scene", "/api/data/scenes/{scene}"),
    ("edit", "/api/data/edits/{edit}"),
    ("concept", "/api/data/concepts/{concept}"),
]


@pytest.mark.parametrize(("kind", "path"), DELETE_ROUTES)
def test_delete_with_tasks_cancels(admin_client, prod, kind, path):
    assert admin_client.delete(fill(path, prod)).status_code == 204
    assert Entity.objects.get(pk=getattr(prod, kind).pk).canceled


@pytest.mark.parametrize(("kind", "path"), DELETE_ROUTES)
def test_delete_with_tasks_cancel_event(django_capture_on_commit_callbacks, admin_client, prod, kind, path):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.delete(fill(path, prod))
    assert ApiEvent.objects.filter(name=f"{kind}:update").count() == 1


@pytest.mark.parametrize(("kind", "path"), DELETE_ROUTES)
def test_delete_force_removes_row_and_tasks(admin_client, prod, kind, path):
    entity = getattr(prod, kind)
    assert admin_client.delete(fill(path, prod) + "?force=true").status_code == 204
    assert not Entity.objects.filter(pk=entity.pk).exists()
    assert not Task.objects.filter(entity_id=entity.pk).exists()


@pytest.mark.parametrize(("kind", "path"), DELETE_ROUTES)
def test_delete_force_event(django_capture_on_commit_callbacks, admin_client, prod, kind, path):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.delete(fill(path, prod) + "?force=true")
    event = ApiEvent.objects.get(name=f"{kind}:delete")
    assert event.data[f"{kind}_id"] == str(getattr(prod, kind).pk)


@pytest.mark.parametrize(("kind", "path"), DELETE_ROUTES)
@pytest.mark.parametrize("role", ("supervisor", "user", "client", "vendor"))
def test_delete_refused_to_non_manager(make_client, prod, kind, path, role):
    client = prod.member(make_client, role)
    assert client.delete(fill(path, prod)).status_code == 403
    assert not Entity.objects.get(pk=getattr(prod, kind).pk).canceled


@pytest.mark.parametrize(("kind", "path"), DELETE_ROUTES)
def test_delete_by_manager(make_client, prod, kind, path):
    assert prod.member(make_client, "manager").delete(fill(path, prod)).status_code == 204


@pytest.mark.parametrize(("kind", "path"), DELETE_ROUTES)
def test_delete_by_creator_in_team(make_client, prod, kind, path):
    client = prod.member(make_client, "user")
    Entity.objects.filter(pk=getattr(prod, kind).pk).update(created_by=client.person)
    assert client.delete(fill(path, prod)).status_code == 204


@pytest.mark.parametrize(("kind", "path"), DELETE_ROUTES)
def test_delete_unknown(admin_client, prod, kind, path):
    assert admin_client.delete(fill(path, prod, **{kind: uuid.uuid4()})).status_code == 404


@pytest.mark.parametrize(("kind", "path"), DELETE_ROUTES)
def test_delete_anonymous(api_client, prod, kind, path):
    assert api_client.delete(fill(path, prod)).status_code == 401
