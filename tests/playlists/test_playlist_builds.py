"""Playlist movie builds with real ffmpeg (Celery runs inline in tests), their job routes,
the download of the built movie and a project's build jobs."""

import shutil
import subprocess

import pytest

from kitsu_project.storage import delete_file, download_to, file_exists, save_file
from playlists.media import keys
from playlists.media.builds import STILL_SECONDS
from playlists.models import BuildJob, MediaJob, Playlist, PreviewFile
from playlists.services import playlist_builds
from playlists.services import playlists as playlist_services
from playlists.tasks import build_playlist
from productions.models import ApiEvent
from tests import factories
from tests.media_files import ffprobe_report, make_movie
from tests.playlists.test_playlists import join_team, make_preview, make_shot, shot_entry

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-4000-8000-000000000000"
# Sum of the parts against the built movie's length: parts are cut on whole frames and AAC frames.
DURATION_TOLERANCE = 0.2


# ---- helpers ------------------------------------------------------------------


def movie_with_sound(path, seconds):
    """A 320x180 test movie at 30 fps with a sine tone, to mix sound and silent parts."""
    subprocess.run(
        [
            shutil.which("ffmpeg"),
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=duration={seconds}:size=320x180:rate=30",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            str(path),
        ],
        check=True,
        timeout=120,
    )
    return path


def movie_preview(entity, movie_path, *, seconds):
    """A ready movie preview of a task of `entity` whose normalized movie is the file at `movie_path`."""
    preview = make_preview(entity, extension="mp4", store=False, is_movie=True, duration=seconds)
    save_file(keys.original_key(preview), movie_path.read_bytes())
    return preview


def build_url(playlist_id, query=""):
    return f"/api/data/playlists/{playlist_id}/build/mp4{query}"


def job_url(playlist_id, build_job_id, suffix=""):
    return f"/api/data/playlists/{playlist_id}/jobs/{build_job_id}{suffix}"


def built_movie(tmp_path, build_job):
    """Copy the stored movie of a build job to a local file and return its path."""
    path = tmp_path / f"built-{build_job.pk}.mp4"
    return download_to(playlist_services.build_key(build_job.pk), path)


def media_job_of(build_job):
    return MediaJob.objects.get(build_job=build_job)


@pytest.fixture
def project():
    return factories.ProjectFactory(production_type="tvshow", resolution="320x180", fps="25")


@pytest.fixture
def shot(project):
    return make_shot(project)


@pytest.fixture
def one_second_movie(tmp_path):
    return make_movie(tmp_path / "one.mp4", seconds=1, width=320, height=180, fps=24)


@pytest.fixture
def movie_playlist(project, shot, one_second_movie):
    """A playlist of one shot whose chosen preview is a one-second movie."""
    preview = movie_preview(shot, one_second_movie, seconds=1)
    return factories.PlaylistFactory(project=project, shots=[shot_entry(shot, preview)])


@pytest.fixture
def member(make_client, project):
    def factory(role):
        client = make_client(role)
        join_team(project, client.person)
        return client

    return factory


@pytest.fixture
def start_build(django_capture_on_commit_callbacks):
    """Factory: start_build(client, playlist) -> the response of the build route, with the build already run."""

    def start(client, playlist, query=""):
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(build_url(playlist.pk, query))

    return start


def succeeded_build(playlist):
    """A build job marked succeeded, with a small stored file standing for its movie."""
    build_job = factories.BuildJobFactory(playlist=playlist, status=BuildJob.STATUS_SUCCEEDED)
    save_file(playlist_services.build_key(build_job.pk), bytes(range(256)) * 4)
    return build_job


# ---- building ---------------------------------------------------------------------


def test_build_movies_and_picture(admin_client, project, shot, tmp_path, start_build):
    sequence = shot.parent
    first = movie_preview(shot, make_movie(tmp_path / "a.mp4", seconds=1, width=320, height=180, fps=24), seconds=1)
    second_shot = make_shot(project, "SH020", sequence=sequence)
    second = movie_preview(second_shot, movie_with_sound(tmp_path / "b.mp4", 2), seconds=2)
    third_shot = make_shot(project, "SH030", sequence=sequence)
    still = make_preview(third_shot)
    entries = [shot_entry(shot, first), shot_entry(second_shot, second), shot_entry(third_shot, still)]
    playlist = factories.PlaylistFactory(project=project, shots=entries)

    response = start_build(admin_client, playlist)

    assert response.status_code == 200
    assert response.json()["status"] == "running"
    assert response.json()["playlist_id"] == str(playlist.pk)
    build_job = BuildJob.objects.get(pk=response.json()["id"])
    assert build_job.status == BuildJob.STATUS_SUCCEEDED
    assert build_job.ended_at is not None
    report = ffprobe_report(built_movie(tmp_path, build_job))
    video = next(stream for stream in report["streams"] if stream["codec_type"] == "video")
    audio = next(stream for stream in report["streams"] if stream["codec_type"] == "audio")
    assert video["codec_name"] == "h264"
    assert (video["width"], video["height"]) == (320, 180)
    assert video["pix_fmt"] == "yuv420p"
    assert audio["codec_name"] == "aac"
    assert float(report["format"]["duration"]) == pytest.approx(1 + 2 + STILL_SECONDS, abs=DURATION_TOLERANCE)


def test_build_records_media_job(admin_client, movie_playlist, start_build):
    response = start_build(admin_client, movie_playlist, "?full=true")
    build_job = BuildJob.objects.get(pk=response.json()["id"])
    media_job = media_job_of(build_job)
    assert media_job.kind == MediaJob.KIND_PLAYLIST_BUILD
    assert media_job.status == MediaJob.STATUS_SUCCEEDED
    assert media_job.progress == 100
    assert media_job.person_id == admin_client.person.pk
    assert media_job.started_at is not None
    assert media_job.ended_at is not None
    assert media_job.error == ""
    assert "full=true" in media_job.log
    assert "encoded" in media_job.log


def test_build_sends_events(admin_client, movie_playlist, start_build):
    start_build(admin_client, movie_playlist)
    assert ApiEvent.objects.filter(name="build-job:new").count() == 1
    assert ApiEvent.objects.get(name="build-job:update").data["status"] == "succeeded"


def test_build_project_size_and_rate(admin_client, project, movie_playlist, tmp_path, start_build):
    project.resolution = "x240"
    project.fps = "30"
    project.save()
    build_job = BuildJob.objects.get(pk=start_build(admin_client, movie_playlist).json()["id"])
    report = ffprobe_report(built_movie(tmp_path, build_job))
    video = report["streams"][0]
    assert (video["width"], video["height"]) == (426, 240)
    assert video["r_frame_rate"] == "30/1"


def test_build_skips_unusable_entries(admin_client, project, shot, one_second_movie, tmp_path, start_build):
    good = movie_preview(shot, one_second_movie, seconds=1)
    sequence = shot.parent
    processing_shot = make_shot(project, "SH020", sequence=sequence)
    processing = make_preview(processing_shot, store=False, status=PreviewFile.STATUS_PROCESSING)
    missing_shot = make_shot(project, "SH030", sequence=sequence)
    missing = make_preview(missing_shot, store=False)
    broken_shot = make_shot(project, "SH040", sequence=sequence)
    broken = make_preview(broken_shot, extension="mp4", store=False, is_movie=True)
    save_file(keys.original_key(broken), b"this is not a movie")
    document_shot = make_shot(project, "SH050", sequence=sequence)
    document = make_preview(document_shot, extension="pdf", store=False)
    entries = [
        shot_entry(processing_shot, processing),
        shot_entry(shot, good),
        shot_entry(missing_shot, missing),
        shot_entry(broken_shot, broken),
        shot_entry(document_shot, document),
        shot_entry(make_shot(project, "SH060", sequence=sequence)),
    ]
    playlist = factories.PlaylistFactory(project=project, shots=entries)

    build_job = BuildJob.objects.get(pk=start_build(admin_client, playlist).json()["id"])

    assert build_job.status == BuildJob.STATUS_SUCCEEDED
    log = media_job_of(build_job).log
    assert log.count("skipped") == 5
    assert f"preview {processing.pk}" in log
    assert f"preview {missing.pk}" in log
    assert f"preview {broken.pk}" in log
    assert f"preview {document.pk}" in log
    assert "no preview is chosen" in log
    duration = float(ffprobe_report(built_movie(tmp_path, build_job))["format"]["duration"])
    assert duration == pytest.approx(1, abs=DURATION_TOLERANCE)


def test_build_skips_deleted_preview(admin_client, project, shot, one_second_movie, start_build):
    good = movie_preview(shot, one_second_movie, seconds=1)
    gone_shot = make_shot(project, "SH020", sequence=shot.parent)
    gone = make_preview(gone_shot)
    playlist = factories.PlaylistFactory(project=project, shots=[shot_entry(gone_shot, gone), shot_entry(shot, good)])
    PreviewFile.objects.filter(pk=gone.pk).delete()
    build_job = BuildJob.objects.get(pk=start_build(admin_client, playlist).json()["id"])
    assert build_job.status == BuildJob.STATUS_SUCCEEDED
    assert f"its preview {gone.pk} no longer exists" in media_job_of(build_job).log


def test_build_fails_without_usable_entry(admin_client, project, shot, start_build):
    broken = make_preview(shot, store=False, status=PreviewFile.STATUS_BROKEN)
    playlist = factories.PlaylistFactory(project=project, shots=[shot_entry(shot, broken)])
    response = start_build(admin_client, playlist)
    build_job = BuildJob.objects.get(pk=response.json()["id"])
    media_job = media_job_of(build_job)
    assert build_job.status == BuildJob.STATUS_FAILED
    assert build_job.ended_at is not None
    assert media_job.status == MediaJob.STATUS_FAILED
    assert media_job.ended_at is not None
    assert "No entry of the playlist" in media_job.error
    assert not file_exists(playlist_services.build_key(build_job.pk))


def test_build_fails_on_empty_playlist(admin_client, project, start_build):
    playlist = factories.PlaylistFactory(project=project, shots=[])
    build_job = BuildJob.objects.get(pk=start_build(admin_client, playlist).json()["id"])
    assert build_job.status == BuildJob.STATUS_FAILED


def test_build_fails_without_ffmpeg(admin_client, movie_playlist, settings, start_build):
    settings.KITSU_FFMPEG = "/nonexistent/ffmpeg"
    build_job = BuildJob.objects.get(pk=start_build(admin_client, movie_playlist).json()["id"])
    media_job = media_job_of(build_job)
    assert build_job.status == BuildJob.STATUS_FAILED
    assert "/nonexistent/ffmpeg" in media_job.error
    assert "KITSU_FFMPEG" in media_job.error


def test_build_unexpected_error_ends_job(admin_client, movie_playlist, monkeypatch, start_build):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(playlist_builds, "join_parts", explode)
    build_job = BuildJob.objects.get(pk=start_build(admin_client, movie_playlist).json()["id"])
    media_job = media_job_of(build_job)
    assert build_job.status == BuildJob.STATUS_FAILED
    assert media_job.status == MediaJob.STATUS_FAILED
    assert "disk on fire" in media_job.error
    assert media_job.ended_at is not None


def test_build_encoding_error_ends_job(admin_client, movie_playlist, settings, start_build):
    # ffprobe reads the part, then ffmpeg refuses the encoder options: the whole build fails with its reason.
    settings.KITSU_FFMPEG = shutil.which("false")
    build_job = BuildJob.objects.get(pk=start_build(admin_client, movie_playlist).json()["id"])
    media_job = media_job_of(build_job)
    assert build_job.status == BuildJob.STATUS_FAILED
    assert "Could not encode" in media_job.error


def test_build_broker_down_ends_job(admin_client, movie_playlist, monkeypatch, start_build):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(build_playlist, "delay", unreachable)
    build_job = BuildJob.objects.get(pk=start_build(admin_client, movie_playlist).json()["id"])
    media_job = media_job_of(build_job)
    assert build_job.status == BuildJob.STATUS_FAILED
    assert build_job.ended_at is not None
    assert media_job.status == MediaJob.STATUS_FAILED
    assert "Could not queue the build" in media_job.error


def test_run_build_job_twice(admin_client, movie_playlist, start_build):
    build_job = BuildJob.objects.get(pk=start_build(admin_client, movie_playlist).json()["id"])
    media_job = media_job_of(build_job)
    log = media_job.log
    playlist_builds.run_build_job(job_id=media_job.pk)
    media_job.refresh_from_db()
    assert media_job.log == log
    assert media_job.status == MediaJob.STATUS_SUCCEEDED


def test_run_build_job_again_after_failure(admin_client, movie_playlist, settings, start_build):
    settings.KITSU_FFMPEG = "/nonexistent/ffmpeg"
    build_job = BuildJob.objects.get(pk=start_build(admin_client, movie_playlist).json()["id"])
    settings.KITSU_FFMPEG = "ffmpeg"
    playlist_builds.run_build_job(job_id=media_job_of(build_job).pk)
    build_job.refresh_from_db()
    assert build_job.status == BuildJob.STATUS_SUCCEEDED
    assert media_job_of(build_job).error == ""


def test_run_build_job_unknown():
    assert playlist_builds.run_build_job(job_id=UNKNOWN) is None


# ---- GET /data/playlists/{id}/build/mp4 -----------------------------------------------------


def test_build_route_manager(member, movie_playlist, start_build):
    assert start_build(member("manager"), movie_playlist).status_code == 200


@pytest.mark.parametrize("role", ("supervisor", "user", "client", "vendor"))
def test_build_route_refused(member, movie_playlist, role, start_build):
    Playlist.objects.filter(pk=movie_playlist.pk).update(for_client=True)
    assert start_build(member(role), movie_playlist).status_code == 403
    assert not BuildJob.objects.exists()


def test_build_route_manager_outside_team(make_client, movie_playlist, start_build):
    assert start_build(make_client("manager"), movie_playlist).status_code == 403


def test_build_route_unknown(admin_client, start_build):
    assert admin_client.get(build_url(UNKNOWN)).status_code == 404


def test_build_route_malformed(admin_client):
    assert admin_client.get(build_url("nope")).status_code == 400


def test_build_route_anonymous(api_client, movie_playlist):
    assert api_client.get(build_url(movie_playlist.pk)).status_code == 401


# ---- GET/DELETE /data/playlists/{id}/jobs/{build_job_id} -------------------------------------------


def test_job_read(admin_client, movie_playlist):
    build_job = factories.BuildJobFactory(playlist=movie_playlist)
    factories.MediaJobFactory(
        kind=MediaJob.KIND_PLAYLIST_BUILD, preview_file=None, build_job=build_job, progress=40, error=""
    )
    row = admin_client.get(job_url(movie_playlist.pk, build_job.pk)).json()
    assert row["id"] == str(build_job.pk)
    assert row["status"] == "running"
    assert row["job_type"] == "movie"
    assert row["playlist_id"] == str(movie_playlist.pk)
    assert row["progress"] == 40


def test_job_read_unknown(admin_client, movie_playlist):
    assert admin_client.get(job_url(movie_playlist.pk, UNKNOWN)).status_code == 404


def test_job_read_of_other_playlist(admin_client, movie_playlist):
    build_job = factories.BuildJobFactory()
    assert admin_client.get(job_url(movie_playlist.pk, build_job.pk)).status_code == 404


def test_job_read_unknown_playlist(admin_client):
    assert admin_client.get(job_url(UNKNOWN, UNKNOWN)).status_code == 404


def test_job_read_client_shared(member, movie_playlist):
    build_job = factories.BuildJobFactory(playlist=movie_playlist)
    Playlist.objects.filter(pk=movie_playlist.pk).update(for_client=True)
    assert member("client").get(job_url(movie_playlist.pk, build_job.pk)).status_code == 200


@pytest.mark.parametrize("role", ("supervisor", "user", "client", "vendor"))
def test_job_read_refused(member, movie_playlist, role):
    build_job = factories.BuildJobFactory(playlist=movie_playlist)
    assert member(role).get(job_url(movie_playlist.pk, build_job.pk)).status_code == 403


def test_job_delete(admin_client, movie_playlist, django_capture_on_commit_callbacks):
    build_job = succeeded_build(movie_playlist)
    key = playlist_services.build_key(build_job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.delete(job_url(movie_playlist.pk, build_job.pk))
    assert response.status_code == 204
    assert not BuildJob.objects.filter(pk=build_job.pk).exists()
    assert not file_exists(key)
    assert ApiEvent.objects.filter(name="build-job:delete").exists()


def test_job_delete_unknown(admin_client, movie_playlist):
    # The reference returns 500 here; an unknown job is a 404.
    response = admin_client.delete(job_url(movie_playlist.pk, UNKNOWN))
    assert response.status_code == 404
    assert "build job" in response.json()["message"]


def test_job_delete_manager(member, movie_playlist):
    build_job = factories.BuildJobFactory(playlist=movie_playlist)
    assert member("manager").delete(job_url(movie_playlist.pk, build_job.pk)).status_code == 204


@pytest.mark.parametrize("role", ("supervisor", "user", "client", "vendor"))
def test_job_delete_refused(member, movie_playlist, role):
    build_job = factories.BuildJobFactory(playlist=movie_playlist)
    Playlist.objects.filter(pk=movie_playlist.pk).update(for_client=True)
    assert member(role).delete(job_url(movie_playlist.pk, build_job.pk)).status_code == 403
    assert BuildJob.objects.filter(pk=build_job.pk).exists()


# ---- GET /data/playlists/{id}/jobs/{build_job_id}/build/mp4 --------------------------------------------


def test_download_built_movie(admin_client, project, movie_playlist):
    project.name = "Big Show"
    project.save()
    build_job = succeeded_build(movie_playlist)
    response = admin_client.get(job_url(movie_playlist.pk, build_job.pk, "/build/mp4"))
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == bytes(range(256)) * 4
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"big_show_main_pack_{playlist_services.slug(movie_playlist.name)}.mp4" in disposition


def test_download_built_movie_range(admin_client, movie_playlist):
    build_job = succeeded_build(movie_playlist)
    response = admin_client.get(job_url(movie_playlist.pk, build_job.pk, "/build/mp4"), HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 10-19/1024"
    assert b"".join(response.streaming_content) == bytes(range(10, 20))


def test_download_built_movie_range_past_end(admin_client, movie_playlist):
    build_job = succeeded_build(movie_playlist)
    response = admin_client.get(job_url(movie_playlist.pk, build_job.pk, "/build/mp4"), HTTP_RANGE="bytes=5000-")
    assert response.status_code == 416


def test_download_running_build(admin_client, movie_playlist):
    build_job = factories.BuildJobFactory(playlist=movie_playlist)
    response = admin_client.get(job_url(movie_playlist.pk, build_job.pk, "/build/mp4"))
    assert response.status_code == 400
    assert response.json()["message"] == "Build is not finished"


def test_download_missing_file(admin_client, movie_playlist):
    build_job = succeeded_build(movie_playlist)
    delete_file(playlist_services.build_key(build_job.pk))
    assert admin_client.get(job_url(movie_playlist.pk, build_job.pk, "/build/mp4")).status_code == 404


def test_download_unknown_job(admin_client, movie_playlist):
    assert admin_client.get(job_url(movie_playlist.pk, UNKNOWN, "/build/mp4")).status_code == 404


@pytest.mark.parametrize("role", ("manager", "supervisor"))
def test_download_team_reviewer(member, movie_playlist, role):
    build_job = succeeded_build(movie_playlist)
    assert member(role).get(job_url(movie_playlist.pk, build_job.pk, "/build/mp4")).status_code == 200


def test_download_client_shared(member, movie_playlist):
    build_job = succeeded_build(movie_playlist)
    Playlist.objects.filter(pk=movie_playlist.pk).update(for_client=True)
    assert member("client").get(job_url(movie_playlist.pk, build_job.pk, "/build/mp4")).status_code == 200


@pytest.mark.parametrize("role", ("user", "client", "vendor"))
def test_download_refused(member, movie_playlist, role):
    build_job = succeeded_build(movie_playlist)
    assert member(role).get(job_url(movie_playlist.pk, build_job.pk, "/build/mp4")).status_code == 403


def test_download_real_build(admin_client, movie_playlist, start_build, tmp_path):
    build_job_id = start_build(admin_client, movie_playlist).json()["id"]
    response = admin_client.get(job_url(movie_playlist.pk, build_job_id, "/build/mp4"))
    path = tmp_path / "downloaded.mp4"
    path.write_bytes(b"".join(response.streaming_content))
    assert ffprobe_report(path)["streams"][0]["codec_name"] == "h264"


# ---- GET /data/projects/{id}/build-jobs ---------------------------------------------------------


def test_project_build_jobs(admin_client, project, movie_playlist):
    build_job = factories.BuildJobFactory(playlist=movie_playlist)
    factories.BuildJobFactory()
    rows = admin_client.get(f"/api/data/projects/{project.pk}/build-jobs").json()
    assert [row["id"] for row in rows] == [str(build_job.pk)]
    assert rows[0]["type"] == "BuildJob"


@pytest.mark.parametrize("role", ("manager", "supervisor", "user", "client", "vendor"))
def test_project_build_jobs_refused(member, project, role):
    assert member(role).get(f"/api/data/projects/{project.pk}/build-jobs").status_code == 403


def test_project_build_jobs_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{UNKNOWN}/build-jobs").status_code == 404
