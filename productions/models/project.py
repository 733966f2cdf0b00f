from django.db import models

from kitsu_project.db import KitsuModel


def default_roles_for_board():
    return ["user", "admin", "supervisor", "manager", "vendor"]


class ProjectStatus(KitsuModel):
    """Open or Closed, or a studio's own project state."""

    name = models.CharField(max_length=20, unique=True)
    color = models.CharField(max_length=7)

    class Meta:
        db_table = "project_status"
        ordering = ["name"]
        verbose_name_plural = "project statuses"

    def __str__(self):
        return self.name


class Project(KitsuModel):
    """A production: a feature film, a short, a TV show and so on."""

    PRODUCTION_TYPES = [(value, value) for value in ("short", "featurefilm", "tvshow", "nft")]
    PRODUCTION_STYLES = [
        (value, value)
        for value in (
            "2d",
            "2dpaper",
            "3d",
            "2d3d",
            "ar",
            "vfx",
            "stop-motion",
            "motion-design",
            "archviz",
            "commercial",
            "catalog",
            "immersive",
            "nft",
            "video-game",
            "vr",
        )
    ]

    name = models.CharField(max_length=80, unique=True)
    code = models.CharField(max_length=80, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    shotgun_id = models.IntegerField(null=True, blank=True, db_index=True)
    file_tree = models.JSONField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True)
    has_avatar = models.BooleanField(default=False)
    fps = models.CharField(max_length=10, null=True, blank=True, default="25")
    ratio = models.CharField(max_length=10, null=True, blank=True, default="16:9")
    resolution = models.CharField(max_length=12, null=True, blank=True, default="1920x1080")
    production_type = models.CharField(max_length=20, choices=PRODUCTION_TYPES, default="short")
    production_style = models.CharField(max_length=255, choices=PRODUCTION_STYLES, default="2d3d")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    man_days = models.IntegerField(null=True, blank=True)
    nb_episodes = models.IntegerField(default=0)
    episode_span = models.IntegerField(default=0)
    max_retakes = models.IntegerField(default=0)
    is_clients_isolated = models.BooleanField(default=False)
    is_preview_download_allowed = models.BooleanField(default=False)
    is_set_preview_automated = models.BooleanField(default=False)
    homepage = models.CharField(max_length=80, default="assets")
    is_publish_default_for_artists = models.BooleanField(default=False)
    hd_bitrate_compression = models.IntegerField(default=28)
    ld_bitrate_compression = models.IntegerField(default=6)
    project_status = models.ForeignKey(
        ProjectStatus, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    # TODO: turn these into foreign keys once preview background files and
    # production schedule versions have their tables.
    default_preview_background_file_id = models.UUIDField(null=True, blank=True)
    from_schedule_version_id = models.UUIDField(null=True, blank=True)

    team = models.ManyToManyField("accounts.Person", through="ProjectPersonLink", related_name="projects", blank=True)
    asset_types = models.ManyToManyField(
        "productions.EntityType", through="ProjectAssetTypeLink", related_name="projects", blank=True
    )
    task_types = models.ManyToManyField(
        "productions.TaskType", through="ProjectTaskTypeLink", related_name="projects", blank=True
    )
    task_statuses = models.ManyToManyField(
        "productions.TaskStatus", through="ProjectTaskStatusLink", related_name="projects", blank=True
    )

    kitsu_extra_fields = ("project_status_name",)
    kitsu_relations = ("team", "asset_types", "task_statuses", "task_types", "status_automations")
    # The team changes through its own routes, so a PUT cannot replace it.
    kitsu_writable_relations = ("asset_types", "task_statuses", "task_types")

    class Meta:
        db_table = "project"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def project_status_name(self):
        return self.project_status.name if self.project_status_id else None


class ProjectPersonLink(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE)
    shotgun_id = models.IntegerField(null=True, blank=True)

    class Meta:
        db_table = "project_person_link"
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="project_person_unique")]


class ProjectAssetTypeLink(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    asset_type = models.ForeignKey("productions.EntityType", on_delete=models.CASCADE)

    class Meta:
        db_table = "project_asset_type_link"
        constraints = [models.UniqueConstraint(fields=["project", "asset_type"], name="project_asset_type_unique")]


class ProjectTaskTypeLink(KitsuModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    task_type = models.ForeignKey("productions.TaskType", on_delete=models.CASCADE)
    priority = models.IntegerField(null=True, blank=True)

    class Meta:
        db_table = "project_task_type_link"
        constraints = [models.UniqueConstraint(fields=["project", "task_type"], name="project_task_type_unique")]


class ProjectTaskStatusLink(KitsuModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    task_status = models.ForeignKey("productions.TaskStatus", on_delete=models.CASCADE)
    priority = models.IntegerField(null=True, blank=True)
    roles_for_board = models.JSONField(default=default_roles_for_board, null=True, blank=True)

    class Meta:
        db_table = "project_task_status_link"
        constraints = [models.UniqueConstraint(fields=["project", "task_status"], name="project_task_status_unique")]
