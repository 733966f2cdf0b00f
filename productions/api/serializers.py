from kitsu_project.api.serializers import serializer_for
from productions.models import Comment, Entity, EntityType, Project, ProjectStatus, Task, TaskStatus, TaskType

ProjectStatusSerializer = serializer_for(ProjectStatus)
ProjectSerializer = serializer_for(Project)
EntityTypeSerializer = serializer_for(EntityType)
EntitySerializer = serializer_for(Entity, read_only=("nb_entities_out",))
TaskTypeSerializer = serializer_for(TaskType)
TaskStatusSerializer = serializer_for(TaskStatus)
TaskSerializer = serializer_for(Task)
CommentSerializer = serializer_for(Comment)
