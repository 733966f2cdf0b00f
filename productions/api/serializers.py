from rest_framework import serializers

from kitsu_project.api.serializers import serializer_for
from playlists.models import PreviewBackgroundFile
from playlists.services.attachments import comment_attachment_summaries
from playlists.services.comment_previews import comment_preview_ids
from productions.models import Comment, Entity, EntityType, Project, ProjectStatus, Task, TaskStatus, TaskType
from productions.services.projects import first_episode

ProjectStatusSerializer = serializer_for(ProjectStatus)
EntitySerializer = serializer_for(Entity, read_only=("nb_entities_out", "created_by"))
TaskStatusSerializer = serializer_for(TaskStatus)


class CommentSerializer(serializer_for(Comment, read_only=("editor",))):
    """A comment. With its relations, it also lists the ids of its previews and its attachments:
    their short rows when the comment is read alone, their ids in lists."""

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if self.context.get("relations"):
            row["previews"] = comment_preview_ids(instance)
            if self.context.get("view_action") == "retrieve":
                row["attachment_files"] = comment_attachment_summaries(instance)
            else:
                row["attachment_files"] = [str(attachment.pk) for attachment in instance.attachment_files.all()]
        return row


class TaskSerializer(
    serializer_for(
        Task,
        extra_kwargs={
            "project": {"required": False},
            "task_status": {"required": False},
            "entity": {"required": True},
            "task_type": {"required": True},
        },
    )
):
    """A task; the project and status may be left out and are filled in by `task_create`.

    The uniqueness of (name, project, task type, entity) is left to the database,
    because DRF's check would make the project and the status required.
    """

    def get_validators(self):
        return []

    def get_uniqueness_extra_kwargs(self, field_names, declared_fields, extra_kwargs):
        return extra_kwargs, {}


class ProjectSerializer(serializer_for(Project)):
    """A project. The responses to a create or an update of a TV show also carry `first_episode_id`.
    With its relations, it lists the ids of the preview backgrounds the project offers."""

    def validate_default_preview_background_file_id(self, value):
        if value is not None and not PreviewBackgroundFile.objects.filter(pk=value).exists():
            raise serializers.ValidationError(f"no preview background file has the id {value}.")
        return value

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if self.context.get("relations"):
            row["preview_background_files"] = [
                str(link.preview_background_file_id) for link in instance.preview_background_file_links.all()
            ]
        if self.context.get("view_action") in ("create", "update", "partial_update"):
            episode = first_episode(instance) if instance.production_type == "tvshow" else None
            if episode is not None:
                row["first_episode_id"] = str(episode.pk)
        return row


class EntityTypeSerializer(serializer_for(EntityType)):
    def validate_name(self, value):
        others = EntityType.objects.filter(name__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(f"an entity type named {value!r} already exists.")
        return value


class AssetTypeSerializer(EntityTypeSerializer):
    def to_representation(self, instance):
        row = super().to_representation(instance)
        row["type"] = "AssetType"
        return row


class TaskTypeSerializer(serializer_for(TaskType)):
    def validate_name(self, value):
        others = TaskType.objects.filter(name=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(f"a task type named {value!r} already exists.")
        return value
