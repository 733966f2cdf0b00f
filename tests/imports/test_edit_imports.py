"""Edit imports: /import/otio/projects/{project_id} and its /episodes/{episode_id} form, with .otio and .edl files."""

from pathlib import Path

import opentimelineio as otio
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportJob
from imports.tasks import run_import_job
from productions.models import Entity, ProjectPersonLink, Task
from productions.services import structure
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "edl"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
NOT_MANAGER_ROLES = ("supervisor", "user", "client", "vendor")


def fixture_bytes(name):
    return (FIXTURES / name).read_bytes()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def otio_timeline(clip_names, rate=24.0, durations=None):
    """Build an OTIO JSON timeline with one video track whose clips follow each other."""
    durations = durations or [10] * len(clip_names)
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for name, duration in zip(clip_names, durations, strict=True):
        source_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(duration, rate)
        )
        track.append(otio.schema.Clip(name=name, source_range=source_range))
    timeline = otio.schema.Timeline(name="cut")
    timeline.tracks.append(track)
    return otio.adapters.write_to_string(timeline, "otio_json").encode()


@pytest.fixture
def film():
    return factories.ProjectFactory(name="TestProject", fps="24", production_type="featurefilm")


@pytest.fixture
def tv_show():
    return factories.ProjectFactory(name="TestProject", fps="24", production_type="tvshow")


@pytest.fixture
def episode(tv_show):
    created, _ = structure.episode_create(project=tv_show, name="E01")
    return created


def post_edit(client, project, name, content, episode=None, **fields):
    path = f"/api/import/otio/projects/{project.pk}"
    if episode is not None:
        path += f"/episodes/{episode.pk}"
    return client.post(path, {"file": upload(name, content), **fields}, format="multipart")


def shot_frames(project):
    """Map "SEQ/SHOT" to (frame_in, frame_out, nb_frames) for every shot of the project."""
    shots = Entity.objects.filter(project=project, entity_type__name="Shot").select_related("parent")
    return {
        f"{shot.parent.name}/{shot.name}": (shot.data.get("frame_in"), shot.data.get("frame_out"), shot.nb_frames)
        for shot in shots
    }


def sequence_names(project):
    return sorted(Entity.objects.filter(project=project, entity_type__name="Sequence").values_list("name", flat=True))


# ---- fixtures with their expected outcome ------------------------------------------


def test_otio_fixture_creates_shots(admin_client, film):
    response = post_edit(admin_client, film, "timeline_3clips_2seq.otio", fixture_bytes("timeline_3clips_2seq.otio"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["created_shots"]) == 3
    assert body["updated_shots"] == []
    assert body["errors"] == []
    assert sequence_names(film) == ["SQ010", "SQ020"]
    assert shot_frames(film) == {
        "SQ010/SH010": (0, 47, 48),
        "SQ010/SH020": (48, 119, 72),
        "SQ020/SH010": (144, 239, 96),
    }


def test_otio_fixture_rows_are_shots(admin_client, film):
    response = post_edit(admin_client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"))
    row = response.json()["created_shots"][0]
    assert row["type"] == "Shot"
    assert row["project_id"] == str(film.pk)
    assert row["nb_frames"] == 48
    assert row["data"] == {"frame_in": 0, "frame_out": 47}


def test_edl_fixture_rebased_frames(admin_client):
    project = factories.ProjectFactory(name="TestProject", fps="25", production_type="featurefilm")
    response = post_edit(admin_client, project, "tc_offset.edl", fixture_bytes("tc_offset.edl"))
    assert response.status_code == 201, response.content
    assert len(response.json()["created_shots"]) == 3
    assert sequence_names(project) == ["SQ010", "SQ020"]
    assert shot_frames(project) == {
        "SQ010/sc010": (0, 129, 130),
        "SQ010/sc020": (130, 202, 73),
        "SQ020/sc030": (203, 376, 174),
    }


def test_frame_offset_shifts_frames(admin_client):
    project = factories.ProjectFactory(name="TestProject", fps="25", production_type="featurefilm")
    response = post_edit(admin_client, project, "tc_offset.edl", fixture_bytes("tc_offset.edl"), frame_offset="1001")
    assert response.status_code == 201, response.content
    assert shot_frames(project) == {
        "SQ010/sc010": (1001, 1130, 130),
        "SQ010/sc020": (1131, 1203, 73),
        "SQ020/sc030": (1204, 1377, 174),
    }


def test_frames_rescaled_to_project_fps(admin_client):
    project = factories.ProjectFactory(name="TestProject", fps="25", production_type="featurefilm")
    content = otio_timeline(["TestProject_SQ01-SH01", "TestProject_SQ01-SH02"], rate=50.0, durations=[100, 50])
    response = post_edit(admin_client, project, "cut.otio", content)
    assert response.status_code == 201, response.content
    assert shot_frames(project) == {"SQ01/SH01": (0, 49, 50), "SQ01/SH02": (50, 74, 25)}


def test_new_shots_get_project_tasks(admin_client, film):
    shot_type = factories.TaskTypeFactory(for_entity="Shot")
    asset_type = factories.TaskTypeFactory(for_entity="Asset")
    factories.ProjectTaskTypeLinkFactory(project=film, task_type=shot_type)
    factories.ProjectTaskTypeLinkFactory(project=film, task_type=asset_type)
    factories.TaskStatusFactory(is_default=True)
    post_edit(admin_client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"))
    assert Task.objects.filter(project=film, task_type=shot_type).count() == 3
    assert Task.objects.filter(project=film, task_type=asset_type).count() == 0


def test_import_runs_as_job(admin_client, film):
    post_edit(admin_client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"))
    job = ImportJob.objects.get(kind="otio")
    assert job.status == ImportJob.STATUS_SUCCEEDED
    assert job.created_count == 3
    assert job.project_id == film.pk
    assert job.file_name == "cut.otio"
    assert job.options["naming_convention"] == "${project_name}_${sequence_name}-${shot_name}"


# ---- re-imports ---------------------------------------------------------------------


def test_reimport_updates_not_duplicates(admin_client, film):
    content = fixture_bytes("timeline_3clips_2seq.otio")
    post_edit(admin_client, film, "cut.otio", content)
    response = post_edit(admin_client, film, "cut.otio", content)
    assert response.status_code == 201
    body = response.json()
    assert body["created_shots"] == []
    assert len(body["updated_shots"]) == 3
    assert Entity.objects.filter(project=film, entity_type__name="Shot").count() == 3
    assert sequence_names(film) == ["SQ010", "SQ020"]


def test_reimport_writes_new_ranges(admin_client, film):
    post_edit(admin_client, film, "cut.otio", otio_timeline(["TestProject_SQ01-SH01"], durations=[10]))
    shot = Entity.objects.get(project=film, entity_type__name="Shot")
    shot.data = {**shot.data, "custom": "kept"}
    shot.save()
    post_edit(admin_client, film, "cut.otio", otio_timeline(["TestProject_SQ01-SH01"], durations=[30]))
    shot.refresh_from_db()
    assert shot.nb_frames == 30
    assert shot.data == {"frame_in": 0, "frame_out": 29, "custom": "kept"}


def test_reimport_other_project_name(admin_client):
    project = factories.ProjectFactory(name="Other", fps="25", production_type="featurefilm")
    content = fixture_bytes("tc_offset.edl")
    post_edit(admin_client, project, "tc_offset.edl", content)
    response = post_edit(admin_client, project, "tc_offset.edl", content)
    assert response.status_code == 201
    assert len(response.json()["updated_shots"]) == 3
    assert Entity.objects.filter(project=project, entity_type__name="Shot").count() == 3


def test_new_shot_in_existing_sequence(admin_client, film):
    post_edit(admin_client, film, "cut.otio", otio_timeline(["TestProject_SQ01-SH01"]))
    response = post_edit(
        admin_client, film, "cut.otio", otio_timeline(["TestProject_SQ01-SH01", "TestProject_SQ01-SH02"])
    )
    body = response.json()
    assert len(body["created_shots"]) == 1
    assert len(body["updated_shots"]) == 1
    assert sequence_names(film) == ["SQ01"]


def test_match_case_false_matches_lowercase(admin_client, film):
    post_edit(admin_client, film, "cut.otio", otio_timeline(["TestProject_SQ01-SH01"]))
    response = post_edit(admin_client, film, "cut.otio", otio_timeline(["testproject_sq01-sh01"]), match_case="false")
    body = response.json()
    assert body["created_shots"] == []
    assert len(body["updated_shots"]) == 1


def test_match_case_true_is_case_sensitive(admin_client, film):
    post_edit(admin_client, film, "cut.otio", otio_timeline(["TestProject_SQ01-SH01"]))
    response = post_edit(admin_client, film, "cut.otio", otio_timeline(["TestProject_sq01-sh01"]))
    assert len(response.json()["created_shots"]) == 1
    assert sequence_names(film) == ["SQ01", "sq01"]


def test_custom_naming_convention(admin_client, film):
    content = otio_timeline(["SQ05.SH0100"])
    response = post_edit(admin_client, film, "cut.otio", content, naming_convention="${sequence_name}.${shot_name}")
    assert response.status_code == 201, response.content
    assert shot_frames(film) == {"SQ05/SH0100": (0, 9, 10)}


# ---- TV shows and episodes -----------------------------------------------------------


def test_episode_route_creates_under_episode(admin_client, tv_show, episode):
    response = post_edit(
        admin_client,
        tv_show,
        "cut.otio",
        fixture_bytes("timeline_3clips_2seq.otio"),
        episode=episode,
        naming_convention="${project_name}_${sequence_name}-${shot_name}",
    )
    assert response.status_code == 201, response.content
    sequences = Entity.objects.filter(project=tv_show, entity_type__name="Sequence")
    assert sorted(sequence.parent_id for sequence in sequences) == [episode.pk, episode.pk]
    assert len(shot_frames(tv_show)) == 3


def test_episode_default_convention_with_episode_name(admin_client, tv_show, episode):
    content = otio_timeline(["TestProject_E01-SQ01-SH01"])
    response = post_edit(admin_client, tv_show, "cut.otio", content, episode=episode)
    assert response.status_code == 201, response.content
    assert shot_frames(tv_show) == {"SQ01/SH01": (0, 9, 10)}


def test_episode_default_convention_mismatch(admin_client, tv_show, episode):
    response = post_edit(admin_client, tv_show, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"), episode=episode)
    assert response.status_code == 400
    body = response.json()
    assert "naming convention" in body["message"]
    assert len(body["errors"]) == 3


def test_tv_show_without_episode_rejected(admin_client, tv_show):
    response = post_edit(admin_client, tv_show, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"))
    assert response.status_code == 400
    assert "episode_id" in response.json()["message"]


def test_film_with_episode_rejected(admin_client, film):
    other_episode, _ = structure.episode_create(project=film, name="E01")
    response = post_edit(
        admin_client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"), episode=other_episode
    )
    assert response.status_code == 400
    assert "not a TV show" in response.json()["message"]


# ---- bad input ------------------------------------------------------------------------


def test_unknown_extension_rejected(admin_client, film):
    response = post_edit(admin_client, film, "cut.csv", b"a,b\n1,2\n")
    assert response.status_code == 400
    assert "file" in response.json()["message"]
    assert not ImportJob.objects.exists()


def test_garbage_edl_rejected(admin_client, film):
    response = post_edit(admin_client, film, "cut.edl", b"this is not an edit decision list\n")
    assert response.status_code == 400
    assert response.json()["message"].startswith("file:")
    assert Entity.objects.filter(project=film).count() == 0


def test_garbage_otio_rejected(admin_client, film):
    response = post_edit(admin_client, film, "cut.otio", b"{not json")
    assert response.status_code == 400
    assert "OTIO" in response.json()["message"]


def test_otio_clip_not_timeline_rejected(admin_client, film):
    content = otio.adapters.write_to_string(otio.schema.Clip(name="TestProject_SQ01-SH01"), "otio_json").encode()
    response = post_edit(admin_client, film, "cut.otio", content)
    assert response.status_code == 400
    assert "not a Timeline" in response.json()["message"]


def test_missing_file_rejected(admin_client, film):
    response = admin_client.post(f"/api/import/otio/projects/{film.pk}", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["message"]


def test_bad_clip_names_reported(admin_client, film):
    content = otio_timeline(["TestProject_SQ01-SH01", "no convention here", "TestProject_SQ01-SH02"])
    response = post_edit(admin_client, film, "cut.otio", content)
    assert response.status_code == 201
    body = response.json()
    assert len(body["created_shots"]) == 2
    assert body["errors"] == [
        {
            "line": 2,
            "column": "name",
            "message": "clip 'no convention here' does not follow the naming convention "
            "'${project_name}_${sequence_name}-${shot_name}'.",
        }
    ]
    assert shot_frames(film)["SQ01/SH02"] == (20, 29, 10)


def test_all_clips_bad_rejected(admin_client, film):
    response = post_edit(admin_client, film, "cut.otio", otio_timeline(["nothing", "matches"]))
    assert response.status_code == 400
    assert response.json()["message"].startswith("No clip was imported")
    assert Entity.objects.filter(project=film).count() == 0


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"match_case": "maybe"}, "match_case"),
        ({"frame_offset": "ten"}, "frame_offset"),
        ({"naming_convention": "${sequence_name}"}, "naming_convention"),
        ({"naming_convention": "${project_name}_${seq}-${shot_name}"}, "naming_convention"),
    ],
)
def test_bad_options_rejected(admin_client, film, fields, key):
    response = post_edit(admin_client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"), **fields)
    assert response.status_code == 400
    assert response.json()["message"].startswith(f"{key}:")


# ---- unknown ids ----------------------------------------------------------------------


def test_unknown_project_not_found(admin_client):
    response = admin_client.post(
        f"/api/import/otio/projects/{UNKNOWN}", {"file": upload("cut.otio", b"{}")}, format="multipart"
    )
    assert response.status_code == 404


def test_malformed_project_id_rejected(admin_client):
    response = admin_client.post(
        "/api/import/otio/projects/nope", {"file": upload("cut.otio", b"{}")}, format="multipart"
    )
    assert response.status_code == 400


def test_unknown_episode_not_found(admin_client, tv_show):
    response = admin_client.post(
        f"/api/import/otio/projects/{tv_show.pk}/episodes/{UNKNOWN}",
        {"file": upload("cut.otio", fixture_bytes("timeline_3clips_2seq.otio"))},
        format="multipart",
    )
    assert response.status_code == 404


def test_episode_of_other_project_not_found(admin_client, tv_show):
    other_episode, _ = structure.episode_create(project=factories.ProjectFactory(production_type="tvshow"), name="E9")
    response = post_edit(
        admin_client, tv_show, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"), episode=other_episode
    )
    assert response.status_code == 404


# ---- roles ----------------------------------------------------------------------------


def test_manager_in_team_allowed(make_client, film):
    client = make_client("manager")
    ProjectPersonLink.objects.create(project=film, person=client.person)
    response = post_edit(client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"))
    assert response.status_code == 201


def test_manager_outside_team_forbidden(make_client, film):
    response = post_edit(make_client("manager"), film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"))
    assert response.status_code == 403
    assert not Entity.objects.filter(project=film).exists()


@pytest.mark.parametrize("role", NOT_MANAGER_ROLES)
def test_other_roles_forbidden(make_client, film, role):
    client = make_client(role)
    ProjectPersonLink.objects.create(project=film, person=client.person)
    response = post_edit(client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"))
    assert response.status_code == 403
    assert not Entity.objects.filter(project=film).exists()


def test_anonymous_rejected(api_client, film):
    response = post_edit(api_client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"))
    assert response.status_code == 401


def test_canceled_shot_updated_not_duplicated(admin_client, film):
    post_edit(admin_client, film, "cut.otio", otio_timeline(["TestProject_SQ01-SH01"]))
    Entity.objects.filter(project=film, name="SH01").update(canceled=True)
    response = post_edit(admin_client, film, "cut.otio", otio_timeline(["TestProject_SQ01-SH01"], durations=[20]))
    assert len(response.json()["updated_shots"]) == 1
    assert shot_frames(film) == {"SQ01/SH01": (0, 19, 20)}


def test_queued_job_accepted(admin_client, film, monkeypatch, settings):
    # With a broker the job waits for a worker, so the response is the queued job.
    monkeypatch.setitem(run_import_job.app.conf, "task_always_eager", False)
    settings.KITSU_IMPORTS_IN_WORKERS = True
    response = post_edit(admin_client, film, "cut.otio", fixture_bytes("timeline_3clips_2seq.otio"))
    assert response.status_code == 202
    job = ImportJob.objects.get(kind="otio")
    assert response.json()["id"] == str(job.pk)
    assert response.json()["status"] == ImportJob.STATUS_QUEUED
    assert not Entity.objects.filter(project=film).exists()
