"""Deleting comments, tasks, entities and projects also deletes the stored files of what goes with them."""

import pytest

from kitsu_project import storage
from playlists.media.keys import preview_keys
from playlists.models import PreviewFile
from playlists.services.attachments import attachment_keys
from playlists.services.playlists import build_key
from productions.models import Entity, WorkingFile
from productions.services.files import content_key
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def stored_preview(task, **fields):
    """A ready picture preview of `task` with a file at each of its storage keys."""
    preview = factories.PreviewFileFactory(task=task, **fields)
    for key in preview_keys(preview):
        storage.save_file(key, b"media")
    return preview


def stored_keys(keys):
    return [key for key in keys if storage.file_exists(key)]


@pytest.fixture
def task():
    return factories.TaskFactory()


def test_comment_delete_removes_its_previews(admin_client, task):
    comment = factories.CommentFactory(object_id=task.pk)
    preview = stored_preview(task)
    factories.CommentPreviewLinkFactory(comment=comment, preview_file=preview)
    response = admin_client.delete(f"/api/data/tasks/{task.pk}/comments/{comment.pk}")
    assert response.status_code == 204
    assert not PreviewFile.objects.filter(pk=preview.pk).exists()
    assert stored_keys(preview_keys(preview)) == []


def test_comment_delete_keeps_other_comments_previews(admin_client, task):
    kept_comment = factories.CommentFactory(object_id=task.pk)
    deleted_comment = factories.CommentFactory(object_id=task.pk)
    kept = stored_preview(task)
    factories.CommentPreviewLinkFactory(comment=kept_comment, preview_file=kept)
    admin_client.delete(f"/api/data/tasks/{task.pk}/comments/{deleted_comment.pk}")
    assert PreviewFile.objects.filter(pk=kept.pk).exists()
    assert stored_keys(preview_keys(kept)) == preview_keys(kept)


def test_task_delete_removes_stored_files(admin_client, task):
    preview = stored_preview(task)
    Entity.objects.filter(pk=task.entity_id).update(preview_file_id=preview.pk)
    comment = factories.CommentFactory(object_id=task.pk)
    attachment = factories.AttachmentFileFactory(comment=comment, extension="txt")
    attachment_files = attachment_keys(attachment.pk, "txt")
    for key in attachment_files:
        storage.save_file(key, b"notes")
    working_file = factories.WorkingFileFactory(task=task)
    storage.save_file(content_key(working_file), b"scene")

    response = admin_client.delete(f"/api/data/tasks/{task.pk}", QUERY_STRING="force=true")

    assert response.status_code == 204
    assert stored_keys(preview_keys(preview)) == []
    assert stored_keys(attachment_files) == []
    assert not storage.file_exists(content_key(working_file))
    assert Entity.objects.get(pk=task.entity_id).preview_file_id is None


def test_task_delete_refused_keeps_files(make_client, task):
    preview = stored_preview(task)
    response = make_client("user").delete(f"/api/data/tasks/{task.pk}", QUERY_STRING="force=true")
    assert response.status_code == 403
    assert stored_keys(preview_keys(preview)) == preview_keys(preview)


def test_entity_delete_removes_stored_files(admin_client, task):
    preview = stored_preview(task)
    entity_working_file = factories.WorkingFileFactory(task=None, entity=task.entity)
    storage.save_file(content_key(entity_working_file), b"scene")

    response = admin_client.delete(f"/api/data/entities/{task.entity_id}", QUERY_STRING="force=true")

    assert response.status_code == 204
    assert stored_keys(preview_keys(preview)) == []
    assert not storage.file_exists(content_key(entity_working_file))
    assert not WorkingFile.objects.filter(pk=entity_working_file.pk).exists()


def test_project_delete_removes_stored_files(admin_client):
    project = factories.ClosedProjectFactory()
    task = factories.TaskFactory(project=project)
    preview = stored_preview(task)
    build_job = factories.BuildJobFactory(playlist=factories.PlaylistFactory(project=project))
    storage.save_file(build_key(build_job.pk), b"movie")

    response = admin_client.delete(f"/api/data/projects/{project.pk}", QUERY_STRING="force=true")

    assert response.status_code == 204
    assert stored_keys(preview_keys(preview)) == []
    assert not storage.file_exists(build_key(build_job.pk))
