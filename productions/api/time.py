"""Time spent on tasks and day offs: the task actions that log time, the generic /data rows, the
per-person and studio-wide time tables, and the caller's own time and absences.

Read access:
- Admins read everything.
- Every person reads their own time and day offs.
- Managers and supervisors read the time of others on the open projects of their teams. Supervisors
  who belong to departments read only the time logged on their departments' task types.
- Artists, clients and vendors read no time of others, so the studio tables show them their own time.
Time is logged for a person assigned to the task, by that person, a team manager or an admin.
"""

import datetime
import logging

from django.http import JsonResponse
from django.urls import re_path
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Person
from kitsu_project.api.permissions import ADMIN, ADMIN_ONLY, ALL_ROLES, CLIENT, MANAGER, SUPERVISOR, VENDOR
from kitsu_project.api.serialization import serialize_queryset, serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, parse_path_id, path_row, query_uuid
from productions.access import can_read_entity_row, can_read_project_row, is_team_member
from productions.models import DayOff, Entity, Project, Task, TaskPersonLink, TaskType, TimeSpent
from productions.services import time as time_services
from productions.services.user_views import related_projects_queryset

logger = logging.getLogger("productions.time")

ID = "(?P<{}>[^/]+)"
NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."


# ---- access rules --------------------------------------------------------------


def may_log_time(user, task, person_id):
    """Return True when `person_id` is assigned to the task and the caller is them, a team manager or an admin."""
    if not TaskPersonLink.objects.filter(task=task, person_id=person_id).exists():
        return False
    if user.pk == person_id or user.role == ADMIN:
        return True
    return user.role == MANAGER and is_team_member(user, task.project_id)


def check_task_read(user, task):
    if user.role != ADMIN and not can_read_entity_row(user, task.project_id, task.entity_id):
        raise PermissionDenied(NOT_ALLOWED)


def user_department_ids(user):
    return list(user.departments.values_list("pk", flat=True))


def others_time_scope(user, project_id=None):
    """Return the limits (project_ids, department_ids) on the time of others that a manager or supervisor reads.

    Raise 403 for other roles, or when `project_id` is not one of the caller's open projects.
    """
    if user.role not in (MANAGER, SUPERVISOR):
        raise PermissionDenied(NOT_ALLOWED)
    project_ids = list(related_projects_queryset(user).values_list("pk", flat=True))
    if project_id is not None:
        if project_id not in project_ids:
            raise PermissionDenied("You are not allowed to see the time of this project: you are not in its team.")
        project_ids = [project_id]
    department_ids = user_department_ids(user) if user.role == SUPERVISOR else None
    return project_ids, department_ids


def person_time_scope(request, person):
    """Return {project_ids, department_ids} limiting what the caller reads of `person`'s time."""
    user = request.user
    project_id = query_uuid(request, "project_id")
    if user.role == ADMIN or user.pk == person.pk:
        return {"project_ids": [project_id] if project_id else None, "department_ids": None}
    project_ids, department_ids = others_time_scope(user, project_id)
    return {"project_ids": project_ids, "department_ids": department_ids}


def studio_table_scope(request):
    """Return the filters of a studio-wide time table for the caller (see the module docstring)."""
    user = request.user
    project_id = query_uuid(request, "project_id")
    department_id = query_uuid(request, "department_id")
    scope = {
        "person_id": None,
        "project_ids": [project_id] if project_id else None,
        "department_ids": [department_id] if department_id else None,
        "studio_id": query_uuid(request, "studio_id"),
    }
    if user.role == ADMIN:
        return scope
    if user.role not in (MANAGER, SUPERVISOR):
        scope["person_id"] = user.pk
        return scope
    scope["project_ids"], own_departments = others_time_scope(user, project_id)
    if user.role == SUPERVISOR and own_departments:
        if department_id is not None and department_id not in own_departments:
            raise ValidationError({"department_id": ["you do not supervise this department."]})
        if department_id is None:
            scope["department_ids"] = own_departments
    return scope


def check_own_or_admin(user, person):
    if user.role != ADMIN and user.pk != person.pk:
        raise PermissionDenied("You are not allowed to see this: it belongs to another person.")


# ---- loading -------------------------------------------------------------------


def load_task(task_id):
    return path_row(Task.objects.all(), task_id, "task")


def load_person(person_id):
    return path_row(Person.objects.all(), person_id, "person")


def load_human(person_id):
    """Load a person whose time and absences are read; bots log no time and take no days off (403)."""
    person = load_person(person_id)
    if person.is_bot:
        raise PermissionDenied("This person is a bot: bots have no time spents, day offs or quotas.")
    return person


def time_spent_rows(queryset):
    return serialize_queryset(queryset.order_by("date", "created_at"))


def date_range_of(request):
    """Return (start, end) from the `start_date` and `end_date` query values. Only one of them is a 400."""
    start = request.query_params.get("start_date")
    end = request.query_params.get("end_date")
    if not start and not end:
        return None, None
    if not start or not end:
        missing = "end_date" if start else "start_date"
        raise ValidationError({missing: ["a range of dates needs both start_date and end_date."]})
    return (
        time_services.parse_date(start, key="start_date"),
        time_services.parse_date(end, key="end_date"),
    )


class TimeView(APIView):
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "head", "options"]


# ---- task actions ----------------------------------------------------------------


class TaskTimeSpentsView(TimeView):
    """Time logged on a task as {"total": minutes, person id: [time spents]}, for one day when the path has a date."""

    def get(self, request, task_id, date=None):
        task = load_task(task_id)
        check_task_read(request.user, task)
        day = time_services.parse_date(date, not_found=True) if date is not None else None
        return Response(time_services.task_time_spents(task_id=task.pk, date=day))


class SetTimeSpentView(APIView):
    """POST sets the time a person logged on a task for a day, or adds to it on `/add`. DELETE removes it."""

    permission_classes = [IsAuthenticated]
    http_method_names = ["post", "delete", "options"]
    add = False

    def load(self, request, task_id, date, person_id):
        task = load_task(task_id)
        person = load_person(person_id)
        day = time_services.parse_date(date, not_found=True)
        if not may_log_time(request.user, task, person.pk):
            logger.warning("Time spent on task %s for person %s rejected for %s", task.pk, person.pk, request.user.pk)
            raise PermissionDenied("You are not allowed to log this time: the person must be assigned to the task.")
        return task, person, day

    def post(self, request, task_id, date, person_id):
        data = request.data if isinstance(request.data, dict) else {}
        duration = time_services.parse_duration(data)
        task, person, day = self.load(request, task_id, date, person_id)
        row = time_services.time_spent_set(task=task, person=person, date=day, duration=duration, add=self.add)
        return Response(serialize_row(row), status=201)

    def delete(self, request, task_id, date, person_id):
        task, person, day = self.load(request, task_id, date, person_id)
        row = time_services.time_spent_delete(task=task, person=person, date=day)
        return Response(serialize_row(row))


# ---- generic /data rows ------------------------------------------------------------


class TimeSpentSerializer(serializer_for(TimeSpent)):
    def validate_duration(self, value):
        if value is None or not value > 0:
            raise ValidationError("must be a positive number of minutes.")
        if value > time_services.MAX_DAY_MINUTES:
            raise ValidationError(f"{value:g} minutes do not fit in one day: at most {time_services.MAX_DAY_MINUTES}.")
        return value

    def get_validators(self):
        # The (person, task, date) uniqueness is checked in `validate`, to name the date.
        return []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance
        keys = {
            name: attrs.get(name, getattr(instance, name, None) if instance is not None else None)
            for name in ("person", "task", "date")
        }
        if None not in keys.values():
            others = TimeSpent.objects.filter(**keys)
            if instance is not None:
                others = others.exclude(pk=instance.pk)
            if others.exists():
                raise ValidationError({"date": ["this person already has a time spent on this task for this day."]})
        return attrs


class TimeSpentViewSet(KitsuModelViewSet):
    """Time spents that admins read and write. A person or a team manager may delete time they may log."""

    queryset = TimeSpent.objects.all()
    serializer_class = TimeSpentSerializer
    read_roles = ADMIN_ONLY
    delete_roles = ALL_ROLES

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list":
            start, end = date_range_of(self.request)
            if start is not None:
                queryset = queryset.filter(date__gte=start, date__lte=end)
        return queryset

    def has_row_access(self, user, row):
        if self.action == "destroy":
            return may_log_time(user, row.task, row.person_id)
        return True

    def perform_create(self, serializer):
        time_services.time_spent_save(serializer=serializer)

    def perform_update(self, serializer):
        time_services.time_spent_save(serializer=serializer)

    def delete_row(self, row, *, force):
        time_services.time_spent_remove(time_spent=row)


class DayOffSerializer(serializer_for(DayOff)):
    def get_validators(self):
        # Overlaps (same start included) are checked by `day_off_save`, under a lock.
        return []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance
        date = attrs.get("date", getattr(instance, "date", None))
        end_date = attrs.get("end_date", getattr(instance, "end_date", None))
        if date is not None and end_date is not None and end_date < date:
            raise ValidationError({"end_date": [f"the day off ends ({end_date}) before it starts ({date})."]})
        return attrs


class DayOffViewSet(KitsuModelViewSet):
    """Day offs that admins list. A person reads, adds, changes and removes their own."""

    queryset = DayOff.objects.all()
    serializer_class = DayOffSerializer
    list_roles = ADMIN_ONLY
    create_roles = ALL_ROLES
    update_roles = ALL_ROLES
    delete_roles = ALL_ROLES

    def has_row_access(self, user, row):
        if user.role == ADMIN:
            return True
        if row.person_id != user.pk:
            return False
        if self.action in ("update", "partial_update") and "person_id" in self.request.data:
            return str(self.request.data["person_id"]) == str(user.pk)
        return True

    def perform_create(self, serializer):
        person = serializer.validated_data.get("person")
        user = self.request.user
        if user.role != ADMIN and (person is None or person.pk != user.pk):
            logger.warning("Day off for person %s rejected for %s", getattr(person, "pk", None), user.pk)
            raise PermissionDenied("You are not allowed to do this: only admins add day offs for others.")
        time_services.day_off_save(serializer=serializer)

    def perform_update(self, serializer):
        time_services.day_off_save(serializer=serializer)


# ---- a person's time -------------------------------------------------------------------


class PersonTimeSpentsView(TimeView):
    """Every time spent of a person, or those between `start_date` and `end_date` (both included)."""

    def get(self, request, person_id):
        person = load_human(person_id)
        scope = person_time_scope(request, person)
        start, end = date_range_of(request)
        queryset = time_services.scope_time_spents(TimeSpent.objects.all(), person_id=person.pk, **scope)
        if start is not None:
            queryset = queryset.filter(date__gte=start, date__lte=end)
        return Response(time_spent_rows(queryset))


class PersonDateTimeSpentsView(TimeView):
    def get(self, request, person_id, date):
        person = load_human(person_id)
        scope = person_time_scope(request, person)
        day = time_services.parse_date(date, not_found=True)
        queryset = time_services.scope_time_spents(TimeSpent.objects.filter(date=day), person_id=person.pk, **scope)
        return Response(time_spent_rows(queryset))


class PersonPeriodTimeSpentsView(TimeView):
    """Minutes a person logged per task over a year, month, ISO week or day, with project and entity names."""

    interval = None

    def get(self, request, person_id, **period):
        person = load_human(person_id)
        start, end = self.interval(**period)
        scope = person_time_scope(request, person)
        return Response(time_services.person_time_entries(person_id=person.pk, start=start, end=end, **scope))


class PersonMonthAllTimeSpentsView(TimeView):
    """Every time spent row of a person in a month, for the person or an admin only."""

    def get(self, request, person_id, year, month):
        person = load_human(person_id)
        start, end = time_services.month_interval(year, month)
        check_own_or_admin(request.user, person)
        queryset = TimeSpent.objects.filter(person=person, date__gte=start, date__lt=end)
        return Response(time_spent_rows(queryset))


class StudioTimeTableView(TimeView):
    """{unit: {person id: minutes}} over the studio, limited to what the caller may see."""

    level = None

    def get(self, request, year=None, month=None):
        if self.level == "day":
            start, end = time_services.month_interval(year, month)
        elif year is not None:
            start, end = time_services.year_interval(year)
        else:
            start = end = None
        scope = studio_table_scope(request)
        return Response(time_services.time_table(level=self.level, start=start, end=end, **scope))


# ---- day offs of a person -----------------------------------------------------------


def day_off_rows(queryset):
    return serialize_queryset(queryset.order_by("date"))


class PersonDayOffsView(TimeView):
    """A person's day offs, all of them or those touching a year, month or ISO week, for the person or an admin."""

    interval = None

    def get(self, request, person_id, **period):
        person = load_human(person_id)
        start = end = None
        if self.interval is not None:
            start, end = self.interval(**period)
        check_own_or_admin(request.user, person)
        queryset = time_services.day_offs_between(
            start=start, end=end - datetime.timedelta(days=1) if end else None, person_id=person.pk
        )
        return Response(day_off_rows(queryset))


class PersonDateDayOffView(TimeView):
    """The day off of a person covering a date, or {}. Artists, clients and vendors get [] for another person."""

    def get(self, request, person_id, date):
        person = load_human(person_id)
        day = time_services.parse_date(date, not_found=True)
        if request.user.pk != person.pk and request.user.role not in (ADMIN, MANAGER, SUPERVISOR):
            return Response([])
        row = time_services.day_offs_between(start=day, end=day, person_id=person.pk).first()
        return Response(serialize_row(row) if row is not None else {})


class MonthDayOffsView(TimeView):
    """The day offs touching a month, of every person for an admin and of the caller for others."""

    def get(self, request, year, month):
        start, end = time_services.month_interval(year, month)
        person_id = None if request.user.role == ADMIN else request.user.pk
        last_day = end - datetime.timedelta(days=1)
        return Response(day_off_rows(time_services.day_offs_between(start=start, end=last_day, person_id=person_id)))


# ---- the caller's own time --------------------------------------------------------------


class UserTimeSpentsView(TimeView):
    def get(self, request):
        start, end = date_range_of(request)
        queryset = TimeSpent.objects.filter(person=request.user)
        if start is not None:
            queryset = queryset.filter(date__gte=start, date__lte=end)
        return Response(time_spent_rows(queryset))


class UserDateTimeSpentsView(TimeView):
    def get(self, request, date):
        day = time_services.parse_date(date)
        return Response(time_spent_rows(TimeSpent.objects.filter(person=request.user, date=day)))


class UserTaskTimeSpentView(TimeView):
    """The caller's time spent on a task for a day, or null."""

    def get(self, request, task_id, date):
        parse_path_id(task_id)
        day = time_services.parse_date(date, not_found=True)
        row = TimeSpent.objects.filter(person=request.user, task_id=task_id, date=day).first()
        if row is None:
            return JsonResponse(None, safe=False)
        return Response(serialize_row(row))


class UserDayOffView(TimeView):
    def get(self, request, date):
        day = time_services.parse_date(date, not_found=True)
        row = time_services.day_offs_between(start=day, end=day, person_id=request.user.pk).first()
        return Response(serialize_row(row) if row is not None else {})


# ---- entities and projects ------------------------------------------------------------


class EntityTimeSpentsView(TimeView):
    def get(self, request, entity_id):
        entity = path_row(Entity.objects.all(), entity_id, "entity")
        if not can_read_project_row(request.user, entity.project_id):
            raise PermissionDenied(NOT_ALLOWED)
        queryset = TimeSpent.objects.filter(task__entity=entity).order_by("-date", "created_at")
        return Response(serialize_queryset(queryset))


class ProjectTimeSpentsView(TimeView):
    def get(self, request, project_id):
        project = path_row(Project.objects.all(), project_id, "project")
        if not can_read_project_row(request.user, project.pk):
            raise PermissionDenied(NOT_ALLOWED)
        queryset = TimeSpent.objects.filter(task__project=project).order_by("date", "created_at")
        return Response(serialize_queryset(queryset))


# ---- quotas ------------------------------------------------------------------------------


def check_quota_reader(user, project):
    """Raise 403 unless the caller is an admin or a team member other than a client or vendor."""
    if user.role == ADMIN:
        return
    if user.role in (CLIENT, VENDOR) or not is_team_member(user, project.pk):
        raise PermissionDenied("You are not allowed to see the quotas of this project.")


class PersonQuotaShotsView(TimeView):
    """The shots a person finished over a month, ISO week or day, each with its weight.

    The person and admins read them; a manager reads them for a project (`project_id`) of their team.
    """

    interval = None

    def get(self, request, person_id, **period):
        person = load_human(person_id)
        start, end = self.interval(**period)
        weighted, feedback = time_services.parse_count_mode(request.query_params.get("count_mode"))
        project_id = query_uuid(request, "project_id")
        task_type_id = query_uuid(request, "task_type_id")
        user = request.user
        if user.role != ADMIN and user.pk != person.pk:
            if user.role != MANAGER or project_id is None or not is_team_member(user, project_id):
                raise PermissionDenied("You are not allowed to see the quotas of this person.")
        rows = time_services.person_quota_shots(
            person=person,
            start=start,
            end=end,
            weighted=weighted,
            feedback=feedback,
            project_id=project_id,
            task_type_id=task_type_id,
        )
        return Response(rows)


class ProjectQuotasView(TimeView):
    """Quotas of a project's shots per person (one task type) or per task type (one person)."""

    def get(self, request, project_id, task_type_id=None, person_id=None):
        project = path_row(Project.objects.all(), project_id, "project")
        if task_type_id is not None:
            task_type_id = path_row(TaskType.objects.all(), task_type_id, "task type").pk
        if person_id is not None:
            person_id = load_person(person_id).pk
        weighted, feedback = time_services.parse_count_mode(request.query_params.get("count_mode"))
        studio_id = query_uuid(request, "studio_id")
        check_quota_reader(request.user, project)
        if person_id is not None and request.user.role not in (ADMIN, MANAGER, SUPERVISOR):
            check_own_or_admin(request.user, Person(pk=person_id))
        quotas = time_services.project_quotas(
            project=project,
            weighted=weighted,
            feedback=feedback,
            task_type_id=task_type_id,
            person_id=person_id,
            studio_id=studio_id,
        )
        return Response(quotas)


def period_view(view_class, interval, **kwargs):
    return view_class.as_view(interval=interval, **kwargs)


PERSON = ID.format("person_id")
YEAR, MONTH, WEEK, DAY = (ID.format(name) for name in ("year", "month", "week", "day"))

urlpatterns = [
    # Studio-wide tables and month day offs come first, so their paths are not read as person ids.
    re_path(r"^persons/time-spents/year-table/?$", StudioTimeTableView.as_view(level="year")),
    re_path(rf"^persons/time-spents/month-table/{YEAR}/?$", StudioTimeTableView.as_view(level="month")),
    re_path(rf"^persons/time-spents/week-table/{YEAR}/?$", StudioTimeTableView.as_view(level="week")),
    re_path(rf"^persons/time-spents/day-table/{YEAR}/{MONTH}/?$", StudioTimeTableView.as_view(level="day")),
    re_path(rf"^persons/day-offs/{YEAR}/{MONTH}/?$", MonthDayOffsView.as_view()),
    re_path(rf"^persons/{PERSON}/time-spents/?$", PersonTimeSpentsView.as_view()),
    re_path(
        rf"^persons/{PERSON}/time-spents/year/{YEAR}/?$",
        period_view(PersonPeriodTimeSpentsView, time_services.year_interval),
    ),
    re_path(
        rf"^persons/{PERSON}/time-spents/month/all/{YEAR}/{MONTH}/?$",
        PersonMonthAllTimeSpentsView.as_view(),
    ),
    re_path(
        rf"^persons/{PERSON}/time-spents/month/{YEAR}/{MONTH}/?$",
        period_view(PersonPeriodTimeSpentsView, time_services.month_interval),
    ),
    re_path(
        rf"^persons/{PERSON}/time-spents/week/{YEAR}/{WEEK}/?$",
        period_view(PersonPeriodTimeSpentsView, time_services.week_interval),
    ),
    re_path(
        rf"^persons/{PERSON}/time-spents/day/{YEAR}/{MONTH}/{DAY}/?$",
        period_view(PersonPeriodTimeSpentsView, time_services.day_interval),
    ),
    re_path(rf"^persons/{PERSON}/time-spents/{ID.format('date')}/?$", PersonDateTimeSpentsView.as_view()),
    re_path(rf"^persons/{PERSON}/day-offs/?$", PersonDayOffsView.as_view()),
    re_path(
        rf"^persons/{PERSON}/day-offs/year/{YEAR}/?$",
        period_view(PersonDayOffsView, time_services.year_interval),
    ),
    re_path(
        rf"^persons/{PERSON}/day-offs/month/{YEAR}/{MONTH}/?$",
        period_view(PersonDayOffsView, time_services.month_interval),
    ),
    re_path(
        rf"^persons/{PERSON}/day-offs/week/{YEAR}/{WEEK}/?$",
        period_view(PersonDayOffsView, time_services.week_interval),
    ),
    re_path(rf"^persons/{PERSON}/day-offs/{ID.format('date')}/?$", PersonDateDayOffView.as_view()),
    re_path(
        rf"^persons/{PERSON}/quota-shots/month/{YEAR}/{MONTH}/?$",
        period_view(PersonQuotaShotsView, time_services.month_interval),
    ),
    re_path(
        rf"^persons/{PERSON}/quota-shots/week/{YEAR}/{WEEK}/?$",
        period_view(PersonQuotaShotsView, time_services.week_interval),
    ),
    re_path(
        rf"^persons/{PERSON}/quota-shots/day/{YEAR}/{MONTH}/{DAY}/?$",
        period_view(PersonQuotaShotsView, time_services.day_interval),
    ),
    re_path(rf"^projects/{ID.format('project_id')}/quotas/persons/{PERSON}/?$", ProjectQuotasView.as_view()),
    re_path(rf"^projects/{ID.format('project_id')}/quotas/{ID.format('task_type_id')}/?$", ProjectQuotasView.as_view()),
    re_path(r"^user/time-spents/?$", UserTimeSpentsView.as_view()),
    re_path(rf"^user/time-spents/{ID.format('date')}/?$", UserDateTimeSpentsView.as_view()),
    re_path(
        rf"^user/tasks/{ID.format('task_id')}/time-spents/{ID.format('date')}/?$",
        UserTaskTimeSpentView.as_view(),
    ),
    re_path(rf"^user/day-offs/{ID.format('date')}/?$", UserDayOffView.as_view()),
    re_path(rf"^entities/{ID.format('entity_id')}/time-spents/?$", EntityTimeSpentsView.as_view()),
    re_path(rf"^projects/{ID.format('project_id')}/time-spents/?$", ProjectTimeSpentsView.as_view()),
]

TASK_TIME = rf"^tasks/{ID.format('task_id')}/time-spents"

action_urlpatterns = [
    re_path(rf"{TASK_TIME}/?$", TaskTimeSpentsView.as_view()),
    re_path(rf"{TASK_TIME}/{ID.format('date')}/?$", TaskTimeSpentsView.as_view()),
    re_path(rf"{TASK_TIME}/{ID.format('date')}/persons/{PERSON}/?$", SetTimeSpentView.as_view()),
    re_path(rf"{TASK_TIME}/{ID.format('date')}/persons/{PERSON}/add/?$", SetTimeSpentView.as_view(add=True)),
]
