"""Movie uploads processed by a real Celery worker, with Redis as the broker.

The worker runs in a thread of the test process and takes jobs from a queue
named for this test alone, so parallel test processes sharing the Redis
database never take each other's jobs. The tests skip when Redis is not
reachable.

On SQLite the test database lives in memory with a shared cache, where a write
fails at once ("database table is locked") while another thread reads the same
table. There the test thread and the worker take turns on the database: the
worker waits for its turn before each task. PostgreSQL runs both at once.
"""

import contextlib
import json
import subprocess
import threading
import time
import uuid

import pytest
import redis
from celery import Celery, signals
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

import playlists.tasks  # noqa: F401 (registers the shared tasks on the worker's app)
from kitsu_project.celery import app as project_app
from kitsu_project.storage import download_to
from playlists.media import keys
from playlists.models import MediaJob, PreviewFile
from tests.playlists.conftest import empty_preview

pytestmark = pytest.mark.django_db(transaction=True)

BROKER_URL = "redis://127.0.0.1:6379/1"
# Maximum time a test waits for the worker to finish a job, in seconds.
JOB_WAIT_SECONDS = 120
FINISHED = (MediaJob.STATUS_SUCCEEDED, MediaJob.STATUS_FAILED)


def redis_reachable():
    try:
        return redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


class DatabaseTurns:
    """A lock that the test thread and the worker take before using the database, on SQLite only."""

    def __init__(self, enabled):
        self.lock = threading.Lock() if enabled else None

    def __call__(self):
        return self.lock if self.lock is not None else contextlib.nullcontext()

    def worker_start(self, **kwargs):
        if self.lock is not None:
            self.lock.acquire()

    def worker_end(self, **kwargs):
        # The worker thread opens its own database connection; closing it lets the test database be flushed.
        connection.close()
        if self.lock is not None:
            self.lock.release()


@pytest.fixture
def database_turn():
    return DatabaseTurns(enabled=connection.vendor == "sqlite")


@pytest.fixture
def celery_worker(database_turn):
    """Run a Celery worker on a queue of its own, with a Celery app that is not eager, for one test."""
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable at {BROKER_URL}: the Celery worker tests need it as the broker")
    queue = f"kitsu-test-{uuid.uuid4().hex}"
    app = Celery("kitsu-worker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=BROKER_URL,
        result_backend=None,
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=False,
    )
    signals.task_prerun.connect(database_turn.worker_start, weak=False)
    signals.task_postrun.connect(database_turn.worker_end, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, queues=[queue], shutdown_timeout=60) as worker:
            yield worker
    finally:
        signals.task_prerun.disconnect(database_turn.worker_start)
        signals.task_postrun.disconnect(database_turn.worker_end)
        project_app.set_current()
        project_app.set_default()
        with app.connection_for_write() as broker:
            broker.default_channel.queue_delete(queue)
        app.close()


def wait_for_job(database_turn, preview):
    """Poll the database until the job of `preview` has finished, for at most JOB_WAIT_SECONDS."""
    deadline = time.monotonic() + JOB_WAIT_SECONDS
    while time.monotonic() < deadline:
        with database_turn():
            job = MediaJob.objects.filter(preview_file=preview).first()
            if job is not None and job.status in FINISHED:
                preview.refresh_from_db()
                return job
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish the job of preview {preview.pk} within {JOB_WAIT_SECONDS} seconds")


def upload_movie(database_turn, client, preview, name, content):
    with database_turn():
        return client.post(
            f"/api/pictures/preview-files/{preview.pk}",
            {"file": SimpleUploadedFile(name, content, "video/mp4")},
            format="multipart",
        )


def ffprobe_video(path):
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path)],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    report = json.loads(output)
    video = next(stream for stream in report["streams"] if stream["codec_type"] == "video")
    return video, report["format"]


def test_worker_processes_upload(celery_worker, database_turn, admin_client, task, clip_bytes, tmp_path):
    preview = empty_preview(task)
    response = upload_movie(database_turn, admin_client, preview, "clip.mov", clip_bytes)
    assert response.status_code == 201
    # The job runs in the worker, not in the request.
    assert response.json()["status"] == "processing"

    job = wait_for_job(database_turn, preview)
    assert job.status == MediaJob.STATUS_SUCCEEDED, job.error
    assert job.progress == 100
    assert preview.status == PreviewFile.STATUS_READY
    assert (preview.width, preview.height) == (640, 360)

    movie = download_to(keys.original_key(preview), tmp_path / "normalized.mp4")
    video, container = ffprobe_video(movie)
    assert video["codec_name"] == "h264"
    assert (video["width"], video["height"]) == (640, 360)
    assert float(container["duration"]) == pytest.approx(1.0, abs=0.1)


def test_worker_marks_bad_movie_broken(celery_worker, database_turn, admin_client, task):
    preview = empty_preview(task)
    response = upload_movie(database_turn, admin_client, preview, "notes.mp4", b"a text file named like a movie\n" * 10)
    assert response.status_code == 201

    job = wait_for_job(database_turn, preview)
    assert job.status == MediaJob.STATUS_FAILED
    assert job.error.startswith("Could not read the uploaded movie")
    assert preview.status == PreviewFile.STATUS_BROKEN


def test_worker_survives_bad_movie(celery_worker, database_turn, admin_client, task, clip_bytes):
    broken = empty_preview(task)
    upload_movie(database_turn, admin_client, broken, "notes.mp4", b"not a movie")
    with database_turn():
        good = empty_preview(task, revision=2)
    upload_movie(database_turn, admin_client, good, "clip.mp4", clip_bytes)

    assert wait_for_job(database_turn, broken).status == MediaJob.STATUS_FAILED
    assert wait_for_job(database_turn, good).status == MediaJob.STATUS_SUCCEEDED
