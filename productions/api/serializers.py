from kitsu_project.api.serializers import serializer_for
from productions.models import Comment, Entity, EntityType, Project, ProjectStatus, Task, TaskStatus, TaskType
from productions.services.projects import first_episode

ProjectStatusSerializer = serializer_for(ProjectStatus)


class ProjectSerializer(serializer_for(Project)):
    """A project; the answers to a create or an update of a TV show also carry `first_episode_id`."""

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if self.context.get("view_action") in ("create", "update", "partial_update"):
            episode = first_episode(instance) if instance.production_type == "tvshow" else None
            if episode is not None:
                row["first_episode_id"] = str(episode.pk)
        return row


EntityTypeSerializer = serializer_for(EntityType)
EntitySerializer = serializer_for(Entity, read_only=("nb_entities_out",))
TaskTypeSerializer = serializer_for(TaskType)
TaskStatusSerializer = serializer_for(TaskStatus)
TaskSerializer = serializer_for(Task)
CommentSerializer = serializer_for(Comment)
