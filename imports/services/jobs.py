"""Running an import as a job: store what was sent, run it in a Celery worker (or inline), record the outcome.

An import kind registers a runner with `register_import`. The runner receives
the job and the bytes that were sent, and reports through an `ImportReport`:
rows created, updated and skipped, per-row errors with their line and column,
and the serialized rows to return. A strict job runs in one transaction, which
is rolled back when the runner reported any bad row. So does a job run inline in
a request. A worker runs a job that is not strict with no transaction around the
runner: each batch or row the runner writes in its own savepoint is committed at
once, the progress it records is visible while the job runs, and a job that
fails midway keeps the rows written before the failure.
"""

import logging
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from imports.models import ImportJob
from kitsu_project.storage import delete_files_on_commit, file_key, open_file, save_file

logger = logging.getLogger("imports.jobs")

RUNNERS = {}


def register_import(kind):
    """Register the decorated function `runner(job, content, report)` as the runner of import `kind`."""

    def decorator(runner):
        RUNNERS[kind] = runner
        return runner

    return decorator


class StrictImportFailed(Exception):
    """A bad row in a strict import: the whole import is rolled back."""


@dataclass
class ImportReport:
    """The outcome of an import, filled in by its runner while it reads the rows."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    log: list = field(default_factory=list)

    def error(self, *, line, message, column=None):
        self.errors.append({"line": line, "column": column, "message": message})
        self.skipped += 1


def import_job_start(*, kind, content, file_name="", person=None, project=None, episode=None, task_type=None,
                     strict=False, update_existing=False, options=None):  # fmt: skip
    """Record an import job with the bytes that were sent, queue it, and return the job.

    The job runs inline before this returns, so the job carries its result,
    unless `KITSU_IMPORTS_IN_WORKERS` is set with a broker: then a worker runs it
    and the job is still `queued`.
    """
    if kind not in RUNNERS:
        raise ValueError(f"unknown import kind {kind!r}")
    job = ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:250],
        person=person,
        project=project,
        episode=episode,
        task_type=task_type,
        strict=strict,
        update_existing=update_existing,
        options=options or {},
    )
    job.source_key = file_key("imports", job.pk, "bin")
    save_file(job.source_key, content)
    job.save(update_fields=["source_key", "updated_at"])
    logger.info("Import job %s (%s) queued by %s", job.pk, kind, getattr(person, "pk", None))

    # Imported here: the Celery task module imports this one.
    from imports.tasks import run_import_job

    # Imports run in the request, as the reference's routes do, unless KITSU_IMPORTS_IN_WORKERS is set
    # and a broker is configured. Tests with a real worker swap in a Celery app that is not eager.
    if not settings.KITSU_IMPORTS_IN_WORKERS or run_import_job.app.conf.task_always_eager:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: run_import_job.delay(str(job.pk)))
    return job


def import_job_run(*, job_id):
    """Run a queued import job and record its outcome on the row; a job that already ran is left alone."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("Import job %s not found: nothing to run", job_id)
        return None
    if job.status in (ImportJob.STATUS_SUCCEEDED, ImportJob.STATUS_FAILED):
        return job
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.STATUS_RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    )
    report = ImportReport()
    in_one_transaction = job.strict or connection.in_atomic_block
    try:
        with open_file(job.source_key) as source:
            content = source.read()
        with transaction.atomic() if in_one_transaction else nullcontext():
            RUNNERS[job.kind](job, content, report)
            if job.strict and report.errors:
                raise StrictImportFailed(report.errors[0]["message"])
    except StrictImportFailed as error:
        report.log.append(f"strict import stopped, nothing was imported: {error}")
        report_rolled_back(job, report)
        import_job_finish(job, report, status=ImportJob.STATUS_FAILED)
        logger.warning("Strict import job %s failed: %s", job.pk, error)
        return job
    except Exception as error:  # noqa: BLE001 (the job row must record any failure)
        report.log.append(f"import failed: {error}")
        if in_one_transaction:
            report.log.append("nothing was imported: the job's transaction was rolled back")
            report_rolled_back(job, report)
        import_job_finish(job, report, status=ImportJob.STATUS_FAILED)
        logger.exception("Import job %s failed", job.pk)
        return job
    import_job_finish(job, report, status=ImportJob.STATUS_SUCCEEDED)
    logger.info(
        "Import job %s done: %d created, %d updated, %d skipped",
        job.pk,
        report.created,
        report.updated,
        report.skipped,
    )
    return job


def report_rolled_back(job, report):
    """Clear the rows and counts of a report whose writes were rolled back; its errors stay.

    The job's options are read again from the database: a runner may have
    stored there, in memory, links to rows that the rollback removed, such as
    the ShotGrid links waiting for their targets.
    """
    report.rows = []
    report.created = report.updated = 0
    job.options = ImportJob.objects.values_list("options", flat=True).get(pk=job.pk)


def import_job_finish(job, report, *, status):
    job.status = status
    job.progress = 100
    job.created_count = report.created
    job.updated_count = report.updated
    job.skipped_count = report.skipped
    job.errors = report.errors
    job.result = report.rows
    job.log = "".join(f"{line}\n" for line in report.log)
    job.ended_at = timezone.now()
    job.save()
    with transaction.atomic():
        delete_files_on_commit([job.source_key])
