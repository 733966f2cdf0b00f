"""Route matrix of the project routes: success, bad input, unknown id and every role.

Covers the cases that the other modules leave out for `/data/projects*`,
`/data/project-status*` and the create-tasks routes of `/actions/projects/*`.
"""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kitsu_project.api.pagination import MAX_LIMIT
from productions.models import Project, ProjectPersonLink, ProjectStatus, ProjectTaskStatusLink, Task, TaskPersonLink
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
MEMBER_ROLES = ["manager", "supervisor", "user", "client", "vendor"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def member(make_client, project):
    """Factory: member("user") -> a client of that role in the team of `project`."""

    def factory(role):
        client = make_client(role)
        join_team(project, client.person)
        return client

    return factory


def count_queries(client, path, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.json()
    return len(context.captured_queries)


# ---- GET /data/projects/{id}/... : who of the team may read -----------------------------------------

ALL_MEMBERS = frozenset(MEMBER_ROLES)
STAFF = frozenset({"manager", "supervisor", "user"})

# Route under the project, and the team roles that may read it (admins always may).
PROJECT_READ_ROUTES = [
    ("asset-types", ALL_MEMBERS),
    ("asset-types/{asset_type}/assets", ALL_MEMBERS),
    ("assets", ALL_MEMBERS),
    ("comments", STAFF),
    ("episodes", ALL_MEMBERS),
    ("episodes/stats", ALL_MEMBERS),
    ("sequences", ALL_MEMBERS),
    ("shots", ALL_MEMBERS),
    ("task-types", ALL_MEMBERS),
    ("tasks", ALL_MEMBERS),
    ("team", ALL_MEMBERS),
    ("settings/task-status", ALL_MEMBERS),
    ("settings/status-automations", frozenset({"manager"})),
    ("metadata-descriptors", ALL_MEMBERS),
    ("news", frozenset({"manager", "supervisor", "user", "client"})),
    ("notifications", frozenset()),
    ("subscriptions", frozenset()),
    ("time-spents", ALL_MEMBERS),
    ("quotas/{task_type}", STAFF),
]
READ_IDS = [route for route, _ in PROJECT_READ_ROUTES]


@pytest.fixture
def read_ids(db):
    return {"asset_type": factories.EntityTypeFactory(name="Character").pk, "task_type": factories.TaskTypeFactory().pk}


def project_path(project_id, route, ids):
    return f"/api/data/projects/{project_id}/" + route.format(**ids)


@pytest.mark.parametrize(("route", "allowed"), PROJECT_READ_ROUTES, ids=READ_IDS)
def test_project_read_admin(admin_client, project, read_ids, route, allowed):
    assert admin_client.get(project_path(project.pk, route, read_ids)).status_code == 200


@pytest.mark.parametrize("role", MEMBER_ROLES)
@pytest.mark.parametrize(("route", "allowed"), PROJECT_READ_ROUTES, ids=READ_IDS)
def test_project_read_team_role(member, project, read_ids, route, allowed, role):
    expected = 200 if role in allowed else 403
    assert member(role).get(project_path(project.pk, route, read_ids)).status_code == expected


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
@pytest.mark.parametrize(("route", "allowed"), PROJECT_READ_ROUTES, ids=READ_IDS)
def test_project_read_outsider(make_client, project, read_ids, route, allowed, role):
    assert make_client(role).get(project_path(project.pk, route, read_ids)).status_code == 403


@pytest.mark.parametrize(("route", "allowed"), PROJECT_READ_ROUTES, ids=READ_IDS)
def test_project_read_anonymous(api_client, project, read_ids, route, allowed):
    assert api_client.get(project_path(project.pk, route, read_ids)).status_code == 401


@pytest.mark.parametrize(("route", "allowed"), PROJECT_READ_ROUTES, ids=READ_IDS)
def test_project_read_unknown_project(admin_client, read_ids, route, allowed):
    assert admin_client.get(project_path(UNKNOWN, route, read_ids)).status_code == 404


@pytest.mark.parametrize(("route", "allowed"), PROJECT_READ_ROUTES, ids=READ_IDS)
def test_project_read_malformed_project(admin_client, read_ids, route, allowed):
    response = admin_client.get(project_path("nope", route, read_ids))
    assert response.status_code == 400
    assert "nope" in response.json()["message"]


def test_asset_type_assets_unknown_type(admin_client, project):
    response = admin_client.get(f"/api/data/projects/{project.pk}/asset-types/{UNKNOWN}/assets")
    assert response.status_code == 200
    assert response.json() == []


def test_asset_type_assets_malformed_type(admin_client, project):
    response = admin_client.get(f"/api/data/projects/{project.pk}/asset-types/nope/assets")
    assert response.status_code == 400


# ---- query counts of project lists that no other module measures -------------------------------------


def test_asset_type_assets_queries_constant(admin_client, project):
    asset_type = factories.EntityTypeFactory(name="Character")
    task_type = factories.TaskTypeFactory()
    status = factories.TaskStatusFactory()
    path = f"/api/data/projects/{project.pk}/asset-types/{asset_type.pk}/assets"

    def add_assets(count):
        for _ in range(count):
            asset = factories.EntityFactory(project=project, entity_type=asset_type)
            task = factories.TaskFactory(project=project, entity=asset, task_type=task_type, task_status=status)
            TaskPersonLink.objects.create(task=task, person=factories.PersonFactory())

    add_assets(1)
    few = count_queries(admin_client, path)
    add_assets(6)
    assert count_queries(admin_client, path) == few


def test_task_status_settings_queries_constant(admin_client, project):
    path = f"/api/data/projects/{project.pk}/settings/task-status"
    ProjectTaskStatusLink.objects.create(project=project, task_status=factories.TaskStatusFactory())
    few = count_queries(admin_client, path)
    for _ in range(6):
        ProjectTaskStatusLink.objects.create(project=project, task_status=factories.TaskStatusFactory())
    assert count_queries(admin_client, path) == few


def test_status_automations_queries_constant(admin_client, project):
    path = f"/api/data/projects/{project.pk}/settings/status-automations"
    project.status_automations.add(factories.StatusAutomationFactory())
    few = count_queries(admin_client, path)
    project.status_automations.add(*factories.StatusAutomationFactory.create_batch(6))
    assert count_queries(admin_client, path) == few


@pytest.mark.parametrize(
    "route, make_row",
    [
        ("notifications", lambda task: factories.NotificationFactory(task=task)),
        ("subscriptions", lambda task: factories.SubscriptionFactory(task=task)),
    ],
)
def test_project_activity_queries_constant(admin_client, project, route, make_row):
    path = f"/api/data/projects/{project.pk}/{route}"
    make_row(factories.TaskFactory(project=project))
    few = count_queries(admin_client, path)
    for _ in range(6):
        make_row(factories.TaskFactory(project=project))
    assert count_queries(admin_client, path) == few


def test_open_projects_news_queries_constant(admin_client, project):
    factories.NewsFactory(task=factories.TaskFactory(project=project))
    few = count_queries(admin_client, "/api/data/projects/news")
    for _ in range(6):
        factories.NewsFactory(task=factories.TaskFactory(project=factories.ProjectFactory()))
    assert count_queries(admin_client, "/api/data/projects/news") == few


# ---- POST /data/projects/{id}/... : structure creation and the team ------------------------------------


def create_body(route, project):
    if route == "sequences":
        return {"name": "SQ09"}
    if route == "shots":
        sequence = factories.EntityFactory(
            project=project, entity_type=factories.EntityTypeFactory(name="Sequence"), name="SQ01"
        )
        return {"name": "SH090", "sequence_id": str(sequence.pk)}
    if route == "team":
        return {"person_id": str(factories.PersonFactory().pk)}
    return {"name": "E09"}


CREATE_ROUTES = ["episodes", "sequences", "shots", "team"]


@pytest.mark.parametrize("route", CREATE_ROUTES)
def test_project_create_by_admin(admin_client, project, route):
    response = admin_client.post(f"/api/data/projects/{project.pk}/{route}", create_body(route, project), format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("route", CREATE_ROUTES)
def test_project_create_team_manager(member, project, route):
    client = member("manager")
    response = client.post(f"/api/data/projects/{project.pk}/{route}", create_body(route, project), format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("route", CREATE_ROUTES)
def test_project_create_outside_manager(make_client, project, route):
    client = make_client("manager")
    response = client.post(f"/api/data/projects/{project.pk}/{route}", create_body(route, project), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("route", CREATE_ROUTES)
def test_project_create_malformed_project(admin_client, project, route):
    response = admin_client.post(f"/api/data/projects/nope/{route}", create_body(route, project), format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("route", CREATE_ROUTES)
def test_project_create_unknown_project(admin_client, project, route):
    response = admin_client.post(f"/api/data/projects/{UNKNOWN}/{route}", create_body(route, project), format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("route", CREATE_ROUTES)
def test_project_create_non_object_body(admin_client, project, route):
    response = admin_client.post(f"/api/data/projects/{project.pk}/{route}", ["E09"], format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("route", ["episodes", "sequences", "shots"])
@pytest.mark.parametrize("name", [None, "", 12])
def test_structure_create_bad_name(admin_client, project, route, name):
    body = {**create_body(route, project), "name": name}
    response = admin_client.post(f"/api/data/projects/{project.pk}/{route}", body, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


def test_asset_create_malformed_project(admin_client):
    asset_type = factories.EntityTypeFactory(name="Character")
    url = f"/api/data/projects/nope/asset-types/{asset_type.pk}/assets/new"
    assert admin_client.post(url, {"name": "Hero"}, format="json").status_code == 400


def test_asset_create_malformed_type(admin_client, project):
    url = f"/api/data/projects/{project.pk}/asset-types/nope/assets/new"
    assert admin_client.post(url, {"name": "Hero"}, format="json").status_code == 400


def test_asset_create_outside_manager(make_client, project):
    asset_type = factories.EntityTypeFactory(name="Character")
    url = f"/api/data/projects/{project.pk}/asset-types/{asset_type.pk}/assets/new"
    assert make_client("manager").post(url, {"name": "Hero"}, format="json").status_code == 403


# ---- DELETE /data/projects/{id}/team/{person_id} ------------------------------------------------------------


def test_team_remove_by_team_manager(member, project):
    person = factories.PersonFactory()
    join_team(project, person)
    assert member("manager").delete(f"/api/data/projects/{project.pk}/team/{person.pk}").status_code == 204
    assert not ProjectPersonLink.objects.filter(project=project, person=person).exists()


def test_team_remove_outside_manager(make_client, project):
    person = factories.PersonFactory()
    join_team(project, person)
    assert make_client("manager").delete(f"/api/data/projects/{project.pk}/team/{person.pk}").status_code == 403
    assert ProjectPersonLink.objects.filter(project=project, person=person).exists()


def test_team_remove_malformed_person(admin_client, project):
    assert admin_client.delete(f"/api/data/projects/{project.pk}/team/nope").status_code == 400


def test_team_remove_unknown_project(admin_client):
    person = factories.PersonFactory()
    assert admin_client.delete(f"/api/data/projects/{UNKNOWN}/team/{person.pk}").status_code == 404


def test_team_remove_malformed_project(admin_client):
    person = factories.PersonFactory()
    assert admin_client.delete(f"/api/data/projects/nope/team/{person.pk}").status_code == 400


# ---- /data/projects/{id}: reads, updates and deletes by role --------------------------------------------------


def project_url(project_id):
    return f"/api/data/projects/{project_id}"


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_project_get_team_role(member, project, role):
    response = member(role).get(project_url(project.pk))
    assert response.status_code == 200
    assert response.json()["id"] == str(project.pk)


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_project_get_outsider(make_client, project, role):
    assert make_client(role).get(project_url(project.pk)).status_code == 403


def test_project_get_anonymous(api_client, project):
    assert api_client.get(project_url(project.pk)).status_code == 401


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_project_update_team_role_rejected(member, project, role):
    response = member(role).put(project_url(project.pk), {"description": "new"}, format="json")
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.description != "new"


def test_project_update_anonymous(api_client, project):
    assert api_client.put(project_url(project.pk), {"description": "x"}, format="json").status_code == 401


def test_project_update_malformed(admin_client):
    assert admin_client.put(project_url("nope"), {"description": "x"}, format="json").status_code == 400


@pytest.mark.parametrize(
    "body, key",
    [
        ({"start_date": "soon"}, "start_date"),
        ({"end_date": "2024-13-45"}, "end_date"),
        ({"project_status_id": UNKNOWN}, "project_status_id"),
        ({"project_status_id": "nope"}, "project_status_id"),
        ({"nb_episodes": "many"}, "nb_episodes"),
        ({"max_retakes": "x"}, "max_retakes"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
    ],
)
def test_project_update_bad_value(admin_client, project, body, key):
    response = admin_client.put(project_url(project.pk), body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]


def test_project_update_name_taken(admin_client, project):
    other = factories.ProjectFactory()
    response = admin_client.put(project_url(project.pk), {"name": other.name}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


@pytest.mark.parametrize(
    "extra, key",
    [
        ({"start_date": "soon"}, "start_date"),
        ({"project_status_id": UNKNOWN}, "project_status_id"),
        ({"nb_episodes": "many"}, "nb_episodes"),
        ({"max_retakes": "x"}, "max_retakes"),
    ],
)
def test_project_create_bad_value(admin_client, extra, key):
    body = {"name": "Matrix Film", **extra}
    response = admin_client.post("/api/data/projects", body, format="json")
    assert response.status_code == 400
    assert key in response.json()["message"]
    assert not Project.objects.filter(name="Matrix Film").exists()


def test_project_create_missing_name(admin_client):
    response = admin_client.post("/api/data/projects", {"description": "no name"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


def test_project_create_name_taken(admin_client, project):
    response = admin_client.post("/api/data/projects", {"name": project.name}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


def test_project_delete_manager_rejected(member):
    closed = factories.ClosedProjectFactory()
    client = member("manager")
    join_team(closed, client.person)
    assert client.delete(project_url(closed.pk)).status_code == 403
    assert Project.objects.filter(pk=closed.pk).exists()


def test_project_delete_anonymous(api_client):
    closed = factories.ClosedProjectFactory()
    assert api_client.delete(project_url(closed.pk)).status_code == 401


def test_project_delete_malformed(admin_client):
    assert admin_client.delete(project_url("nope")).status_code == 400


# ---- /data/project-status ---------------------------------------------------------------------------------------

PROJECT_STATUS = "/api/data/project-status"


@pytest.mark.parametrize("role", ROLES)
def test_project_status_list_every_role(make_client, role):
    status = factories.NamedProjectStatusFactory()
    response = make_client(role).get(PROJECT_STATUS)
    assert response.status_code == 200
    assert str(status.pk) in {row["id"] for row in response.json()}


@pytest.mark.parametrize("role", ROLES)
def test_project_status_get_every_role(make_client, role):
    status = factories.NamedProjectStatusFactory()
    response = make_client(role).get(f"{PROJECT_STATUS}/{status.pk}")
    assert response.status_code == 200
    assert response.json()["type"] == "ProjectStatus"


def test_project_status_get_anonymous(api_client, db):
    status = factories.NamedProjectStatusFactory()
    assert api_client.get(f"{PROJECT_STATUS}/{status.pk}").status_code == 401


def test_project_status_create_missing_name(admin_client):
    response = admin_client.post(PROJECT_STATUS, {"color": "#000000"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


def test_project_status_create_name_taken(admin_client):
    status = factories.NamedProjectStatusFactory()
    response = admin_client.post(PROJECT_STATUS, {"name": status.name, "color": "#000000"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_project_status_update_rejected(make_client, role):
    status = factories.NamedProjectStatusFactory()
    response = make_client(role).put(f"{PROJECT_STATUS}/{status.pk}", {"color": "#ffffff"}, format="json")
    assert response.status_code == 403
    status.refresh_from_db()
    assert status.color == "#000000"


def test_project_status_update_malformed(admin_client):
    assert admin_client.put(f"{PROJECT_STATUS}/nope", {"color": "#ffffff"}, format="json").status_code == 400


def test_project_status_update_anonymous(api_client, db):
    status = factories.NamedProjectStatusFactory()
    response = api_client.put(f"{PROJECT_STATUS}/{status.pk}", {"color": "#ffffff"}, format="json")
    assert response.status_code == 401


def test_project_status_delete_manager_rejected(make_client):
    status = factories.NamedProjectStatusFactory()
    assert make_client("manager").delete(f"{PROJECT_STATUS}/{status.pk}").status_code == 403
    assert ProjectStatus.objects.filter(pk=status.pk).exists()


def test_project_status_delete_malformed(admin_client):
    assert admin_client.delete(f"{PROJECT_STATUS}/nope").status_code == 400


def test_project_status_delete_anonymous(api_client, db):
    status = factories.NamedProjectStatusFactory()
    assert api_client.delete(f"{PROJECT_STATUS}/{status.pk}").status_code == 401


def test_project_status_delete_in_use(admin_client, project):
    response = admin_client.delete(f"{PROJECT_STATUS}/{project.project_status_id}")
    assert response.status_code == 400
    assert Project.objects.filter(pk=project.pk).exists()


# ---- POST /actions/projects/{id}/task-types/{id}/.../create-tasks -------------------------------------------------


@pytest.fixture
def kinds(project):
    """One entity of each kind in `project`, keyed by the entity type name."""
    factories.TaskStatusFactory(is_default=True)
    factories.TaskStatusFactory(is_default=True, for_concept=True)
    rows = {}
    for name in ("Concept", "Edit", "Shot", "Character"):
        rows[name] = factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory(name=name))
    return rows


def create_tasks_url(project_id, task_type_id, tail):
    return f"/api/actions/projects/{project_id}/task-types/{task_type_id}/{tail}"


# Path tail, and the entity type whose rows get the tasks.
CREATE_TASKS_ROUTES = [
    ("concepts/create-tasks", "Concept"),
    ("edits/create-tasks", "Edit"),
    ("assets/create-tasks", "Character"),
    ("create-tasks/shot/", "Shot"),
    ("create-tasks/Edit/", "Edit"),
]
CREATE_TASKS_IDS = [tail for tail, _ in CREATE_TASKS_ROUTES]


@pytest.mark.parametrize(("tail", "kind"), CREATE_TASKS_ROUTES, ids=CREATE_TASKS_IDS)
def test_create_tasks_by_admin(admin_client, project, kinds, tail, kind):
    task_type = factories.TaskTypeFactory()
    response = admin_client.post(create_tasks_url(project.pk, task_type.pk, tail), format="json")
    assert response.status_code == 201, response.json()
    assert [row["entity_id"] for row in response.json()] == [str(kinds[kind].pk)]


@pytest.mark.parametrize(("tail", "kind"), CREATE_TASKS_ROUTES, ids=CREATE_TASKS_IDS)
def test_create_tasks_listed_entity(admin_client, project, kinds, tail, kind):
    task_type = factories.TaskTypeFactory()
    body = [str(kinds[kind].pk)]
    response = admin_client.post(create_tasks_url(project.pk, task_type.pk, tail), body, format="json")
    assert response.status_code == 201, response.json()
    assert Task.objects.filter(entity=kinds[kind], task_type=task_type).count() == 1


@pytest.mark.parametrize("role", MEMBER_ROLES)
@pytest.mark.parametrize(("tail", "kind"), CREATE_TASKS_ROUTES, ids=CREATE_TASKS_IDS)
def test_create_tasks_team_role(member, project, kinds, tail, kind, role):
    allowed = {"manager", "supervisor", "user"} if kind == "Concept" and tail.startswith("concepts") else {"manager"}
    task_type = factories.TaskTypeFactory()
    response = member(role).post(create_tasks_url(project.pk, task_type.pk, tail), format="json")
    assert response.status_code == (201 if role in allowed else 403)


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
@pytest.mark.parametrize(("tail", "kind"), CREATE_TASKS_ROUTES, ids=CREATE_TASKS_IDS)
def test_create_tasks_outsider(make_client, project, kinds, tail, kind, role):
    task_type = factories.TaskTypeFactory()
    response = make_client(role).post(create_tasks_url(project.pk, task_type.pk, tail), format="json")
    assert response.status_code == 403
    assert not Task.objects.filter(task_type=task_type).exists()


@pytest.mark.parametrize(("tail", "kind"), CREATE_TASKS_ROUTES, ids=CREATE_TASKS_IDS)
def test_create_tasks_anonymous(api_client, project, kinds, tail, kind):
    task_type = factories.TaskTypeFactory()
    assert api_client.post(create_tasks_url(project.pk, task_type.pk, tail), format="json").status_code == 401


@pytest.mark.parametrize(("tail", "kind"), CREATE_TASKS_ROUTES, ids=CREATE_TASKS_IDS)
def test_create_tasks_unknown_ids(admin_client, project, kinds, tail, kind):
    task_type = factories.TaskTypeFactory()
    assert admin_client.post(create_tasks_url(UNKNOWN, task_type.pk, tail), format="json").status_code == 404
    assert admin_client.post(create_tasks_url(project.pk, UNKNOWN, tail), format="json").status_code == 404


@pytest.mark.parametrize(("tail", "kind"), CREATE_TASKS_ROUTES, ids=CREATE_TASKS_IDS)
def test_create_tasks_malformed_ids(admin_client, project, kinds, tail, kind):
    task_type = factories.TaskTypeFactory()
    assert admin_client.post(create_tasks_url("nope", task_type.pk, tail), format="json").status_code == 400
    assert admin_client.post(create_tasks_url(project.pk, "nope", tail), format="json").status_code == 400


@pytest.mark.parametrize(("tail", "kind"), CREATE_TASKS_ROUTES, ids=CREATE_TASKS_IDS)
def test_create_tasks_bad_entity_id(admin_client, project, kinds, tail, kind):
    task_type = factories.TaskTypeFactory()
    response = admin_client.post(create_tasks_url(project.pk, task_type.pk, tail), ["nope"], format="json")
    assert response.status_code == 400
    assert not Task.objects.filter(task_type=task_type).exists()


@pytest.mark.parametrize(("tail", "kind"), CREATE_TASKS_ROUTES, ids=CREATE_TASKS_IDS)
def test_create_tasks_malformed_episode(admin_client, project, kinds, tail, kind):
    task_type = factories.TaskTypeFactory()
    url = create_tasks_url(project.pk, task_type.pk, tail) + "?episode_id=nope"
    response = admin_client.post(url, format="json")
    assert response.status_code == 400
    assert "episode_id" in response.json()["message"]


def test_create_tasks_unknown_entity_type(admin_client, project, kinds):
    task_type = factories.TaskTypeFactory()
    url = create_tasks_url(project.pk, task_type.pk, "create-tasks/spaceship/")
    assert admin_client.post(url, format="json").status_code == 404


@pytest.mark.parametrize(("tail", "kind"), CREATE_TASKS_ROUTES, ids=CREATE_TASKS_IDS)
def test_create_tasks_queries_constant(admin_client, project, kinds, tail, kind):
    entity_type = kinds[kind].entity_type

    def queries_for(count):
        task_type = factories.TaskTypeFactory()
        for _ in range(count):
            factories.EntityFactory(project=project, entity_type=entity_type, name=f"X {uuid.uuid4().hex[:8]}")
        with CaptureQueriesContext(connection) as context:
            response = admin_client.post(create_tasks_url(project.pk, task_type.pk, tail), format="json")
        assert response.status_code == 201
        return len(context.captured_queries)

    assert queries_for(1) == queries_for(6)


# ---- page numbers beyond the database's integer range -------------------------------------------------------

HUGE = "99999999999999999999"
OVERFLOW = (
    "a page or limit past the 64-bit range reaches the database: PostgreSQL raises DataError (500) "
    "and SQLite returns 400 with a message about conflicting data that does not name the parameter"
)


@pytest.mark.parametrize(
    "route",
    ["", "{project}/tasks", "{project}/notifications", "{project}/news", "news"],
)
def test_project_list_huge_page(admin_client, project, route):
    path = "/api/data/projects" + ("/" + route.format(project=project.pk) if route else "")
    response = admin_client.get(path, {"page": HUGE})
    assert response.status_code == 400
    assert "page" in response.json()["message"]


def test_project_status_list_huge_page(admin_client):
    response = admin_client.get(PROJECT_STATUS, {"page": HUGE})
    assert response.status_code == 400
    assert "page" in response.json()["message"]


def test_project_notifications_huge_limit(admin_client, project):
    # As on every paged route, a limit above the largest page size reads the largest page.
    response = admin_client.get(f"/api/data/projects/{project.pk}/notifications", {"page": 1, "limit": HUGE})
    assert response.status_code == 200
    assert response.json()["limit"] == MAX_LIMIT
