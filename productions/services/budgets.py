"""Project budgets: revisions of a project's budget and their salary entries, and the time spent they compare to.

Writes record the reference's events: `budget:create|update|delete` and
`budget-entry:create|update|delete`, with the project id.
"""

import logging

from django.db import transaction
from django.db.models import Max, Sum
from django.db.models.functions import TruncMonth

from productions.models import Budget, BudgetEntry, Project, TimeSpent

from .events import event_send

logger = logging.getLogger("productions.budgets")


@transaction.atomic
def budget_create(*, project, name, currency, user=None):
    """Create a budget with the next revision number of its project."""
    # Locking the project row serializes concurrent creates, so no two budgets share a revision.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    last_revision = Budget.objects.filter(project=project).aggregate(last=Max("revision"))["last"] or 0
    budget = Budget.objects.create(project=project, name=name, currency=currency, revision=last_revision + 1)
    event_send(name="budget:create", data={"budget_id": budget.pk}, project_id=project.pk, user=user)
    logger.info("Budget %s (revision %d) created for project %s", budget.pk, budget.revision, project.pk)
    return budget


@transaction.atomic
def budget_update(*, budget, changes, user=None):
    for key, value in changes.items():
        setattr(budget, key, value)
    budget.save()
    event_send(name="budget:update", data={"budget_id": budget.pk}, project_id=budget.project_id, user=user)
    logger.info("Budget %s updated", budget.pk)
    return budget


@transaction.atomic
def budget_delete(*, budget, user=None):
    """Delete a budget with its entries."""
    budget_id, project_id = budget.pk, budget.project_id
    deleted, _ = BudgetEntry.objects.filter(budget=budget).delete()
    budget.delete()
    event_send(name="budget:delete", data={"budget_id": budget_id}, project_id=project_id, user=user)
    logger.info("Budget %s deleted with %d entry(ies)", budget_id, deleted)


def entry_event(name, entry, budget, user):
    event_send(
        name=name,
        data={"budget_id": budget.pk, "budget_entry_id": entry.pk},
        project_id=budget.project_id,
        user=user,
    )


@transaction.atomic
def budget_entry_create(*, budget, values, user=None):
    entry = BudgetEntry.objects.create(budget=budget, exceptions={}, **values)
    entry_event("budget-entry:create", entry, budget, user)
    logger.info("Budget entry %s created in budget %s", entry.pk, budget.pk)
    return entry


@transaction.atomic
def budget_entry_update(*, entry, changes, user=None):
    for key, value in changes.items():
        setattr(entry, key, value)
    entry.save()
    entry_event("budget-entry:update", entry, entry.budget, user)
    logger.info("Budget entry %s updated", entry.pk)
    return entry


@transaction.atomic
def budget_entry_delete(*, entry, user=None):
    budget = entry.budget
    entry_id = entry.pk
    entry.delete()
    entry.pk = entry_id
    entry_event("budget-entry:delete", entry, budget, user)
    logger.info("Budget entry %s deleted from budget %s", entry_id, budget.pk)


def project_month_time_spents(*, project):
    """Return the project's time spent per department, person and month, in one query.

    The shape is {department_id: {"total": n, person_id: {"total": n, "YYYY-MM": n}}}.
    Time logged on tasks whose task type has no department is left out.
    """
    rows = (
        TimeSpent.objects.filter(task__project=project, task__task_type__department__isnull=False)
        .annotate(month=TruncMonth("date"))
        .values("task__task_type__department_id", "person_id", "month")
        .annotate(duration=Sum("duration"))
        .order_by()
    )
    result = {}
    for row in rows:
        department = result.setdefault(str(row["task__task_type__department_id"]), {"total": 0})
        person = department.setdefault(str(row["person_id"]), {"total": 0})
        month_key = row["month"].strftime("%Y-%m")
        person[month_key] = person.get(month_key, 0) + row["duration"]
        person["total"] += row["duration"]
        department["total"] += row["duration"]
    return result
