"""Preview files (the pictures and movies shown for review), their links to comments,
comment and chat attachments, and the HDR backgrounds of the 3D viewer."""

from django.db import models

from kitsu_project.db import KitsuModel


class PreviewFile(KitsuModel):
    """One revision of a task's review media: a picture, a movie or another file.

    The uploaded original and the files made from it live in the file storage
    under keys built from the id (see `playlists.storage`), never from a client's
    file name.
    """

    STATUS_PROCESSING = "processing"
    STATUS_READY = "ready"
    STATUS_BROKEN = "broken"
    STATUSES = [(STATUS_PROCESSING, "processing"), (STATUS_READY, "ready"), (STATUS_BROKEN, "broken")]
    VALIDATION_STATUSES = [("validated", "validated"), ("rejected", "rejected"), ("neutral", "neutral")]

    name = models.CharField(max_length=250, null=True, blank=True)
    revision = models.IntegerField(null=True, blank=True, default=1)
    description = models.TextField(null=True, blank=True)
    source = models.CharField(max_length=40, null=True, blank=True)
    shotgun_id = models.IntegerField(null=True, blank=True, unique=True)
    is_movie = models.BooleanField(null=True, blank=True, default=False)
    url = models.CharField(max_length=600, null=True, blank=True)
    uploaded_movie_url = models.CharField(max_length=600, null=True, blank=True)
    uploaded_movie_name = models.CharField(max_length=150, null=True, blank=True)
    task = models.ForeignKey(
        "productions.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="preview_files"
    )
    person = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="preview_files"
    )
    source_file = models.ForeignKey(
        "productions.OutputFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="preview_files"
    )
    path = models.CharField(max_length=400, null=True, blank=True)
    extension = models.CharField(max_length=6, null=True, blank=True)
    annotations = models.JSONField(null=True, blank=True)
    original_name = models.CharField(max_length=250, null=True, blank=True)
    position = models.IntegerField(null=True, blank=True, default=1)
    status = models.CharField(max_length=255, choices=STATUSES, default=STATUS_PROCESSING, db_index=True)
    file_size = models.BigIntegerField(null=True, blank=True, default=0)
    validation_status = models.CharField(max_length=255, choices=VALIDATION_STATUSES, default="neutral")
    width = models.IntegerField(null=True, blank=True, default=0)
    height = models.IntegerField(null=True, blank=True, default=0)
    duration = models.FloatField(null=True, blank=True, default=0)

    class Meta:
        db_table = "preview_file"
        ordering = ["-revision", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "task", "revision"], name="preview_file_name_task_revision"),
        ]
        indexes = [models.Index(fields=["task", "revision"], name="preview_file_task_revision")]

    def __str__(self):
        return f"{self.name or self.id} v{self.revision}"


class CommentPreviewLink(models.Model):
    """A preview file shown on a comment (the comment's `previews`)."""

    comment = models.ForeignKey("productions.Comment", on_delete=models.CASCADE, related_name="preview_links")
    preview_file = models.ForeignKey(PreviewFile, on_delete=models.CASCADE, related_name="comment_links")

    class Meta:
        db_table = "comment_preview_link"
        constraints = [
            models.UniqueConstraint(fields=["comment", "preview_file"], name="comment_preview_link_once"),
        ]

    def __str__(self):
        return f"preview {self.preview_file_id} on comment {self.comment_id}"


class AttachmentFile(KitsuModel):
    """A file attached to a comment, a reply or a chat message."""

    name = models.CharField(max_length=250, null=True, blank=True)
    size = models.IntegerField(null=True, blank=True, default=1)
    extension = models.CharField(max_length=6, null=True, blank=True)
    mimetype = models.CharField(max_length=255, null=True, blank=True)
    comment = models.ForeignKey(
        "productions.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="attachment_files"
    )
    chat_message = models.ForeignKey(
        "productions.ChatMessage", null=True, blank=True, on_delete=models.CASCADE, related_name="attachment_files"
    )
    reply_id = models.UUIDField(null=True, blank=True)

    class Meta:
        db_table = "attachment_file"
        ordering = ["created_at"]

    def __str__(self):
        return self.name or str(self.id)


class PreviewBackgroundFile(KitsuModel):
    """An HDR picture used as the environment of the 3D preview viewer."""

    name = models.CharField(max_length=40)
    archived = models.BooleanField(null=True, blank=True, default=False)
    is_default = models.BooleanField(null=True, blank=True, default=False)
    original_name = models.CharField(max_length=250, null=True, blank=True)
    extension = models.CharField(max_length=6, null=True, blank=True)
    file_size = models.BigIntegerField(null=True, blank=True, default=0)

    class Meta:
        db_table = "preview_background_file"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProjectPreviewBackgroundFileLink(models.Model):
    """A preview background offered in a project."""

    project = models.ForeignKey(
        "productions.Project", on_delete=models.CASCADE, related_name="preview_background_file_links"
    )
    preview_background_file = models.ForeignKey(
        PreviewBackgroundFile, on_delete=models.CASCADE, related_name="project_links"
    )

    class Meta:
        db_table = "project_preview_background_file_link"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "preview_background_file"], name="project_preview_background_once"
            ),
        ]

    def __str__(self):
        return f"background {self.preview_background_file_id} in project {self.project_id}"
