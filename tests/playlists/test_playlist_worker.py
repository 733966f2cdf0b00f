"""Playlist builds run by a real Celery worker, with Redis as the broker.

The worker runs in a thread of the test process, on a Celery app that is not
eager. It takes jobs from a queue named for this test alone, so parallel test
processes sharing the Redis database never take each other's jobs. The tests
skip when Redis is not reachable.
"""

import json
import subprocess
import time
import uuid

import pytest
import redis
from celery import Celery, signals
from celery.contrib.testing.worker import start_worker
from django.db import connection

from kitsu_project.celery import app as project_app
from kitsu_project.storage import download_to
from playlists.models import BuildJob, MediaJob, PreviewFile
from playlists.services import playlists as playlist_services
from playlists.tasks import build_playlist
from tests import factories
from tests.media_files import make_movie
from tests.playlists.test_playlist_builds import movie_preview
from tests.playlists.test_playlists import make_preview, make_shot, shot_entry

pytestmark = pytest.mark.django_db(transaction=True)

BROKER_URL = "redis://127.0.0.1:6379/2"
# The maximum time a test waits for the worker to finish a build, in seconds.
BUILD_WAIT_SECONDS = 180


def redis_reachable():
    try:
        return redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


def close_worker_connection(**kwargs):
    # The worker thread has its own database connection: closing it after each task lets the test flush the tables.
    connection.close()


@pytest.fixture
def build_worker():
    """A Celery worker on its own queue, with a Celery app that sends jobs to Redis instead of running them inline."""
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable at {BROKER_URL}: the playlist worker tests need it as the broker")
    queue = f"kitsu-playlist-test-{uuid.uuid4().hex}"
    app = Celery("kitsu-playlist-worker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=BROKER_URL,
        result_backend=None,
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=False,
    )
    # The worker registers the shared tasks of the modules imported before it starts.
    assert build_playlist.name == "playlists.build_playlist"
    signals.task_postrun.connect(close_worker_connection, weak=False)
    try:
        # start_worker makes `app` the current app, so the shared tasks send their jobs through it.
        with start_worker(app, perform_ping_check=False, queues=[queue], shutdown_timeout=120) as worker:
            yield worker
    finally:
        signals.task_postrun.disconnect(close_worker_connection)
        project_app.set_current()
        project_app.set_default()
        with app.connection_for_write() as broker:
            broker.default_channel.queue_delete(queue)
        app.close()


def wait_for_build(build_job_id):
    """Poll the database until the build job has ended, for at most BUILD_WAIT_SECONDS."""
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        build_job = BuildJob.objects.get(pk=build_job_id)
        if build_job.status != BuildJob.STATUS_RUNNING:
            return build_job
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish build job {build_job_id} within {BUILD_WAIT_SECONDS} seconds")


def probe(path):
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path)],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(output)


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
    report = probe(movie)
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
