"""Playlist routes: the generic /data/playlists collection, a project's and an episode's playlists,
the review player's playlist with its previews, temporary playlists, the zip of the previews
and the CSV export."""

import csv
import io
import threading
import zipfile

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from kitsu_project.storage import file_exists, save_file
from playlists.media import keys
from playlists.models import BuildJob, Playlist, PreviewFile
from playlists.services import playlists as playlist_services
from productions.models import ApiEvent, ProjectPersonLink, TaskPersonLink
from tests import factories
from tests.media_files import jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-4000-8000-000000000000"
READ_ROLES = ("manager", "supervisor", "user")
EDIT_REFUSED_ROLES = ("user", "client", "vendor")


# ---- helpers ------------------------------------------------------------------


def entity_of(project, type_name, name, parent=None):
    return factories.EntityFactory(
        project=project, name=name, parent=parent, entity_type=factories.EntityTypeFactory(name=type_name)
    )


def make_shot(project, name="SH010", sequence=None):
    if sequence is None:
        episode = entity_of(project, "Episode", "E01")
        sequence = entity_of(project, "Sequence", "SQ01", parent=episode)
    return entity_of(project, "Shot", name, parent=sequence)


def make_preview(entity, *, task_type=None, revision=1, position=1, extension="png", store=True, **fields):
    """A ready picture preview of a task of `entity`, with its files in the storage unless `store` is False."""
    task = factories.TaskFactory(
        project=entity.project, entity=entity, task_type=task_type or factories.TaskTypeFactory(for_entity="Shot")
    )
    return preview_on(task, revision=revision, position=position, extension=extension, store=store, **fields)


def preview_on(task, *, revision=1, position=1, extension="png", store=True, **fields):
    fields.setdefault("status", PreviewFile.STATUS_READY)
    preview = factories.PreviewFileFactory(
        task=task, revision=revision, position=position, extension=extension, **fields
    )
    if store:
        content = jpeg_bytes() if extension == "jpg" else png_bytes()
        save_file(keys.original_key(preview), content)
        save_file(keys.picture_key(preview, "previews"), png_bytes())
    return preview


def shot_entry(entity, preview=None):
    return {"entity_id": str(entity.pk), "preview_file_id": str(preview.pk) if preview else None}


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


def message_of(response):
    return str(response.json()["message"])


def playlist_url(playlist_id=None):
    return "/api/data/playlists/" + (f"{playlist_id}" if playlist_id else "")


def project_playlists_url(project_id, suffix=""):
    return f"/api/data/projects/{project_id}/playlists{suffix}"


@pytest.fixture
def project():
    return factories.ProjectFactory(production_type="tvshow", resolution="640x360", fps="25")


@pytest.fixture
def shot(project):
    return make_shot(project)


@pytest.fixture
def preview(shot):
    return make_preview(shot)


@pytest.fixture
def playlist(project, shot, preview):
    return factories.PlaylistFactory(project=project, episode=shot.parent.parent, shots=[shot_entry(shot, preview)])


@pytest.fixture
def member(make_client, project):
    """Factory: member("manager") -> an API client of that role in the project's team."""

    def factory(role, **fields):
        client = make_client(role, **fields)
        join_team(project, client.person)
        return client

    return factory


def create_body(project, **changes):
    return {"name": "Dailies", "project_id": str(project.pk), **changes}


# ---- GET /data/playlists ----------------------------------------------------------


def test_list_admin_sees_every_playlist(admin_client, playlist):
    other = factories.PlaylistFactory()
    ids = [row["id"] for row in admin_client.get(playlist_url()).json()]
    assert str(playlist.pk) in ids
    assert str(other.pk) in ids


def test_list_row_shape(admin_client, playlist):
    row = admin_client.get(playlist_url()).json()[0]
    assert row["type"] == "Playlist"
    assert row["shots"] == playlist.shots
    assert "build_jobs" not in row


@pytest.mark.parametrize("role", READ_ROLES)
def test_list_team_member_sees_team_playlists(member, playlist, role):
    other = factories.PlaylistFactory()
    ids = [row["id"] for row in member(role).get(playlist_url()).json()]
    assert str(playlist.pk) in ids
    assert str(other.pk) not in ids


def test_list_client_sees_client_playlists_only(member, project, playlist):
    shared = factories.PlaylistFactory(project=project, for_client=True)
    ids = [row["id"] for row in member("client").get(playlist_url()).json()]
    assert ids == [str(shared.pk)]


def test_list_vendor_sees_nothing(member, playlist):
    response = member("vendor").get(playlist_url())
    assert response.status_code == 200
    assert response.json() == []


def test_list_filter_by_project(admin_client, playlist):
    factories.PlaylistFactory()
    rows = admin_client.get(playlist_url(), {"project_id": str(playlist.project_id)}).json()
    assert [row["id"] for row in rows] == [str(playlist.pk)]


def test_list_anonymous(api_client):
    assert api_client.get(playlist_url()).status_code == 401


def test_list_query_count_fixed(member, project, django_assert_num_queries):
    client = member("manager")
    factories.PlaylistFactory(project=project)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(playlist_url()).json()) == 1
    for _ in range(29):
        factories.PlaylistFactory(project=project)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(playlist_url()).json()) == 30


# ---- POST /data/playlists -----------------------------------------------------------


def test_create_admin(admin_client, project, shot, preview, django_capture_on_commit_callbacks):
    episode = shot.parent.parent
    body = create_body(project, episode_id=str(episode.pk), for_client=True, shots=[shot_entry(shot, preview)])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(playlist_url(), body, format="json")
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["name"] == "Dailies"
    assert row["episode_id"] == str(episode.pk)
    assert row["for_client"] is True
    assert row["for_entity"] == "shot"
    assert row["shots"] == [shot_entry(shot, preview)]
    assert ApiEvent.objects.filter(name="playlist:new").exists()


def test_create_without_shots_stores_null(admin_client, project):
    # As the reference: clients such as Gazu's add_entity_to_playlist must handle null.
    row = admin_client.post(playlist_url(), create_body(project), format="json").json()
    assert row["shots"] is None
    assert row["episode_id"] is None


@pytest.mark.parametrize("role", ("manager", "supervisor"))
def test_create_team_editor(member, project, role):
    response = member(role).post(playlist_url(), create_body(project), format="json")
    assert response.status_code == 201


def test_create_manager_outside_team(make_client, project):
    response = make_client("manager").post(playlist_url(), create_body(project), format="json")
    assert response.status_code == 403
    assert not Playlist.objects.exists()


@pytest.mark.parametrize("role", EDIT_REFUSED_ROLES)
def test_create_refused_role(member, project, role):
    response = member(role).post(playlist_url(), create_body(project), format="json")
    assert response.status_code == 403
    assert not Playlist.objects.exists()


def test_create_anonymous(api_client, project):
    assert api_client.post(playlist_url(), create_body(project), format="json").status_code == 401


def test_create_missing_name(admin_client, project):
    response = admin_client.post(playlist_url(), {"project_id": str(project.pk)}, format="json")
    assert response.status_code == 400
    assert "name" in message_of(response)


def test_create_missing_project(admin_client):
    response = admin_client.post(playlist_url(), {"name": "Dailies"}, format="json")
    assert response.status_code == 400
    assert "project_id" in message_of(response)


def test_create_unknown_project(admin_client):
    response = admin_client.post(playlist_url(), {"name": "Dailies", "project_id": UNKNOWN}, format="json")
    assert response.status_code == 400
    assert "project_id" in message_of(response)


def test_create_bad_for_entity(admin_client, project):
    response = admin_client.post(playlist_url(), create_body(project, for_entity="planet"), format="json")
    assert response.status_code == 400
    assert "for_entity" in message_of(response)


def test_create_null_for_entity_is_shot(admin_client, project):
    row = admin_client.post(playlist_url(), create_body(project, for_entity=None), format="json").json()
    assert row["for_entity"] == "shot"


def test_create_asset_playlist(admin_client, project):
    row = admin_client.post(playlist_url(), create_body(project, for_entity="asset"), format="json").json()
    assert row["for_entity"] == "asset"


def test_create_unknown_field(admin_client, project):
    response = admin_client.post(playlist_url(), create_body(project, colour="red"), format="json")
    assert response.status_code == 400
    assert "colour" in message_of(response)


@pytest.mark.parametrize("pseudo_episode", ("main", "all"))
def test_create_pseudo_episode_is_none(admin_client, project, pseudo_episode):
    body = create_body(project, episode_id=pseudo_episode, is_for_all=pseudo_episode == "all")
    row = admin_client.post(playlist_url(), body, format="json").json()
    assert row["episode_id"] is None
    assert row["is_for_all"] is (pseudo_episode == "all")


def test_create_empty_task_type_is_none(admin_client, project):
    row = admin_client.post(playlist_url(), create_body(project, task_type_id=""), format="json").json()
    assert row["task_type_id"] is None


def test_create_with_task_type(admin_client, project):
    task_type = factories.TaskTypeFactory()
    row = admin_client.post(playlist_url(), create_body(project, task_type_id=str(task_type.pk)), format="json").json()
    assert row["task_type_id"] == str(task_type.pk)


def test_create_episode_of_other_project(admin_client, project):
    episode = entity_of(factories.ProjectFactory(), "Episode", "E09")
    response = admin_client.post(playlist_url(), create_body(project, episode_id=str(episode.pk)), format="json")
    assert response.status_code == 400
    assert "episode_id" in message_of(response)


def test_create_episode_not_an_episode(admin_client, project, shot):
    response = admin_client.post(playlist_url(), create_body(project, episode_id=str(shot.pk)), format="json")
    assert response.status_code == 400
    assert "episode_id" in message_of(response)


def test_create_duplicate_name_in_episode(admin_client, playlist):
    body = create_body(playlist.project, name=playlist.name, episode_id=str(playlist.episode_id))
    response = admin_client.post(playlist_url(), body, format="json")
    assert response.status_code == 400
    assert "name" in message_of(response)
    assert Playlist.objects.count() == 1


def test_create_duplicate_name_without_episode(admin_client, project):
    factories.PlaylistFactory(project=project, name="Dailies")
    response = admin_client.post(playlist_url(), create_body(project), format="json")
    assert response.status_code == 400
    assert "name" in message_of(response)


def test_create_same_name_main_pack_and_all(admin_client, project):
    factories.PlaylistFactory(project=project, name="Dailies")
    response = admin_client.post(playlist_url(), create_body(project, episode_id="all", is_for_all=True), format="json")
    assert response.status_code == 201


def test_create_same_name_other_episode(admin_client, playlist):
    response = admin_client.post(playlist_url(), create_body(playlist.project, name=playlist.name), format="json")
    assert response.status_code == 201


def test_create_name_too_long(admin_client, project):
    response = admin_client.post(playlist_url(), create_body(project, name="x" * 81), format="json")
    assert response.status_code == 400
    assert "name" in message_of(response)


@pytest.mark.parametrize(
    "shots",
    (
        "SH010",
        [42],
        [{"preview_file_id": None}],
        [{"entity_id": "not-a-uuid"}],
        [{"entity_id": UNKNOWN}],
    ),
    ids=("not-a-list", "not-an-object", "no-entity", "malformed-entity", "unknown-entity"),
)
def test_create_bad_shots(admin_client, project, shots):
    response = admin_client.post(playlist_url(), create_body(project, shots=shots), format="json")
    assert response.status_code == 400
    assert "shots" in message_of(response)
    assert not Playlist.objects.exists()


def test_create_shot_of_other_project(admin_client, project):
    stranger = make_shot(factories.ProjectFactory())
    response = admin_client.post(playlist_url(), create_body(project, shots=[shot_entry(stranger)]), format="json")
    assert response.status_code == 400
    assert "another project" in message_of(response)


def test_create_preview_of_other_entity(admin_client, project, shot):
    other_shot = make_shot(project, "SH020", sequence=shot.parent)
    other_preview = make_preview(other_shot, store=False)
    body = create_body(project, shots=[shot_entry(shot, other_preview)])
    response = admin_client.post(playlist_url(), body, format="json")
    assert response.status_code == 400
    assert "shots" in message_of(response)


def test_create_unknown_preview(admin_client, project, shot):
    body = create_body(project, shots=[{"entity_id": str(shot.pk), "preview_file_id": UNKNOWN}])
    response = admin_client.post(playlist_url(), body, format="json")
    assert response.status_code == 400
    assert "preview" in message_of(response)


def test_create_shots_keep_two_keys_in_order(admin_client, project, shot, preview):
    second = make_shot(project, "SH020", sequence=shot.parent)
    body = create_body(
        project,
        shots=[
            {"id": str(second.pk)},
            {"entity_id": str(shot.pk), "preview_file_id": str(preview.pk), "name": "SH010", "preview_files": {}},
        ],
    )
    row = admin_client.post(playlist_url(), body, format="json").json()
    assert row["shots"] == [shot_entry(second), shot_entry(shot, preview)]


# ---- GET /data/playlists/{id} ------------------------------------------------------------


def test_get_admin_with_build_jobs(admin_client, playlist):
    older = factories.BuildJobFactory(playlist=playlist)
    newer = factories.BuildJobFactory(playlist=playlist)
    BuildJob.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))
    row = admin_client.get(playlist_url(playlist.pk)).json()
    assert row["id"] == str(playlist.pk)
    assert [job["id"] for job in row["build_jobs"]] == [str(newer.pk), str(older.pk)]
    assert set(row["build_jobs"][0]) == {"id", "status", "created_at"}


@pytest.mark.parametrize("role", READ_ROLES)
def test_get_team_member(member, playlist, role):
    assert member(role).get(playlist_url(playlist.pk)).status_code == 200


def test_get_outside_team(make_client, playlist):
    assert make_client("manager").get(playlist_url(playlist.pk)).status_code == 403


def test_get_client_private_playlist(member, playlist):
    assert member("client").get(playlist_url(playlist.pk)).status_code == 403


def test_get_client_shared_playlist(member, playlist):
    Playlist.objects.filter(pk=playlist.pk).update(for_client=True)
    assert member("client").get(playlist_url(playlist.pk)).status_code == 200


def test_get_vendor(member, playlist):
    assert member("vendor").get(playlist_url(playlist.pk)).status_code == 403


def test_get_unknown(admin_client):
    assert admin_client.get(playlist_url(UNKNOWN)).status_code == 404


def test_get_malformed(admin_client):
    assert admin_client.get(playlist_url("not-a-uuid")).status_code == 400


def test_get_anonymous(api_client, playlist):
    assert api_client.get(playlist_url(playlist.pk)).status_code == 401


# ---- PUT /data/playlists/{id} ------------------------------------------------------------


def test_update_rename_and_share(admin_client, playlist, django_capture_on_commit_callbacks):
    body = {"name": "Client review", "for_client": True}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.put(playlist_url(playlist.pk), body, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Client review"
    assert response.json()["for_client"] is True
    assert ApiEvent.objects.filter(name="playlist:update").exists()


@pytest.mark.parametrize("role", ("manager", "supervisor"))
def test_update_team_editor(member, playlist, role):
    response = member(role).put(playlist_url(playlist.pk), {"name": "Renamed"}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("role", EDIT_REFUSED_ROLES)
def test_update_refused_role(member, playlist, role):
    Playlist.objects.filter(pk=playlist.pk).update(for_client=True)
    response = member(role).put(playlist_url(playlist.pk), {"name": "mine"}, format="json")
    assert response.status_code == 403
    playlist.refresh_from_db()
    assert playlist.name != "mine"


def test_update_manager_outside_team(make_client, playlist):
    response = make_client("manager").put(playlist_url(playlist.pk), {"name": "Renamed"}, format="json")
    assert response.status_code == 403


def test_update_unknown(admin_client):
    assert admin_client.put(playlist_url(UNKNOWN), {"name": "Renamed"}, format="json").status_code == 404


def test_update_malformed(admin_client):
    assert admin_client.put(playlist_url("nope"), {"name": "Renamed"}, format="json").status_code == 400


def test_update_duplicate_name(admin_client, playlist):
    factories.PlaylistFactory(project=playlist.project, episode=playlist.episode, name="Taken")
    response = admin_client.put(playlist_url(playlist.pk), {"name": "Taken"}, format="json")
    assert response.status_code == 400
    assert "name" in message_of(response)


def test_update_keeps_own_name(admin_client, playlist):
    response = admin_client.put(playlist_url(playlist.pk), {"name": playlist.name}, format="json")
    assert response.status_code == 200


def test_update_other_project_refused(admin_client, playlist):
    other = factories.ProjectFactory()
    response = admin_client.put(playlist_url(playlist.pk), {"project_id": str(other.pk)}, format="json")
    assert response.status_code == 400
    assert "project_id" in message_of(response)


def test_update_bad_shots(admin_client, playlist):
    response = admin_client.put(playlist_url(playlist.pk), {"shots": [{"entity_id": UNKNOWN}]}, format="json")
    assert response.status_code == 400
    assert "shots" in message_of(response)


def test_update_add_entity_as_gazu_does(admin_client, playlist, project, shot):
    """Gazu reads the playlist, appends the entity with its latest preview and sends the whole dict back."""
    second = make_shot(project, "SH020", sequence=shot.parent)
    second_preview = make_preview(second)
    read = admin_client.get(playlist_url(playlist.pk)).json()
    read["shots"].append(shot_entry(second, second_preview))
    response = admin_client.put(playlist_url(playlist.pk), read, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["shots"] == playlist.shots + [shot_entry(second, second_preview)]


def test_update_remove_entity_keeps_order(admin_client, playlist, project, shot, preview):
    entries = [shot_entry(make_shot(project, f"SH{index}0", sequence=shot.parent)) for index in range(2, 6)]
    admin_client.put(playlist_url(playlist.pk), {"shots": [shot_entry(shot, preview), *entries]}, format="json")
    kept = [entries[2], entries[0], entries[3]]
    response = admin_client.put(playlist_url(playlist.pk), {"shots": kept}, format="json")
    assert response.json()["shots"] == kept
    playlist.refresh_from_db()
    assert playlist.shots == kept


def test_update_specific_revision(admin_client, playlist, shot, preview):
    second_revision = preview_on(preview.task, revision=2)
    body = {"shots": [shot_entry(shot, second_revision)]}
    response = admin_client.put(playlist_url(playlist.pk), body, format="json")
    assert response.json()["shots"] == [shot_entry(shot, second_revision)]


def test_update_from_stale_row_keeps_other_changes(playlist, shot, preview):
    stale = Playlist.objects.get(pk=playlist.pk)
    playlist_services.playlist_update(playlist=Playlist.objects.get(pk=playlist.pk), changes={"name": "Renamed"})
    playlist_services.playlist_update(playlist=stale, changes={"shots": []})
    playlist.refresh_from_db()
    assert playlist.name == "Renamed"
    assert playlist.shots == []


def test_update_concurrent_puts_both_last(transactional_db, make_client):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers on its own: the row lock is a PostgreSQL concern")
    project = factories.ProjectFactory()
    shots = [make_shot(project, f"SH{index:03d}") for index in range(3)]
    playlist = factories.PlaylistFactory(project=project)
    client = make_client("admin")
    barrier = threading.Barrier(2)
    answers = []
    bodies = ({"name": "Renamed"}, {"shots": [shot_entry(shot) for shot in shots]})

    def put(body):
        try:
            barrier.wait()
            answers.append(client.put(playlist_url(playlist.pk), body, format="json").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=put, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    playlist.refresh_from_db()
    assert answers == [200, 200]
    assert playlist.name == "Renamed"
    assert playlist.shots == [shot_entry(shot) for shot in shots]


# ---- DELETE /data/playlists/{id} -----------------------------------------------------------


def test_delete_with_build_files(admin_client, playlist, django_capture_on_commit_callbacks):
    build_job = factories.BuildJobFactory(playlist=playlist)
    key = playlist_services.build_key(build_job.pk)
    save_file(key, b"movie")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.delete(playlist_url(playlist.pk))
    assert response.status_code == 204
    assert not Playlist.objects.filter(pk=playlist.pk).exists()
    assert not BuildJob.objects.filter(pk=build_job.pk).exists()
    assert not file_exists(key)
    assert ApiEvent.objects.filter(name="playlist:delete").exists()


@pytest.mark.parametrize("role", ("manager", "supervisor"))
def test_delete_team_editor(member, playlist, role):
    assert member(role).delete(playlist_url(playlist.pk)).status_code == 204


@pytest.mark.parametrize("role", EDIT_REFUSED_ROLES)
def test_delete_refused_role(member, playlist, role):
    assert member(role).delete(playlist_url(playlist.pk)).status_code == 403
    assert Playlist.objects.filter(pk=playlist.pk).exists()


def test_delete_unknown(admin_client):
    assert admin_client.delete(playlist_url(UNKNOWN)).status_code == 404


def test_delete_anonymous(api_client, playlist):
    assert api_client.delete(playlist_url(playlist.pk)).status_code == 401


# ---- GET /data/projects/{id}/playlists ------------------------------------------------------


def test_project_playlists_rows(admin_client, project, playlist, preview):
    factories.PlaylistFactory()
    rows = admin_client.get(project_playlists_url(project.pk)).json()
    assert [row["id"] for row in rows] == [str(playlist.pk)]
    assert "shots" not in rows[0]
    assert rows[0]["first_preview_file_id"] == str(preview.pk)


def test_project_playlists_empty_has_no_first_preview(admin_client, project):
    factories.PlaylistFactory(project=project)
    row = admin_client.get(project_playlists_url(project.pk)).json()[0]
    assert "first_preview_file_id" not in row


def test_project_playlists_pages_of_20(admin_client, project):
    for index in range(25):
        factories.PlaylistFactory(project=project, name=f"P{index:02d}")
    first = admin_client.get(project_playlists_url(project.pk), {"sort_by": "name"}).json()
    second = admin_client.get(project_playlists_url(project.pk), {"sort_by": "name", "page": "2"}).json()
    assert [row["name"] for row in first] == [f"P{index:02d}" for index in range(20)]
    assert [row["name"] for row in second] == [f"P{index:02d}" for index in range(20, 25)]


def test_project_playlists_newest_change_first(admin_client, project):
    older = factories.PlaylistFactory(project=project)
    newer = factories.PlaylistFactory(project=project)
    Playlist.objects.filter(pk=older.pk).update(updated_at=newer.updated_at.replace(year=2020))
    rows = admin_client.get(project_playlists_url(project.pk), {"sort_by": "unknown"}).json()
    assert [row["id"] for row in rows] == [str(newer.pk), str(older.pk)]


def test_project_playlists_bad_page(admin_client, project):
    response = admin_client.get(project_playlists_url(project.pk), {"page": "two"})
    assert response.status_code == 400
    assert "page" in message_of(response)


def test_project_playlists_task_type_filter(admin_client, project):
    task_type = factories.TaskTypeFactory()
    kept = factories.PlaylistFactory(project=project, task_type=task_type)
    factories.PlaylistFactory(project=project)
    rows = admin_client.get(project_playlists_url(project.pk), {"task_type_id": str(task_type.pk)}).json()
    assert [row["id"] for row in rows] == [str(kept.pk)]


def test_project_playlists_bad_task_type(admin_client, project):
    response = admin_client.get(project_playlists_url(project.pk), {"task_type_id": "nope"})
    assert response.status_code == 400
    assert "task_type_id" in message_of(response)


def test_project_playlists_client_shared_only(member, project, playlist):
    shared = factories.PlaylistFactory(project=project, for_client=True)
    rows = member("client").get(project_playlists_url(project.pk)).json()
    assert [row["id"] for row in rows] == [str(shared.pk)]


@pytest.mark.parametrize("role", READ_ROLES)
def test_project_playlists_team_member(member, project, playlist, role):
    assert len(member(role).get(project_playlists_url(project.pk)).json()) == 1


def test_project_playlists_vendor(member, project):
    assert member("vendor").get(project_playlists_url(project.pk)).status_code == 403


def test_project_playlists_outside_team(make_client, project):
    assert make_client("user").get(project_playlists_url(project.pk)).status_code == 403


def test_project_playlists_unknown_project(admin_client):
    assert admin_client.get(project_playlists_url(UNKNOWN)).status_code == 404


def test_project_playlists_query_count_fixed(member, project, shot, preview, django_assert_num_queries):
    client = member("manager")
    factories.PlaylistFactory(project=project, shots=[shot_entry(shot, preview)])
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(project_playlists_url(project.pk)).json()) == 1
    for _ in range(19):
        factories.PlaylistFactory(project=project, shots=[shot_entry(shot, preview)] * 3)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(project_playlists_url(project.pk)).json()) == 20


# ---- GET /data/projects/{id}/episodes/{episode_id}/playlists -------------------------------------


def episode_url(project_id, episode_id):
    return f"/api/data/projects/{project_id}/episodes/{episode_id}/playlists"


def test_episode_playlists(admin_client, project, playlist):
    factories.PlaylistFactory(project=project)
    rows = admin_client.get(episode_url(project.pk, playlist.episode_id)).json()
    assert [row["id"] for row in rows] == [str(playlist.pk)]


def test_episode_playlists_main_pack(admin_client, project, playlist):
    main = factories.PlaylistFactory(project=project)
    factories.PlaylistFactory(project=project, is_for_all=True)
    rows = admin_client.get(episode_url(project.pk, "main")).json()
    assert [row["id"] for row in rows] == [str(main.pk)]


def test_episode_playlists_all_episodes(admin_client, project, playlist):
    factories.PlaylistFactory(project=project)
    for_all = factories.PlaylistFactory(project=project, is_for_all=True)
    rows = admin_client.get(episode_url(project.pk, "all")).json()
    assert [row["id"] for row in rows] == [str(for_all.pk)]


def test_episode_playlists_client(member, project, playlist):
    shared = factories.PlaylistFactory(project=project, episode=playlist.episode, for_client=True)
    rows = member("client").get(episode_url(project.pk, playlist.episode_id)).json()
    assert [row["id"] for row in rows] == [str(shared.pk)]


def test_episode_playlists_unknown_episode(admin_client, project):
    assert admin_client.get(episode_url(project.pk, UNKNOWN)).status_code == 404


def test_episode_playlists_episode_of_other_project(admin_client, project):
    episode = entity_of(factories.ProjectFactory(), "Episode", "E02")
    assert admin_client.get(episode_url(project.pk, episode.pk)).status_code == 404


def test_episode_playlists_malformed_episode(admin_client, project):
    assert admin_client.get(episode_url(project.pk, "E01")).status_code == 400


def test_episode_playlists_vendor(member, project, playlist):
    assert member("vendor").get(episode_url(project.pk, playlist.episode_id)).status_code == 403


# ---- GET /data/projects/{id}/playlists/all ---------------------------------------------------------


def test_all_playlists_admin(admin_client, project, playlist):
    build_job = factories.BuildJobFactory(playlist=playlist)
    factories.PlaylistFactory()
    rows = admin_client.get(project_playlists_url(project.pk, "/all")).json()
    assert [row["id"] for row in rows] == [str(playlist.pk)]
    assert rows[0]["build_jobs"] == [str(build_job.pk)]
    assert rows[0]["shots"] == playlist.shots


def test_all_playlists_page(admin_client, project, playlist):
    answer = admin_client.get(project_playlists_url(project.pk, "/all"), {"page": "1"}).json()
    assert answer["total"] == 1
    assert answer["limit"] == 100
    assert [row["id"] for row in answer["data"]] == [str(playlist.pk)]


@pytest.mark.parametrize("role", ("manager", "supervisor", "user", "client", "vendor"))
def test_all_playlists_refused(member, project, role):
    assert member(role).get(project_playlists_url(project.pk, "/all")).status_code == 403


def test_all_playlists_unknown_project(admin_client):
    assert admin_client.get(project_playlists_url(UNKNOWN, "/all")).status_code == 404


# ---- GET /data/projects/{id}/playlists/{playlist_id} --------------------------------------------------


def full_url(playlist):
    return project_playlists_url(playlist.project_id, f"/{playlist.pk}")


def test_full_playlist_entry(admin_client, playlist, shot, preview):
    row = admin_client.get(full_url(playlist)).json()
    entry = row["shots"][0]
    assert row["build_jobs"] == []
    assert entry["id"] == str(shot.pk)
    assert entry["entity_id"] == str(shot.pk)
    assert entry["preview_file_id"] == str(preview.pk)
    assert entry["preview_file_extension"] == "png"
    assert entry["preview_file_revision"] == 1
    assert entry["preview_file_width"] == preview.width
    assert entry["preview_file_status"] == "ready"
    assert entry["preview_file_task_id"] == str(preview.task_id)
    assert entry["preview_file_previews"] == []
    assert list(entry["preview_files"]) == [str(preview.task.task_type_id)]


def test_full_playlist_revisions_latest_first(admin_client, playlist, preview):
    second = preview_on(preview.task, revision=2)
    extra = preview_on(preview.task, revision=2, position=2)
    entry = admin_client.get(full_url(playlist)).json()["shots"][0]
    revisions = entry["preview_files"][str(preview.task.task_type_id)]
    assert [item["id"] for item in revisions] == [str(second.pk), str(preview.pk)]
    assert [item["id"] for item in revisions[0]["previews"]] == [str(extra.pk)]


def test_full_playlist_task_types_by_priority(admin_client, playlist, shot):
    layout = factories.TaskTypeFactory(for_entity="Shot", priority=5)
    make_preview(shot, task_type=layout)
    entry = admin_client.get(full_url(playlist)).json()["shots"][0]
    assert list(entry["preview_files"])[0] == str(layout.pk)


def test_full_playlist_deleted_preview(admin_client, playlist, preview):
    PreviewFile.objects.filter(pk=preview.pk).delete()
    entry = admin_client.get(full_url(playlist)).json()["shots"][0]
    assert "preview_file_id" not in entry
    assert entry["preview_files"] == {}


def test_full_playlist_other_project(admin_client, playlist):
    other = factories.ProjectFactory()
    assert admin_client.get(project_playlists_url(other.pk, f"/{playlist.pk}")).status_code == 404


def test_full_playlist_unknown(admin_client, project):
    assert admin_client.get(project_playlists_url(project.pk, f"/{UNKNOWN}")).status_code == 404


@pytest.mark.parametrize("role", READ_ROLES)
def test_full_playlist_team_member(member, playlist, role):
    assert member(role).get(full_url(playlist)).status_code == 200


def test_full_playlist_client_private(member, playlist):
    assert member("client").get(full_url(playlist)).status_code == 403


def test_full_playlist_client_shared(member, playlist):
    Playlist.objects.filter(pk=playlist.pk).update(for_client=True)
    assert member("client").get(full_url(playlist)).status_code == 200


def test_full_playlist_vendor(member, playlist):
    assert member("vendor").get(full_url(playlist)).status_code == 403


def test_full_playlist_outside_team(make_client, playlist):
    assert make_client("supervisor").get(full_url(playlist)).status_code == 403


def test_full_playlist_query_count_fixed(admin_client, project, shot, django_assert_num_queries):
    playlist = factories.PlaylistFactory(project=project, shots=[shot_entry(shot, make_preview(shot))])
    factories.BuildJobFactory(playlist=playlist)
    with CaptureQueriesContext(connection) as one:
        assert len(admin_client.get(full_url(playlist)).json()["shots"]) == 1
    entries = []
    for index in range(30):
        entity = make_shot(project, f"SX{index:03d}", sequence=shot.parent)
        entries.append(shot_entry(entity, make_preview(entity, store=False)))
    Playlist.objects.filter(pk=playlist.pk).update(shots=entries)
    factories.BuildJobFactory(playlist=playlist)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(admin_client.get(full_url(playlist)).json()["shots"]) == 30


# ---- POST /data/projects/{id}/playlists/temp ------------------------------------------------------------


def temp_url(project_id, query=""):
    return f"/api/data/projects/{project_id}/playlists/temp{query}"


def test_temp_playlist_entry(admin_client, project, shot, preview):
    response = admin_client.post(temp_url(project.pk), {"task_ids": [str(preview.task_id)]}, format="json")
    assert response.status_code == 200
    entry = response.json()[0]
    assert entry["id"] == str(shot.pk)
    assert entry["name"] == "SH010"
    assert entry["sequence_name"] == "SQ01"
    assert entry["parent_name"] == "SQ01"
    assert entry["preview_file_task_id"] == str(preview.task_id)
    assert entry["preview_file_id"] == str(preview.pk)
    assert entry["preview_file_annotations"] == []
    assert list(entry["preview_files"]) == [str(preview.task.task_type_id)]


def test_temp_playlist_asset(admin_client, project):
    asset = entity_of(project, "Character", "Hero")
    preview = make_preview(asset)
    entry = admin_client.post(temp_url(project.pk), {"task_ids": [str(preview.task_id)]}, format="json").json()[0]
    assert entry["asset_type_name"] == "Character"
    assert entry["preview_file_id"] == str(preview.pk)


def test_temp_playlist_without_preview(admin_client, project, shot):
    task = factories.TaskFactory(project=project, entity=shot)
    entry = admin_client.post(temp_url(project.pk), {"task_ids": [str(task.pk)]}, format="json").json()[0]
    assert "preview_file_id" not in entry
    assert entry["preview_files"] == {}


def test_temp_playlist_falls_back_to_project_task_type(admin_client, project, shot, preview):
    factories.ProjectTaskTypeLinkFactory(project=project, task_type=preview.task.task_type, priority=1)
    task = factories.TaskFactory(project=project, entity=shot)
    entry = admin_client.post(temp_url(project.pk), {"task_ids": [str(task.pk)]}, format="json").json()[0]
    assert entry["preview_file_id"] == str(preview.pk)


def test_temp_playlist_sorted(admin_client, project, shot):
    later = make_shot(project, "SH005", sequence=shot.parent)
    tasks = [factories.TaskFactory(project=project, entity=entity) for entity in (shot, later)]
    body = {"task_ids": [str(task.pk) for task in tasks]}
    unsorted = admin_client.post(temp_url(project.pk), body, format="json").json()
    ordered = admin_client.post(temp_url(project.pk, "?sort=true"), body, format="json").json()
    assert [entry["name"] for entry in unsorted] == ["SH010", "SH005"]
    assert [entry["name"] for entry in ordered] == ["SH005", "SH010"]


def test_temp_playlist_empty(admin_client, project):
    assert admin_client.post(temp_url(project.pk), {"task_ids": []}, format="json").json() == []


def test_temp_playlist_unknown_task(admin_client, project):
    assert admin_client.post(temp_url(project.pk), {"task_ids": [UNKNOWN]}, format="json").status_code == 404


def test_temp_playlist_malformed_task(admin_client, project):
    response = admin_client.post(temp_url(project.pk), {"task_ids": ["nope"]}, format="json")
    assert response.status_code == 400
    assert "task_ids" in message_of(response)


def test_temp_playlist_task_ids_not_a_list(admin_client, project):
    response = admin_client.post(temp_url(project.pk), {"task_ids": "nope"}, format="json")
    assert response.status_code == 400
    assert "task_ids" in message_of(response)


def test_temp_playlist_task_of_other_project(admin_client, project):
    task = factories.TaskFactory()
    response = admin_client.post(temp_url(project.pk), {"task_ids": [str(task.pk)]}, format="json")
    assert response.status_code == 400
    assert "task_ids" in message_of(response)


@pytest.mark.parametrize("role", ("manager", "supervisor", "user", "client"))
def test_temp_playlist_team_member(member, project, preview, role):
    response = member(role).post(temp_url(project.pk), {"task_ids": [str(preview.task_id)]}, format="json")
    assert response.status_code == 200


def test_temp_playlist_vendor_assigned(member, project, preview):
    client = member("vendor")
    TaskPersonLink.objects.create(task=preview.task, person=client.person)
    response = client.post(temp_url(project.pk), {"task_ids": [str(preview.task_id)]}, format="json")
    assert response.status_code == 200


def test_temp_playlist_vendor_not_assigned(member, project, preview):
    response = member("vendor").post(temp_url(project.pk), {"task_ids": [str(preview.task_id)]}, format="json")
    assert response.status_code == 403


def test_temp_playlist_outside_team(make_client, project, preview):
    response = make_client("user").post(temp_url(project.pk), {"task_ids": [str(preview.task_id)]}, format="json")
    assert response.status_code == 403


def test_temp_playlist_query_count_fixed(admin_client, project, shot, django_assert_num_queries):
    tasks = [make_preview(shot).task]
    with CaptureQueriesContext(connection) as one:
        admin_client.post(temp_url(project.pk), {"task_ids": [str(tasks[0].pk)]}, format="json")
    for index in range(29):
        entity = make_shot(project, f"SX{index:03d}", sequence=shot.parent)
        tasks.append(make_preview(entity, store=False).task)
    body = {"task_ids": [str(task.pk) for task in tasks]}
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(admin_client.post(temp_url(project.pk), body, format="json").json()) == 30


# ---- GET /export/csv/playlists/{id} ----------------------------------------------------------------------


def csv_url(playlist_id):
    return f"/api/export/csv/playlists/{playlist_id}"


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))


def test_csv_export(make_client, project, playlist, shot, preview):
    client = make_client("admin", timezone="UTC")
    author = factories.PersonFactory(first_name="Ada", last_name="Lovelace")
    factories.CommentFactory(object_id=preview.task_id, person=author, text="old")
    factories.CommentFactory(object_id=preview.task_id, person=author, text="looks good")
    factories.CommentFactory(object_id=preview.task_id, person=factories.PersonFactory(role="client"), text="client")
    Playlist.objects.filter(pk=playlist.pk).update(name="Dailies")
    shot.nb_frames = 48
    shot.save()
    response = client.get(csv_url(playlist.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = csv_rows(response)
    created = playlist.created_at.strftime("%Y-%m-%dT%H:%M:%S")
    assert rows[0] == ["Playlist", f"{project.name} - E01 | for shots", "Dailies", created, "", "", ""]
    assert rows[2][0] == "Entity name"
    assert rows[3][:6] == [
        "E01 / SQ01 / SH010",
        "48",
        preview.task.task_type.name,
        "0",
        "1",
        preview.task.task_status.name,
    ]
    assert rows[3][6] == "Ada Lovelace"
    assert rows[3][8] == "looks good"


def test_csv_export_first_line_in_user_timezone(make_client, playlist):
    client = make_client("admin", timezone="Asia/Tokyo")
    first = csv_rows(client.get(csv_url(playlist.pk)))[0]
    assert first[3] == playlist.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo")).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )


def test_csv_export_asset_playlist(admin_client, project):
    playlist = factories.PlaylistFactory(project=project, for_entity="asset", name="Assets")
    assert csv_rows(admin_client.get(csv_url(playlist.pk)))[0][1] == f"{project.name} | for assets"


def test_csv_export_entry_without_preview(admin_client, playlist, shot):
    Playlist.objects.filter(pk=playlist.pk).update(shots=[shot_entry(shot)])
    rows = csv_rows(admin_client.get(csv_url(playlist.pk)))
    assert rows[3][0] == "E01 / SQ01 / SH010"
    assert rows[3][2:] == [""] * 7


@pytest.mark.parametrize("role", ("manager", "supervisor"))
def test_csv_export_team_reviewer(member, playlist, role):
    assert member(role).get(csv_url(playlist.pk)).status_code == 200


@pytest.mark.parametrize("role", ("user", "client", "vendor"))
def test_csv_export_refused(member, playlist, role):
    assert member(role).get(csv_url(playlist.pk)).status_code == 403


def test_csv_export_client_shared(member, playlist):
    Playlist.objects.filter(pk=playlist.pk).update(for_client=True)
    assert member("client").get(csv_url(playlist.pk)).status_code == 200


def test_csv_export_unknown(admin_client):
    assert admin_client.get(csv_url(UNKNOWN)).status_code == 404


# ---- GET /data/playlists/{id}/download/zip -----------------------------------------------------------------


def zip_url(playlist_id):
    return f"/api/data/playlists/{playlist_id}/download/zip"


def zip_of(response):
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_zip_download(admin_client, project, playlist, preview):
    project.name = "Big Show"
    project.save()
    extra = preview_on(preview.task, revision=1, position=2, extension="jpg")
    response = admin_client.get(zip_url(playlist.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"big_show_e01_{playlist_services.slug(playlist.name)}.zip" in response["Content-Disposition"]
    archive = zip_of(response)
    task_type = playlist_services.slug(preview.task.task_type.name)
    first = f"big_show_e01_sq01_sh010_{task_type}_v1.png"
    assert archive.namelist() == [first, f"big_show_e01_sq01_sh010_{task_type}_v1-2.jpg"]
    assert archive.read(first) == png_bytes()
    assert archive.read(archive.namelist()[1]) == jpeg_bytes()
    assert extra.position == 2


def test_zip_download_same_entity_twice(admin_client, playlist, shot, preview):
    Playlist.objects.filter(pk=playlist.pk).update(shots=[shot_entry(shot, preview)] * 2)
    names = zip_of(admin_client.get(zip_url(playlist.pk))).namelist()
    assert len(names) == 2
    assert len(set(names)) == 2


def test_zip_download_missing_file_left_out(admin_client, project, playlist, shot, preview):
    missing = make_preview(make_shot(project, "SH020", sequence=shot.parent), store=False)
    entries = [
        shot_entry(shot, preview),
        {"entity_id": str(missing.task.entity_id), "preview_file_id": str(missing.pk)},
    ]
    Playlist.objects.filter(pk=playlist.pk).update(shots=entries)
    assert len(zip_of(admin_client.get(zip_url(playlist.pk))).namelist()) == 1


def test_zip_download_original_names(admin_client, playlist, preview):
    factories.OrganisationFactory(use_original_file_name=True)
    PreviewFile.objects.filter(pk=preview.pk).update(original_name="layout_final")
    assert zip_of(admin_client.get(zip_url(playlist.pk))).namelist() == ["layout_final.png"]


@pytest.mark.parametrize("role", ("manager", "supervisor"))
def test_zip_download_team_reviewer(member, playlist, role):
    assert member(role).get(zip_url(playlist.pk)).status_code == 200


@pytest.mark.parametrize("role", ("user", "client", "vendor"))
def test_zip_download_refused(member, playlist, role):
    assert member(role).get(zip_url(playlist.pk)).status_code == 403


def test_zip_download_unknown(admin_client):
    assert admin_client.get(zip_url(UNKNOWN)).status_code == 404
