from .activity import ApiEvent, News, Notification, Subscription
from .breakdown import AssetInstance, AssetInstanceLink, EntityConceptLink, EntityLink, EntityVersion
from .budget import Budget, BudgetEntry
from .chat import Chat, ChatMessage
from .comment import Comment
from .entity import Entity, EntityType, TaskTypeAssetTypeLink
from .files import FileStatus, OutputFile, OutputType, WorkingFile
from .project import (
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectStatus,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
)
from .schedule import Milestone, ProductionScheduleVersion, ProductionScheduleVersionTaskLink, ScheduleItem
from .settings import CustomAction, MetadataDescriptor, Plugin, SearchFilter, SearchFilterGroup, StatusAutomation
from .task import Task, TaskPersonLink, TaskStatus, TaskType
from .time import DayOff, TimeSpent

__all__ = [
    "FileStatus",
    "OutputFile",
    "OutputType",
    "WorkingFile",
    "AssetInstance",
    "AssetInstanceLink",
    "Budget",
    "BudgetEntry",
    "Chat",
    "ChatMessage",
    "EntityConceptLink",
    "EntityLink",
    "EntityVersion",
    "Milestone",
    "ProductionScheduleVersion",
    "ProductionScheduleVersionTaskLink",
    "ScheduleItem",
    "ApiEvent",
    "CustomAction",
    "DayOff",
    "MetadataDescriptor",
    "News",
    "Notification",
    "Plugin",
    "SearchFilter",
    "SearchFilterGroup",
    "StatusAutomation",
    "Subscription",
    "TimeSpent",
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
