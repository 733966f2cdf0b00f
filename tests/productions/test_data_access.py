"""Access rules and special writes of the production /data routes."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from productions.models import Comment, Entity, ProjectPersonLink, Task, TaskPersonLink, TaskStatus
from tests import factories

pytestmark = pytest.mark.django_db


def join_team(project, person):
    ProjectPersonLink.objects.create(project=project, person=person)


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def task(project):
    return factories.TaskFactory(project=project)


def listed_ids(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()}


# ---- projects --------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_project_list_shows_team_projects(make_client, project, role):
    client = make_client(role)
    other = factories.ProjectFactory()
    join_team(project, client.person)
    ids = listed_ids(client, "/api/data/projects")
    assert str(project.pk) in ids
    assert str(other.pk) not in ids


def test_project_list_hides_closed_projects(make_client):
    client = make_client("user")
    closed = factories.ClosedProjectFactory()
    join_team(closed, client.person)
    assert str(closed.pk) not in listed_ids(client, "/api/data/projects")


def test_project_read_refused_outside_team(make_client, project):
    assert make_client("user").get(f"/api/data/projects/{project.pk}").status_code == 403


def test_project_read_has_relations(admin_client, project):
    person = factories.PersonFactory()
    join_team(project, person)
    body = admin_client.get(f"/api/data/projects/{project.pk}").json()
    assert body["team"] == [str(person.pk)]
    assert body["project_status_name"] == "Open"


def test_project_list_relations_flag(admin_client, project):
    rows = admin_client.get("/api/data/projects", {"relations": "true"}).json()
    assert "team" in rows[0]
    assert "team" not in admin_client.get("/api/data/projects").json()[0]


def test_project_filter_by_team_member(admin_client, project):
    person = factories.PersonFactory()
    join_team(project, person)
    factories.ProjectFactory()
    assert listed_ids(admin_client, "/api/data/projects", team=str(person.pk)) == {str(project.pk)}


def test_project_update_by_team_manager(make_client, project):
    client = make_client("manager")
    join_team(project, client.person)
    response = client.put(f"/api/data/projects/{project.pk}", {"description": "managed"}, format="json")
    assert response.status_code == 200
    assert response.json()["description"] == "managed"


def test_project_update_refused_to_outside_manager(make_client, project):
    response = make_client("manager").put(f"/api/data/projects/{project.pk}", {"description": "x"}, format="json")
    assert response.status_code == 403


def test_tvshow_create_returns_first_episode(admin_client):
    response = admin_client.post("/api/data/projects", {"name": "Show", "production_type": "tvshow"}, format="json")
    assert response.status_code == 201
    episode = Entity.objects.get(pk=response.json()["first_episode_id"])
    assert episode.name == "E01"
    assert episode.entity_type.name == "Episode"


def test_project_create_defaults_to_open(admin_client):
    response = admin_client.post("/api/data/projects", {"name": "Short"}, format="json")
    assert response.json()["project_status_id"] is not None


def test_open_project_delete_refused(admin_client, project):
    response = admin_client.delete(f"/api/data/projects/{project.pk}")
    assert response.status_code == 400
    assert "closed" in response.json()["message"]


def test_closed_project_with_data_needs_force(admin_client):
    project = factories.ClosedProjectFactory()
    factories.TaskFactory(project=project)
    assert admin_client.delete(f"/api/data/projects/{project.pk}").status_code == 400
    assert admin_client.delete(f"/api/data/projects/{project.pk}", QUERY_STRING="force=true").status_code == 204
    assert not Task.objects.filter(project_id=project.pk).exists()


def test_project_list_query_count_constant(make_client):
    client = make_client("user")

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/data/projects", {"relations": "true"})
        return len(queries.captured_queries)

    join_team(factories.ProjectFactory(), client.person)
    few = count_queries()
    for _ in range(6):
        join_team(factories.ProjectFactory(), client.person)
    assert count_queries() == few


# ---- entities --------------------------------------------------------------


def test_entity_rows_have_base_type(admin_client, project):
    shot_type = factories.EntityTypeFactory(name="Shot")
    factories.EntityFactory(project=project, entity_type=shot_type)
    factories.EntityFactory(project=project)
    types = {row["type"] for row in admin_client.get("/api/data/entities").json()}
    assert types == {"Shot", "Asset"}


def test_entity_list_scoped_to_team(make_client, project):
    client = make_client("supervisor")
    join_team(project, client.person)
    mine = factories.EntityFactory(project=project)
    other = factories.EntityFactory()
    ids = listed_ids(client, "/api/data/entities")
    assert str(mine.pk) in ids
    assert str(other.pk) not in ids


def test_vendor_sees_entities_only_with_a_task(make_client, project, task):
    client = make_client("vendor")
    join_team(project, client.person)
    assert listed_ids(client, "/api/data/entities") == set()
    TaskPersonLink.objects.create(task=task, person=client.person)
    assert str(task.entity_id) in listed_ids(client, "/api/data/entities")


def test_entity_update_merges_data(admin_client, project):
    entity = factories.EntityFactory(project=project, data={"a": 1})
    response = admin_client.put(f"/api/data/entities/{entity.pk}", {"data": {"b": 2}}, format="json")
    assert response.json()["data"] == {"a": 1, "b": 2}


def test_entity_update_ignores_project_change(admin_client, project):
    entity = factories.EntityFactory(project=project)
    other = factories.ProjectFactory()
    admin_client.put(f"/api/data/entities/{entity.pk}", {"project_id": str(other.pk)}, format="json")
    entity.refresh_from_db()
    assert entity.project_id == project.pk


def test_supervisor_updates_entity_data_only(make_client, project):
    client = make_client("supervisor")
    join_team(project, client.person)
    entity = factories.EntityFactory(project=project)
    url = f"/api/data/entities/{entity.pk}"
    assert client.put(url, {"data": {"k": "v"}}, format="json").status_code == 200
    assert client.put(url, {"name": "renamed"}, format="json").status_code == 403


def test_entity_create_by_team_manager(make_client, project):
    client = make_client("manager")
    join_team(project, client.person)
    asset_type = factories.EntityTypeFactory()
    body = {"name": "Chair", "project_id": str(project.pk), "entity_type_id": str(asset_type.pk)}
    response = client.post("/api/data/entities", body, format="json")
    assert response.status_code == 201
    assert response.json()["created_by"] == str(client.person.pk)


def test_entity_create_refused_outside_team(make_client, project):
    asset_type = factories.EntityTypeFactory()
    body = {"name": "Chair", "project_id": str(project.pk), "entity_type_id": str(asset_type.pk)}
    assert make_client("manager").post("/api/data/entities", body, format="json").status_code == 403


def test_entity_with_tasks_needs_force(admin_client, task):
    url = f"/api/data/entities/{task.entity_id}"
    assert admin_client.delete(url).status_code == 400
    assert admin_client.delete(url, QUERY_STRING="force=true").status_code == 204
    assert not Task.objects.filter(pk=task.pk).exists()


# ---- tasks -----------------------------------------------------------------


def test_task_create_fills_project_and_status(admin_client, project):
    factories.TaskStatusFactory(is_default=True)
    entity = factories.EntityFactory(project=project)
    task_type = factories.TaskTypeFactory(for_entity="Asset")
    body = {"name": "main", "entity_id": str(entity.pk), "task_type_id": str(task_type.pk)}
    response = admin_client.post("/api/data/tasks", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["project_id"] == str(project.pk)
    assert response.json()["task_status_id"] is not None


def test_task_create_type_mismatch_is_400(admin_client, project):
    entity = factories.EntityFactory(project=project)
    task_type = factories.TaskTypeFactory(for_entity="Shot")
    status = factories.TaskStatusFactory()
    body = {
        "name": "main",
        "entity_id": str(entity.pk),
        "task_type_id": str(task_type.pk),
        "task_status_id": str(status.pk),
    }
    response = admin_client.post("/api/data/tasks", body, format="json")
    assert response.status_code == 400
    assert "task_type_id" in response.json()["message"]


def test_task_create_duplicate_is_400(admin_client, task):
    body = {
        "name": task.name,
        "entity_id": str(task.entity_id),
        "task_type_id": str(task.task_type_id),
        "task_status_id": str(task.task_status_id),
        "project_id": str(task.project_id),
    }
    response = admin_client.post("/api/data/tasks", body, format="json")
    assert response.status_code == 400
    assert Task.objects.filter(entity_id=task.entity_id).count() == 1


def test_task_create_missing_entity_is_400(admin_client, task):
    response = admin_client.post(
        "/api/data/tasks", {"name": "x", "task_type_id": str(task.task_type_id)}, format="json"
    )
    assert response.status_code == 400
    assert "entity_id" in response.json()["message"]


def test_task_create_needs_token(api_client, task):
    assert api_client.post("/api/data/tasks", {"name": "x"}, format="json").status_code == 401


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_task_create_refused_for_role(make_client, task, role):
    client = make_client(role)
    join_team(task.project, client.person)
    body = {"name": "other", "entity_id": str(task.entity_id), "task_type_id": str(task.task_type_id)}
    assert client.post("/api/data/tasks", body, format="json").status_code == 403


def test_vendor_lists_assigned_tasks_only(make_client, task):
    client = make_client("vendor")
    join_team(task.project, client.person)
    other = factories.TaskFactory(project=task.project)
    TaskPersonLink.objects.create(task=task, person=client.person)
    assert listed_ids(client, "/api/data/tasks") == {str(task.pk)}
    assert str(other.pk) not in listed_ids(client, "/api/data/tasks")


def test_supervisor_updates_task_planning(make_client, task):
    client = make_client("supervisor")
    join_team(task.project, client.person)
    url = f"/api/data/tasks/{task.pk}"
    assert client.put(url, {"estimation": 2}, format="json").status_code == 200
    assert client.put(url, {"name": "renamed"}, format="json").status_code == 403


def test_artist_cannot_update_task(make_client, task):
    client = make_client("user")
    join_team(task.project, client.person)
    assert client.put(f"/api/data/tasks/{task.pk}", {"priority": 3}, format="json").status_code == 403


def test_task_read_includes_assignees(admin_client, task):
    person = factories.PersonFactory()
    TaskPersonLink.objects.create(task=task, person=person)
    assert admin_client.get(f"/api/data/tasks/{task.pk}").json()["assignees"] == [str(person.pk)]


def test_task_filter_by_assignee(admin_client, task):
    person = factories.PersonFactory()
    TaskPersonLink.objects.create(task=task, person=person)
    factories.TaskFactory()
    assert listed_ids(admin_client, "/api/data/tasks", assignees=str(person.pk)) == {str(task.pk)}


def test_task_difficulty_out_of_range_is_400(admin_client, task):
    response = admin_client.put(f"/api/data/tasks/{task.pk}", {"difficulty": 9}, format="json")
    assert response.status_code == 400


def test_task_with_comments_needs_force(admin_client, task):
    factories.CommentFactory(object_id=task.pk)
    url = f"/api/data/tasks/{task.pk}"
    assert admin_client.delete(url).status_code == 400
    assert admin_client.delete(url, QUERY_STRING="force=true").status_code == 204
    assert not Comment.objects.filter(object_id=task.pk).exists()


def test_task_list_query_count_constant(admin_client, project):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            admin_client.get("/api/data/tasks", {"relations": "true"})
        return len(queries.captured_queries)

    factories.TaskFactory(project=project)
    few = count_queries()
    for _ in range(6):
        task = factories.TaskFactory(project=project)
        TaskPersonLink.objects.create(task=task, person=factories.PersonFactory())
    assert count_queries() == few


# ---- comments --------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_comment_list_admin_only(make_client, role):
    assert make_client(role).get("/api/data/comments").status_code == 403


def test_comment_generic_create_leaves_links_empty(admin_client, task):
    body = {"object_id": str(task.pk), "object_type": "Task", "person_id": str(admin_client.person.pk), "text": "raw"}
    response = admin_client.post("/api/data/comments", body, format="json")
    assert response.status_code == 201
    assert response.json()["links"] is None


def test_comment_read_by_team_artist(make_client, task):
    client = make_client("user")
    join_team(task.project, client.person)
    comment = factories.CommentFactory(object_id=task.pk)
    assert client.get(f"/api/data/comments/{comment.pk}").status_code == 200


def test_comment_read_refused_outside_team(make_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    assert make_client("user").get(f"/api/data/comments/{comment.pk}").status_code == 403


def test_client_reads_only_client_comments(make_client, task):
    client = make_client("client")
    join_team(task.project, client.person)
    artist_comment = factories.CommentFactory(object_id=task.pk)
    client_comment = factories.CommentFactory(object_id=task.pk, person=factories.PersonFactory(role="client"))
    assert client.get(f"/api/data/comments/{artist_comment.pk}").status_code == 403
    assert client.get(f"/api/data/comments/{client_comment.pk}").status_code == 200


def test_comment_author_deletes_own(make_client, task):
    client = make_client("user")
    join_team(task.project, client.person)
    comment = factories.CommentFactory(object_id=task.pk, person=client.person)
    other = factories.CommentFactory(object_id=task.pk)
    assert client.delete(f"/api/data/comments/{other.pk}").status_code == 403
    assert client.delete(f"/api/data/comments/{comment.pk}").status_code == 204


def test_comment_malformed_id_is_404(admin_client):
    assert admin_client.get("/api/data/comments/not-a-uuid").status_code == 404


def test_comment_update_sets_editor(admin_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    response = admin_client.put(f"/api/data/comments/{comment.pk}", {"text": "edited"}, format="json")
    assert response.json()["editor_id"] == str(admin_client.person.pk)


def test_comment_list_query_count_constant(admin_client, task):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            admin_client.get("/api/data/comments", {"relations": "true"})
        return len(queries.captured_queries)

    factories.CommentFactory(object_id=task.pk)
    few = count_queries()
    for _ in range(6):
        comment = factories.CommentFactory(object_id=task.pk)
        comment.mentions.add(factories.PersonFactory())
    assert count_queries() == few


# ---- reference data --------------------------------------------------------


def test_asset_types_exclude_temporal_types(admin_client):
    shot = factories.EntityTypeFactory(name="Shot")
    prop = factories.EntityTypeFactory(name="Prop")
    rows = admin_client.get("/api/data/asset-types").json()
    ids = {row["id"] for row in rows}
    assert str(prop.pk) in ids
    assert str(shot.pk) not in ids
    assert {row["type"] for row in rows} == {"AssetType"}


def test_asset_types_are_read_only(admin_client):
    assert admin_client.post("/api/data/asset-types", {"name": "X"}, format="json").status_code == 405


def test_entity_type_duplicate_name_any_case(admin_client):
    factories.EntityTypeFactory(name="Vehicle")
    response = admin_client.post("/api/data/entity-types", {"name": "vehicle"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


def test_entity_type_carries_task_types(admin_client):
    response = admin_client.post("/api/data/entity-types", {"name": "Creature"}, format="json")
    assert response.json()["task_types"] == []


def test_task_type_duplicate_name_is_400(admin_client):
    factories.TaskTypeFactory(name="Grooming", for_entity="Asset")
    response = admin_client.post("/api/data/task-types", {"name": "Grooming", "for_entity": "Shot"}, format="json")
    assert response.status_code == 400


def test_new_default_status_replaces_old(admin_client):
    old = factories.TaskStatusFactory(is_default=True)
    body = {"name": "Fresh", "short_name": "fresh", "color": "#000000", "is_default": True}
    assert admin_client.post("/api/data/task-status", body, format="json").status_code == 201
    old.refresh_from_db()
    assert old.is_default is False
    assert TaskStatus.objects.filter(is_default=True, for_concept=False).count() == 1


def test_name_filter_ignores_case(admin_client):
    factories.DepartmentFactory(name="Grooming")
    rows = admin_client.get("/api/data/departments", {"name": "grooming"}).json()
    assert [row["name"] for row in rows] == ["Grooming"]


def test_boolean_filter(admin_client):
    factories.DepartmentFactory(archived=True)
    live = factories.DepartmentFactory(archived=False)
    ids = listed_ids(admin_client, "/api/data/departments", archived="false")
    assert str(live.pk) in ids
    assert all(not row["archived"] for row in admin_client.get("/api/data/departments", {"archived": "f"}).json())


def test_boolean_filter_bad_value_is_400(admin_client):
    response = admin_client.get("/api/data/departments", {"archived": "maybe"})
    assert response.status_code == 400
    assert "archived" in response.json()["message"]


def test_unknown_id_in_body_is_400(admin_client):
    body = {"name": "T", "department_id": str(uuid.uuid4())}
    response = admin_client.post("/api/data/task-types", body, format="json")
    assert response.status_code == 400
    assert "department_id" in response.json()["message"]


def test_entity_force_delete_removes_child_comments(admin_client, project):
    sequence = factories.EntityFactory(project=project)
    shot = factories.EntityFactory(project=project, parent=sequence)
    task = factories.TaskFactory(project=project, entity=shot)
    factories.CommentFactory(object_id=task.pk)
    response = admin_client.delete(f"/api/data/entities/{sequence.pk}", QUERY_STRING="force=true")
    assert response.status_code == 204
    assert not Comment.objects.filter(object_id=task.pk).exists()


# ---- many-to-many lists in the body ------------------------------------------


def test_task_update_replaces_assignees(admin_client, task):
    first, second = factories.PersonFactory(), factories.PersonFactory()
    TaskPersonLink.objects.create(task=task, person=first)
    response = admin_client.put(f"/api/data/tasks/{task.pk}", {"assignees": [str(second.pk)]}, format="json")
    assert response.status_code == 200
    assert list(task.assignees.values_list("pk", flat=True)) == [second.pk]


def test_task_update_accepts_assignee_objects(admin_client, task):
    person = factories.PersonFactory()
    body = {"assignees": [{"id": str(person.pk), "first_name": "x"}]}
    assert admin_client.put(f"/api/data/tasks/{task.pk}", body, format="json").status_code == 200
    assert list(task.assignees.values_list("pk", flat=True)) == [person.pk]


def test_task_update_unknown_assignee_is_400(admin_client, task):
    response = admin_client.put(f"/api/data/tasks/{task.pk}", {"assignees": [str(uuid.uuid4())]}, format="json")
    assert response.status_code == 400
    assert "assignees" in response.json()["message"]


def test_project_update_replaces_task_types(admin_client, project):
    task_type = factories.TaskTypeFactory()
    response = admin_client.put(f"/api/data/projects/{project.pk}", {"task_types": [str(task_type.pk)]}, format="json")
    assert response.status_code == 200
    assert list(project.task_types.values_list("pk", flat=True)) == [task_type.pk]


def test_project_update_ignores_team(admin_client, project):
    person = factories.PersonFactory()
    admin_client.put(f"/api/data/projects/{project.pk}", {"team": [str(person.pk)]}, format="json")
    assert not project.team.exists()
