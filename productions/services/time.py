"""Time spent on tasks and day offs: writes that keep each task's `duration` equal to the sum of its
time spents, and the per-person and studio-wide time tables."""

import datetime
import logging
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, FloatField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractWeek, ExtractYear
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError

from accounts.models import Person
from kitsu_project.api.serialization import serialize_row
from productions.models import DayOff, Entity, Task, TaskPersonLink, TimeSpent

logger = logging.getLogger("productions.time")

TABLE_UNITS = {
    "year": ExtractYear,
    "month": ExtractMonth,
    "week": ExtractWeek,  # ISO 8601 week number
    "day": ExtractDay,
}


# ---- periods -------------------------------------------------------------------


class WrongPeriod(NotFound):
    """A year, month, week or day of a route path that names no real period, a 404 as in the reference."""


def _int(value, label):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise WrongPeriod(f"{label} {value!r} is not a number.") from None


def year_interval(year):
    year = _int(year, "year")
    if not 1900 <= year <= 9998:
        raise WrongPeriod(f"year {year} is out of range.")
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def month_interval(year, month):
    start, _ = year_interval(year)
    month = _int(month, "month")
    if not 1 <= month <= 12:
        raise WrongPeriod(f"month {month} is not between 1 and 12.")
    start = start.replace(month=month)
    end = start.replace(year=start.year + 1, month=1) if month == 12 else start.replace(month=month + 1)
    return start, end


def week_interval(year, week):
    start, _ = year_interval(year)
    try:
        monday = datetime.date.fromisocalendar(start.year, _int(week, "week"), 1)
    except ValueError:
        raise WrongPeriod(f"week {week} does not exist in {start.year}.") from None
    return monday, monday + datetime.timedelta(days=7)


def day_interval(year, month, day):
    start, _ = month_interval(year, month)
    try:
        start = start.replace(day=_int(day, "day"))
    except ValueError:
        raise WrongPeriod(f"day {day} does not exist in {start:%Y-%m}.") from None
    return start, start + datetime.timedelta(days=1)


def parse_date(value, *, key="date", not_found=False):
    """Return the date of a "YYYY-MM-DD" string or of a full ISO 8601 date and time.

    An invalid value is a 400 naming `key`, or a 404 with `not_found`.
    """
    text = str(value)
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        message = f"invalid date {value!r}: expected YYYY-MM-DD."
        if not_found:
            raise WrongPeriod(f"{key}: {message}") from None
        raise ValidationError({key: [message]}) from None


# A time spent covers one person on one task for one day, so it cannot exceed a day.
MAX_DAY_MINUTES = 24 * 60


def check_day_duration(duration, *, key="duration"):
    """Raise a 400 naming `key` when `duration` minutes do not fit in one day."""
    if duration > MAX_DAY_MINUTES:
        raise ValidationError({key: [f"{duration:g} minutes do not fit in one day: at most {MAX_DAY_MINUTES}."]})


def parse_duration(data):
    """Return the positive duration (minutes) of a request body, or raise a 400 naming `duration`."""
    value = data.get("duration") if isinstance(data, dict) else None
    if value in (None, ""):
        raise ValidationError({"duration": ["this field is required."]})
    if isinstance(value, bool):
        raise ValidationError({"duration": [f"invalid duration {value!r}: expected a number of minutes."]})
    try:
        duration = float(value)
    except (TypeError, ValueError):
        raise ValidationError({"duration": [f"invalid duration {value!r}: expected a number of minutes."]}) from None
    if not duration > 0 or duration == float("inf"):
        raise ValidationError({"duration": ["must be a positive number of minutes."]})
    check_day_duration(duration)
    return duration


# ---- time spent writes ---------------------------------------------------------


def task_duration_refresh(*, task_ids):
    """Set each task's `duration` to the sum of its time spents, in one UPDATE."""
    total = (
        TimeSpent.objects.filter(task=OuterRef("pk"))
        .order_by()
        .values("task")
        .annotate(total=Sum("duration"))
        .values("total")
    )
    Task.objects.filter(pk__in=list(task_ids)).update(
        duration=Coalesce(Subquery(total, output_field=FloatField()), Value(0.0)),
        updated_at=timezone.now(),
    )


def presence_move_forward(*, person_id, date):
    """Move the person's last presence to `date` when it is later: logging time shows the person was there."""
    Person.objects.filter(Q(last_presence__isnull=True) | Q(last_presence__lt=date), pk=person_id).update(
        last_presence=date
    )


@transaction.atomic
def time_spent_set(*, task, person, date, duration, add=False):
    """Log `duration` minutes of `person` on `task` for `date`, replacing or (with `add`) adding to
    what was logged that day. Return the time spent row."""
    now = timezone.now()
    row = TimeSpent.objects.select_for_update().filter(task=task, person=person, date=date).first()
    if row is None:
        try:
            with transaction.atomic():
                row = TimeSpent.objects.create(task=task, person=person, date=date, duration=duration)
            logger.info("Time spent %s created on task %s for person %s", row.pk, task.pk, person.pk)
            task_duration_refresh(task_ids=[task.pk])
            presence_move_forward(person_id=person.pk, date=date)
            return row
        except IntegrityError:
            # A concurrent request created the row first: update that one.
            row = TimeSpent.objects.select_for_update().get(task=task, person=person, date=date)
    if add:
        check_day_duration(row.duration + duration)
    new_duration = F("duration") + duration if add else Value(duration)
    TimeSpent.objects.filter(pk=row.pk).update(duration=new_duration, updated_at=now)
    row.refresh_from_db()
    task_duration_refresh(task_ids=[task.pk])
    logger.info("Time spent %s set to %s on task %s", row.pk, row.duration, task.pk)
    return row


@transaction.atomic
def time_spent_delete(*, task, person, date):
    """Remove the time `person` logged on `task` for `date` and return the removed row (404 when there is none)."""
    row = TimeSpent.objects.select_for_update().filter(task=task, person=person, date=date).first()
    if row is None:
        raise NotFound(f"No time spent of person {person.pk} on task {task.pk} for {date.isoformat()}.")
    row_id = row.pk
    row.delete()
    row.pk = row_id
    task_duration_refresh(task_ids=[task.pk])
    logger.info("Time spent %s deleted from task %s", row_id, task.pk)
    return row


@transaction.atomic
def time_spent_save(*, serializer):
    """Create or update a time spent from the generic /data route and refresh the durations it changes."""
    previous_task_id = serializer.instance.task_id if serializer.instance is not None else None
    row = serializer.save()
    task_duration_refresh(task_ids={row.task_id, previous_task_id} - {None})
    if previous_task_id is None:
        presence_move_forward(person_id=row.person_id, date=row.date)
    logger.info("Time spent %s saved on task %s", row.pk, row.task_id)
    return row


@transaction.atomic
def time_spent_remove(*, time_spent):
    task_id, row_id = time_spent.task_id, time_spent.pk
    time_spent.delete()
    task_duration_refresh(task_ids=[task_id])
    logger.info("Time spent %s deleted from task %s", row_id, task_id)


# ---- day offs --------------------------------------------------------------------


def day_offs_between(*, start=None, end=None, person_id=None, exclude_id=None):
    """Day offs that share at least one day with [start, end] (both included)."""
    queryset = DayOff.objects.all()
    if person_id is not None:
        queryset = queryset.filter(person_id=person_id)
    if start is not None:
        queryset = queryset.filter(end_date__gte=start)
    if end is not None:
        queryset = queryset.filter(date__lte=end)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset


def check_day_off_period(*, person_id, date, end_date, exclude_id=None):
    """Raise a 400 for a period that ends before it starts or overlaps another day off of the same person."""
    if end_date < date:
        raise ValidationError({"end_date": [f"the day off ends ({end_date}) before it starts ({date})."]})
    if day_offs_between(start=date, end=end_date, person_id=person_id, exclude_id=exclude_id).exists():
        raise ValidationError({"date": ["a day off of this person already covers part of this period."]})


def check_no_time_logged(*, person_id, date, end_date):
    """Raise a 400 when the person logged time during the period.

    The reference deletes that time; here the day off is refused instead, so no
    logged work is lost without someone deciding it.
    """
    days = (
        TimeSpent.objects.filter(person_id=person_id, date__gte=date, date__lte=end_date)
        .values_list("date", flat=True)
        .distinct()
    )
    logged = sorted(days)
    if logged:
        listed = ", ".join(day.isoformat() for day in logged[:5])
        raise ValidationError(
            {"date": [f"time is logged on {len(logged)} day(s) of this period ({listed}): remove it first."]}
        )


@transaction.atomic
def day_off_save(*, serializer):
    """Create or update a day off after checking its period, then clear the time logged during it."""
    instance = serializer.instance
    data = serializer.validated_data
    person = data.get("person") or (instance.person if instance is not None else None)
    date = data.get("date") or (instance.date if instance is not None else None)
    end_date = data.get("end_date") or (instance.end_date if instance is not None else None)
    # Lock the person's row so two requests cannot both add overlapping day offs.
    type(person).objects.select_for_update().filter(pk=person.pk).first()
    check_day_off_period(
        person_id=person.pk, date=date, end_date=end_date, exclude_id=instance.pk if instance is not None else None
    )
    check_no_time_logged(person_id=person.pk, date=date, end_date=end_date)
    row = serializer.save()
    logger.info("Day off %s saved for person %s", row.pk, row.person_id)
    return row


# ---- reads -------------------------------------------------------------------------


def scope_time_spents(queryset, *, person_id=None, project_ids=None, department_ids=None, studio_id=None):
    """Restrict time spents to a person, projects (None: all), task type departments and a studio."""
    if person_id is not None:
        queryset = queryset.filter(person_id=person_id)
    if project_ids is not None:
        queryset = queryset.filter(task__project_id__in=project_ids)
    if department_ids:
        queryset = queryset.filter(task__task_type__department_id__in=department_ids)
    if studio_id is not None:
        queryset = queryset.filter(person__studio_id=studio_id)
    return queryset


def time_table(*, level, start=None, end=None, **scope):
    """Return {unit: {person id: minutes}}, `unit` being the year, month, ISO week or day of the month."""
    queryset = TimeSpent.objects.all()
    if start is not None:
        queryset = queryset.filter(date__gte=start, date__lt=end)
    queryset = scope_time_spents(queryset, **scope)
    rows = (
        queryset.annotate(unit=TABLE_UNITS[level]("date"))
        .order_by()
        .values("unit", "person_id")
        .annotate(total=Sum("duration"))
    )
    table = {}
    for row in rows:
        table.setdefault(str(row["unit"]), {})[str(row["person_id"])] = row["total"]
    return table


def person_time_entries(*, person_id, start, end, project_ids=None, department_ids=None):
    """Return the minutes `person_id` logged per task in [start, end), with the names the time sheet shows."""
    queryset = scope_time_spents(
        TimeSpent.objects.filter(date__gte=start, date__lt=end),
        person_id=person_id,
        project_ids=project_ids,
        department_ids=department_ids,
    )
    rows = (
        queryset.order_by()
        .values(
            "task_id",
            "task__task_type_id",
            "task__project_id",
            "task__project__name",
            "task__entity__name",
            "task__entity__entity_type__name",
            "task__entity__parent__name",
            "task__entity__parent__parent__name",
        )
        .annotate(total=Sum("duration"))
        .order_by("task__project__name", "task__entity__name")
    )
    return [
        {
            "task_id": str(row["task_id"]),
            "task_type_id": str(row["task__task_type_id"]),
            "project_id": str(row["task__project_id"]),
            "project_name": row["task__project__name"],
            "entity_name": row["task__entity__name"],
            "entity_type_name": row["task__entity__entity_type__name"],
            "sequence_name": row["task__entity__parent__name"],
            "episode_name": row["task__entity__parent__parent__name"],
            "duration": row["total"],
        }
        for row in rows
    ]


def task_time_spents(*, task_id, date=None):
    """Return {"total": minutes, person id: [time spent rows]} for one task (and one day when given)."""
    queryset = TimeSpent.objects.filter(task_id=task_id).order_by("date", "created_at")
    if date is not None:
        queryset = queryset.filter(date=date)
    result = {"total": 0}
    for row in queryset:
        result.setdefault(str(row.person_id), []).append(serialize_row(row))
        result["total"] += row.duration
    return result


# ---- quotas ------------------------------------------------------------------------
#
# A quota counts the shots a person finished: a task counts on its end date ("feedback" modes,
# `end_date`) or its done date ("done" modes, `done_date`). Weighted modes split a shot between
# the people and days that logged time on its task. A finished task without logged time is
# spread over the business days from its real start to its end. Days are the studio's
# (settings.KITSU_DEFAULT_TIMEZONE).

COUNT_MODES = ("weighted", "weighteddone", "feedback", "done")
QUOTA_LEVELS = ("day", "week", "month", "year")


def parse_count_mode(value):
    """Return (weighted, feedback) for a `count_mode` query value, or raise a 400 naming it."""
    mode = value or "weighted"
    if mode not in COUNT_MODES:
        raise ValidationError({"count_mode": [f"must be one of {', '.join(COUNT_MODES)}."]})
    return "weighted" in mode, "done" not in mode


def studio_timezone():
    return zoneinfo.ZoneInfo(settings.KITSU_DEFAULT_TIMEZONE)


def local_midnight(day):
    """Return the aware datetime at which `day` starts in the studio's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=studio_timezone())


def local_day(value):
    """Return the studio's calendar day of a datetime (a date is returned as it is)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return value.astimezone(studio_timezone()).date()
    return value


def business_days_between(start, end):
    """Count the Monday-to-Friday days in [start, end] (dates), at least 1."""
    count = 0
    day = start
    while day <= end:
        if day.weekday() < 5:
            count += 1
        day += datetime.timedelta(days=1)
    return max(count, 1)


def full_shot_name(shot):
    sequence = shot.parent
    if sequence is None:
        return shot.name
    if sequence.parent is None:
        return f"{sequence.name} / {shot.name}"
    return f"{sequence.parent.name} / {sequence.name} / {shot.name}"


def finished_tasks(*, feedback, project_id=None, task_type_id=None):
    """Shot tasks that count in quotas: with an end date (feedback) or a done date."""
    queryset = Task.objects.filter(entity__entity_type__name="Shot")
    queryset = queryset.filter(end_date__isnull=False) if feedback else queryset.filter(done_date__isnull=False)
    if project_id is not None:
        queryset = queryset.filter(project_id=project_id)
    if task_type_id is not None:
        queryset = queryset.filter(task_type_id=task_type_id)
    return queryset


def person_quota_shots(*, person, start, end, weighted, feedback, project_id=None, task_type_id=None):
    """Return the shots `person` finished in [start, end) (dates), each with its `full_name` and `weight`."""
    tasks = finished_tasks(feedback=feedback, project_id=project_id, task_type_id=task_type_id)
    finish_field = "end_date" if feedback else "done_date"
    weights = {}
    if weighted:
        # Shots whose task got time from the person in the period weigh their share of the task's time.
        logged = (
            TimeSpent.objects.filter(person=person, date__gte=start, date__lt=end, task__in=tasks)
            .order_by()
            .values_list("task__entity_id", "task__duration", "duration")
        )
        for shot_id, task_duration, duration in logged:
            if task_duration:
                weights[shot_id] = weights.get(shot_id, 0) + round(duration / task_duration, 2)
        # Shots without logged time weigh the share of their business days that falls in the period.
        untimed = (
            tasks.filter(assignees=person, real_start_date__isnull=False, time_spents__isnull=True)
            .filter(real_start_date__lt=local_midnight(end), **{f"{finish_field}__gte": local_midnight(start)})
            .values_list("entity_id", "real_start_date", finish_field)
        )
        last_day = end - datetime.timedelta(days=1)
        for shot_id, task_start, task_end in untimed:
            if shot_id in weights:
                continue
            task_start, task_end = local_day(task_start), local_day(task_end)
            total = business_days_between(task_start, task_end)
            inside = business_days_between(max(task_start, start), min(task_end, last_day))
            weights[shot_id] = round(min(inside, total) / total, 2)
    else:
        finished = tasks.filter(
            assignees=person,
            **{f"{finish_field}__gte": local_midnight(start), f"{finish_field}__lt": local_midnight(end)},
        ).values_list("entity_id", flat=True)
        weights = dict.fromkeys(finished, 1)
    shots = Entity.objects.filter(pk__in=list(weights)).select_related("parent__parent", "entity_type")
    rows = []
    for shot in shots:
        row = serialize_row(shot)
        row["full_name"] = full_shot_name(shot)
        row["weight"] = weights[shot.pk]
        rows.append(row)
    return sorted(rows, key=lambda row: row["full_name"])


def _empty_quota_entry():
    entry = {level: {"frames": {}, "seconds": {}, "count": {}, "entries": {}, "drawings": {}} for level in QUOTA_LEVELS}
    del entry["year"]["entries"]
    return entry


def _add_quota(quotas, entry_id, day, nb_frames, nb_drawings, fps):
    """Add one finished shot (or a share of it) to the day, ISO week, month and year of `day`."""
    entry = quotas.setdefault(entry_id, _empty_quota_entry())
    keys = {
        "day": day.isoformat(),
        "week": f"{day.year}-{day.isocalendar()[1]}",
        "month": day.isoformat()[:7],
        "year": str(day.year),
    }
    # `entries` counts the distinct days per month, weeks per year and months per year.
    parents = {"day": keys["month"], "week": keys["year"], "month": keys["year"]}
    for level, key in keys.items():
        values = entry[level]
        if key not in values["frames"]:
            for name in ("frames", "seconds", "count", "drawings"):
                values[name][key] = 0
            if level in parents:
                values["entries"][parents[level]] = values["entries"].get(parents[level], 0) + 1
        values["frames"][key] += nb_frames
        values["seconds"][key] += nb_frames / fps
        values["drawings"][key] += nb_drawings
        values["count"][key] += 1


def project_fps(project):
    try:
        fps = float(project.fps or 25)
    except ValueError:
        fps = 25.0
    return fps if fps > 0 else 25.0


def project_quotas(*, project, weighted, feedback, task_type_id=None, person_id=None, studio_id=None):
    """Return {entry: {day|week|month|year: {frames, seconds, count, entries, drawings}}} for the project's shots.

    Entries are person ids plus "total"; for one person (`person_id`) they are task type ids plus "total".
    """
    fps = project_fps(project)
    tasks = finished_tasks(feedback=feedback, project_id=project.pk, task_type_id=task_type_id)
    finish_field = "end_date" if feedback else "done_date"
    if studio_id is not None:
        tasks = tasks.filter(assignees__studio_id=studio_id).distinct()
    quotas = {}

    def add(person, task_type, day, nb_frames, nb_drawings):
        entry_id = str(task_type) if person_id is not None else str(person)
        for key in (entry_id, "total"):
            _add_quota(quotas, key, day, nb_frames, nb_drawings, fps)

    assignments = TaskPersonLink.objects.filter(task__in=tasks)
    if person_id is not None:
        assignments = assignments.filter(person_id=person_id)
    if weighted:
        logged = TimeSpent.objects.filter(task__in=tasks).order_by("date")
        if person_id is not None:
            logged = logged.filter(person_id=person_id)
        for person, task_type, day, duration, task_duration, nb_frames, nb_drawings in logged.values_list(
            "person_id",
            "task__task_type_id",
            "date",
            "duration",
            "task__duration",
            "task__entity__nb_frames",
            "task__nb_drawings",
        ):
            if task_duration:
                share = duration / task_duration
                add(person, task_type, day, round((nb_frames or 0) * share), round((nb_drawings or 0) * share))
        untimed = assignments.filter(task__real_start_date__isnull=False, task__time_spents__isnull=True)
        for person, task_type, task_start, task_end, nb_frames, nb_drawings in untimed.values_list(
            "person_id",
            "task__task_type_id",
            "task__real_start_date",
            f"task__{finish_field}",
            "task__entity__nb_frames",
            "task__nb_drawings",
        ):
            first, last = local_day(task_start), local_day(task_end)
            days = business_days_between(first, last)
            frames_per_day = round((nb_frames or 0) / days)
            drawings_per_day = round((nb_drawings or 0) / days)
            day = first
            while day <= last:
                if day.weekday() < 5:
                    add(person, task_type, day, frames_per_day, drawings_per_day)
                day += datetime.timedelta(days=1)
    else:
        for person, task_type, task_end, nb_frames, nb_drawings in assignments.values_list(
            "person_id", "task__task_type_id", f"task__{finish_field}", "task__entity__nb_frames", "task__nb_drawings"
        ):
            add(person, task_type, local_day(task_end), nb_frames or 0, nb_drawings or 0)
    return quotas
