"""Attachments of comments, replies and chat messages: uploads with a comment, add-attachment,
downloads, thumbnails, the `attachment_files` key of comment and message rows, deletes of the
stored files, the task and project lists and the generic /data/attachment-files collection."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from kitsu_project.storage import file_exists, save_file
from playlists.models import AttachmentFile
from playlists.services.attachments import attachment_key, attachment_thumbnail_key
from productions.models import Chat, ChatMessage, Comment, ProjectPersonLink, TaskPersonLink
from tests import factories
from tests.conftest import ROLES
from tests.media_files import jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"
PDF = b"%PDF-1.4\n% a small document\n"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


def stored_content(key):
    from kitsu_project.storage import open_file

    with open_file(key) as handle:
        return handle.read()


def body_of(response):
    return b"".join(response.streaming_content)


# ---- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def stored_keys(file_storage_root):
    """Return the sorted storage keys of every stored file."""

    def listing():
        return sorted(
            str(path.relative_to(file_storage_root)) for path in file_storage_root.rglob("*") if path.is_file()
        )

    return listing


@pytest.fixture
def wip():
    return factories.TaskStatusFactory(name="Work in progress", short_name="wip", is_artist_allowed=True)


@pytest.fixture
def task():
    return factories.TaskFactory()


@pytest.fixture
def teammate(make_client, task):
    """Factory: teammate("user", assigned=True) -> a client of that role in the task's team."""

    def factory(role, *, assigned=False):
        client = make_client(role)
        ProjectPersonLink.objects.get_or_create(project=task.project, person=client.person)
        if assigned or role == "vendor":
            TaskPersonLink.objects.create(task=task, person=client.person)
        return client

    return factory


@pytest.fixture
def comment(task, admin_client):
    return factories.CommentFactory(object_id=task.pk, person=admin_client.person, task_status=task.task_status)


@pytest.fixture
def attach(django_capture_on_commit_callbacks):
    """Factory: attach(client, task, comment, files) -> the response of the add-attachment route."""

    def post(client, task, comment, files, **fields):
        url = f"/api/actions/tasks/{task.pk}/comments/{comment.pk}/add-attachment"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {**files, **fields}, format="multipart")

    return post


@pytest.fixture
def picture_attachment(admin_client, task, comment, attach):
    response = attach(admin_client, task, comment, {"file": upload("frame.png", png_bytes(320, 180), "image/png")})
    assert response.status_code == 201, response.json()
    return AttachmentFile.objects.get(pk=response.json()[0]["id"])


@pytest.fixture
def pdf_attachment(admin_client, task, comment, attach):
    response = attach(admin_client, task, comment, {"file": upload("notes.pdf", PDF)})
    return AttachmentFile.objects.get(pk=response.json()[0]["id"])


def comment_url(task):
    return f"/api/actions/tasks/{task.pk}/comment"


def download_url(attachment, name="whatever.bin"):
    return f"/api/data/attachment-files/{attachment.pk}/file/{name}"


def thumbnail_url(attachment_id):
    return f"/api/pictures/thumbnails/attachment-files/{attachment_id}.png"


def delete_url(task, comment, attachment_id):
    return f"/api/data/tasks/{task.pk}/comments/{comment.pk}/attachments/{attachment_id}"


# ---- POST /actions/tasks/{task_id}/comment with files ---------------------------------------------


def test_comment_with_files(admin_client, task, wip):
    files = {"file": upload("frame.png", png_bytes(), "image/png"), "file-1": upload("notes.pdf", PDF, "text/html")}
    response = admin_client.post(comment_url(task), {"task_status_id": str(wip.pk), "comment": "See", **files})
    assert response.status_code == 201, response.json()
    rows = response.json()["attachment_files"]
    assert [row["name"] for row in rows] == ["frame.png", "notes.pdf"]
    assert sorted(rows[0]) == ["extension", "id", "name", "size"]
    assert rows[1]["size"] == len(PDF)


def test_comment_files_stored(admin_client, task, wip, stored_keys):
    files = {"file": upload("frame.png", png_bytes(), "image/png"), "file-1": upload("notes.pdf", PDF)}
    admin_client.post(comment_url(task), {"task_status_id": str(wip.pk), **files})
    picture = AttachmentFile.objects.get(name="frame.png")
    document = AttachmentFile.objects.get(name="notes.pdf")
    assert stored_keys() == sorted(
        [attachment_key(picture), attachment_thumbnail_key(picture.pk), attachment_key(document)]
    )
    assert stored_content(attachment_key(document)) == PDF


def test_comment_files_on_disk(admin_client, task, wip, settings):
    """Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE arrive as temporary files; both kinds are read from their start."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    picture = png_bytes(640, 360)
    files = {"file": upload("frame.png", picture, "image/png"), "file-1": upload("notes.pdf", PDF)}
    response = admin_client.post(comment_url(task), {"task_status_id": str(wip.pk), **files})
    assert response.status_code == 201, response.json()
    stored = AttachmentFile.objects.get(name="frame.png")
    assert stored_content(attachment_key(stored)) == picture
    assert file_exists(attachment_thumbnail_key(stored.pk))


def test_comment_file_mimetype_from_extension(admin_client, task, wip):
    admin_client.post(comment_url(task), {"task_status_id": str(wip.pk), "file": upload("notes.pdf", PDF, "text/html")})
    assert AttachmentFile.objects.get().mimetype == "application/pdf"


def test_comment_several_files_one_field(admin_client, task, wip):
    files = [upload("a.pdf", PDF), upload("b.pdf", PDF)]
    response = admin_client.post(comment_url(task), {"task_status_id": str(wip.pk), "files": files})
    assert [row["name"] for row in response.json()["attachment_files"]] == ["a.pdf", "b.pdf"]


def test_comment_gazu_form(admin_client, task, wip):
    """Gazu posts the checklist as a JSON string and each link as a repeated field."""
    data = {
        "task_status_id": str(wip.pk),
        "comment": "With files",
        "checklist": json.dumps([{"text": "check", "checked": False}]),
        "links": ["https://example.com/a", "https://example.com/b"],
        "file": upload("notes.pdf", PDF),
    }
    response = admin_client.post(comment_url(task), data)
    assert response.status_code == 201, response.json()
    comment = Comment.objects.get(pk=response.json()["id"])
    assert comment.checklist == [{"text": "check", "checked": False}]
    assert comment.links == ["https://example.com/a", "https://example.com/b"]


def test_comment_form_links_json(admin_client, task, wip):
    data = {"task_status_id": str(wip.pk), "links": json.dumps(["https://example.com"]), "file": upload("a.pdf", PDF)}
    response = admin_client.post(comment_url(task), data)
    assert Comment.objects.get(pk=response.json()["id"]).links == ["https://example.com"]


def test_comment_without_files(admin_client, task, wip):
    response = admin_client.post(comment_url(task), {"task_status_id": str(wip.pk)}, format="json")
    assert response.json()["attachment_files"] == []


def test_comment_client_name_stripped(admin_client, task, wip, stored_keys):
    response = admin_client.post(
        comment_url(task), {"task_status_id": str(wip.pk), "file": upload("../../etc/secret.pdf", PDF)}
    )
    attachment = AttachmentFile.objects.get()
    assert response.json()["attachment_files"][0]["name"] == "secret.pdf"
    assert stored_keys() == [attachment_key(attachment)]
    assert str(attachment.pk) in attachment_key(attachment)


def test_comment_long_name_cut(admin_client, task, wip):
    name = "a" * 300 + ".pdf"
    admin_client.post(comment_url(task), {"task_status_id": str(wip.pk), "file": upload(name, PDF)})
    stored = AttachmentFile.objects.get().name
    assert len(stored) == 250
    assert stored.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.pdf", b"", "is empty"),
        ("text.png", b"this is not a picture", "is not a picture that can be read"),
        ("broken.jpg", jpeg_bytes()[:40], "the file 'broken.jpg'"),
        ("README", b"plain text", "has no valid extension"),
        ("notes.p-d-f", b"plain text", "has no valid extension"),
        ("notes.markdown", b"plain text", "is too long"),
    ],
)
def test_comment_bad_file(admin_client, task, wip, stored_keys, name, content, reason):
    files = {"good": upload("good.pdf", PDF), "bad": upload(name, content)}
    response = admin_client.post(comment_url(task), {"task_status_id": str(wip.pk), **files})
    assert response.status_code == 400
    assert reason in response.json()["message"]
    assert "bad" in response.json()["message"]
    assert not Comment.objects.exists()
    assert stored_keys() == []


def test_comment_file_too_large(admin_client, task, wip, settings):
    settings.KITSU_MAX_UPLOAD_BYTES = 10
    response = admin_client.post(comment_url(task), {"task_status_id": str(wip.pk), "file": upload("a.pdf", PDF)})
    assert response.status_code == 413
    assert not Comment.objects.exists()


def test_comment_picture_pixel_limit(admin_client, task, wip, settings):
    settings.KITSU_MAX_PICTURE_PIXELS = 100
    files = {"file": upload("frame.png", png_bytes(), "image/png")}
    response = admin_client.post(comment_url(task), {"task_status_id": str(wip.pk), **files})
    assert response.status_code == 400
    assert "limit" in response.json()["message"]


def test_comment_files_refused_role(make_client, task, wip):
    client = make_client("user")
    response = client.post(comment_url(task), {"task_status_id": str(wip.pk), "file": upload("a.pdf", PDF)})
    assert response.status_code == 403
    assert not AttachmentFile.objects.exists()


def test_comment_files_assigned_artist(teammate, task, wip):
    artist = teammate("user", assigned=True)
    response = artist.post(comment_url(task), {"task_status_id": str(wip.pk), "file": upload("a.pdf", PDF)})
    assert response.status_code == 201
    assert len(response.json()["attachment_files"]) == 1


# ---- batch comments with files ---------------------------------------------------------------------


def test_batch_comments_with_files(admin_client, task, wip):
    comments = [{"task_status_id": str(wip.pk), "text": "first"}, {"task_status_id": str(wip.pk), "text": "second"}]
    data = {
        "comments": json.dumps(comments),
        "attachment_file-0": upload("zero.pdf", PDF),
        "attachment_file-1-0": upload("one.pdf", PDF),
        "attachment_file-10": upload("ten.pdf", PDF),
    }
    response = admin_client.post(f"/api/actions/tasks/{task.pk}/batch-comment", data)
    assert response.status_code == 201, response.json()
    rows = response.json()
    assert [attachment["name"] for attachment in rows[0]["attachment_files"]] == ["zero.pdf"]
    assert [attachment["name"] for attachment in rows[1]["attachment_files"]] == ["one.pdf"]
    assert not AttachmentFile.objects.filter(name="ten.pdf").exists()


def test_batch_comments_bad_file(admin_client, task, wip, stored_keys):
    data = {
        "comments": json.dumps([{"task_status_id": str(wip.pk), "text": "first"}]),
        "attachment_file-0": upload("bad.png", b"text"),
    }
    response = admin_client.post(f"/api/actions/tasks/{task.pk}/batch-comment", data)
    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert stored_keys() == []


# ---- the attachment_files key of comment rows -------------------------------------------------------


def test_task_comments_list_attachments(admin_client, task, comment, pdf_attachment):
    rows = admin_client.get(f"/api/data/tasks/{task.pk}/comments").json()
    assert rows[0]["attachment_files"] == [
        {"id": str(pdf_attachment.pk), "name": "notes.pdf", "extension": "pdf", "reply_id": None, "size": len(PDF)}
    ]


def test_task_comments_queries(admin_client, task, attach, django_assert_num_queries):
    def commented():
        comment = factories.CommentFactory(object_id=task.pk, person=admin_client.person)
        attach(admin_client, task, comment, {"a": upload("a.pdf", PDF), "b": upload("b.pdf", PDF)})

    commented()
    with CaptureQueriesContext(connection) as few:
        admin_client.get(f"/api/data/tasks/{task.pk}/comments")
    expected = len(few)
    for _ in range(4):
        commented()
    with django_assert_num_queries(expected):
        rows = admin_client.get(f"/api/data/tasks/{task.pk}/comments").json()
    assert [len(row["attachment_files"]) for row in rows] == [2] * 5


def test_data_comment_attachments(admin_client, comment, pdf_attachment):
    row = admin_client.get(f"/api/data/comments/{comment.pk}").json()
    assert row["attachment_files"] == [
        {"id": str(pdf_attachment.pk), "name": "notes.pdf", "extension": "pdf", "size": len(PDF)}
    ]


def test_data_comments_relations_ids(admin_client, comment, pdf_attachment):
    rows = admin_client.get("/api/data/comments", {"relations": "true"}).json()
    assert rows[0]["attachment_files"] == [str(pdf_attachment.pk)]


def test_ack_comment_attachment_ids(admin_client, task, comment, pdf_attachment):
    row = admin_client.post(f"/api/data/tasks/{task.pk}/comments/{comment.pk}/ack").json()
    assert row["attachment_files"] == [str(pdf_attachment.pk)]


def test_project_comments_attachment_ids(admin_client, task, comment, pdf_attachment):
    rows = admin_client.get(f"/api/data/projects/{task.project_id}/comments").json()
    assert rows[0]["attachment_files"] == [str(pdf_attachment.pk)]


def test_project_comments_queries(admin_client, task, attach, django_assert_num_queries):
    def commented():
        comment = factories.CommentFactory(object_id=task.pk, person=admin_client.person)
        attach(admin_client, task, comment, {"a": upload("a.pdf", PDF)})

    commented()
    with CaptureQueriesContext(connection) as few:
        admin_client.get(f"/api/data/projects/{task.project_id}/comments")
    expected = len(few)
    for _ in range(4):
        commented()
    with django_assert_num_queries(expected):
        rows = admin_client.get(f"/api/data/projects/{task.project_id}/comments").json()
    assert [len(row["attachment_files"]) for row in rows] == [1] * 5


# ---- POST /actions/tasks/{task_id}/comments/{comment_id}/add-attachment ------------------------------------


def test_add_attachment_author(admin_client, task, comment, attach):
    files = {"file": upload("notes.pdf", PDF), "file-1": upload("frame.png", png_bytes(), "image/png")}
    response = attach(admin_client, task, comment, files)
    assert response.status_code == 201
    assert [row["name"] for row in response.json()] == ["notes.pdf", "frame.png"]
    assert sorted(response.json()[0]) == ["extension", "id", "name", "size"]
    assert comment.attachment_files.count() == 2


def test_add_attachment_artist_author(teammate, task, attach):
    artist = teammate("user", assigned=True)
    own = factories.CommentFactory(object_id=task.pk, person=artist.person)
    assert attach(artist, task, own, {"file": upload("a.pdf", PDF)}).status_code == 201


def test_add_attachment_team_manager(teammate, task, comment, attach):
    assert attach(teammate("manager"), task, comment, {"file": upload("a.pdf", PDF)}).status_code == 201


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_add_attachment_not_author(teammate, task, comment, attach, role):
    client = teammate(role, assigned=True)
    assert attach(client, task, comment, {"file": upload("a.pdf", PDF)}).status_code == 403
    assert not AttachmentFile.objects.exists()


def test_add_attachment_manager_outside_team(make_client, task, comment, attach):
    assert attach(make_client("manager"), task, comment, {"file": upload("a.pdf", PDF)}).status_code == 403


def test_add_attachment_author_outside_team(make_client, task, attach):
    artist = make_client("user")
    own = factories.CommentFactory(object_id=task.pk, person=artist.person)
    assert attach(artist, task, own, {"file": upload("a.pdf", PDF)}).status_code == 403


def test_add_attachment_no_file(admin_client, task, comment, attach):
    response = attach(admin_client, task, comment, {})
    assert response.status_code == 400
    assert "file" in response.json()["message"]


def test_add_attachment_bad_file(admin_client, task, comment, attach, stored_keys):
    response = attach(admin_client, task, comment, {"a": upload("a.pdf", PDF), "b": upload("b.jpg", b"nope")})
    assert response.status_code == 400
    assert not AttachmentFile.objects.exists()
    assert stored_keys() == []


def test_add_attachment_unknown_comment(admin_client, task, attach):
    missing = Comment(pk=UNKNOWN)
    assert attach(admin_client, task, missing, {"file": upload("a.pdf", PDF)}).status_code == 404


def test_add_attachment_unknown_task(admin_client, comment, attach):
    other = factories.TaskFactory()
    assert attach(admin_client, other, comment, {"file": upload("a.pdf", PDF)}).status_code == 404


def test_add_attachment_malformed_comment(admin_client, task):
    url = f"/api/actions/tasks/{task.pk}/comments/nope/add-attachment"
    assert admin_client.post(url, {"file": upload("a.pdf", PDF)}).status_code == 400


def test_add_attachment_anonymous(api_client, task, comment, attach):
    assert attach(api_client, task, comment, {"file": upload("a.pdf", PDF)}).status_code == 401


def test_add_attachment_to_reply(admin_client, task, comment, attach):
    reply = admin_client.post(f"/api/data/tasks/{task.pk}/comments/{comment.pk}/reply", {"text": "hi"}, format="json")
    reply_id = reply.json()["id"]
    response = attach(admin_client, task, comment, {"file": upload("a.pdf", PDF)}, reply_id=reply_id)
    assert response.status_code == 201
    assert str(AttachmentFile.objects.get().reply_id) == reply_id


@pytest.mark.parametrize("reply_id", [UNKNOWN, "nope"])
def test_add_attachment_bad_reply(admin_client, task, comment, attach, reply_id):
    response = attach(admin_client, task, comment, {"file": upload("a.pdf", PDF)}, reply_id=reply_id)
    assert response.status_code == 400
    assert "reply_id" in response.json()["message"]


# ---- replies with files -------------------------------------------------------------------------------


def test_reply_with_files(admin_client, task, comment):
    url = f"/api/data/tasks/{task.pk}/comments/{comment.pk}/reply"
    response = admin_client.post(url, {"text": "see file", "file": upload("frame.png", png_bytes(), "image/png")})
    assert response.status_code == 200, response.json()
    reply = response.json()
    assert reply["attachment_files"][0]["name"] == "frame.png"
    assert reply["attachment_files"][0]["reply_id"] == reply["id"]
    rows = admin_client.get(f"/api/data/tasks/{task.pk}/comments").json()
    assert rows[0]["attachment_files"][0]["reply_id"] == reply["id"]


def test_reply_only_files(admin_client, task, comment):
    url = f"/api/data/tasks/{task.pk}/comments/{comment.pk}/reply"
    assert admin_client.post(url, {"file": upload("a.pdf", PDF)}).status_code == 200


def test_reply_bad_file(admin_client, task, comment):
    url = f"/api/data/tasks/{task.pk}/comments/{comment.pk}/reply"
    response = admin_client.post(url, {"text": "x", "file": upload("a.png", b"no")})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.replies == []


def test_reply_delete_removes_files(admin_client, task, comment, django_capture_on_commit_callbacks):
    url = f"/api/data/tasks/{task.pk}/comments/{comment.pk}/reply"
    reply = admin_client.post(url, {"text": "x", "file": upload("a.pdf", PDF)}).json()
    remaining = admin_client.post(
        f"/api/actions/tasks/{task.pk}/comments/{comment.pk}/add-attachment", {"file": upload("b.pdf", PDF)}
    ).json()[0]
    attachment = AttachmentFile.objects.get(reply_id=reply["id"])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"{url}/{reply['id']}").status_code == 200
    assert [str(pk) for pk in AttachmentFile.objects.values_list("pk", flat=True)] == [remaining["id"]]
    assert not file_exists(attachment_key(attachment))


# ---- DELETE /data/tasks/{task_id}/comments/{comment_id}/attachments/{attachment_id} ----------------------------


def test_delete_attachment(admin_client, task, comment, picture_attachment, django_capture_on_commit_callbacks):
    keys = [attachment_key(picture_attachment), attachment_thumbnail_key(picture_attachment.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.delete(delete_url(task, comment, picture_attachment.pk))
    assert response.status_code == 204
    assert not AttachmentFile.objects.exists()
    assert not any(file_exists(key) for key in keys)


def test_delete_attachment_rollback_keeps_file(task, comment, pdf_attachment):
    from django.db import transaction

    from playlists.services.attachments import attachment_delete

    key = attachment_key(pdf_attachment)
    with pytest.raises(RuntimeError), transaction.atomic():
        attachment_delete(attachment=pdf_attachment)
        raise RuntimeError("rolled back")
    assert file_exists(key)


def test_delete_attachment_team_manager(teammate, task, comment, pdf_attachment):
    assert teammate("manager").delete(delete_url(task, comment, pdf_attachment.pk)).status_code == 204


def test_delete_attachment_artist_author(teammate, task, attach):
    artist = teammate("user", assigned=True)
    own = factories.CommentFactory(object_id=task.pk, person=artist.person)
    attachment_id = attach(artist, task, own, {"file": upload("a.pdf", PDF)}).json()[0]["id"]
    assert artist.delete(delete_url(task, own, attachment_id)).status_code == 204


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_delete_attachment_refused(teammate, task, comment, pdf_attachment, role):
    assert teammate(role, assigned=True).delete(delete_url(task, comment, pdf_attachment.pk)).status_code == 403
    assert AttachmentFile.objects.filter(pk=pdf_attachment.pk).exists()


def test_delete_attachment_unknown(admin_client, task, comment):
    assert admin_client.delete(delete_url(task, comment, UNKNOWN)).status_code == 404


def test_delete_attachment_of_other_comment(admin_client, task, comment, pdf_attachment):
    other = factories.CommentFactory(object_id=task.pk, person=admin_client.person)
    assert admin_client.delete(delete_url(task, other, pdf_attachment.pk)).status_code == 404


def test_delete_attachment_malformed(admin_client, task, comment):
    assert admin_client.delete(delete_url(task, comment, "nope")).status_code == 400


def test_delete_attachment_anonymous(api_client, task, comment, pdf_attachment):
    assert api_client.delete(delete_url(task, comment, pdf_attachment.pk)).status_code == 401


def test_delete_comment_removes_files(
    admin_client, task, comment, picture_attachment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").status_code == 204
    assert not AttachmentFile.objects.exists()
    assert not file_exists(attachment_key(picture_attachment))
    assert not file_exists(attachment_thumbnail_key(picture_attachment.pk))


def test_generic_comment_delete_removes_files(
    admin_client, comment, pdf_attachment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"/api/data/comments/{comment.pk}").status_code == 204
    assert not file_exists(attachment_key(pdf_attachment))


# ---- GET /data/attachment-files/{id}/file/{file_name} ------------------------------------------------------------


def test_download_attachment(admin_client, pdf_attachment):
    response = admin_client.get(download_url(pdf_attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="notes.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body_of(response) == PDF


def test_download_path_name_is_cosmetic(admin_client, pdf_attachment):
    response = admin_client.get(download_url(pdf_attachment, "..%5C..%5Csettings.py"))
    assert response.status_code == 200
    assert body_of(response) == PDF


def test_download_uses_stored_mimetype(admin_client, pdf_attachment):
    AttachmentFile.objects.filter(pk=pdf_attachment.pk).update(mimetype="application/x-custom")
    assert admin_client.get(download_url(pdf_attachment))["Content-Type"] == "application/x-custom"


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "vendor"])
def test_download_team_roles(teammate, pdf_attachment, role):
    assert teammate(role).get(download_url(pdf_attachment)).status_code == 200


def test_download_client_of_studio_comment(teammate, pdf_attachment):
    assert teammate("client").get(download_url(pdf_attachment)).status_code == 403


def test_download_client_own_comment(teammate, task, attach):
    client = teammate("client")
    own = factories.CommentFactory(object_id=task.pk, person=client.person)
    response = attach(client, task, own, {"file": upload("a.pdf", PDF)})
    attachment = AttachmentFile.objects.get(pk=response.json()[0]["id"])
    assert client.get(download_url(attachment)).status_code == 200


def test_download_vendor_without_task(make_client, task, pdf_attachment):
    vendor = make_client("vendor")
    ProjectPersonLink.objects.create(project=task.project, person=vendor.person)
    assert vendor.get(download_url(pdf_attachment)).status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_download_outsider(make_client, pdf_attachment, role):
    assert make_client(role).get(download_url(pdf_attachment)).status_code == 403


def test_download_unknown(admin_client):
    assert admin_client.get(f"/api/data/attachment-files/{UNKNOWN}/file/x.pdf").status_code == 404


def test_download_malformed(admin_client):
    assert admin_client.get("/api/data/attachment-files/nope/file/x.pdf").status_code == 404


def test_download_missing_file(admin_client):
    attachment = factories.AttachmentFileFactory()
    response = admin_client.get(download_url(attachment))
    assert response.status_code == 404
    assert "was not found" in response.json()["message"]


def test_download_orphan_admin_only(make_client):
    attachment = factories.AttachmentFileFactory(comment=None)
    save_file(attachment_key(attachment), b"orphan")
    assert make_client("admin").get(download_url(attachment)).status_code == 200
    assert make_client("manager").get(download_url(attachment)).status_code == 403


def test_download_anonymous(api_client, pdf_attachment):
    assert api_client.get(download_url(pdf_attachment)).status_code == 401


# ---- GET /pictures/thumbnails/attachment-files/{id}.png -----------------------------------------------------------


def test_thumbnail_of_picture(admin_client, picture_attachment):
    response = admin_client.get(thumbnail_url(picture_attachment.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(body_of(response))).size == (150, 150)


def test_thumbnail_of_document(admin_client, pdf_attachment):
    response = admin_client.get(thumbnail_url(pdf_attachment.pk))
    assert response.status_code == 404
    assert "only pictures" in response.json()["message"]


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "vendor"])
def test_thumbnail_team_roles(teammate, picture_attachment, role):
    assert teammate(role).get(thumbnail_url(picture_attachment.pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_thumbnail_outsider(make_client, picture_attachment, role):
    assert make_client(role).get(thumbnail_url(picture_attachment.pk)).status_code == 403


def test_thumbnail_unknown(admin_client):
    assert admin_client.get(thumbnail_url(UNKNOWN)).status_code == 404


def test_thumbnail_malformed(admin_client):
    assert admin_client.get(thumbnail_url("nope")).status_code == 404


def test_thumbnail_anonymous(api_client, picture_attachment):
    assert api_client.get(thumbnail_url(picture_attachment.pk)).status_code == 401


# ---- GET /data/tasks/{task_id}/attachment-files and /data/projects/{project_id}/attachment-files ------------------


@pytest.mark.parametrize("scope", ["tasks", "projects"])
def test_admin_lists(admin_client, task, pdf_attachment, scope):
    scope_id = task.pk if scope == "tasks" else task.project_id
    factories.AttachmentFileFactory()
    rows = admin_client.get(f"/api/data/{scope}/{scope_id}/attachment-files").json()
    assert [row["id"] for row in rows] == [str(pdf_attachment.pk)]
    assert rows[0]["comment"]["id"] == str(pdf_attachment.comment_id)
    assert rows[0]["chat_message"] is None
    assert rows[0]["mimetype"] == "application/pdf"


@pytest.mark.parametrize("scope", ["tasks", "projects"])
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_admin_lists_refused(teammate, task, scope, role):
    scope_id = task.pk if scope == "tasks" else task.project_id
    assert teammate(role).get(f"/api/data/{scope}/{scope_id}/attachment-files").status_code == 403


@pytest.mark.parametrize("scope", ["tasks", "projects"])
def test_admin_lists_unknown(admin_client, scope):
    assert admin_client.get(f"/api/data/{scope}/{UNKNOWN}/attachment-files").status_code == 404


@pytest.mark.parametrize("scope", ["tasks", "projects"])
def test_admin_lists_queries(admin_client, task, attach, django_assert_num_queries, scope):
    scope_id = task.pk if scope == "tasks" else task.project_id
    url = f"/api/data/{scope}/{scope_id}/attachment-files"

    def commented():
        comment = factories.CommentFactory(object_id=task.pk, person=admin_client.person)
        attach(admin_client, task, comment, {"a": upload("a.pdf", PDF)})

    commented()
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    expected = len(few)
    for _ in range(4):
        commented()
    with django_assert_num_queries(expected):
        rows = admin_client.get(url).json()
    assert len(rows) == 5


# ---- chat messages -------------------------------------------------------------------------------------


@pytest.fixture
def chat_entity(task):
    return task.entity


@pytest.fixture
def chatting(make_client, chat_entity):
    """Factory: chatting("user") -> a team member of that role who joined the entity's chat."""

    def factory(role):
        client = make_client(role)
        ProjectPersonLink.objects.get_or_create(project=chat_entity.project, person=client.person)
        if role == "vendor":
            TaskPersonLink.objects.create(
                task=factories.TaskFactory(project=chat_entity.project, entity=chat_entity), person=client.person
            )
        chat, _ = Chat.objects.get_or_create(object_id=chat_entity.pk, object_type="entity")
        chat.participants.add(client.person)
        return client

    return factory


def messages_url(entity):
    return f"/api/data/entities/{entity.pk}/chat/messages"


def test_chat_message_with_files(chatting, chat_entity):
    artist = chatting("user")
    files = {"file": upload("frame.png", png_bytes(), "image/png"), "file-1": upload("notes.pdf", PDF)}
    response = artist.post(messages_url(chat_entity), {"message": "look", **files})
    assert response.status_code == 201, response.json()
    rows = response.json()["attachment_files"]
    assert [row["name"] for row in rows] == ["frame.png", "notes.pdf"]
    picture = AttachmentFile.objects.get(name="frame.png")
    assert picture.chat_message_id is not None
    assert file_exists(attachment_thumbnail_key(picture.pk))


def test_chat_message_only_files(chatting, chat_entity):
    response = chatting("user").post(messages_url(chat_entity), {"file": upload("a.pdf", PDF)})
    assert response.status_code == 201
    assert response.json()["text"] == ""


def test_chat_message_bad_file(chatting, chat_entity, stored_keys):
    response = chatting("user").post(messages_url(chat_entity), {"message": "x", "file": upload("a.png", b"no")})
    assert response.status_code == 400
    assert not ChatMessage.objects.exists()
    assert stored_keys() == []


def test_chat_message_without_files(chatting, chat_entity):
    response = chatting("user").post(messages_url(chat_entity), {"message": "hello"}, format="json")
    assert response.json()["attachment_files"] == []


def test_chat_messages_list_attachments(chatting, chat_entity):
    artist = chatting("user")
    artist.post(messages_url(chat_entity), {"message": "look", "file": upload("notes.pdf", PDF)})
    rows = artist.get(messages_url(chat_entity)).json()
    attachment = AttachmentFile.objects.get()
    assert rows[0]["attachment_files"] == [{"id": str(attachment.pk), "name": "notes.pdf", "extension": "pdf"}]


def test_chat_messages_queries(chatting, chat_entity, django_assert_num_queries):
    artist = chatting("user")
    artist.post(messages_url(chat_entity), {"message": "1", "file": upload("a.pdf", PDF)})
    with CaptureQueriesContext(connection) as few:
        artist.get(messages_url(chat_entity))
    expected = len(few)
    for index in range(4):
        artist.post(
            messages_url(chat_entity), {"message": str(index), "a": upload("a.pdf", PDF), "b": upload("b.pdf", PDF)}
        )
    with django_assert_num_queries(expected):
        rows = artist.get(messages_url(chat_entity)).json()
    assert [len(row["attachment_files"]) for row in rows] == [1, 2, 2, 2, 2]


def test_chat_message_detail_attachments(admin_client, chatting, chat_entity):
    artist = chatting("user")
    message_id = artist.post(messages_url(chat_entity), {"message": "x", "file": upload("a.pdf", PDF)}).json()["id"]
    assert len(artist.get(f"{messages_url(chat_entity)}/{message_id}").json()["attachment_files"]) == 1
    assert len(admin_client.get(f"/api/data/chat-messages/{message_id}").json()["attachment_files"]) == 1


def test_chat_attachment_download(chatting, make_client, chat_entity):
    artist = chatting("user")
    artist.post(messages_url(chat_entity), {"message": "x", "file": upload("a.pdf", PDF)})
    attachment = AttachmentFile.objects.get()
    assert artist.get(download_url(attachment)).status_code == 200
    assert make_client("user").get(download_url(attachment)).status_code == 403


def test_chat_message_delete_removes_files(chatting, chat_entity, django_capture_on_commit_callbacks):
    artist = chatting("user")
    message_id = artist.post(messages_url(chat_entity), {"message": "x", "file": upload("a.png", png_bytes())}).json()[
        "id"
    ]
    attachment = AttachmentFile.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert artist.delete(f"{messages_url(chat_entity)}/{message_id}").status_code == 204
    assert not AttachmentFile.objects.exists()
    assert not file_exists(attachment_key(attachment))
    assert not file_exists(attachment_thumbnail_key(attachment.pk))


def test_generic_chat_message_delete_removes_files(
    admin_client, chatting, chat_entity, django_capture_on_commit_callbacks
):
    message_id = (
        chatting("user").post(messages_url(chat_entity), {"message": "x", "file": upload("a.pdf", PDF)}).json()["id"]
    )
    attachment = AttachmentFile.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"/api/data/chat-messages/{message_id}").status_code == 204
    assert not file_exists(attachment_key(attachment))


def test_generic_chat_delete_removes_files(admin_client, chatting, chat_entity, django_capture_on_commit_callbacks):
    chatting("user").post(messages_url(chat_entity), {"message": "x", "file": upload("a.pdf", PDF)})
    attachment = AttachmentFile.objects.get()
    chat = Chat.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"/api/data/chats/{chat.pk}").status_code == 204
    assert not file_exists(attachment_key(attachment))


# ---- /data/attachment-files -------------------------------------------------------------------------------------


COLLECTION = "/api/data/attachment-files"


def test_collection_list_admin(admin_client, pdf_attachment):
    rows = admin_client.get(COLLECTION).json()
    assert [row["id"] for row in rows] == [str(pdf_attachment.pk)]
    assert rows[0]["type"] == "AttachmentFile"
    assert rows[0]["comment"]["type"] == "Comment"


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_collection_list_refused(make_client, role):
    assert make_client(role).get(COLLECTION).status_code == 403


def test_collection_list_anonymous(api_client):
    assert api_client.get(COLLECTION).status_code == 401


def test_collection_list_queries(admin_client, django_assert_num_queries):
    factories.AttachmentFileFactory()
    with CaptureQueriesContext(connection) as few:
        admin_client.get(COLLECTION)
    expected = len(few)
    for _ in range(4):
        factories.AttachmentFileFactory()
    with django_assert_num_queries(expected):
        rows = admin_client.get(COLLECTION).json()
    assert len(rows) == 5


def test_collection_read_shape(admin_client, pdf_attachment):
    row = admin_client.get(f"{COLLECTION}/{pdf_attachment.pk}").json()
    assert row["name"] == "notes.pdf"
    assert row["comment_id"] == str(pdf_attachment.comment_id)
    assert row["comment"]["id"] == str(pdf_attachment.comment_id)
    assert row["chat_message"] is None
    assert row["reply_id"] is None


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "vendor"])
def test_collection_read_team(teammate, pdf_attachment, role):
    assert teammate(role).get(f"{COLLECTION}/{pdf_attachment.pk}").status_code == 200


def test_collection_read_client_studio_comment(teammate, pdf_attachment):
    assert teammate("client").get(f"{COLLECTION}/{pdf_attachment.pk}").status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_collection_read_outsider(make_client, pdf_attachment, role):
    assert make_client(role).get(f"{COLLECTION}/{pdf_attachment.pk}").status_code == 403


def test_collection_read_unknown(admin_client):
    assert admin_client.get(f"{COLLECTION}/{UNKNOWN}").status_code == 404


def test_collection_read_malformed(admin_client):
    assert admin_client.get(f"{COLLECTION}/nope").status_code == 400


def test_collection_create(admin_client, comment):
    body = {"name": "raw.txt", "comment_id": str(comment.pk), "extension": "txt"}
    response = admin_client.post(COLLECTION, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["comment"]["id"] == str(comment.pk)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "extension": "../sh"}, "extension"),
        ({"name": "x", "extension": "toolong1"}, "extension"),
        ({"name": "x", "comment_id": UNKNOWN}, "comment_id"),
        ({"name": "x", "size": "big"}, "size"),
    ],
)
def test_collection_create_bad_input(admin_client, body, field):
    response = admin_client.post(COLLECTION, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_collection_create_refused(make_client, comment, role):
    response = make_client(role).post(COLLECTION, {"name": "x", "comment_id": str(comment.pk)}, format="json")
    assert response.status_code == 403


def test_collection_update(admin_client, pdf_attachment):
    response = admin_client.put(f"{COLLECTION}/{pdf_attachment.pk}", {"name": "renamed.pdf"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "renamed.pdf"


def test_collection_update_stored_extension(admin_client, pdf_attachment):
    response = admin_client.put(f"{COLLECTION}/{pdf_attachment.pk}", {"extension": "txt"}, format="json")
    assert response.status_code == 400
    assert "extension" in response.json()["message"]


def test_collection_update_extension_without_file(admin_client):
    attachment = factories.AttachmentFileFactory()
    response = admin_client.put(f"{COLLECTION}/{attachment.pk}", {"extension": "md"}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_collection_update_refused(teammate, pdf_attachment, role):
    response = teammate(role).put(f"{COLLECTION}/{pdf_attachment.pk}", {"name": "x"}, format="json")
    assert response.status_code == 403


def test_collection_update_unknown(admin_client):
    assert admin_client.put(f"{COLLECTION}/{UNKNOWN}", {"name": "x"}, format="json").status_code == 404


def test_collection_delete(admin_client, picture_attachment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"{COLLECTION}/{picture_attachment.pk}").status_code == 204
    assert not file_exists(attachment_key(picture_attachment))
    assert not file_exists(attachment_thumbnail_key(picture_attachment.pk))


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_collection_delete_refused(teammate, pdf_attachment, role):
    assert teammate(role).delete(f"{COLLECTION}/{pdf_attachment.pk}").status_code == 403
    assert file_exists(attachment_key(pdf_attachment))


def test_collection_delete_unknown(admin_client):
    assert admin_client.delete(f"{COLLECTION}/{UNKNOWN}").status_code == 404
