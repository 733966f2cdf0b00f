"""`POST /api/actions/projects/{project_id}/task-types/{task_type_id}/set-shot-nb-frames`.

Sets each shot's frame count from the duration of its latest movie preview of
the task type, at the project's frame rate. Admins and the project's managers
may run it; `episode_id` (query string or body) limits it to one episode.
"""

from django.urls import re_path
from rest_framework.response import Response

from kitsu_project.api.viewsets import path_row, request_body
from playlists.services.shot_frames import shot_frames_set_from_previews
from productions.api.projects import ProjectView, body_row
from productions.models import Entity, TaskType

PROJECT_TASK_TYPE = r"projects/(?P<project_id>[^/]+)/task-types/(?P<task_type_id>[^/]+)"


class ShotFramesFromPreviewsView(ProjectView):
    def post(self, request, project_id, task_type_id):
        project = self.managed_project(request, project_id)
        task_type = path_row(TaskType.objects.all(), task_type_id, "task type")
        data = {"episode_id": request.query_params.get("episode_id") or request_body(request).get("episode_id")}
        episodes = Entity.objects.filter(project=project, entity_type__name="Episode")
        episode = body_row(data, "episode_id", episodes, "episode", required=False)
        updates = shot_frames_set_from_previews(
            project=project, task_type=task_type, episode=episode, user=request.user
        )
        return Response(updates)


action_urlpatterns = [
    re_path(rf"^{PROJECT_TASK_TYPE}/set-shot-nb-frames/?$", ShotFramesFromPreviewsView.as_view()),
]
