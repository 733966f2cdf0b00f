"""Copying rows from another Kitsu server: projects, entities, tasks, comments and entity links.

The body is a list of rows as the other server's `/data/...` routes return them.
Each row keeps its id: a row whose id exists here is updated, any other row is
created with that id, so importing the same export twice changes nothing.
Entity links are matched on their (`entity_in_id`, `entity_out_id`) pair instead.
Every import runs strict: one invalid row rolls back the whole import.
"""

import json
import logging
import uuid

from django.db import transaction

from imports.services.jobs import register_import
from kitsu_project.api.permissions import ADMIN
from kitsu_project.api.serialization import json_key
from kitsu_project.api.serializers import serializer_for
from productions.access import is_project_manager
from productions.models import Comment, Entity, EntityLink, Project, Task
from productions.services.events import event_send

logger = logging.getLogger("imports.kitsu")

# Keys of the other server's rows that name a column differently here.
# Optional references that are cleared, not rejected, when the row they name is not on this server.
OPTIONAL_REFERENCES = ("created_by", "preview_file", "editor", "assigner", "last_preview_file")
# Entity types whose events carry their own name; any other entity is an asset.
STRUCTURE_KINDS = ("Episode", "Sequence", "Shot", "Scene", "Edit", "Concept")
ENTITY_RENAMES = {"asset_type_id": "entity_type_id", "sequence_id": "parent_id"}


def row_project_id(resource, row):
    """Return the id of the project a row belongs to, or None when it cannot be found."""
    if resource in ("entities", "tasks"):
        return row.get("project_id")
    if resource == "comments":
        return Task.objects.filter(pk=row.get("object_id")).values_list("project_id", flat=True).first()
    if resource == "entity-links":
        return Entity.objects.filter(pk=row.get("entity_in_id")).values_list("project_id", flat=True).first()
    return None


def can_import_row(person, resource, row):
    """Admins import every row; a manager imports rows of the projects they manage, except projects."""
    if person.role == ADMIN:
        return True
    if resource == "projects":
        return False
    project_id = row_project_id(resource, row)
    try:
        return project_id is not None and is_project_manager(person, uuid.UUID(str(project_id)))
    except ValueError:
        return False


def entity_row(row):
    row = dict(row)
    for old, new in ENTITY_RENAMES.items():
        if old in row:
            value = row.pop(old)
            row.setdefault(new, value)
    row["entities_out"] = row.get("entities_out") or []
    return row


def task_row(row):
    row = dict(row)
    row["assignees"] = [value.get("id") if isinstance(value, dict) else value for value in row.get("assignees") or []]
    return row


RESOURCES = {
    "projects": (Project, dict, "project"),
    "entities": (Entity, entity_row, "entity"),
    "tasks": (Task, task_row, "task"),
    "comments": (Comment, dict, "comment"),
    "entity-links": (EntityLink, dict, "entity-link"),
}


def optional_references_clear(model, data, line, report):
    """Set to null the optional references to rows these routes do not copy (people, previews) when missing here.

    The other server's people and preview files usually do not exist on this one,
    and a row should not be rejected for its author or thumbnail.
    """
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.name not in OPTIONAL_REFERENCES:
            continue
        key = json_key(field)
        value = data.get(key)
        if value in (None, ""):
            continue
        try:
            found = field.related_model.objects.filter(pk=uuid.UUID(str(value))).exists()
        except ValueError:
            found = False
        if not found:
            data[key] = None
            report.log.append(f"row {line}: {key} {value} is not on this server, so it was cleared")


def existing_row(model, resource, row, row_id):
    if resource == "entity-links":
        return model.objects.filter(
            entity_in_id=row.get("entity_in_id"), entity_out_id=row.get("entity_out_id")
        ).first()
    return model.objects.filter(pk=row_id).first()


def kitsu_row_import(*, resource, row, line, person, report):
    """Create or update one row; report what is wrong with it and return None when it is invalid."""
    model, prepare, event_name = RESOURCES[resource]
    if not isinstance(row, dict):
        report.error(line=line, column=None, message=f"row {line}: expected a JSON object, got {type(row).__name__}.")
        return None
    try:
        row_id = uuid.UUID(str(row.get("id")))
    except ValueError:
        report.error(line=line, column="id", message=f"row {line}: invalid or missing id {row.get('id')!r}.")
        return None
    if not can_import_row(person, resource, row):
        report.log.append(f"row {line} ({row_id}) skipped: {person.pk} may not import it")
        report.skipped += 1
        return None

    data = prepare(row)
    serializer_class = serializer_for(model)
    instance = existing_row(model, resource, data, row_id)
    fields = set(serializer_class().fields) | set(getattr(model, "kitsu_writable_relations", ()))
    data = {key: value for key, value in data.items() if key in fields}
    optional_references_clear(model, data, line, report)
    serializer = serializer_class(instance, data=data, partial=instance is not None)
    if not serializer.is_valid():
        for key, problems in serializer.errors.items():
            report.error(line=line, column=key, message=f"row {line}: {key}: {' '.join(map(str, problems))}")
        return None
    if instance is None:
        saved = serializer.save(id=row_id)
        report.created += 1
        action = "new"
    else:
        saved = serializer.save()
        report.updated += 1
        action = "update"
    if resource == "entities":
        kind = saved.entity_type.name
        event_name = kind.lower() if kind in STRUCTURE_KINDS else "asset"
    project_id = saved.pk if resource == "projects" else row_project_id(resource, row)
    event_send(name=f"{event_name}:{action}", data={f"{event_name.replace('-', '_')}_id": saved.pk},
               project_id=project_id, user=person)  # fmt: skip
    return saved


@register_import("kitsu")
def kitsu_import_run(job, content, report):
    """Import a JSON list of rows of the resource named in the job's options."""
    resource = job.options["resource"]
    rows = json.loads(content)
    for line, row in enumerate(rows, start=1):
        with transaction.atomic():
            saved = kitsu_row_import(resource=resource, row=row, line=line, person=job.person, report=report)
        if saved is not None:
            report.rows.append(serializer_for(type(saved))(saved).data)
    logger.info("Kitsu import of %s by %s: %d rows read", resource, job.person.pk, len(rows))
