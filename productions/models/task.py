from django.db import models
from django.db.models import Q

from kitsu_project.db import KitsuModel


class TaskType(KitsuModel):
    """A kind of work (Modeling, Animation...) done on assets, shots or other entities."""

    name = models.CharField(max_length=40)
    short_name = models.CharField(max_length=20, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    color = models.CharField(max_length=7, default="#FFFFFF")
    priority = models.IntegerField(default=1)
    for_entity = models.CharField(max_length=30, default="Asset")
    allow_timelog = models.BooleanField(default=True)
    archived = models.BooleanField(default=False)
    shotgun_id = models.IntegerField(null=True, blank=True, db_index=True)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="task_types"
    )

    class Meta:
        db_table = "task_type"
        ordering = ["for_entity", "priority", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "for_entity", "department"], name="task_type_name_unique_in_department"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.for_entity})"


class TaskStatus(KitsuModel):
    """A step of a task's life (Todo, WIP, Waiting For Approval, Done...)."""

    name = models.CharField(max_length=40)
    short_name = models.CharField(max_length=10, unique=True)
    description = models.TextField(null=True, blank=True)
    color = models.CharField(max_length=7)
    priority = models.IntegerField(null=True, blank=True, default=1)
    is_done = models.BooleanField(default=False)
    is_artist_allowed = models.BooleanField(default=True)
    is_client_allowed = models.BooleanField(default=True)
    is_retake = models.BooleanField(default=False)
    is_feedback_request = models.BooleanField(default=False)
    is_default = models.BooleanField(default=False)
    is_wip = models.BooleanField(default=False)
    for_concept = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    shotgun_id = models.IntegerField(null=True, blank=True, db_index=True)

    class Meta:
        db_table = "task_status"
        # Production statuses first: clients such as Gazu take the first default status for a new task.
        ordering = ["for_concept", "name"]
        verbose_name_plural = "task statuses"

    def __str__(self):
        return f"{self.name} ({self.short_name})"


class Task(KitsuModel):
    """A piece of work of one task type on one entity, with its status and assignees."""

    name = models.CharField(max_length=80)
    description = models.TextField(null=True, blank=True)
    priority = models.IntegerField(default=0)
    difficulty = models.IntegerField(default=3)
    duration = models.FloatField(default=0)
    estimation = models.FloatField(default=0)
    completion_rate = models.IntegerField(default=0)
    retake_count = models.IntegerField(default=0)
    sort_order = models.IntegerField(default=0)
    start_date = models.DateTimeField(null=True, blank=True)
    due_date = models.DateTimeField(null=True, blank=True)
    real_start_date = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    done_date = models.DateTimeField(null=True, blank=True)
    last_comment_date = models.DateTimeField(null=True, blank=True)
    nb_assets_ready = models.IntegerField(default=0)
    data = models.JSONField(null=True, blank=True)
    nb_drawings = models.IntegerField(default=0)
    shotgun_id = models.IntegerField(null=True, blank=True, db_index=True)
    # TODO: turn into a foreign key once preview files have their table.
    last_preview_file_id = models.UUIDField(null=True, blank=True)
    project = models.ForeignKey("productions.Project", on_delete=models.CASCADE, related_name="tasks")
    task_type = models.ForeignKey(TaskType, on_delete=models.PROTECT, related_name="tasks")
    task_status = models.ForeignKey(TaskStatus, on_delete=models.PROTECT, related_name="tasks")
    entity = models.ForeignKey("productions.Entity", on_delete=models.CASCADE, related_name="tasks")
    assigner = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assignees = models.ManyToManyField(
        "accounts.Person", through="TaskPersonLink", related_name="assigned_tasks", blank=True
    )

    kitsu_relations = ("assignees",)
    kitsu_writable_relations = ("assignees",)

    class Meta:
        db_table = "task"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "project", "task_type", "entity"], name="task_name_unique_per_entity_and_type"
            ),
            models.CheckConstraint(condition=Q(difficulty__gt=0, difficulty__lt=6), name="task_difficulty_1_to_5"),
        ]

    def __str__(self):
        return self.name


class TaskPersonLink(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE)
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE)

    class Meta:
        db_table = "task_person_link"
        constraints = [models.UniqueConstraint(fields=["task", "person"], name="task_person_unique")]
