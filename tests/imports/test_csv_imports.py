"""CSV imports (assets, shots, casting, estimations, edits, persons): rows, tasks, bad rows, strict mode, roles."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportJob
from imports.tasks import run_import_job
from productions.models import Comment, Entity, EntityLink, EntityType, Task, TaskType
from tests.factories import (
    EntityFactory,
    EntityTypeFactory,
    MetadataDescriptorFactory,
    PersonFactory,
    ProjectFactory,
    ProjectPersonLinkFactory,
    ProjectTaskTypeLinkFactory,
    TaskFactory,
    TaskStatusFactory,
    TaskTypeFactory,
)

FIXTURES = Path(__file__).parent / "fixtures" / "csv"


def upload(name, content=None):
    if content is None:
        content = (FIXTURES / name).read_bytes()
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv")}


def post_csv(client, project, route, name, content=None, query=""):
    url = f"/api/import/csv/projects/{project.pk}/{route}{query}"
    return client.post(url, upload(name, content), format="multipart")


@pytest.fixture
def todo(db):
    return TaskStatusFactory(name="Todo", short_name="todo", is_default=True)


@pytest.fixture
def wip(db):
    return TaskStatusFactory(name="Work In Progress", short_name="wip")


def link_task_types(project, for_entity, *names):
    task_types = [TaskTypeFactory(name=name, for_entity=for_entity) for name in names]
    for task_type in task_types:
        ProjectTaskTypeLinkFactory(project=project, task_type=task_type)
    return task_types


@pytest.fixture
def film(todo):
    project = ProjectFactory(production_type="featurefilm")
    link_task_types(project, "Asset", "Modeling", "Shading", "Rigging")
    link_task_types(project, "Shot", "Layout")
    return project


@pytest.fixture
def tvshow(todo):
    project = ProjectFactory(production_type="tvshow")
    link_task_types(project, "Shot", "Layout", "Animation")
    return project


def assets_of(project):
    return Entity.objects.filter(project=project).exclude(entity_type__name__in=("Shot", "Sequence", "Episode"))


def shots_of(project):
    return Entity.objects.filter(project=project, entity_type__name="Shot")


# ---- assets --------------------------------------------------------------------


def test_assets_imported_with_tasks_and_metadata(admin_client, film):
    MetadataDescriptorFactory(project=film, entity_type="Asset", name="Contractor", field_name="contractor")
    response = post_csv(admin_client, film, "assets", "assets.csv")
    assert response.status_code == 201, response.json()
    rows = response.json()
    assert [row["name"] for row in rows] == ["Cassette Player", "Wood Stick", "Victor"]
    assert rows[0]["description"] == "Description 01"
    assert rows[0]["data"] == {"contractor": "contractor 1"}
    assert rows[2]["entity_type_id"] == str(EntityType.objects.get(name="Character").pk)
    assert Task.objects.filter(project=film).count() == 9
    assert set(Task.objects.filter(project=film).values_list("task_status__short_name", flat=True)) == {"todo"}
    assert not Task.objects.filter(project=film, task_type__for_entity="Shot").exists()


def test_assets_reimport_leaves_unchanged(admin_client, film):
    post_csv(admin_client, film, "assets", "assets.csv")
    changed = (FIXTURES / "assets.csv").read_bytes().replace(b"Description 01", b"Changed")
    response = post_csv(admin_client, film, "assets", "assets.csv", changed)
    assert response.status_code == 201
    assert assets_of(film).count() == 3
    assert assets_of(film).get(name="Cassette Player").description == "Description 01"
    assert Task.objects.filter(project=film).count() == 9


def test_assets_update_overwrites_and_merges(admin_client, film):
    MetadataDescriptorFactory(project=film, entity_type="Asset", name="Contractor", field_name="contractor")
    post_csv(admin_client, film, "assets", "assets.csv")
    changed = (FIXTURES / "assets.csv").read_bytes().replace(b"Description 01", b"Changed")
    response = post_csv(admin_client, film, "assets", "assets.csv", changed, "?update=true")
    assert response.status_code == 201
    assert assets_of(film).get(name="Cassette Player").description == "Changed"
    response = post_csv(admin_client, film, "assets", "assets_no_metadata.csv", query="?update=true")
    assert response.status_code == 201
    assert assets_of(film).get(name="Cassette Player").data == {"contractor": "contractor 1"}
    assert assets_of(film).count() == 3


def test_assets_other_delimiter_and_blank_line(admin_client, film):
    for name in ("assets_other_delimiter.csv", "assets_broken_01.csv"):
        response = post_csv(admin_client, film, "assets", name)
        assert response.status_code == 201, name
        assert len(response.json()) == 3
    assert assets_of(film).count() == 3


def test_assets_missing_name_column(admin_client, film):
    response = post_csv(admin_client, film, "assets", "assets_broken_03.csv")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] is True
    assert "'Name'" in body["message"]
    assert body["line_number"] == 1
    assert not assets_of(film).exists()


def test_assets_empty_type_row_rejected(admin_client, film):
    response = post_csv(admin_client, film, "assets", "assets_empty_type.csv")
    assert response.status_code == 400
    body = response.json()
    assert body["line_number"] == 3
    assert "asset type is missing" in body["message"]
    assert body["errors"][0]["column"] == "Type"
    assert ImportJob.objects.filter(pk=body["job_id"]).exists()
    names = set(assets_of(film).values_list("name", flat=True))
    assert "Cassette Player" in names
    assert "Wood Stick" not in names
    assert not EntityType.objects.filter(name="").exists()
    assert Task.objects.filter(entity__name="Cassette Player").count() == 3


def test_assets_empty_name_cell(admin_client, film):
    response = post_csv(admin_client, film, "assets", "a.csv", b"Type,Name\nProp,\nProp,Good\n")
    assert response.status_code == 400
    assert response.json()["line_number"] == 2
    assert response.json()["errors"][0]["column"] == "Name"
    assert list(assets_of(film).values_list("name", flat=True)) == ["Good"]


def test_assets_strict_imports_nothing(admin_client, film):
    response = post_csv(admin_client, film, "assets", "assets_empty_type.csv", query="?strict=true")
    assert response.status_code == 400
    assert response.json()["line_number"] == 3
    assert not assets_of(film).exists()
    assert not Task.objects.filter(project=film).exists()


def test_assets_task_status_cells(admin_client, todo, wip):
    project = ProjectFactory(production_type="featurefilm")
    link_task_types(project, "Asset", "Shaders", "Concept", "Modeling")
    done = TaskStatusFactory(name="Done", short_name="done")
    admin = admin_client.person
    response = post_csv(admin_client, project, "assets", "assets_task_statuses.csv")
    assert response.status_code == 201, response.json()
    task = Task.objects.get(entity__name="Wood Stick", task_type__name="Shaders")
    assert task.task_status == wip
    assert Task.objects.filter(project=project).count() == 6
    assert Task.objects.filter(project=project, task_status=todo).count() == 5
    comments = Comment.objects.filter(object_id=task.pk)
    assert comments.count() == 1
    assert comments[0].text == ""
    assert comments[0].person == admin
    content = (FIXTURES / "assets_task_statuses.csv").read_bytes().replace(b"wip,,", b"wip,DONE,")
    response = post_csv(admin_client, project, "assets", "a.csv", content, "?update=true")
    assert response.status_code == 201
    concept = Task.objects.get(entity__name="Wood Stick", task_type__name="Concept")
    assert concept.task_status == done
    assert Comment.objects.filter(object_id=concept.pk).count() == 1
    assert Comment.objects.filter(object_id=task.pk).count() == 1


def test_assets_unknown_task_status(admin_client, todo, wip):
    project = ProjectFactory(production_type="featurefilm")
    link_task_types(project, "Asset", "Shaders", "Concept", "Modeling")
    response = post_csv(admin_client, project, "assets", "assets_broken_task_status.csv")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Task status not found for NotAStatus."
    assert body["line_number"] == 4
    assert set(assets_of(project).values_list("name", flat=True)) == {"Cassette Player", "Wood Stick"}
    assert Task.objects.filter(project=project).count() == 6


def test_assets_asset_type_restricts_task_types(admin_client, film):
    prop = EntityTypeFactory(name="Prop")
    modeling = film.task_types.get(name="Modeling")
    prop.task_types.add(modeling)
    response = post_csv(admin_client, film, "assets", "assets.csv")
    assert response.status_code == 201
    assert Task.objects.filter(entity__name="Wood Stick").count() == 1
    assert Task.objects.filter(entity__name="Victor").count() == 3


def test_assets_person_metadata_stored_as_text(admin_client, film):
    MetadataDescriptorFactory(project=film, entity_type="Asset", name="Reviewer", field_name="reviewer")
    response = post_csv(admin_client, film, "assets", "assets_person_metadata.csv")
    assert response.status_code == 201
    assert [row["data"] for row in response.json()] == [
        {"reviewer": "John Doe"},
        {"reviewer": "john.doe@example.com"},
    ]


def test_assets_bulk_500(admin_client, film):
    response = post_csv(admin_client, film, "assets", "assets_bulk_500.csv")
    assert response.status_code == 201
    assert len(response.json()) == 500
    assert Task.objects.filter(project=film).count() == 1500
    response = post_csv(admin_client, film, "assets", "assets_bulk_500.csv")
    assert response.status_code == 201
    assert assets_of(film).count() == 500
    assert Task.objects.filter(project=film).count() == 1500


# ---- shots ---------------------------------------------------------------------


def test_shots_tvshow(admin_client, tvshow):
    MetadataDescriptorFactory(project=tvshow, entity_type="Shot", name="Contractor", field_name="contractor")
    response = post_csv(admin_client, tvshow, "shots", "shots.csv")
    assert response.status_code == 201, response.json()
    rows = response.json()
    assert len(rows) == 4
    assert rows[0]["data"] == {"contractor": "contractor 1", "frame_in": "0", "frame_out": "100", "fps": "25"}
    assert rows[0]["nb_frames"] is None
    episodes = Entity.objects.filter(project=tvshow, entity_type__name="Episode")
    assert sorted(episodes.values_list("name", flat=True)) == ["E01", "E02"]
    assert set(episodes.values_list("status", flat=True)) == {"running"}
    sequences = Entity.objects.filter(project=tvshow, entity_type__name="Sequence")
    assert sorted(sequences.values_list("parent__name", "name")) == [("E01", "SE01"), ("E01", "SE02"), ("E02", "SE01")]
    assert Task.objects.filter(project=tvshow).count() == 8
    response = post_csv(admin_client, tvshow, "shots", "shots_no_metadata.csv", query="?update=true")
    assert response.status_code == 201
    assert {shot.data["contractor"] for shot in shots_of(tvshow)} == {"contractor 1", "contractor 2"}
    assert shots_of(tvshow).count() == 4


def test_shots_feature_film_ignores_episode(admin_client, film):
    response = post_csv(admin_client, film, "shots", "shots.csv")
    assert response.status_code == 201
    assert shots_of(film).count() == 3
    assert not Entity.objects.filter(project=film, entity_type__name="Episode").exists()


def test_shots_bom_semicolon_crlf(admin_client, film):
    response = post_csv(admin_client, film, "shots", "shots_excel_bom_semicolon_crlf.csv")
    assert response.status_code == 201, response.json()
    rows = {row["name"]: row for row in response.json() if row["name"] == "SH010"}
    shot = shots_of(film).get(name="SH010", parent__name="SQ010")
    assert shot.nb_frames == 48
    assert shot.data["frame_in"] == "1001"
    assert shot.description == "Ouverture – plan large sur la ville"
    assert rows
    assert shots_of(film).count() == 5
    assert Task.objects.filter(project=film, task_type__name="Layout").count() == 5


def test_shots_leading_zeros(admin_client, film):
    response = post_csv(admin_client, film, "shots", "shots_leading_zeros.csv")
    assert response.status_code == 201
    names = set(shots_of(film).values_list("parent__name", "name"))
    assert names == {("010", "001"), ("010", "010"), ("010", "0100"), ("020", "001"), ("020", "1")}
    assert shots_of(film).get(parent__name="010", name="0100").nb_frames == 12


def test_shots_tv_episodic(admin_client, tvshow):
    EntityFactory(project=tvshow, name="E01", entity_type=EntityTypeFactory(name="Episode"))
    response = post_csv(admin_client, tvshow, "shots", "shots_tv_episodic.csv")
    assert response.status_code == 201
    assert len(response.json()) == 8
    sequences = Entity.objects.filter(project=tvshow, entity_type__name="Sequence")
    assert sequences.filter(name="SQ010").count() == 2
    assert Entity.objects.filter(project=tvshow, entity_type__name="Episode").count() == 3


def test_shots_assignations(admin_client, tvshow):
    john = PersonFactory(first_name="John", last_name="Doe")
    did = PersonFactory(first_name="John", last_name="Did")
    response = post_csv(admin_client, tvshow, "shots", "shots_assignations.csv")
    assert response.status_code == 201, response.json()
    task = Task.objects.get(entity__name="S01", task_type__name="Animation")
    assert set(task.assignees.all()) == {john, did}
    assert not Task.objects.get(entity__name="S02", task_type__name="Animation").assignees.exists()
    assert not Comment.objects.exists()
    post_csv(admin_client, tvshow, "shots", "shots_assignations.csv", query="?update=true")
    assert task.assignees.count() == 2


def test_shots_unknown_assignee(admin_client, tvshow):
    response = post_csv(admin_client, tvshow, "shots", "shots_assignations_unknown.csv")
    assert response.status_code == 400
    body = response.json()
    assert "Ghost Person" in body["message"]
    assert body["errors"][0]["column"] == "Animation assignations"
    assert not shots_of(tvshow).exists()


def test_shots_boolean_metadata(admin_client, tvshow):
    MetadataDescriptorFactory(
        project=tvshow, entity_type="Shot", name="Delivery", field_name="delivery", data_type="boolean"
    )
    response = post_csv(admin_client, tvshow, "shots", "shots_boolean_metadata.csv")
    assert response.status_code == 201, response.json()
    assert [row["data"]["delivery"] for row in response.json()] == ["true", ""]
    assert Task.objects.filter(project=tvshow).count() == 4


def test_shots_invalid_frame_count(admin_client, film):
    content = b"Sequence,Name,Nb Frames\nSQ1,SH1,many\nSQ2,SH2,10\n"
    response = post_csv(admin_client, film, "shots", "s.csv", content)
    assert response.status_code == 400
    assert response.json()["line_number"] == 2
    assert list(shots_of(film).values_list("name", flat=True)) == ["SH2"]
    # The sequence of the bad row was rolled back with it.
    assert not Entity.objects.filter(project=film, name="SQ1").exists()


def test_other_encoding_rejected(admin_client, film):
    content = "Type,Name\nProp,Léa\n".encode("latin-1")
    response = post_csv(admin_client, film, "assets", "a.csv", content)
    assert response.status_code == 400
    assert "UTF-8" in response.json()["message"]
    assert not assets_of(film).exists()


def test_undetermined_delimiter(admin_client, film):
    response = post_csv(admin_client, film, "assets", "a.csv", b"Name\nA\n")
    assert response.status_code == 400
    assert response.json()["message"].startswith("Could not determine delimiter")
    assert "line_number" not in response.json()


def test_missing_file(admin_client, film):
    response = admin_client.post(f"/api/import/csv/projects/{film.pk}/assets", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["message"]


def test_unknown_project(admin_client, todo):
    response = admin_client.post(
        "/api/import/csv/projects/00000000-0000-0000-0000-000000000000/shots",
        upload("shots.csv"),
        format="multipart",
    )
    assert response.status_code == 404


# ---- roles ---------------------------------------------------------------------


@pytest.mark.parametrize("route", ["assets", "shots"])
def test_team_manager_may_import(make_client, film, route):
    client = make_client("manager")
    ProjectPersonLinkFactory(project=film, person=client.person)
    name = "assets.csv" if route == "assets" else "shots_leading_zeros.csv"
    response = post_csv(client, film, route, name)
    assert response.status_code == 201


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_other_roles_refused(make_client, film, role):
    client = make_client(role)
    if role != "manager":
        ProjectPersonLinkFactory(project=film, person=client.person)
    response = post_csv(client, film, "assets", "assets.csv")
    assert response.status_code == 403
    assert not assets_of(film).exists()


def test_anonymous_refused(api_client, film):
    response = post_csv(api_client, film, "assets", "assets.csv")
    assert response.status_code == 401


# ---- queries -------------------------------------------------------------------


# ---- casting -------------------------------------------------------------------


@pytest.fixture
def casting_project(todo):
    project = ProjectFactory(production_type="tvshow")
    assets = {}
    for type_name, names in (
        ("Environment", ("Lake", "Mine")),
        ("Props", ("Boat", "Pool", "Flowers", "Block", "Wagon")),
        ("Character", ("Victor", "John")),
    ):
        entity_type = EntityTypeFactory(name=type_name)
        for name in names:
            assets[name] = EntityFactory(project=project, entity_type=entity_type, name=name)
    episode_type = EntityTypeFactory(name="Episode")
    sequence_type = EntityTypeFactory(name="Sequence")
    shot_type = EntityTypeFactory(name="Shot")
    shots = {}
    for episode_name, sequence_name, shot_name in (
        ("E01", "SEQ01", "SH01"),
        ("E01", "SEQ01", "SH02"),
        ("E01", "SEQ02", "SH01"),
        ("E02", "SEQ01", "SH01"),
    ):
        episode, _ = Entity.objects.get_or_create(project=project, entity_type=episode_type, name=episode_name)
        sequence, _ = Entity.objects.get_or_create(
            project=project, entity_type=sequence_type, name=sequence_name, parent=episode
        )
        shots[f"{episode_name}/{sequence_name}/{shot_name}"] = EntityFactory(
            project=project, entity_type=shot_type, name=shot_name, parent=sequence
        )
    return project, assets, shots


def links_of(project):
    return {
        (link.entity_in.name, link.entity_in.parent.name if link.entity_in.parent else "", link.entity_out.name): (
            link.nb_occurences,
            link.label,
        )
        for link in EntityLink.objects.filter(entity_in__project=project).select_related(
            "entity_in__parent", "entity_out"
        )
    }


def test_casting_fixture(admin_client, casting_project):
    project, assets, shots = casting_project
    response = post_csv(admin_client, project, "casting", "casting.csv")
    assert response.status_code == 201, response.json()
    assert response.json() == [None] * 14
    assert EntityLink.objects.filter(entity_in__project=project).count() == 18
    links = links_of(project)
    assert links[("Lake", "", "Flowers")] == (12, "setdress")
    assert links[("Mine", "", "Wagon")] == (3, "setdress")
    assert links[("SH01", "SEQ01", "John")] == (1, "animate")
    assert ("E01", "", "Lake") in links
    assert ("E02", "", "Mine") in links
    shots["E01/SEQ01/SH01"].refresh_from_db()
    assert shots["E01/SEQ01/SH01"].nb_entities_out == 2
    assets["Lake"].refresh_from_db()
    assert assets["Lake"].nb_entities_out == 3
    response = post_csv(admin_client, project, "casting", "casting.csv")
    assert response.status_code == 201
    assert EntityLink.objects.filter(entity_in__project=project).count() == 18


def test_casting_invalid_occurences(admin_client, casting_project):
    project, _, _ = casting_project
    content = b"Episode,Parent,Name,Asset Type,Asset,Occurences,Label\n,Environment,Lake,Props,Boat,many,x\n"
    response = post_csv(admin_client, project, "casting", "c.csv", content)
    assert response.status_code == 400
    assert response.json()["line_number"] == 2
    assert response.json()["errors"][0]["column"] == "Occurences"
    assert not EntityLink.objects.exists()


def test_casting_missing_column(admin_client, casting_project):
    project, _, _ = casting_project
    response = post_csv(admin_client, project, "casting", "c.csv", b"Parent,Name,Asset\nA,B,C\n")
    assert response.status_code == 400
    assert "'Asset Type'" in response.json()["message"]


def test_casting_refused_to_artist(make_client, casting_project):
    project, _, _ = casting_project
    client = make_client("user")
    ProjectPersonLinkFactory(project=project, person=client.person)
    assert post_csv(client, project, "casting", "casting.csv").status_code == 403


# ---- estimations ---------------------------------------------------------------


@pytest.fixture
def estimation_setup(todo):
    project = ProjectFactory(production_type="tvshow")
    (layout,) = link_task_types(project, "Shot", "Layout")
    episode = EntityFactory(project=project, entity_type=EntityTypeFactory(name="Episode"), name="E01")
    sequence = EntityFactory(
        project=project, entity_type=EntityTypeFactory(name="Sequence"), name="SQ01", parent=episode
    )
    shot = EntityFactory(project=project, entity_type=EntityTypeFactory(name="Shot"), name="SH010", parent=sequence)
    task = Task.objects.create(project=project, entity=shot, task_type=layout, task_status=todo, name="main")
    return project, layout, episode, task


def estimations_url(project, task_type, episode=None):
    middle = f"/episodes/{episode.pk}" if episode else ""
    return f"/api/import/csv/projects/{project.pk}{middle}/task-types/{task_type.pk}/estimations"


def test_estimations_set_task_fields(admin_client, estimation_setup):
    project, layout, _, task = estimation_setup
    content = b"Parent;Entity;Estimation;Start date;Due date;Difficulty\nSQ01;SH010;3;2025-03-03;2025-03-05;4\n"
    response = admin_client.post(estimations_url(project, layout), upload("e.csv", content), format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json() == [None]
    task.refresh_from_db()
    assert task.estimation == 3 * 8 * 60
    assert task.difficulty == 4
    assert task.start_date.date().isoformat() == "2025-03-03"
    assert task.due_date.date().isoformat() == "2025-03-05"


def test_estimations_due_date_from_business_days(admin_client, estimation_setup):
    project, layout, episode, task = estimation_setup
    content = b"Parent,Entity,Estimation,Start date\nSQ01,SH010,3,2025-03-07\n"
    url = estimations_url(project, layout, episode)
    response = admin_client.post(url, upload("e.csv", content), format="multipart")
    assert response.status_code == 201
    task.refresh_from_db()
    # Friday plus two business days is the next Tuesday.
    assert task.due_date.date().isoformat() == "2025-03-11"


def test_estimations_unknown_entity_and_bad_date(admin_client, estimation_setup):
    project, layout, _, task = estimation_setup
    content = b"Parent,Entity,Estimation,Start date\nSQ01,NOPE,2,\nSQ01,SH010,2,03/03/2025\nSQ01,SH010,1,\n"
    response = admin_client.post(estimations_url(project, layout), upload("e.csv", content), format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert [error["line"] for error in body["errors"]] == [2, 3]
    assert "NOPE" in body["errors"][0]["message"]
    assert body["errors"][1]["column"] == "Start date"
    task.refresh_from_db()
    assert task.estimation == 480


def test_estimations_unknown_ids(admin_client, estimation_setup):
    project, layout, _, _ = estimation_setup
    unknown = "00000000-0000-0000-0000-000000000000"
    base = f"/api/import/csv/projects/{project.pk}"
    response = admin_client.post(f"{base}/task-types/{unknown}/estimations", upload("shots.csv"), format="multipart")
    assert response.status_code == 404
    url = f"{base}/episodes/{unknown}/task-types/{layout.pk}/estimations"
    assert admin_client.post(url, upload("shots.csv"), format="multipart").status_code == 404


def test_estimations_refused_to_supervisor(make_client, estimation_setup):
    project, layout, _, _ = estimation_setup
    client = make_client("supervisor")
    ProjectPersonLinkFactory(project=project, person=client.person)
    response = client.post(estimations_url(project, layout), upload("shots.csv"), format="multipart")
    assert response.status_code == 403


# ---- edits ---------------------------------------------------------------------


def test_edits_imported_with_tasks(admin_client, tvshow, wip):
    (conform,) = link_task_types(tvshow, "Edit", "Conform")
    content = b"Episode,Name,Description,Conform\nE01,Trailer,Cut 1,wip\nE01,Teaser,,\n"
    response = post_csv(admin_client, tvshow, "edits", "e.csv", content)
    assert response.status_code == 201, response.json()
    assert [row["name"] for row in response.json()] == ["Trailer", "Teaser"]
    trailer = Entity.objects.get(project=tvshow, name="Trailer")
    assert trailer.parent.name == "E01"
    assert Task.objects.get(entity=trailer, task_type=conform).task_status == wip
    assert Task.objects.filter(project=tvshow, task_type=conform).count() == 2


def test_edits_episode_in_feature_film(admin_client, film):
    response = post_csv(admin_client, film, "edits", "e.csv", b"Episode,Name\nE01,Trailer\n")
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "Episode"


# ---- persons -------------------------------------------------------------------


def post_persons(client, name, content=None, query=""):
    return client.post(f"/api/import/csv/persons{query}", upload(name, content), format="multipart")


def test_persons_fixture(admin_client):
    from accounts.models import Person
    from tests.factories import DepartmentFactory, StudioFactory

    animation = DepartmentFactory(name="Animation")
    modeling = DepartmentFactory(name="Modeling")
    studio = StudioFactory(name="Test Studio")
    response = post_persons(admin_client, "persons.csv")
    assert response.status_code == 201, response.json()
    assert [row["email"] for row in response.json()] == ["john.doe@example.com", "ema.doe@example.com"]
    assert "password" not in response.json()[0]
    john = Person.objects.get(email="john.doe@example.com")
    assert (john.role, john.contract_type, john.active, john.phone) == ("user", "open-ended", True, "+33 6 08 08 08 08")
    assert (john.position, john.seniority, john.daily_salary, john.studio) == ("lead", "senior", 320, studio)
    assert set(john.departments.all()) == {animation, modeling}
    assert not john.has_usable_password()
    ema = Person.objects.get(email="ema.doe@example.com")
    assert (ema.role, ema.contract_type, ema.active, ema.seniority) == ("supervisor", "freelance", False, "junior")
    changed = (FIXTURES / "persons.csv").read_bytes().replace(b"+33 6 08 08 08 09", b"+33 1 00 00 00 00")
    post_persons(admin_client, "p.csv", changed)
    ema.refresh_from_db()
    assert ema.phone == "+33 6 08 08 08 09"
    post_persons(admin_client, "p.csv", changed, "?update=true")
    ema.refresh_from_db()
    assert ema.phone == "+33 1 00 00 00 00"
    assert Person.objects.filter(email__endswith="doe@example.com").count() == 2


def test_persons_unknown_role(admin_client):
    from accounts.models import Person

    content = b"First Name,Last Name,Email,Role\nA,B,a.b@example.com,Boss\nC,D,c.d@example.com,Artist\n"
    response = post_persons(admin_client, "p.csv", content)
    assert response.status_code == 400
    assert response.json()["message"] == "A value is invalid: Role: Boss."
    assert response.json()["line_number"] == 2
    assert not Person.objects.filter(email="a.b@example.com").exists()
    assert Person.objects.filter(email="c.d@example.com").exists()


def test_persons_unknown_department(admin_client):
    content = b"First Name,Last Name,Email,Departments\nA,B,a.b@example.com,Nowhere\n"
    response = post_persons(admin_client, "p.csv", content)
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "Departments"


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_persons_admin_only(make_client, role):
    response = post_persons(make_client(role), "persons.csv")
    assert response.status_code == 403


# ---- management command --------------------------------------------------------


def test_command_imports_shots(film):
    from io import StringIO

    from django.core.management import call_command

    PersonFactory(role="admin")
    output = StringIO()
    call_command("import_csv", "shots", str(FIXTURES / "shots_leading_zeros.csv"), project=film.name, stdout=output)
    assert "5 created" in output.getvalue()
    assert shots_of(film).count() == 5


def test_command_prints_bad_rows(film):
    from io import StringIO

    from django.core.management import call_command

    PersonFactory(role="admin")
    output = StringIO()
    path = str(FIXTURES / "assets_empty_type.csv")
    call_command("import_csv", "assets", path, project=str(film.pk), stdout=output)
    assert "line 3 (Type): The asset type is missing" in output.getvalue()


def test_command_unknown_project(db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no project"):
        call_command("import_csv", "shots", str(FIXTURES / "shots.csv"), project="Nope")


def test_queued_job_returns_202(admin_client, film, monkeypatch, settings):
    # With a broker the job waits for a worker, so the response is the queued job.
    monkeypatch.setitem(run_import_job.app.conf, "task_always_eager", False)
    settings.KITSU_IMPORTS_IN_WORKERS = True
    response = post_csv(admin_client, film, "assets", "assets.csv")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["kind"] == "csv-assets"
    assert not assets_of(film).exists()
    followed = admin_client.get(f"/api/data/import-jobs/{body['id']}")
    assert followed.json()["status"] == "queued"


# ---- tasks of entities that already exist --------------------------------------------------


def existing_hero(film):
    hero = EntityFactory(project=film, entity_type=EntityTypeFactory(name="Character"), name="Hero")
    modeling = TaskType.objects.get(name="Modeling")
    TaskFactory(project=film, entity=hero, task_type=modeling)
    return hero


def test_existing_entity_without_update_keeps_tasks(admin_client, film, wip):
    hero = existing_hero(film)
    content = b"Type,Name,Shading\nCharacter,Hero,wip\n"
    response = post_csv(admin_client, film, "assets", "assets.csv", content)
    assert response.status_code == 201
    assert Task.objects.filter(entity=hero).count() == 1


def test_update_empty_status_cells_add_no_tasks(admin_client, film):
    hero = existing_hero(film)
    content = b"Type,Name,Modeling,Shading,Rigging\nCharacter,Hero,,,\n"
    response = post_csv(admin_client, film, "assets", "assets.csv", content, query="?update=true")
    assert response.status_code == 201
    assert Task.objects.filter(entity=hero).count() == 1


def test_update_filled_status_cell_adds_task(admin_client, film, wip):
    hero = existing_hero(film)
    content = b"Type,Name,Modeling,Shading\nCharacter,Hero,,wip\n"
    response = post_csv(admin_client, film, "assets", "assets.csv", content, query="?update=true")
    assert response.status_code == 201
    shading = Task.objects.get(entity=hero, task_type__name="Shading")
    assert shading.task_status == wip
    assert Task.objects.filter(entity=hero).count() == 2


@pytest.mark.parametrize("flag", ["strict", "update"])
def test_invalid_flag_rejected(admin_client, film, flag):
    response = post_csv(admin_client, film, "assets", "assets.csv", b"Type,Name\nCharacter,Hero\n", f"?{flag}=maybe")
    assert response.status_code == 400
    assert response.json()["message"].startswith(f"{flag}:")
    assert not ImportJob.objects.exists()
