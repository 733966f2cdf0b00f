"""Preview file lists: of a task, of an entity (flat, or grouped by task type for shots, edits, concepts
and playlists), of a project, and the previews still processing. Each list has its shape, roles and query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from playlists.models import PreviewFile
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-4000-8000-000000000000"
NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
REVISION_KEYS = {
    "id",
    "revision",
    "original_name",
    "extension",
    "width",
    "height",
    "duration",
    "status",
    "annotations",
    "previews",
    "created_at",
    "task_id",
}
GROUPED_EXTRA_KEYS = {
    "id",
    "revision",
    "position",
    "original_name",
    "extension",
    "width",
    "height",
    "duration",
    "status",
    "annotations",
    "created_at",
    "task_id",
    "task_type_id",
}
ENTITY_LIST_KEYS = {
    "id",
    "name",
    "original_name",
    "extension",
    "revision",
    "position",
    "file_size",
    "status",
    "validation_status",
    "task_id",
    "person_id",
    "created_at",
}


def ready_preview(task, **fields):
    values = {"task": task, "status": PreviewFile.STATUS_READY, "extension": "png", **fields}
    return factories.PreviewFileFactory(**values)


def entity_of_kind(project, kind, **fields):
    return factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory(name=kind), **fields)


def task_on(entity, **fields):
    return factories.TaskFactory(project=entity.project, entity=entity, **fields)


@pytest.fixture
def shot(project):
    episode = entity_of_kind(project, "Episode", name="E01")
    sequence = entity_of_kind(project, "Sequence", name="SQ01", parent=episode)
    return entity_of_kind(project, "Shot", name="SH01", parent=sequence)


def assert_fixed_queries(client, path, add_rows, django_assert_num_queries):
    """Check that `path` runs as many queries after `add_rows()` as before it."""
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    add_rows()
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(path).status_code == 200


# ---- GET /data/tasks/{id}/previews -----------------------------------------------------------------


def task_previews_url(task):
    return f"/api/data/tasks/{getattr(task, 'pk', task)}/previews"


def test_task_previews_order(admin_client, task):
    old = ready_preview(task, revision=1)
    second = ready_preview(task, revision=2, position=2)
    first = ready_preview(task, revision=2, position=1)
    ready_preview(factories.TaskFactory())
    rows = admin_client.get(task_previews_url(task)).json()
    assert [row["id"] for row in rows] == [str(first.pk), str(second.pk), str(old.pk)]
    assert rows[0]["type"] == "PreviewFile"
    assert rows[0]["task_id"] == str(task.pk)


def test_task_previews_unknown(admin_client):
    assert admin_client.get(task_previews_url(UNKNOWN)).status_code == 404


def test_task_previews_malformed(admin_client):
    assert admin_client.get(task_previews_url("nope")).status_code == 400


def test_task_previews_anonymous(api_client, task):
    assert api_client.get(task_previews_url(task)).status_code == 401


@pytest.mark.parametrize(
    "role, assigned, expected",
    [
        ("manager", False, 200),
        ("supervisor", False, 200),
        ("user", False, 200),
        ("client", False, 200),
        ("vendor", True, 200),
        ("vendor", False, 403),
    ],
)
def test_task_previews_by_role(member, task, role, assigned, expected):
    ready_preview(task)
    assert member(role, assigned=assigned).get(task_previews_url(task)).status_code == expected


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_task_previews_outsider(member, task, role):
    assert member(role, assigned=True, team=False).get(task_previews_url(task)).status_code == 403


def test_task_previews_query_count_fixed(member, task, django_assert_num_queries):
    ready_preview(task)

    def add_rows():
        for revision in range(2, 12):
            ready_preview(task, revision=revision)

    assert_fixed_queries(member("user"), task_previews_url(task), add_rows, django_assert_num_queries)


# ---- GET /data/shots/{id}/preview-files and the other grouped lists ------------------------------


def shot_url(shot):
    return f"/api/data/shots/{getattr(shot, 'pk', shot)}/preview-files"


def test_shot_previews_grouped(admin_client, shot):
    anim = task_on(shot)
    comp = task_on(shot)
    first = ready_preview(anim, revision=2, position=1)
    extra = ready_preview(anim, revision=2, position=2)
    old = ready_preview(anim, revision=1, position=1)
    comp_preview = ready_preview(comp, revision=1)
    body = admin_client.get(shot_url(shot)).json()
    assert set(body) == {str(anim.task_type_id), str(comp.task_type_id)}
    revisions = body[str(anim.task_type_id)]
    assert [row["id"] for row in revisions] == [str(first.pk), str(old.pk)]
    assert set(revisions[0]) == REVISION_KEYS
    assert [row["id"] for row in revisions[0]["previews"]] == [str(extra.pk)]
    assert set(revisions[0]["previews"][0]) == GROUPED_EXTRA_KEYS
    assert revisions[1]["previews"] == []
    assert body[str(comp.task_type_id)][0]["id"] == str(comp_preview.pk)


def test_shot_previews_task_type_priority(admin_client, shot):
    low = task_on(shot, task_type=factories.TaskTypeFactory(name="A", priority=1))
    high = task_on(shot, task_type=factories.TaskTypeFactory(name="B", priority=5))
    ready_preview(low)
    ready_preview(high)
    assert list(admin_client.get(shot_url(shot)).json()) == [str(high.task_type_id), str(low.task_type_id)]


def test_shot_previews_values(admin_client, shot):
    preview = ready_preview(task_on(shot), width=64, height=36, duration=None, annotations=[{"time": 0}])
    row = next(iter(admin_client.get(shot_url(shot)).json().values()))[0]
    assert (row["width"], row["height"], row["duration"]) == (64, 36, 0.0)
    assert row["annotations"] == [{"time": 0}]
    assert row["task_id"] == str(preview.task_id)


def test_shot_previews_empty(admin_client, shot):
    assert admin_client.get(shot_url(shot)).json() == {}


def test_shot_previews_not_a_shot(admin_client, project):
    asset = factories.EntityFactory(project=project)
    assert admin_client.get(shot_url(asset)).status_code == 404


def test_shot_previews_unknown(admin_client):
    assert admin_client.get(shot_url(UNKNOWN)).status_code == 404


def test_shot_previews_malformed(admin_client):
    assert admin_client.get(shot_url("nope")).status_code == 400


def test_shot_previews_anonymous(api_client, shot):
    assert api_client.get(shot_url(shot)).status_code == 401


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_shot_previews_team_roles(member, shot, role):
    ready_preview(task_on(shot))
    response = member(role).get(shot_url(shot))
    assert response.status_code == 200
    assert len(response.json()) == 1


def test_shot_previews_vendor_only_assigned(member, shot):
    assigned_task = task_on(shot)
    ready_preview(assigned_task)
    ready_preview(task_on(shot))
    client = member("vendor")
    factories.TaskPersonLinkFactory(task=assigned_task, person=client.person)
    assert list(client.get(shot_url(shot)).json()) == [str(assigned_task.task_type_id)]


def test_shot_previews_vendor_without_task(member, shot):
    ready_preview(task_on(shot))
    assert member("vendor").get(shot_url(shot)).status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_shot_previews_outsider(make_client, shot, role):
    assert make_client(role).get(shot_url(shot)).status_code == 403


def test_shot_previews_query_count_fixed(member, shot, django_assert_num_queries):
    task = task_on(shot)
    ready_preview(task)

    def add_rows():
        for revision in range(2, 8):
            ready_preview(task, revision=revision)
            ready_preview(task, revision=revision, position=2)
        ready_preview(task_on(shot))

    assert_fixed_queries(member("user"), shot_url(shot), add_rows, django_assert_num_queries)


def test_edit_previews(admin_client, project):
    edit = entity_of_kind(project, "Edit")
    preview = ready_preview(task_on(edit))
    body = admin_client.get(f"/api/data/edits/{edit.pk}/preview-files").json()
    assert next(iter(body.values()))[0]["id"] == str(preview.pk)


def test_edit_previews_not_an_edit(admin_client, shot):
    assert admin_client.get(f"/api/data/edits/{shot.pk}/preview-files").status_code == 404


def test_concept_previews(admin_client, project):
    concept = entity_of_kind(project, "Concept")
    preview = ready_preview(task_on(concept))
    body = admin_client.get(f"/api/data/concepts/{concept.pk}/preview-files").json()
    assert next(iter(body.values()))[0]["id"] == str(preview.pk)


@pytest.mark.parametrize("role, expected", [("manager", 200), ("user", 200), ("client", 403), ("vendor", 403)])
def test_concept_previews_by_role(member, project, role, expected):
    concept = entity_of_kind(project, "Concept")
    ready_preview(task_on(concept))
    assert member(role).get(f"/api/data/concepts/{concept.pk}/preview-files").status_code == expected


def test_playlist_entity_previews_any_entity(admin_client, project):
    asset = factories.EntityFactory(project=project)
    preview = ready_preview(task_on(asset))
    body = admin_client.get(f"/api/data/playlists/entities/{asset.pk}/preview-files").json()
    assert next(iter(body.values()))[0]["id"] == str(preview.pk)


def test_playlist_entity_previews_unknown(admin_client):
    assert admin_client.get(f"/api/data/playlists/entities/{UNKNOWN}/preview-files").status_code == 404


@pytest.mark.parametrize("role, expected", [("client", 200), ("vendor", 403)])
def test_playlist_entity_previews_by_role(member, shot, role, expected):
    ready_preview(task_on(shot))
    assert member(role).get(f"/api/data/playlists/entities/{shot.pk}/preview-files").status_code == expected


# ---- GET /data/entities/{id}/preview-files ----------------------------------------------------------


def entity_url(entity):
    return f"/api/data/entities/{getattr(entity, 'pk', entity)}/preview-files"


def test_entity_previews_short_rows(admin_client, shot):
    anim = task_on(shot, task_type=factories.TaskTypeFactory(name="Anim"))
    comp = task_on(shot, task_type=factories.TaskTypeFactory(name="Comp"))
    comp_preview = ready_preview(comp)
    new = ready_preview(anim, revision=2)
    old = ready_preview(anim, revision=1)
    rows = admin_client.get(entity_url(shot)).json()
    assert [row["id"] for row in rows] == [str(new.pk), str(old.pk), str(comp_preview.pk)]
    assert set(rows[0]) == ENTITY_LIST_KEYS
    assert rows[0]["person_id"] == str(new.person_id)


def test_entity_previews_unknown(admin_client):
    assert admin_client.get(entity_url(UNKNOWN)).status_code == 404


def test_entity_previews_vendor_only_assigned(member, shot):
    assigned_task = task_on(shot)
    preview = ready_preview(assigned_task)
    ready_preview(task_on(shot))
    client = member("vendor")
    factories.TaskPersonLinkFactory(task=assigned_task, person=client.person)
    assert [row["id"] for row in client.get(entity_url(shot)).json()] == [str(preview.pk)]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_entity_previews_outsider(make_client, shot, role):
    assert make_client(role).get(entity_url(shot)).status_code == 403


def test_entity_previews_query_count_fixed(member, shot, django_assert_num_queries):
    task = task_on(shot)
    ready_preview(task)

    def add_rows():
        for revision in range(2, 10):
            ready_preview(task, revision=revision)

    assert_fixed_queries(member("client"), entity_url(shot), add_rows, django_assert_num_queries)


# ---- GET /data/projects/{id}/preview-files ----------------------------------------------------------


def project_url(project):
    return f"/api/data/projects/{getattr(project, 'pk', project)}/preview-files"


def test_project_previews(admin_client, project, task):
    preview = ready_preview(task)
    ready_preview(factories.TaskFactory())
    rows = admin_client.get(project_url(project)).json()
    assert [row["id"] for row in rows] == [str(preview.pk)]


def test_project_previews_page(admin_client, project, task):
    for revision in range(1, 4):
        ready_preview(task, revision=revision)
    page = admin_client.get(project_url(project), {"page": 1, "limit": 2}).json()
    assert (page["total"], page["nb_pages"], len(page["data"])) == (3, 2, 2)


def test_project_previews_bad_page(admin_client, project):
    assert admin_client.get(project_url(project), {"page": "x"}).status_code == 400


def test_project_previews_unknown(admin_client):
    assert admin_client.get(project_url(UNKNOWN)).status_code == 404


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_project_previews_admins_only(member, project, role):
    assert member(role).get(project_url(project)).status_code == 403


def test_project_previews_query_count_fixed(admin_client, project, task, django_assert_num_queries):
    ready_preview(task)

    def add_rows():
        for revision in range(2, 10):
            ready_preview(task, revision=revision)

    assert_fixed_queries(admin_client, project_url(project), add_rows, django_assert_num_queries)


# ---- GET /data/playlists/preview-files/running ------------------------------------------------------


RUNNING_URL = "/api/data/playlists/preview-files/running"


def test_running_previews(admin_client, shot):
    task = task_on(shot)
    processing = ready_preview(task, revision=1, status=PreviewFile.STATUS_PROCESSING)
    broken = ready_preview(task, revision=2, status=PreviewFile.STATUS_BROKEN)
    ready_preview(task, revision=3)
    rows = admin_client.get(RUNNING_URL).json()
    assert [row["id"] for row in rows] == [str(broken.pk), str(processing.pk)]
    assert rows[0]["project_id"] == str(shot.project_id)
    assert rows[0]["task_type_id"] == str(task.task_type_id)
    assert rows[0]["full_entity_name"] == "E01 / SQ01 / SH01"
    assert rows[0]["type"] == "PreviewFile"


def test_running_previews_closed_project(admin_client, task):
    ready_preview(task, status=PreviewFile.STATUS_PROCESSING)
    task.project.project_status = factories.ProjectStatusFactory(name="Closed")
    task.project.save()
    assert admin_client.get(RUNNING_URL).json() == []


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_running_previews_admins_only(make_client, role):
    assert make_client(role).get(RUNNING_URL).status_code == 403


def test_running_previews_anonymous(api_client):
    assert api_client.get(RUNNING_URL).status_code == 401


def test_running_previews_query_count_fixed(admin_client, shot, django_assert_num_queries):
    task = task_on(shot)
    ready_preview(task, status=PreviewFile.STATUS_PROCESSING)

    def add_rows():
        for revision in range(2, 10):
            ready_preview(task_on(shot), revision=revision, status=PreviewFile.STATUS_PROCESSING)

    assert_fixed_queries(admin_client, RUNNING_URL, add_rows, django_assert_num_queries)


# ---- every grouped list, for every role ----------------------------------------------------------


GROUPED_ROUTES = {
    "shots": ("Shot", "/api/data/shots/{}/preview-files"),
    "edits": ("Edit", "/api/data/edits/{}/preview-files"),
    "concepts": ("Concept", "/api/data/concepts/{}/preview-files"),
    "playlists": ("Shot", "/api/data/playlists/entities/{}/preview-files"),
    "entities": ("Shot", "/api/data/entities/{}/preview-files"),
}


@pytest.mark.parametrize("route", sorted(GROUPED_ROUTES))
@pytest.mark.parametrize(
    "role, assigned, expected",
    [
        ("manager", False, 200),
        ("supervisor", False, 200),
        ("user", False, 200),
        ("client", False, 200),
        ("vendor", True, 200),
        ("vendor", False, 403),
    ],
)
def test_entity_lists_by_role(member, project, route, role, assigned, expected):
    kind, path = GROUPED_ROUTES[route]
    entity = entity_of_kind(project, kind)
    task = task_on(entity)
    ready_preview(task)
    client = member(role)
    if assigned:
        factories.TaskPersonLinkFactory(task=task, person=client.person)
    if route == "concepts" and role == "client":
        expected = 403
    assert client.get(path.format(entity.pk)).status_code == expected


@pytest.mark.parametrize("route", sorted(GROUPED_ROUTES))
def test_entity_lists_unknown(admin_client, route):
    assert admin_client.get(GROUPED_ROUTES[route][1].format(UNKNOWN)).status_code == 404


@pytest.mark.parametrize("route", sorted(GROUPED_ROUTES))
def test_entity_lists_anonymous(api_client, project, route):
    kind, path = GROUPED_ROUTES[route]
    assert api_client.get(path.format(entity_of_kind(project, kind).pk)).status_code == 401


@pytest.mark.parametrize("route", sorted(GROUPED_ROUTES))
def test_entity_lists_query_count_fixed(member, project, route, django_assert_num_queries):
    kind, path = GROUPED_ROUTES[route]
    entity = entity_of_kind(project, kind)
    task = task_on(entity)
    ready_preview(task)

    def add_rows():
        for revision in range(2, 8):
            ready_preview(task, revision=revision)
        ready_preview(task_on(entity))

    assert_fixed_queries(member("manager"), path.format(entity.pk), add_rows, django_assert_num_queries)
