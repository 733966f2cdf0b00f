"""The file storage: keys, and the same calls on the local folder and on S3-compatible storage."""

import uuid

import pytest
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

from kitsu_project import storage

BACKENDS = ("local", "s3")


@pytest.fixture(params=BACKENDS)
def backend(request):
    if request.param == "s3":
        request.getfixturevalue("s3_storage_settings")
    return request.param


def test_file_key_uses_id_and_extension():
    identifier = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert storage.file_key("previews/originals", identifier, "png") == (
        "previews/originals/12/12345678-1234-5678-1234-567812345678.png"
    )


@pytest.mark.parametrize(
    ("folder", "identifier", "extension"),
    [
        ("../etc", uuid.uuid4(), "png"),
        ("previews/../..", uuid.uuid4(), "png"),
        ("previews", "../../passwd", "png"),
        ("previews", uuid.uuid4(), "png/../x"),
        ("previews", uuid.uuid4(), ""),
        ("/absolute", uuid.uuid4(), "png"),
    ],
)
def test_file_key_rejects_unsafe_parts(folder, identifier, extension):
    with pytest.raises(ValueError):
        storage.file_key(folder, identifier, extension)


def test_storage_backend_follows_settings(backend):
    expected = S3Storage if backend == "s3" else FileSystemStorage
    assert isinstance(storage.file_storage(), expected)


def test_save_then_read(backend):
    key = storage.file_key("tests", uuid.uuid4(), "bin")
    storage.save_file(key, b"first version")
    with storage.open_file(key) as stored:
        assert stored.read() == b"first version"
    assert storage.stored_size(key) == len(b"first version")


def test_save_replaces_existing_file(backend):
    key = storage.file_key("tests", uuid.uuid4(), "bin")
    storage.save_file(key, b"old")
    storage.save_file(key, b"new content")
    with storage.open_file(key) as stored:
        assert stored.read() == b"new content"


def test_delete_removes_file(backend):
    key = storage.file_key("tests", uuid.uuid4(), "bin")
    storage.save_file(key, b"data")
    storage.delete_file(key)
    assert not storage.file_exists(key)
    storage.delete_file(key)


def test_open_missing_file_raises(backend):
    with pytest.raises(FileNotFoundError):
        storage.open_file(storage.file_key("tests", uuid.uuid4(), "bin"))


def test_download_to_copies_file(backend, tmp_path):
    key = storage.file_key("tests", uuid.uuid4(), "bin")
    content = bytes(range(256)) * 5000
    storage.save_file(key, content)
    target = storage.download_to(key, tmp_path / "copy.bin")
    assert target.read_bytes() == content


def test_local_files_stay_under_root(file_storage_root):
    key = storage.file_key("tests", uuid.uuid4(), "bin")
    storage.save_file(key, b"data")
    stored = list(file_storage_root.rglob("*.bin"))
    assert len(stored) == 1
    assert stored[0].is_relative_to(file_storage_root)


def test_s3_object_lands_in_bucket(s3_storage_settings):
    key = storage.file_key("tests", uuid.uuid4(), "bin")
    storage.save_file(key, b"in the bucket")
    listed = s3_storage_settings["client"].list_objects_v2(Bucket=s3_storage_settings["bucket"])
    assert [item["Key"] for item in listed["Contents"]] == [key]
