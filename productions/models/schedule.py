"""Planning: milestones, the schedule items of the production schedule, and saved versions of
the task schedule."""

from django.db import models

from kitsu_project.db import KitsuModel


class Milestone(KitsuModel):
    """A dated step of the production schedule (a delivery, a review), optionally for one task type."""

    date = models.DateField(null=True, blank=True)
    name = models.CharField(max_length=40)
    project = models.ForeignKey("productions.Project", null=True, on_delete=models.CASCADE, related_name="milestones")
    task_type = models.ForeignKey(
        "productions.TaskType", null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )

    class Meta:
        db_table = "milestone"
        ordering = ["date", "name"]

    def __str__(self):
        return self.name


class ScheduleItem(KitsuModel):
    """A bar of the production schedule: a task type over the whole project, or over one episode,
    sequence or asset type (`object_id`)."""

    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    man_days = models.IntegerField(null=True, blank=True)
    project = models.ForeignKey(
        "productions.Project", null=True, on_delete=models.CASCADE, related_name="schedule_items"
    )
    task_type = models.ForeignKey(
        "productions.TaskType", null=True, blank=True, on_delete=models.CASCADE, related_name="schedule_items"
    )
    object_id = models.UUIDField(null=True, blank=True)

    class Meta:
        db_table = "schedule_item"
        constraints = [
            models.UniqueConstraint(fields=["project", "task_type", "object_id"], name="schedule_item_once"),
            # Databases treat NULL object ids as distinct, so the project-wide item needs its own rule.
            models.UniqueConstraint(
                fields=["project", "task_type"],
                condition=models.Q(object_id__isnull=True),
                name="schedule_item_project_wide_once",
            ),
        ]

    def __str__(self):
        return f"{self.task_type_id or 'project'} {self.start_date} to {self.end_date}"


class ProductionScheduleVersion(KitsuModel):
    """A saved copy of the task schedule of a project, to compare plans or go back to one."""

    name = models.CharField(max_length=80)
    project = models.ForeignKey(
        "productions.Project", on_delete=models.CASCADE, related_name="production_schedule_versions"
    )
    production_schedule_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, db_column="production_schedule_from", related_name="+"
    )
    locked = models.BooleanField(default=False)
    canceled = models.BooleanField(default=False)

    class Meta:
        db_table = "production_schedule_version"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["name", "project"], name="schedule_version_name_once")]

    def __str__(self):
        return self.name


class ProductionScheduleVersionTaskLink(KitsuModel):
    """The planned dates, estimation and assignees of one task in a schedule version."""

    production_schedule_version = models.ForeignKey(
        ProductionScheduleVersion, on_delete=models.CASCADE, related_name="task_links"
    )
    task = models.ForeignKey("productions.Task", on_delete=models.CASCADE, related_name="schedule_version_links")
    start_date = models.DateTimeField(null=True, blank=True)
    due_date = models.DateTimeField(null=True, blank=True)
    estimation = models.FloatField(null=True, blank=True, default=0)
    assignees = models.ManyToManyField(
        "accounts.Person",
        blank=True,
        related_name="+",
        db_table="production_schedule_version_task_link_person_link",
    )

    kitsu_relations = ("assignees",)
    kitsu_writable_relations = ("assignees",)

    class Meta:
        db_table = "production_schedule_version_task_link"
        constraints = [
            models.UniqueConstraint(fields=["production_schedule_version", "task"], name="schedule_version_task_once")
        ]

    def __str__(self):
        return f"{self.task_id} in {self.production_schedule_version_id}"
