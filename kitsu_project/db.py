"""The abstract base model that every Kitsu table shares."""

import uuid

from django.db import models
from django.utils import timezone


class KitsuModel(models.Model):
    """A row with a UUID key and creation and update times, as every Kitsu table has.

    `kitsu_type` is the value of the "type" key in the JSON form of a row.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    kitsu_type = None

    class Meta:
        abstract = True

    @classmethod
    def get_kitsu_type(cls):
        return cls.kitsu_type or cls.__name__


class BackgroundJob(KitsuModel):
    """A long job run by a Celery worker (or inline): its status, progress, times and log, for the API and the admin."""

    STATUS_QUEUED = "queued"
    STATUS_RUNNING = "running"
    STATUS_SUCCEEDED = "succeeded"
    STATUS_FAILED = "failed"
    STATUSES = [
        (STATUS_QUEUED, "queued"),
        (STATUS_RUNNING, "running"),
        (STATUS_SUCCEEDED, "succeeded"),
        (STATUS_FAILED, "failed"),
    ]

    status = models.CharField(max_length=20, choices=STATUSES, default=STATUS_QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    log = models.TextField(blank=True, default="")

    class Meta:
        abstract = True
