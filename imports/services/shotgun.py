"""ShotGrid migration: turn the JSON records ShotGrid's API returns into Kitsu rows.

Each record kind registers an import runner (`shotgun-projects`, `shotgun-shots`...)
with the job service. A record is matched on its ShotGrid id, so a second import of
the same records updates the rows in place. A record without an integer `id`, or
whose link is not a `{"id": <int>}` object, is reported as a job error and as a
`DataImportError` row, then skipped. Each record is written in its own savepoint,
so a skipped record leaves no partial row behind.

Links that arrive before their targets (a shot whose sequence comes later, a cast
asset not imported yet, an assignee not imported yet) are kept on the job row as
`options["pending"]`. At the end of every ShotGrid import, the pending links of all
earlier jobs are tried again, and those whose target now exists are written.
Keeping them on the job row needs no new table and leaves a trace of what waited.
"""

import datetime
import json
import logging

from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import Department, Person
from imports.models import DataImportError, ImportJob
from imports.services.jobs import register_import
from kitsu_project.api.serialization import serialize_row
from playlists.models import PreviewFile
from productions.models import (
    Comment,
    Entity,
    EntityLink,
    EntityType,
    Project,
    ProjectPersonLink,
    ProjectStatus,
    Task,
    TaskStatus,
    TaskType,
)
from productions.models.entity import TEMPORAL_ENTITY_TYPES as NOT_ASSETS
from productions.services.file_trees import tree_load

logger = logging.getLogger("imports.shotgun")

KIND_PREFIX = "shotgun-"
KINDS = (
    "projects", "persons", "steps", "status", "episodes", "sequences", "scenes",
    "assets", "shots", "tasks", "versions", "notes", "projectconnections",
)  # fmt: skip
TEMPORAL_TYPES = {"Episode", "Sequence", "Scene", "Shot"}


class BadRecord(Exception):
    """A record that cannot be imported: it is reported and skipped."""


# ---- reading records ------------------------------------------------------------


def record_id(record):
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRecord(f"the record has no integer ShotGrid id (id={value!r}).")
    return value


def link_id(record, key):
    """Return the ShotGrid id of the link under `key`, None when the link is empty; a malformed link raises."""
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, dict) or isinstance(value.get("id"), bool) or not isinstance(value.get("id"), int):
        raise BadRecord(f"{key}: expected a link object with an integer id, got {json.dumps(value)[:80]}.")
    return value["id"]


def link_ids(record, key):
    value = record.get(key) or []
    if not isinstance(value, list):
        raise BadRecord(f"{key}: expected a list of link objects, got {json.dumps(value)[:80]}.")
    return [link_id({key: item}, key) for item in value]


def text(record, key, *, required=False, default=None):
    value = record.get(key, default)
    if value is None:
        if required:
            raise BadRecord(f"{key}: this field is missing.")
        return default
    if not isinstance(value, str):
        raise BadRecord(f"{key}: expected a string, got {json.dumps(value)[:80]}.")
    return value


def rgb_to_hex(value, default="#000000"):
    if not value:
        return default
    try:
        red, green, blue = (int(part) for part in str(value).split(","))
    except ValueError:
        return default
    return f"#{red:02x}{green:02x}{blue:02x}"


def custom_data(record, excluded=()):
    return {k: v for k, v in record.items() if k.startswith("sg_") and k not in excluded and v is not None}


def parse_date(value):
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)


# ---- finding targets -----------------------------------------------------------------


def entity_type(name):
    return EntityType.objects.get_or_create(name=name)[0]


def entity_by_sg(type_name, sg_id):
    if sg_id is None:
        return None
    rows = Entity.objects.filter(shotgun_id=sg_id)
    if type_name in TEMPORAL_TYPES:
        rows = rows.filter(entity_type__name=type_name)
    else:
        rows = rows.exclude(entity_type__name__in=NOT_ASSETS)
    return rows.first()


def project_of(record):
    """Find the project by ShotGrid id, then by name (the reference uses either, depending on the kind)."""
    sg_id = link_id(record, "project")
    if sg_id is None:
        raise BadRecord("project: this link is missing.")
    project = Project.objects.filter(shotgun_id=sg_id).first()
    if project is None and isinstance(record["project"].get("name"), str):
        project = Project.objects.filter(name=record["project"]["name"]).first()
    if project is None:
        raise BadRecord(f"project: no imported project has ShotGrid id {sg_id}.")
    return project


class Context:
    """State of one import run: the importing person and the links left to resolve."""

    def __init__(self, person):
        self.person = person
        self.pending = []

    def wait(self, *, link, row, target, sg_id):
        self.pending.append({"link": link, "row": str(row.pk), "target": target, "sg_id": sg_id})


# ---- link writers (used now and when a pending link is resolved) ------------------------


def set_parent(row, target):
    Entity.objects.filter(pk=row).update(parent=target, updated_at=timezone.now())


def set_source(row, target):
    Entity.objects.filter(pk=row).update(source=target, updated_at=timezone.now())


def count_casting(row):
    Entity.objects.filter(pk=row).update(nb_entities_out=EntityLink.objects.filter(entity_in_id=row).count())


def add_casting(row, target):
    EntityLink.objects.get_or_create(entity_in_id=row, entity_out=target)
    count_casting(row)


def add_asset_child(row, target):
    # An asset's ShotGrid parents: the parent lists the child in its entities_out.
    EntityLink.objects.get_or_create(entity_in=target, entity_out_id=row)


def add_assignee(row, target):
    Task.objects.get(pk=row).assignees.add(target)


def set_assigner(row, target):
    Task.objects.filter(pk=row).update(assigner=target)


LINKS = {
    "parent": set_parent,
    "source": set_source,
    "casting": add_casting,
    "asset_parent": add_asset_child,
    "assignee": add_assignee,
    "assigner": set_assigner,
}


def find_target(target, sg_id):
    if target == "Person":
        return Person.objects.filter(shotgun_id=sg_id).first()
    if target == "Project":
        return Project.objects.filter(shotgun_id=sg_id).first()
    return entity_by_sg(target, sg_id)


def link_or_wait(context, *, link, row, target, sg_id):
    if sg_id is None:
        return
    found = find_target(target, sg_id)
    if found is None:
        context.wait(link=link, row=row, target=target, sg_id=sg_id)
    else:
        LINKS[link](row.pk, found)


def pending_resolve(*, job, imported_rows):
    """Write the waiting links whose target now exists; keep the others waiting.

    The links that earlier jobs kept for a row imported again by `job` are dropped:
    the new record lists that row's links again, so the old ones are out of date.
    """
    jobs = ImportJob.objects.filter(kind__startswith=KIND_PREFIX, options__has_key="pending")
    for pending_job in jobs:
        left = []
        for item in pending_job.options.get("pending", []):
            if pending_job.pk != job.pk and item["row"] in imported_rows:
                continue
            found = find_target(item["target"], item["sg_id"])
            if found is None:
                left.append(item)
                continue
            try:
                with transaction.atomic():
                    LINKS[item["link"]](item["row"], found)
            except (ObjectDoesNotExist, DatabaseError) as error:
                # The row was removed since the link was kept: the link goes with it.
                logger.info("Pending ShotGrid link %s dropped: %s", item, error)
        if left != pending_job.options.get("pending"):
            options = dict(pending_job.options)
            if left:
                options["pending"] = left
            else:
                options.pop("pending")
            ImportJob.objects.filter(pk=pending_job.pk).update(options=options)


# ---- record importers: each returns (row, created) ---------------------------------------


def save_row(model, lookup, values, fallback=None):
    row = model.objects.filter(**lookup).first()
    if row is None and fallback:
        row = model.objects.filter(**fallback).first()
    if row is None:
        return model.objects.create(**lookup, **values), True
    for key, value in {**lookup, **values}.items():
        setattr(row, key, value)
    row.save()
    return row, False


def import_project(record, context):
    sg_id = record_id(record)
    name = text(record, "name", required=True)
    status_name = text(record, "sg_status")
    status = ProjectStatus.objects.get_or_create(name=status_name)[0] if status_name else None
    values = {"name": name, "data": custom_data(record, ("sg_status",))}
    if status is not None:
        values["project_status"] = status
    # A Kitsu project of the same name and no ShotGrid id gets linked (zou 0.20.73 fails with a 500 there).
    project, created = save_row(Project, {"shotgun_id": sg_id}, values, fallback={"name": name, "shotgun_id": None})
    if created:
        project.file_tree = tree_load("default")
        project.save(update_fields=["file_tree"])
    return project, created


def import_person(record, context):
    sg_id = record_id(record)
    email = text(record, "email", required=True)
    if email == "changeme@email.com":
        raise BadRecord("email: changeme@email.com is ShotGrid's placeholder, not a real person.")
    rule_set = record.get("permission_rule_set") or {}
    role = {"Manager": "manager", "Admin": "admin"}.get(rule_set.get("name") if isinstance(rule_set, dict) else None)
    values = {
        "first_name": text(record, "firstname", default=""),
        "last_name": text(record, "lastname", default=""),
        "desktop_login": text(record, "login", default=""),
        "active": record.get("sg_status_list", "act") == "act",
    }
    person = Person.objects.filter(shotgun_id=sg_id).first() or Person.objects.filter(email=email).first()
    created = person is None
    if created:
        person = Person.objects.create_user(email, shotgun_id=sg_id, role=role or "user", **values)
    else:
        # Unlike the reference, a person found by e-mail is linked through its ShotGrid id.
        person.shotgun_id = sg_id
        for key, value in values.items():
            setattr(person, key, value)
        if role:
            person.role = role
        person.save()
    department = record.get("department")
    if isinstance(department, dict) and isinstance(department.get("name"), str):
        person.departments.set([Department.objects.get_or_create(name=department["name"])[0]])
    return person, created


def import_step(record, context):
    sg_id = record_id(record)
    code = text(record, "code", required=True)
    color = rgb_to_hex(record.get("color"))
    department = Department.objects.filter(name=code.split(" ")[0]).first()
    if department is None:
        department = Department.objects.create(name=code.split(" ")[0], color=color)
    for_entity = text(record, "entity_type", default="Asset")
    values = {
        "name": code,
        "short_name": text(record, "short_name", default=""),
        "color": color,
        "for_entity": for_entity,
        "department": department,
    }
    return save_row(TaskType, {"shotgun_id": sg_id}, values, fallback={"name": code, "for_entity": for_entity})


def import_status(record, context):
    sg_id = record_id(record)
    code = text(record, "code", required=True)
    values = {
        "name": text(record, "name", required=True),
        "short_name": code,
        "color": rgb_to_hex(record.get("bg_color")),
    }
    return save_row(TaskStatus, {"shotgun_id": sg_id}, values, fallback={"short_name": code})


def save_entity(type_name, sg_id, values, context):
    kind = entity_type(type_name)
    row = entity_by_sg(type_name, sg_id)
    if row is None:
        return Entity.objects.create(shotgun_id=sg_id, entity_type=kind, created_by=context.person, **values), True
    for key, value in values.items():
        setattr(row, key, value)
    row.save()
    return row, False


def import_episode(record, context):
    sg_id = record_id(record)
    values = {
        "name": text(record, "code", required=True),
        "description": text(record, "description"),
        "project": project_of(record),
    }
    return save_entity("Episode", sg_id, values, context)


def import_sequence(record, context):
    sg_id = record_id(record)
    episode_sg = link_id(record, "episode")
    values = {
        "name": text(record, "code", required=True),
        "description": text(record, "description"),
        "project": project_of(record),
    }
    if episode_sg is None:
        # No episode: no parent (the reference picks an unrelated episode).
        values["parent"] = None
    row, created = save_entity("Sequence", sg_id, values, context)
    link_or_wait(context, link="parent", row=row, target="Episode", sg_id=episode_sg)
    return row, created


def import_scene(record, context):
    sg_id = record_id(record)
    sequences = link_ids(record, "sequence_sg_scenes_1_sequences")
    values = {"name": text(record, "code", required=True), "project": project_of(record)}
    if not sequences:
        values["parent"] = None
    row, created = save_entity("Scene", sg_id, values, context)
    link_or_wait(context, link="parent", row=row, target="Sequence", sg_id=sequences[0] if sequences else None)
    return row, created


def import_asset(record, context):
    sg_id = record_id(record)
    type_name = text(record, "sg_asset_type", required=True)
    parents = link_ids(record, "parents")
    values = {
        "name": text(record, "code", required=True),
        "description": text(record, "description"),
        "project": project_of(record),
    }
    kind = EntityType.objects.get_or_create(name=type_name)[0]
    row = entity_by_sg("Asset", sg_id)
    created = row is None
    if created:
        row = Entity.objects.create(shotgun_id=sg_id, entity_type=kind, created_by=context.person, **values)
    else:
        for key, value in {**values, "entity_type": kind}.items():
            setattr(row, key, value)
        row.save()
    # The record lists all of the asset's parents: a parent no longer listed loses it.
    parent_links = EntityLink.objects.filter(entity_out=row).exclude(entity_in__entity_type__name__in=NOT_ASSETS)
    parent_links.exclude(entity_in__shotgun_id__in=parents).delete()
    for parent in parents:
        link_or_wait(context, link="asset_parent", row=row, target="Asset", sg_id=parent)
    return row, created


def import_shot(record, context):
    sg_id = record_id(record)
    sequence_sg = link_id(record, "sg_sequence")
    scene_sg = link_id(record, "sg_scene")
    assets = link_ids(record, "assets")
    frame_in = record.get("sg_cut_in")
    duration = record.get("sg_cut_duration")
    # Unlike the reference (cut in + duration), frame_out is the last frame, as in the other Kitsu imports.
    has_range = isinstance(frame_in, int) and isinstance(duration, int) and duration > 0
    frame_out = frame_in + duration - 1 if has_range else frame_in
    data = custom_data(record, ("sg_cut_in", "sg_cut_out", "sg_sequence", "sg_scene"))
    data.update({"frame_in": frame_in, "frame_out": frame_out})
    values = {"name": text(record, "code", required=True), "project": project_of(record)}
    existing = entity_by_sg("Shot", sg_id)
    if existing is not None:
        data = {**(existing.data or {}), **data}
    values["nb_frames"] = duration if has_range else None
    # An empty link clears the row's link, as the record is the whole shot.
    if sequence_sg is None:
        values["parent"] = None
    if scene_sg is None:
        values["source"] = None
    row, created = save_entity("Shot", sg_id, {**values, "data": data}, context)
    link_or_wait(context, link="parent", row=row, target="Sequence", sg_id=sequence_sg)
    link_or_wait(context, link="source", row=row, target="Scene", sg_id=scene_sg)
    # The record lists the whole casting: assets no longer listed leave it.
    EntityLink.objects.filter(entity_in=row).exclude(entity_out__shotgun_id__in=assets).delete()
    count_casting(row.pk)
    for asset in assets:
        link_or_wait(context, link="casting", row=row, target="Asset", sg_id=asset)
    return row, created


def import_task(record, context):
    sg_id = record_id(record)
    step_sg = link_id(record, "step")
    entity_sg = link_id(record, "entity")
    creator_sg = link_id(record, "created_by")
    assignees = link_ids(record, "task_assignees")
    project = project_of(record)

    if step_sg is None:
        raise BadRecord("step: this link is missing, a task needs its step.")
    task_type = TaskType.objects.filter(shotgun_id=step_sg).first()
    if task_type is None:
        raise BadRecord(f"step: no imported step has ShotGrid id {step_sg}.")
    entity_type_name = record["entity"].get("type") if entity_sg is not None else None
    entity = entity_by_sg(entity_type_name if entity_type_name in TEMPORAL_TYPES else "Asset", entity_sg)
    if entity is None:
        raise BadRecord(f"entity: no imported {entity_type_name or 'entity'} has ShotGrid id {entity_sg}.")

    status_code = text(record, "sg_status_list")
    status = TaskStatus.objects.filter(short_name=status_code).first() if status_code else None
    status = status or TaskStatus.objects.filter(is_default=True).first()
    if status is None:
        raise BadRecord(f"sg_status_list: no task status has the code {status_code!r}.")

    sort_order = record.get("sg_sort_order")
    duration = record.get("duration")
    name = text(record, "cached_display_name") or text(record, "content", default="main")
    values = {
        "name": name,
        "project": project,
        "task_type": task_type,
        "task_status": status,
        "entity": entity,
        "start_date": parse_date(record.get("start_date")),
        "due_date": parse_date(record.get("due_date")),
        "sort_order": sort_order if isinstance(sort_order, int) else 0,
        "duration": duration if isinstance(duration, (int, float)) else 0,
    }
    row, created = save_row(
        Task,
        {"shotgun_id": sg_id},
        values,
        fallback={"name": name, "project": project, "task_type": task_type, "entity": entity},
    )
    row.assignees.clear()
    for person_sg in assignees:
        link_or_wait(context, link="assignee", row=row, target="Person", sg_id=person_sg)
    link_or_wait(context, link="assigner", row=row, target="Person", sg_id=creator_sg)
    return row, created


def import_note(record, context):
    sg_id = record_id(record)
    tasks = link_ids(record, "tasks")
    task = Task.objects.filter(shotgun_id=tasks[0]).first() if tasks else None
    if task is None:
        raise BadRecord(f"tasks: no imported task has ShotGrid id {tasks[0] if tasks else None}.")
    user_sg = link_id(record, "user")
    person = Person.objects.filter(shotgun_id=user_sg).first() if user_sg is not None else None
    person = person or context.person
    values = {"text": text(record, "content", default=""), "object_id": task.pk, "object_type": "Task",
              "person": person}  # fmt: skip
    row, created = save_row(Comment, {"shotgun_id": sg_id}, values)
    created_at = parse_date(record.get("created_at"))
    if created_at is not None:
        Comment.objects.filter(pk=row.pk).update(created_at=created_at)
        row.created_at = created_at
    return row, created


def import_version(record, context):
    sg_id = record_id(record)
    task_sg = link_id(record, "sg_task")
    task = Task.objects.filter(shotgun_id=task_sg).first() if task_sg is not None else None
    if task is None:
        raise BadRecord(f"sg_task: no imported task has ShotGrid id {task_sg}.")
    user_sg = link_id(record, "user")
    person = Person.objects.filter(shotgun_id=user_sg).first() if user_sg is not None else None
    name = text(record, "code", required=True)
    values = {"name": name, "description": text(record, "description"), "source": "Shotgun", "task": task,
              "person": person or context.person}  # fmt: skip
    movie = record.get("sg_uploaded_movie")
    if isinstance(movie, dict) and isinstance(movie.get("url"), str):
        values["uploaded_movie_url"] = movie["url"][:600]
    return save_row(PreviewFile, {"shotgun_id": sg_id}, values, fallback={"name": name, "task": task})


def import_projectconnection(record, context):
    sg_id = record_id(record)
    project_sg = link_id(record, "project")
    person_sg = link_id(record, "user")
    project = Project.objects.filter(shotgun_id=project_sg).first() if project_sg is not None else None
    if project is None:
        raise BadRecord(f"project: no imported project has ShotGrid id {project_sg}.")
    person = Person.objects.filter(shotgun_id=person_sg).first() if person_sg is not None else None
    if person is None:
        raise BadRecord(f"user: no imported person has ShotGrid id {person_sg}.")
    link = ProjectPersonLink.objects.filter(shotgun_id=sg_id).first()
    created = link is None
    ProjectPersonLink.objects.update_or_create(project=project, person=person, defaults={"shotgun_id": sg_id})
    return project, created


IMPORTERS = {
    "projects": import_project,
    "persons": import_person,
    "steps": import_step,
    "status": import_status,
    "episodes": import_episode,
    "sequences": import_sequence,
    "scenes": import_scene,
    "assets": import_asset,
    "shots": import_shot,
    "tasks": import_task,
    "notes": import_note,
    "versions": import_version,
    "projectconnections": import_projectconnection,
}
RELATIONS = {"projects": True, "persons": True, "tasks": True}


def records_parse(content):
    try:
        records = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRecord(f"the body is not JSON: {error}.") from None
    if not isinstance(records, list):
        raise BadRecord("expected a JSON list of ShotGrid records.")
    return records


def make_runner(kind):
    importer = IMPORTERS[kind]

    def runner(job, content, report):
        context = Context(job.person)
        for index, record in enumerate(records_parse(content), start=1):
            try:
                if not isinstance(record, dict):
                    raise BadRecord("expected a ShotGrid record (a JSON object).")
                with transaction.atomic():
                    row, created = importer(record, context)
            except (BadRecord, DatabaseError, ValueError, TypeError) as error:
                logger.warning("ShotGrid %s record %d of job %s skipped: %s", kind, index, job.pk, error)
                report.error(line=index, message=str(error))
                DataImportError.objects.create(
                    source="shotgun", event_data={"kind": kind, "record": record, "message": str(error)}
                )
                continue
            row.refresh_from_db()
            report.created += created
            report.updated += not created
            report.rows.append(serialize_row(row, relations=RELATIONS.get(kind, False)))
        if context.pending:
            job.options = {**job.options, "pending": context.pending}
            ImportJob.objects.filter(pk=job.pk).update(options=job.options)
            report.log.append(f"{len(context.pending)} links wait for records not imported yet")
        pending_resolve(job=job, imported_rows={row["id"] for row in report.rows})

    return runner


for _kind in KINDS:
    register_import(KIND_PREFIX + _kind)(make_runner(_kind))
