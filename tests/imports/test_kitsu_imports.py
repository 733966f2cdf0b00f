"""Kitsu-to-Kitsu imports: /import/kitsu/{projects,entities,tasks,comments,entity-links}.

Each test exports rows with the API's own serialization, deletes them, and posts
them back, as a copy from another Kitsu server would.
"""

import json
import uuid

import pytest

from imports.tasks import run_import_job
from kitsu_project.api.serialization import serialize_row
from productions.models import Comment, Entity, EntityLink, Project, ProjectPersonLink, Task
from tests import factories

pytestmark = pytest.mark.django_db

NOT_MANAGER_ROLES = ("supervisor", "user", "client", "vendor")


def exported(row):
    """Return a row as the other server's API returns it: JSON-encoded and decoded."""
    return json.loads(json.dumps(serialize_row(row), default=str))


def post_rows(client, resource, rows):
    return client.post(f"/api/import/kitsu/{resource}", rows, format="json")


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def shot(project):
    return factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory(name="Shot"))


# ---- projects -------------------------------------------------------------------------


def test_project_created_with_its_id(admin_client):
    project = factories.ProjectFactory(name="Copied", fps="24")
    row = exported(project)
    project.delete()
    response = post_rows(admin_client, "projects", [row])
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()] == [row["id"]]
    copied = Project.objects.get(pk=row["id"])
    assert copied.name == "Copied"
    assert copied.fps == "24"


def test_project_import_twice_updates(admin_client, project):
    row = exported(project)
    row["name"] = "Renamed"
    response = post_rows(admin_client, "projects", [row])
    assert response.status_code == 200
    response = post_rows(admin_client, "projects", [row])
    assert response.status_code == 200
    assert Project.objects.filter(name="Renamed").count() == 1
    project.refresh_from_db()
    assert project.name == "Renamed"


def test_project_import_admin_only(make_client, project):
    response = post_rows(make_client("manager"), "projects", [exported(project)])
    assert response.status_code == 403


# ---- entities -------------------------------------------------------------------------


def test_entities_created_with_ids(admin_client, project, shot):
    sequence = factories.EntityFactory(project=project, entity_type=factories.EntityTypeFactory(name="Sequence"))
    shot.parent = sequence
    shot.data = {"frame_in": 1, "frame_out": 9}
    shot.save()
    rows = [exported(sequence), exported(shot)]
    shot.delete()
    sequence.delete()
    response = post_rows(admin_client, "entities", rows)
    assert response.status_code == 200, response.content
    copied = Entity.objects.get(pk=rows[1]["id"])
    assert str(copied.parent_id) == rows[0]["id"]
    assert copied.data == {"frame_in": 1, "frame_out": 9}


def test_entity_import_twice_no_duplicates(admin_client, shot):
    row = exported(shot)
    post_rows(admin_client, "entities", [row])
    response = post_rows(admin_client, "entities", [row])
    assert response.status_code == 200
    assert Entity.objects.filter(name=shot.name).count() == 1


def test_entity_asset_type_id_renamed(admin_client, project):
    asset_type = factories.EntityTypeFactory(name="Prop")
    row = {"id": str(uuid.uuid4()), "name": "Chair", "project_id": str(project.pk), "asset_type_id": str(asset_type.pk)}
    response = post_rows(admin_client, "entities", [row])
    assert response.status_code == 200, response.content
    assert Entity.objects.get(pk=row["id"]).entity_type_id == asset_type.pk


def test_entity_unknown_project_rejected(admin_client, shot):
    row = exported(shot)
    row["id"] = str(uuid.uuid4())
    row["project_id"] = str(uuid.uuid4())
    response = post_rows(admin_client, "entities", [row])
    assert response.status_code == 400
    assert "project_id" in response.json()["message"]


def test_entity_import_strict_rollback(admin_client, project):
    good = {"id": str(uuid.uuid4()), "name": "Good", "project_id": str(project.pk),
            "entity_type_id": str(factories.EntityTypeFactory(name="Prop").pk)}  # fmt: skip
    bad = {"id": "not-an-id", "name": "Bad", "project_id": str(project.pk)}
    response = post_rows(admin_client, "entities", [good, bad])
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "row 2: invalid or missing id 'not-an-id'."
    assert body["errors"][0]["line"] == 2
    assert not Entity.objects.filter(name="Good").exists()


def test_manager_imports_managed_rows_only(make_client, project, shot):
    client = make_client("manager")
    ProjectPersonLink.objects.create(project=project, person=client.person)
    other = factories.EntityFactory(entity_type=shot.entity_type)
    rows = [exported(shot), exported(other)]
    rows[0]["name"] = "Managed"
    rows[1]["name"] = "Not managed"
    response = post_rows(client, "entities", rows)
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()] == [rows[0]["id"]]
    other.refresh_from_db()
    assert other.name != "Not managed"


@pytest.mark.parametrize("role", NOT_MANAGER_ROLES)
def test_other_roles_forbidden(make_client, project, shot, role):
    client = make_client(role)
    ProjectPersonLink.objects.create(project=project, person=client.person)
    for resource in ("projects", "entities", "tasks", "comments", "entity-links"):
        response = post_rows(client, resource, [exported(shot)])
        assert response.status_code == 403, resource


def test_anonymous_rejected(api_client):
    response = post_rows(api_client, "entities", [])
    assert response.status_code == 401


@pytest.mark.parametrize("body", [{"id": "x"}, "text", 3])
def test_body_not_list_rejected(admin_client, body):
    response = post_rows(admin_client, "entities", body)
    assert response.status_code == 400
    assert "list" in response.json()["message"]


def test_row_not_object_rejected(admin_client):
    response = post_rows(admin_client, "tasks", ["nope"])
    assert response.status_code == 400
    assert "expected a JSON object" in response.json()["message"]


# ---- tasks, comments, entity links -----------------------------------------------------


def test_task_created_with_assignees(admin_client, project, shot):
    person = factories.PersonFactory()
    task = factories.TaskFactory(project=project, entity=shot)
    task.assignees.add(person)
    row = exported(task)
    row["assignees"] = [str(person.pk)]
    task.delete()
    response = post_rows(admin_client, "tasks", [row])
    assert response.status_code == 200, response.content
    copied = Task.objects.get(pk=row["id"])
    assert list(copied.assignees.all()) == [person]
    response = post_rows(admin_client, "tasks", [row])
    assert Task.objects.filter(entity=shot).count() == 1


def test_comment_created_on_task(admin_client, project, shot):
    task = factories.TaskFactory(project=project, entity=shot)
    comment = factories.CommentFactory(object_id=task.pk, task_status=task.task_status, text="Looks good")
    row = exported(comment)
    comment.delete()
    response = post_rows(admin_client, "comments", [row])
    assert response.status_code == 200, response.content
    assert Comment.objects.get(pk=row["id"]).text == "Looks good"
    post_rows(admin_client, "comments", [row])
    assert Comment.objects.filter(object_id=task.pk).count() == 1


def test_entity_link_matched_on_pair(admin_client, project, shot):
    asset = factories.EntityFactory(project=project)
    link = factories.EntityLinkFactory(entity_in=shot, entity_out=asset, nb_occurences=2)
    row = exported(link)
    row["id"] = str(uuid.uuid4())
    row["nb_occurences"] = 5
    response = post_rows(admin_client, "entity-links", [row])
    assert response.status_code == 200, response.content
    assert EntityLink.objects.filter(entity_in=shot).count() == 1
    link.refresh_from_db()
    assert link.nb_occurences == 5


def test_unknown_author_cleared(admin_client, project, shot):
    row = exported(shot)
    row["id"] = str(uuid.uuid4())
    row["created_by"] = str(uuid.uuid4())
    response = post_rows(admin_client, "entities", [row])
    assert response.status_code == 200, response.content
    assert Entity.objects.get(pk=row["id"]).created_by is None


def test_unknown_parent_rejected(admin_client, project, shot):
    row = exported(shot)
    row["id"] = str(uuid.uuid4())
    row["parent_id"] = str(uuid.uuid4())
    response = post_rows(admin_client, "entities", [row])
    assert response.status_code == 400
    assert "parent_id" in response.json()["message"]


def test_queued_job_accepted(admin_client, project, monkeypatch, settings):
    # With a broker the job waits for a worker, so the response is the queued job.
    monkeypatch.setitem(run_import_job.app.conf, "task_always_eager", False)
    settings.KITSU_IMPORTS_IN_WORKERS = True
    response = post_rows(admin_client, "projects", [exported(project)])
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
