"""Casting (breakdown) writes and reads: entity links, shared assets and asset instances.

A casting link (`EntityLink`) records that the asset `entity_out` appears in the
shot, scene, sequence, episode or asset `entity_in`. An entity's
`nb_entities_out` is kept equal to its number of links by every write here.

A casting update writes only the links it changes, computed against the links
stored when the update reads them. So two updates that run at the same time and
change different links of one shot both keep their changes, where a delete-all
then insert-all would drop one of them or fail on the unique link constraint.
"""

import datetime
import logging
import re
import unicodedata
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kitsu_project.api.serialization import format_datetime, serialize_row
from productions.models import (
    AssetInstance,
    Entity,
    EntityConceptLink,
    EntityLink,
    EntityType,
    ProjectTaskTypeLink,
    Task,
)
from productions.models.breakdown import AssetInstanceLink
from productions.models.entity import TEMPORAL_ENTITY_TYPES
from productions.services.events import event_send

logger = logging.getLogger("productions.casting")

MICROSECONDS_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def optional_id(value):
    return None if value is None else str(value)


def entity_kind(entity):
    return entity.get_instance_kitsu_type()


# ---- link counts and casting stats ---------------------------------------------


def links_recount(entity_ids):
    """Set `nb_entities_out` of these entities to their number of casting links.

    The entity rows are locked first, in id order, so that the count runs in a new
    statement: under READ COMMITTED it then counts the links of a concurrent update
    that committed while this one waited for the lock.
    """
    entity_ids = sorted(set(entity_ids), key=str)
    if not entity_ids:
        return
    list(Entity.objects.filter(pk__in=entity_ids).order_by("pk").select_for_update().values_list("pk", flat=True))
    count = (
        EntityLink.objects.filter(entity_in=OuterRef("pk"))
        .order_by()
        .values("entity_in")
        .annotate(total=Count("pk"))
        .values("total")
    )
    Entity.objects.filter(pk__in=entity_ids).update(
        nb_entities_out=Coalesce(Subquery(count, output_field=IntegerField()), Value(0))
    )


def is_asset_ready(asset, task, priority_map):
    """Tell whether a cast asset is ready for a shot task, as the reference's casting stats count it.

    A shared asset of another project is always ready. Otherwise the asset is ready
    when the task type of the shot task comes no later than its `ready_for` task type.
    """
    is_shared, project_id, ready_for_id = asset
    if is_shared and project_id != task.project_id:
        return True
    if ready_for_id is None:
        return False
    priority_ready = priority_map.get(ready_for_id, -1) or -1
    priority_task = priority_map.get(task.task_type_id, 0) or 0
    return priority_task <= priority_ready


def shot_ids_among(entity_ids):
    return list(Entity.objects.filter(pk__in=entity_ids, entity_type__name="Shot").values_list("pk", flat=True))


def shot_casting_stats_refresh(shot_ids):
    """Recompute `nb_assets_ready` of the tasks of these shots from their casting."""
    shot_ids = list(shot_ids)
    if not shot_ids:
        return
    tasks = list(Task.objects.filter(entity_id__in=shot_ids).only("pk", "entity_id", "project_id", "task_type_id"))
    if not tasks:
        return
    project_ids = {task.project_id for task in tasks}
    priority_maps = defaultdict(dict)
    links = ProjectTaskTypeLink.objects.filter(project_id__in=project_ids, task_type__for_entity="Shot")
    for project_id, task_type_id, priority in links.values_list("project_id", "task_type_id", "priority"):
        priority_maps[project_id][task_type_id] = priority
    casting = defaultdict(list)
    rows = EntityLink.objects.filter(entity_in_id__in=shot_ids).values_list(
        "entity_in_id", "entity_out__is_shared", "entity_out__project_id", "entity_out__ready_for_id"
    )
    for shot_id, *asset in rows:
        casting[shot_id].append(tuple(asset))
    for task in tasks:
        priority_map = priority_maps[task.project_id]
        nb_ready = sum(1 for asset in casting[task.entity_id] if is_asset_ready(asset, task, priority_map))
        Task.objects.filter(pk=task.pk).exclude(nb_assets_ready=nb_ready).update(nb_assets_ready=nb_ready)


# ---- casting reads ---------------------------------------------------------------

CASTING_COLUMNS = (
    "entity_in_id",
    "entity_out_id",
    "entity_out__name",
    "entity_out__entity_type__name",
    "entity_out__preview_file_id",
    "entity_out__source_id",
    "entity_out__ready_for_id",
    "entity_out__is_shared",
    "entity_out__project_id",
    "nb_occurences",
    "label",
)


def live_links():
    """Casting links whose cast asset is not canceled, as every casting read lists them."""
    return EntityLink.objects.filter(entity_out__canceled=False)


def casting_of(entity):
    """Build the casting of one entity: its assets with their names, types and occurrences."""
    links = live_links().filter(entity_in=entity).order_by("entity_out__entity_type__name", "entity_out__name")
    rows = []
    for values in links.values_list(*CASTING_COLUMNS):
        (_, asset_id, name, type_name, preview_id, episode_id, ready_for, shared, project_id, nb, label) = values
        rows.append(
            {
                "asset_id": str(asset_id),
                "asset_name": name,
                "asset_type_name": type_name,
                "ready_for": optional_id(ready_for),
                "episode_id": optional_id(episode_id),
                "preview_file_id": optional_id(preview_id),
                "nb_occurences": nb,
                "label": label,
                "is_shared": shared,
                "project_id": str(project_id),
            }
        )
    return rows


def grouped_casting(links, *, extra_columns=(), extra=None, shared=True):
    """Return {entity_in id: [cast assets]} from one query over `links`.

    `extra(values)` returns keys to add to each item from the `extra_columns` values.
    """
    grouped = {}
    for values in links.values_list(*CASTING_COLUMNS, *extra_columns):
        (entity_in_id, asset_id, name, type_name, preview_id, _, _, is_shared, project_id, nb, label) = values[:11]
        item = {
            "asset_id": str(asset_id),
            "name": name,
            "asset_name": name,
            "asset_type_name": type_name,
            "preview_file_id": optional_id(preview_id),
            "nb_occurences": nb,
            "label": label,
        }
        if shared:
            item["is_shared"] = is_shared
            item["project_id"] = str(project_id)
        if extra is not None:
            item.update(extra(values[11:]))
        grouped.setdefault(str(entity_in_id), []).append(item)
    return grouped


def shots_casting(*, project_id=None, sequence_id=None, episode_id=None):
    """Return {shot id: [cast assets with the sequence name]} for the shots of a sequence, an episode or a project."""
    links = live_links().filter(entity_in__entity_type__name="Shot", entity_in__parent__isnull=False)
    if sequence_id is not None:
        links = links.filter(entity_in__parent_id=sequence_id)
    if project_id is not None:
        links = links.filter(entity_in__project_id=project_id)
    if episode_id is not None:
        links = links.filter(entity_in__parent__parent_id=episode_id)
    order = ["entity_in__name", "entity_out__entity_type__name", "entity_out__name"]
    if sequence_id is None:
        order.insert(0, "entity_in__parent__name")
    links = links.order_by(*order)
    return grouped_casting(
        links, extra_columns=("entity_in__parent__name",), extra=lambda values: {"sequence_name": values[0]}
    )


def episodes_casting(project_id):
    """Return {episode id: [cast assets]} for the episodes of a project."""
    links = live_links().filter(entity_in__entity_type__name="Episode", entity_in__project_id=project_id)
    return grouped_casting(links.order_by("entity_out__entity_type__name", "entity_out__name"))


def asset_type_casting(project_id, asset_type_id):
    """Return {asset id: [assets cast in it]} for the assets of one type in a project."""
    links = live_links().filter(entity_in__project_id=project_id, entity_in__entity_type_id=asset_type_id)
    return grouped_casting(links.order_by("entity_out__entity_type__name", "entity_out__name"), shared=False)


def cast_in(asset):
    """List where an asset is cast: the shots first, then the assets, leaving out canceled ones."""
    links = EntityLink.objects.filter(entity_out=asset, entity_in__canceled=False)
    rows = []
    shot_links = links.filter(entity_in__entity_type__name="Shot", entity_in__parent__isnull=False).order_by(
        "entity_in__parent__parent__name", "entity_in__parent__name", "entity_in__name"
    )
    shot_columns = (
        "entity_in_id",
        "entity_in__name",
        "entity_in__parent__name",
        "entity_in__parent__parent_id",
        "entity_in__parent__parent__name",
        "entity_in__preview_file_id",
        "nb_occurences",
    )
    for shot_id, name, sequence_name, episode_id, episode_name, preview_id, nb in shot_links.values_list(*shot_columns):
        rows.append(
            {
                "shot_id": str(shot_id),
                "shot_name": name,
                "sequence_name": sequence_name,
                "episode_id": optional_id(episode_id),
                "episode_name": episode_name,
                "preview_file_id": optional_id(preview_id),
                "nb_occurences": nb,
            }
        )
    asset_links = links.exclude(entity_in__entity_type__name__in=TEMPORAL_ENTITY_TYPES).order_by(
        "entity_in__entity_type__name", "entity_in__name"
    )
    asset_columns = ("entity_in_id", "entity_in__name", "entity_in__entity_type__name", "entity_in__preview_file_id")
    for asset_id, name, type_name, preview_id, nb in asset_links.values_list(*asset_columns, "nb_occurences"):
        rows.append(
            {
                "asset_id": str(asset_id),
                "asset_name": name,
                "asset_type_name": type_name,
                "preview_file_id": optional_id(preview_id),
                "nb_occurences": nb,
            }
        )
    return rows


def serialize_assets(queryset):
    rows = []
    for asset in queryset.select_related("entity_type"):
        row = serialize_row(asset)
        row["type"] = "Asset"
        rows.append(row)
    return rows


def cast_assets(entity):
    """Serialize every asset cast in an entity, canceled ones included, as the reference lists them."""
    assets = Entity.objects.filter(cast_in_links__entity_in=entity).order_by("name", "pk")
    return serialize_assets(assets)


def cast_asset_types(entity):
    types = EntityType.objects.filter(entities__cast_in_links__entity_in=entity).distinct().order_by("name")
    rows = []
    for asset_type in types:
        row = serialize_row(asset_type)
        row["type"] = "AssetType"
        rows.append(row)
    return rows


def casting_link_lists(entity_id):
    """Return the casting lists of an entity's full read: the assets cast in it (`entities_out`), the
    entities it is cast in (`entities_in`) and the asset instances cast in it (`instance_casting`)."""
    return {
        "entities_out": [str(pk) for pk in entity_link_ids(entity_in_id=entity_id, column="entity_out_id")],
        "entities_in": [str(pk) for pk in entity_link_ids(entity_out_id=entity_id, column="entity_in_id")],
        "instance_casting": [
            str(pk)
            for pk in AssetInstanceLink.objects.filter(entity_id=entity_id)
            .order_by("asset_instance_id")
            .values_list("asset_instance_id", flat=True)
        ],
    }


def entity_link_ids(*, column, **conditions):
    return EntityLink.objects.filter(**conditions).order_by(column).values_list(column, flat=True)


def casting_episode_ids(asset_ids):
    """Return {asset id: [ids of the episodes it is cast in]}, directly or through a shot of the episode."""
    found = defaultdict(set)
    direct = EntityLink.objects.filter(entity_out_id__in=asset_ids, entity_in__entity_type__name="Episode")
    for asset_id, episode_id in direct.values_list("entity_out_id", "entity_in_id"):
        found[asset_id].add(episode_id)
    through_shots = EntityLink.objects.filter(
        entity_out_id__in=asset_ids, entity_in__entity_type__name="Shot", entity_in__parent__parent__isnull=False
    )
    for asset_id, episode_id in through_shots.values_list("entity_out_id", "entity_in__parent__parent_id"):
        found[asset_id].add(episode_id)
    return {asset_id: sorted(str(pk) for pk in episode_ids) for asset_id, episode_ids in found.items()}


def linked_entities_with_tasks(entity):
    """List the entities that have `entity` as a concept, each with its tasks and their assignees."""
    from productions.services.entity_views import tasks_by_entity

    linked = Entity.objects.filter(
        Exists(EntityConceptLink.objects.filter(entity_out=entity, entity_in=OuterRef("pk")))
    ).select_related("project", "entity_type")
    entities = list(linked.order_by("name", "pk"))
    if not entities:
        return []
    concepts = defaultdict(list)
    concept_rows = EntityConceptLink.objects.filter(entity_in__in=[row.pk for row in entities]).order_by(
        "entity_out_id"
    )
    for entity_in_id, entity_out_id in concept_rows.values_list("entity_in_id", "entity_out_id"):
        concepts[entity_in_id].append(str(entity_out_id))
    tasks = tasks_by_entity(linked, style="shot")
    rows = []
    for row in entities:
        data = row.data if isinstance(row.data, dict) else {}
        rows.append(
            {
                "canceled": row.canceled,
                "data": row.data or {},
                "description": row.description,
                "entity_type_id": str(row.entity_type_id),
                "fps": data.get("fps"),
                "frame_in": data.get("frame_in"),
                "frame_out": data.get("frame_out"),
                "id": str(row.pk),
                "name": row.name,
                "nb_frames": row.nb_frames,
                "parent_id": optional_id(row.parent_id),
                "preview_file_id": optional_id(row.preview_file_id),
                "project_id": str(row.project_id),
                "project_name": row.project.name,
                "source_id": optional_id(row.source_id),
                "nb_entities_out": row.nb_entities_out,
                "is_casting_standby": row.is_casting_standby,
                "tasks": tasks.get(str(row.pk), []),
                "entity_concept_links": concepts[row.pk],
                "type": row.get_instance_kitsu_type(),
                "updated_at": format_datetime(row.updated_at),
                "created_at": format_datetime(row.created_at),
                "created_by": optional_id(row.created_by_id),
            }
        )
    return rows


# ---- casting writes --------------------------------------------------------------


def link_event(link, action, user, project_id):
    data = {"entity_link_id": link.pk, "nb_occurences": link.nb_occurences}
    if action != "update":
        data.update(entity_in_id=link.entity_in_id, entity_out_id=link.entity_out_id)
    event_send(name=f"entity-link:{action}", data=data, project_id=project_id, user=user)


def link_create_or_update(*, entity_in_id, asset_id, nb_occurences, label):
    """Create the link, or update it when a concurrent request created it first; return (link, created)."""
    try:
        with transaction.atomic():
            link = EntityLink.objects.create(
                entity_in_id=entity_in_id, entity_out_id=asset_id, nb_occurences=nb_occurences, label=label
            )
        return link, True
    except IntegrityError:
        link = EntityLink.objects.select_for_update().get(entity_in_id=entity_in_id, entity_out_id=asset_id)
        link.nb_occurences, link.label = nb_occurences, label
        link.save(update_fields=["nb_occurences", "label", "updated_at"])
        return link, False


def stored_links(entity):
    """Return {asset id: link} of the links stored for an entity; the diff of an update is computed against it."""
    return {link.entity_out_id: link for link in EntityLink.objects.filter(entity_in=entity)}


def episode_link_ensure(*, episode_id, asset_id, user, project_id):
    """Cast the asset in the shot's episode too, as the reference does, when it is not cast there yet."""
    if EntityLink.objects.filter(entity_in_id=episode_id, entity_out_id=asset_id).exists():
        return False
    _, created = link_create_or_update(entity_in_id=episode_id, asset_id=asset_id, nb_occurences=1, label="")
    if created:
        event_send(name="asset:update", data={"asset_id": asset_id}, project_id=project_id, user=user)
    return created


def episode_shots_uncast(*, episode, asset_ids, user):
    """Remove assets taken out of an episode's casting from the casting of the episode's shots.

    Return the ids of the shots that changed.
    """
    links = EntityLink.objects.filter(
        entity_in__parent__parent=episode, entity_in__entity_type__name="Shot", entity_out_id__in=asset_ids
    )
    removed = list(links.order_by("pk").select_for_update(of=("self",)))
    for link in removed:
        link_event(link, "delete", user, episode.project_id)
    EntityLink.objects.filter(pk__in=[link.pk for link in removed]).delete()
    return {link.entity_in_id for link in removed}


@transaction.atomic
def casting_update(*, entity, items, user):
    """Make the casting of `entity` equal to `items`, writing only the links that differ.

    `items` maps each asset id to (nb_occurences, label), already validated. Return
    the casting as it is stored once the update is done.
    """
    kind = entity_kind(entity)
    project_id = entity.project_id
    stored = stored_links(entity)

    # The writes go in asset id order, so two updates of one shot lock the same rows in the same order.
    created, updated = [], []
    removed_ids = sorted((asset_id for asset_id in stored if asset_id not in items), key=str)
    for asset_id in sorted(items, key=str):
        nb_occurences, label = items[asset_id]
        link = stored.get(asset_id)
        if link is None:
            link, was_created = link_create_or_update(
                entity_in_id=entity.pk, asset_id=asset_id, nb_occurences=nb_occurences, label=label
            )
            (created if was_created else updated).append(link)
        elif (link.nb_occurences, link.label) != (nb_occurences, label):
            changed = EntityLink.objects.filter(pk=link.pk).update(
                nb_occurences=nb_occurences, label=label, updated_at=timezone.now()
            )
            if changed:
                link.nb_occurences, link.label = nb_occurences, label
                updated.append(link)
            else:
                # A concurrent update deleted the link: this request still wants it.
                link, _ = link_create_or_update(
                    entity_in_id=entity.pk, asset_id=asset_id, nb_occurences=nb_occurences, label=label
                )
                created.append(link)
    removed = [stored[asset_id] for asset_id in removed_ids]
    EntityLink.objects.filter(pk__in=[link.pk for link in removed]).delete()

    # An episode's shots lose the assets the episode loses; a shot's episode gains the assets the shot gains.
    changed_shots = set()
    recount = {entity.pk}
    if kind == "Episode" and removed_ids:
        changed_shots = episode_shots_uncast(episode=entity, asset_ids=removed_ids, user=user)
    episode_id = entity.parent.parent_id if kind == "Shot" and entity.parent_id else None
    if episode_id is not None:
        for link in created:
            if episode_link_ensure(
                episode_id=episode_id, asset_id=link.entity_out_id, user=user, project_id=project_id
            ):
                recount.add(episode_id)
    recount.update(changed_shots)
    links_recount(recount)
    if kind == "Shot":
        changed_shots.add(entity.pk)
    shot_casting_stats_refresh(changed_shots)

    for link in created:
        link_event(link, "new", user, project_id)
    for link in updated:
        link_event(link, "update", user, project_id)
    for link in removed:
        link_event(link, "delete", user, project_id)
    casting_events_send(entity=entity, kind=kind, changed_shots=changed_shots, items=items, user=user)
    logger.info(
        "Casting of %s %s updated by %s: %d added, %d changed, %d removed",
        kind,
        entity.pk,
        user.pk,
        len(created),
        len(updated),
        len(removed),
    )
    return casting_of(entity)


def casting_events_send(*, entity, kind, changed_shots, items, user):
    counts = dict(Entity.objects.filter(pk__in={entity.pk, *changed_shots}).values_list("pk", "nb_entities_out"))
    project_id = entity.project_id
    for shot_id in changed_shots:
        event_send(
            name="shot:casting-update",
            data={"shot_id": shot_id, "nb_entities_out": counts.get(shot_id, 0)},
            project_id=project_id,
            user=user,
        )
    if kind == "Episode":
        for asset_id in items:
            event_send(name="asset:update", data={"asset_id": asset_id}, project_id=project_id, user=user)
        event_send(
            name="episode:casting-update",
            data={"episode_id": entity.pk, "nb_entities_out": counts.get(entity.pk, 0)},
            project_id=project_id,
            user=user,
        )
    elif kind != "Shot":
        event_send(name="asset:casting-update", data={"asset_id": entity.pk}, project_id=project_id, user=user)


# ---- single links (generic and project routes) ---------------------------------


@transaction.atomic
def entity_link_save(*, serializer, user):
    """Create or change one link through the generic route, and recount the entities it leaves and joins."""
    before = serializer.instance.entity_in_id if serializer.instance is not None else None
    link = serializer.save()
    links_recount({link.entity_in_id, before} - {None})
    entity_in = Entity.objects.select_related("entity_type").get(pk=link.entity_in_id)
    if entity_kind(entity_in) == "Shot":
        shot_casting_stats_refresh([entity_in.pk])
    logger.info("Entity link %s saved by %s", link.pk, user.pk)
    return link


@transaction.atomic
def entity_link_delete(*, link, user=None, send_event=False):
    """Delete one link and recount its entity's casting."""
    entity_in_id = link.entity_in_id
    project_id = Entity.objects.filter(pk=entity_in_id).values_list("project_id", flat=True).first()
    if send_event:
        link_event(link, "delete", user, project_id)
    link.delete()
    links_recount([entity_in_id])
    shot_casting_stats_refresh(shot_ids_among([entity_in_id]))
    logger.info("Entity link of %s in %s deleted", link.entity_out_id, entity_in_id)


def project_links(project_id):
    return EntityLink.objects.filter(entity_in__project_id=project_id).order_by("created_at", "pk")


def link_row_fine_dates(values):
    """Serialize a link row with its creation date to the microsecond, as the sync routes send it."""
    link_id, entity_in_id, entity_out_id, nb, label, data, created_at = values
    return {
        "id": str(link_id),
        "entity_in_id": str(entity_in_id),
        "entity_out_id": str(entity_out_id),
        "nb_occurences": nb,
        "label": label,
        "data": data,
        "created_at": created_at.astimezone(datetime.UTC).strftime(MICROSECONDS_FORMAT),
        "type": "EntityLink",
    }


LINK_COLUMNS = ("pk", "entity_in_id", "entity_out_id", "nb_occurences", "label", "data", "created_at")


def project_links_rows(queryset):
    return [link_row_fine_dates(values) for values in queryset.values_list(*LINK_COLUMNS)]


# ---- shared assets ----------------------------------------------------------------


@transaction.atomic
def shared_assets_set(*, assets, is_shared, user):
    """Share or unshare assets with the other productions; return the assets as they are now."""
    asset_ids = list(assets.values_list("pk", flat=True))
    Entity.objects.filter(pk__in=asset_ids).update(is_shared=is_shared, updated_at=timezone.now())
    rows = serialize_assets(Entity.objects.filter(pk__in=asset_ids).order_by("name", "pk"))
    for row in rows:
        event_send(name="asset:update", data={"asset_id": row["id"]}, project_id=row["project_id"], user=user)
    logger.info("%d asset(s) set to is_shared=%s by %s", len(rows), is_shared, user.pk)
    return rows


def shared_assets_used(project_id, episode_id=None):
    """List the shared assets of other productions cast in the shots of a project (or of one of its episodes)."""
    shots = EntityLink.objects.filter(
        entity_out=OuterRef("pk"),
        entity_in__project_id=project_id,
        entity_in__entity_type__name="Shot",
        entity_in__parent__isnull=False,
    )
    if episode_id is not None:
        shots = shots.filter(entity_in__parent__parent_id=episode_id)
    assets = (
        Entity.objects.exclude(entity_type__name__in=TEMPORAL_ENTITY_TYPES)
        .filter(is_shared=True, canceled=False)
        .exclude(project_id=project_id)
        .filter(Exists(shots))
        .order_by("name", "pk")
    )
    return serialize_assets(assets)


# ---- asset instances ---------------------------------------------------------------


def instance_name(asset_name, number):
    """Build an instance name from the asset name: letters and digits kept, other runs turned into "_"."""
    text = unicodedata.normalize("NFKD", asset_name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")
    return f"{text}_{number:04d}"


def instances_grouped(queryset, key):
    """Return {key value: [instances]} with instances ordered by asset and number."""
    grouped = {}
    for instance in queryset.order_by("asset_id", "number", "pk"):
        grouped.setdefault(str(getattr(instance, key)), []).append(serialize_row(instance))
    return grouped


def shot_instances_of_asset(asset):
    """Return {shot id: [instances of the asset cast in that shot]}."""
    links = AssetInstanceLink.objects.filter(asset_instance__asset=asset).select_related("asset_instance")
    grouped = {}
    for link in links.order_by("asset_instance__number", "asset_instance_id", "entity_id"):
        grouped.setdefault(str(link.entity_id), []).append(serialize_row(link.asset_instance))
    return grouped


def next_instance_number(container, **conditions):
    """Lock the scene or asset that receives the instance, then return the next free number for the asset."""
    Entity.objects.filter(pk=container.pk).select_for_update().values_list("pk", flat=True).first()
    highest = AssetInstance.objects.filter(**conditions).aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


@transaction.atomic
def asset_instance_create(*, asset, scene=None, target_asset=None, description=None, user):
    """Create the next numbered instance of `asset` in a scene or inside another asset."""
    container = scene if scene is not None else target_asset
    conditions = {"asset": asset, "scene": scene, "target_asset": target_asset}
    number = next_instance_number(container, **conditions)
    instance = AssetInstance.objects.create(
        **conditions, number=number, name=instance_name(asset.name, number), description=description
    )
    data = {"asset_instance_id": instance.pk}
    if scene is not None:
        data.update(scene_id=scene.pk, asset_id=asset.pk)
    else:
        data.update(asset_id=target_asset.pk, asset_instantiated=asset.pk)
    event_send(name="asset_instance:new", data=data, project_id=container.project_id, user=user)
    logger.info("Asset instance %s of %s created in %s by %s", instance.pk, asset.pk, container.pk, user.pk)
    return instance


@transaction.atomic
def shot_instance_add(*, shot, instance, user):
    AssetInstanceLink.objects.get_or_create(entity=shot, asset_instance=instance)
    event_send(
        name="asset_instance:add-to-shot",
        data={"shot_id": shot.pk, "asset_instance_id": instance.pk},
        project_id=shot.project_id,
        user=user,
    )
    logger.info("Asset instance %s added to shot %s by %s", instance.pk, shot.pk, user.pk)


@transaction.atomic
def shot_instance_remove(*, shot, instance, user):
    AssetInstanceLink.objects.filter(entity=shot, asset_instance=instance).delete()
    event_send(
        name="asset_instance:remove-from-shot",
        data={"shot_id": shot.pk, "asset_instance_id": instance.pk},
        project_id=shot.project_id,
        user=user,
    )
    logger.info("Asset instance %s removed from shot %s by %s", instance.pk, shot.pk, user.pk)


# ---- deletes ----------------------------------------------------------------------


def casting_of_deleted_release(entity_ids):
    """Delete the links in which the entities are cast, and recount the entities that lose them.

    Call it before deleting the entities: the links would go with them through the
    foreign keys, but the counts of the shots they were cast in would stay stale.
    """
    holders = set(
        EntityLink.objects.filter(entity_out_id__in=entity_ids)
        .exclude(entity_in_id__in=entity_ids)
        .values_list("entity_in_id", flat=True)
    )
    EntityLink.objects.filter(entity_out_id__in=entity_ids).delete()
    links_recount(holders)
    shot_casting_stats_refresh(shot_ids_among(holders))
