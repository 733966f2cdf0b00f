"""The /data/user routes: the start-up context, the caller's projects and to-do lists."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import issue_tokens
from productions.models import ProjectPersonLink, TaskPersonLink
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

CONTEXT_KEYS = {
    "asset_types",
    "custom_actions",
    "status_automations",
    "departments",
    "studios",
    "notification_count",
    "persons",
    "project_status",
    "projects",
    "task_types",
    "task_status",
    "search_filters",
    "search_filter_groups",
    "preview_background_files",
}
LIST_ROUTES = ["/api/data/user/projects/open", "/api/data/user/tasks", "/api/data/user/done-tasks"]


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


def assign(task, person):
    TaskPersonLink.objects.create(task=task, person=person)


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.json()
    return len(queries.captured_queries)


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()]


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def todo():
    return factories.TaskStatusFactory(name="Todo", is_default=True)


@pytest.fixture
def done():
    return factories.TaskStatusFactory(name="Done", is_done=True)


@pytest.fixture
def feedback():
    return factories.TaskStatusFactory(name="Waiting For Approval", is_feedback_request=True)


@pytest.fixture
def artist(make_client, project):
    client = make_client("user")
    join_team(project, client.person)
    return client


@pytest.fixture
def shot_tree(project):
    """An episode, a sequence in it and a shot in the sequence."""
    episode = factories.EntityFactory(
        name="E01", project=project, entity_type=factories.EntityTypeFactory(name="Episode")
    )
    sequence = factories.EntityFactory(
        name="SQ01", project=project, parent=episode, entity_type=factories.EntityTypeFactory(name="Sequence")
    )
    shot = factories.EntityFactory(
        name="SH010", project=project, parent=sequence, entity_type=factories.EntityTypeFactory(name="Shot")
    )
    return episode, sequence, shot


@pytest.fixture
def shot_task(project, shot_tree, todo, artist):
    task = factories.TaskFactory(project=project, entity=shot_tree[2], task_status=todo)
    assign(task, artist.person)
    return task


def make_assigned_task(project, person, status, **fields):
    task = factories.TaskFactory(project=project, task_status=status, **fields)
    assign(task, person)
    return task


# ---- authentication ---------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/data/user/context", *LIST_ROUTES, "/api/data/user/tasks-to-check"])
def test_user_route_without_token(api_client, path):
    assert api_client.get(path).status_code == 401


def test_user_route_with_cookie_alone(artist):
    client = APIClient()
    client.cookies[settings.KITSU_ACCESS_COOKIE] = issue_tokens(artist.person)[0]
    assert client.get("/api/data/user/context").status_code == 200


def test_user_route_with_bearer_alone(artist):
    assert artist.cookies.get(settings.KITSU_ACCESS_COOKIE) is None
    assert artist.get("/api/data/user/tasks").status_code == 200


# ---- context --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_context_for_each_role(make_client, project, role):
    client = make_client(role)
    join_team(project, client.person)
    body = client.get("/api/data/user/context").json()
    assert CONTEXT_KEYS <= set(body)
    assert [row["id"] for row in body["projects"]] == [str(project.pk)]


def test_context_user_limit_for_admin(admin_client):
    assert admin_client.get("/api/data/user/context").json()["user_limit"] == 100


def test_context_user_limit_hidden_from_manager(make_client):
    assert "user_limit" not in make_client("manager").get("/api/data/user/context").json()


def test_context_projects_exclude_other_teams(artist, project):
    factories.ProjectFactory()
    body = artist.get("/api/data/user/context").json()
    assert [row["id"] for row in body["projects"]] == [str(project.pk)]


def test_context_projects_exclude_closed(artist):
    closed = factories.ClosedProjectFactory()
    join_team(closed, artist.person)
    body = artist.get("/api/data/user/context").json()
    assert str(closed.pk) not in [row["id"] for row in body["projects"]]


def test_context_admin_sees_every_open_project(admin_client, project):
    other = factories.ProjectFactory()
    factories.ClosedProjectFactory()
    body = admin_client.get("/api/data/user/context").json()
    assert {row["id"] for row in body["projects"]} == {str(project.pk), str(other.pk)}


def test_context_project_settings(artist, project):
    task_type = factories.TaskTypeFactory()
    task_status = factories.TaskStatusFactory()
    asset_type = factories.EntityTypeFactory()
    factories.ProjectTaskTypeLinkFactory(project=project, task_type=task_type, priority=3)
    factories.ProjectTaskStatusLinkFactory(project=project, task_status=task_status, priority=2)
    factories.ProjectAssetTypeLinkFactory(project=project, asset_type=asset_type)
    row = artist.get("/api/data/user/context").json()["projects"][0]
    assert row["team"] == [str(artist.person.pk)]
    assert row["asset_types"] == [str(asset_type.pk)]
    assert row["task_types"] == [str(task_type.pk)]
    assert row["task_statuses"] == [str(task_status.pk)]
    assert row["task_types_priority"] == {str(task_type.pk): 3}
    assert row["task_statuses_link"][str(task_status.pk)]["priority"] == 2
    assert "user" in row["task_statuses_link"][str(task_status.pk)]["roles_for_board"]
    assert row["descriptors"] == []
    assert "project_status_name" not in row


def test_context_first_episode_of_tvshow(make_client):
    client = make_client("user")
    show = factories.ProjectFactory(production_type="tvshow")
    join_team(show, client.person)
    episode_type = factories.EntityTypeFactory(name="Episode")
    factories.EntityFactory(name="E02", project=show, entity_type=episode_type)
    first = factories.EntityFactory(name="E01", project=show, entity_type=episode_type)
    factories.EntityFactory(name="E00", project=show, entity_type=episode_type, status="canceled")
    row = client.get("/api/data/user/context").json()["projects"][0]
    assert row["first_episode_id"] == str(first.pk)


def test_context_short_has_no_first_episode(artist):
    row = artist.get("/api/data/user/context").json()["projects"][0]
    assert "first_episode_id" not in row


def test_context_persons_minimal_for_artist(artist):
    department = factories.DepartmentFactory()
    artist.person.departments.add(department)
    rows = artist.get("/api/data/user/context").json()["persons"]
    row = next(row for row in rows if row["id"] == str(artist.person.pk))
    assert "email" not in row
    assert row["departments"] == [str(department.pk)]
    assert row["full_name"] == artist.person.full_name


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_context_persons_full_for_staff(make_client, role):
    client = make_client(role)
    rows = client.get("/api/data/user/context").json()["persons"]
    row = next(row for row in rows if row["id"] == str(client.person.pk))
    assert row["email"] == client.person.email
    assert "jti" not in row
    assert "password" not in row


def test_context_shared_lists(admin_client):
    studio = factories.StudioFactory()
    department = factories.DepartmentFactory()
    asset_type = factories.EntityTypeFactory()
    task_type = factories.TaskTypeFactory()
    factories.TaskTypeAssetTypeLinkFactory(asset_type=asset_type, task_type=task_type)
    factories.EntityTypeFactory(name="Shot")
    body = admin_client.get("/api/data/user/context").json()
    assert [row["id"] for row in body["studios"]] == [str(studio.pk)]
    assert [row["id"] for row in body["departments"]] == [str(department.pk)]
    assert [row["id"] for row in body["asset_types"]] == [str(asset_type.pk)]
    assert body["asset_types"][0]["task_types"] == [str(task_type.pk)]
    assert body["asset_types"][0]["type"] == "AssetType"
    assert [row["id"] for row in body["task_types"]] == [str(task_type.pk)]
    assert body["notification_count"] == 0


def test_context_query_count_constant(artist):
    def add_project():
        project = factories.ProjectFactory(production_type="tvshow")
        join_team(project, artist.person)
        factories.ProjectTaskTypeLinkFactory(project=project)
        factories.ProjectTaskStatusLinkFactory(project=project)
        factories.ProjectAssetTypeLinkFactory(project=project)
        factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory(name="Episode"))
        factories.PersonFactory().departments.add(factories.DepartmentFactory())
        factories.StudioFactory()
        factories.TaskTypeAssetTypeLinkFactory()

    # Empty lists skip their prefetch query, so the baseline has one row of each.
    add_project()
    few = count_queries(artist, "/api/data/user/context")
    for _ in range(4):
        add_project()
    assert count_queries(artist, "/api/data/user/context") == few


# ---- open projects -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_open_projects_of_team(make_client, project, role):
    client = make_client(role)
    join_team(project, client.person)
    factories.ProjectFactory()
    assert ids(client.get("/api/data/user/projects/open")) == [str(project.pk)]


def test_open_projects_admin_sees_all(admin_client, project):
    other = factories.ProjectFactory()
    assert set(ids(admin_client.get("/api/data/user/projects/open"))) == {str(project.pk), str(other.pk)}


def test_open_projects_skip_closed(artist):
    closed = factories.ClosedProjectFactory()
    join_team(closed, artist.person)
    assert str(closed.pk) not in ids(artist.get("/api/data/user/projects/open"))


def test_open_projects_by_name(artist, project):
    other = factories.ProjectFactory()
    join_team(other, artist.person)
    response = artist.get("/api/data/user/projects/open", {"name": other.name})
    assert ids(response) == [str(other.pk)]


def test_open_projects_unknown_name(artist):
    assert ids(artist.get("/api/data/user/projects/open", {"name": "No such project"})) == []


def test_open_projects_trailing_slash(artist, project):
    assert ids(artist.get("/api/data/user/projects/open/")) == [str(project.pk)]


def test_open_projects_query_count_constant(artist):
    few = count_queries(artist, "/api/data/user/projects/open")
    for _ in range(5):
        project = factories.ProjectFactory(production_type="tvshow")
        join_team(project, artist.person)
        factories.ProjectTaskTypeLinkFactory(project=project)
    assert count_queries(artist, "/api/data/user/projects/open") == few


# ---- to-do lists ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_todo_tasks_for_each_role(make_client, project, todo, role):
    client = make_client(role)
    join_team(project, client.person)
    task = make_assigned_task(project, client.person, todo)
    factories.TaskFactory(project=project, task_status=todo)
    assert ids(client.get("/api/data/user/tasks")) == [str(task.pk)]


def test_todo_tasks_row_columns(artist, shot_task, shot_tree, project):
    row = artist.get("/api/data/user/tasks").json()[0]
    episode, sequence, shot = shot_tree
    assert row["assignees"] == [str(artist.person.pk)]
    assert row["project_name"] == project.name
    assert row["entity_name"] == shot.name
    assert row["entity_type_name"] == "Shot"
    assert row["sequence_name"] == sequence.name
    assert row["episode_id"] == str(episode.pk)
    assert row["episode_name"] == episode.name
    assert row["task_type_name"] == shot_task.task_type.name
    assert row["task_status_short_name"] == shot_task.task_status.short_name
    assert row["entity_preview_file_id"] == ""
    assert row["entity_source_id"] == ""
    assert row["last_comment"] == {}
    assert row["type"] == "Task"


def test_todo_tasks_asset_episode_from_source(artist, project, shot_tree, todo):
    episode = shot_tree[0]
    asset = factories.EntityFactory(project=project, source=episode)
    make_assigned_task(project, artist.person, todo, entity=asset)
    row = artist.get("/api/data/user/tasks").json()[0]
    assert row["episode_id"] == str(episode.pk)
    assert row["episode_name"] == episode.name
    assert row["sequence_name"] is None


def test_todo_tasks_sequence_episode_is_parent(artist, project, shot_tree, todo):
    episode, sequence, _ = shot_tree
    make_assigned_task(project, artist.person, todo, entity=sequence)
    row = artist.get("/api/data/user/tasks").json()[0]
    assert row["episode_id"] == str(episode.pk)


def test_todo_tasks_last_comment_newest(artist, shot_task):
    older = factories.CommentFactory(object_id=shot_task.pk, text="first")
    newer = factories.CommentFactory(object_id=shot_task.pk, text="second")
    older.created_at = timezone.now() - datetime.timedelta(hours=1)
    older.save(update_fields=["created_at"])
    row = artist.get("/api/data/user/tasks").json()[0]
    assert row["last_comment"]["text"] == "second"
    assert row["last_comment"]["person_id"] == str(newer.person_id)


def test_todo_tasks_last_comment_skips_clients(artist, shot_task):
    factories.CommentFactory(object_id=shot_task.pk, text="staff note")
    factories.CommentFactory(object_id=shot_task.pk, text="client note", person=factories.PersonFactory(role="client"))
    row = artist.get("/api/data/user/tasks").json()[0]
    assert row["last_comment"]["text"] == "staff note"


def test_todo_tasks_skip_done(artist, project, done):
    make_assigned_task(project, artist.person, done)
    assert ids(artist.get("/api/data/user/tasks")) == []


def test_todo_tasks_skip_closed_project(make_client, todo):
    client = make_client("user")
    closed = factories.ClosedProjectFactory()
    join_team(closed, client.person)
    make_assigned_task(closed, client.person, todo)
    assert ids(client.get("/api/data/user/tasks")) == []


def test_todo_tasks_skip_projects_outside_team(make_client, project, todo):
    client = make_client("user")
    make_assigned_task(project, client.person, todo)
    assert ids(client.get("/api/data/user/tasks")) == []


def test_done_tasks_list_done_only(artist, project, todo, done):
    finished = make_assigned_task(project, artist.person, done)
    make_assigned_task(project, artist.person, todo)
    assert ids(artist.get("/api/data/user/done-tasks")) == [str(finished.pk)]


def test_done_tasks_newest_end_date_first(artist, project, done):
    now = timezone.now()
    older = make_assigned_task(project, artist.person, done, end_date=now - datetime.timedelta(days=2))
    newer = make_assigned_task(project, artist.person, done, end_date=now)
    assert ids(artist.get("/api/data/user/done-tasks")) == [str(newer.pk), str(older.pk)]


@pytest.mark.parametrize("path,status_name", [("/api/data/user/tasks", "todo"), ("/api/data/user/done-tasks", "done")])
def test_todo_lists_query_count_constant(artist, project, shot_tree, request, path, status_name):
    status = request.getfixturevalue(status_name)
    make_assigned_task(project, artist.person, status, entity=shot_tree[2])
    few = count_queries(artist, path)
    for _ in range(5):
        task = make_assigned_task(project, artist.person, status)
        factories.CommentFactory(object_id=task.pk)
        assign(task, factories.PersonFactory())
    assert count_queries(artist, path) == few


# ---- tasks to check ---------------------------------------------------------------------


def test_tasks_to_check_admin_sees_open_projects(admin_client, project, feedback, todo):
    waiting = factories.TaskFactory(project=project, task_status=feedback)
    factories.TaskFactory(project=project, task_status=todo)
    factories.TaskFactory(project=factories.ClosedProjectFactory(), task_status=feedback)
    assert ids(admin_client.get("/api/data/user/tasks-to-check")) == [str(waiting.pk)]


def test_tasks_to_check_manager_team_only(make_client, project, feedback):
    client = make_client("manager")
    join_team(project, client.person)
    waiting = factories.TaskFactory(project=project, task_status=feedback)
    factories.TaskFactory(task_status=feedback)
    assert ids(client.get("/api/data/user/tasks-to-check")) == [str(waiting.pk)]


def test_tasks_to_check_supervisor_departments(make_client, project, feedback):
    client = make_client("supervisor")
    join_team(project, client.person)
    department = factories.DepartmentFactory()
    client.person.departments.add(department)
    mine = factories.TaskFactory(
        project=project, task_status=feedback, task_type=factories.TaskTypeFactory(department=department)
    )
    factories.TaskFactory(project=project, task_status=feedback)
    assert ids(client.get("/api/data/user/tasks-to-check")) == [str(mine.pk)]


def test_tasks_to_check_supervisor_without_department(make_client, project, feedback):
    client = make_client("supervisor")
    join_team(project, client.person)
    waiting = factories.TaskFactory(project=project, task_status=feedback)
    assert ids(client.get("/api/data/user/tasks-to-check")) == [str(waiting.pk)]


@pytest.mark.parametrize("role", ["user", "client", "vendor"])
def test_tasks_to_check_empty_for_others(make_client, project, feedback, role):
    client = make_client(role)
    join_team(project, client.person)
    make_assigned_task(project, client.person, feedback)
    assert ids(client.get("/api/data/user/tasks-to-check")) == []


def test_tasks_to_check_query_count_constant(admin_client, project, feedback):
    factories.TaskFactory(project=project, task_status=feedback)
    few = count_queries(admin_client, "/api/data/user/tasks-to-check")
    for _ in range(5):
        task = factories.TaskFactory(project=project, task_status=feedback)
        factories.CommentFactory(object_id=task.pk)
    assert count_queries(admin_client, "/api/data/user/tasks-to-check") == few


# ---- what the caller works on in one entity ---------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_shot_tasks_for_each_role(make_client, project, shot_tree, todo, role):
    client = make_client(role)
    join_team(project, client.person)
    task = make_assigned_task(project, client.person, todo, entity=shot_tree[2])
    factories.TaskFactory(project=project, entity=shot_tree[2], task_status=todo, name="other")
    body = client.get(f"/api/data/user/shots/{shot_tree[2].pk}/tasks").json()
    assert [row["id"] for row in body] == [str(task.pk)]


def test_shot_tasks_row_has_no_relations(artist, shot_task, shot_tree):
    row = artist.get(f"/api/data/user/shots/{shot_tree[2].pk}/tasks").json()[0]
    assert "assignees" not in row
    assert row["task_type_id"] == str(shot_task.task_type_id)


def test_shot_task_types(artist, shot_task, shot_tree):
    response = artist.get(f"/api/data/user/shots/{shot_tree[2].pk}/task-types")
    assert ids(response) == [str(shot_task.task_type_id)]


def test_shot_tasks_skip_closed_project(make_client, todo):
    client = make_client("user")
    closed = factories.ClosedProjectFactory()
    task = make_assigned_task(closed, client.person, todo)
    path = f"/api/data/user/assets/{task.entity_id}/tasks"
    assert ids(client.get(path)) == []


@pytest.mark.parametrize("collection,kind", [("assets", "Prop"), ("scenes", "Scene"), ("sequences", "Sequence")])
def test_entity_tasks_per_kind(artist, project, todo, collection, kind):
    entity = factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory(name=kind))
    task = make_assigned_task(project, artist.person, todo, entity=entity)
    assert ids(artist.get(f"/api/data/user/{collection}/{entity.pk}/tasks")) == [str(task.pk)]
    assert ids(artist.get(f"/api/data/user/{collection}/{entity.pk}/task-types")) == [str(task.task_type_id)]


@pytest.mark.parametrize("suffix", ["tasks", "task-types"])
def test_entity_tasks_unknown_id(artist, suffix):
    assert artist.get(f"/api/data/user/shots/{uuid.uuid4()}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["tasks", "task-types"])
def test_entity_tasks_malformed_id(artist, suffix):
    assert artist.get(f"/api/data/user/shots/not-a-uuid/{suffix}").status_code == 400


def test_entity_tasks_wrong_kind(artist, shot_tree):
    assert artist.get(f"/api/data/user/assets/{shot_tree[2].pk}/tasks").status_code == 404


@pytest.mark.parametrize("suffix", ["tasks", "task-types"])
def test_entity_tasks_without_token(api_client, shot_tree, suffix):
    assert api_client.get(f"/api/data/user/shots/{shot_tree[2].pk}/{suffix}").status_code == 401


def test_entity_tasks_query_count_constant(artist, project, shot_tree, todo):
    shot = shot_tree[2]
    path = f"/api/data/user/shots/{shot.pk}/tasks"
    make_assigned_task(project, artist.person, todo, entity=shot)
    few = count_queries(artist, path)
    for index in range(5):
        make_assigned_task(project, artist.person, todo, entity=shot, name=f"task {index}")
    assert count_queries(artist, path) == few


# ---- what the caller works on in one project or sequence -------------------------------------


def test_project_asset_types(artist, project, todo):
    prop = factories.EntityTypeFactory(name="Prop")
    asset = factories.EntityFactory(project=project, entity_type=prop)
    make_assigned_task(project, artist.person, todo, entity=asset)
    factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory(name="Character"))
    response = artist.get(f"/api/data/user/projects/{project.pk}/asset-types")
    assert ids(response) == [str(prop.pk)]
    assert response.json()[0]["type"] == "AssetType"


def test_project_asset_type_assets(artist, project, todo):
    prop = factories.EntityTypeFactory(name="Prop")
    asset = factories.EntityFactory(project=project, entity_type=prop)
    make_assigned_task(project, artist.person, todo, entity=asset)
    make_assigned_task(project, artist.person, todo, entity=asset, name="second")
    factories.EntityFactory(project=project, entity_type=prop)
    response = artist.get(f"/api/data/user/projects/{project.pk}/asset-types/{prop.pk}/assets")
    assert ids(response) == [str(asset.pk)]
    assert response.json()[0]["type"] == "Asset"


def test_project_asset_type_assets_unknown_type(artist, project):
    path = f"/api/data/user/projects/{project.pk}/asset-types/{uuid.uuid4()}/assets"
    assert artist.get(path).status_code == 404


def test_project_asset_type_assets_shot_type(artist, project, shot_tree):
    shot_type_id = shot_tree[2].entity_type_id
    path = f"/api/data/user/projects/{project.pk}/asset-types/{shot_type_id}/assets"
    assert artist.get(path).status_code == 404


def test_project_sequences(artist, project, shot_task, shot_tree):
    factories.EntityFactory(project=project, entity_type=shot_tree[1].entity_type, name="SQ02")
    response = artist.get(f"/api/data/user/projects/{project.pk}/sequences")
    assert ids(response) == [str(shot_tree[1].pk)]
    assert response.json()[0]["type"] == "Sequence"


def test_project_episodes(artist, project, shot_task, shot_tree):
    factories.EntityFactory(project=project, entity_type=shot_tree[0].entity_type, name="E02")
    response = artist.get(f"/api/data/user/projects/{project.pk}/episodes")
    assert ids(response) == [str(shot_tree[0].pk)]
    assert response.json()[0]["type"] == "Episode"


def test_project_lists_empty_without_tasks(make_client, project, shot_task):
    client = make_client("user")
    join_team(project, client.person)
    assert ids(client.get(f"/api/data/user/projects/{project.pk}/sequences")) == []


@pytest.mark.parametrize("suffix", ["asset-types", "sequences", "episodes"])
def test_project_lists_unknown_project(artist, suffix):
    assert artist.get(f"/api/data/user/projects/{uuid.uuid4()}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["asset-types", "sequences", "episodes"])
def test_project_lists_malformed_project(artist, suffix):
    assert artist.get(f"/api/data/user/projects/nope/{suffix}").status_code == 400


@pytest.mark.parametrize("suffix", ["asset-types", "sequences", "episodes"])
def test_project_lists_without_token(api_client, project, suffix):
    assert api_client.get(f"/api/data/user/projects/{project.pk}/{suffix}").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_project_sequences_for_each_role(make_client, project, shot_tree, todo, role):
    client = make_client(role)
    join_team(project, client.person)
    make_assigned_task(project, client.person, todo, entity=shot_tree[2])
    assert ids(client.get(f"/api/data/user/projects/{project.pk}/sequences")) == [str(shot_tree[1].pk)]


def test_project_sequences_query_count_constant(artist, project, shot_task, shot_tree, todo):
    path = f"/api/data/user/projects/{project.pk}/sequences"
    few = count_queries(artist, path)
    for index in range(5):
        sequence = factories.EntityFactory(project=project, entity_type=shot_tree[1].entity_type, name=f"SQ1{index}")
        shot = factories.EntityFactory(project=project, entity_type=shot_tree[2].entity_type, parent=sequence)
        make_assigned_task(project, artist.person, todo, entity=shot)
    assert count_queries(artist, path) == few


def test_sequence_shots(artist, shot_task, shot_tree, project):
    factories.EntityFactory(project=project, entity_type=shot_tree[2].entity_type, parent=shot_tree[1])
    response = artist.get(f"/api/data/user/sequences/{shot_tree[1].pk}/shots")
    assert ids(response) == [str(shot_tree[2].pk)]
    assert response.json()[0]["type"] == "Shot"


def test_sequence_scenes(artist, project, shot_tree, todo):
    scene = factories.EntityFactory(
        project=project, parent=shot_tree[1], entity_type=factories.EntityTypeFactory(name="Scene")
    )
    make_assigned_task(project, artist.person, todo, entity=scene)
    assert ids(artist.get(f"/api/data/user/sequences/{shot_tree[1].pk}/scenes")) == [str(scene.pk)]


@pytest.mark.parametrize("suffix", ["shots", "scenes"])
def test_sequence_children_unknown_sequence(artist, shot_tree, suffix):
    assert artist.get(f"/api/data/user/sequences/{shot_tree[2].pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["shots", "scenes"])
def test_sequence_children_malformed_id(artist, suffix):
    assert artist.get(f"/api/data/user/sequences/x/{suffix}").status_code == 400


@pytest.mark.parametrize("suffix", ["shots", "scenes"])
def test_sequence_children_without_token(api_client, shot_tree, suffix):
    assert api_client.get(f"/api/data/user/sequences/{shot_tree[1].pk}/{suffix}").status_code == 401


def test_sequence_shots_query_count_constant(artist, project, shot_task, shot_tree, todo):
    path = f"/api/data/user/sequences/{shot_tree[1].pk}/shots"
    few = count_queries(artist, path)
    for _ in range(5):
        shot = factories.EntityFactory(project=project, entity_type=shot_tree[2].entity_type, parent=shot_tree[1])
        make_assigned_task(project, artist.person, todo, entity=shot)
    assert count_queries(artist, path) == few


def test_user_routes_reject_post(artist):
    assert artist.post("/api/data/user/tasks", {}, format="json").status_code == 405
