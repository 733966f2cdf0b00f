"""Access rules of preview files, shared by the data routes and the picture and movie routes.

A preview file belongs to a task. The readers of the task read its previews,
except vendors, who read only the previews of the tasks assigned to them.
Those who may comment on the task may upload a preview on it.
"""

from rest_framework.exceptions import NotFound, PermissionDenied

from kitsu_project.api.permissions import ADMIN, VENDOR
from kitsu_project.api.viewsets import parse_path_id
from playlists.models import PreviewFile
from productions.api.task_common import NOT_ALLOWED, check_task_action, check_task_read, task_queryset

NOT_ASSIGNED = "You are not allowed to do this: vendors only see the previews of the tasks assigned to them."


def load_preview_file(preview_file_id, queryset=None):
    """Return the preview file with its task (and the task's project, entity and type), or a 404."""
    queryset = queryset if queryset is not None else PreviewFile.objects.all()
    preview = queryset.filter(pk=parse_path_id(preview_file_id)).first()
    if preview is None:
        raise NotFound(f"No preview file has the id {preview_file_id}.")
    return preview


def preview_task(preview):
    """Return the task of a preview with what the access rules read, or None for a preview without a task."""
    if preview.task_id is None:
        return None
    return task_queryset().get(pk=preview.task_id)


def check_task_previews_read(user, task):
    """Allow reading the previews of `task`: its readers, and vendors only on the tasks assigned to them."""
    if user.role == ADMIN:
        return
    check_task_read(user, task)
    if user.role == VENDOR and user.pk not in {person.pk for person in task.assignees.all()}:
        raise PermissionDenied(NOT_ASSIGNED)


def check_preview_read(user, preview):
    """Allow reading a preview as `check_task_previews_read` does; a preview without a task is for admins only."""
    task = preview_task(preview)
    if task is None:
        if user.role != ADMIN:
            raise PermissionDenied(NOT_ALLOWED)
        return None
    check_task_previews_read(user, task)
    return task


def check_preview_upload(user, preview):
    """Allow uploading a preview to those who may comment on its task."""
    task = preview_task(preview)
    if task is None:
        if user.role != ADMIN:
            raise PermissionDenied(NOT_ALLOWED)
        return None
    check_task_action(user, task)
    return task
