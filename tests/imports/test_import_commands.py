"""The import commands: `import_edit`, and `--strict` and `--person` of `import_shotgun`."""

import json
from io import StringIO
from pathlib import Path

import opentimelineio as otio
import pytest
from django.core.management import CommandError, call_command

from imports.models import DataImportError, ImportJob
from productions.models import Entity, Project
from productions.services import structure
from tests import factories

pytestmark = pytest.mark.django_db

EDL_FIXTURES = Path(__file__).parent / "fixtures" / "edl"
SHOTGUN_FIXTURES = Path(__file__).parent / "fixtures" / "shotgun"

GOOD_PROJECT = {"id": 901, "name": "Strict Good", "sg_status": "Active"}
NO_ID_PROJECT = {"name": "No id", "sg_status": "Active"}


def run(*args, **options):
    """Run a command and return what it wrote to stdout."""
    output = StringIO()
    call_command(*args, stdout=output, **options)
    return output.getvalue()


def otio_file(folder, clip_names, duration=10, name="cut.otio"):
    """Write an OTIO timeline with one video track of clips `duration` frames long at 24 fps, and return its path."""
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for clip_name in clip_names:
        source_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, 24.0), otio.opentime.RationalTime(duration, 24.0)
        )
        track.append(otio.schema.Clip(name=clip_name, source_range=source_range))
    timeline = otio.schema.Timeline(name="cut")
    timeline.tracks.append(track)
    path = folder / name
    path.write_text(otio.adapters.write_to_string(timeline, "otio_json"))
    return path


def shot_names(project):
    shots = Entity.objects.filter(project=project, entity_type__name="Shot").select_related("parent")
    return sorted(f"{shot.parent.name}/{shot.name}" for shot in shots)


def entity_count(project):
    return Entity.objects.filter(project=project).count()


@pytest.fixture
def admin():
    return factories.PersonFactory(role="admin")


@pytest.fixture
def film(admin):
    return factories.ProjectFactory(name="TestProject", fps="24", production_type="featurefilm")


@pytest.fixture
def edl_film(admin):
    return factories.ProjectFactory(name="TestProject", fps="25", production_type="featurefilm")


@pytest.fixture
def tv_show(admin):
    return factories.ProjectFactory(name="TestProject", fps="24", production_type="tvshow")


@pytest.fixture
def episode(tv_show):
    created, _ = structure.episode_create(project=tv_show, name="E01")
    return created


# ---- import_edit: success ------------------------------------------------------------------


def test_edit_command_otio_fixture(film):
    output = run("import_edit", str(EDL_FIXTURES / "timeline_3clips_2seq.otio"), project="TestProject")
    assert "created SQ010/SH010 (0-47)" in output
    assert "created SQ020/SH010 (144-239)" in output
    assert "3 created, 0 updated, 0 skipped" in output
    assert shot_names(film) == ["SQ010/SH010", "SQ010/SH020", "SQ020/SH010"]


def test_edit_command_edl_frame_offset(edl_film):
    output = run("import_edit", str(EDL_FIXTURES / "tc_offset.edl"), project=str(edl_film.pk), frame_offset=1001)
    assert "created SQ010/sc010 (1001-1130)" in output
    assert entity_count(edl_film) == 5


def test_edit_command_job_fields(film, admin):
    run("import_edit", str(EDL_FIXTURES / "timeline_3clips_2seq.otio"), project="TestProject", strict=True)
    job = ImportJob.objects.get(kind="otio")
    assert job.status == ImportJob.STATUS_SUCCEEDED
    assert job.strict is True
    assert job.person == admin
    assert job.project == film
    assert job.options["naming_convention"] == "${project_name}_${sequence_name}-${shot_name}"


def test_edit_command_updates_shots(film):
    path = str(EDL_FIXTURES / "timeline_3clips_2seq.otio")
    run("import_edit", path, project="TestProject")
    output = run("import_edit", path, project="TestProject")
    assert "updated SQ010/SH020 (48-119)" in output
    assert "0 created, 3 updated" in output


def test_edit_command_person_option(film, tmp_path):
    editor = factories.PersonFactory(email="editor@example.com")
    run("import_edit", str(otio_file(tmp_path, ["TestProject_SQ01-SH01"])), project="TestProject",
        person="EDITOR@example.com")  # fmt: skip
    assert ImportJob.objects.get(kind="otio").person == editor
    assert Entity.objects.get(project=film, name="SH01").created_by == editor


def test_edit_command_oldest_admin(film, admin, tmp_path):
    factories.PersonFactory(role="admin")
    run("import_edit", str(otio_file(tmp_path, ["TestProject_SQ01-SH01"])), project="TestProject")
    assert ImportJob.objects.get(kind="otio").person == admin


def test_edit_command_no_match_case(film, tmp_path):
    path = otio_file(tmp_path, ["testproject_SQ01-SH01"])
    run("import_edit", str(path), project="TestProject", match_case=False)
    assert shot_names(film) == ["SQ01/SH01"]


def test_edit_command_naming_convention(film, tmp_path):
    path = otio_file(tmp_path, ["SQ01_SH01"])
    run("import_edit", str(path), project="TestProject", naming_convention="${sequence_name}_${shot_name}")
    assert shot_names(film) == ["SQ01/SH01"]


def test_edit_command_episode(tv_show, episode, tmp_path):
    path = otio_file(tmp_path, ["TestProject_E01-SQ01-SH01"])
    run("import_edit", str(path), project="TestProject", episode="E01")
    shot = Entity.objects.get(project=tv_show, name="SH01")
    assert shot.parent.parent == episode


# ---- import_edit: bad clips ----------------------------------------------------------------


def test_edit_command_prints_bad_clips(film, tmp_path):
    path = otio_file(tmp_path, ["TestProject_SQ01-SH01", "no convention here"])
    output = run("import_edit", str(path), project="TestProject")
    assert "clip 2 (name): clip 'no convention here' does not follow the naming convention" in output
    assert shot_names(film) == ["SQ01/SH01"]


def test_edit_command_strict_failure(film, tmp_path):
    before = entity_count(film)
    path = otio_file(tmp_path, ["TestProject_SQ01-SH01", "no convention here"])
    with pytest.raises(CommandError, match="nothing was imported: clip 'no convention here'"):
        run("import_edit", str(path), project="TestProject", strict=True)
    assert entity_count(film) == before
    assert ImportJob.objects.get(kind="otio").status == ImportJob.STATUS_FAILED


def test_edit_command_strict_broken_edl(edl_film, tmp_path):
    text = (EDL_FIXTURES / "tc_offset.edl").read_text()
    path = tmp_path / "broken.edl"
    path.write_text(text.replace("TestProject_SQ020-sc030.mp4", "unnamed_clip.mp4"))
    with pytest.raises(CommandError, match="unnamed_clip"):
        run("import_edit", str(path), project="TestProject", strict=True)
    assert entity_count(edl_film) == 0


def test_edit_command_all_clips_bad(film, tmp_path):
    path = otio_file(tmp_path, ["nothing", "matches"])
    with pytest.raises(CommandError, match="no clip was imported"):
        run("import_edit", str(path), project="TestProject")
    assert entity_count(film) == 0


# ---- import_edit: bad arguments --------------------------------------------------------------


def test_edit_command_unknown_project(film):
    with pytest.raises(CommandError, match="no project named or with the id 'Nope'"):
        run("import_edit", str(EDL_FIXTURES / "tc_offset.edl"), project="Nope")
    assert not ImportJob.objects.exists()


def test_edit_command_project_required(film):
    with pytest.raises(CommandError, match="--project"):
        run("import_edit", str(EDL_FIXTURES / "tc_offset.edl"))


def test_edit_command_unknown_file(film, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("import_edit", str(tmp_path / "missing.otio"), project="TestProject")
    assert not ImportJob.objects.exists()


def test_edit_command_bad_extension(film, tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text("a,b\n")
    with pytest.raises(CommandError, match="the extension 'csv' is not supported"):
        run("import_edit", str(path), project="TestProject")


def test_edit_command_garbage_file(film, tmp_path):
    path = tmp_path / "cut.otio"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="^file: the file could not be read as OTIO"):
        run("import_edit", str(path), project="TestProject")
    assert not ImportJob.objects.exists()


def test_edit_command_bad_convention(film):
    with pytest.raises(CommandError, match=r"^naming_convention: must contain \$\{shot_name\}"):
        run("import_edit", str(EDL_FIXTURES / "tc_offset.edl"), project="TestProject",
            naming_convention="${sequence_name}")  # fmt: skip


def test_edit_command_tv_show_without_episode(tv_show, episode):
    with pytest.raises(CommandError, match="this project is a TV show: import into one of its episodes"):
        run("import_edit", str(EDL_FIXTURES / "timeline_3clips_2seq.otio"), project="TestProject")
    assert not ImportJob.objects.exists()


def test_edit_command_film_with_episode(film):
    structure.episode_create(project=film, name="E01")
    with pytest.raises(CommandError, match="this project is not a TV show"):
        run("import_edit", str(EDL_FIXTURES / "timeline_3clips_2seq.otio"), project="TestProject", episode="E01")


def test_edit_command_unknown_episode(tv_show, episode):
    with pytest.raises(CommandError, match="no episode in this project named or with the id 'E09'"):
        run("import_edit", str(EDL_FIXTURES / "timeline_3clips_2seq.otio"), project="TestProject", episode="E09")


def test_edit_command_unknown_person(film):
    with pytest.raises(CommandError, match="no person has the e-mail"):
        run("import_edit", str(EDL_FIXTURES / "timeline_3clips_2seq.otio"), project="TestProject",
            person="nobody@example.com")  # fmt: skip
    assert not ImportJob.objects.exists()


# ---- import_shotgun ------------------------------------------------------------------------------


def records_file(folder, records):
    path = folder / "records.json"
    path.write_text(json.dumps(records))
    return str(path)


def test_shotgun_command_strict_success(admin):
    output = run("import_shotgun", "projects", str(SHOTGUN_FIXTURES / "projects.json"), strict=True)
    assert "2 created" in output
    assert Project.objects.count() == 2
    assert ImportJob.objects.get(kind="shotgun-projects").strict is True


def test_shotgun_command_strict_failure(admin, tmp_path):
    path = records_file(tmp_path, [GOOD_PROJECT, NO_ID_PROJECT])
    with pytest.raises(CommandError, match="nothing was imported: the record has no integer ShotGrid id"):
        run("import_shotgun", "projects", path, strict=True)
    assert not Project.objects.exists()
    assert not DataImportError.objects.exists()


def test_shotgun_command_strict_failure_prints_errors(admin, tmp_path):
    path = records_file(tmp_path, [GOOD_PROJECT, NO_ID_PROJECT])
    output = StringIO()
    with pytest.raises(CommandError):
        call_command("import_shotgun", "projects", path, strict=True, stdout=output)
    assert "record 2: the record has no integer ShotGrid id (id=None)." in output.getvalue()


def test_shotgun_command_not_strict_skips(admin, tmp_path):
    output = run("import_shotgun", "projects", records_file(tmp_path, [GOOD_PROJECT, NO_ID_PROJECT]))
    assert "1 created, 0 updated, 1 skipped" in output
    assert Project.objects.count() == 1
    assert DataImportError.objects.count() == 1


def test_shotgun_command_person_option(admin):
    migrator = factories.PersonFactory(email="migrator@example.com")
    run("import_shotgun", "projects", str(SHOTGUN_FIXTURES / "projects.json"), person="migrator@example.com")
    assert ImportJob.objects.get(kind="shotgun-projects").person == migrator


def test_shotgun_command_oldest_admin(admin):
    factories.PersonFactory(role="admin")
    factories.PersonFactory(role="admin", active=False)
    run("import_shotgun", "projects", str(SHOTGUN_FIXTURES / "projects.json"))
    assert ImportJob.objects.get(kind="shotgun-projects").person == admin


def test_shotgun_command_without_admin(db):
    run("import_shotgun", "projects", str(SHOTGUN_FIXTURES / "projects.json"))
    assert ImportJob.objects.get(kind="shotgun-projects").person is None


def test_shotgun_command_unknown_person(admin):
    with pytest.raises(CommandError, match="no person has the e-mail 'nobody@example.com'"):
        run("import_shotgun", "projects", str(SHOTGUN_FIXTURES / "projects.json"), person="nobody@example.com")
    assert not ImportJob.objects.exists()


def test_shotgun_command_unknown_file(admin, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("import_shotgun", "projects", str(tmp_path / "missing.json"))


# ---- import_csv keeps its author rules -------------------------------------------------------


def test_csv_command_without_admin(db):
    factories.ProjectFactory(name="TestProject")
    with pytest.raises(CommandError, match="no active admin exists: pass --person EMAIL."):
        run("import_csv", "shots", str(Path(__file__).parent / "fixtures" / "csv" / "shots.csv"), project="TestProject")
