"""Preview actions: add-preview on a comment, more previews on a revision, deleting a comment's preview,
main previews (with a movie frame), positions in a revision, and who may do each."""

import io
import threading

import pytest
from django.db import connection, connections
from PIL import Image

from kitsu_project.storage import file_exists, open_file, save_file
from playlists.media import keys
from playlists.models import CommentPreviewLink, PreviewFile
from playlists.services import previews as preview_services
from productions.models import ApiEvent, Entity, Task
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-4000-8000-000000000000"
NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]


def comment_on(task, author=None, **fields):
    return factories.CommentFactory(
        object_id=task.pk, person=author or factories.PersonFactory(), task_status=task.task_status, **fields
    )


def ready_preview(task, **fields):
    values = {"task": task, "status": PreviewFile.STATUS_READY, "extension": "png", **fields}
    return factories.PreviewFileFactory(**values)


def on_comment(comment, preview):
    CommentPreviewLink.objects.create(comment=comment, preview_file=preview)
    return preview


@pytest.fixture
def comment(task):
    return comment_on(task)


def add_url(task, comment):
    return f"/api/actions/tasks/{task.pk}/comments/{comment.pk}/add-preview"


def extra_url(task, comment, preview):
    return f"/api/actions/tasks/{task.pk}/comments/{comment.pk}/preview-files/{preview.pk}"


def action_url(preview, action):
    return f"/api/actions/preview-files/{getattr(preview, 'pk', preview)}/{action}"


def event_names():
    return list(ApiEvent.objects.values_list("name", flat=True))


# ---- POST /actions/tasks/{id}/comments/{id}/add-preview -----------------------------------------


def test_add_preview_creates_revision(admin_client, task, comment):
    response = admin_client.post(add_url(task, comment), {}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["type"] == "PreviewFile"
    assert body["task_id"] == str(task.pk)
    assert body["person_id"] == str(admin_client.person.pk)
    assert (body["revision"], body["position"]) == (1, 1)
    assert (body["status"], body["extension"], body["source"]) == ("processing", "mp4", "webgui")
    assert len(body["name"]) == 13


def test_add_preview_links_comment(admin_client, task, comment):
    preview_id = admin_client.post(add_url(task, comment), {}, format="json").json()["id"]
    assert CommentPreviewLink.objects.filter(comment=comment, preview_file_id=preview_id).exists()


def test_add_preview_second_keeps_revision(admin_client, task, comment):
    first = admin_client.post(add_url(task, comment), {}, format="json").json()
    second = admin_client.post(add_url(task, comment), {}, format="json").json()
    assert (second["revision"], second["position"]) == (first["revision"], 2)


def test_add_preview_new_comment_next_revision(admin_client, task, comment):
    ready_preview(task, revision=3)
    body = admin_client.post(add_url(task, comment), {}, format="json").json()
    assert (body["revision"], body["position"]) == (4, 1)


def test_add_preview_given_revision(admin_client, task, comment):
    body = admin_client.post(add_url(task, comment), {"revision": 5}, format="json").json()
    assert (body["revision"], body["position"]) == (5, 1)


def test_add_preview_given_existing_revision(admin_client, task, comment):
    ready_preview(task, revision=2, position=1)
    ready_preview(task, revision=2, position=4)
    body = admin_client.post(add_url(task, comment), {"revision": "2"}, format="json").json()
    assert (body["revision"], body["position"]) == (2, 5)


def test_add_preview_revision_zero_is_automatic(admin_client, task, comment):
    ready_preview(task, revision=1)
    assert admin_client.post(add_url(task, comment), {"revision": 0}, format="json").json()["revision"] == 2


@pytest.mark.parametrize("value", ["abc", -1, True, 1.5, [1]])
def test_add_preview_bad_revision(admin_client, task, comment, value):
    response = admin_client.post(add_url(task, comment), {"revision": value}, format="json")
    assert response.status_code == 400
    assert "revision" in response.json()["message"]
    assert not PreviewFile.objects.filter(task=task).exists()


def test_add_preview_sets_news_preview(admin_client, task, comment):
    news = factories.NewsFactory(task=task, comment=comment)
    preview_id = admin_client.post(add_url(task, comment), {}, format="json").json()["id"]
    news.refresh_from_db()
    assert str(news.preview_file_id) == preview_id


def test_add_preview_keeps_task_last_preview(admin_client, task, comment):
    # The task's last preview changes when the file of the new one is ready (on upload), not before.
    earlier = ready_preview(task)
    Task.objects.filter(pk=task.pk).update(last_preview_file_id=earlier.pk)
    admin_client.post(add_url(task, comment), {}, format="json")
    assert Task.objects.get(pk=task.pk).last_preview_file_id == earlier.pk


def test_add_preview_events(django_capture_on_commit_callbacks, admin_client, task, comment):
    with django_capture_on_commit_callbacks(execute=True):
        preview_id = admin_client.post(add_url(task, comment), {}, format="json").json()["id"]
    event = ApiEvent.objects.get(name="preview-file:new")
    assert event.data == {
        "preview_file_id": preview_id,
        "comment_id": str(comment.pk),
        "project_id": str(task.project_id),
    }
    assert ApiEvent.objects.filter(name="comment:update", data__comment_id=str(comment.pk)).exists()


def test_add_preview_unknown_task(admin_client, comment):
    assert admin_client.post(f"/api/actions/tasks/{UNKNOWN}/comments/{comment.pk}/add-preview").status_code == 404


def test_add_preview_unknown_comment(admin_client, task):
    assert admin_client.post(f"/api/actions/tasks/{task.pk}/comments/{UNKNOWN}/add-preview").status_code == 404


def test_add_preview_comment_of_other_task(admin_client, task):
    other = comment_on(factories.TaskFactory(project=task.project))
    assert admin_client.post(add_url(task, other), {}, format="json").status_code == 404


def test_add_preview_malformed_task_id(admin_client, comment):
    assert admin_client.post(f"/api/actions/tasks/nope/comments/{comment.pk}/add-preview").status_code == 400


def test_add_preview_anonymous(api_client, task, comment):
    assert api_client.post(add_url(task, comment), {}, format="json").status_code == 401


@pytest.mark.parametrize(
    "role, assigned, expected",
    [
        ("manager", False, 201),
        ("supervisor", False, 201),
        ("user", True, 201),
        ("user", False, 403),
        ("vendor", True, 201),
        ("vendor", False, 403),
    ],
)
def test_add_preview_by_role(member, task, comment, role, assigned, expected):
    client = member(role, assigned=assigned)
    assert client.post(add_url(task, comment), {}, format="json").status_code == expected


def test_add_preview_client_on_own_comment(member, task):
    client = member("client")
    own = comment_on(task, author=client.person)
    assert client.post(add_url(task, own), {}, format="json").status_code == 201


def test_add_preview_client_on_studio_comment(member, task, comment):
    assert member("client").post(add_url(task, comment), {}, format="json").status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_add_preview_outsider(member, task, comment, role):
    client = member(role, assigned=True, team=False)
    assert client.post(add_url(task, comment), {}, format="json").status_code == 403
    assert not PreviewFile.objects.filter(task=task).exists()


def test_add_preview_revisions_under_concurrency(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers on its own")
    task = factories.TaskFactory()
    comments = [comment_on(task) for _ in range(4)]
    person = factories.PersonFactory(role="admin")
    barrier = threading.Barrier(len(comments))
    errors = []

    def add(comment):
        try:
            barrier.wait()
            preview_services.preview_file_add(task=task, comment=comment, person=person)
        except Exception as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(comment,)) for comment in comments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(PreviewFile.objects.filter(task=task).values_list("revision", flat=True)) == [1, 2, 3, 4]


# ---- POST /actions/tasks/{id}/comments/{id}/preview-files/{id} ---------------------------------


def test_extra_preview_joins_revision(admin_client, task, comment):
    related = on_comment(comment, ready_preview(task, revision=2, position=1))
    response = admin_client.post(extra_url(task, comment, related))
    assert response.status_code == 201
    body = response.json()
    assert (body["revision"], body["position"], body["status"]) == (2, 2, "processing")
    assert CommentPreviewLink.objects.filter(comment=comment, preview_file_id=body["id"]).exists()


def test_extra_preview_of_other_task(admin_client, task, comment):
    foreign = ready_preview(factories.TaskFactory(project=task.project))
    assert admin_client.post(extra_url(task, comment, foreign)).status_code == 404


def test_extra_preview_unknown_preview(admin_client, task, comment):
    url = f"/api/actions/tasks/{task.pk}/comments/{comment.pk}/preview-files/{UNKNOWN}"
    assert admin_client.post(url).status_code == 404


def test_extra_preview_unknown_comment(admin_client, task):
    related = ready_preview(task)
    url = f"/api/actions/tasks/{task.pk}/comments/{UNKNOWN}/preview-files/{related.pk}"
    assert admin_client.post(url).status_code == 404


def test_extra_preview_malformed_preview_id(admin_client, task, comment):
    url = f"/api/actions/tasks/{task.pk}/comments/{comment.pk}/preview-files/nope"
    assert admin_client.post(url).status_code == 400


@pytest.mark.parametrize(
    "role, assigned, expected", [("user", True, 201), ("user", False, 403), ("vendor", False, 403)]
)
def test_extra_preview_by_role(member, task, comment, role, assigned, expected):
    related = on_comment(comment, ready_preview(task))
    client = member(role, assigned=assigned)
    assert client.post(extra_url(task, comment, related)).status_code == expected


# ---- DELETE /actions/tasks/{id}/comments/{id}/preview-files/{id} -------------------------------


def store_files(preview):
    for key in keys.preview_keys(preview):
        save_file(key, b"data")
    return keys.preview_keys(preview)


def test_comment_preview_delete(django_capture_on_commit_callbacks, admin_client, task, comment):
    preview = on_comment(comment, ready_preview(task))
    stored = store_files(preview)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.delete(extra_url(task, comment, preview))
    assert response.status_code == 204
    assert not PreviewFile.objects.filter(pk=preview.pk).exists()
    assert not CommentPreviewLink.objects.filter(comment=comment).exists()
    assert [key for key in stored if file_exists(key)] == []
    assert ApiEvent.objects.filter(name="preview-file:delete", data__preview_file_id=str(preview.pk)).exists()


def test_comment_preview_delete_clears_references(admin_client, task, comment):
    older = ready_preview(task, revision=1)
    preview = on_comment(comment, ready_preview(task, revision=2))
    Task.objects.filter(pk=task.pk).update(last_preview_file_id=preview.pk)
    Entity.objects.filter(pk=task.entity_id).update(preview_file_id=preview.pk)
    news = factories.NewsFactory(task=task, comment=comment, preview_file_id=preview.pk)
    admin_client.delete(extra_url(task, comment, preview))
    news.refresh_from_db()
    assert Task.objects.get(pk=task.pk).last_preview_file_id == older.pk
    assert Entity.objects.get(pk=task.entity_id).preview_file_id is None
    assert news.preview_file_id is None


def test_comment_preview_delete_not_on_comment(admin_client, task, comment):
    preview = ready_preview(task)
    assert admin_client.delete(extra_url(task, comment, preview)).status_code == 404
    assert PreviewFile.objects.filter(pk=preview.pk).exists()


def test_comment_preview_delete_unknown_comment(admin_client, task):
    preview = ready_preview(task)
    url = f"/api/actions/tasks/{task.pk}/comments/{UNKNOWN}/preview-files/{preview.pk}"
    assert admin_client.delete(url).status_code == 404


def test_comment_preview_delete_by_author(member, task):
    client = member("user", assigned=True)
    own = comment_on(task, author=client.person)
    preview = on_comment(own, ready_preview(task))
    assert client.delete(extra_url(task, own, preview)).status_code == 204


@pytest.mark.parametrize(
    "role, in_team, expected",
    [
        ("manager", True, 204),
        ("supervisor", True, 204),
        ("user", True, 403),
        ("client", True, 403),
        ("vendor", True, 403),
        ("manager", False, 403),
    ],
)
def test_comment_preview_delete_by_role(member, task, comment, role, in_team, expected):
    preview = on_comment(comment, ready_preview(task))
    client = member(role, assigned=True, team=in_team)
    assert client.delete(extra_url(task, comment, preview)).status_code == expected
    assert PreviewFile.objects.filter(pk=preview.pk).exists() == (expected != 204)


# ---- PUT /actions/preview-files/{id}/set-main-preview ---------------------------------------------


def test_main_preview_set(django_capture_on_commit_callbacks, admin_client, task):
    preview = ready_preview(task)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.put(action_url(preview, "set-main-preview"), {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["type"], body["preview_file_id"]) == (str(task.entity_id), "Entity", str(preview.pk))
    assert Entity.objects.get(pk=task.entity_id).preview_file_id == preview.pk
    assert "preview-file:set-main" in event_names()


def test_main_preview_frame_on_picture(admin_client, task):
    preview = ready_preview(task)
    response = admin_client.put(action_url(preview, "set-main-preview"), {"frame_number": 3}, format="json")
    assert response.status_code == 400
    assert "frame_number" in response.json()["message"]
    assert Entity.objects.get(pk=task.entity_id).preview_file_id is None


@pytest.mark.parametrize("value", ["x", -1, True, 2.5])
def test_main_preview_bad_frame_number(admin_client, task, value):
    preview = ready_preview(task)
    response = admin_client.put(action_url(preview, "set-main-preview"), {"frame_number": value}, format="json")
    assert response.status_code == 400
    assert "frame_number" in response.json()["message"]


def movie_preview(admin_client, task, upload, clip_bytes):
    """A ready movie preview, uploaded through the upload route (its job runs inline)."""
    preview = factories.PreviewFileFactory(
        task=task, status=PreviewFile.STATUS_PROCESSING, extension=None, original_name=None, width=0, height=0
    )
    assert upload(admin_client, preview, "clip.mp4", clip_bytes).status_code == 201
    preview.refresh_from_db()
    assert (preview.is_movie, preview.status) == (True, PreviewFile.STATUS_READY)
    return preview


def stored_picture(key):
    with open_file(key) as handle:
        return Image.open(io.BytesIO(handle.read()))


def test_main_preview_movie_frame(admin_client, task, upload, clip_bytes):
    preview = movie_preview(admin_client, task, upload, clip_bytes)
    before = open_file(keys.picture_key(preview, "previews")).read()
    response = admin_client.put(action_url(preview, "set-main-preview"), {"frame_number": 20}, format="json")
    assert response.status_code == 200
    assert Entity.objects.get(pk=task.entity_id).preview_file_id == preview.pk
    assert open_file(keys.picture_key(preview, "previews")).read() != before
    assert stored_picture(keys.picture_key(preview, "thumbnails")).size == (150, 100)


def test_main_preview_frame_in_query(admin_client, task, upload, clip_bytes):
    preview = movie_preview(admin_client, task, upload, clip_bytes)
    response = admin_client.put(action_url(preview, "set-main-preview") + "?frame_number=2")
    assert response.status_code == 200


def test_main_preview_frame_past_end(admin_client, task, upload, clip_bytes):
    preview = movie_preview(admin_client, task, upload, clip_bytes)
    response = admin_client.put(action_url(preview, "set-main-preview"), {"frame_number": 10_000}, format="json")
    assert response.status_code == 400
    assert "frame_number" in response.json()["message"]
    assert Entity.objects.get(pk=task.entity_id).preview_file_id is None


def test_main_preview_without_task(admin_client):
    preview = factories.PreviewFileFactory(task=None)
    response = admin_client.put(action_url(preview, "set-main-preview"), {}, format="json")
    assert response.status_code == 400


def test_main_preview_unknown(admin_client):
    assert admin_client.put(action_url(UNKNOWN, "set-main-preview"), {}, format="json").status_code == 404


def test_main_preview_malformed(admin_client):
    assert admin_client.put(action_url("nope", "set-main-preview"), {}, format="json").status_code == 400


def test_main_preview_anonymous(api_client, task):
    assert api_client.put(action_url(ready_preview(task), "set-main-preview")).status_code == 401


@pytest.mark.parametrize(
    "role, assigned, expected",
    [
        ("manager", False, 200),
        ("supervisor", False, 200),
        ("user", True, 200),
        ("user", False, 403),
        ("client", True, 403),
        ("vendor", True, 200),
        ("vendor", False, 403),
    ],
)
def test_main_preview_by_role(member, task, role, assigned, expected):
    preview = ready_preview(task)
    client = member(role, assigned=assigned)
    assert client.put(action_url(preview, "set-main-preview"), {}, format="json").status_code == expected


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_main_preview_outsider(member, task, role):
    client = member(role, assigned=True, team=False)
    assert client.put(action_url(ready_preview(task), "set-main-preview"), {}, format="json").status_code == 403


# ---- PUT /actions/tasks/{id}/set-main-preview (the task's last preview) ------------------------


def test_task_main_preview_uses_last_ready_preview(admin_client, task):
    first = ready_preview(task, revision=2, position=1)
    ready_preview(task, revision=2, position=2)
    ready_preview(task, revision=1, position=1)
    ready_preview(task, revision=3, status=PreviewFile.STATUS_PROCESSING)
    response = admin_client.put(f"/api/actions/tasks/{task.pk}/set-main-preview")
    assert response.status_code == 200
    assert response.json()["preview_file_id"] == str(first.pk)


def test_task_main_preview_without_ready_preview(admin_client, task):
    ready_preview(task, status=PreviewFile.STATUS_PROCESSING)
    response = admin_client.put(f"/api/actions/tasks/{task.pk}/set-main-preview")
    assert response.status_code == 400
    assert "last_preview_file_id" in response.json()["message"]


# ---- PUT /actions/preview-files/{id}/update-position ----------------------------------------------


@pytest.fixture
def revision_previews(task):
    return [ready_preview(task, revision=1, position=index) for index in (1, 2, 3)]


def test_position_update(admin_client, revision_previews):
    first, second, third = revision_previews
    response = admin_client.put(action_url(third, "update-position"), {"position": 1}, format="json")
    assert response.status_code == 200
    assert [(row["id"], row["position"]) for row in response.json()] == [
        (str(third.pk), 1),
        (str(first.pk), 2),
        (str(second.pk), 3),
    ]
    assert PreviewFile.objects.get(pk=second.pk).position == 3


def test_position_update_keeps_other_revisions(admin_client, task, revision_previews):
    other = ready_preview(task, revision=2, position=1)
    admin_client.put(action_url(revision_previews[0], "update-position"), {"position": 3}, format="json")
    assert PreviewFile.objects.get(pk=other.pk).position == 1


def test_position_update_moves_task_last_preview(admin_client, task, revision_previews):
    Task.objects.filter(pk=task.pk).update(last_preview_file_id=revision_previews[0].pk)
    admin_client.put(action_url(revision_previews[1], "update-position"), {"position": 1}, format="json")
    assert Task.objects.get(pk=task.pk).last_preview_file_id == revision_previews[1].pk


@pytest.mark.parametrize("body", [{}, {"position": "x"}, {"position": 0}, {"position": 4}, {"position": True}])
def test_position_update_bad_input(admin_client, revision_previews, body):
    response = admin_client.put(action_url(revision_previews[0], "update-position"), body, format="json")
    assert response.status_code == 400
    assert "position" in response.json()["message"]
    assert [PreviewFile.objects.get(pk=row.pk).position for row in revision_previews] == [1, 2, 3]


def test_position_update_without_task(admin_client):
    preview = factories.PreviewFileFactory(task=None)
    response = admin_client.put(action_url(preview, "update-position"), {"position": 1}, format="json")
    assert response.status_code == 400
    assert "preview_file_id" in response.json()["message"]


def test_position_update_unknown(admin_client):
    assert admin_client.put(action_url(UNKNOWN, "update-position"), {"position": 1}, format="json").status_code == 404


@pytest.mark.parametrize(
    "role, assigned, expected",
    [
        ("manager", False, 200),
        ("client", False, 200),
        ("user", True, 200),
        ("user", False, 403),
        ("vendor", False, 403),
    ],
)
def test_position_update_by_role(member, revision_previews, role, assigned, expected):
    client = member(role, assigned=assigned)
    response = client.put(action_url(revision_previews[2], "update-position"), {"position": 1}, format="json")
    assert response.status_code == expected


def test_position_update_outsider(member, revision_previews):
    client = member("manager", team=False)
    response = client.put(action_url(revision_previews[2], "update-position"), {"position": 1}, format="json")
    assert response.status_code == 403


def test_delete_then_add_uses_free_position(admin_client, task, comment):
    # Positions follow the highest one, so a revision that lost a preview gives no position twice.
    previews = [on_comment(comment, ready_preview(task, revision=1, position=index)) for index in (1, 2)]
    admin_client.delete(extra_url(task, comment, previews[0]))
    body = admin_client.post(add_url(task, comment), {}, format="json").json()
    assert (body["revision"], body["position"]) == (1, 3)
