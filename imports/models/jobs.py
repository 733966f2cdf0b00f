"""Import jobs (one CSV, edit list or ShotGrid payload being imported) and the reference's import error log."""

from django.db import models

from kitsu_project.db import BackgroundJob, KitsuModel


class ImportJob(BackgroundJob):
    """One import run: what was sent, how far it got, what it created, and the rows it could not import.

    `errors` is a list of `{"line", "column", "message"}` objects, lines counted
    as a spreadsheet shows them (the header is line 1). `result` keeps the
    response body of an inline run, the list the reference returns.
    """

    kind = models.CharField(max_length=60, db_index=True)
    strict = models.BooleanField(default=False)
    update_existing = models.BooleanField(default=False)
    project = models.ForeignKey(
        "productions.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs"
    )
    episode = models.ForeignKey(
        "productions.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs"
    )
    task_type = models.ForeignKey(
        "productions.TaskType", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    person = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    file_name = models.CharField(max_length=250, blank=True, default="")
    source_key = models.CharField(max_length=300, blank=True, default="")
    options = models.JSONField(default=dict, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "import_job"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} import {self.id} ({self.status})"


class DataImportError(KitsuModel):
    """A ShotGrid or CSV record the reference's import routes could not import, kept for `/import/shotgun/errors`."""

    SOURCES = [("csv", "csv"), ("shotgun", "shotgun")]

    event_data = models.JSONField()
    source = models.CharField(max_length=20, choices=SOURCES, null=True, blank=True, db_index=True)

    class Meta:
        db_table = "data_import_error"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.source} import error {self.id}"
