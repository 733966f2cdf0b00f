"""Notifications, subscriptions and the news feed: who hears about a comment or an assignment.

A comment notifies the task's assignees, the people following the task (or its
task type on the shot's sequence) and the people it mentions. Each person gets one
notification and the author none. A reply also reaches the comment's author and earlier
repliers. The comment also adds a line to the project's news feed. The rows are written
in the comment's transaction; the events that announce them wait for the commit.
"""

import logging
import math
import uuid

from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from accounts.models import Department, Person
from kitsu_project.api.serialization import format_datetime
from productions.models import Entity, News, Notification, Subscription, Task, TaskPersonLink
from productions.models.entity import base_entity_type
from productions.services.events import event_send

logger = logging.getLogger("productions.notifications")

NEWS_PAGE_SIZE = 50
ENTITY_NEWS_LIMIT = 2000
NOTIFICATION_LIST_LIMIT = 100


# ---- recipients and writes -----------------------------------------------


def mentioned_ids(*, person_ids, department_ids, project_id):
    """Return the ids of the persons mentioned by name, plus the team members of the mentioned departments."""
    ids = set(person_ids)
    if department_ids:
        ids.update(
            Person.objects.filter(departments__in=department_ids, projects=project_id).values_list("pk", flat=True)
        )
    return ids


def comment_mentioned_ids(*, comment, project_id):
    """Return the ids of the persons a comment mentions, by name or through a department of the team."""
    return mentioned_ids(
        person_ids=comment.mentions.values_list("pk", flat=True),
        department_ids=list(comment.department_mentions.values_list("pk", flat=True)),
        project_id=project_id,
    )


def task_follower_ids(task):
    """Return the ids of the task's assignees and of the people subscribed to it or to its sequence."""
    ids = set(TaskPersonLink.objects.filter(task_id=task.pk).values_list("person_id", flat=True))
    following = Q(task_id=task.pk)
    parent_id = Entity.objects.filter(pk=task.entity_id).values_list("parent_id", flat=True).first()
    if parent_id is not None:
        following |= Q(entity_id=parent_id, task_type_id=task.task_type_id)
    ids.update(Subscription.objects.filter(following).values_list("person_id", flat=True))
    return ids


@transaction.atomic
def comment_activity_record(*, comment, task, previous_status_id):
    """Write the notifications and the news line of a new comment, then announce them once committed.

    The status changed when the comment's status differs from the task's status before the comment.
    """
    change = comment.task_status_id is not None and comment.task_status_id != previous_status_id
    author_id = comment.person_id
    mentioned = comment_mentioned_ids(comment=comment, project_id=task.project_id) - {author_id}
    followers = task_follower_ids(task) - {author_id} - mentioned

    # A mentioned person gets the mention only, so each person hears about the comment once.
    notifications = [
        Notification(person_id=person_id, author_id=author_id, comment=comment, task=task, change=change, type=kind)
        for kind, person_ids in (("comment", followers), ("mention", mentioned))
        for person_id in sorted(person_ids, key=str)
    ]
    Notification.objects.bulk_create(notifications)

    news = None
    entity_type_name = Entity.objects.filter(pk=task.entity_id).values_list("entity_type__name", flat=True).first()
    if entity_type_name != "Concept":
        news = News.objects.create(
            change=change,
            author_id=author_id,
            comment=comment,
            task=task,
            preview_file_id=comment.preview_file_id,
            created_at=comment.created_at,
        )
    logger.info(
        "Comment %s on task %s notified %d person(s) (news %s)",
        comment.pk,
        task.pk,
        len(notifications),
        getattr(news, "pk", None),
    )

    event_send(
        name="comment:new",
        data={"comment_id": comment.pk, "task_id": task.pk, "task_status_id": comment.task_status_id},
        project_id=task.project_id,
        user=comment.person,
    )
    if change:
        event_send(
            name="task:status-changed",
            data={
                "task_id": task.pk,
                "new_task_status_id": comment.task_status_id,
                "previous_task_status_id": previous_status_id,
                "person_id": author_id,
            },
            project_id=task.project_id,
            user=comment.person,
        )
    if news is not None:
        event_send(
            name="news:new",
            data={"news_id": news.pk, "task_status_id": comment.task_status_id, "task_type_id": task.task_type_id},
            project_id=task.project_id,
            user=comment.person,
        )
    return notifications


def mention_notifications_add(*, comment, task):
    """Notify the people an edited comment mentions now and did not notify before."""
    mentioned = comment_mentioned_ids(comment=comment, project_id=task.project_id) - {comment.person_id}
    already = set(
        Notification.objects.filter(comment=comment, reply_id__isnull=True, person_id__in=mentioned).values_list(
            "person_id", flat=True
        )
    )
    notifications = [
        Notification(person_id=person_id, author_id=comment.person_id, comment=comment, task=task, type="mention")
        for person_id in sorted(mentioned - already, key=str)
    ]
    Notification.objects.bulk_create(notifications)
    if notifications:
        logger.info("Edited comment %s notified %d newly mentioned person(s)", comment.pk, len(notifications))
    return notifications


@transaction.atomic
def reply_activity_record(*, comment, task, reply, author):
    """Notify the people around a comment of a new reply, then announce the reply once committed.

    The task's followers, the comment's author and the authors of earlier replies get a
    "reply" notification, and the people the reply mentions a "reply-mention" one. Each
    person gets one notification and the reply's author none.
    """
    author_id = author.pk
    mentioned = mentioned_ids(
        person_ids=[uuid.UUID(value) for value in reply.get("mentions") or []],
        department_ids=[uuid.UUID(value) for value in reply.get("department_mentions") or []],
        project_id=task.project_id,
    ) - {author_id}
    earlier_authors = {
        uuid.UUID(earlier["person_id"])
        for earlier in comment.replies or []
        if earlier.get("id") != reply["id"] and earlier.get("person_id")
    }
    followers = (task_follower_ids(task) | earlier_authors | {comment.person_id}) - {author_id} - mentioned
    notifications = [
        Notification(
            person_id=person_id,
            author_id=author_id,
            comment=comment,
            task=task,
            reply_id=reply["id"],
            type=kind,
        )
        for kind, person_ids in (("reply", followers), ("reply-mention", mentioned))
        for person_id in sorted(person_ids, key=str)
    ]
    Notification.objects.bulk_create(notifications)
    logger.info("Reply %s on comment %s notified %d person(s)", reply["id"], comment.pk, len(notifications))
    event_send(
        name="comment:reply",
        data={"task_id": task.pk, "comment_id": comment.pk, "reply_id": reply["id"]},
        project_id=task.project_id,
        user=author,
    )
    return notifications


@transaction.atomic
def reply_activity_remove(*, comment, task, reply_id, user):
    """Delete the notifications of a removed reply and announce the removal once committed."""
    deleted, _ = Notification.objects.filter(comment=comment, reply_id=reply_id).delete()
    logger.info("Reply %s removed from comment %s with %d notification(s)", reply_id, comment.pk, deleted)
    event_send(
        name="comment:delete-reply",
        data={"task_id": task.pk, "comment_id": comment.pk, "reply_id": reply_id},
        project_id=task.project_id,
        user=user,
    )


@transaction.atomic
def assignment_activity_record(*, task_ids, person, assigner):
    """Notify `person` of new assignments by someone else and announce them once committed.

    A task that already has an unread assignment notice for that person gets no second one.
    """
    tasks = list(Task.objects.filter(pk__in=task_ids).only("pk", "project_id"))
    notified = []
    if assigner is not None and assigner.pk != person.pk:
        already = set(
            Notification.objects.filter(
                person=person, task_id__in=task_ids, type="assignation", read=False
            ).values_list("task_id", flat=True)
        )
        notified = Notification.objects.bulk_create(
            [
                Notification(person=person, author=assigner, task_id=task.pk, type="assignation")
                for task in tasks
                if task.pk not in already
            ]
        )
    for task in tasks:
        data = {"task_id": task.pk, "person_id": person.pk}
        event_send(name="task:assign", data=data, project_id=task.project_id, user=assigner)
        event_send(name="task:update", data={"task_id": task.pk}, project_id=task.project_id, user=assigner)
    logger.info("Person %s notified of %d assignment(s)", person.pk, len(notified))
    return notified


def unassignment_events_send(*, task_ids, person=None, user=None):
    """Announce that `person` (or every assignee when None) left the tasks."""
    tasks = Task.objects.filter(pk__in=task_ids).only("pk", "project_id")
    for task in tasks:
        if person is not None:
            data = {"person_id": person.pk, "task_id": task.pk}
            event_send(name="task:unassign", data=data, project_id=task.project_id, user=user)
        event_send(name="task:update", data={"task_id": task.pk}, project_id=task.project_id, user=user)


def entity_created_event_send(*, entity, user=None):
    """Announce a new asset, episode, sequence or shot, with the ids the reference's events carry."""
    kind = base_entity_type(entity.entity_type.name).lower()
    data = {f"{kind}_id": entity.pk}
    if kind == "asset":
        data["asset_type"] = entity.entity_type_id
    elif kind == "shot":
        data["episode_id"] = Entity.objects.filter(pk=entity.parent_id).values_list("parent_id", flat=True).first()
    event_send(name=f"{kind}:new", data=data, project_id=entity.project_id, user=user)


# ---- notifications of the logged-in person -------------------------------


def notifications_unread_count(*, person):
    return Notification.objects.filter(person=person, read=False).count()


@transaction.atomic
def notification_mark_read(*, notification, read, person):
    notification.read = read
    notification.save(update_fields=["read", "updated_at"])
    event_send(
        name="notification:read" if read else "notification:unread",
        data={"person_id": person.pk, "notification_id": notification.pk},
        user=person,
    )
    logger.info("Notification %s marked %s by %s", notification.pk, "read" if read else "unread", person.pk)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, person):
    count = Notification.objects.filter(person=person, read=False).update(read=True, updated_at=timezone.now())
    event_send(name="notification:all-read", data={"person_id": person.pk}, user=person)
    logger.info("%d notification(s) of %s marked read", count, person.pk)
    return count


def entity_full_name(entity):
    """Return (full name, episode id) of an entity: "Episode / Sequence / Shot", "Asset type / Asset"...

    The entity's type, parent and grand-parent must be loaded with it.
    """
    kind = base_entity_type(entity.entity_type.name)
    if kind == "Shot":
        sequence = entity.parent
        if sequence is None:
            return entity.name, None
        episode = sequence.parent
        if episode is None:
            return f"{sequence.name} / {entity.name}", None
        return f"{episode.name} / {sequence.name} / {entity.name}", episode.pk
    if kind == "Episode":
        return entity.name, None
    if kind == "Sequence":
        if entity.parent is None:
            return entity.name, None
        return f"{entity.parent.name} / {entity.name}", entity.parent_id
    return f"{entity.entity_type.name} / {entity.name}", entity.source_id


ENTITY_JOINS = ("task__entity__entity_type", "task__entity__parent__parent", "task__project")


def user_notifications_queryset(*, person, filters):
    """The caller's notifications, newest first, with what each line shows loaded in a fixed number of queries."""
    subscription = Subscription.objects.filter(task_id=OuterRef("task_id"), person=person).values("pk")[:1]
    queryset = (
        Notification.objects.filter(person=person)
        .select_related("author", "comment", *ENTITY_JOINS)
        .prefetch_related(
            Prefetch("comment__mentions", queryset=Person.objects.only("pk")),
            Prefetch("comment__department_mentions", queryset=Department.objects.only("pk")),
        )
        .annotate(subscription_id=Subquery(subscription))
        .order_by("-created_at")
    )
    if filters.get("after") is not None:
        queryset = queryset.filter(created_at__gt=filters["after"])
    if filters.get("before") is not None:
        queryset = queryset.filter(created_at__lt=filters["before"])
    if filters.get("task_type_id") is not None:
        queryset = queryset.filter(task__task_type_id=filters["task_type_id"])
    if filters.get("task_status_id") is not None:
        queryset = queryset.filter(task__task_status_id=filters["task_status_id"])
    if filters.get("type") is not None:
        queryset = queryset.filter(type=filters["type"])
    if filters.get("read") is not None:
        queryset = queryset.filter(read=filters["read"])
    if filters.get("watching") is not None:
        queryset = queryset.filter(subscription_id__isnull=not filters["watching"])
    if filters.get("id") is not None:
        queryset = queryset.filter(pk=filters["id"])
    return queryset


def reply_of(comment, reply_id):
    for reply in (comment.replies or []) if comment is not None else []:
        if isinstance(reply, dict) and str(reply.get("id")) == str(reply_id):
            return reply
    return None


def user_notification_rows(*, person, filters, limit=NOTIFICATION_LIST_LIMIT):
    """Return the caller's notifications as the notification center lists them."""
    rows = []
    hide_client_text = person.role == "user"
    for notification in user_notifications_queryset(person=person, filters=filters)[:limit]:
        task = notification.task
        comment = notification.comment
        full_name, episode_id = entity_full_name(task.entity)
        reply = reply_of(comment, notification.reply_id) if notification.type in ("reply", "reply-mention") else None
        comment_text = comment.text if comment is not None else None
        reply_text = (reply.get("text") or "") if reply is not None else ""
        # Artists do not read what clients wrote.
        if hide_client_text and notification.author.role == "client":
            comment_text, reply_text = "", ""
        rows.append(
            {
                "id": str(notification.pk),
                "type": "Notification",
                "notification_type": notification.type,
                "author_id": str(notification.author_id),
                "comment_id": str(comment.pk) if comment is not None else None,
                "task_id": str(task.pk),
                "task_type_id": str(task.task_type_id),
                "task_status_id": str(comment.task_status_id) if comment and comment.task_status_id else None,
                "mentions": [str(row.pk) for row in comment.mentions.all()] if comment else [],
                "department_mentions": [str(row.pk) for row in comment.department_mentions.all()] if comment else [],
                "reply_mentions": list((reply or {}).get("mentions") or []),
                "reply_department_mentions": list((reply or {}).get("department_mentions") or []),
                "preview_file_id": str(comment.preview_file_id) if comment and comment.preview_file_id else None,
                "project_id": str(task.project_id),
                "project_name": task.project.name,
                "comment_text": comment_text,
                "reply_text": reply_text,
                "created_at": format_datetime(notification.created_at),
                "read": notification.read,
                "change": notification.change,
                "full_entity_name": full_name,
                "episode_id": str(episode_id) if episode_id else None,
                "entity_preview_file_id": id_or_none(task.entity.preview_file_id),
                "subscription_id": id_or_none(notification.subscription_id),
            }
        )
    return rows


def id_or_none(value):
    return None if value is None else str(value)


# ---- subscriptions --------------------------------------------------------


@transaction.atomic
def task_subscribe(*, person, task):
    subscription, created = Subscription.objects.get_or_create(person=person, task=task)
    if created:
        logger.info("Person %s subscribed to task %s", person.pk, task.pk)
    return subscription


@transaction.atomic
def task_unsubscribe(*, person, task):
    deleted, _ = Subscription.objects.filter(person=person, task=task).delete()
    if deleted:
        logger.info("Person %s unsubscribed from task %s", person.pk, task.pk)
    return deleted


@transaction.atomic
def sequence_subscribe(*, person, sequence, task_type):
    subscription, created = Subscription.objects.get_or_create(person=person, entity=sequence, task_type=task_type)
    if created:
        logger.info("Person %s subscribed to sequence %s for task type %s", person.pk, sequence.pk, task_type.pk)
    return subscription


@transaction.atomic
def sequence_unsubscribe(*, person, sequence, task_type):
    deleted, _ = Subscription.objects.filter(person=person, entity=sequence, task_type=task_type).delete()
    if deleted:
        logger.info("Person %s unsubscribed from sequence %s for task type %s", person.pk, sequence.pk, task_type.pk)
    return deleted


def sequence_subscription_ids(*, person, project_id, task_type_id):
    """Return the ids of the project's sequences `person` follows for a task type."""
    ids = Subscription.objects.filter(
        person=person, entity__project_id=project_id, task_type_id=task_type_id
    ).values_list("entity_id", flat=True)
    return [str(pk) for pk in ids]


# ---- news feed ------------------------------------------------------------


def news_queryset(*, project_ids=None, entity_id=None, news_id=None, filters=None):
    """News lines matching the feed's filters, newest first, with what each line shows joined in."""
    filters = filters or {}
    queryset = News.objects.order_by("-created_at", "-id")
    if project_ids is not None:
        queryset = queryset.filter(task__project_id__in=project_ids)
    if entity_id is not None:
        queryset = queryset.filter(task__entity_id=entity_id)
    if news_id is not None:
        queryset = queryset.filter(pk=news_id)
    if filters.get("episode_id") is not None:
        queryset = queryset.filter(task__entity__parent__parent_id=filters["episode_id"])
    if filters.get("task_status_id") is not None:
        queryset = queryset.filter(comment__task_status_id=filters["task_status_id"], change=True)
    if filters.get("task_type_id") is not None:
        queryset = queryset.filter(task__task_type_id=filters["task_type_id"])
    if filters.get("person_id") is not None:
        queryset = queryset.filter(author_id=filters["person_id"])
    if filters.get("only_preview"):
        queryset = queryset.filter(preview_file_id__isnull=False)
    if filters.get("after") is not None:
        queryset = queryset.filter(created_at__gt=filters["after"])
    if filters.get("before") is not None:
        queryset = queryset.filter(created_at__lt=filters["before"])
    return queryset


def news_rows(queryset):
    rows = []
    for news in queryset.select_related("comment", *ENTITY_JOINS):
        task = news.task
        full_name, episode_id = entity_full_name(task.entity)
        rows.append(
            {
                "id": str(news.pk),
                "type": "News",
                "author_id": str(news.author_id),
                "comment_id": id_or_none(news.comment_id),
                "task_id": str(news.task_id),
                "task_type_id": str(task.task_type_id),
                "task_status_id": id_or_none(news.comment.task_status_id) if news.comment_id else None,
                "task_entity_id": str(task.entity_id),
                "preview_file_id": id_or_none(news.preview_file_id),
                # TODO: fill the preview file's extension and revision once preview files have their table.
                "preview_file_extension": None,
                "preview_file_revision": None,
                "project_id": str(task.project_id),
                "project_name": task.project.name,
                "created_at": format_datetime(news.created_at),
                "change": news.change,
                "full_entity_name": full_name,
                "episode_id": id_or_none(episode_id),
                "entity_preview_file_id": id_or_none(task.entity.preview_file_id),
            }
        )
    return rows


def news_stats(queryset):
    """Count the status changes of the feed per new status: {task status id: count}."""
    counts = (
        queryset.filter(change=True, comment__isnull=False)
        .order_by()
        .values("comment__task_status_id")
        .annotate(count=Count("pk"))
    )
    return {str(row["comment__task_status_id"]): row["count"] for row in counts if row["comment__task_status_id"]}


def news_page(*, project_ids=None, entity_id=None, filters=None, page=1, limit=NEWS_PAGE_SIZE, stats=True):
    """Return one page of the news feed: {data, total, nb_pages, limit, offset, page[, stats]} in three queries."""
    queryset = news_queryset(project_ids=project_ids, entity_id=entity_id, filters=filters)
    offset = (page - 1) * limit
    total = queryset.count()
    result = {
        "data": news_rows(queryset[offset : offset + limit]),
        "total": total,
        "nb_pages": int(math.ceil(total / float(limit))) if limit else 0,
        "limit": limit,
        "offset": offset,
        "page": page,
    }
    if stats:
        result["stats"] = news_stats(queryset)
    return result


def news_one(*, project_id, news_id):
    rows = news_rows(news_queryset(project_ids=[project_id], news_id=news_id))
    return rows[0] if rows else None
