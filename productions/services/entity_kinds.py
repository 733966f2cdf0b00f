"""Writes of scenes, edits and concepts, the concept links of entities, the shots made from a scene,
the version history of shots, and the retake statistics of a project's episodes.

A scene sits in a sequence, an edit in an episode or in no parent, a concept in
no parent. Two entities of one kind may not share a name in the same parent.
"""

import copy
import logging

from django.db import transaction
from django.db.models import Count, Sum
from rest_framework.exceptions import ValidationError

from kitsu_project.api.serialization import format_datetime, serialize_row
from productions.models import Entity, EntityConceptLink, EntityVersion, Task
from productions.services import entities as entity_services
from productions.services import entity_views
from productions.services.events import event_send
from productions.services.notifications import entity_created_event_send
from productions.services.structure import structure_type

logger = logging.getLogger("productions.entity_kinds")

SCENE = "Scene"
EDIT = "Edit"
CONCEPT = "Concept"


def check_name_free(*, project, entity_type, parent, name):
    """Reject a second entity of this kind with the same name in the same parent (400 on `name`)."""
    name_taken = Entity.objects.filter(project=project, entity_type=entity_type, parent=parent, name=name).exists()
    if name_taken:
        where = f"this {parent.entity_type.name.lower()}" if parent is not None else "this project"
        kind = entity_type.name.lower()
        raise ValidationError({"name": [f"another {kind} of {where} is already named {name!r}: choose another name."]})


# ---- read shapes ---------------------------------------------------------------


def optional_id(value):
    return None if value is None else str(value)


def entity_list_rows(queryset):
    """Serialize entities with their project name, in one query."""
    return entity_views.serialize_entities(
        queryset.select_related("project"), extra=lambda entity: {"project_name": entity.project.name}
    )


def with_concept_links(rows):
    """Add `entity_concept_links` (the ids each row's links point to) to serialized rows, in one query."""
    links = concept_link_ids([row["id"] for row in rows])
    for row in rows:
        row["entity_concept_links"] = links.get(row["id"], [])
    return rows


def scene_detail(scene):
    """Serialize a scene with its project, sequence and episode names."""
    row = serialize_row(scene)
    row["project_name"] = scene.project.name
    sequence = scene.parent
    if sequence is not None:
        row["sequence_id"] = str(sequence.pk)
        row["sequence_name"] = sequence.name
        if sequence.parent_id is not None:
            row["episode_id"] = str(sequence.parent_id)
            row["episode_name"] = Entity.objects.filter(pk=sequence.parent_id).values_list("name", flat=True).first()
    return row


def edits_with_tasks(queryset, *, person=None, viewer=None):
    """Build the rows of the edit list page: each edit with its episode and project names and its tasks."""
    columns = (
        "id",
        "name",
        "description",
        "canceled",
        "data",
        "entity_type_id",
        "parent_id",
        "parent__name",
        "preview_file_id",
        "project_id",
        "project__name",
        "source_id",
        "nb_entities_out",
    )
    ordered = queryset.order_by("name", "pk")
    rows = []
    for values in ordered.values_list(*columns):
        (
            entity_id,
            name,
            description,
            canceled,
            data,
            type_id,
            parent_id,
            parent_name,
            preview_file_id,
            project_id,
            project_name,
            source_id,
            nb_entities_out,
        ) = values
        rows.append(
            {
                "canceled": canceled,
                "data": data or {},
                "description": description,
                "entity_type_id": str(type_id),
                "episode_id": optional_id(parent_id),
                "episode_name": parent_name or "",
                "id": str(entity_id),
                "name": name,
                "parent_id": optional_id(parent_id),
                "preview_file_id": optional_id(preview_file_id),
                "project_id": str(project_id),
                "project_name": project_name,
                "source_id": optional_id(source_id),
                "nb_entities_out": nb_entities_out,
                "tasks": [],
                "type": EDIT,
            }
        )
    entity_views.attach_tasks(rows, ordered, style=entity_views.SHOT_STYLE, person=person, viewer=viewer)
    return rows


def concepts_with_tasks(queryset, *, person=None, viewer=None):
    """Build the rows of the concept list page: each concept with its project name, links and tasks."""
    ordered = queryset.select_related("project").order_by("name", "pk")
    rows = []
    for concept in ordered:
        data = concept.data if isinstance(concept.data, dict) else {}
        rows.append(
            {
                "canceled": concept.canceled,
                "data": concept.data or {},
                "description": concept.description,
                "entity_type_id": str(concept.entity_type_id),
                "fps": data.get("fps"),
                "frame_in": data.get("frame_in"),
                "frame_out": data.get("frame_out"),
                "id": str(concept.pk),
                "name": concept.name,
                "nb_frames": concept.nb_frames,
                "parent_id": optional_id(concept.parent_id),
                "preview_file_id": optional_id(concept.preview_file_id),
                "project_id": str(concept.project_id),
                "project_name": concept.project.name,
                "source_id": optional_id(concept.source_id),
                "nb_entities_out": concept.nb_entities_out,
                "is_casting_standby": concept.is_casting_standby,
                "tasks": [],
                "type": CONCEPT,
                "updated_at": format_datetime(concept.updated_at),
                "created_at": format_datetime(concept.created_at),
                "created_by": optional_id(concept.created_by_id),
            }
        )
    with_concept_links(rows)
    entity_views.attach_tasks(rows, ordered, style=entity_views.SHOT_STYLE, person=person, viewer=viewer)
    return rows


def concept_detail(concept, *, person=None, viewer=None):
    """Build the full concept: the concept page row with its tasks, every column and the link lists."""
    rows = concepts_with_tasks(Entity.objects.filter(pk=concept.pk), person=person, viewer=viewer)
    row = rows[0] if rows else {**concepts_with_tasks(Entity.objects.filter(pk=concept.pk))[0], "tasks": []}
    row.update(entity_views.with_link_lists(serialize_row(concept)))
    return row


# ---- creation ----------------------------------------------------------------


@transaction.atomic
def scene_create(*, project, sequence, name, description=None, data=None, created_by=None):
    """Create a scene in `sequence`."""
    scene_type = structure_type(SCENE)
    check_name_free(project=project, entity_type=scene_type, parent=sequence, name=name)
    scene = Entity.objects.create(
        project=project,
        entity_type=scene_type,
        parent=sequence,
        name=name,
        description=description,
        data={} if data is None else data,
        created_by=created_by,
    )
    entity_created_event_send(entity=scene, user=created_by)
    logger.info("Scene %s (%s) created in sequence %s", scene.pk, name, sequence.pk)
    return scene


@transaction.atomic
def edit_create(*, project, name, episode=None, description=None, data=None, created_by=None):
    """Create an edit of the project, or of one of its episodes."""
    edit_type = structure_type(EDIT)
    check_name_free(project=project, entity_type=edit_type, parent=episode, name=name)
    edit = Entity.objects.create(
        project=project,
        entity_type=edit_type,
        parent=episode,
        name=name,
        description=description,
        data=data,
        created_by=created_by,
    )
    event_send(
        name="edit:new",
        data={"edit_id": edit.pk, "parent_id": getattr(episode, "pk", None)},
        project_id=project.pk,
        user=created_by,
    )
    logger.info("Edit %s (%s) created in project %s", edit.pk, name, project.pk)
    return edit


@transaction.atomic
def concept_create(*, project, name, description=None, data=None, linked=(), created_by=None):
    """Create a concept of the project, linked to the entities `linked` (the assets it illustrates)."""
    concept_type = structure_type(CONCEPT)
    check_name_free(project=project, entity_type=concept_type, parent=None, name=name)
    concept = Entity.objects.create(
        project=project,
        entity_type=concept_type,
        name=name,
        description=description,
        data=data,
        created_by=created_by,
    )
    EntityConceptLink.objects.bulk_create(EntityConceptLink(entity_in=concept, entity_out=row) for row in linked)
    entity_created_event_send(entity=concept, user=created_by)
    logger.info("Concept %s (%s) created in project %s", concept.pk, name, project.pk)
    return concept


# ---- concept links -------------------------------------------------------------


def concept_link_ids(entity_ids):
    """Map each entity id to the ids of the entities its concept links point to, in one query."""
    found = {str(entity_id): [] for entity_id in entity_ids}
    links = EntityConceptLink.objects.filter(entity_in_id__in=list(entity_ids)).order_by("created_at", "pk")
    for entity_in_id, entity_out_id in links.values_list("entity_in_id", "entity_out_id"):
        found.setdefault(str(entity_in_id), []).append(str(entity_out_id))
    return found


def parse_concept_links(data, *, project, key="entity_concept_links"):
    """Return the entities listed under `key` (ids, or objects with an id), or None when the key is absent.

    Each must be an entity of the same project; anything else is a 400 naming the key.
    """
    if key not in data:
        return None
    values = data[key] or []
    if not isinstance(values, list):
        raise ValidationError({key: ["expected a list of entity ids."]})
    ids = []
    for value in values:
        raw = value.get("id") if isinstance(value, dict) else value
        try:
            ids.append(str(Entity._meta.pk.to_python(raw)))
        except Exception:
            raise ValidationError({key: [f"invalid id {raw!r}: expected a UUID."]}) from None
    ids = list(dict.fromkeys(ids))
    rows = {str(row.pk): row for row in Entity.objects.filter(pk__in=ids, project_id=project.pk)}
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        raise ValidationError({key: [f"no entity of this project has the id(s) {', '.join(missing)}."]})
    return [rows[pk] for pk in ids]


@transaction.atomic
def concept_links_set(*, entity, linked):
    """Replace the concept links of `entity` by links to the entities `linked`."""
    EntityConceptLink.objects.filter(entity_in=entity).exclude(entity_out__in=linked).delete()
    kept_ids = set(EntityConceptLink.objects.filter(entity_in=entity).values_list("entity_out_id", flat=True))
    EntityConceptLink.objects.bulk_create(
        EntityConceptLink(entity_in=entity, entity_out=row) for row in linked if row.pk not in kept_ids
    )
    logger.info("Concept links of entity %s set to %s", entity.pk, [str(row.pk) for row in linked])


# ---- shots of a scene ----------------------------------------------------------


@transaction.atomic
def scene_shot_add(*, scene, shot, user):
    """Record that `shot` was made from `scene` (the shot's source)."""
    shot.source = scene
    shot.save(update_fields=["source", "updated_at"])
    event_send(
        name="shot:add-to-scene", data={"scene_id": scene.pk, "shot_id": shot.pk}, project_id=shot.project_id, user=user
    )
    logger.info("Shot %s added to scene %s by %s", shot.pk, scene.pk, user.pk)
    return shot


@transaction.atomic
def scene_shot_remove(*, scene, shot, user):
    """Detach `shot` from `scene`; a shot made from another scene is left as it is."""
    if shot.source_id == scene.pk:
        shot.source = None
        shot.save(update_fields=["source", "updated_at"])
    event_send(
        name="shot:remove-from-scene",
        data={"scene_id": scene.pk, "shot_id": shot.pk},
        project_id=shot.project_id,
        user=user,
    )
    logger.info("Shot %s removed from scene %s by %s", shot.pk, scene.pk, user.pk)
    return shot


# ---- deletion ------------------------------------------------------------------


@transaction.atomic
def entity_kind_delete(*, entity, force=False, user=None):
    """Delete a scene, edit or concept; one with tasks is only canceled unless `force` is set.

    Return True when deleted. The event is `<kind>:delete`, or `<kind>:update` for a cancel.
    """
    kind = entity.entity_type.name.lower()
    entity_id, project_id = entity.pk, entity.project_id
    deleted = entity_services.entity_cancel_or_delete(entity=entity, force=force)
    action = "delete" if deleted else "update"
    event_send(name=f"{kind}:{action}", data={f"{kind}_id": entity_id}, project_id=project_id, user=user)
    return deleted


# ---- versions ------------------------------------------------------------------


def shot_state(shot):
    """Return the part of a shot that its versions keep: its name, frame count and a copy of its data."""
    return shot.name, shot.nb_frames, copy.deepcopy(shot.data)


def shot_version_save(*, shot, previous, person=None):
    """Keep a version of `shot` when its frame count or data differ from `previous` (a `shot_state`).

    The version stores the new data, with `nb_frames` beside the data keys.
    """
    _, previous_frames, previous_data = previous
    if shot.nb_frames == previous_frames and (shot.data or {}) == (previous_data or {}):
        return None
    data = dict(shot.data) if isinstance(shot.data, dict) else {}
    data["nb_frames"] = shot.nb_frames
    version = EntityVersion.objects.create(entity=shot, name=shot.name, data=data, person=person)
    logger.info("Version %s of shot %s saved for person %s", version.pk, shot.pk, getattr(person, "pk", None))
    return version


# ---- statistics ----------------------------------------------------------------


def empty_counts():
    return {"count": 0, "frames": 0, "drawings": 0}


def empty_retake_stats():
    return {
        "max_retake_count": 0,
        "evolution": {},
        "done": empty_counts(),
        "retake": empty_counts(),
        "other": empty_counts(),
    }


def add_counts(counts, number, frames, drawings):
    counts["count"] += number
    counts["frames"] += frames
    counts["drawings"] += drawings


def task_outcome(*, done, retake):
    """Return the bucket of a task status: "done", "retake" (waiting for a retake) or "other"."""
    if done:
        return "done"
    if retake:
        return "retake"
    return "other"


def episode_retake_stats(*, project, person=None):
    """Count the shot tasks of each episode by outcome (done, retake, other) and by take, per task type.

    `results[episode_id][task_type_id]` (and "all" for either) contains the counts,
    frames and drawings of each outcome, the highest retake count, and
    `evolution`: for each take number up to that count, how many tasks needed a
    retake at that take, and how the others ended. With `person`, only the tasks
    assigned to that person count. Tasks with the same values are grouped in SQL.
    """
    # Scenes sit in sequences too, but only shots count, as the episode statistics page shows them.
    tasks = Task.objects.filter(project=project, entity__entity_type__name="Shot", entity__parent__parent__isnull=False)
    if person is not None:
        tasks = tasks.filter(assignees=person)
    groups = (
        tasks.values(
            "entity__parent__parent_id",
            "task_type_id",
            "retake_count",
            "task_status__is_done",
            "task_status__is_retake",
        )
        .annotate(
            number=Count("pk"),
            frames=Sum("entity__nb_frames"),
            drawings=Sum("nb_drawings"),
        )
        .order_by()
    )
    rows = [
        (
            str(group["entity__parent__parent_id"]),
            str(group["task_type_id"]),
            group["retake_count"] or 0,
            group["task_status__is_done"],
            group["task_status__is_retake"],
            group["number"],
            group["frames"] or 0,
            group["drawings"] or 0,
        )
        for group in groups
    ]

    results = {"all": {"all": empty_retake_stats()}}
    for episode_id, task_type_id, retakes, done, retake, number, frames, drawings in rows:
        results.setdefault(episode_id, {"all": empty_retake_stats()})
        results["all"].setdefault(task_type_id, empty_retake_stats())
        results[episode_id].setdefault(task_type_id, empty_retake_stats())
        outcome = task_outcome(done=done, retake=retake)
        for first, second in (("all", "all"), ("all", task_type_id), (episode_id, "all"), (episode_id, task_type_id)):
            entry = results[first][second]
            entry["max_retake_count"] = max(entry["max_retake_count"], retakes)
            add_counts(entry[outcome], number, frames, drawings)

    # The evolution needs the final highest retake count of each bucket, hence a second pass.
    for episode_id, task_type_id, retakes, done, _, number, frames, drawings in rows:
        for second in ("all", task_type_id):
            entry = results[episode_id][second]
            for take in range(1, entry["max_retake_count"] + 1):
                counts = entry["evolution"].setdefault(
                    str(take), {"done": empty_counts(), "retake": empty_counts(), "other": empty_counts()}
                )
                outcome = "retake" if take <= retakes else task_outcome(done=done, retake=False)
                add_counts(counts[outcome], number, frames, drawings)
    return results
