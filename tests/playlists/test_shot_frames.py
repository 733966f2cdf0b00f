"""`set-shot-nb-frames`: shot frame counts from the latest movie preview of a task type."""

import datetime
import uuid

import pytest
from django.utils import timezone

from playlists.models import PreviewFile
from productions.models import Entity, EntityVersion, ProjectPersonLink
from tests import factories

ROLES_REFUSED = ("supervisor", "user", "client", "vendor")


class Breakdown:
    """A project at 25 fps with one episode, one sequence and two shots, each with an animation task."""

    def __init__(self):
        self.project = factories.ProjectFactory(fps="25")
        self.task_type = factories.TaskTypeFactory(name="Animation")
        self.episode = self.entity("E01", "Episode")
        self.sequence = self.entity("SQ01", "Sequence", parent=self.episode)
        self.shot = self.entity("SH010", "Shot", parent=self.sequence, nb_frames=10)
        self.other_shot = self.entity("SH020", "Shot", parent=self.sequence, nb_frames=20)
        self.task = factories.TaskFactory(project=self.project, entity=self.shot, task_type=self.task_type)
        self.other_task = factories.TaskFactory(project=self.project, entity=self.other_shot, task_type=self.task_type)

    def entity(self, name, kind, **fields):
        entity_type = factories.EntityTypeFactory(name=kind)
        return factories.EntityFactory(project=self.project, name=name, entity_type=entity_type, **fields)

    def movie(self, task, duration, *, age_minutes=0, **fields):
        values = {"is_movie": True, "extension": "mp4", "duration": duration, "status": PreviewFile.STATUS_READY}
        preview = factories.PreviewFileFactory(task=task, **{**values, **fields})
        PreviewFile.objects.filter(pk=preview.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=age_minutes)
        )
        return preview

    def url(self, task_type_id=None, project_id=None):
        project_id = project_id or self.project.pk
        task_type_id = task_type_id or self.task_type.pk
        return f"/api/actions/projects/{project_id}/task-types/{task_type_id}/set-shot-nb-frames"


@pytest.fixture
def breakdown(db):
    return Breakdown()


def frames(shot):
    return Entity.objects.get(pk=shot.pk).nb_frames


def test_frames_from_latest_movie(admin_client, breakdown):
    breakdown.movie(breakdown.task, 4.0, age_minutes=10)
    breakdown.movie(breakdown.task, 2.0)
    response = admin_client.post(breakdown.url())
    assert response.status_code == 200
    assert response.json() == [{"id": str(breakdown.shot.pk), "nb_frames": 50}]
    assert frames(breakdown.shot) == 50


def test_shot_without_movie_kept(admin_client, breakdown):
    breakdown.movie(breakdown.task, 2.0)
    factories.PreviewFileFactory(task=breakdown.other_task, is_movie=False, duration=0)
    admin_client.post(breakdown.url())
    assert frames(breakdown.other_shot) == 20


@pytest.mark.parametrize("status", [PreviewFile.STATUS_PROCESSING, PreviewFile.STATUS_BROKEN])
def test_unfinished_movie_ignored(admin_client, breakdown, status):
    breakdown.movie(breakdown.task, 3.0, age_minutes=10)
    breakdown.movie(breakdown.task, 9.0, status=status)
    admin_client.post(breakdown.url())
    assert frames(breakdown.shot) == 75


def test_other_task_type_ignored(admin_client, breakdown):
    layout = factories.TaskTypeFactory(name="Layout")
    layout_task = factories.TaskFactory(project=breakdown.project, entity=breakdown.shot, task_type=layout)
    breakdown.movie(layout_task, 8.0)
    response = admin_client.post(breakdown.url())
    assert response.json() == []
    assert frames(breakdown.shot) == 10


def test_frame_change_writes_version(admin_client, breakdown):
    breakdown.movie(breakdown.task, 2.0)
    admin_client.post(breakdown.url())
    version = EntityVersion.objects.get(entity=breakdown.shot)
    assert version.data["nb_frames"] == 50


def test_episode_limits_shots(admin_client, breakdown):
    other_episode = breakdown.entity("E02", "Episode")
    other_sequence = breakdown.entity("SQ02", "Sequence", parent=other_episode)
    far_shot = breakdown.entity("SH030", "Shot", parent=other_sequence, nb_frames=30)
    far_task = factories.TaskFactory(project=breakdown.project, entity=far_shot, task_type=breakdown.task_type)
    breakdown.movie(far_task, 2.0)
    breakdown.movie(breakdown.task, 2.0)
    response = admin_client.post(breakdown.url(), QUERY_STRING=f"episode_id={breakdown.episode.pk}")
    assert response.json() == [{"id": str(breakdown.shot.pk), "nb_frames": 50}]
    assert frames(far_shot) == 30


def test_unknown_episode_rejected(admin_client, breakdown):
    response = admin_client.post(breakdown.url(), {"episode_id": str(uuid.uuid4())}, format="json")
    assert response.status_code == 400
    assert "episode_id" in response.json()["message"]


def test_malformed_episode_rejected(admin_client, breakdown):
    response = admin_client.post(breakdown.url(), QUERY_STRING="episode_id=nope")
    assert response.status_code == 400
    assert "episode_id" in response.json()["message"]


def test_invalid_project_fps_rejected(admin_client, breakdown):
    breakdown.project.fps = "fast"
    breakdown.project.save()
    breakdown.movie(breakdown.task, 2.0)
    response = admin_client.post(breakdown.url())
    assert response.status_code == 400
    assert "fps" in response.json()["message"]
    assert frames(breakdown.shot) == 10


def test_unknown_task_type_not_found(admin_client, breakdown):
    assert admin_client.post(breakdown.url(task_type_id=uuid.uuid4())).status_code == 404


def test_unknown_project_not_found(admin_client, breakdown):
    assert admin_client.post(breakdown.url(project_id=uuid.uuid4())).status_code == 404


def test_without_token_unauthorized(api_client, breakdown):
    assert api_client.post(breakdown.url()).status_code == 401


def test_team_manager_allowed(make_client, breakdown):
    client = make_client("manager")
    ProjectPersonLink.objects.create(project=breakdown.project, person=client.person)
    breakdown.movie(breakdown.task, 2.0)
    assert client.post(breakdown.url()).status_code == 200
    assert frames(breakdown.shot) == 50


def test_manager_outside_team_refused(make_client, breakdown):
    assert make_client("manager").post(breakdown.url()).status_code == 403


@pytest.mark.parametrize("role", ROLES_REFUSED)
def test_other_roles_refused(make_client, breakdown, role):
    client = make_client(role)
    ProjectPersonLink.objects.create(project=breakdown.project, person=client.person)
    breakdown.movie(breakdown.task, 2.0)
    assert client.post(breakdown.url()).status_code == 403
    assert frames(breakdown.shot) == 10
