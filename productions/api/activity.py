"""Notifications, subscriptions, the news feed and the event log.

`urlpatterns` go under /api/data/, `action_urlpatterns` under /api/actions/. The
generic /data/notifications, /data/subscriptions, /data/news and /data/events
collections are admin only, as in the reference.
"""

import datetime

from django.db.models import Subquery
from django.urls import re_path
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import LoginLog
from kitsu_project.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, check_page
from kitsu_project.api.permissions import ADMIN, ADMIN_ONLY, STAFF_ROLES, VENDOR
from kitsu_project.api.serialization import format_datetime, serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, MalformedId, parse_path_id, path_row
from productions.access import can_read_entity_row, can_read_project_row, in_open_project_team
from productions.models import ApiEvent, Entity, News, Notification, Project, Subscription, Task, TaskType
from productions.services import events as event_services
from productions.services import notifications as notification_services
from productions.services.projects import OPEN_STATUS

NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."
TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no"}
MAX_EVENT_LIMIT = 20000


# ---- query-string parsing ---------------------------------------------------


def date_param(request, name):
    """Parse the query parameter `name` as "YYYY-MM-DDTHH:MM:SS" or "YYYY-MM-DD" in UTC, or raise a 400 naming it."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    value = None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            if day is not None:
                value = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({name: [f"expected a date as 2020-01-05T13:23:10 or 2020-01-05, got {raw!r}."]})
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def int_param(request, name, default, *, minimum=1, maximum=None):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"must be a whole number, got {raw!r}."]}) from None
    if value < minimum:
        raise ValidationError({name: [f"must be {minimum} or more, got {value}."]})
    check_page(name, value)
    return min(value, maximum) if maximum is not None else value


def bool_param(request, name):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw.lower() in TRUE_VALUES:
        return True
    if raw.lower() in FALSE_VALUES:
        return False
    raise ValidationError({name: [f"expected true or false, got {raw!r}."]})


def id_param(request, name):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return parse_path_id(raw)
    except MalformedId:
        raise ValidationError({name: [f"invalid id {raw!r}: expected a UUID."]}) from None


def body_bool(request, name):
    data = request.data if hasattr(request.data, "get") else {}
    raw = data.get(name)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in TRUE_VALUES | FALSE_VALUES:
        return raw.lower() in TRUE_VALUES
    raise ValidationError({name: ["expected true or false."]})


# ---- shared loaders -----------------------------------------------------------


class ActivityView(APIView):
    permission_classes = [IsAuthenticated]


def load_task(task_id):
    return path_row(Task.objects.all(), task_id, "task")


def load_sequence(sequence_id):
    return path_row(Entity.objects.filter(entity_type__name="Sequence"), sequence_id, "sequence")


def load_task_type(task_type_id):
    return path_row(TaskType.objects.all(), task_type_id, "task type")


def load_project(project_id):
    return path_row(Project.objects.all(), project_id, "project")


def check_project_read(user, project_id):
    if not can_read_project_row(user, project_id):
        raise PermissionDenied(NOT_ALLOWED)


def check_not_vendor(user):
    if user.role == VENDOR:
        raise PermissionDenied(NOT_ALLOWED)


def notification_row(notification):
    """A notification row as the generic routes show it: its kind is `notification_type`, as "type" names the model."""
    row = serialize_row(notification)
    row["notification_type"] = notification.type
    row["type"] = "Notification"
    return row


# ---- event log -------------------------------------------------------------


class LastEventsView(ActivityView):
    """GET the newest events (admins and managers), filtered by date, project, name or file events."""

    def get(self, request):
        if request.user.role not in STAFF_ROLES:
            raise PermissionDenied(NOT_ALLOWED)
        rows = event_services.events_last(
            after=date_param(request, "after"),
            before=date_param(request, "before"),
            limit=int_param(request, "limit", 100, maximum=MAX_EVENT_LIMIT),
            only_files=request.query_params.get("only_files", "").lower() in TRUE_VALUES,
            project_id=id_param(request, "project_id"),
            name=request.query_params.get("name") or None,
        )
        return Response(
            [
                {
                    "id": str(row["id"]),
                    "created_at": format_datetime(row["created_at"]),
                    "name": row["name"],
                    "user_id": None if row["user_id"] is None else str(row["user_id"]),
                    "data": row["data"],
                }
                for row in rows
            ]
        )


class LastLoginLogsView(ActivityView):
    """GET the newest logins (admins and managers), before a date."""

    def get(self, request):
        if request.user.role not in STAFF_ROLES:
            raise PermissionDenied(NOT_ALLOWED)
        queryset = LoginLog.objects.order_by("-created_at")
        before = date_param(request, "before")
        if before is not None:
            queryset = queryset.filter(created_at__lt=before)
        limit = int_param(request, "limit", 100, maximum=MAX_EVENT_LIMIT)
        rows = queryset.values_list("created_at", "ip_address", "person_id")[:limit]
        return Response(
            [
                {"created_at": format_datetime(created_at), "ip_address": ip_address, "person_id": str(person_id)}
                for created_at, ip_address, person_id in rows
            ]
        )


# ---- the caller's notifications ----------------------------------------------


def notification_filters(request):
    kind = request.query_params.get("type") or None
    if kind is not None and kind not in dict(Notification.TYPES):
        raise ValidationError({"type": [f"unknown notification type {kind!r}."]})
    return {
        "after": date_param(request, "after"),
        "before": date_param(request, "before"),
        "task_type_id": id_param(request, "task_type_id"),
        "task_status_id": id_param(request, "task_status_id"),
        "type": kind,
        "read": bool_param(request, "read"),
        "watching": bool_param(request, "watching"),
    }


class UserNotificationsView(ActivityView):
    """GET the caller's last 100 notifications, newest first."""

    def get(self, request):
        rows = notification_services.user_notification_rows(person=request.user, filters=notification_filters(request))
        return Response(rows)


class UserNotificationView(ActivityView):
    """GET one of the caller's notifications; PUT `read` to mark it read or unread."""

    http_method_names = ["get", "put", "head", "options"]

    def get_row(self, request, notification_id):
        filters = {"id": parse_path_id(notification_id)}
        rows = notification_services.user_notification_rows(person=request.user, filters=filters, limit=1)
        if not rows:
            raise NotFound(f"No notification of yours has the id {notification_id}.")
        return rows[0]

    def get(self, request, notification_id):
        return Response(self.get_row(request, notification_id))

    def put(self, request, notification_id):
        queryset = Notification.objects.filter(person=request.user)
        notification = path_row(queryset, notification_id, "notification of yours")
        read = body_bool(request, "read")
        notification = notification_services.notification_mark_read(
            notification=notification, read=read, person=request.user
        )
        return Response(notification_row(notification))


class MarkAllNotificationsReadView(ActivityView):
    def post(self, request):
        notification_services.notifications_mark_all_read(person=request.user)
        return Response({"success": True})


# ---- subscriptions -----------------------------------------------------------


def readable_task(request, task_id):
    task = load_task(task_id)
    if request.user.role != ADMIN and not can_read_entity_row(request.user, task.project_id, task.entity_id):
        raise PermissionDenied(NOT_ALLOWED)
    return task


def readable_sequence(request, sequence_id):
    sequence = load_sequence(sequence_id)
    check_project_read(request.user, sequence.project_id)
    return sequence


class TaskSubscribedView(ActivityView):
    def get(self, request, task_id):
        task = readable_task(request, task_id)
        return Response(Subscription.objects.filter(person=request.user, task=task).exists())


class TaskSubscribeView(ActivityView):
    def post(self, request, task_id):
        task = readable_task(request, task_id)
        subscription = notification_services.task_subscribe(person=request.user, task=task)
        return Response(serialize_row(subscription), status=status.HTTP_201_CREATED)


class TaskUnsubscribeView(ActivityView):
    def delete(self, request, task_id):
        task = load_task(task_id)
        notification_services.task_unsubscribe(person=request.user, task=task)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SequenceSubscribedView(ActivityView):
    def get(self, request, sequence_id, task_type_id):
        sequence = readable_sequence(request, sequence_id)
        task_type = load_task_type(task_type_id)
        subscribed = Subscription.objects.filter(person=request.user, entity=sequence, task_type=task_type).exists()
        return Response(subscribed)


class SequenceSubscribeView(ActivityView):
    def post(self, request, sequence_id, task_type_id):
        sequence = readable_sequence(request, sequence_id)
        task_type = load_task_type(task_type_id)
        subscription = notification_services.sequence_subscribe(
            person=request.user, sequence=sequence, task_type=task_type
        )
        return Response(serialize_row(subscription), status=status.HTTP_201_CREATED)


class SequenceUnsubscribeView(ActivityView):
    def delete(self, request, sequence_id, task_type_id):
        sequence = load_sequence(sequence_id)
        task_type = load_task_type(task_type_id)
        notification_services.sequence_unsubscribe(person=request.user, sequence=sequence, task_type=task_type)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SequenceSubscriptionsView(ActivityView):
    """GET the ids of the project's sequences the caller follows for a task type."""

    def get(self, request, project_id, task_type_id):
        project = load_project(project_id)
        check_project_read(request.user, project.pk)
        task_type = load_task_type(task_type_id)
        ids = notification_services.sequence_subscription_ids(
            person=request.user, project_id=project.pk, task_type_id=task_type.pk
        )
        return Response(ids)


# ---- project-wide lists (admins) -------------------------------------------------


class ProjectNotificationsView(ActivityView):
    """GET every notification about the project's tasks (admins); paged with `page`."""

    def get(self, request, project_id):
        if request.user.role != ADMIN:
            raise PermissionDenied(NOT_ALLOWED)
        project = load_project(project_id)
        queryset = Notification.objects.filter(task__project=project).order_by("-updated_at", "pk")
        page = int_param(request, "page", 0, minimum=0)
        if page < 1:
            return Response([notification_row(row) for row in queryset])
        limit = int_param(request, "limit", DEFAULT_LIMIT, maximum=MAX_LIMIT)
        total = queryset.count()
        offset = (page - 1) * limit
        return Response(
            {
                "data": [notification_row(row) for row in queryset[offset : offset + limit]],
                "total": total,
                "nb_pages": -(-total // limit),
                "limit": limit,
                "offset": offset,
                "page": page,
            }
        )


class ProjectSubscriptionsView(ActivityView):
    """GET every task subscription of the project (admins)."""

    def get(self, request, project_id):
        if request.user.role != ADMIN:
            raise PermissionDenied(NOT_ALLOWED)
        project = load_project(project_id)
        queryset = Subscription.objects.filter(task__project=project).order_by("created_at")
        return Response([serialize_row(row) for row in queryset])


# ---- news feed -----------------------------------------------------------------


def news_filters(request):
    return {
        "only_preview": bool_param(request, "only_preview") or False,
        "task_type_id": id_param(request, "task_type_id"),
        "task_status_id": id_param(request, "task_status_id"),
        "episode_id": id_param(request, "episode_id"),
        "person_id": id_param(request, "person_id"),
        "after": date_param(request, "after"),
        "before": date_param(request, "before"),
    }


def news_answer(request, project_ids):
    page = notification_services.news_page(
        project_ids=project_ids,
        filters=news_filters(request),
        page=int_param(request, "page", 1),
        limit=int_param(request, "limit", notification_services.NEWS_PAGE_SIZE, maximum=MAX_EVENT_LIMIT),
    )
    return Response(page)


class ProjectNewsView(ActivityView):
    """GET one page of a project's news feed, with the count of status changes per status in `stats`."""

    def get(self, request, project_id):
        project = load_project(project_id)
        check_not_vendor(request.user)
        check_project_read(request.user, project.pk)
        return news_answer(request, [project.pk])


class OpenProjectsNewsView(ActivityView):
    """GET the news feed of every open project the caller works on (every open project for an admin)."""

    def get(self, request):
        check_not_vendor(request.user)
        projects = Project.objects.filter(project_status__name=OPEN_STATUS)
        if request.user.role != ADMIN:
            projects = projects.filter(in_open_project_team(request.user, "pk"))
        return news_answer(request, Subquery(projects.values("pk")))


class ProjectNewsItemView(ActivityView):
    def get(self, request, project_id, news_id):
        project = load_project(project_id)
        check_not_vendor(request.user)
        check_project_read(request.user, project.pk)
        row = notification_services.news_one(project_id=project.pk, news_id=parse_path_id(news_id))
        if row is None:
            raise NotFound(f"No news of this project has the id {news_id}.")
        return Response(row)


class EntityNewsView(ActivityView):
    """GET the news of an entity's tasks, newest first."""

    def get(self, request, entity_id):
        entity = path_row(Entity.objects.all(), entity_id, "entity")
        check_not_vendor(request.user)
        check_project_read(request.user, entity.project_id)
        page = notification_services.news_page(
            entity_id=entity.pk, limit=notification_services.ENTITY_NEWS_LIMIT, stats=False
        )
        return Response(page)


# ---- generic /data collections (admins) -----------------------------------------


class NotificationSerializer(serializer_for(Notification)):
    """A notification whose kind is `notification_type` in responses. Input may also name the kind "type"."""

    def get_fields(self):
        fields = super().get_fields()
        field = fields.pop("type")
        field.source = "type"
        fields["notification_type"] = field
        return fields

    def to_internal_value(self, data):
        kind = data.get("type") if isinstance(data, dict) else None
        if kind not in (None, "Notification") and "notification_type" not in data:
            data = {**data, "notification_type": kind}
        if isinstance(data, dict):
            data = {key: value for key, value in data.items() if key != "type"}
        return super().to_internal_value(data)

    def known_output_keys(self):
        return super().known_output_keys() | {"notification_type"}

    def to_representation(self, instance):
        return notification_row(instance)


class AdminOnlyViewSet(KitsuModelViewSet):
    read_roles = ADMIN_ONLY


class NotificationViewSet(AdminOnlyViewSet):
    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer


class SubscriptionViewSet(AdminOnlyViewSet):
    queryset = Subscription.objects.all()
    serializer_class = serializer_for(Subscription)


class NewsViewSet(AdminOnlyViewSet):
    queryset = News.objects.all()
    serializer_class = serializer_for(News)


class ApiEventViewSet(AdminOnlyViewSet):
    queryset = ApiEvent.objects.all()
    serializer_class = serializer_for(ApiEvent)


TASK = r"(?P<task_id>[^/]+)"
SEQUENCE_TASK_TYPE = r"(?P<sequence_id>[^/]+)/task-types/(?P<task_type_id>[^/]+)"

urlpatterns = [
    re_path(r"^events/last/?$", LastEventsView.as_view()),
    re_path(r"^events/login-logs/last/?$", LastLoginLogsView.as_view()),
    re_path(r"^user/notifications/?$", UserNotificationsView.as_view()),
    re_path(r"^user/notifications/(?P<notification_id>[^/]+)/?$", UserNotificationView.as_view()),
    re_path(rf"^user/tasks/{TASK}/subscribed/?$", TaskSubscribedView.as_view()),
    re_path(rf"^user/entities/{SEQUENCE_TASK_TYPE}/subscribed/?$", SequenceSubscribedView.as_view()),
    re_path(
        r"^user/projects/(?P<project_id>[^/]+)/task-types/(?P<task_type_id>[^/]+)/sequence-subscriptions/?$",
        SequenceSubscriptionsView.as_view(),
    ),
    re_path(r"^projects/news/?$", OpenProjectsNewsView.as_view()),
    re_path(r"^projects/(?P<project_id>[^/]+)/news/?$", ProjectNewsView.as_view()),
    re_path(r"^projects/(?P<project_id>[^/]+)/news/(?P<news_id>[^/]+)/?$", ProjectNewsItemView.as_view()),
    re_path(r"^projects/(?P<project_id>[^/]+)/notifications/?$", ProjectNotificationsView.as_view()),
    re_path(r"^projects/(?P<project_id>[^/]+)/subscriptions/?$", ProjectSubscriptionsView.as_view()),
    re_path(r"^entities/(?P<entity_id>[^/]+)/news/?$", EntityNewsView.as_view()),
]

action_urlpatterns = [
    re_path(r"^user/notifications/mark-all-as-read/?$", MarkAllNotificationsReadView.as_view()),
    re_path(rf"^user/tasks/{TASK}/subscribe/?$", TaskSubscribeView.as_view()),
    re_path(rf"^user/tasks/{TASK}/unsubscribe/?$", TaskUnsubscribeView.as_view()),
    re_path(rf"^user/sequences/{SEQUENCE_TASK_TYPE}/subscribe/?$", SequenceSubscribeView.as_view()),
    re_path(rf"^user/sequences/{SEQUENCE_TASK_TYPE}/unsubscribe/?$", SequenceUnsubscribeView.as_view()),
]
