"""A CSV import run by a real Celery worker, with Redis as the broker (see `tests.celery_worker`)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import imports.tasks  # noqa: F401 (registers the shared task on the worker's app)
from imports.models import ImportJob
from productions.models import Entity
from tests import factories
from tests.celery_worker import database_turns, running_worker

pytestmark = pytest.mark.django_db(transaction=True)

BROKER_URL = "redis://127.0.0.1:6379/3"
# Maximum time the test waits for the worker to finish the import, in seconds.
JOB_WAIT_SECONDS = 60
ASSETS_CSV = b"Type,Name,Description\nCharacter,Hero,The lead\nProp,Sword,Sharp\n"


@pytest.fixture
def database_turn():
    return database_turns()


@pytest.fixture
def import_worker(database_turn):
    with running_worker(BROKER_URL, database_turn) as worker:
        yield worker


def wait_for_import(database_turn, job_id):
    deadline = time.monotonic() + JOB_WAIT_SECONDS
    while time.monotonic() < deadline:
        with database_turn():
            job = ImportJob.objects.get(pk=job_id)
            if job.status in (ImportJob.STATUS_SUCCEEDED, ImportJob.STATUS_FAILED):
                return job
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish import job {job_id} within {JOB_WAIT_SECONDS} seconds")


def test_worker_imports_assets_csv(import_worker, database_turn, admin_client, settings):
    settings.KITSU_IMPORTS_IN_WORKERS = True
    with database_turn():
        project = factories.ProjectFactory()
        for name in ("Character", "Prop"):
            factories.EntityTypeFactory(name=name)
        factories.TaskStatusFactory(name="Todo", short_name="todo", is_default=True)
        response = admin_client.post(
            f"/api/import/csv/projects/{project.pk}/assets",
            {"file": SimpleUploadedFile("assets.csv", ASSETS_CSV, "text/csv")},
            format="multipart",
        )
    assert response.status_code == 202
    job_id = response.json()["id"]

    job = wait_for_import(database_turn, job_id)

    assert job.status == ImportJob.STATUS_SUCCEEDED
    assert job.errors == []
    assert job.created_count == 2
    with database_turn():
        names = sorted(Entity.objects.filter(project=project).values_list("name", flat=True))
        followed = admin_client.get(f"/api/data/import-jobs/{job_id}").json()
    assert names == ["Hero", "Sword"]
    assert followed["status"] == ImportJob.STATUS_SUCCEEDED
    assert len(followed["result"]) == 2
