"""The preview upload route: pictures, movies and other files, bad uploads, and who may upload."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kitsu_project.storage import open_file
from playlists.media import keys
from playlists.models import MediaJob, PreviewFile
from productions.models import ApiEvent, Entity, Task
from tests import factories
from tests.conftest import ROLES
from tests.media_files import jpeg_bytes, png_bytes
from tests.playlists.conftest import empty_preview

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-4000-8000-000000000000"
PICTURE_KEYS = ("previews/originals", "previews/thumbnails", "previews/thumbnails-square", "previews/previews")


def url(preview_id):
    return f"/api/pictures/preview-files/{preview_id}"


def stored_picture(key):
    with open_file(key) as handle:
        return Image.open(io.BytesIO(handle.read()))


def huge_png(width, height):
    """A valid 1-bit PNG of width x height pixels that stays small on disk (its rows are all zero)."""
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


# ---- pictures ------------------------------------------------------------------------------


def test_png_upload_ready(admin_client, preview, upload):
    response = upload(admin_client, preview, "red.png", png_bytes(64, 36), content_type="image/png")
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == str(preview.pk)
    assert body["type"] == "PreviewFile"
    assert body["status"] == "ready"
    assert body["extension"] == "png"
    assert body["original_name"] == "red"
    assert body["width"] == 64
    assert body["height"] == 36
    assert body["is_movie"] is False
    assert body["file_size"] == len(png_bytes(64, 36))


def test_png_upload_stores_sizes(admin_client, preview, upload, stored_keys):
    upload(admin_client, preview, "red.png", png_bytes(640, 360))
    stored = stored_keys()
    assert stored == sorted(f"{folder}/{str(preview.pk)[:2]}/{preview.pk}.png" for folder in PICTURE_KEYS)
    assert stored_picture(keys.picture_key(preview, "thumbnails")).size == (150, 100)
    assert stored_picture(keys.picture_key(preview, "thumbnails-square")).size == (100, 100)
    assert stored_picture(keys.picture_key(preview, "previews")).size == (640, 360)


def test_png_original_kept_byte_for_byte(admin_client, preview, upload):
    content = png_bytes(80, 40)
    upload(admin_client, preview, "red.png", content)
    with open_file(keys.original_key(preview, "png")) as handle:
        assert handle.read() == content


@pytest.mark.parametrize("name", ["shot.jpg", "shot.JPEG", "shot.jpe"])
def test_jpeg_upload_stored_as_png(admin_client, preview, upload, name):
    response = upload(admin_client, preview, name, jpeg_bytes(120, 60), content_type="image/jpeg")
    assert response.status_code == 201
    assert response.json()["extension"] == "png"
    assert response.json()["original_name"] == "shot"
    picture = stored_picture(keys.original_key(preview, "png"))
    assert picture.format == "PNG"
    assert picture.size == (120, 60)


def test_picture_sets_task_last_preview(admin_client, preview, upload):
    upload(admin_client, preview, "red.png", png_bytes())
    assert Task.objects.get(pk=preview.task_id).last_preview_file_id == preview.pk


def test_picture_second_position_keeps_last_preview(admin_client, task, upload):
    preview = empty_preview(task, position=2)
    upload(admin_client, preview, "red.png", png_bytes())
    assert Task.objects.get(pk=task.pk).last_preview_file_id is None


def test_picture_sets_entity_preview_when_automated(admin_client, task, preview, upload):
    task.project.is_set_preview_automated = True
    task.project.save()
    upload(admin_client, preview, "red.png", png_bytes())
    assert Entity.objects.get(pk=task.entity_id).preview_file_id == preview.pk


def test_picture_keeps_entity_preview_by_default(admin_client, task, preview, upload):
    upload(admin_client, preview, "red.png", png_bytes())
    assert Entity.objects.get(pk=task.entity_id).preview_file_id is None


def test_picture_upload_events(admin_client, task, upload):
    comment = factories.CommentFactory(object_id=task.pk)
    link = factories.CommentPreviewLinkFactory(comment=comment, preview_file=empty_preview(task))
    upload(admin_client, link.preview_file, "red.png", png_bytes())
    added = ApiEvent.objects.get(name="preview-file:add-file")
    assert added.data["preview_file_id"] == str(link.preview_file_id)
    assert added.data["comment_id"] == str(comment.pk)
    assert added.data["status"] == "ready"
    assert str(added.project_id) == str(task.project_id)
    assert ApiEvent.objects.filter(name="comment:update").count() == 1


# ---- movies ------------------------------------------------------------------------------


def test_movie_upload_processed(admin_client, preview, upload, clip_bytes):
    response = upload(admin_client, preview, "clip.mov", clip_bytes, content_type="video/quicktime")
    assert response.status_code == 201
    assert response.json()["extension"] == "mp4"
    assert response.json()["is_movie"] is True
    assert response.json()["original_name"] == "clip"
    preview.refresh_from_db()
    assert preview.status == PreviewFile.STATUS_READY
    assert (preview.width, preview.height) == (640, 360)
    assert preview.duration == pytest.approx(1.0, abs=0.1)


def test_movie_upload_job_recorded(admin_client, preview, upload, clip_bytes):
    upload(admin_client, preview, "clip.mp4", clip_bytes)
    job = MediaJob.objects.get(preview_file=preview)
    assert job.kind == MediaJob.KIND_PREVIEW
    assert job.person_id == admin_client.person.pk
    assert job.status == MediaJob.STATUS_SUCCEEDED
    assert job.progress == 100


def test_movie_upload_stores_files(admin_client, preview, upload, clip_bytes, stored_keys):
    upload(admin_client, preview, "clip.mp4", clip_bytes)
    prefix = f"{str(preview.pk)[:2]}/{preview.pk}"
    assert stored_keys() == sorted(
        [
            f"movies/source/{prefix}.mp4",
            f"movies/originals/{prefix}.mp4",
            f"movies/low/{prefix}.mp4",
            f"movies/tiles/{prefix}.png",
            f"previews/originals/{prefix}.png",
            f"previews/thumbnails/{prefix}.png",
            f"previews/thumbnails-square/{prefix}.png",
            f"previews/previews/{prefix}.png",
        ]
    )


def test_movie_source_kept_as_uploaded(admin_client, preview, upload, clip_bytes):
    upload(admin_client, preview, "clip.mp4", clip_bytes)
    with open_file(keys.movie_source_key(preview, "mp4")) as handle:
        assert handle.read() == clip_bytes


def test_movie_without_normalize_keeps_size(admin_client, preview, upload, clip_bytes):
    response = upload(admin_client, preview, "clip.mp4", clip_bytes, query="?normalize=false")
    assert response.status_code == 201
    preview.refresh_from_db()
    assert preview.status == PreviewFile.STATUS_READY
    assert (preview.width, preview.height) == (320, 180)


def test_broken_movie_upload_answers_broken(admin_client, preview, upload):
    response = upload(admin_client, preview, "clip.mp4", b"this is not a movie")
    assert response.status_code == 201
    preview.refresh_from_db()
    assert preview.status == PreviewFile.STATUS_BROKEN
    assert MediaJob.objects.get(preview_file=preview).status == MediaJob.STATUS_FAILED


@pytest.mark.django_db(transaction=True)
def test_movie_upload_answer_ready_inline(admin_client, task, clip_bytes):
    preview = empty_preview(task)
    response = admin_client.post(
        url(preview.pk), {"file": SimpleUploadedFile("clip.mp4", clip_bytes, "video/mp4")}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "ready"
    assert response.json()["width"] == 640
    assert response.json()["duration"] == pytest.approx(1.0, abs=0.1)


# ---- other files ------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["pdf", "glb", "zip", "psd"])
def test_other_file_stored_as_is(admin_client, preview, upload, extension):
    content = b"%PDF-1.4 some bytes"
    response = upload(admin_client, preview, f"board.{extension}", content)
    assert response.status_code == 201
    assert response.json()["status"] == "ready"
    assert response.json()["extension"] == extension
    assert response.json()["original_name"] == "board"
    assert response.json()["file_size"] == len(content)
    with open_file(keys.original_key(preview, extension)) as handle:
        assert handle.read() == content


def test_other_file_no_job(admin_client, preview, upload):
    upload(admin_client, preview, "board.pdf", b"%PDF-1.4")
    assert not MediaJob.objects.exists()


# ---- bad uploads ------------------------------------------------------------------------------


def assert_row_unchanged(preview):
    row = PreviewFile.objects.get(pk=preview.pk)
    assert row.status == PreviewFile.STATUS_PROCESSING
    assert row.extension is None
    assert row.original_name is None


def assert_upload_rejected(preview):
    """Check a rejected first upload: no file recorded, the preview broken, the reason on a failed job."""
    row = PreviewFile.objects.get(pk=preview.pk)
    assert row.status == PreviewFile.STATUS_BROKEN
    assert row.extension is None
    assert row.original_name is None
    job = MediaJob.objects.get(preview_file=preview)
    assert job.status == MediaJob.STATUS_FAILED
    assert job.error


@pytest.mark.parametrize("name", ["notes.xyz", "notes.txt", "notes.exe"])
def test_unknown_extension_refused(admin_client, preview, upload, stored_keys, name):
    response = upload(admin_client, preview, name, b"not a picture")
    assert response.status_code == 400
    extension = name.rsplit(".", 1)[1]
    assert f"extension {extension!r}" in response.json()["message"]
    assert stored_keys() == []
    assert_upload_rejected(preview)


def test_name_without_extension_refused(admin_client, preview, upload):
    response = upload(admin_client, preview, "README", b"text")
    assert response.status_code == 400
    assert "no extension" in response.json()["message"]


def test_text_named_png_refused(admin_client, preview, upload, stored_keys):
    response = upload(admin_client, preview, "frame.png", b"just some text")
    assert response.status_code == 400
    assert "'frame.png' is not a picture" in response.json()["message"]
    assert stored_keys() == []
    assert_upload_rejected(preview)


def test_truncated_png_refused(admin_client, preview, upload, stored_keys):
    content = png_bytes(400, 300)
    response = upload(admin_client, preview, "cut.png", content[: len(content) // 2])
    assert response.status_code == 400
    assert "'cut.png'" in response.json()["message"]
    assert stored_keys() == []
    assert_upload_rejected(preview)


def test_picture_over_pixel_limit_refused(admin_client, preview, upload, stored_keys, settings):
    settings.KITSU_MAX_PICTURE_PIXELS = 10_000
    response = upload(admin_client, preview, "big.png", png_bytes(200, 100))
    assert response.status_code == 400
    assert "200x100 pixels, more than the limit of 10000" in response.json()["message"]
    assert stored_keys() == []
    assert_upload_rejected(preview)


def test_huge_png_refused(admin_client, preview, upload, stored_keys):
    response = upload(admin_client, preview, "huge.png", huge_png(20_000, 20_000))
    assert response.status_code == 400
    assert "'huge.png' has more pixels than the limit" in response.json()["message"]
    assert stored_keys() == []
    assert_upload_rejected(preview)


def test_empty_file_refused(admin_client, preview, upload):
    response = upload(admin_client, preview, "empty.png", b"")
    assert response.status_code == 400
    assert "'empty.png' is empty" in response.json()["message"]
    assert_upload_rejected(preview)


def test_rejected_upload_then_good_one(admin_client, preview, upload):
    upload(admin_client, preview, "empty.png", b"")
    response = upload(admin_client, preview, "frame.png", png_bytes(64, 36))
    assert response.status_code == 201
    assert response.json()["status"] == PreviewFile.STATUS_READY


def test_rejected_second_upload_keeps_file(admin_client, preview, upload):
    upload(admin_client, preview, "frame.png", png_bytes(64, 36))
    response = upload(admin_client, preview, "notes.xyz", b"text")
    assert response.status_code == 400
    assert PreviewFile.objects.get(pk=preview.pk).status == PreviewFile.STATUS_READY


def test_no_file_refused(admin_client, preview):
    response = admin_client.post(url(preview.pk), {}, format="multipart")
    assert response.status_code == 400
    assert "no file was sent" in response.json()["message"]


def test_file_over_upload_limit(admin_client, preview, upload, settings, stored_keys):
    settings.KITSU_MAX_UPLOAD_BYTES = 100
    response = upload(admin_client, preview, "red.png", png_bytes(300, 300))
    assert response.status_code == 413
    assert "more than the limit of 100 bytes" in response.json()["message"]
    assert stored_keys() == []


def test_parent_folder_in_name_ignored(admin_client, preview, upload, stored_keys, file_storage_root):
    response = upload(admin_client, preview, "../../escape.png", png_bytes())
    assert response.status_code == 201
    assert response.json()["original_name"] == "escape"
    assert all(str(preview.pk) in key for key in stored_keys())
    assert not (file_storage_root.parent / "escape.png").exists()


def test_second_upload_refused(admin_client, preview, upload):
    upload(admin_client, preview, "red.png", png_bytes())
    response = upload(admin_client, preview, "blue.png", png_bytes(color=(0, 0, 255)))
    assert response.status_code == 400
    assert "already has an uploaded file" in response.json()["message"]
    assert PreviewFile.objects.get(pk=preview.pk).original_name == "red"


def test_upload_again_on_broken(admin_client, task, upload):
    preview = empty_preview(task, status=PreviewFile.STATUS_BROKEN, original_name="clip", extension="mp4")
    response = upload(admin_client, preview, "red.png", png_bytes())
    assert response.status_code == 201
    assert response.json()["status"] == "ready"


def test_upload_unknown_preview(admin_client, upload):
    response = upload(admin_client, UNKNOWN, "red.png", png_bytes())
    assert response.status_code == 404
    assert UNKNOWN in response.json()["message"]


def test_upload_malformed_id(admin_client, upload):
    response = upload(admin_client, "not-an-id", "red.png", png_bytes())
    assert response.status_code == 400


# ---- who may upload ------------------------------------------------------------------------------


def test_upload_anonymous(api_client, preview, upload):
    response = upload(api_client, preview, "red.png", png_bytes())
    assert response.status_code == 401


UPLOAD_CASES = [
    ("admin", {"team": False}, 201),
    ("manager", {}, 201),
    ("manager", {"team": False}, 403),
    ("supervisor", {}, 201),
    ("supervisor", {"team": False}, 403),
    ("user", {"assigned": True}, 201),
    ("user", {}, 403),
    ("client", {}, 201),
    ("client", {"team": False}, 403),
    ("vendor", {"assigned": True}, 201),
    ("vendor", {}, 403),
]


@pytest.mark.parametrize(("role", "options", "expected"), UPLOAD_CASES)
def test_upload_roles(member, preview, upload, role, options, expected):
    response = upload(member(role, **options), preview, "red.png", png_bytes())
    assert response.status_code == expected
    if expected == 403:
        assert_row_unchanged(preview)


def test_upload_cases_cover_roles():
    assert {role for role, _, _ in UPLOAD_CASES} == set(ROLES)


def test_supervisor_other_department_refused(member, task, preview, upload):
    client = member("supervisor")
    client.person.departments.add(factories.DepartmentFactory())
    task.task_type.department = factories.DepartmentFactory()
    task.task_type.save()
    response = upload(client, preview, "red.png", png_bytes())
    assert response.status_code == 403


def test_preview_without_task_admin_only(member, make_client, upload):
    preview = factories.PreviewFileFactory(task=None, original_name=None, status=PreviewFile.STATUS_PROCESSING)
    assert upload(make_client("manager"), preview, "red.png", png_bytes()).status_code == 403
    assert upload(make_client("admin"), preview, "red.png", png_bytes()).status_code == 201


def test_json_body_refused(admin_client, preview):
    response = admin_client.post(url(preview.pk), {"file": "red.png"}, format="json")
    assert response.status_code == 400
    assert "send it as multipart form data" in response.json()["message"]
