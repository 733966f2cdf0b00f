from django.db import models

from kitsu_project.db import KitsuModel


class Notification(KitsuModel):
    """A message to one person about a comment, a mention, a reply or an assignment."""

    TYPES = [(value, value) for value in ("comment", "mention", "assignation", "reply", "reply-mention")]

    read = models.BooleanField(default=False)
    change = models.BooleanField(default=False)
    type = models.CharField(max_length=255, choices=TYPES)
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="notifications")
    author = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("productions.Comment", null=True, blank=True, on_delete=models.CASCADE)
    task = models.ForeignKey("productions.Task", on_delete=models.CASCADE, related_name="notifications")
    reply_id = models.UUIDField(null=True, blank=True)

    class Meta:
        db_table = "notification"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "author", "comment", "reply_id", "type"], name="notification_once"
            )
        ]
        indexes = [models.Index(fields=["person", "read"])]

    def __str__(self):
        return f"{self.type} for {self.person_id}"


class Subscription(KitsuModel):
    """A person following a task, or a task type on a sequence."""

    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="subscriptions")
    task = models.ForeignKey("productions.Task", null=True, blank=True, on_delete=models.CASCADE)
    entity = models.ForeignKey("productions.Entity", null=True, blank=True, on_delete=models.CASCADE)
    task_type = models.ForeignKey("productions.TaskType", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        db_table = "subscription"
        constraints = [
            models.UniqueConstraint(fields=["person", "task"], name="subscription_once_per_task"),
            models.UniqueConstraint(
                fields=["person", "task_type", "entity"], name="subscription_once_per_entity_task_type"
            ),
        ]

    def __str__(self):
        return f"{self.person_id} follows {self.task_id or self.entity_id}"


class News(KitsuModel):
    """A line of a project's news feed: a comment, a status change or a new preview on a task."""

    change = models.BooleanField(default=False)
    author = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("productions.Comment", null=True, blank=True, on_delete=models.CASCADE)
    task = models.ForeignKey("productions.Task", on_delete=models.CASCADE, related_name="news")
    # TODO: turn into a foreign key once preview files have their table.
    preview_file_id = models.UUIDField(null=True, blank=True)

    class Meta:
        db_table = "news"
        ordering = ["-created_at"]
        verbose_name_plural = "news"

    def __str__(self):
        return f"News {self.id} on task {self.task_id}"


class ApiEvent(KitsuModel):
    """One entry of the event log: the change (`task:new`, `comment:update`...), its author and the ids involved."""

    name = models.CharField(max_length=80, db_index=True)
    user = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    project = models.ForeignKey("productions.Project", null=True, blank=True, on_delete=models.CASCADE)
    data = models.JSONField(null=True, blank=True)

    kitsu_type = "ApiEvent"

    class Meta:
        db_table = "api_event"
        ordering = ["-created_at"]

    def __str__(self):
        return self.name
