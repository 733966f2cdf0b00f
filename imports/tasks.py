"""Celery tasks of imports: each loads its job row by id and hands over to the job service."""

from celery import shared_task


@shared_task(name="imports.run_import_job", acks_late=True)
def run_import_job(job_id):
    from imports.services.jobs import import_job_run

    import_job_run(job_id=job_id)
