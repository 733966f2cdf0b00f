"""Helpers shared by the import commands: finding rows by name or id, the job's author, the job summary.

Django lists no command for a module whose name starts with an underscore.
"""

import uuid

from django.core.management.base import CommandError

from accounts.models import Person


def row_by_name_or_id(queryset, value, label):
    """Return the row whose id or name is `value`, or raise CommandError when none or several match."""
    try:
        rows = list(queryset.filter(pk=uuid.UUID(value)))
    except ValueError:
        rows = list(queryset.filter(name=value))
    if len(rows) != 1:
        found = "no" if not rows else "several"
        raise CommandError(f"{found} {label} named or with the id {value!r}: give the exact name or the id.")
    return rows[0]


def job_author(email, *, required=True):
    """Return the person recorded as the job's author: the one with `email`, else the oldest active admin.

    Without `email` and without an active admin, raise CommandError, or return None
    when the import may run without an author (`required=False`).
    """
    if email:
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            raise CommandError(f"no person has the e-mail {email!r}.")
        return person
    person = Person.objects.filter(role="admin", active=True).order_by("created_at").first()
    if person is None and required:
        raise CommandError("no active admin exists: pass --person EMAIL.")
    return person


def job_summary_write(stdout, job, *, item="line"):
    """Write the job's counts and each of its errors, which name their `item` (line, record or clip) by number.

    The job's log is written only when the job succeeded, because the CommandError
    of a failed job carries the log.
    """
    stdout.write(
        f"job {job.pk} {job.status}: {job.created_count} created, {job.updated_count} updated, "
        f"{job.skipped_count} skipped"
    )
    for error in job.errors or []:
        column = f" ({error['column']})" if error.get("column") else ""
        stdout.write(f"  {item} {error['line']}{column}: {error['message']}")
    if job.log and job.status == job.STATUS_SUCCEEDED:
        stdout.write(job.log.rstrip())


def job_failure_check(job):
    """Raise CommandError when the import job failed, so that the command exits with a non-zero status."""
    if job.status == job.STATUS_FAILED:
        raise CommandError(f"import job {job.pk} failed: {job.log.strip()}")
