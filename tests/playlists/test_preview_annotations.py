"""Preview annotations: the merge of additions, updates and deletions, the update-annotations route,
its input checks and roles, and two people annotating one preview at once."""

import threading

import pytest
from django.db import connection, connections

from playlists.models import PreviewFile
from playlists.services import previews as preview_services
from playlists.services.annotations import annotations_merge
from productions.models import ApiEvent
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-4000-8000-000000000000"
NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]


def frame(time, *objects):
    return {"time": time, "drawing": {"objects": [dict(item) if isinstance(item, dict) else item for item in objects]}}


def ids_at(annotations, time):
    return [item["id"] for item in next(row for row in annotations if row["time"] == time)["drawing"]["objects"]]


def merge(stored, additions=(), updates=(), deletions=()):
    return annotations_merge(stored, additions=list(additions), updates=list(updates), deletions=list(deletions))


def url(preview):
    return f"/api/actions/preview-files/{getattr(preview, 'pk', preview)}/update-annotations"


@pytest.fixture
def annotated(task):
    return factories.PreviewFileFactory(task=task, annotations=[frame(0, {"id": "a", "type": "path"})])


# ---- the merge -------------------------------------------------------------------------------------


def test_merge_addition_new_frame():
    merged = merge([frame(0, {"id": "a"})], additions=[frame(1.5, {"id": "b"})])
    assert [row["time"] for row in merged] == [0, 1.5]
    assert ids_at(merged, 1.5) == ["b"]


def test_merge_addition_same_frame_keeps_stored():
    merged = merge(
        [frame(0, {"id": "a", "color": "red"})], additions=[frame(0, {"id": "a", "color": "blue"}, {"id": "c"})]
    )
    assert ids_at(merged, 0) == ["a", "c"]
    assert merged[0]["drawing"]["objects"][0]["color"] == "red"


def test_merge_addition_gives_ids():
    merged = merge([], additions=[frame(0, {"type": "rect"}, {"id": "", "type": "path"})])
    ids = ids_at(merged, 0)
    assert len(ids) == 2
    assert all(len(value) == 36 for value in ids)


def test_merge_update_replaces_in_place():
    stored = [frame(0, {"id": "a", "x": 1}, {"id": "b", "x": 1})]
    merged = merge(stored, updates=[frame(0, {"id": "a", "x": 9})])
    assert merged[0]["drawing"]["objects"] == [{"id": "a", "x": 9}, {"id": "b", "x": 1}]


def test_merge_update_unknown_object_ignored():
    merged = merge([frame(0, {"id": "a"})], updates=[frame(0, {"id": "zz"}), frame(7, {"id": "a", "x": 2})])
    assert merged == [frame(0, {"id": "a"})]


def test_merge_deletion_drops_empty_frame():
    stored = [frame(0, {"id": "a"}, {"id": "b"}), frame(2, {"id": "c"})]
    merged = merge(stored, deletions=[{"time": 0, "objects": ["a"]}, {"time": 2, "objects": ["c"]}])
    assert [row["time"] for row in merged] == [0]
    assert ids_at(merged, 0) == ["b"]


def test_merge_leaves_stored_unchanged():
    stored = [frame(0, {"id": "a"})]
    merge(stored, additions=[frame(0, {"id": "b"})], deletions=[{"time": 0, "objects": ["a"]}])
    assert stored == [frame(0, {"id": "a"})]


def test_merge_repairs_stored_rows():
    merged = merge([{"time": 0}, "junk", frame(1, {"type": "path"}, "junk")], additions=[frame(0, {"id": "x"})])
    assert ids_at(merged, 0) == ["x"]
    assert len(ids_at(merged, 1)) == 1


# ---- PUT /actions/preview-files/{id}/update-annotations --------------------------------------------


def test_annotations_route_merges(admin_client, annotated):
    body = {
        "additions": [frame(0, {"id": "b"}), frame(3, {"id": "c"})],
        "updates": [frame(0, {"id": "a", "type": "circle"})],
        "deletions": [{"time": 3, "objects": ["c"]}],
    }
    response = admin_client.put(url(annotated), body, format="json")
    assert response.status_code == 200
    assert response.json()["type"] == "PreviewFile"
    assert response.json()["annotations"] == [frame(0, {"id": "a", "type": "circle"}, {"id": "b"})]
    annotated.refresh_from_db()
    assert annotated.annotations == response.json()["annotations"]


def test_annotations_route_empty_body(admin_client, annotated):
    response = admin_client.put(url(annotated), {}, format="json")
    assert response.status_code == 200
    assert response.json()["annotations"] == [frame(0, {"id": "a", "type": "path"})]


def test_annotations_route_event(django_capture_on_commit_callbacks, admin_client, annotated):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.put(url(annotated), {"additions": [frame(0, {"id": "b"})]}, format="json")
    event = ApiEvent.objects.get(name="preview-file:annotation-update")
    assert event.data["preview_file_id"] == str(annotated.pk)
    assert event.data["person_id"] == str(admin_client.person.pk)
    assert event.data["project_id"] == str(annotated.task.project_id)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"additions": "x"}, "additions"),
        ({"updates": {"time": 0}}, "updates"),
        ({"additions": [{"drawing": {"objects": []}}]}, "additions.0.time"),
        ({"additions": [{"time": "soon"}]}, "additions.0.time"),
        ({"additions": [{"time": True}]}, "additions.0.time"),
        ({"additions": [{"time": -1}]}, "additions.0.time"),
        ({"additions": ["x"]}, "additions.0"),
        ({"additions": [{"time": 0, "drawing": []}]}, "additions.0.drawing"),
        ({"updates": [{"time": 0, "drawing": {"objects": {"id": "a"}}}]}, "updates.0.drawing.objects"),
        ({"updates": [{"time": 0, "drawing": {"objects": [{"id": 3}]}}]}, "updates.0.drawing.objects.0.id"),
        ({"deletions": [{"time": 0, "objects": [1]}]}, "deletions.0.objects"),
        ({"deletions": [{"objects": ["a"]}]}, "deletions.0.time"),
    ],
)
def test_annotations_route_bad_input(admin_client, annotated, body, field):
    response = admin_client.put(url(annotated), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]
    annotated.refresh_from_db()
    assert annotated.annotations == [frame(0, {"id": "a", "type": "path"})]


def test_annotations_route_not_an_object(admin_client, annotated):
    assert admin_client.put(url(annotated), [1, 2], format="json").status_code == 400


def test_annotations_route_unknown(admin_client):
    assert admin_client.put(url(UNKNOWN), {}, format="json").status_code == 404


def test_annotations_route_malformed(admin_client):
    assert admin_client.put(url("nope"), {}, format="json").status_code == 400


def test_annotations_route_anonymous(api_client, annotated):
    assert api_client.put(url(annotated), {}, format="json").status_code == 401


@pytest.mark.parametrize(
    "role, assigned, expected",
    [
        ("manager", False, 200),
        ("supervisor", False, 200),
        ("client", False, 200),
        ("user", True, 403),
        ("vendor", True, 403),
    ],
)
def test_annotations_route_by_role(member, annotated, role, assigned, expected):
    client = member(role, assigned=assigned)
    response = client.put(url(annotated), {"additions": [frame(0, {"id": "b"})]}, format="json")
    assert response.status_code == expected


def test_annotations_route_supervisor_of_other_department(member, annotated):
    client = member("supervisor")
    client.person.departments.add(factories.DepartmentFactory())
    assert client.put(url(annotated), {}, format="json").status_code == 403


def test_annotations_route_supervisor_of_task_department(member, annotated):
    department = factories.DepartmentFactory()
    annotated.task.task_type.department = department
    annotated.task.task_type.save()
    client = member("supervisor")
    client.person.departments.add(department)
    assert client.put(url(annotated), {}, format="json").status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_annotations_route_outsider(member, annotated, role):
    client = member(role, assigned=True, team=False)
    assert client.put(url(annotated), {}, format="json").status_code == 403


def test_annotations_concurrent_people_both_kept(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers on its own")
    preview = factories.PreviewFileFactory(annotations=[frame(0, {"id": "a"})])
    people = [factories.PersonFactory(role="supervisor") for _ in range(3)]
    errors = []
    expected = ["a"]

    def annotate(barrier, person, object_id):
        try:
            barrier.wait()
            preview_services.preview_annotations_update(
                preview=preview, user=person, additions=[frame(0, {"id": object_id})], updates=[], deletions=[]
            )
        except Exception as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)
        finally:
            connections.close_all()

    # Several rounds, so that a merge without the row lock loses a drawing in at least one of them.
    for round_number in range(5):
        barrier = threading.Barrier(len(people))
        object_ids = [f"round{round_number}-by{index}" for index in range(len(people))]
        expected += object_ids
        threads = [
            threading.Thread(target=annotate, args=(barrier, person, object_id))
            for person, object_id in zip(people, object_ids, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    stored = PreviewFile.objects.get(pk=preview.pk).annotations
    assert sorted(ids_at(stored, 0)) == sorted(expected)


def test_annotations_route_without_task(admin_client, member):
    preview = factories.PreviewFileFactory(task=None)
    assert admin_client.put(url(preview), {"additions": [frame(0, {"id": "b"})]}, format="json").status_code == 200
    assert member("manager").put(url(preview), {}, format="json").status_code == 403
