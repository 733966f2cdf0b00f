"""The event log: one ApiEvent row per change (`task:new`, `comment:update`...), written once the change commits.

Events are recorded after the transaction commits, so a rolled-back write leaves
no event behind. Each event's `data` holds the ids of the changed row, and its
project id when it has one, as the reference's event log does.
"""

import logging
import uuid

from django.db import transaction

from productions.models import ApiEvent, Entity, EntityType, Project

logger = logging.getLogger("productions.events")

# Events about files, listed by `GET /data/events/last?only_files=true`.
FILE_EVENT_NAMES = (
    "preview-file:add-file",
    "organisation:set-thumbnail",
    "person:set-thumbnail",
    "project:set-thumbnail",
)

ROW_ACTIONS = {"create": "new", "update": "update", "delete": "delete"}


def id_text(value):
    return None if value is None else str(value)


def clean_data(data):
    """Turn UUIDs into strings so the data dict stores as JSON."""
    cleaned = {}
    for key, value in (data or {}).items():
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, (list, tuple)):
            value = [str(item) if isinstance(item, uuid.UUID) else item for item in value]
        cleaned[key] = value
    return cleaned


def event_send(*, name, data, project_id=None, user=None):
    """Record the event `name` once the current transaction commits (at once outside a transaction)."""
    data = clean_data(data)
    project_id = id_text(project_id)
    if project_id is not None:
        data["project_id"] = project_id
    user_id = getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None
    transaction.on_commit(
        lambda: event_write(name=name, data=data, project_id=project_id, user_id=user_id), robust=True
    )


def event_write(*, name, data, project_id=None, user_id=None):
    """Insert the event row, without its project when the change deleted that project."""
    if project_id is not None and not Project.objects.filter(pk=project_id).exists():
        logger.info("Event %s stored without its deleted project %s", name, project_id)
        project_id = None
    return ApiEvent.objects.create(name=name, data=data, project_id=project_id, user_id=user_id)


def row_event_names(row):
    """Return (event prefix, id key) of a row, such as (`task-status`, `task_status_id`) or (`asset`, `asset_id`)."""
    if isinstance(row, Entity):
        kind = row.get_instance_kitsu_type().lower()
        return kind, f"{kind}_id"
    if isinstance(row, EntityType):
        return "asset-type", "asset_type_id"
    table = row._meta.db_table
    return table.replace("_", "-"), f"{table}_id"


def row_project_id(row):
    if isinstance(row, Project):
        return row.pk
    return getattr(row, "project_id", None)


def row_event(*, row, action):
    """Return (name, data, project id) of the `<row kind>:new|update|delete` event of a row.

    Call it before a delete: an entity's kind is read from its entity type. The
    event log's own rows make no event (None).
    """
    if isinstance(row, ApiEvent):
        return None
    prefix, id_key = row_event_names(row)
    project_id = row_project_id(row)
    # A deleted project cannot be the project of its own delete event.
    if action == "delete" and isinstance(row, Project):
        project_id = None
    return f"{prefix}:{ROW_ACTIONS[action]}", {id_key: row.pk}, project_id


def row_event_send(*, row, action, user=None):
    """Record the event of a row written through a generic /data route."""
    event = row_event(row=row, action=action)
    if event is None:
        return
    name, data, project_id = event
    event_send(name=name, data=data, project_id=project_id, user=user)


def events_last(*, after=None, before=None, limit=100, only_files=False, project_id=None, name=None):
    """Return the newest events, newest first, as the event log route lists them."""
    queryset = ApiEvent.objects.order_by("-created_at")
    if after is not None:
        queryset = queryset.filter(created_at__gt=after)
    if before is not None:
        queryset = queryset.filter(created_at__lt=before)
    if only_files:
        queryset = queryset.filter(name__in=FILE_EVENT_NAMES)
    if project_id is not None:
        queryset = queryset.filter(project_id=project_id)
    if name is not None:
        queryset = queryset.filter(name=name)
    return queryset.values("id", "created_at", "name", "user_id", "data", "project_id")[:limit]
