"""Working files (what artists save from their software) and output files (what they publish),
with the output types and file statuses that classify them."""

from django.db import models

from kitsu_project.db import KitsuModel


class OutputType(KitsuModel):
    """A kind of published output, such as Cache, Geometry or Render."""

    name = models.CharField(max_length=40, unique=True)
    short_name = models.CharField(max_length=20)

    class Meta:
        db_table = "output_type"
        ordering = ["name"]

    def __str__(self):
        return self.name


class FileStatus(KitsuModel):
    """The state of an output file in the pipeline, such as Created or Published."""

    name = models.CharField(max_length=40, unique=True)
    color = models.CharField(max_length=7)

    kitsu_type = "FileStatus"

    class Meta:
        db_table = "file_status"
        ordering = ["name"]
        verbose_name_plural = "file statuses"

    def __str__(self):
        return self.name


class WorkingFile(KitsuModel):
    """One saved revision of an artist's work file for a task."""

    shotgun_id = models.IntegerField(null=True, blank=True, db_index=True)
    name = models.CharField(max_length=250, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    comment = models.TextField(null=True, blank=True)
    revision = models.IntegerField(null=True, blank=True)
    size = models.IntegerField(null=True, blank=True)
    checksum = models.IntegerField(null=True, blank=True)
    path = models.CharField(max_length=400, null=True, blank=True)
    task = models.ForeignKey(
        "productions.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="working_files"
    )
    entity = models.ForeignKey(
        "productions.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="working_files"
    )
    person = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="working_files"
    )
    software = models.ForeignKey(
        "accounts.Software", null=True, blank=True, on_delete=models.SET_NULL, related_name="working_files"
    )
    data = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "working_file"
        ordering = ["-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "task", "entity", "revision"], name="working_file_name_task_entity_revision"
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.revision}"


class OutputFile(KitsuModel):
    """One published revision of an entity's (or an asset instance's) output."""

    shotgun_id = models.IntegerField(null=True, blank=True, db_index=True)
    name = models.CharField(max_length=250)
    extension = models.CharField(max_length=10, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    comment = models.TextField(null=True, blank=True)
    revision = models.IntegerField()
    size = models.IntegerField(null=True, blank=True)
    checksum = models.CharField(max_length=32, null=True, blank=True)
    source = models.CharField(max_length=40, null=True, blank=True)
    path = models.CharField(max_length=400, null=True, blank=True)
    representation = models.CharField(max_length=20, null=True, blank=True)
    nb_elements = models.IntegerField(null=True, blank=True, default=1)
    canceled = models.BooleanField(default=False)
    file_status = models.ForeignKey(FileStatus, on_delete=models.PROTECT, related_name="output_files")
    entity = models.ForeignKey(
        "productions.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="output_files"
    )
    asset_instance = models.ForeignKey(
        "productions.AssetInstance", null=True, blank=True, on_delete=models.CASCADE, related_name="output_files"
    )
    output_type = models.ForeignKey(
        OutputType, null=True, blank=True, on_delete=models.PROTECT, related_name="output_files"
    )
    task_type = models.ForeignKey(
        "productions.TaskType", null=True, blank=True, on_delete=models.PROTECT, related_name="output_files"
    )
    person = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="output_files"
    )
    source_file = models.ForeignKey(
        WorkingFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="output_files"
    )
    temporal_entity = models.ForeignKey(
        "productions.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="temporal_output_files"
    )
    data = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "output_file"
        ordering = ["-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "name",
                    "entity",
                    "asset_instance",
                    "output_type",
                    "task_type",
                    "temporal_entity",
                    "representation",
                    "revision",
                ],
                name="output_file_unique_revision",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.revision}"
