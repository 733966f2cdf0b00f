"""Fixtures of the preview media tests: a task in an open project, an empty preview revision, team members."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from playlists.models import PreviewFile
from productions.models import ProjectPersonLink, TaskPersonLink
from tests import factories
from tests.media_files import make_movie


@pytest.fixture
def project():
    # A small resolution keeps the movie encodes of the tests fast.
    return factories.ProjectFactory(resolution="640x360", fps="25")


@pytest.fixture
def task(project):
    return factories.TaskFactory(project=project)


def empty_preview(task, **fields):
    """A preview revision as add-preview leaves it: no file yet."""
    values = {
        "task": task,
        "status": PreviewFile.STATUS_PROCESSING,
        "extension": None,
        "original_name": None,
        "width": 0,
        "height": 0,
        **fields,
    }
    return factories.PreviewFileFactory(**values)


@pytest.fixture
def preview(task):
    return empty_preview(task)


@pytest.fixture
def member(make_client, task):
    """Factory: member("user", assigned=True) -> a client of that role in the task's team, optionally assigned."""

    def factory(role, *, assigned=False, team=True):
        client = make_client(role)
        if team:
            ProjectPersonLink.objects.get_or_create(project=task.project, person=client.person)
        if assigned:
            TaskPersonLink.objects.create(task=task, person=client.person)
        return client

    return factory


@pytest.fixture(scope="session")
def clip_bytes(tmp_path_factory):
    """The bytes of a one-second 320x180 H.264 test movie at 24 fps, made once per test process."""
    return make_movie(tmp_path_factory.mktemp("clips") / "clip.mp4").read_bytes()


@pytest.fixture
def stored_keys(file_storage_root):
    """Return the sorted storage keys of every stored file."""

    def listing():
        return sorted(
            str(path.relative_to(file_storage_root)) for path in file_storage_root.rglob("*") if path.is_file()
        )

    return listing


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Factory: upload(client, preview, name, content) -> the response of the preview upload route.

    Callbacks on commit (the movie job) run before it returns, as they do outside a test transaction.
    """

    def post(client, preview, name, content, *, content_type="application/octet-stream", query=""):
        url = f"/api/pictures/preview-files/{getattr(preview, 'pk', preview)}{query}"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"file": SimpleUploadedFile(name, content, content_type)}, format="multipart")

    return post
