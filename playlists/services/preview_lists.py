"""Preview file lists: of a task, of an entity (flat or grouped by task type), of a project, and those
still processing. Each list is read in one query whatever its length.

`assignee`, when given, keeps only the previews of the tasks assigned to that
person (vendors see no other previews).
"""

from django.db.models import F

from kitsu_project.api.serialization import format_datetime, format_uuid, serialize_queryset, serialize_row
from playlists.models import PreviewFile
from productions.services.notifications import entity_full_name
from productions.services.projects import OPEN_STATUS

# The columns of a preview in the lists grouped by task type, in the reference's key order.
GROUPED_COLUMNS = (
    "id",
    "revision",
    "position",
    "original_name",
    "extension",
    "width",
    "height",
    "duration",
    "status",
    "annotations",
    "created_at",
    "task_id",
    "task__task_type_id",
)
# The keys of the first preview of a revision in the grouped lists; the others of the revision go in its `previews`.
REVISION_KEYS = (
    "id",
    "revision",
    "original_name",
    "extension",
    "width",
    "height",
    "duration",
    "status",
    "annotations",
    "previews",
    "created_at",
    "task_id",
)
# The short form of a preview in an entity's flat list.
ENTITY_LIST_COLUMNS = (
    "id",
    "name",
    "original_name",
    "extension",
    "revision",
    "position",
    "file_size",
    "status",
    "validation_status",
    "task_id",
    "person_id",
    "created_at",
)
# Previews that the running list shows: still processing, or failed.
UNFINISHED_STATUSES = (PreviewFile.STATUS_PROCESSING, PreviewFile.STATUS_BROKEN)


def for_assignee(queryset, assignee):
    return queryset if assignee is None else queryset.filter(task__assignees=assignee)


def task_preview_rows(task_id, *, assignee=None):
    """Return the previews of one task, highest revision first, each revision in position order."""
    queryset = for_assignee(PreviewFile.objects.filter(task_id=task_id), assignee)
    return serialize_queryset(queryset.order_by("-revision", "position", "created_at"))


def grouped_row(values):
    row = dict(zip(GROUPED_COLUMNS, values, strict=True))
    row["task_type_id"] = format_uuid(row.pop("task__task_type_id"))
    row["id"] = format_uuid(row["id"])
    row["task_id"] = format_uuid(row["task_id"])
    row["created_at"] = format_datetime(row["created_at"])
    row["duration"] = float(row["duration"] or 0)
    return row


def entity_preview_map(entity_id, *, assignee=None):
    """Return the previews of an entity's tasks as {task type id: [revisions]}, the playlist and review form.

    Task types come in priority order, revisions highest first. Each revision is
    its first preview (by position) with the other previews of that revision of
    the same task in its `previews` list.
    """
    queryset = for_assignee(PreviewFile.objects.filter(task__entity_id=entity_id), assignee).order_by(
        F("task__task_type__priority").desc(nulls_last=True),
        "task__task_type__name",
        "task_id",
        "-revision",
        "position",
        "created_at",
    )
    grouped = {}
    revisions = {}
    for values in queryset.values_list(*GROUPED_COLUMNS):
        row = grouped_row(values)
        key = (row["task_id"], row["revision"])
        first = revisions.get(key)
        if first is not None:
            first["previews"].append(row)
            continue
        first = {name: row.get(name) for name in REVISION_KEYS}
        first["previews"] = []
        revisions[key] = first
        grouped.setdefault(row["task_type_id"], []).append(first)
    return grouped


def entity_preview_rows(entity_id, *, assignee=None):
    """Return the previews of an entity's tasks in short form, by task type name, then highest revision first."""
    queryset = for_assignee(PreviewFile.objects.filter(task__entity_id=entity_id), assignee).order_by(
        "task__task_type__name", "-revision", "position", "created_at"
    )
    rows = []
    for values in queryset.values_list(*ENTITY_LIST_COLUMNS):
        row = dict(zip(ENTITY_LIST_COLUMNS, values, strict=True))
        for key in ("id", "task_id", "person_id"):
            row[key] = format_uuid(row[key])
        row["created_at"] = format_datetime(row["created_at"])
        rows.append(row)
    return rows


def project_preview_queryset(project_id):
    """Return the previews of a project's tasks, most recently changed first."""
    return PreviewFile.objects.filter(task__project_id=project_id).order_by("-updated_at", "-created_at", "pk")


def running_preview_rows():
    """Return the previews of open projects still processing or broken, newest first, with their
    project, task type and the full name of their entity."""
    queryset = (
        PreviewFile.objects.filter(status__in=UNFINISHED_STATUSES, task__project__project_status__name=OPEN_STATUS)
        .select_related("task__entity__entity_type", "task__entity__parent__parent")
        .order_by("-created_at")
    )
    rows = []
    for preview in queryset:
        row = serialize_row(preview)
        task = preview.task
        row["project_id"] = format_uuid(task.project_id)
        row["task_type_id"] = format_uuid(task.task_type_id)
        row["full_entity_name"], _episode_id = entity_full_name(task.entity)
        rows.append(row)
    return rows
