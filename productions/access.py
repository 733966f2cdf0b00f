"""Access rules for production rows: team membership and role checks."""

from django.db.models import Exists, OuterRef, Q

from kitsu_project.api.permissions import ADMIN, MANAGER, VENDOR
from productions.models import ProjectPersonLink, TaskPersonLink
from productions.services.projects import OPEN_STATUS


def in_team(user, project_field="project"):
    """Build a condition true for rows whose project has `user` in its team."""
    return Exists(ProjectPersonLink.objects.filter(project=OuterRef(project_field), person=user))


def in_open_project_team(user, project_field="project"):
    """Rows of the open projects whose team contains `user`, which non-admins list."""
    status_lookup = "project_status__name" if project_field == "pk" else f"{project_field}__project_status__name"
    return Q(in_team(user, project_field), **{status_lookup: OPEN_STATUS})


def is_team_member(user, project_id):
    return ProjectPersonLink.objects.filter(project_id=project_id, person=user).exists()


def is_project_manager(user, project_id):
    """Admins manage every project; managers the projects whose team they are in."""
    if user.role == ADMIN:
        return True
    return user.role == MANAGER and is_team_member(user, project_id)


def can_read_project_row(user, project_id):
    return user.role == ADMIN or is_team_member(user, project_id)


def vendor_has_task_in_project(user, project_field="project"):
    return Exists(TaskPersonLink.objects.filter(person=user, task__project=OuterRef(project_field)))


def is_vendor(user):
    return user.role == VENDOR


def can_read_entity_row(user, project_id, entity_id):
    """Team members read an entity or task; a vendor also needs a task assigned on that entity."""
    if not is_team_member(user, project_id):
        return False
    if is_vendor(user):
        return TaskPersonLink.objects.filter(person=user, task__entity_id=entity_id).exists()
    return True
