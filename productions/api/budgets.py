"""Project budget routes: the budget revisions of a project, their salary entries, and the time spent to compare.

Admins and the managers in the project's team read and write budgets;
`/budgets/time-spents` is for admins only. As in the reference, creating a
budget or an entry returns 200, and the list routes return the columns only
(no `type` or timestamps).
"""

import datetime

from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.models import Department, Person
from kitsu_project.api.errors import MissingArgument
from kitsu_project.api.permissions import ADMIN
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import path_row, request_body
from productions.models import Budget, BudgetEntry
from productions.services import budgets as budget_services

from .projects import INTEGER_MAX, ProjectView, body_int, body_name, body_row, get_project

DEFAULT_CURRENCY = "USD"
POSITIONS = tuple(value for value, _ in BudgetEntry.POSITIONS)
SENIORITIES = tuple(value for value, _ in BudgetEntry.SENIORITIES)
LIST_EXCLUDED_KEYS = ("type", "created_at", "updated_at")
ADMINS_ONLY = "You are not allowed to do this: only admins read the time spent of a project's budget."


# ---- input -------------------------------------------------------------------


def body_currency(data, *, default=None):
    value = data.get("currency")
    if value is None:
        return default
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 3:
        raise ValidationError({"currency": ["must be a currency code of at most 3 letters, such as EUR."]})
    return value.strip().upper()


def body_date(data, key):
    """Return the date under `key` (`YYYY-MM-DD`, or an ISO date-time whose date part is kept)."""
    value = data.get(key)
    if value is None:
        raise MissingArgument(key, "this field is missing: send a date as YYYY-MM-DD.")
    if not isinstance(value, str):
        raise ValidationError({key: [f"invalid date {value!r}: expected YYYY-MM-DD."]})
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.datetime.fromisoformat(value).date()
    except ValueError:
        raise ValidationError({key: [f"invalid date {value!r}: expected YYYY-MM-DD."]}) from None


def body_months(data):
    value = body_int(data, "months_duration")
    if value is None:
        raise MissingArgument("months_duration", "this field is missing: send a number of months (1 or more).")
    if value < 1:
        raise ValidationError({"months_duration": [f"must be at least 1 month, got {value}."]})
    return value


def body_salary(data):
    value = data.get("daily_salary")
    if value is None:
        raise MissingArgument("daily_salary", "this field is missing: send a daily salary (0 or more).")
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValidationError({"daily_salary": [f"invalid number {value!r}."]}) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise ValidationError({"daily_salary": ["must be a number."]})
    if not 0 <= value <= INTEGER_MAX:
        raise ValidationError({"daily_salary": [f"must be between 0 and {INTEGER_MAX}, got {value}."]})
    return float(value)


def body_choice(data, key, allowed, default=None):
    value = data.get(key)
    if value is None and default is not None:
        return default
    if value not in allowed:
        raise ValidationError({key: [f"invalid value {value!r}: expected one of {', '.join(allowed)}."]})
    return value


def body_exceptions(data):
    """Return the amount exceptions {date: amount}, without the null and zero amounts, as the reference does."""
    value = data.get("exceptions")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError({"exceptions": ["must be a JSON object mapping a date to an amount."]})
    cleaned = {}
    for key, amount in value.items():
        if amount is None:
            continue
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise ValidationError({f"exceptions.{key}": [f"invalid amount {amount!r}: expected a number."]})
        if not 0 <= amount <= INTEGER_MAX:
            raise ValidationError({f"exceptions.{key}": [f"must be between 0 and {INTEGER_MAX}, got {amount}."]})
        if amount > 0:
            cleaned[key] = int(amount)
    return cleaned


def entry_values(data, *, partial):
    """Return the columns of a budget entry sent in `data`.

    On create, the department, start date, duration and salary are required. On
    update, a key left out or sent as null keeps its value, except `person_id`,
    which null clears.
    """

    def should_read(key):
        return not partial or data.get(key) is not None

    values = {}
    if should_read("department_id"):
        values["department"] = body_row(data, "department_id", Department.objects.all(), "department")
    if "person_id" in data:
        values["person"] = body_row(data, "person_id", Person.objects.all(), "person", required=False)
    if should_read("start_date"):
        values["start_date"] = body_date(data, "start_date")
    if should_read("months_duration"):
        values["months_duration"] = body_months(data)
    if should_read("daily_salary"):
        values["daily_salary"] = body_salary(data)
    if should_read("position"):
        values["position"] = body_choice(data, "position", POSITIONS, default="artist")
    if should_read("seniority"):
        values["seniority"] = body_choice(data, "seniority", SENIORITIES, default="mid")
    if partial and "exceptions" in data:
        values["exceptions"] = body_exceptions(data)
    return values


# ---- rows --------------------------------------------------------------------


def list_row(row):
    return {key: value for key, value in serialize_row(row).items() if key not in LIST_EXCLUDED_KEYS}


def entry_row(entry, *, listed=False):
    row = list_row(entry) if listed else serialize_row(entry)
    if row.get("exceptions") is None:
        row["exceptions"] = {}
    return row


def load_budget(project, budget_id):
    return path_row(Budget.objects.filter(project=project), budget_id, "budget of this project")


def load_entry(budget, entry_id):
    return path_row(BudgetEntry.objects.filter(budget=budget).select_related("budget"), entry_id, "budget entry")


# ---- routes ------------------------------------------------------------------


class ProjectBudgetsView(ProjectView):
    """GET the budgets of a project by revision. POST {name, currency?} adds the next revision."""

    def get(self, request, project_id):
        project = self.managed_project(request, project_id)
        return Response([list_row(budget) for budget in Budget.objects.filter(project=project).order_by("revision")])

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        data = request_body(request)
        budget = budget_services.budget_create(
            project=project,
            name=body_name(data),
            currency=body_currency(data, default=DEFAULT_CURRENCY),
            user=request.user,
        )
        return Response(serialize_row(budget))


class ProjectBudgetView(ProjectView):
    """GET, PUT {name?, currency?} or DELETE (with its entries) one budget of a project."""

    def get(self, request, project_id, budget_id):
        project = self.managed_project(request, project_id)
        return Response(serialize_row(load_budget(project, budget_id)))

    def put(self, request, project_id, budget_id):
        project = self.managed_project(request, project_id)
        budget = load_budget(project, budget_id)
        data = request_body(request)
        changes = {}
        if data.get("name") is not None:
            changes["name"] = body_name(data)
        if data.get("currency") is not None:
            changes["currency"] = body_currency(data)
        budget = budget_services.budget_update(budget=budget, changes=changes, user=request.user)
        return Response(serialize_row(budget))

    def delete(self, request, project_id, budget_id):
        project = self.managed_project(request, project_id)
        budget = load_budget(project, budget_id)
        budget_services.budget_delete(budget=budget, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BudgetEntriesView(ProjectView):
    """GET the entries of a budget by start date. POST adds one with department_id, start_date,
    months_duration and daily_salary (position and seniority are optional)."""

    def get(self, request, project_id, budget_id):
        project = self.managed_project(request, project_id)
        budget = load_budget(project, budget_id)
        entries = BudgetEntry.objects.filter(budget=budget).order_by("start_date", "created_at")
        return Response([entry_row(entry, listed=True) for entry in entries])

    def post(self, request, project_id, budget_id):
        project = self.managed_project(request, project_id)
        budget = load_budget(project, budget_id)
        values = entry_values(request_body(request), partial=False)
        entry = budget_services.budget_entry_create(budget=budget, values=values, user=request.user)
        return Response(entry_row(entry))


class BudgetEntryView(ProjectView):
    """GET, PUT (the keys sent, and `exceptions`) or DELETE one entry of a budget."""

    def get(self, request, project_id, budget_id, entry_id):
        project = self.managed_project(request, project_id)
        entry = load_entry(load_budget(project, budget_id), entry_id)
        return Response(entry_row(entry))

    def put(self, request, project_id, budget_id, entry_id):
        project = self.managed_project(request, project_id)
        entry = load_entry(load_budget(project, budget_id), entry_id)
        changes = entry_values(request_body(request), partial=True)
        entry = budget_services.budget_entry_update(entry=entry, changes=changes, user=request.user)
        return Response(entry_row(entry))

    def delete(self, request, project_id, budget_id, entry_id):
        project = self.managed_project(request, project_id)
        entry = load_entry(load_budget(project, budget_id), entry_id)
        budget_services.budget_entry_delete(entry=entry, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BudgetTimeSpentsView(ProjectView):
    """GET the project's time spent per department, person and month (`YYYY-MM`): admins only."""

    def get(self, request, project_id):
        if request.user.role != ADMIN:
            raise PermissionDenied(ADMINS_ONLY)
        project = get_project(project_id)
        return Response(budget_services.project_month_time_spents(project=project))


PROJECT = r"(?P<project_id>[^/]+)"
BUDGET = r"(?P<budget_id>[^/]+)"

urlpatterns = [
    re_path(rf"^projects/{PROJECT}/budgets/?$", ProjectBudgetsView.as_view()),
    re_path(rf"^projects/{PROJECT}/budgets/time-spents/?$", BudgetTimeSpentsView.as_view()),
    re_path(rf"^projects/{PROJECT}/budgets/{BUDGET}/?$", ProjectBudgetView.as_view()),
    re_path(rf"^projects/{PROJECT}/budgets/{BUDGET}/entries/?$", BudgetEntriesView.as_view()),
    re_path(rf"^projects/{PROJECT}/budgets/{BUDGET}/entries/(?P<entry_id>[^/]+)/?$", BudgetEntryView.as_view()),
]
action_urlpatterns = []
GENERIC_COLLECTIONS = []
