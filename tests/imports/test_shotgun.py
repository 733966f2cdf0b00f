"""ShotGrid migration routes: every fixture imports as expected, twice without duplicates,
links that come before their targets, the remove and error routes, and who may call them."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Person
from imports.models import DataImportError, ImportJob
from playlists.models import PreviewFile
from productions.models import (
    Comment,
    Entity,
    EntityLink,
    Project,
    ProjectPersonLink,
    Task,
    TaskStatus,
    TaskType,
)

FIXTURES = Path(__file__).parent / "fixtures" / "shotgun"
ORDER = ("projects", "persons", "steps", "status", "episodes", "sequences", "scenes", "assets", "shots", "tasks")


def records(name, folder=FIXTURES):
    return json.loads((folder / f"{name}.json").read_text())


def post(client, kind, body):
    return client.post(f"/api/import/shotgun/{kind}", body, format="json")


def import_all(client, folder=FIXTURES):
    answers = {}
    for kind in ORDER:
        if (folder / f"{kind}.json").exists():
            response = post(client, kind, records(kind, folder))
            assert response.status_code == 200, response.content
            answers[kind] = response.json()
    return answers


def entity(type_name, name, **lookup):
    return Entity.objects.get(entity_type__name=type_name, name=name, **lookup)


def counts():
    return (
        Project.objects.count(),
        Person.objects.count(),
        TaskType.objects.count(),
        TaskStatus.objects.count(),
        Entity.objects.count(),
        EntityLink.objects.count(),
        Task.objects.count(),
    )


def test_fixture_set_imports_as_expected(admin_client):
    answers = import_all(admin_client)
    assert [row["name"] for row in answers["projects"]] == ["Agent327", "Big Buck Bunny"]
    agent = Project.objects.get(shotgun_id=1)
    assert agent.project_status.name == "Active"
    assert agent.data == {"sg_fps": "25", "sg_width___height": "1920 / 1080"}
    assert agent.production_type == "short"
    assert agent.file_tree
    assert Project.objects.get(shotgun_id=2).project_status.name == "On Hold"

    john = Person.objects.get(shotgun_id=1)
    assert (john.email, john.desktop_login, john.role, john.active) == ("johndoe@example.com", "john.doe", "user", True)
    assert not john.has_usable_password()

    modeling = TaskType.objects.get(shotgun_id=1)
    assert (modeling.name, modeling.color, modeling.for_entity, modeling.short_name) == (
        "Modeling Shading", "#3295fd", "Asset", ""
    )  # fmt: skip
    assert modeling.department.name == "Modeling"
    assert len(answers["status"]) == 6
    hold = TaskStatus.objects.get(short_name="hld")
    assert (hold.name, hold.color) == ("On Hold", "#000000")

    assert sorted(e.name for e in Entity.objects.filter(entity_type__name="Episode", project=agent)) == [
        "E01", "E02", "E03"
    ]  # fmt: skip
    assert entity("Sequence", "S01").parent.name == "E01"
    assert entity("Sequence", "S02").parent is None
    assert entity("Scene", "SC01").parent.name == "S01"
    sheep = entity("Character", "Sheep")
    assert sheep.project == agent
    assert sheep.description == "Black sheep"
    shot = entity("Shot", "SH01")
    assert shot.parent.name == "S01"
    assert shot.parent.parent.name == "E01"
    assert shot.data == {"frame_in": None, "frame_out": None}
    link = EntityLink.objects.get(entity_in=shot)
    assert (link.entity_out, link.nb_occurences, link.label) == (sheep, 1, "")

    animation = Task.objects.get(shotgun_id=1)
    assert (animation.name, animation.entity, animation.task_type, animation.sort_order) == (
        "Animation", sheep, modeling, 40
    )  # fmt: skip
    assert animation.task_status.short_name == "wip"
    assert animation.assigner == john
    assert list(animation.assignees.all()) == []
    shading = Task.objects.get(shotgun_id=76)
    assert shading.entity.name == "Tom"
    assert list(shading.assignees.all()) == [Person.objects.get(shotgun_id=2)]
    assert ImportJob.objects.filter(kind="shotgun-shots", status="succeeded").count() == 1


def test_second_import_changes_nothing(admin_client):
    import_all(admin_client)
    before = counts()
    answers = import_all(admin_client)
    assert counts() == before
    assert len(answers["tasks"]) == 2
    job = ImportJob.objects.filter(kind="shotgun-tasks").order_by("-created_at").first()
    assert (job.created_count, job.updated_count) == (0, 2)


def test_tv_tiny_set(admin_client):
    folder = FIXTURES / "tv_tiny"
    answers = import_all(admin_client, folder)
    project = Project.objects.get(name="Moonbase Kids")
    assert project.data == {"sg_fps": "24", "sg_type": "TV Series", "sg_width___height": "1920 / 1080"}
    maya = Person.objects.get(first_name="Maya")
    assert maya.role == "user"
    assert [d.name for d in maya.departments.all()] == ["Animation"]
    assert Person.objects.get(first_name="Kenji").role == "manager"
    assert Person.objects.get(first_name="Old").active is False
    rig = TaskType.objects.get(name="Rig")
    assert (rig.short_name, rig.color, rig.for_entity) == ("RIG", "#7850c8", "Asset")
    assert TaskType.objects.get(name="Light").for_entity == "Shot"
    exterior = entity("Environment", "Moonbase Exterior")
    rock = entity("Prop", "Moon Rock")
    assert EntityLink.objects.filter(entity_in=exterior, entity_out=rock).exists()
    sq010 = entity("Sequence", "SQ010")
    sh010 = entity("Shot", "SH010", parent=sq010)
    assert (sh010.data["frame_in"], sh010.data["frame_out"], sh010.nb_frames) == (1001, 1048, 48)
    assert sorted(link.entity_out.name for link in EntityLink.objects.filter(entity_in=sh010)) == [
        "Kira", "Moonbase Exterior"
    ]  # fmt: skip
    assert entity("Shot", "SH020", parent=entity("Sequence", "SQ020")).data["frame_out"] is None
    assert len(answers["tasks"]) == 8
    assert Task.objects.filter(project=project).count() == 8
    assert set(Task.objects.filter(project=project).values_list("assigner__first_name", flat=True)) == {"Kenji"}
    kira_model = Task.objects.get(entity__name="Kira", task_type__name="Model")
    assert kira_model.task_status.short_name == "fin"
    assert kira_model.duration == 4800
    assert [p.first_name for p in kira_model.assignees.all()] == ["Maya"]
    skipped = ImportJob.objects.get(kind="shotgun-tasks")
    assert skipped.skipped_count == 1
    assert "step" in skipped.errors[0]["message"]


# ---- a small chain in the conformance case's shape ------------------------------------------

PROJECT = {"type": "Project", "id": 501, "name": "SG Test"}


def chain(client):
    """Import one record of each kind, ShotGrid id 501, and return the response bodies by kind."""
    bodies = {
        "projects": [{"id": 501, "name": "SG Test", "sg_status": "Active", "sg_fps": "25", "type": "Project"}],
        "persons": [{"id": 501, "email": "sg@example.com", "firstname": "Shot", "lastname": "Grid", "login": "sg"}],
        "projectconnections": [{"id": 501, "project": PROJECT, "user": {"type": "HumanUser", "id": 501}}],
        "steps": [{"id": 501, "code": "SGStep Test", "color": "50,149,253", "type": "Step"}],
        "status": [{"id": 501, "code": "qsg", "name": "SG status", "bg_color": "29,215,46", "type": "Status"}],
        "episodes": [{"id": 501, "code": "E01", "description": None, "project": PROJECT}],
        "sequences": [
            {
                "id": 501,
                "code": "S01",
                "description": None,
                "project": PROJECT,
                "episode": {"type": "Episode", "id": 501},
            }
        ],  # fmt: skip
        "assets": [
            {"id": 501, "code": "Sheep", "description": "Black sheep", "project": PROJECT, "sg_asset_type": "Character"}
        ],  # fmt: skip
        "shots": [
            {
                "id": 501,
                "code": "SH01",
                "sg_cut_in": 1001,
                "sg_cut_duration": 24,
                "project": PROJECT,
                "assets": [{"type": "Asset", "id": 501}],
                "sg_sequence": {"type": "Sequence", "id": 501},
            }
        ],
        "scenes": [
            {
                "id": 501,
                "code": "SC01",
                "project": PROJECT,
                "sequence_sg_scenes_1_sequences": [{"type": "Sequence", "id": 501}],
            }
        ],  # fmt: skip
        "tasks": [
            {
                "id": 501,
                "cached_display_name": "Animation",
                "created_by": {"id": 501, "type": "HumanUser"},
                "due_date": None,
                "duration": None,
                "start_date": None,
                "entity": {"id": 501, "type": "Shot"},
                "project": PROJECT,
                "sg_sort_order": 1,
                "sg_status_list": "qsg",
                "step": {"id": 501},
                "task_assignees": [{"id": 501, "type": "HumanUser"}],
            }
        ],  # fmt: skip
        "notes": [
            {
                "id": 501,
                "content": "Imported note",
                "created_at": "2025-01-02T10:00:00Z",
                "tasks": [{"id": 501, "type": "Task"}],
                "user": {"id": 501, "type": "HumanUser"},
            }
        ],  # fmt: skip
        "versions": [
            {
                "id": 501,
                "code": "SH01_anim_v001",
                "description": "first version",
                "project": PROJECT,
                "entity": {"id": 501, "type": "Shot"},
                "sg_task": {"id": 501, "type": "Task"},
                "sg_uploaded_movie": None,
                "user": {"id": 501, "type": "HumanUser"},
            }
        ],  # fmt: skip
    }
    answers = {}
    for kind, body in bodies.items():
        response = post(client, kind, body)
        assert response.status_code == 200, (kind, response.content)
        answers[kind] = response.json()
        assert len(answers[kind]) == 1, (kind, answers[kind])
    return answers


def test_every_kind_imports_and_links(admin_client):
    answers = chain(admin_client)
    task = Task.objects.get(shotgun_id=501)
    assert answers["tasks"][0]["id"] == str(task.pk)
    assert answers["tasks"][0]["assignees"] == [answers["persons"][0]["id"]]
    assert task.task_status.short_name == "qsg"
    assert task.task_type.name == "SGStep Test"
    assert task.entity.name == "SH01"
    assert task.assigner.email == "sg@example.com"
    shot = task.entity
    assert shot.data == {"frame_in": 1001, "frame_out": 1024, "sg_cut_duration": 24}
    assert shot.nb_frames == 24
    assert answers["shots"][0]["parent_id"] == str(Entity.objects.get(entity_type__name="Sequence").pk)
    assert entity("Scene", "SC01").parent.name == "S01"
    assert ProjectPersonLink.objects.get(shotgun_id=501).person.email == "sg@example.com"
    comment = Comment.objects.get(shotgun_id=501)
    assert comment.object_id == task.pk
    assert comment.text == "Imported note"
    assert comment.created_at.isoformat().startswith("2025-01-02T10:00:00")
    version = PreviewFile.objects.get(shotgun_id=501)
    assert version.task == task
    assert version.source == "Shotgun"
    assert answers["versions"][0]["shotgun_id"] == 501


def test_chain_twice_changes_nothing(admin_client):
    chain(admin_client)
    before = counts() + (Comment.objects.count(), PreviewFile.objects.count(), ProjectPersonLink.objects.count())
    chain(admin_client)
    assert (
        counts() + (Comment.objects.count(), PreviewFile.objects.count(), ProjectPersonLink.objects.count()) == before
    )


# ---- links before targets ------------------------------------------------------------------


def test_links_before_targets_are_resolved_later(admin_client):
    post(admin_client, "projects", [{"id": 601, "name": "Early", "sg_status": "Active"}])
    project = {"type": "Project", "id": 601, "name": "Early"}
    shot = {"id": 601, "code": "SH01", "sg_cut_in": None, "sg_cut_duration": None, "project": project,
            "assets": [{"id": 601, "type": "Asset"}], "sg_sequence": {"id": 601, "type": "Sequence"}}  # fmt: skip
    assert post(admin_client, "shots", [shot]).status_code == 200
    row = entity("Shot", "SH01")
    assert row.parent is None
    assert not EntityLink.objects.exists()
    assert ImportJob.objects.get(kind="shotgun-shots").options["pending"]

    sequence = {"id": 601, "code": "S01", "description": None, "project": project}
    post(admin_client, "sequences", [sequence])
    row.refresh_from_db()
    assert row.parent.name == "S01"
    asset = {"id": 601, "code": "Rock", "description": None, "project": project, "sg_asset_type": "Prop"}
    post(admin_client, "assets", [asset])
    assert EntityLink.objects.get(entity_in=row).entity_out.name == "Rock"
    assert "pending" not in ImportJob.objects.get(kind="shotgun-shots").options


def test_assignee_before_person_and_parent_asset_after_child(admin_client):
    chain(admin_client)
    project = PROJECT
    task = {"id": 602, "cached_display_name": "Extra", "created_by": None, "due_date": None, "duration": 3,
            "start_date": "2024-03-04", "entity": {"id": 501, "type": "Shot"}, "project": project,
            "sg_sort_order": None, "sg_status_list": "qsg", "step": {"id": 501},
            "task_assignees": [{"id": 602, "type": "HumanUser"}]}  # fmt: skip
    assert len(post(admin_client, "tasks", [task]).json()) == 1
    row = Task.objects.get(shotgun_id=602)
    assert list(row.assignees.all()) == []
    post(admin_client, "persons", [{"id": 602, "email": "late@example.com", "firstname": "Late", "lastname": "One",
                                    "login": "late"}])  # fmt: skip
    assert [p.email for p in row.assignees.all()] == ["late@example.com"]

    child = {"id": 603, "code": "Pebble", "description": None, "project": project, "sg_asset_type": "Prop",
             "parents": [{"id": 604, "type": "Asset"}]}  # fmt: skip
    parent = {"id": 604, "code": "Quarry", "description": None, "project": project, "sg_asset_type": "Set"}
    post(admin_client, "assets", [child, parent])
    assert EntityLink.objects.get(entity_out__name="Pebble").entity_in.name == "Quarry"


# ---- bad records, bad bodies --------------------------------------------------------------


def test_bad_records_reported_and_skipped(admin_client):
    body = [
        {"name": "No id", "sg_status": "Active"},
        {"id": "7", "name": "Text id"},
        {"id": 701, "name": "Good", "sg_status": "Active"},
        "not a record",
    ]
    response = post(admin_client, "projects", body)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()] == ["Good"]
    assert Project.objects.count() == 1
    job = ImportJob.objects.get(kind="shotgun-projects")
    assert [error["line"] for error in job.errors] == [1, 2, 4]
    assert "integer ShotGrid id" in job.errors[0]["message"]
    assert DataImportError.objects.filter(source="shotgun").count() == 3

    project = {"type": "Project", "id": 701}
    wrong = {"id": 702, "code": "S01", "description": None, "project": project, "episode": "E01"}
    response = post(admin_client, "sequences", [wrong])
    assert response.status_code == 200
    assert response.json() == []
    assert not Entity.objects.exists()
    error = ImportJob.objects.get(kind="shotgun-sequences").errors[0]
    assert error["message"].startswith("episode: expected a link object")


def test_unknown_project_and_missing_task_links(admin_client):
    lost = {"id": 801, "code": "E09", "description": None, "project": {"type": "Project", "id": 999, "name": "?"}}
    assert post(admin_client, "episodes", [lost]).json() == []
    chain(admin_client)
    orphan = {"id": 802, "cached_display_name": "X", "created_by": None, "due_date": None, "duration": None,
              "start_date": None, "entity": {"id": 999, "type": "Shot"}, "project": PROJECT, "sg_sort_order": 1,
              "sg_status_list": "qsg", "step": {"id": 501}, "task_assignees": []}  # fmt: skip
    assert post(admin_client, "tasks", [orphan]).json() == []
    assert not Task.objects.filter(shotgun_id=802).exists()
    assert (
        "no imported Shot" in ImportJob.objects.filter(kind="shotgun-tasks").latest("created_at").errors[0]["message"]
    )


@pytest.mark.parametrize("body", [{"not": "a list"}, "text"])
def test_body_must_be_a_list(admin_client, body):
    response = post(admin_client, "projects", body)
    assert response.status_code == 400
    assert "JSON list" in response.json()["message"]
    assert not ImportJob.objects.exists()


def test_existing_email_and_project_name_are_linked(admin_client):
    known = Person.objects.create_user("johndoe@example.com", first_name="J", last_name="D")
    post(admin_client, "persons", records("persons"))
    known.refresh_from_db()
    assert known.shotgun_id == 1
    existing = Project.objects.create(name="Agent327")
    answer = post(admin_client, "projects", records("projects")).json()
    existing.refresh_from_db()
    assert existing.shotgun_id == 1
    assert answer[0]["id"] == str(existing.pk)


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_only_admins_import(make_client, role):
    client = make_client(role)
    assert post(client, "projects", [{"id": 1, "name": "Nope", "sg_status": "Active"}]).status_code == 403
    assert client.post("/api/import/shotgun/remove/shot", {"id": 1}, format="json").status_code == 403
    assert client.get("/api/import/shotgun/errors").status_code == 403
    assert not Project.objects.exists()


def test_anonymous_refused(db, api_client):
    assert post(api_client, "projects", []).status_code == 401


# ---- removals --------------------------------------------------------------------------------


def remove(client, kind, sg_id):
    return client.post(f"/api/import/shotgun/remove/{kind}", {"id": sg_id}, format="json")


def test_remove_routes(admin_client):
    chain(admin_client)
    task_id = str(Task.objects.get(shotgun_id=501).pk)
    shot_id = str(entity("Shot", "SH01").pk)
    for kind, model in (("version", PreviewFile), ("note", Comment), ("task", Task)):
        response = remove(admin_client, kind, 501)
        assert response.status_code == 200
        assert response.json()["success"] is True
        assert not model.objects.filter(shotgun_id=501).exists()
    assert remove(admin_client, "task", 501).json() == {"success": True}
    assert remove(admin_client, "shot", 501).json() == {"removed_instance_id": shot_id, "success": True}
    assert task_id != shot_id
    for kind in ("scene", "asset", "sequence", "episode"):
        assert remove(admin_client, kind, 501).json()["success"] is True
    assert not Entity.objects.exists()
    for kind, model in (("status", TaskStatus), ("step", TaskType), ("person", Person)):
        assert remove(admin_client, kind, 501).status_code == 200
        assert not model.objects.filter(shotgun_id=501).exists()
    assert remove(admin_client, "projectconnection", 501).json() == {"success": True}
    assert remove(admin_client, "project", 501).status_code == 200
    assert not Project.objects.exists()


def test_remove_used_status_refused(admin_client):
    chain(admin_client)
    response = remove(admin_client, "status", 501)
    assert response.status_code == 400
    assert "still used" in response.json()["message"]
    assert TaskStatus.objects.filter(shotgun_id=501).exists()


def test_remove_projectconnection(admin_client):
    chain(admin_client)
    link = ProjectPersonLink.objects.get(shotgun_id=501)
    assert remove(admin_client, "projectconnection", 501).json() == {
        "removed_instance_id": str(link.pk),
        "success": True,
    }
    assert not ProjectPersonLink.objects.exists()


@pytest.mark.parametrize("body", [{}, {"id": "12"}, {"id": True}])
def test_remove_needs_integer_id(admin_client, body):
    response = admin_client.post("/api/import/shotgun/remove/shot", body, format="json")
    assert response.status_code == 400
    assert "id" in response.json()["message"]


# ---- errors routes ----------------------------------------------------------------------------


def test_errors_routes(admin_client, django_assert_num_queries):
    created = admin_client.post("/api/import/shotgun/errors", {"record": {"id": 3}}, format="json")
    assert created.status_code == 201
    row = created.json()
    assert (
        row["source"] == "shotgun" and row["event_data"] == {"record": {"id": 3}} and row["type"] == "DataImportError"
    )
    with django_assert_num_queries(5):
        listed = admin_client.get("/api/import/shotgun/errors")
    assert [item["id"] for item in listed.json()] == [row["id"]]
    DataImportError.objects.create(source="shotgun", event_data={})
    DataImportError.objects.create(source="csv", event_data={})
    with django_assert_num_queries(5):
        assert len(admin_client.get("/api/import/shotgun/errors").json()) == 2
    assert admin_client.delete(f"/api/import/shotgun/errors/{row['id']}").status_code == 204
    assert admin_client.delete(f"/api/import/shotgun/errors/{row['id']}").status_code == 404
    assert admin_client.delete("/api/import/shotgun/errors/not-a-uuid").status_code == 400


# ---- the management command -------------------------------------------------------------------


def test_command_imports_a_file(db, capsys):
    call_command("import_shotgun", "projects", str(FIXTURES / "projects.json"))
    assert "2 created" in capsys.readouterr().out
    call_command("import_shotgun", "projects", str(FIXTURES / "projects.json"))
    assert "2 updated" in capsys.readouterr().out
    assert Project.objects.count() == 2


def test_reimport_replaces_casting_and_pending_links(admin_client):
    chain(admin_client)
    shot = entity("Shot", "SH01")
    assert shot.nb_entities_out == 1
    record = {"id": 501, "code": "SH01", "sg_cut_in": 1001, "sg_cut_duration": 24, "project": PROJECT,
              "assets": [], "sg_sequence": {"type": "Sequence", "id": 950}}  # fmt: skip
    post(admin_client, "shots", [record])
    shot.refresh_from_db()
    assert not EntityLink.objects.filter(entity_in=shot).exists()
    assert shot.nb_entities_out == 0
    # The shot now waits for sequence 950; a new import pointing at sequence 501 again drops that wait.
    record["sg_sequence"] = {"type": "Sequence", "id": 501}
    post(admin_client, "shots", [record])
    late = {"id": 950, "code": "S09", "description": None, "project": PROJECT}
    post(admin_client, "sequences", [late])
    shot.refresh_from_db()
    assert shot.parent.name == "S01"
    assert not ImportJob.objects.filter(options__has_key="pending").exists()


def test_command_rejects_a_non_list_file(db, tmp_path):
    source = tmp_path / "bad.json"
    source.write_text('{"id": 1}')
    with pytest.raises(CommandError, match="JSON list"):
        call_command("import_shotgun", "projects", str(source))
    assert not Project.objects.exists()


def test_empty_links_clear_the_shot(admin_client):
    chain(admin_client)
    record = {"id": 501, "code": "SH01", "sg_cut_in": None, "sg_cut_duration": None, "project": PROJECT,
              "sg_sequence": None}  # fmt: skip
    answer = post(admin_client, "shots", [record]).json()
    assert answer[0]["parent_id"] is None
    shot = entity("Shot", "SH01")
    assert shot.parent is None
    assert shot.nb_frames is None
    assert not EntityLink.objects.filter(entity_in=shot).exists()
