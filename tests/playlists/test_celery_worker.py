"""Movie uploads processed by a real Celery worker, with Redis as the broker.

The worker and its database turns on SQLite come from `tests.celery_worker`.
"""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import playlists.tasks  # noqa: F401 (registers the shared tasks on the worker's app)
from kitsu_project.storage import download_to
from playlists.media import keys
from playlists.models import MediaJob, PreviewFile
from tests.celery_worker import database_turns, running_worker
from tests.media_files import ffprobe_report
from tests.playlists.conftest import empty_preview

pytestmark = pytest.mark.django_db(transaction=True)

BROKER_URL = "redis://127.0.0.1:6379/1"
# Maximum time a test waits for the worker to finish a job, in seconds.
JOB_WAIT_SECONDS = 120
FINISHED = (MediaJob.STATUS_SUCCEEDED, MediaJob.STATUS_FAILED)


@pytest.fixture
def database_turn():
    return database_turns()


@pytest.fixture
def celery_worker(database_turn):
    with running_worker(BROKER_URL, database_turn) as worker:
        yield worker


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
    report = ffprobe_report(path)
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
