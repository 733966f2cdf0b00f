from .comment import Comment
from .entity import Entity, EntityType, TaskTypeAssetTypeLink
from .project import (
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectStatus,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
)
from .task import Task, TaskPersonLink, TaskStatus, TaskType

__all__ = [
    "Comment",
    "Entity",
    "EntityType",
    "Project",
    "ProjectAssetTypeLink",
    "ProjectPersonLink",
    "ProjectStatus",
    "ProjectTaskStatusLink",
    "ProjectTaskTypeLink",
    "Task",
    "TaskPersonLink",
    "TaskStatus",
    "TaskType",
    "TaskTypeAssetTypeLink",
]
