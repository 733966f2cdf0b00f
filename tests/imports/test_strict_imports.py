"""Strict mode of the ShotGrid and edit import routes: one bad record or clip means nothing is imported."""

from pathlib import Path

import opentimelineio as otio
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import DataImportError, ImportJob
from productions.models import Entity, EntityLink, Project
from productions.services import structure
from tests import factories

pytestmark = pytest.mark.django_db

EDL_FIXTURES = Path(__file__).parent / "fixtures" / "edl"
NOT_ADMIN_ROLES = ("manager", "supervisor", "user", "client", "vendor")
NOT_MANAGER_ROLES = ("supervisor", "user", "client", "vendor")

GOOD_PROJECT = {"id": 901, "name": "Strict Good", "sg_status": "Active"}
OTHER_PROJECT = {"id": 902, "name": "Strict Other", "sg_status": "Active"}
NO_ID_PROJECT = {"name": "No id", "sg_status": "Active"}


def post_shotgun(client, kind, body, query=""):
    return client.post(f"/api/import/shotgun/{kind}{query}", body, format="json")


def shotgun_counts():
    return (
        Project.objects.count(),
        Entity.objects.count(),
        EntityLink.objects.count(),
        DataImportError.objects.count(),
    )


# ---- ShotGrid: strict success and failure -----------------------------------------------


def test_shotgun_strict_success(admin_client):
    response = post_shotgun(admin_client, "projects", [GOOD_PROJECT, OTHER_PROJECT], "?strict=true")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()] == ["Strict Good", "Strict Other"]
    assert Project.objects.count() == 2
    job = ImportJob.objects.get(kind="shotgun-projects")
    assert job.strict is True
    assert job.status == ImportJob.STATUS_SUCCEEDED


def test_shotgun_strict_failure_writes_nothing(admin_client):
    before = shotgun_counts()
    response = post_shotgun(admin_client, "projects", [GOOD_PROJECT, NO_ID_PROJECT, OTHER_PROJECT], "?strict=true")
    assert response.status_code == 400
    assert shotgun_counts() == before


def test_shotgun_strict_failure_body(admin_client):
    response = post_shotgun(admin_client, "projects", [GOOD_PROJECT, NO_ID_PROJECT, "not a record"], "?strict=true")
    body = response.json()
    job = ImportJob.objects.get(kind="shotgun-projects")
    assert body["error"] is True
    assert body["message"] == "the record has no integer ShotGrid id (id=None)."
    assert [error["line"] for error in body["errors"]] == [2, 3]
    assert body["job_id"] == str(job.pk)


def test_shotgun_strict_failure_job_keeps_errors(admin_client):
    post_shotgun(admin_client, "projects", [GOOD_PROJECT, NO_ID_PROJECT], "?strict=true")
    job = ImportJob.objects.get(kind="shotgun-projects")
    assert job.status == ImportJob.STATUS_FAILED
    assert [error["line"] for error in job.errors] == [2]
    assert job.created_count == 0
    assert job.result == []


def test_shotgun_strict_failure_rolls_back_error_rows(admin_client):
    post_shotgun(admin_client, "projects", [GOOD_PROJECT, NO_ID_PROJECT], "?strict=true")
    assert not DataImportError.objects.exists()
    assert admin_client.get("/api/import/shotgun/errors").json() == []


def test_shotgun_strict_failure_keeps_updated_rows(admin_client):
    post_shotgun(admin_client, "projects", [GOOD_PROJECT])
    renamed = {**GOOD_PROJECT, "name": "Renamed"}
    response = post_shotgun(admin_client, "projects", [renamed, NO_ID_PROJECT], "?strict=true")
    assert response.status_code == 400
    assert Project.objects.get(shotgun_id=901).name == "Strict Good"


def test_shotgun_strict_failure_links(admin_client):
    # Entities and casting links written before the bad record are rolled back too.
    post_shotgun(admin_client, "projects", [GOOD_PROJECT])
    project = {"type": "Project", "id": 901}
    asset = {"id": 911, "code": "Rock", "description": None, "project": project, "sg_asset_type": "Prop"}
    post_shotgun(admin_client, "assets", [asset])
    shot = {"id": 912, "code": "SH01", "project": project, "assets": [{"type": "Asset", "id": 911}]}
    lost = {"id": 913, "code": "SH02", "project": {"type": "Project", "id": 999}}
    before = shotgun_counts()
    response = post_shotgun(admin_client, "shots", [shot, lost], "?strict=true")
    assert response.status_code == 400
    assert "no imported project has ShotGrid id 999" in response.json()["message"]
    assert shotgun_counts() == before


def test_shotgun_strict_failure_drops_pending_links(admin_client):
    post_shotgun(admin_client, "projects", [GOOD_PROJECT])
    project = {"type": "Project", "id": 901}
    waiting = {"id": 921, "code": "SH01", "project": project, "sg_sequence": {"type": "Sequence", "id": 922}}
    response = post_shotgun(admin_client, "shots", [waiting, NO_ID_PROJECT], "?strict=true")
    assert response.status_code == 400
    job = ImportJob.objects.get(kind="shotgun-shots")
    assert "pending" not in job.options


@pytest.mark.django_db(transaction=True)
def test_shotgun_strict_failure_then_target_imports(make_client):
    # Real commits: the foreign keys are checked when the job's transaction commits.
    client = make_client("admin")
    post_shotgun(client, "projects", [GOOD_PROJECT])
    project = {"type": "Project", "id": 901}
    waiting = {"id": 931, "code": "SH01", "project": project, "assets": [{"type": "Asset", "id": 932}]}
    post_shotgun(client, "shots", [waiting, NO_ID_PROJECT], "?strict=true")
    asset = {"id": 932, "code": "Rock", "description": None, "project": project, "sg_asset_type": "Prop"}
    response = post_shotgun(client, "assets", [asset])
    assert response.status_code == 200
    assert Entity.objects.filter(shotgun_id=932).exists()


# ---- ShotGrid: without strict, as before ---------------------------------------------------


@pytest.mark.parametrize("query", ["", "?strict=false", "?strict=0"])
def test_shotgun_not_strict_skips_bad_records(admin_client, query):
    response = post_shotgun(admin_client, "projects", [GOOD_PROJECT, NO_ID_PROJECT], query)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()] == ["Strict Good"]
    assert Project.objects.count() == 1


def test_shotgun_not_strict_keeps_error_rows(admin_client):
    post_shotgun(admin_client, "projects", [GOOD_PROJECT, NO_ID_PROJECT])
    assert DataImportError.objects.filter(source="shotgun").count() == 1
    job = ImportJob.objects.get(kind="shotgun-projects")
    assert job.status == ImportJob.STATUS_SUCCEEDED
    assert job.strict is False


# ---- ShotGrid: bad flag, permissions ----------------------------------------------------


@pytest.mark.parametrize("value", ["maybe", "2", "truthy"])
def test_shotgun_bad_strict_value(admin_client, value):
    response = post_shotgun(admin_client, "projects", [GOOD_PROJECT], f"?strict={value}")
    assert response.status_code == 400
    assert response.json()["message"].startswith("strict:")
    assert not ImportJob.objects.exists()
    assert not Project.objects.exists()


@pytest.mark.parametrize("role", NOT_ADMIN_ROLES)
def test_shotgun_strict_admins_only(make_client, role):
    response = post_shotgun(make_client(role), "projects", [GOOD_PROJECT], "?strict=true")
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_shotgun_strict_anonymous(api_client):
    assert post_shotgun(api_client, "projects", [GOOD_PROJECT], "?strict=true").status_code == 401


# ---- edits: helpers --------------------------------------------------------------------


def fixture_bytes(name):
    return (EDL_FIXTURES / name).read_bytes()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def otio_timeline(clip_names, rate=24.0, duration=10):
    """Build an OTIO JSON timeline with one video track of clips `duration` frames long."""
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for name in clip_names:
        source_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(duration, rate)
        )
        track.append(otio.schema.Clip(name=name, source_range=source_range))
    timeline = otio.schema.Timeline(name="cut")
    timeline.tracks.append(track)
    return otio.adapters.write_to_string(timeline, "otio_json").encode()


def broken_edl():
    """The tc_offset.edl fixture with its second clip renamed so that it follows no naming convention."""
    text = fixture_bytes("tc_offset.edl").decode()
    return text.replace("TestProject_SQ010-sc020.mp4", "unnamed_clip.mp4").encode()


def post_edit(client, project, name, content, episode=None, query="", **fields):
    path = f"/api/import/otio/projects/{project.pk}"
    if episode is not None:
        path += f"/episodes/{episode.pk}"
    return client.post(path + query, {"file": upload(name, content), **fields}, format="multipart")


def entity_count(project):
    return Entity.objects.filter(project=project).count()


def shot_frames(project):
    """Map "SEQ/SHOT" to (frame_in, frame_out, nb_frames) for every shot of the project."""
    shots = Entity.objects.filter(project=project, entity_type__name="Shot").select_related("parent")
    return {
        f"{shot.parent.name}/{shot.name}": (shot.data.get("frame_in"), shot.data.get("frame_out"), shot.nb_frames)
        for shot in shots
    }


@pytest.fixture
def film():
    return factories.ProjectFactory(name="TestProject", fps="24", production_type="featurefilm")


@pytest.fixture
def edl_film():
    return factories.ProjectFactory(name="TestProject", fps="25", production_type="featurefilm")


@pytest.fixture
def tv_show():
    return factories.ProjectFactory(name="TestProject", fps="24", production_type="tvshow")


@pytest.fixture
def episode(tv_show):
    created, _ = structure.episode_create(project=tv_show, name="E01")
    return created


# ---- edits: strict success and failure -----------------------------------------------------


def test_edit_strict_otio_success(admin_client, film):
    content = fixture_bytes("timeline_3clips_2seq.otio")
    response = post_edit(admin_client, film, "cut.otio", content, query="?strict=true")
    assert response.status_code == 201, response.content
    assert len(response.json()["created_shots"]) == 3
    assert response.json()["errors"] == []
    assert ImportJob.objects.get(kind="otio").strict is True


def test_edit_strict_edl_success(admin_client, edl_film):
    response = post_edit(admin_client, edl_film, "cut.edl", fixture_bytes("tc_offset.edl"), strict="true")
    assert response.status_code == 201, response.content
    assert shot_frames(edl_film) == {
        "SQ010/sc010": (0, 129, 130),
        "SQ010/sc020": (130, 202, 73),
        "SQ020/sc030": (203, 376, 174),
    }


def test_edit_strict_edl_failure(admin_client, edl_film):
    before = entity_count(edl_film)
    response = post_edit(admin_client, edl_film, "cut.edl", broken_edl(), query="?strict=true")
    assert response.status_code == 400
    assert entity_count(edl_film) == before


def test_edit_strict_failure_body(admin_client, film):
    content = otio_timeline(["TestProject_SQ01-SH01", "no convention here", "TestProject_SQ01-SH02"])
    response = post_edit(admin_client, film, "cut.otio", content, query="?strict=true")
    body = response.json()
    job = ImportJob.objects.get(kind="otio")
    assert response.status_code == 400
    assert body["message"].startswith("clip 'no convention here' does not follow the naming convention")
    assert [(error["line"], error["column"]) for error in body["errors"]] == [(2, "name")]
    assert body["job_id"] == str(job.pk)
    assert job.status == ImportJob.STATUS_FAILED


def test_edit_strict_failure_writes_nothing(admin_client, film):
    before = entity_count(film)
    content = otio_timeline(["TestProject_SQ01-SH01", "no convention here", "TestProject_SQ02-SH01"])
    response = post_edit(admin_client, film, "cut.otio", content, query="?strict=true")
    assert response.status_code == 400
    assert entity_count(film) == before


def test_edit_strict_form_field(admin_client, film):
    content = otio_timeline(["TestProject_SQ01-SH01", "no convention here"])
    response = post_edit(admin_client, film, "cut.otio", content, strict="true")
    assert response.status_code == 400
    assert entity_count(film) == 0


def test_edit_strict_failure_keeps_ranges(admin_client, film):
    post_edit(admin_client, film, "cut.otio", otio_timeline(["TestProject_SQ01-SH01"], duration=10))
    longer = otio_timeline(["TestProject_SQ01-SH01", "no convention here"], duration=30)
    response = post_edit(admin_client, film, "cut.otio", longer, query="?strict=true")
    assert response.status_code == 400
    assert shot_frames(film) == {"SQ01/SH01": (0, 9, 10)}


def test_edit_strict_episode_route(admin_client, tv_show, episode):
    good = otio_timeline(["TestProject_E01-SQ01-SH01"])
    response = post_edit(admin_client, tv_show, "cut.otio", good, episode=episode, query="?strict=true")
    assert response.status_code == 201, response.content
    bad = otio_timeline(["TestProject_E01-SQ01-SH02", "TestProject_SQ01-SH03"])
    response = post_edit(admin_client, tv_show, "cut.otio", bad, episode=episode, query="?strict=true")
    assert response.status_code == 400
    assert sorted(shot_frames(tv_show)) == ["SQ01/SH01"]


# ---- edits: without strict, as before -----------------------------------------------------


@pytest.mark.parametrize("fields", [{}, {"strict": "false"}])
def test_edit_not_strict_skips_bad_clips(admin_client, film, fields):
    content = otio_timeline(["TestProject_SQ01-SH01", "no convention here"])
    response = post_edit(admin_client, film, "cut.otio", content, **fields)
    assert response.status_code == 201
    assert len(response.json()["created_shots"]) == 1
    assert len(response.json()["errors"]) == 1


def test_edit_not_strict_broken_edl(admin_client, edl_film):
    response = post_edit(admin_client, edl_film, "cut.edl", broken_edl())
    assert response.status_code == 201
    assert sorted(shot_frames(edl_film)) == ["SQ010/sc010", "SQ020/sc030"]


# ---- edits: bad flag, permissions ----------------------------------------------------------


def test_edit_bad_strict_query(admin_client, film):
    response = post_edit(
        admin_client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"), query="?strict=maybe"
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("strict:")
    assert not ImportJob.objects.exists()


def test_edit_bad_strict_field(admin_client, film):
    response = post_edit(admin_client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"), strict="maybe")
    assert response.status_code == 400
    assert response.json()["message"].startswith("strict:")
    assert entity_count(film) == 0


def test_edit_strict_query_and_field_disagree(admin_client, film):
    content = fixture_bytes("timeline_3clips_2seq.otio")
    response = post_edit(admin_client, film, "cut.otio", content, query="?strict=true", strict="false")
    assert response.status_code == 400
    assert response.json()["message"].startswith("strict:")
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("role", NOT_MANAGER_ROLES)
def test_edit_strict_other_roles_forbidden(make_client, film, role):
    content = fixture_bytes("timeline_3clips_2seq.otio")
    response = post_edit(make_client(role), film, "cut.otio", content, query="?strict=true")
    assert response.status_code == 403
    assert entity_count(film) == 0
