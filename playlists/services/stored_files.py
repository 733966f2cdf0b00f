"""Stored files of the rows that a task, entity or project delete removes through cascades.

The deletes of tasks, entities and projects remove previews, comment
attachments, working files and playlists through database cascades, which
never reach the file storage. The functions below collect the storage keys of
those rows before the delete and remove the files once it commits, and clear
the preview references that are plain UUID columns rather than foreign keys.
"""

from django.utils import timezone

from kitsu_project.storage import delete_files_on_commit
from playlists.media.keys import preview_keys
from playlists.models import AttachmentFile, BuildJob, PreviewFile
from playlists.services.attachments import attachment_keys
from playlists.services.playlists import build_key
from productions.models import Entity, News, WorkingFile
from productions.services.files import content_key


def task_files_forget(*, task_ids):
    """Delete, once the transaction commits, the files of the tasks' previews, comment attachments and working files.

    Call it before deleting the tasks. Entities and news lines that showed one of
    the deleted previews show nothing afterwards.
    """
    task_ids = list(task_ids)
    if not task_ids:
        return []
    previews = list(PreviewFile.objects.filter(task_id__in=task_ids).only("pk", "extension", "is_movie"))
    keys = [key for preview in previews for key in preview_keys(preview)]
    preview_ids = [preview.pk for preview in previews]
    if preview_ids:
        now = timezone.now()
        Entity.objects.filter(preview_file_id__in=preview_ids).update(preview_file_id=None, updated_at=now)
        News.objects.filter(preview_file_id__in=preview_ids).update(preview_file_id=None, updated_at=now)

    attachments = AttachmentFile.objects.filter(comment__object_id__in=task_ids).values_list("pk", "extension")
    keys += [key for attachment_id, extension in attachments for key in attachment_keys(attachment_id, extension)]
    keys += [content_key(working_file) for working_file in WorkingFile.objects.filter(task_id__in=task_ids).only("pk")]
    return delete_files_on_commit(keys)


def entity_files_forget(*, entity_ids):
    """Delete, once the transaction commits, the working files stored for the entities outside any task."""
    working_files = WorkingFile.objects.filter(entity_id__in=list(entity_ids), task__isnull=True).only("pk")
    return delete_files_on_commit(content_key(working_file) for working_file in working_files)


def project_files_forget(*, project_id):
    """Delete, once the transaction commits, the built playlist movies of a project."""
    job_ids = BuildJob.objects.filter(playlist__project_id=project_id).values_list("pk", flat=True)
    return delete_files_on_commit(build_key(job_id) for job_id in job_ids)
