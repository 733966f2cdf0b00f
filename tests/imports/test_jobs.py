"""The import job runner: inline runs, per-row errors, strict mode rollback and failures recorded on the job."""

import pytest

from imports.models import ImportJob
from imports.services import jobs
from kitsu_project import storage
from productions.models import ProjectStatus


@pytest.fixture
def runner_kind():
    """Register a test runner that creates one project status per line and reports lines starting with '!'."""

    def runner(job, content, report):
        for number, line in enumerate(content.decode().splitlines(), start=1):
            if line.startswith("!"):
                report.error(line=number, column="name", message=f"bad name {line!r}")
                continue
            if line == "boom":
                raise RuntimeError("the runner crashed")
            ProjectStatus.objects.create(name=line, color="#000000")
            report.created += 1
            report.rows.append({"name": line})

    jobs.RUNNERS["test-statuses"] = runner
    yield "test-statuses"
    del jobs.RUNNERS["test-statuses"]


def test_inline_job_records_result(db, runner_kind):
    job = jobs.import_job_start(kind=runner_kind, content=b"Alpha\nBeta\n")
    assert job.status == ImportJob.STATUS_SUCCEEDED
    assert job.created_count == 2
    assert job.result == [{"name": "Alpha"}, {"name": "Beta"}]
    assert job.progress == 100


def test_bad_rows_reported_good_kept(db, runner_kind):
    job = jobs.import_job_start(kind=runner_kind, content=b"Alpha\n!bad\nGamma\n")
    assert job.status == ImportJob.STATUS_SUCCEEDED
    assert job.errors == [{"line": 2, "column": "name", "message": "bad name '!bad'"}]
    assert job.skipped_count == 1
    assert ProjectStatus.objects.filter(name__in=["Alpha", "Gamma"]).count() == 2


def test_strict_job_imports_nothing(db, runner_kind):
    job = jobs.import_job_start(kind=runner_kind, content=b"Alpha\n!bad\n", strict=True)
    assert job.status == ImportJob.STATUS_FAILED
    assert job.created_count == 0
    assert not ProjectStatus.objects.filter(name="Alpha").exists()
    assert "nothing was imported" in job.log


def test_crash_recorded_on_job(db, runner_kind):
    job = jobs.import_job_start(kind=runner_kind, content=b"Alpha\nboom\n")
    assert job.status == ImportJob.STATUS_FAILED
    assert "the runner crashed" in job.log
    assert not ProjectStatus.objects.filter(name="Alpha").exists()
    assert job.created_count == 0
    assert job.result == []


def queued_job(kind, content, **fields):
    """Record a job as a worker finds it, outside any transaction of the test."""
    job = ImportJob.objects.create(kind=kind, **fields)
    job.source_key = storage.file_key("imports", job.pk, "bin")
    storage.save_file(job.source_key, content)
    job.save()
    return job


@pytest.mark.django_db(transaction=True)
def test_worker_crash_keeps_written_rows(runner_kind):
    job = jobs.import_job_run(job_id=queued_job(runner_kind, b"Alpha\nboom\n").pk)
    assert job.status == ImportJob.STATUS_FAILED
    assert ProjectStatus.objects.filter(name="Alpha").exists()
    assert job.created_count == 1
    assert "nothing was imported" not in job.log


@pytest.mark.django_db(transaction=True)
def test_worker_strict_crash_keeps_nothing(runner_kind):
    job = jobs.import_job_run(job_id=queued_job(runner_kind, b"Alpha\nboom\n", strict=True).pk)
    assert job.status == ImportJob.STATUS_FAILED
    assert not ProjectStatus.objects.filter(name="Alpha").exists()
    assert job.created_count == 0


def test_source_deleted_after_run(db, runner_kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.import_job_start(kind=runner_kind, content=b"Alpha\n")
    assert not storage.file_exists(job.source_key)


def test_unknown_kind_rejected(db):
    with pytest.raises(ValueError):
        jobs.import_job_start(kind="nope", content=b"")


def test_broker_without_worker_setting_runs_inline(db, runner_kind, monkeypatch):
    from imports.tasks import run_import_job

    monkeypatch.setitem(run_import_job.app.conf, "task_always_eager", False)
    job = jobs.import_job_start(kind=runner_kind, content=b"Alpha\n")
    assert job.status == ImportJob.STATUS_SUCCEEDED
