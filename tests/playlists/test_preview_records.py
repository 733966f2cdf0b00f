"""The /data/preview-files collection (list, read, create, update, delete for every role) and the
`previews` key of the comment routes."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kitsu_project.storage import file_exists, save_file
from playlists.media import keys
from playlists.models import CommentPreviewLink, PreviewFile
from playlists.services import previews as preview_services
from productions.models import ApiEvent, Comment, Entity, News, ProjectPersonLink, Task
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-4000-8000-000000000000"
NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
SUMMARY_KEYS = {
    "id",
    "task_id",
    "revision",
    "extension",
    "width",
    "height",
    "duration",
    "status",
    "validation_status",
    "original_name",
    "position",
    "annotations",
}


def url(preview_id=None):
    return "/api/data/preview-files" + (f"/{preview_id}" if preview_id else "")


def ready_preview(task, **fields):
    values = {"task": task, "status": PreviewFile.STATUS_READY, "extension": "png", **fields}
    return factories.PreviewFileFactory(**values)


def comment_on(task, author=None, **fields):
    return factories.CommentFactory(
        object_id=task.pk, person=author or factories.PersonFactory(), task_status=task.task_status, **fields
    )


def on_comment(comment, preview):
    CommentPreviewLink.objects.create(comment=comment, preview_file=preview)
    return preview


def ids(response):
    return [row["id"] for row in response.json()]


# ---- GET /data/preview-files -----------------------------------------------------------------------


def test_list_admin(admin_client, task):
    preview = ready_preview(task)
    other = ready_preview(factories.TaskFactory())
    assert set(ids(admin_client.get(url()))) == {str(preview.pk), str(other.pk)}


def test_list_filter_by_task(admin_client, task):
    preview = ready_preview(task)
    ready_preview(factories.TaskFactory())
    assert ids(admin_client.get(url(), {"task_id": str(task.pk)})) == [str(preview.pk)]


def test_list_row_shape(admin_client, task):
    ready_preview(task)
    row = admin_client.get(url()).json()[0]
    assert row["type"] == "PreviewFile"
    assert "comments" not in row
    assert {"task_id", "person_id", "source_file_id", "annotations", "validation_status"} <= set(row)


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client"])
def test_list_team_member_sees_project(member, task, role):
    preview = ready_preview(task)
    ready_preview(factories.TaskFactory())
    assert ids(member(role).get(url())) == [str(preview.pk)]


def test_list_closed_project_hidden(member, task):
    ready_preview(task)
    task.project.project_status = factories.ProjectStatusFactory(name="Closed")
    task.project.save()
    assert member("manager").get(url()).json() == []


def test_list_vendor_only_assigned(member, task):
    assigned = ready_preview(task)
    ready_preview(factories.TaskFactory(project=task.project))
    assert ids(member("vendor", assigned=True).get(url())) == [str(assigned.pk)]


def test_list_vendor_unassigned(member, task):
    ready_preview(task)
    assert member("vendor").get(url()).json() == []


def test_list_outsider(make_client, task):
    ready_preview(task)
    assert make_client("manager").get(url()).json() == []


def test_list_anonymous(api_client):
    assert api_client.get(url()).status_code == 401


def test_list_query_count_fixed(member, task, django_assert_num_queries):
    client = member("user")
    ready_preview(task)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url()).json()) == 1
    for revision in range(2, 12):
        ready_preview(task, revision=revision)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(url()).json()) == 11


# ---- GET /data/preview-files/{id} ------------------------------------------------------------------


def test_get_with_comments(admin_client, task):
    preview = ready_preview(task)
    first, second = comment_on(task), comment_on(task)
    on_comment(first, preview)
    on_comment(second, preview)
    response = admin_client.get(url(preview.pk))
    assert response.status_code == 200
    body = response.json()
    assert sorted(body["comments"]) == sorted([str(first.pk), str(second.pk)])
    assert list(body)[-2:] == ["comments", "type"]


def test_get_unknown(admin_client):
    assert admin_client.get(url(UNKNOWN)).status_code == 404


def test_get_malformed(admin_client):
    assert admin_client.get(url("nope")).status_code == 400


def test_get_anonymous(api_client, task):
    assert api_client.get(url(ready_preview(task).pk)).status_code == 401


@pytest.mark.parametrize(
    "role, assigned, expected",
    [
        ("manager", False, 200),
        ("supervisor", False, 200),
        ("user", False, 200),
        ("client", False, 200),
        ("vendor", True, 200),
        ("vendor", False, 403),
    ],
)
def test_get_by_role(member, task, role, assigned, expected):
    preview = ready_preview(task)
    assert member(role, assigned=assigned).get(url(preview.pk)).status_code == expected


def test_get_vendor_assigned_to_other_task_of_entity(member, task):
    preview = ready_preview(factories.TaskFactory(project=task.project, entity=task.entity))
    assert member("vendor", assigned=True).get(url(preview.pk)).status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_get_outsider(member, task, role):
    preview = ready_preview(task)
    assert member(role, assigned=True, team=False).get(url(preview.pk)).status_code == 403


def test_get_without_task(admin_client, member):
    preview = factories.PreviewFileFactory(task=None)
    assert admin_client.get(url(preview.pk)).status_code == 200
    assert member("manager").get(url(preview.pk)).status_code == 403


# ---- POST /data/preview-files ----------------------------------------------------------------------


def create_body(task, **changes):
    return {"name": "raw", "revision": 9, "task_id": str(task.pk), "extension": "png", "status": "ready", **changes}


def test_create_admin(django_capture_on_commit_callbacks, admin_client, task):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url(), create_body(task), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["revision"], body["status"], body["task_id"]) == (9, "ready", str(task.pk))
    event = ApiEvent.objects.get(name="preview-file:new")
    assert event.data == {"preview_file_id": body["id"], "project_id": str(task.project_id)}


def test_create_duplicate_name(admin_client, task):
    ready_preview(task, name="raw", revision=9)
    response = admin_client.post(url(), create_body(task), format="json")
    assert response.status_code == 400
    assert "name" in response.json()["message"]


@pytest.mark.parametrize(
    "field, value",
    [("status", "done"), ("validation_status", "maybe"), ("task_id", UNKNOWN), ("revision", "x"), ("annotations", 3)],
)
def test_create_bad_value(admin_client, task, field, value):
    response = admin_client.post(url(), create_body(task, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]
    assert not PreviewFile.objects.exists()


def test_create_unknown_field(admin_client, task):
    response = admin_client.post(url(), create_body(task, colour="red"), format="json")
    assert response.status_code == 400
    assert "colour" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_create_refused(member, task, role):
    assert member(role, assigned=True).post(url(), create_body(task), format="json").status_code == 403
    assert not PreviewFile.objects.exists()


def test_create_anonymous(api_client, task):
    assert api_client.post(url(), create_body(task), format="json").status_code == 401


# ---- PUT /data/preview-files/{id} ------------------------------------------------------------------


def test_update_admin(django_capture_on_commit_callbacks, admin_client, task):
    preview = ready_preview(task)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.put(url(preview.pk), {"description": "first pass"}, format="json")
    assert response.status_code == 200
    assert response.json()["description"] == "first pass"
    assert "comments" not in response.json()
    assert ApiEvent.objects.filter(name="preview-file:update", data__preview_file_id=str(preview.pk)).exists()


def test_update_validation_status(admin_client, task):
    preview = ready_preview(task)
    response = admin_client.put(url(preview.pk), {"validation_status": "validated"}, format="json")
    assert response.json()["validation_status"] == "validated"


@pytest.mark.parametrize("field, value", [("validation_status", "maybe"), ("annotations", {"a": 1}), ("width", "x")])
def test_update_bad_value(admin_client, task, field, value):
    preview = ready_preview(task)
    response = admin_client.put(url(preview.pk), {field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


def test_update_unknown(admin_client):
    assert admin_client.put(url(UNKNOWN), {"description": "x"}, format="json").status_code == 404


@pytest.mark.parametrize(
    "role, expected",
    [("manager", 200), ("supervisor", 403), ("user", 403), ("client", 403), ("vendor", 403)],
)
def test_update_by_role(member, task, role, expected):
    preview = ready_preview(task)
    response = member(role, assigned=True).put(url(preview.pk), {"description": "x"}, format="json")
    assert response.status_code == expected


def test_update_manager_outside_team(member, task):
    preview = ready_preview(task)
    assert member("manager", team=False).put(url(preview.pk), {"description": "x"}, format="json").status_code == 403


def test_update_manager_moves_to_unmanaged_project(member, task):
    preview = ready_preview(task)
    elsewhere = factories.TaskFactory()
    response = member("manager").put(url(preview.pk), {"task_id": str(elsewhere.pk)}, format="json")
    assert response.status_code == 403
    assert PreviewFile.objects.get(pk=preview.pk).task_id == task.pk


def test_update_anonymous(api_client, task):
    assert api_client.put(url(ready_preview(task).pk), {"description": "x"}, format="json").status_code == 401


# ---- DELETE /data/preview-files/{id} ---------------------------------------------------------------


def test_delete_cleans_files_and_references(django_capture_on_commit_callbacks, admin_client, task):
    older = ready_preview(task, revision=1)
    preview = ready_preview(task, revision=2)
    comment = comment_on(task, preview_file_id=preview.pk)
    on_comment(comment, preview)
    Task.objects.filter(pk=task.pk).update(last_preview_file_id=preview.pk)
    Entity.objects.filter(pk=task.entity_id).update(preview_file_id=preview.pk)
    news = factories.NewsFactory(task=task, preview_file_id=preview.pk)
    stored = keys.preview_keys(preview)
    for key in stored:
        save_file(key, b"data")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.delete(url(preview.pk))
    assert response.status_code == 204
    assert admin_client.get(url(preview.pk)).status_code == 404
    assert [key for key in stored if file_exists(key)] == []
    assert Task.objects.get(pk=task.pk).last_preview_file_id == older.pk
    assert Entity.objects.get(pk=task.entity_id).preview_file_id is None
    assert Comment.objects.get(pk=comment.pk).preview_file_id is None
    assert News.objects.get(pk=news.pk).preview_file_id is None
    assert not CommentPreviewLink.objects.filter(comment=comment).exists()
    assert ApiEvent.objects.filter(name="preview-file:delete", data__preview_file_id=str(preview.pk)).exists()


def test_delete_last_preview_of_task(admin_client, task):
    preview = ready_preview(task)
    Task.objects.filter(pk=task.pk).update(last_preview_file_id=preview.pk)
    admin_client.delete(url(preview.pk))
    assert Task.objects.get(pk=task.pk).last_preview_file_id is None


def test_delete_keeps_other_task_last_preview(admin_client, task):
    kept = ready_preview(task, revision=2)
    removed = ready_preview(task, revision=1)
    Task.objects.filter(pk=task.pk).update(last_preview_file_id=kept.pk)
    admin_client.delete(url(removed.pk))
    assert Task.objects.get(pk=task.pk).last_preview_file_id == kept.pk


def test_delete_rolled_back_keeps_files(task):
    preview = ready_preview(task)
    preview_id = preview.pk
    key = keys.picture_key(preview, "previews")
    save_file(key, b"data")

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        preview_services.preview_file_delete(preview=preview)
        raise Rollback
    assert file_exists(key)
    assert PreviewFile.objects.filter(pk=preview_id).exists()


def test_delete_unknown(admin_client):
    assert admin_client.delete(url(UNKNOWN)).status_code == 404


@pytest.mark.parametrize(
    "role, expected", [("manager", 204), ("supervisor", 403), ("user", 403), ("client", 403), ("vendor", 403)]
)
def test_delete_by_role(member, task, role, expected):
    preview = ready_preview(task)
    assert member(role, assigned=True).delete(url(preview.pk)).status_code == expected
    assert PreviewFile.objects.filter(pk=preview.pk).exists() == (expected != 204)


def test_delete_manager_outside_team(member, task):
    preview = ready_preview(task)
    assert member("manager", team=False).delete(url(preview.pk)).status_code == 403


def test_delete_anonymous(api_client, task):
    assert api_client.delete(url(ready_preview(task).pk)).status_code == 401


# ---- the `previews` key of comments -----------------------------------------------------------------


def test_task_comments_list_previews(admin_client, task):
    comment = comment_on(task)
    second = on_comment(comment, ready_preview(task, revision=1, position=2, annotations=[]))
    first = on_comment(comment, ready_preview(task, revision=1, position=1))
    rows = admin_client.get(f"/api/data/tasks/{task.pk}/comments").json()
    previews = rows[0]["previews"]
    assert [row["id"] for row in previews] == [str(first.pk), str(second.pk)]
    assert set(previews[0]) == SUMMARY_KEYS
    assert previews[0]["duration"] == 0.0
    assert (previews[0]["task_id"], previews[0]["status"]) == (str(task.pk), "ready")


def test_task_comments_without_previews(admin_client, task):
    comment_on(task)
    assert admin_client.get(f"/api/data/tasks/{task.pk}/comments").json()[0]["previews"] == []


def test_task_comments_query_count_fixed(admin_client, task, django_assert_num_queries):
    comment = comment_on(task)
    on_comment(comment, ready_preview(task))
    path = f"/api/data/tasks/{task.pk}/comments"
    with CaptureQueriesContext(connection) as one:
        assert len(admin_client.get(path).json()) == 1
    for revision in range(2, 8):
        other = comment_on(task)
        on_comment(other, ready_preview(task, revision=revision))
        on_comment(other, ready_preview(task, revision=revision, position=2))
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(admin_client.get(path).json()) == 7


def test_task_comments_client_hides_rejected(member, task):
    client = member("client")
    own = comment_on(task, author=client.person)
    shown = on_comment(own, ready_preview(task, position=1))
    on_comment(own, ready_preview(task, position=2, validation_status="rejected"))
    rows = client.get(f"/api/data/tasks/{task.pk}/comments").json()
    assert [row["id"] for row in rows[0]["previews"]] == [str(shown.pk)]


def test_task_comments_client_sees_studio_previews(member, task):
    client = member("client")
    studio = comment_on(task, text="internal note", checklist=[{"text": "fix", "checked": False}])
    on_comment(studio, ready_preview(task))
    comment_on(task, text="no preview")
    rows = client.get(f"/api/data/tasks/{task.pk}/comments").json()
    assert [row["id"] for row in rows] == [str(studio.pk)]
    assert (rows[0]["text"], rows[0]["checklist"], rows[0]["replies"]) == ("", [], [])
    assert len(rows[0]["previews"]) == 1


def test_task_comments_client_no_studio_rejected_previews(member, task):
    client = member("client")
    studio = comment_on(task)
    on_comment(studio, ready_preview(task, validation_status="rejected"))
    assert client.get(f"/api/data/tasks/{task.pk}/comments").json() == []


def test_task_comments_isolated_client(member, task):
    task.project.is_clients_isolated = True
    task.project.save()
    client = member("client")
    other_client = factories.PersonFactory(role="client")
    ProjectPersonLink.objects.create(project=task.project, person=other_client)
    on_comment(comment_on(task, author=other_client), ready_preview(task, position=1))
    studio = comment_on(task)
    on_comment(studio, ready_preview(task, position=2))
    assert [row["id"] for row in client.get(f"/api/data/tasks/{task.pk}/comments").json()] == [str(studio.pk)]


def test_task_comments_artist_does_not_get_client_comments(member, task):
    client_author = factories.PersonFactory(role="client")
    on_comment(comment_on(task, author=client_author), ready_preview(task))
    assert member("user").get(f"/api/data/tasks/{task.pk}/comments").json() == []


def test_comment_read_lists_preview_ids(admin_client, task):
    comment = comment_on(task)
    preview = on_comment(comment, ready_preview(task))
    response = admin_client.get(f"/api/data/comments/{comment.pk}")
    assert response.json()["previews"] == [str(preview.pk)]


def test_comment_list_relations_query_count_fixed(admin_client, task, django_assert_num_queries):
    on_comment(comment_on(task), ready_preview(task))
    path = "/api/data/comments?relations=true"
    with CaptureQueriesContext(connection) as one:
        assert len(admin_client.get(path).json()) == 1
    for revision in range(2, 7):
        on_comment(comment_on(task), ready_preview(task, revision=revision))
    with django_assert_num_queries(len(one.captured_queries)):
        rows = admin_client.get(path).json()
    assert all(len(row["previews"]) == 1 for row in rows)


def test_task_comment_read_has_no_previews_key(admin_client, task):
    comment = comment_on(task)
    on_comment(comment, ready_preview(task))
    assert "previews" not in admin_client.get(f"/api/data/tasks/{task.pk}/comments/{comment.pk}").json()


def test_acknowledge_lists_preview_ids(admin_client, task):
    comment = comment_on(task)
    preview = on_comment(comment, ready_preview(task))
    response = admin_client.post(f"/api/data/tasks/{task.pk}/comments/{comment.pk}/ack")
    assert response.json()["previews"] == [str(preview.pk)]


def test_project_comments_list_preview_ids(admin_client, task, django_assert_num_queries):
    comment = comment_on(task)
    preview = on_comment(comment, ready_preview(task))
    path = f"/api/data/projects/{task.project_id}/comments"
    with CaptureQueriesContext(connection) as one:
        rows = admin_client.get(path).json()
    assert rows[0]["previews"] == [str(preview.pk)]
    for revision in range(2, 6):
        on_comment(comment_on(task), ready_preview(task, revision=revision))
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(admin_client.get(path).json()) == 5


def test_project_comments_page_preview_ids(admin_client, task):
    comment = comment_on(task)
    preview = on_comment(comment, ready_preview(task))
    page = admin_client.get(f"/api/data/projects/{task.project_id}/comments", {"page": 1}).json()
    assert page["data"][0]["previews"] == [str(preview.pk)]


def test_new_comment_has_empty_previews(admin_client, task):
    body = {"task_status_id": str(task.task_status_id), "comment": "v1"}
    response = admin_client.post(f"/api/actions/tasks/{task.pk}/comment", body, format="json")
    assert response.status_code == 201
    assert response.json()["previews"] == []
