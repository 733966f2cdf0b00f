"""Background media jobs: what ran on a preview upload or a playlist build, how far it got, and why it failed."""

from django.db import models

from kitsu_project.db import BackgroundJob


class MediaJob(BackgroundJob):
    """The record of one background media job, read by the API and the admin.

    A job processes one preview file (pictures and movies) or builds one
    playlist (`build_job`). `log` keeps the steps that ran; `error` the reason
    of a failure in words a production manager can act on.
    """

    KIND_PREVIEW = "preview"
    KIND_PLAYLIST_BUILD = "playlist-build"
    KINDS = [(KIND_PREVIEW, "preview processing"), (KIND_PLAYLIST_BUILD, "playlist build")]

    kind = models.CharField(max_length=20, choices=KINDS, db_index=True)
    preview_file = models.ForeignKey(
        "playlists.PreviewFile", null=True, blank=True, on_delete=models.CASCADE, related_name="media_jobs"
    )
    build_job = models.ForeignKey(
        "playlists.BuildJob", null=True, blank=True, on_delete=models.CASCADE, related_name="media_jobs"
    )
    person = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="media_jobs"
    )
    error = models.TextField(blank=True, default="")

    class Meta:
        db_table = "media_job"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} job {self.id} ({self.status})"
