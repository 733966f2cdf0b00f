"""Playlists of entities with the preview revision to show for each, and their build jobs."""

from django.db import models

from kitsu_project.db import KitsuModel


class Playlist(KitsuModel):
    """An ordered list of shots, assets or sequences to review, with one preview each.

    `shots` keeps the order and the chosen revisions as the reference stores them:
    a list of `{"entity_id", "preview_file_id"}` objects.
    """

    FOR_ENTITIES = [("shot", "shot"), ("asset", "asset"), ("sequence", "sequence"), ("edit", "edit")]

    name = models.CharField(max_length=80)
    shots = models.JSONField(null=True, blank=True)
    project = models.ForeignKey(
        "productions.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="playlists"
    )
    episode = models.ForeignKey(
        "productions.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="playlists"
    )
    for_client = models.BooleanField(null=True, blank=True, default=False)
    for_entity = models.CharField(max_length=10, null=True, blank=True, default="shot", choices=FOR_ENTITIES)
    is_for_all = models.BooleanField(null=True, blank=True, default=False)
    task_type = models.ForeignKey(
        "productions.TaskType", null=True, blank=True, on_delete=models.SET_NULL, related_name="playlists"
    )

    class Meta:
        db_table = "playlist"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "project", "episode"], name="playlist_name_project_episode"),
        ]

    def __str__(self):
        return self.name


class BuildJob(KitsuModel):
    """One build of a playlist into a single movie (or an archive), as the reference records it."""

    STATUS_RUNNING = "running"
    STATUS_FAILED = "failed"
    STATUS_SUCCEEDED = "succeeded"
    STATUSES = [(STATUS_RUNNING, "running"), (STATUS_FAILED, "failed"), (STATUS_SUCCEEDED, "succeeded")]
    JOB_TYPES = [("archive", "archive"), ("movie", "movie")]

    status = models.CharField(max_length=255, choices=STATUSES, default=STATUS_RUNNING, db_index=True)
    job_type = models.CharField(max_length=255, choices=JOB_TYPES, default="movie")
    ended_at = models.DateTimeField(null=True, blank=True)
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="build_jobs")

    class Meta:
        db_table = "build_job"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.job_type} build of {self.playlist_id} ({self.status})"
