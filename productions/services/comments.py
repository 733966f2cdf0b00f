"""Comments on tasks and the task columns that follow from them (status, dates, retakes)."""

import logging
import re
import uuid

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.models import Department
from playlists.models import PreviewFile
from playlists.services import attachments as attachment_services
from playlists.services import previews as preview_services
from productions.models import Comment, Task, TaskStatus
from productions.services import notifications as notification_services
from productions.services import workflow as workflow_services
from productions.services.events import event_send

logger = logging.getLogger("productions.comments")


def mentioned_persons(project, text):
    """Return the team members of `project` named as `@First Last` in `text`."""
    if not text or "@" not in text:
        return []
    return [person for person in project.team.all() if mention_pattern(person.full_name).search(text)]


def mentioned_departments(text):
    """Return the departments named as `@Name` in `text`."""
    if not text or "@" not in text:
        return []
    return [department for department in Department.objects.all() if mention_pattern(department.name).search(text)]


def mention_pattern(name):
    # A mention ends at a space or at the end of the text, so "@Ann" does not match "@Anna".
    return re.compile("@" + re.escape(name) + "( |$)")


def check_retake_allowed(*, task, task_status):
    """Raise a 400 when a retake would pass the maximum number of retakes of the entity or project."""
    if not task_status.is_retake:
        return
    entity_data = task.entity.data if isinstance(task.entity.data, dict) else {}
    maximum = entity_data.get("max_retakes") or task.project.max_retakes or 0
    try:
        maximum = int(maximum)
    except (TypeError, ValueError):
        maximum = 0
    if maximum > 0 and task.retake_count >= maximum:
        raise ValidationError({"task_status_id": [f"no more retakes allowed on this task (maximum {maximum})."]})


@transaction.atomic
def comment_create(*, task, task_status, author, text="", checklist=None, links=None, created_at=None):
    """Create a comment on `task` and move the task to `task_status`.

    The task's status and derived dates change only when the comment is the newest
    one; a comment dated before the last one makes the task recomputed from all its comments.
    """
    task_lock(task=task)
    previous_status_id = task.task_status_id
    check_retake_allowed(task=task, task_status=task_status)
    comment = Comment.objects.create(
        object_id=task.pk,
        object_type="Task",
        task_status=task_status,
        person=author,
        text=text,
        checklist=checklist if checklist is not None else [],
        links=links if links is not None else [],
        created_at=created_at or timezone.now(),
    )
    comment.mentions.set(mentioned_persons(task.project, text))
    comment.department_mentions.set(mentioned_departments(text))

    if task.last_comment_date is not None and comment.created_at < task.last_comment_date:
        task_reset_from_comments(task=task)
    else:
        task_apply_status(task=task, task_status=task_status, comment_date=comment.created_at)
        if task.task_status_id != previous_status_id:
            workflow_services.status_automations_run(task=task, author=author)
    notification_services.comment_activity_record(comment=comment, task=task, previous_status_id=previous_status_id)
    logger.info("Comment %s created on task %s by %s", comment.pk, task.pk, author.pk)
    return comment


def task_apply_status(*, task, task_status, comment_date):
    """Set the status of `task` from a new last comment and update the dates and retake count."""
    previous_status = task.task_status
    changed = previous_status.pk != task_status.pk
    task.last_comment_date = comment_date
    fields = ["last_comment_date", "updated_at"]
    if changed:
        now = timezone.now()
        task.task_status = task_status
        fields.append("task_status")
        if task_status.is_retake:
            task.retake_count = (task.retake_count or 0) + 1
            fields.append("retake_count")
        if task_status.is_wip and task.real_start_date is None:
            task.real_start_date = now
            fields.append("real_start_date")
        if task_status.is_feedback_request:
            task.end_date = now
            fields.append("end_date")
        if task_status.is_done:
            task.done_date = now
            fields.append("done_date")
    task.save(update_fields=fields)
    if changed:
        logger.info("Task %s status changed from %s to %s", task.pk, previous_status.pk, task_status.pk)
    return task


def task_reset_from_comments(*, task):
    """Recompute the status, dates and retake count of `task` from its comments, oldest first."""
    default_status = (
        TaskStatus.objects.filter(is_default=True, for_concept=task.entity.entity_type.name == "Concept")
        .order_by("created_at")
        .first()
    )
    values = {
        "task_status_id": default_status.pk if default_status else task.task_status_id,
        "retake_count": 0,
        "real_start_date": None,
        "last_comment_date": None,
        "end_date": None,
        "done_date": None,
    }
    previous_is_retake = False
    comments = Comment.objects.filter(object_id=task.pk, task_status__isnull=False).select_related("task_status")
    for comment in comments.order_by("created_at"):
        status = comment.task_status
        # Several retake comments in a row count as one retake.
        if status.is_retake and not previous_is_retake:
            values["retake_count"] += 1
        previous_is_retake = status.is_retake
        if status.is_wip and values["real_start_date"] is None:
            values["real_start_date"] = comment.created_at
        if status.is_feedback_request:
            values["end_date"] = comment.created_at
        if status.is_done:
            values["done_date"] = comment.created_at
        values["task_status_id"] = status.pk
        values["last_comment_date"] = comment.created_at
    Task.objects.filter(pk=task.pk).update(updated_at=timezone.now(), **values)
    task.refresh_from_db()
    logger.info("Task %s recomputed from its comments", task.pk)
    return task


def status_change_event_send(*, task, previous_status_id, person_id, user=None):
    """Announce a task status that a comment edit or delete changed, once committed."""
    if task.task_status_id == previous_status_id:
        return
    event_send(
        name="task:status-changed",
        data={
            "task_id": task.pk,
            "new_task_status_id": task.task_status_id,
            "previous_task_status_id": previous_status_id,
            "person_id": person_id,
        },
        project_id=task.project_id,
        user=user,
    )


@transaction.atomic
def comment_update(*, serializer, task, editor):
    """Save an edit of a comment; a new text resets its mentions, a new status recomputes the task."""
    comment = serializer.instance
    old_text, old_status_id = comment.text, comment.task_status_id
    task_lock(task=task)
    previous_status_id = task.task_status_id
    comment = serializer.save(editor=editor)
    if comment.text != old_text:
        comment.mentions.set(mentioned_persons(task.project, comment.text))
        comment.department_mentions.set(mentioned_departments(comment.text))
        notification_services.mention_notifications_add(comment=comment, task=task)
    if comment.task_status_id != old_status_id:
        task_reset_from_comments(task=task)
        status_change_event_send(
            task=task, previous_status_id=previous_status_id, person_id=comment.person_id, user=editor
        )
    logger.info("Comment %s edited by %s", comment.pk, editor.pk)
    return comment


@transaction.atomic
def comment_delete(*, comment, task, user=None):
    """Delete a comment of `task` and recompute the task from the comments left.

    The comment's attachments and previews go with it, and their stored files once the deletion commits.
    """
    comment_id, author_id = comment.pk, comment.person_id
    task_lock(task=task)
    previous_status_id = task.task_status_id
    attachment_services.attachment_files_forget(queryset=comment.attachment_files.all())
    for preview in PreviewFile.objects.filter(comment_links__comment=comment):
        preview_services.preview_file_delete(preview=preview, user=user)
    comment.delete()
    task_reset_from_comments(task=task)
    event_send(name="comment:delete", data={"comment_id": comment_id}, project_id=task.project_id, user=user)
    status_change_event_send(task=task, previous_status_id=previous_status_id, person_id=author_id, user=user)
    logger.info("Comment %s deleted from task %s", comment_id, task.pk)


# ---- concurrency, replies and acknowledgements ---------------------------------


def task_lock(*, task):
    """Lock the task row until the transaction ends and reload the columns a comment changes.

    Two comments posted at once on one task then run one after the other, so both
    are kept and the task ends in the status of the later one.
    """
    locked = (
        Task.objects.select_for_update()
        .filter(pk=task.pk)
        .values("task_status_id", "last_comment_date", "retake_count", "real_start_date", "end_date", "done_date")
        .first()
    )
    if locked is None:
        return task
    if locked["task_status_id"] != task.task_status_id:
        task.task_status = TaskStatus.objects.get(pk=locked["task_status_id"])
    for column in ("last_comment_date", "retake_count", "real_start_date", "end_date", "done_date"):
        setattr(task, column, locked[column])
    return task


@transaction.atomic
def comment_acknowledge(*, comment, person):
    """Add `person` to the acknowledgements of `comment`, or remove them when already there.

    Return True when the comment is now acknowledged by `person`.
    """
    Comment.objects.select_for_update().filter(pk=comment.pk).values("pk").first()
    if comment.acknowledgements.filter(pk=person.pk).exists():
        comment.acknowledgements.remove(person)
        logger.info("Comment %s unacknowledged by %s", comment.pk, person.pk)
        return False
    comment.acknowledgements.add(person)
    logger.info("Comment %s acknowledged by %s", comment.pk, person.pk)
    return True


@transaction.atomic
def comment_reply_add(*, comment, task, author, text):
    """Append a reply to the `replies` list of `comment` and return it.

    The row is locked while the list is rewritten, so replies posted at once are all kept.
    """
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    now = timezone.now().strftime("%Y-%m-%dT%H:%M:%S")
    reply = {
        "id": str(uuid.uuid4()),
        "date": now,
        "person_id": str(author.pk),
        "text": text,
        "mentions": [str(person.pk) for person in mentioned_persons(task.project, text)],
        "department_mentions": [str(department.pk) for department in mentioned_departments(text)],
        "created_at": now,
    }
    comment.replies = [*(comment.replies or []), reply]
    comment.save(update_fields=["replies", "updated_at"])
    logger.info("Reply %s added to comment %s by %s", reply["id"], comment.pk, author.pk)
    notification_services.reply_activity_record(comment=comment, task=task, reply=reply, author=author)
    return reply


def comment_reply_find(*, comment, reply_id):
    """Return the reply of `comment` with this id, or None."""
    return next((reply for reply in comment.replies or [] if reply.get("id") == str(reply_id)), None)


@transaction.atomic
def comment_reply_delete(*, comment, task, reply_id, user):
    """Remove a reply, its attachments and its notifications from `comment` and return the updated comment."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.replies = [reply for reply in comment.replies or [] if reply.get("id") != str(reply_id)]
    comment.save(update_fields=["replies", "updated_at"])
    attachment_services.attachments_delete(queryset=comment.attachment_files.filter(reply_id=reply_id), user=user)
    logger.info("Reply %s deleted from comment %s", reply_id, comment.pk)
    notification_services.reply_activity_remove(comment=comment, task=task, reply_id=reply_id, user=user)
    return comment
