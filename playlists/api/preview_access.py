"""Access rules of the preview routes: reading, changing and annotating preview files.

Readers of a task read its previews, except vendors, who read only the
previews of the tasks assigned to them. A preview without a task is for admins.
"""

from rest_framework.exceptions import PermissionDenied

from kitsu_project.api.permissions import ADMIN, CLIENT, MANAGER
from playlists.access import check_task_previews_read, load_preview_file
from productions.access import is_project_manager, is_team_member
from productions.api.task_common import (
    NOT_ALLOWED,
    check_task_action,
    check_task_read,
    department_ids,
    supervises_task,
    task_queryset,
)

NO_TASK = "You are not allowed to do this: only admins handle a preview file that belongs to no task."


def load_preview(preview_file_id):
    """Return the preview file with this path id: 400 when the id is malformed, 404 when unknown."""
    return load_preview_file(preview_file_id)


def load_preview_task(preview):
    """Return the task of a preview with what the access rules read, or None for a preview without a task."""
    if preview.task_id is None:
        return None
    return task_queryset().select_related("entity").filter(pk=preview.task_id).first()


def check_preview_read(user, preview, task):
    if user.role == ADMIN:
        return
    if task is None:
        raise PermissionDenied(NO_TASK)
    check_task_previews_read(user, task)


def check_preview_manage(user, task):
    """Allow editing the columns of a preview or deleting it: admins and the managers of its project."""
    if user.role == ADMIN:
        return
    if task is None:
        raise PermissionDenied(NO_TASK)
    if not is_project_manager(user, task.project_id):
        raise PermissionDenied("You are not allowed to do this: only the project's managers change preview files.")


def check_preview_action(user, task):
    """Allow the actions of someone who may comment on the task (positions, new previews on a revision)."""
    if user.role == ADMIN:
        return
    if task is None:
        raise PermissionDenied(NO_TASK)
    check_task_action(user, task)


def check_main_preview_set(user, task):
    """Allow choosing an entity's thumbnail: those who may comment on the task, except clients."""
    if user.role == ADMIN:
        return
    if task is None:
        raise PermissionDenied(NO_TASK)
    check_task_read(user, task)
    if user.role == CLIENT:
        raise PermissionDenied("You are not allowed to do this: clients do not set main previews.")
    check_task_action(user, task)


def check_annotate(user, task):
    """Allow drawing on a preview: the team's managers and clients, and supervisors of the task's department."""
    if user.role == ADMIN:
        return
    if task is None:
        raise PermissionDenied(NO_TASK)
    if not is_team_member(user, task.project_id):
        raise PermissionDenied(NOT_ALLOWED)
    if user.role in (MANAGER, CLIENT) or supervises_task(user, task, department_ids(user)):
        return
    raise PermissionDenied(
        "You are not allowed to do this: only managers, clients and the task's supervisors annotate previews."
    )


def check_comment_preview_delete(user, task, comment):
    """Allow removing a preview from a comment: the comment's author, the project's managers and the
    supervisors of the task's department, while in the team."""
    if user.role == ADMIN:
        return
    if not is_team_member(user, task.project_id):
        raise PermissionDenied(NOT_ALLOWED)
    if user.role == MANAGER or comment.person_id == user.pk:
        return
    if supervises_task(user, task, department_ids(user)):
        return
    raise PermissionDenied("You are not allowed to delete this preview: you are not the author of its comment.")
