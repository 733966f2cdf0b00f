"""Working file and output file routes, and the /data collections of output types, file statuses,
working files and output files: success, bad input, unknown ids, every role, and fixed query counts."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Software
from kitsu_project import storage
from productions.models import ApiEvent, FileStatus, OutputFile, OutputType, TaskPersonLink, WorkingFile
from productions.services import file_trees
from productions.services import files as file_services
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


class Production:
    """The "Big Film" project with the default file tree, an asset and a shot, a task on each,
    an output type and a file status."""

    def __init__(self):
        self.project = factories.ProjectFactory(name="Big Film", file_tree=file_trees.tree_load("default"))
        self.asset_type = factories.EntityTypeFactory(name="Prop Kind")
        self.asset = self.entity("Hero Lamp", self.asset_type)
        self.sequence = self.entity("SQ01", factories.EntityTypeFactory(name="Sequence"))
        self.shot = self.entity("SH010", factories.EntityTypeFactory(name="Shot"), parent=self.sequence)
        self.modeling = factories.TaskTypeFactory(name="Modeling", for_entity="Asset")
        self.animation = factories.TaskTypeFactory(name="Animation", for_entity="Shot")
        self.asset_task = factories.TaskFactory(project=self.project, entity=self.asset, task_type=self.modeling)
        self.shot_task = factories.TaskFactory(project=self.project, entity=self.shot, task_type=self.animation)
        self.output_type = factories.OutputTypeFactory(name="Cache", short_name="abc")
        self.file_status = factories.FileStatusFactory(name="Approved")

    def entity(self, name, entity_type, **fields):
        return factories.EntityFactory(project=self.project, entity_type=entity_type, name=name, **fields)

    def working_file(self, task=None, **fields):
        task = task or self.asset_task
        return factories.WorkingFileFactory(task=task, **fields)

    def output_file(self, entity=None, **fields):
        values = {
            "entity": entity or self.asset,
            "output_type": self.output_type,
            "task_type": self.modeling,
            "file_status": self.file_status,
            **fields,
        }
        return factories.OutputFileFactory(**values)


@pytest.fixture
def prod():
    return Production()


def join_team(project, person):
    factories.ProjectPersonLinkFactory(project=project, person=person)


def assign(task, person):
    TaskPersonLink.objects.get_or_create(task=task, person=person)


@pytest.fixture
def member(make_client, prod):
    """Factory: member("user") -> a client of that role in the team; artists and vendors get the asset task."""

    def factory(role, *, assigned=True):
        client = make_client(role)
        join_team(prod.project, client.person)
        if assigned and role in ("user", "vendor"):
            assign(prod.asset_task, client.person)
        return client

    return factory


def message_of(response):
    return str(response.json()["message"])


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.json()
    return len(queries), response.json()


def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


# ---- POST /data/tasks/{task_id}/working-files/new -----------------------------------------------


def new_working_file_url(task_id):
    return f"/api/data/tasks/{task_id}/working-files/new"


def test_new_working_file_first_revision(admin_client, prod):
    software = factories.SoftwareFactory(name="Blender")
    body = {"name": "main", "comment": "blocking", "software_id": str(software.pk), "description": "first save"}
    response = admin_client.post(new_working_file_url(prod.asset_task.pk), body, format="json")
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["type"] == "WorkingFile"
    assert row["revision"] == 1
    assert row["task_id"] == str(prod.asset_task.pk)
    assert row["entity_id"] == str(prod.asset.pk)
    assert row["person_id"] == str(admin_client.person.pk)
    assert row["software_id"] == str(software.pk)
    assert row["comment"] == "blocking"
    assert row["description"] == "first save"
    assert row["path"] == (
        "/simple/productions/big_film/assets/prop_kind/hero_lamp/modeling/big_film_prop_kind_hero_lamp_modeling"
    )
    assert "outputs" not in row


def test_new_working_file_next_revision(admin_client, prod):
    url = new_working_file_url(prod.asset_task.pk)
    revisions = [admin_client.post(url, {"name": "main"}, format="json").json()["revision"] for _ in range(3)]
    assert revisions == [1, 2, 3]
    other = admin_client.post(url, {"name": "layout"}, format="json").json()
    assert other["revision"] == 1


def test_new_working_file_explicit_revision(admin_client, prod):
    response = admin_client.post(
        new_working_file_url(prod.asset_task.pk), {"name": "main", "revision": 5}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["revision"] == 5
    follow = admin_client.post(new_working_file_url(prod.asset_task.pk), {"name": "main"}, format="json")
    assert follow.json()["revision"] == 6


def test_new_working_file_duplicate_revision(admin_client, prod):
    url = new_working_file_url(prod.asset_task.pk)
    admin_client.post(url, {"name": "main", "revision": 2}, format="json")
    response = admin_client.post(url, {"name": "main", "revision": 2}, format="json")
    assert response.status_code == 400
    assert "revision" in message_of(response)
    assert WorkingFile.objects.count() == 1


def test_new_working_file_default_software(admin_client, prod):
    row = admin_client.post(new_working_file_url(prod.asset_task.pk), {"name": "main"}, format="json").json()
    software = Software.objects.get(pk=row["software_id"])
    assert software.name == "3ds Max"
    assert software.file_extension == ".max"


def test_new_working_file_simple_tree(admin_client, prod):
    prod.project.file_tree = file_trees.tree_load("simple")
    prod.project.save()
    software = factories.SoftwareFactory(name="Blender")
    body = {"name": "Main", "software_id": str(software.pk), "revision": 3}
    row = admin_client.post(new_working_file_url(prod.asset_task.pk), body, format="json").json()
    assert row["path"] == (
        "/simple/productions/big_film/assets/prop_kind/hero_lamp/modeling/blender/"
        "big_film_prop_kind_hero_lamp_modeling_main_v003"
    )


def test_new_working_file_separator(admin_client, prod):
    row = admin_client.post(new_working_file_url(prod.asset_task.pk), {"name": "main", "sep": "\\"}, format="json")
    assert row.json()["path"].endswith("hero_lamp\\modeling\\big_film_prop_kind_hero_lamp_modeling")


def test_new_working_file_records_event(django_capture_on_commit_callbacks, admin_client, prod):
    with django_capture_on_commit_callbacks(execute=True):
        row = admin_client.post(new_working_file_url(prod.asset_task.pk), {"name": "main"}, format="json").json()
    event = ApiEvent.objects.get(name="working-file:new")
    assert event.data["working_file_id"] == row["id"]
    assert str(event.project_id) == str(prod.project.pk)


def test_new_working_file_for_other_person_by_staff(admin_client, prod):
    artist = factories.PersonFactory(role="user")
    body = {"name": "main", "person_id": str(artist.pk)}
    row = admin_client.post(new_working_file_url(prod.asset_task.pk), body, format="json").json()
    assert row["person_id"] == str(artist.pk)


def test_new_working_file_for_other_person_by_artist(member, prod):
    artist = member("user")
    body = {"name": "main", "person_id": str(factories.PersonFactory().pk)}
    response = artist.post(new_working_file_url(prod.asset_task.pk), body, format="json")
    assert response.status_code == 403
    assert not WorkingFile.objects.exists()


def test_new_working_file_without_tree(admin_client, prod):
    prod.project.file_tree = None
    prod.project.save()
    response = admin_client.post(new_working_file_url(prod.asset_task.pk), {"name": "main"}, format="json")
    assert response.status_code == 400
    assert "file_tree" in message_of(response)
    assert not WorkingFile.objects.exists()


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": ["main"]}, "name"),
        ({"name": "x" * 251}, "name"),
        ({"name": "main", "revision": "abc"}, "revision"),
        ({"name": "main", "revision": -1}, "revision"),
        ({"name": "main", "software_id": "not-a-uuid"}, "software_id"),
        ({"name": "main", "software_id": UNKNOWN}, "software_id"),
        ({"name": "main", "person_id": UNKNOWN}, "person_id"),
        ({"name": "main", "comment": {"a": 1}}, "comment"),
        ({"name": "main", "mode": "render"}, "mode"),
    ],
)
def test_new_working_file_bad_input(admin_client, prod, body, key):
    response = admin_client.post(new_working_file_url(prod.asset_task.pk), body, format="json")
    assert response.status_code == 400
    assert key in message_of(response)
    assert not WorkingFile.objects.exists()


def test_new_working_file_unknown_task(admin_client):
    assert admin_client.post(new_working_file_url(UNKNOWN), {"name": "main"}, format="json").status_code == 404


def test_new_working_file_malformed_task(admin_client):
    assert admin_client.post(new_working_file_url("nope"), {"name": "main"}, format="json").status_code == 400


def test_new_working_file_anonymous(api_client, prod):
    response = api_client.post(new_working_file_url(prod.asset_task.pk), {"name": "main"}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("role", ["admin", "manager", "supervisor", "user", "vendor"])
def test_new_working_file_allowed_roles(member, prod, role):
    response = member(role).post(new_working_file_url(prod.asset_task.pk), {"name": "main"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("role", ["user", "vendor"])
def test_new_working_file_unassigned(member, prod, role):
    client = member(role, assigned=False)
    if role == "vendor":
        assign(factories.TaskFactory(project=prod.project, entity=prod.asset), client.person)
    response = client.post(new_working_file_url(prod.asset_task.pk), {"name": "main"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("assigned", [False, True])
def test_new_working_file_client(member, prod, assigned):
    client = member("client")
    if assigned:
        assign(prod.asset_task, client.person)
    response = client.post(new_working_file_url(prod.asset_task.pk), {"name": "main"}, format="json")
    assert response.status_code == 403


def test_new_working_file_other_department_supervisor(member, prod):
    prod.modeling.department = factories.DepartmentFactory()
    prod.modeling.save()
    supervisor = member("supervisor")
    supervisor.person.departments.add(factories.DepartmentFactory())
    response = supervisor.post(new_working_file_url(prod.asset_task.pk), {"name": "main"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_new_working_file_outsider(make_client, prod, role):
    client = make_client(role)
    assign(prod.asset_task, client.person)
    response = client.post(new_working_file_url(prod.asset_task.pk), {"name": "main"}, format="json")
    assert response.status_code == 403


# ---- GET /data/tasks/{task_id}/working-files and .../last-revisions ----------------------------------


def task_files_url(task_id, suffix=""):
    return f"/api/data/tasks/{task_id}/working-files{suffix}"


def test_task_working_files_order(admin_client, prod):
    first = prod.working_file(revision=1)
    second = prod.working_file(revision=2)
    prod.working_file(task=prod.shot_task, revision=9)
    response = admin_client.get(task_files_url(prod.asset_task.pk))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [str(second.pk), str(first.pk)]


def test_task_working_files_queries_constant(admin_client, prod):
    prod.working_file(revision=1)
    few, _ = count_queries(admin_client, task_files_url(prod.asset_task.pk))
    for revision in range(2, 7):
        prod.working_file(revision=revision)
    many, rows = count_queries(admin_client, task_files_url(prod.asset_task.pk))
    assert len(rows) == 6
    assert many == few


def test_last_working_files_by_name(admin_client, prod):
    prod.working_file(name="main", revision=1)
    main_last = prod.working_file(name="main", revision=4)
    layout = prod.working_file(name="layout", revision=2)
    response = admin_client.get(task_files_url(prod.asset_task.pk, "/last-revisions"))
    assert response.status_code == 200
    latest = response.json()
    assert set(latest) == {"main", "layout"}
    assert latest["main"]["id"] == str(main_last.pk)
    assert latest["layout"]["id"] == str(layout.pk)


def test_last_working_files_empty(admin_client, prod):
    assert admin_client.get(task_files_url(prod.asset_task.pk, "/last-revisions")).json() == {}


def test_last_working_files_queries_constant(admin_client, prod):
    prod.working_file(name="main", revision=1)
    few, _ = count_queries(admin_client, task_files_url(prod.asset_task.pk, "/last-revisions"))
    for revision in range(2, 6):
        prod.working_file(name=f"name{revision}", revision=revision)
    many, latest = count_queries(admin_client, task_files_url(prod.asset_task.pk, "/last-revisions"))
    assert len(latest) == 5
    assert many == few


@pytest.mark.parametrize("suffix", ["", "/last-revisions"])
@pytest.mark.parametrize("role", ROLES)
def test_task_working_files_team_roles(member, prod, role, suffix):
    prod.working_file()
    assert member(role).get(task_files_url(prod.asset_task.pk, suffix)).status_code == 200


@pytest.mark.parametrize("suffix", ["", "/last-revisions"])
def test_task_working_files_vendor_unassigned(member, prod, suffix):
    vendor = member("vendor", assigned=False)
    assert vendor.get(task_files_url(prod.asset_task.pk, suffix)).status_code == 403


@pytest.mark.parametrize("suffix", ["", "/last-revisions"])
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_task_working_files_outsider(make_client, prod, role, suffix):
    assert make_client(role).get(task_files_url(prod.asset_task.pk, suffix)).status_code == 403


@pytest.mark.parametrize("suffix", ["", "/last-revisions"])
def test_task_working_files_unknown_task(admin_client, suffix):
    assert admin_client.get(task_files_url(UNKNOWN, suffix)).status_code == 404
    assert admin_client.get(task_files_url("nope", suffix)).status_code == 400


def test_task_working_files_anonymous(api_client, prod):
    assert api_client.get(task_files_url(prod.asset_task.pk)).status_code == 401


# ---- GET /data/entities/{entity_id}/working-files ------------------------------------------------


def entity_files_url(entity_id):
    return f"/api/data/entities/{entity_id}/working-files"


def test_entity_working_files_filters(admin_client, prod):
    main = prod.working_file(name="main", revision=1)
    layout = prod.working_file(name="layout", revision=2)
    other_task = factories.TaskFactory(project=prod.project, entity=prod.asset)
    other = prod.working_file(task=other_task, name="main", revision=1)
    all_ids = {row["id"] for row in admin_client.get(entity_files_url(prod.asset.pk)).json()}
    assert all_ids == {str(main.pk), str(layout.pk), str(other.pk)}
    by_task = admin_client.get(entity_files_url(prod.asset.pk), {"task_id": str(other_task.pk)}).json()
    assert [row["id"] for row in by_task] == [str(other.pk)]
    by_name = admin_client.get(entity_files_url(prod.asset.pk), {"name": "layout"}).json()
    assert [row["id"] for row in by_name] == [str(layout.pk)]


def test_entity_working_files_relations(admin_client, prod):
    working_file = prod.working_file()
    output_file = prod.output_file(source_file=working_file)
    rows = admin_client.get(entity_files_url(prod.asset.pk), {"relations": "true"}).json()
    assert rows[0]["outputs"] == [str(output_file.pk)]
    assert "outputs" not in admin_client.get(entity_files_url(prod.asset.pk)).json()[0]


def test_entity_working_files_bad_task_filter(admin_client, prod):
    response = admin_client.get(entity_files_url(prod.asset.pk), {"task_id": "nope"})
    assert response.status_code == 400
    assert "task_id" in message_of(response)


@pytest.mark.parametrize("params", [{}, {"relations": "true"}])
def test_entity_working_files_queries_constant(admin_client, prod, params):
    prod.output_file(source_file=prod.working_file(revision=1))
    few, _ = count_queries(admin_client, entity_files_url(prod.asset.pk), params)
    for revision in range(2, 6):
        prod.output_file(source_file=prod.working_file(revision=revision))
    many, rows = count_queries(admin_client, entity_files_url(prod.asset.pk), params)
    assert len(rows) == 5
    assert many == few


@pytest.mark.parametrize("role", ROLES)
def test_entity_working_files_team_roles(member, prod, role):
    assert member(role).get(entity_files_url(prod.asset.pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_entity_working_files_outsider(make_client, prod, role):
    assert make_client(role).get(entity_files_url(prod.asset.pk)).status_code == 403


def test_entity_working_files_unknown(admin_client):
    assert admin_client.get(entity_files_url(UNKNOWN)).status_code == 404


# ---- POST /data/tasks/{task_id}/working-file-path ----------------------------------------------------


def path_url(task_id):
    return f"/api/data/tasks/{task_id}/working-file-path"


def test_working_file_path_default_tree(admin_client, prod):
    response = admin_client.post(path_url(prod.asset_task.pk), {"name": "main", "mode": "working"}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "path": "/simple/productions/big_film/assets/prop_kind/hero_lamp/modeling",
        "name": "big_film_prop_kind_hero_lamp_modeling",
    }


def test_working_file_path_simple_tree(admin_client, prod):
    prod.project.file_tree = file_trees.tree_load("simple")
    prod.project.save()
    prod.working_file(name="main", revision=4)
    software = factories.SoftwareFactory(name="Maya 2025")
    body = {"software_id": str(software.pk), "separator": "\\"}
    row = admin_client.post(path_url(prod.asset_task.pk), body, format="json").json()
    assert row["path"] == "/simple\\productions\\big_film\\assets\\prop_kind\\hero_lamp\\modeling\\maya_2025"
    assert row["name"] == "big_film_prop_kind_hero_lamp_modeling_main_v005"


def test_working_file_path_creates_nothing(admin_client, prod):
    admin_client.post(path_url(prod.asset_task.pk), {}, format="json")
    assert not WorkingFile.objects.exists()
    assert not Software.objects.exists()


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"software_id": UNKNOWN}, "software_id"),
        ({"revision": "x"}, "revision"),
        ({"mode": "nothing"}, "mode"),
        ({"name": ""}, "name"),
    ],
)
def test_working_file_path_bad_input(admin_client, prod, body, key):
    response = admin_client.post(path_url(prod.asset_task.pk), body, format="json")
    assert response.status_code == 400
    assert key in message_of(response)


@pytest.mark.parametrize("role", ROLES)
def test_working_file_path_team_roles(member, prod, role):
    assert member(role).post(path_url(prod.asset_task.pk), {}, format="json").status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_working_file_path_outsider(make_client, prod, role):
    assert make_client(role).post(path_url(prod.asset_task.pk), {}, format="json").status_code == 403


def test_working_file_path_unknown_task(admin_client):
    assert admin_client.post(path_url(UNKNOWN), {}, format="json").status_code == 404


# ---- PUT /actions/working-files/{id}/comment and /modified ---------------------------------------------


def action_url(working_file_id, action):
    return f"/api/actions/working-files/{working_file_id}/{action}"


def test_comment_working_file(admin_client, prod):
    working_file = prod.working_file(comment="old")
    response = admin_client.put(action_url(working_file.pk, "comment"), {"comment": "new text"}, format="json")
    assert response.status_code == 200
    assert response.json()["comment"] == "new text"
    working_file.refresh_from_db()
    assert working_file.comment == "new text"


def test_comment_working_file_empty_text(admin_client, prod):
    working_file = prod.working_file(comment="old")
    response = admin_client.put(action_url(working_file.pk, "comment"), {"comment": ""}, format="json")
    assert response.status_code == 200
    assert response.json()["comment"] == ""


@pytest.mark.parametrize("body", [{}, {"comment": ["x"]}])
def test_comment_working_file_bad_input(admin_client, prod, body):
    working_file = prod.working_file(comment="old")
    response = admin_client.put(action_url(working_file.pk, "comment"), body, format="json")
    assert response.status_code == 400
    assert "comment" in message_of(response)
    working_file.refresh_from_db()
    assert working_file.comment == "old"


def test_modified_working_file(admin_client, prod):
    working_file = prod.working_file()
    WorkingFile.objects.filter(pk=working_file.pk).update(updated_at="2020-01-01T00:00:00Z")
    response = admin_client.put(action_url(working_file.pk, "modified"))
    assert response.status_code == 200
    assert response.json()["updated_at"] > "2020-01-01T00:00:00"


def test_modified_records_event(django_capture_on_commit_callbacks, admin_client, prod):
    working_file = prod.working_file()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.put(action_url(working_file.pk, "modified"))
    event = ApiEvent.objects.get(name="working-file:update")
    assert event.data["working_file_id"] == str(working_file.pk)
    assert str(event.project_id) == str(prod.project.pk)


@pytest.mark.parametrize("action", ["comment", "modified"])
@pytest.mark.parametrize("role", ["admin", "manager", "supervisor", "user", "vendor"])
def test_working_file_actions_allowed(member, prod, role, action):
    working_file = prod.working_file()
    response = member(role).put(action_url(working_file.pk, action), {"comment": "x"}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("action", ["comment", "modified"])
def test_working_file_actions_client(member, prod, action):
    working_file = prod.working_file()
    response = member("client").put(action_url(working_file.pk, action), {"comment": "x"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("action", ["comment", "modified"])
def test_working_file_actions_unassigned_artist(member, prod, action):
    working_file = prod.working_file()
    response = member("user", assigned=False).put(action_url(working_file.pk, action), {"comment": "x"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("action", ["comment", "modified"])
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_working_file_actions_outsider(make_client, prod, role, action):
    working_file = prod.working_file()
    response = make_client(role).put(action_url(working_file.pk, action), {"comment": "x"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("action", ["comment", "modified"])
def test_working_file_actions_unknown(admin_client, action):
    assert admin_client.put(action_url(UNKNOWN, action), {"comment": "x"}, format="json").status_code == 404
    assert admin_client.put(action_url("nope", action), {"comment": "x"}, format="json").status_code == 400


@pytest.mark.parametrize("action", ["comment", "modified"])
def test_working_file_actions_anonymous(api_client, prod, action):
    working_file = prod.working_file()
    assert api_client.put(action_url(working_file.pk, action), {"comment": "x"}, format="json").status_code == 401


# ---- GET/POST /data/working-files/{id}/file -----------------------------------------------------------


def content_url(working_file_id):
    return f"/api/data/working-files/{working_file_id}/file"


def upload(client, working_file_id, content=b"// maya ascii", name="scene.ma"):
    return client.post(content_url(working_file_id), {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_upload_and_download_content(admin_client, prod):
    working_file = prod.working_file()
    content = png_bytes()
    response = upload(admin_client, working_file.pk, content, "frame.png")
    assert response.status_code == 201
    assert response.json()["size"] == len(content)
    assert response.json()["outputs"] == []
    assert storage.file_exists(file_services.content_key(working_file))
    download = admin_client.get(content_url(working_file.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == content


def test_upload_replaces_content(admin_client, prod):
    working_file = prod.working_file()
    upload(admin_client, working_file.pk, b"first version")
    upload(admin_client, working_file.pk, b"second")
    download = admin_client.get(content_url(working_file.pk))
    assert b"".join(download.streaming_content) == b"second"
    working_file.refresh_from_db()
    assert working_file.size == len(b"second")


def test_download_without_content(admin_client, prod):
    working_file = prod.working_file()
    response = admin_client.get(content_url(working_file.pk))
    assert response.status_code == 404
    assert str(working_file.pk) in message_of(response)


def test_upload_missing_file(admin_client, prod):
    working_file = prod.working_file()
    response = admin_client.post(content_url(working_file.pk), {}, format="multipart")
    assert response.status_code == 400
    assert "file" in message_of(response)


def test_upload_empty_file(admin_client, prod):
    working_file = prod.working_file()
    response = upload(admin_client, working_file.pk, b"")
    assert response.status_code == 400
    assert "file" in message_of(response)


def test_upload_too_large(admin_client, prod, settings):
    settings.KITSU_MAX_UPLOAD_BYTES = 10
    working_file = prod.working_file()
    assert upload(admin_client, working_file.pk, b"x" * 11).status_code == 413


@pytest.mark.parametrize("role", ["admin", "manager", "supervisor", "user", "vendor"])
def test_upload_allowed_roles(member, prod, role):
    working_file = prod.working_file()
    assert upload(member(role), working_file.pk).status_code == 201


def test_upload_client(member, prod):
    working_file = prod.working_file()
    assert upload(member("client"), working_file.pk).status_code == 403
    assert not storage.file_exists(file_services.content_key(working_file))


@pytest.mark.parametrize("role", ROLES)
def test_download_team_roles(member, prod, role):
    working_file = prod.working_file()
    upload(member("admin"), working_file.pk)
    assert member(role).get(content_url(working_file.pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_content_outsider(make_client, prod, role):
    working_file = prod.working_file()
    client = make_client(role)
    assert client.get(content_url(working_file.pk)).status_code == 403
    assert upload(client, working_file.pk).status_code == 403


def test_content_unknown(admin_client):
    assert admin_client.get(content_url(UNKNOWN)).status_code == 404
    assert upload(admin_client, UNKNOWN).status_code == 404


def test_content_anonymous(api_client, prod):
    working_file = prod.working_file()
    assert api_client.get(content_url(working_file.pk)).status_code == 401


# ---- GET /data/files/{file_id} --------------------------------------------------------------------------


def file_url(file_id):
    return f"/api/data/files/{file_id}"


def test_file_is_working_file(admin_client, prod):
    working_file = prod.working_file()
    output_file = prod.output_file(source_file=working_file)
    row = admin_client.get(file_url(working_file.pk)).json()
    assert row["type"] == "WorkingFile"
    assert row["outputs"] == [str(output_file.pk)]


def test_file_is_output_file(admin_client, prod):
    working_file = prod.working_file()
    output_file = prod.output_file(source_file=working_file)
    row = admin_client.get(file_url(output_file.pk)).json()
    assert row["type"] == "OutputFile"
    assert row["source_file"]["id"] == str(working_file.pk)


def test_file_unknown(admin_client):
    assert admin_client.get(file_url(UNKNOWN)).status_code == 404
    assert admin_client.get(file_url("nope")).status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_file_team_roles(member, prod, role):
    client = member(role)
    assert client.get(file_url(prod.working_file().pk)).status_code == 200
    assert client.get(file_url(prod.output_file().pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_file_outsider(make_client, prod, role):
    client = make_client(role)
    assert client.get(file_url(prod.working_file().pk)).status_code == 403
    assert client.get(file_url(prod.output_file().pk)).status_code == 403


# ---- POST /data/entities/{entity_id}/output-files/new --------------------------------------------------


def entity_url(entity_id, suffix):
    return f"/api/data/entities/{entity_id}/{suffix}"


def publish_body(prod, **extra):
    return {
        "output_type_id": str(prod.output_type.pk),
        "task_type_id": str(prod.modeling.pk),
        "comment": "publish",
        **extra,
    }


def test_new_output_file(admin_client, prod):
    working_file = prod.working_file()
    body = publish_body(
        prod,
        working_file_id=str(working_file.pk),
        representation="abc",
        extension="abc",
        file_status_id=str(prod.file_status.pk),
    )
    response = admin_client.post(entity_url(prod.asset.pk, "output-files/new"), body, format="json")
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["type"] == "OutputFile"
    assert row["revision"] == 1
    assert row["name"] == "main"
    assert row["entity_id"] == str(prod.asset.pk)
    assert row["output_type_id"] == str(prod.output_type.pk)
    assert row["task_type_id"] == str(prod.modeling.pk)
    assert row["file_status_id"] == str(prod.file_status.pk)
    assert row["person_id"] == str(admin_client.person.pk)
    assert row["source_file_id"] == str(working_file.pk)
    assert row["source_file"]["id"] == str(working_file.pk)
    assert row["comment"] == "publish"
    assert row["folder_path"] == "/simple/productions/export/big_film/assets/prop_kind/hero_lamp/cache"
    assert row["file_name"] == "big_film_prop_kind_hero_lamp_cache_main"
    assert row["path"] == f"{row['folder_path']}/{row['file_name']}.abc"


def test_new_output_file_revisions(admin_client, prod):
    url = entity_url(prod.asset.pk, "output-files/new")
    revisions = [admin_client.post(url, publish_body(prod), format="json").json()["revision"] for _ in range(3)]
    assert revisions == [1, 2, 3]
    other_type = factories.OutputTypeFactory()
    other = admin_client.post(url, publish_body(prod, output_type_id=str(other_type.pk)), format="json")
    assert other.json()["revision"] == 1


def test_new_output_file_default_status(admin_client, prod):
    row = admin_client.post(entity_url(prod.asset.pk, "output-files/new"), publish_body(prod), format="json").json()
    status = FileStatus.objects.get(pk=row["file_status_id"])
    assert status.name == "To review"
    assert status.color == "#FFFFFF"


def test_new_output_file_frame_range(admin_client, prod):
    body = publish_body(prod, nb_elements=24, extension=".exr")
    row = admin_client.post(entity_url(prod.asset.pk, "output-files/new"), body, format="json").json()
    assert row["nb_elements"] == 24
    assert row["file_name"].endswith("_[1-24]")
    assert row["path"].endswith("_[1-24].exr")


def test_new_output_file_duplicate_revision(admin_client, prod):
    url = entity_url(prod.asset.pk, "output-files/new")
    admin_client.post(url, publish_body(prod, revision=3), format="json")
    response = admin_client.post(url, publish_body(prod, revision=3), format="json")
    assert response.status_code == 400
    assert "revision" in message_of(response)
    assert OutputFile.objects.count() == 1


def test_new_output_file_records_event(django_capture_on_commit_callbacks, admin_client, prod):
    with django_capture_on_commit_callbacks(execute=True):
        row = admin_client.post(entity_url(prod.asset.pk, "output-files/new"), publish_body(prod), format="json")
    event = ApiEvent.objects.get(name="output-file:new")
    assert event.data["output_file_id"] == row.json()["id"]
    assert str(event.project_id) == str(prod.project.pk)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"output_type_id": None}, "output_type_id"),
        ({"output_type_id": UNKNOWN}, "output_type_id"),
        ({"task_type_id": None}, "task_type_id"),
        ({"task_type_id": "nope"}, "task_type_id"),
        ({"comment": None}, "comment"),
        ({"revision": "one"}, "revision"),
        ({"nb_elements": 0}, "nb_elements"),
        ({"representation": "r" * 21}, "representation"),
        ({"extension": "e" * 11}, "extension"),
        ({"working_file_id": UNKNOWN}, "working_file_id"),
        ({"file_status_id": UNKNOWN}, "file_status_id"),
        ({"person_id": UNKNOWN}, "person_id"),
        ({"name": ""}, "name"),
    ],
)
def test_new_output_file_bad_input(admin_client, prod, change, key):
    body = {key_: value for key_, value in {**publish_body(prod), **change}.items() if value is not None}
    response = admin_client.post(entity_url(prod.asset.pk, "output-files/new"), body, format="json")
    assert response.status_code == 400
    assert key in message_of(response)
    assert not OutputFile.objects.exists()


def test_new_output_file_without_type_names_it(admin_client, prod):
    body = {"name": "main", "task_type_id": str(prod.modeling.pk)}
    response = admin_client.post(entity_url(prod.asset.pk, "output-files/new"), body, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == {"output_type_id": "this field is missing: send the id."}


def test_new_output_file_without_tree(admin_client, prod):
    prod.project.file_tree = None
    prod.project.save()
    response = admin_client.post(entity_url(prod.asset.pk, "output-files/new"), publish_body(prod), format="json")
    assert response.status_code == 400
    assert "file_tree" in message_of(response)


@pytest.mark.parametrize("role", ["admin", "manager", "supervisor", "user", "vendor"])
def test_new_output_file_allowed_roles(member, prod, role):
    response = member(role).post(entity_url(prod.asset.pk, "output-files/new"), publish_body(prod), format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("role", ["user", "vendor"])
def test_new_output_file_no_task_on_entity(member, prod, role):
    client = member(role, assigned=False)
    assign(prod.shot_task, client.person)
    response = client.post(entity_url(prod.asset.pk, "output-files/new"), publish_body(prod), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("assigned", [False, True])
def test_new_output_file_client(member, prod, assigned):
    client = member("client")
    if assigned:
        assign(prod.asset_task, client.person)
    response = client.post(entity_url(prod.asset.pk, "output-files/new"), publish_body(prod), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_new_output_file_outsider(make_client, prod, role):
    response = make_client(role).post(entity_url(prod.asset.pk, "output-files/new"), publish_body(prod), format="json")
    assert response.status_code == 403


def test_new_output_file_unknown_entity(admin_client, prod):
    assert (
        admin_client.post(entity_url(UNKNOWN, "output-files/new"), publish_body(prod), format="json").status_code == 404
    )


# ---- next revision and output file path of an entity -------------------------------------------------


def test_next_output_revision(admin_client, prod):
    prod.output_file(name="main", revision=4)
    prod.output_file(name="main", revision=2)
    instance = factories.AssetInstanceFactory(asset=prod.asset)
    prod.output_file(name="main", revision=9, asset_instance=instance, temporal_entity=prod.shot)
    body = {"output_type_id": str(prod.output_type.pk), "task_type_id": str(prod.modeling.pk)}
    response = admin_client.post(entity_url(prod.asset.pk, "output-files/next-revision"), body, format="json")
    assert response.status_code == 200
    assert response.json() == {"next_revision": 5}


def test_next_output_revision_new_name(admin_client, prod):
    prod.output_file(name="main", revision=4)
    body = {"output_type_id": str(prod.output_type.pk), "task_type_id": str(prod.modeling.pk), "name": "other"}
    response = admin_client.post(entity_url(prod.asset.pk, "output-files/next-revision"), body, format="json")
    assert response.json() == {"next_revision": 1}


def test_output_file_path(admin_client, prod):
    prod.output_file(name="main", revision=1)
    body = {"output_type_id": str(prod.output_type.pk), "task_type_id": str(prod.modeling.pk), "revision": 1}
    response = admin_client.post(entity_url(prod.asset.pk, "output-file-path"), body, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "folder_path": "/simple/productions/export/big_film/assets/prop_kind/hero_lamp/cache",
        "file_name": "big_film_prop_kind_hero_lamp_cache_main",
    }


def test_output_file_path_next_revision(admin_client, prod):
    prod.project.file_tree = file_trees.tree_load("simple")
    prod.project.save()
    prod.output_file(name="main", revision=1)
    body = {"output_type_id": str(prod.output_type.pk), "task_type_id": str(prod.modeling.pk)}
    row = admin_client.post(entity_url(prod.asset.pk, "output-file-path"), body, format="json").json()
    assert row["file_name"] == "big_film_prop_kind_hero_lamp_modeling_cache_main_v002"
    assert row["folder_path"] == "/simple/productions/export/big_film/assets/prop_kind/hero_lamp/modeling/cache"


@pytest.mark.parametrize("suffix", ["output-files/next-revision", "output-file-path"])
@pytest.mark.parametrize(
    ("body", "key"),
    [({}, "output_type_id"), ({"output_type_id": None}, "task_type_id"), ({"output_type_id": "x"}, "output_type_id")],
)
def test_output_revision_and_path_bad_input(admin_client, prod, suffix, body, key):
    if body.get("output_type_id", "") is None:
        body = {"output_type_id": str(prod.output_type.pk)}
    response = admin_client.post(entity_url(prod.asset.pk, suffix), body, format="json")
    assert response.status_code == 400
    assert key in message_of(response)


@pytest.mark.parametrize("suffix", ["output-files/next-revision", "output-file-path"])
@pytest.mark.parametrize("role", ROLES)
def test_output_revision_and_path_team_roles(member, prod, suffix, role):
    body = {"output_type_id": str(prod.output_type.pk), "task_type_id": str(prod.modeling.pk)}
    assert member(role).post(entity_url(prod.asset.pk, suffix), body, format="json").status_code == 200


@pytest.mark.parametrize("suffix", ["output-files/next-revision", "output-file-path"])
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_output_revision_and_path_outsider(make_client, prod, suffix, role):
    body = {"output_type_id": str(prod.output_type.pk), "task_type_id": str(prod.modeling.pk)}
    assert make_client(role).post(entity_url(prod.asset.pk, suffix), body, format="json").status_code == 403


# ---- output file lists of an entity -----------------------------------------------------------------

ENTITY_LISTS = ["output-files", "output-files/last-revisions", "output-types"]


def test_entity_output_files_filters(admin_client, prod):
    cache = prod.output_file(revision=1)
    other_type = factories.OutputTypeFactory()
    other = prod.output_file(output_type=other_type, revision=1, representation="usd")
    instance = factories.AssetInstanceFactory(asset=prod.asset)
    prod.output_file(revision=5, asset_instance=instance, temporal_entity=prod.shot)
    url = entity_url(prod.asset.pk, "output-files")
    assert {row["id"] for row in admin_client.get(url).json()} == {str(cache.pk), str(other.pk)}
    by_type = admin_client.get(url, {"output_type_id": str(other_type.pk)}).json()
    assert [row["id"] for row in by_type] == [str(other.pk)]
    by_representation = admin_client.get(url, {"representation": "usd"}).json()
    assert [row["id"] for row in by_representation] == [str(other.pk)]
    by_status = admin_client.get(url, {"file_status_id": str(prod.file_status.pk)}).json()
    assert len(by_status) == 2
    by_task_type = admin_client.get(url, {"task_type_id": str(prod.animation.pk)}).json()
    assert by_task_type == []


@pytest.mark.parametrize("key", ["output_type_id", "task_type_id", "file_status_id"])
def test_entity_output_files_bad_filter(admin_client, prod, key):
    response = admin_client.get(entity_url(prod.asset.pk, "output-files"), {key: "nope"})
    assert response.status_code == 400
    assert key in message_of(response)


def test_entity_last_output_files(admin_client, prod):
    prod.output_file(revision=1)
    last_cache = prod.output_file(revision=3)
    other_representation = prod.output_file(revision=2, representation="usd")
    rows = admin_client.get(entity_url(prod.asset.pk, "output-files/last-revisions")).json()
    assert {row["id"] for row in rows} == {str(last_cache.pk), str(other_representation.pk)}


def test_entity_last_output_files_by_status(admin_client, prod):
    approved = prod.output_file(revision=1)
    prod.output_file(revision=2, file_status=factories.FileStatusFactory())
    params = {"file_status_id": str(prod.file_status.pk)}
    rows = admin_client.get(entity_url(prod.asset.pk, "output-files/last-revisions"), params).json()
    assert [row["id"] for row in rows] == [str(approved.pk)]


def test_entity_output_types(admin_client, prod):
    prod.output_file(revision=1)
    prod.output_file(revision=2)
    geometry = factories.OutputTypeFactory(name="Geometry")
    prod.output_file(output_type=geometry, revision=1)
    factories.OutputTypeFactory(name="Unused")
    rows = admin_client.get(entity_url(prod.asset.pk, "output-types")).json()
    assert [row["name"] for row in rows] == ["Cache", "Geometry"]
    assert rows[0]["type"] == "OutputType"


def test_entity_output_type_files(admin_client, prod):
    first = prod.output_file(revision=1, representation="abc")
    second = prod.output_file(revision=2, representation="usd")
    prod.output_file(output_type=factories.OutputTypeFactory(), revision=1)
    url = entity_url(prod.asset.pk, f"output-types/{prod.output_type.pk}/output-files")
    assert [row["id"] for row in admin_client.get(url).json()] == [str(second.pk), str(first.pk)]
    assert [row["id"] for row in admin_client.get(url, {"representation": "abc"}).json()] == [str(first.pk)]


def test_entity_output_type_files_unknown_type(admin_client, prod):
    url = entity_url(prod.asset.pk, f"output-types/{UNKNOWN}/output-files")
    assert admin_client.get(url).status_code == 404


@pytest.mark.parametrize("suffix", [*ENTITY_LISTS, "output-types/{output_type}/output-files"])
def test_entity_output_lists_queries_constant(admin_client, prod, suffix):
    url = entity_url(prod.asset.pk, suffix.format(output_type=prod.output_type.pk))
    prod.output_file(revision=1, source_file=prod.working_file(revision=1))
    few, _ = count_queries(admin_client, url)
    for revision in range(2, 6):
        prod.output_file(revision=revision, source_file=prod.working_file(revision=revision))
        prod.output_file(revision=revision, output_type=factories.OutputTypeFactory())
    many, rows = count_queries(admin_client, url)
    assert len(rows) > 1
    assert many == few


@pytest.mark.parametrize("suffix", ENTITY_LISTS)
@pytest.mark.parametrize("role", ROLES)
def test_entity_output_lists_team_roles(member, prod, suffix, role):
    prod.output_file()
    assert member(role).get(entity_url(prod.asset.pk, suffix)).status_code == 200


@pytest.mark.parametrize("suffix", ENTITY_LISTS)
def test_entity_output_lists_vendor_unassigned(member, prod, suffix):
    assert member("vendor", assigned=False).get(entity_url(prod.asset.pk, suffix)).status_code == 403


@pytest.mark.parametrize("suffix", ENTITY_LISTS)
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_entity_output_lists_outsider(make_client, prod, suffix, role):
    assert make_client(role).get(entity_url(prod.asset.pk, suffix)).status_code == 403


@pytest.mark.parametrize("suffix", ENTITY_LISTS)
def test_entity_output_lists_unknown(admin_client, suffix):
    assert admin_client.get(entity_url(UNKNOWN, suffix)).status_code == 404
    assert admin_client.get(entity_url("nope", suffix)).status_code == 400


# ---- GET /data/projects/{project_id}/output-files -------------------------------------------------------


def project_files_url(project_id):
    return f"/api/data/projects/{project_id}/output-files"


def test_project_output_files(admin_client, prod):
    older = prod.output_file(revision=1)
    newer = prod.output_file(entity=prod.shot, task_type=prod.animation, revision=1)
    instance = factories.AssetInstanceFactory(asset=prod.asset)
    prod.output_file(revision=2, asset_instance=instance, temporal_entity=prod.shot)
    factories.OutputFileFactory()
    rows = admin_client.get(project_files_url(prod.project.pk)).json()
    assert [row["id"] for row in rows] == [str(newer.pk), str(older.pk)]
    by_task_type = admin_client.get(project_files_url(prod.project.pk), {"task_type_id": str(prod.animation.pk)})
    assert [row["id"] for row in by_task_type.json()] == [str(newer.pk)]


def test_project_output_files_queries_constant(admin_client, prod):
    prod.output_file(revision=1)
    few, _ = count_queries(admin_client, project_files_url(prod.project.pk))
    for revision in range(2, 6):
        prod.output_file(revision=revision, source_file=prod.working_file(revision=revision))
    many, rows = count_queries(admin_client, project_files_url(prod.project.pk))
    assert len(rows) == 5
    assert many == few


def test_project_output_files_team_manager(member, prod):
    assert member("manager").get(project_files_url(prod.project.pk)).status_code == 200


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_project_output_files_team_role_rejected(member, prod, role):
    assert member(role).get(project_files_url(prod.project.pk)).status_code == 403


def test_project_output_files_outsider_manager(make_client, prod):
    assert make_client("manager").get(project_files_url(prod.project.pk)).status_code == 403


def test_project_output_files_unknown(admin_client):
    assert admin_client.get(project_files_url(UNKNOWN)).status_code == 404
    assert admin_client.get(project_files_url("nope")).status_code == 400


# ---- output files of asset instances --------------------------------------------------------------------


@pytest.fixture
def instance(prod):
    return factories.AssetInstanceFactory(asset=prod.asset, number=3, name="Lamp A")


def instance_url(instance, temporal_entity, suffix):
    return f"/api/data/asset-instances/{instance.pk}/entities/{temporal_entity.pk}/{suffix}"


def test_new_instance_output_file(admin_client, prod, instance):
    prod.project.file_tree = file_trees.tree_load("simple")
    prod.project.save()
    url = instance_url(instance, prod.shot, "output-files/new")
    response = admin_client.post(url, publish_body(prod, representation="abc", extension=".abc"), format="json")
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["entity_id"] == str(prod.asset.pk)
    assert row["asset_instance_id"] == str(instance.pk)
    assert row["temporal_entity_id"] == str(prod.shot.pk)
    assert row["revision"] == 1
    assert row["folder_path"] == (
        "/simple/productions/export/big_film/shot/sq01/sh010/modeling/cache/prop_kind/hero_lamp/instance_0003/abc"
    )
    assert row["file_name"] == "big_film_sq01_sh010_modeling_cache_main_lamp_a_v001"
    second = admin_client.post(url, publish_body(prod, representation="abc"), format="json").json()
    assert second["revision"] == 2


def test_new_instance_output_file_default_tree(admin_client, prod, instance):
    url = instance_url(instance, prod.shot, "output-files/new")
    response = admin_client.post(url, publish_body(prod), format="json")
    assert response.status_code == 400
    assert "instance" in message_of(response)


def test_instance_revision_and_path(admin_client, prod, instance):
    prod.project.file_tree = file_trees.tree_load("simple")
    prod.project.save()
    prod.output_file(revision=2, asset_instance=instance, temporal_entity=prod.shot)
    prod.output_file(revision=7)
    body = {"output_type_id": str(prod.output_type.pk), "task_type_id": str(prod.modeling.pk)}
    next_revision = admin_client.post(
        instance_url(instance, prod.shot, "output-files/next-revision"), body, format="json"
    )
    assert next_revision.json() == {"next_revision": 3}
    path = admin_client.post(instance_url(instance, prod.shot, "output-file-path"), body, format="json").json()
    assert path["file_name"] == "big_film_sq01_sh010_modeling_cache_main_lamp_a_v003"


def test_instance_lists(admin_client, prod, instance):
    first = prod.output_file(revision=1, asset_instance=instance, temporal_entity=prod.shot)
    last = prod.output_file(revision=2, asset_instance=instance, temporal_entity=prod.shot)
    other_shot = prod.entity("SH020", prod.shot.entity_type, parent=prod.sequence)
    elsewhere = prod.output_file(revision=1, asset_instance=instance, temporal_entity=other_shot)
    prod.output_file(revision=3)
    latest = admin_client.get(instance_url(instance, prod.shot, "output-files/last-revisions")).json()
    assert [row["id"] for row in latest] == [str(last.pk)]
    types = admin_client.get(instance_url(instance, prod.shot, "output-types")).json()
    assert [row["id"] for row in types] == [str(prod.output_type.pk)]
    of_type = admin_client.get(instance_url(instance, prod.shot, f"output-types/{prod.output_type.pk}/output-files"))
    assert [row["id"] for row in of_type.json()] == [str(last.pk), str(first.pk)]
    every = admin_client.get(f"/api/data/asset-instances/{instance.pk}/output-files").json()
    assert {row["id"] for row in every} == {str(first.pk), str(last.pk), str(elsewhere.pk)}
    in_shot = admin_client.get(
        f"/api/data/asset-instances/{instance.pk}/output-files", {"temporal_entity_id": str(other_shot.pk)}
    )
    assert [row["id"] for row in in_shot.json()] == [str(elsewhere.pk)]


INSTANCE_LISTS = ["output-files/last-revisions", "output-types", "output-types/{output_type}/output-files"]


@pytest.mark.parametrize("suffix", INSTANCE_LISTS)
def test_instance_lists_queries_constant(admin_client, prod, instance, suffix):
    url = instance_url(instance, prod.shot, suffix.format(output_type=prod.output_type.pk))
    prod.output_file(revision=1, asset_instance=instance, temporal_entity=prod.shot)
    few, _ = count_queries(admin_client, url)
    for revision in range(2, 6):
        working_file = prod.working_file(revision=revision)
        prod.output_file(
            revision=revision, asset_instance=instance, temporal_entity=prod.shot, source_file=working_file
        )
        prod.output_file(revision=revision, asset_instance=instance, temporal_entity=prod.shot, representation="usd")
    many, _ = count_queries(admin_client, url)
    assert many == few


def test_instance_output_files_queries_constant(admin_client, prod, instance):
    url = f"/api/data/asset-instances/{instance.pk}/output-files"
    prod.output_file(revision=1, asset_instance=instance, temporal_entity=prod.shot)
    few, _ = count_queries(admin_client, url)
    for revision in range(2, 6):
        working_file = prod.working_file(revision=revision)
        prod.output_file(
            revision=revision, asset_instance=instance, temporal_entity=prod.shot, source_file=working_file
        )
    many, rows = count_queries(admin_client, url)
    assert len(rows) == 5
    assert many == few


def test_instance_temporal_entity_other_project(admin_client, prod, instance):
    stranger = factories.EntityFactory()
    assert admin_client.get(instance_url(instance, stranger, "output-types")).status_code == 404


def test_instance_unknown(admin_client, prod, instance):
    assert admin_client.get(f"/api/data/asset-instances/{UNKNOWN}/output-files").status_code == 404
    url = f"/api/data/asset-instances/{instance.pk}/entities/{UNKNOWN}/output-types"
    assert admin_client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["admin", "manager", "supervisor", "user", "vendor"])
def test_new_instance_output_file_roles(member, prod, instance, role):
    prod.project.file_tree = file_trees.tree_load("simple")
    prod.project.save()
    response = member(role).post(
        instance_url(instance, prod.shot, "output-files/new"), publish_body(prod), format="json"
    )
    assert response.status_code == 201


def test_new_instance_output_file_client(member, prod, instance):
    response = member("client").post(
        instance_url(instance, prod.shot, "output-files/new"), publish_body(prod), format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_instance_lists_team_roles(member, prod, instance, role):
    client = member(role)
    assert client.get(instance_url(instance, prod.shot, "output-types")).status_code == 200
    assert client.get(f"/api/data/asset-instances/{instance.pk}/output-files").status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_instance_routes_outsider(make_client, prod, instance, role):
    client = make_client(role)
    assert client.get(instance_url(instance, prod.shot, "output-types")).status_code == 403
    assert client.get(f"/api/data/asset-instances/{instance.pk}/output-files").status_code == 403
    response = client.post(instance_url(instance, prod.shot, "output-files/new"), publish_body(prod), format="json")
    assert response.status_code == 403


# ---- /data/output-types and /data/file-status ---------------------------------------------------------

SIMPLE_COLLECTIONS = {
    "output-types": (OutputType, lambda: factories.OutputTypeFactory(), {"name": "Render", "short_name": "rnd"}),
    "file-status": (FileStatus, lambda: factories.FileStatusFactory(), {"name": "Published", "color": "#00FF00"}),
}


@pytest.fixture(params=sorted(SIMPLE_COLLECTIONS))
def simple_collection(request):
    return request.param, *SIMPLE_COLLECTIONS[request.param]


@pytest.mark.parametrize("role", ROLES)
def test_simple_collection_read_every_role(make_client, simple_collection, role):
    path, _, make_row, _ = simple_collection
    row = make_row()
    client = make_client(role)
    assert str(row.pk) in [item["id"] for item in client.get(f"/api/data/{path}").json()]
    assert client.get(f"/api/data/{path}/{row.pk}").status_code == 200


def test_simple_collection_trailing_slash(admin_client, simple_collection):
    path, _, make_row, _ = simple_collection
    row = make_row()
    assert str(row.pk) in [item["id"] for item in admin_client.get(f"/api/data/{path}/").json()]


def test_simple_collection_create_admin(admin_client, simple_collection):
    path, model, _, body = simple_collection
    response = admin_client.post(f"/api/data/{path}", body, format="json")
    assert response.status_code == 201
    assert response.json()["type"] == model.get_kitsu_type()
    assert model.objects.filter(name=body["name"]).exists()


def test_simple_collection_duplicate_name(admin_client, simple_collection):
    path, model, _, body = simple_collection
    admin_client.post(f"/api/data/{path}", body, format="json")
    response = admin_client.post(f"/api/data/{path}", body, format="json")
    assert response.status_code == 400
    assert "name" in message_of(response)
    assert model.objects.filter(name=body["name"]).count() == 1


def test_simple_collection_missing_name(admin_client, simple_collection):
    path, _, _, body = simple_collection
    response = admin_client.post(f"/api/data/{path}", {key: value for key, value in body.items() if key != "name"})
    assert response.status_code == 400
    assert "name" in message_of(response)


def test_simple_collection_update_admin(admin_client, simple_collection):
    path, _, make_row, _ = simple_collection
    row = make_row()
    response = admin_client.put(f"/api/data/{path}/{row.pk}", {"name": "Renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"


def test_simple_collection_delete_used_row(admin_client, prod):
    prod.output_file()
    response = admin_client.delete(f"/api/data/output-types/{prod.output_type.pk}")
    assert response.status_code == 400
    assert OutputType.objects.filter(pk=prod.output_type.pk).exists()


def test_simple_collection_delete_admin(admin_client, simple_collection):
    path, model, make_row, _ = simple_collection
    row = make_row()
    assert admin_client.delete(f"/api/data/{path}/{row.pk}").status_code == 204
    assert not model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_simple_collection_writes_refused(make_client, simple_collection, role):
    path, model, make_row, body = simple_collection
    row = make_row()
    client = make_client(role)
    assert client.post(f"/api/data/{path}", body, format="json").status_code == 403
    assert client.put(f"/api/data/{path}/{row.pk}", {"name": "x"}, format="json").status_code == 403
    assert client.delete(f"/api/data/{path}/{row.pk}").status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_simple_collection_unknown(admin_client, simple_collection):
    path = simple_collection[0]
    assert admin_client.get(f"/api/data/{path}/{UNKNOWN}").status_code == 404
    assert admin_client.get(f"/api/data/{path}/nope").status_code == 400


def test_simple_collection_anonymous(api_client, simple_collection):
    assert api_client.get(f"/api/data/{simple_collection[0]}").status_code == 401


def test_simple_collection_queries_constant(admin_client, simple_collection):
    path, _, make_row, _ = simple_collection
    make_row()
    few, _ = count_queries(admin_client, f"/api/data/{path}")
    for _ in range(4):
        make_row()
    many, _ = count_queries(admin_client, f"/api/data/{path}")
    assert many == few


# ---- /data/working-files -----------------------------------------------------------------------------

WORKING_FILES = "/api/data/working-files"


def test_working_files_list_admin(admin_client, prod):
    working_file = prod.working_file()
    rows = admin_client.get(WORKING_FILES, {"task_id": str(prod.asset_task.pk)}).json()
    assert [row["id"] for row in rows] == [str(working_file.pk)]


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_working_files_list_team_scope(member, prod, role):
    mine = prod.working_file()
    elsewhere = factories.WorkingFileFactory()
    ids = [row["id"] for row in member(role).get(WORKING_FILES).json()]
    assert str(mine.pk) in ids
    assert str(elsewhere.pk) not in ids


def test_working_files_list_vendor(member, prod):
    assert member("vendor").get(WORKING_FILES).status_code == 403


@pytest.mark.parametrize("role", ["admin", "user"])
def test_working_files_list_queries_constant(make_client, prod, role):
    client = make_client(role)
    join_team(prod.project, client.person)
    prod.output_file(source_file=prod.working_file(revision=1))
    few, _ = count_queries(client, WORKING_FILES, {"relations": "true"})
    for revision in range(2, 6):
        prod.output_file(source_file=prod.working_file(revision=revision))
    many, rows = count_queries(client, WORKING_FILES, {"relations": "true"})
    assert len(rows) == 5
    assert many == few


def test_working_file_read_has_outputs(admin_client, prod):
    working_file = prod.working_file()
    output_file = prod.output_file(source_file=working_file)
    row = admin_client.get(f"{WORKING_FILES}/{working_file.pk}").json()
    assert row["outputs"] == [str(output_file.pk)]


@pytest.mark.parametrize("role", ROLES)
def test_working_file_read_team_roles(member, prod, role):
    assert member(role).get(f"{WORKING_FILES}/{prod.working_file().pk}").status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_working_file_read_outsider(make_client, prod, role):
    assert make_client(role).get(f"{WORKING_FILES}/{prod.working_file().pk}").status_code == 403


def generic_working_file_body(prod, **extra):
    return {"name": "raw", "revision": 7, "task_id": str(prod.asset_task.pk), "comment": "raw", **extra}


def test_working_file_create_admin(admin_client, prod):
    response = admin_client.post(WORKING_FILES, generic_working_file_body(prod), format="json")
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["revision"] == 7
    assert row["entity_id"] == str(prod.asset.pk)
    assert row["path"] is None


def test_working_file_create_records_event(django_capture_on_commit_callbacks, admin_client, prod):
    with django_capture_on_commit_callbacks(execute=True):
        row = admin_client.post(WORKING_FILES, generic_working_file_body(prod), format="json").json()
    event = ApiEvent.objects.get(name="working-file:new")
    assert event.data["working_file_id"] == row["id"]
    assert str(event.project_id) == str(prod.project.pk)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ({"entity_id": None}, "entity_id"),
        ({"task_id": UNKNOWN}, "task_id"),
        ({"revision": "x"}, "revision"),
        ({"no_such_column": 1}, "no_such_column"),
    ],
)
def test_working_file_create_bad_input(admin_client, prod, extra, key):
    if extra.get("entity_id", "") is None:
        extra = {"entity_id": str(prod.shot.pk)}
    response = admin_client.post(WORKING_FILES, generic_working_file_body(prod, **extra), format="json")
    assert response.status_code == 400
    assert key in message_of(response)
    assert not WorkingFile.objects.exists()


def test_working_file_create_duplicate(admin_client, prod):
    admin_client.post(WORKING_FILES, generic_working_file_body(prod), format="json")
    response = admin_client.post(WORKING_FILES, generic_working_file_body(prod), format="json")
    assert response.status_code == 400
    assert "revision" in message_of(response)


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_working_file_create_refused(member, prod, role):
    response = member(role).post(WORKING_FILES, generic_working_file_body(prod), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["admin", "manager", "supervisor", "user", "vendor"])
def test_working_file_update_allowed(member, prod, role):
    working_file = prod.working_file()
    response = member(role).put(f"{WORKING_FILES}/{working_file.pk}", {"description": "edited"}, format="json")
    assert response.status_code == 200
    assert response.json()["description"] == "edited"


def test_working_file_update_client(member, prod):
    working_file = prod.working_file()
    response = member("client").put(f"{WORKING_FILES}/{working_file.pk}", {"description": "x"}, format="json")
    assert response.status_code == 403


def test_working_file_update_unassigned_artist(member, prod):
    working_file = prod.working_file()
    client = member("user", assigned=False)
    response = client.put(f"{WORKING_FILES}/{working_file.pk}", {"description": "x"}, format="json")
    assert response.status_code == 403


def test_working_file_move_to_unassigned_task(member, prod):
    working_file = prod.working_file()
    other_task = factories.TaskFactory(project=prod.project, entity=prod.asset)
    body = {"task_id": str(other_task.pk)}
    response = member("user").put(f"{WORKING_FILES}/{working_file.pk}", body, format="json")
    assert response.status_code == 403
    working_file.refresh_from_db()
    assert working_file.task_id == prod.asset_task.pk


def test_working_file_update_entity_mismatch(admin_client, prod):
    working_file = prod.working_file()
    response = admin_client.put(f"{WORKING_FILES}/{working_file.pk}", {"entity_id": str(prod.shot.pk)}, format="json")
    assert response.status_code == 400
    assert "entity_id" in message_of(response)


def test_working_file_delete_removes_content(django_capture_on_commit_callbacks, admin_client, prod):
    working_file = prod.working_file()
    upload(admin_client, working_file.pk)
    key = file_services.content_key(working_file)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"{WORKING_FILES}/{working_file.pk}").status_code == 204
    assert not WorkingFile.objects.filter(pk=working_file.pk).exists()
    assert not storage.file_exists(key)
    event = ApiEvent.objects.get(name="working-file:delete")
    assert str(event.project_id) == str(prod.project.pk)


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_working_file_delete_refused(member, prod, role):
    working_file = prod.working_file()
    assert member(role).delete(f"{WORKING_FILES}/{working_file.pk}").status_code == 403
    assert WorkingFile.objects.filter(pk=working_file.pk).exists()


def test_working_file_unknown(admin_client):
    assert admin_client.get(f"{WORKING_FILES}/{UNKNOWN}").status_code == 404
    assert admin_client.put(f"{WORKING_FILES}/{UNKNOWN}", {"comment": "x"}, format="json").status_code == 404
    assert admin_client.delete(f"{WORKING_FILES}/nope").status_code == 400


# ---- /data/output-files ---------------------------------------------------------------------------------

OUTPUT_FILES = "/api/data/output-files"


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_output_files_list_team_scope(member, prod, role):
    mine = prod.output_file()
    elsewhere = factories.OutputFileFactory()
    ids = [row["id"] for row in member(role).get(OUTPUT_FILES).json()]
    assert str(mine.pk) in ids
    assert str(elsewhere.pk) not in ids


def test_output_files_list_closed_project(member, prod):
    client = member("user")
    prod.output_file()
    prod.project.project_status = factories.ProjectStatusFactory(name="Closed")
    prod.project.save()
    assert client.get(OUTPUT_FILES).json() == []


def test_output_files_list_vendor(member, prod):
    assert member("vendor").get(OUTPUT_FILES).status_code == 403


@pytest.mark.parametrize("role", ["admin", "user"])
def test_output_files_list_queries_constant(make_client, prod, role):
    client = make_client(role)
    join_team(prod.project, client.person)
    prod.output_file(revision=1, source_file=prod.working_file(revision=1))
    few, _ = count_queries(client, OUTPUT_FILES)
    for revision in range(2, 6):
        prod.output_file(revision=revision, source_file=prod.working_file(revision=revision))
    many, rows = count_queries(client, OUTPUT_FILES)
    assert len(rows) == 5
    assert many == few


def generic_output_body(prod, **extra):
    return {
        "name": "raw",
        "revision": 3,
        "entity_id": str(prod.asset.pk),
        "task_type_id": str(prod.modeling.pk),
        "output_type_id": str(prod.output_type.pk),
        "representation": "abc",
        **extra,
    }


def test_output_file_create_admin(admin_client, prod):
    body = generic_output_body(prod, file_status_id=str(prod.file_status.pk))
    response = admin_client.post(OUTPUT_FILES, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["file_status_id"] == str(prod.file_status.pk)
    assert response.json()["source_file"] is None


def test_output_file_create_default_status(admin_client, prod):
    row = admin_client.post(OUTPUT_FILES, generic_output_body(prod), format="json").json()
    assert FileStatus.objects.get(pk=row["file_status_id"]).name == "To review"


def test_output_file_create_duplicate(admin_client, prod):
    admin_client.post(OUTPUT_FILES, generic_output_body(prod), format="json")
    response = admin_client.post(OUTPUT_FILES, generic_output_body(prod), format="json")
    assert response.status_code == 400
    assert "revision" in message_of(response)


@pytest.mark.parametrize(("extra", "key"), [({"revision": None}, "revision"), ({"entity_id": UNKNOWN}, "entity_id")])
def test_output_file_create_bad_input(admin_client, prod, extra, key):
    response = admin_client.post(OUTPUT_FILES, generic_output_body(prod, **extra), format="json")
    assert response.status_code == 400
    assert key in message_of(response)


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_output_file_create_refused(member, prod, role):
    assert member(role).post(OUTPUT_FILES, generic_output_body(prod), format="json").status_code == 403


@pytest.mark.parametrize("role", ["admin", "manager", "supervisor", "user", "vendor"])
def test_output_file_update_allowed(member, prod, role):
    output_file = prod.output_file()
    response = member(role).put(f"{OUTPUT_FILES}/{output_file.pk}", {"comment": "republished"}, format="json")
    assert response.status_code == 200
    assert response.json()["comment"] == "republished"


def test_output_file_update_client(member, prod):
    output_file = prod.output_file()
    assert member("client").put(f"{OUTPUT_FILES}/{output_file.pk}", {"comment": "x"}, format="json").status_code == 403


def test_output_file_update_artist_without_task(member, prod):
    output_file = prod.output_file()
    client = member("user", assigned=False)
    assert client.put(f"{OUTPUT_FILES}/{output_file.pk}", {"comment": "x"}, format="json").status_code == 403


def test_output_file_update_records_event(django_capture_on_commit_callbacks, admin_client, prod):
    output_file = prod.output_file()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.put(f"{OUTPUT_FILES}/{output_file.pk}", {"comment": "x"}, format="json")
    event = ApiEvent.objects.get(name="output-file:update")
    assert event.data["output_file_id"] == str(output_file.pk)
    assert str(event.project_id) == str(prod.project.pk)


@pytest.mark.parametrize("role", ROLES)
def test_output_file_read_team_roles(member, prod, role):
    assert member(role).get(f"{OUTPUT_FILES}/{prod.output_file().pk}").status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_output_file_read_outsider(make_client, prod, role):
    assert make_client(role).get(f"{OUTPUT_FILES}/{prod.output_file().pk}").status_code == 403


def test_output_file_delete_admin(django_capture_on_commit_callbacks, admin_client, prod):
    output_file = prod.output_file()
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"{OUTPUT_FILES}/{output_file.pk}").status_code == 204
    assert not OutputFile.objects.filter(pk=output_file.pk).exists()
    assert ApiEvent.objects.filter(name="output-file:delete").exists()
    assert admin_client.get(f"{OUTPUT_FILES}/{output_file.pk}").status_code == 404


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_output_file_delete_refused(member, prod, role):
    output_file = prod.output_file()
    assert member(role).delete(f"{OUTPUT_FILES}/{output_file.pk}").status_code == 403


def test_output_file_anonymous(api_client, prod):
    assert api_client.get(OUTPUT_FILES).status_code == 401
    assert api_client.get(f"{OUTPUT_FILES}/{prod.output_file().pk}").status_code == 401
