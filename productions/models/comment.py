from django.db import models

from kitsu_project.db import KitsuModel


def empty_list():
    return []


class Comment(KitsuModel):
    """A note on a task (or another object), often with a status change."""

    object_id = models.UUIDField(db_index=True)
    object_type = models.CharField(max_length=80, default="Task")
    text = models.TextField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True)
    replies = models.JSONField(default=empty_list, null=True, blank=True)
    checklist = models.JSONField(null=True, blank=True)
    pinned = models.BooleanField(null=True, blank=True)
    links = models.JSONField(null=True, blank=True)
    shotgun_id = models.IntegerField(null=True, blank=True, db_index=True)
    task_status = models.ForeignKey(
        "productions.TaskStatus", null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="comments")
    editor = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # TODO: turn into a foreign key once preview files have their table.
    preview_file_id = models.UUIDField(null=True, blank=True)
    mentions = models.ManyToManyField(
        "accounts.Person", related_name="mentioned_in_comments", blank=True, db_table="comment_mentions"
    )
    department_mentions = models.ManyToManyField(
        "accounts.Department",
        related_name="mentioned_in_comments",
        blank=True,
        db_table="comment_department_mentions",
    )
    acknowledgements = models.ManyToManyField(
        "accounts.Person", related_name="acknowledged_comments", blank=True, db_table="comment_acknoledgments"
    )

    kitsu_relations = ("mentions", "department_mentions", "acknowledgements")

    class Meta:
        db_table = "comment"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Comment {self.id} on {self.object_type} {self.object_id}"
