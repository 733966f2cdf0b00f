"""Playlist builds run by a real Celery worker, with Redis as the broker.

The worker comes from `tests.celery_worker`.
"""

import time

import pytest

from kitsu_project.storage import download_to
from playlists.models import BuildJob, MediaJob, PreviewFile
from playlists.services import playlists as playlist_services
from playlists.tasks import build_playlist
from tests import factories
from tests.celery_worker import database_turns, running_worker
from tests.media_files import ffprobe_report, make_movie
from tests.playlists.test_playlist_builds import movie_preview
from tests.playlists.test_playlists import make_preview, make_shot, shot_entry

pytestmark = pytest.mark.django_db(transaction=True)

BROKER_URL = "redis://127.0.0.1:6379/2"
# The maximum time a test waits for the worker to finish a build, in seconds.
BUILD_WAIT_SECONDS = 180


@pytest.fixture
def build_worker():
    """A Celery worker on its own queue, with a Celery app that sends jobs to Redis instead of running them inline."""
    # The worker registers the shared tasks of the modules imported before it starts.
    assert build_playlist.name == "playlists.build_playlist"
    with running_worker(BROKER_URL, database_turns(), shutdown_timeout=120) as worker:
        yield worker


def wait_for_build(build_job_id):
    """Poll the database until the build job has ended, for at most BUILD_WAIT_SECONDS."""
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        build_job = BuildJob.objects.get(pk=build_job_id)
        if build_job.status != BuildJob.STATUS_RUNNING:
            return build_job
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish build job {build_job_id} within {BUILD_WAIT_SECONDS} seconds")


@pytest.fixture
def project():
    return factories.ProjectFactory(resolution="320x180", fps="25")


def test_worker_builds_two_movies(build_worker, admin_client, project, tmp_path):
    first_shot = make_shot(project)
    second_shot = make_shot(project, "SH020", sequence=first_shot.parent)
    first = movie_preview(first_shot, make_movie(tmp_path / "a.mp4", seconds=1, fps=24), seconds=1)
    second = movie_preview(second_shot, make_movie(tmp_path / "b.mp4", seconds=2, width=640, height=360), seconds=2)
    playlist = factories.PlaylistFactory(
        project=project, shots=[shot_entry(first_shot, first), shot_entry(second_shot, second)]
    )

    response = admin_client.get(f"/api/data/playlists/{playlist.pk}/build/mp4")

    assert response.status_code == 200
    assert response.json()["status"] == "running"
    build_job = wait_for_build(response.json()["id"])
    media_job = MediaJob.objects.get(build_job=build_job)
    assert build_job.status == BuildJob.STATUS_SUCCEEDED, media_job.error
    assert build_job.ended_at is not None
    assert media_job.status == MediaJob.STATUS_SUCCEEDED
    assert media_job.progress == 100
    movie = download_to(playlist_services.build_key(build_job.pk), tmp_path / "built.mp4")
    report = ffprobe_report(movie)
    video = next(stream for stream in report["streams"] if stream["codec_type"] == "video")
    assert video["codec_name"] == "h264"
    assert (video["width"], video["height"]) == (320, 180)
    assert float(report["format"]["duration"]) == pytest.approx(3, abs=0.2)


def test_worker_records_failed_build(build_worker, admin_client, project):
    shot = make_shot(project)
    broken = make_preview(shot, store=False, status=PreviewFile.STATUS_BROKEN)
    playlist = factories.PlaylistFactory(project=project, shots=[shot_entry(shot, broken)])

    response = admin_client.get(f"/api/data/playlists/{playlist.pk}/build/mp4")

    build_job = wait_for_build(response.json()["id"])
    media_job = MediaJob.objects.get(build_job=build_job)
    assert build_job.status == BuildJob.STATUS_FAILED
    assert media_job.status == MediaJob.STATUS_FAILED
    assert "No entry of the playlist" in media_job.error
