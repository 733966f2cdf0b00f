"""Playlists: checked shot lists, writes under a row lock, build jobs, and the shapes the review routes read.

A playlist's `shots` is an ordered list of `{"entity_id", "preview_file_id"}`
objects: the entities to review and the preview revision chosen for each. Every
write checks that the entities belong to the playlist's project and that each
preview is one of its entity's. Writes send the reference's events
(`playlist:*` from the generic views, `build-job:new|update|delete` from here).
"""

import datetime
import logging
import uuid
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from rest_framework.exceptions import ValidationError

from accounts.models import Organisation
from kitsu_project.api.serialization import format_datetime, serialize_row
from kitsu_project.storage import delete_files_on_commit, file_key
from playlists.media import keys
from playlists.models import BuildJob, MediaJob, Playlist, PreviewFile
from playlists.services.preview_lists import GROUPED_COLUMNS
from playlists.tasks import build_playlist
from productions.models import Comment, Entity, Project, ProjectTaskTypeLink, Task
from productions.models.entity import base_entity_type
from productions.services.events import event_send
from productions.services.notifications import entity_full_name

logger = logging.getLogger("playlists")

# The maximum number of entries of one playlist: far above any review session, low enough to keep reads fast.
MAX_SHOTS = 5000
BUILD_FOLDER = "playlists/builds"
# Keys of the list rows of a project's playlists (no `shots`, which can be long).
LIST_EXCLUDED_KEYS = ("shots",)
ENTITY_JOINS = ("entity_type", "parent__parent", "parent__entity_type")


# ---- shot lists ---------------------------------------------------------------


def shot_item_error(index, problem):
    return ValidationError({"shots": [f"item {index}: {problem}"]})


def parse_item_id(value, index, key, *, required):
    if value in (None, ""):
        if required:
            raise shot_item_error(index, f"{key} is missing: send the id of an entity of the project.")
        return None
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise shot_item_error(index, f"{key} {value!r} is not a valid id.") from None


def parse_shot_items(shots):
    """Return [(entity id, preview id or None)] from a `shots` body value, or raise a 400 naming `shots`.

    An item names its entity with `entity_id`, or with `id` because the web UI sends back
    the playlist it read. `preview_file_id` may be null for an entity shown without a preview.
    """
    if not isinstance(shots, list):
        raise ValidationError({"shots": ["must be a list of {entity_id, preview_file_id} objects."]})
    if len(shots) > MAX_SHOTS:
        raise ValidationError({"shots": [f"at most {MAX_SHOTS} entries, got {len(shots)}."]})
    items = []
    for index, item in enumerate(shots):
        if not isinstance(item, dict):
            raise shot_item_error(index, "must be an object with entity_id and preview_file_id.")
        entity_id = parse_item_id(item.get("entity_id", item.get("id")), index, "entity_id", required=True)
        preview_id = parse_item_id(item.get("preview_file_id"), index, "preview_file_id", required=False)
        items.append((entity_id, preview_id))
    return items


def shots_clean(*, project, shots):
    """Return the checked shot list to store, in the order sent, with only `entity_id` and `preview_file_id`.

    Raises a 400 naming `shots` for an unknown entity, an entity of another project,
    an unknown preview, or a preview of another entity. Runs two queries.
    """
    if shots is None:
        return []
    items = parse_shot_items(shots)
    entity_ids = {entity_id for entity_id, _ in items}
    preview_ids = {preview_id for _, preview_id in items if preview_id is not None}
    entity_projects = dict(Entity.objects.filter(pk__in=entity_ids).values_list("pk", "project_id"))
    preview_entities = dict(PreviewFile.objects.filter(pk__in=preview_ids).values_list("pk", "task__entity_id"))

    cleaned = []
    for index, (entity_id, preview_id) in enumerate(items):
        if entity_id not in entity_projects:
            raise shot_item_error(index, f"no entity has the id {entity_id}.")
        if entity_projects[entity_id] != project.pk:
            raise shot_item_error(index, f"the entity {entity_id} belongs to another project.")
        if preview_id is not None:
            if preview_id not in preview_entities:
                raise shot_item_error(index, f"no preview file has the id {preview_id}.")
            if preview_entities[preview_id] != entity_id:
                raise shot_item_error(
                    index, f"the preview file {preview_id} is not a preview of the entity {entity_id}."
                )
        cleaned.append({"entity_id": str(entity_id), "preview_file_id": str(preview_id) if preview_id else None})
    return cleaned


# ---- writes -------------------------------------------------------------------


def check_name_free(*, name, project_id, episode_id, is_for_all=False, exclude_id=None):
    """Raise a 400 naming `name` when another playlist of the project and episode has this name.

    Playlists without an episode form two groups, the main pack's and those for all
    episodes (`is_for_all`), as the episode lists show them. The database constraint
    alone does not enforce this, because PostgreSQL treats NULL episodes as distinct.
    """
    others = Playlist.objects.filter(name=name, project_id=project_id, episode_id=episode_id)
    if episode_id is None:
        others = others.filter(is_for_all=True) if is_for_all else others.exclude(is_for_all=True)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    if others.exists():
        if episode_id:
            where = "this episode"
        elif is_for_all:
            where = "the playlists for all episodes"
        else:
            where = "the main pack"
        raise ValidationError({"name": [f"a playlist named {name!r} already exists in {where}: choose another name."]})


def save_or_name_conflict(playlist, **options):
    """Save the playlist; a unique constraint violation from a concurrent write becomes a 400 naming `name`."""
    try:
        with transaction.atomic():
            playlist.save(**options)
    except IntegrityError:
        raise ValidationError(
            {"name": [f"a playlist named {playlist.name!r} already exists here: choose another name."]}
        ) from None


@transaction.atomic
def playlist_create(*, values, user=None):
    """Create a playlist from checked column values (`values` is keyed by model field names)."""
    project = values["project"]
    # Locking the project row serializes creates and renames, so two playlists never end with one name.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    episode = values.get("episode")
    check_name_free(
        name=values["name"],
        project_id=project.pk,
        episode_id=episode.pk if episode else None,
        is_for_all=bool(values.get("is_for_all")),
    )
    playlist = Playlist(**values)
    save_or_name_conflict(playlist, force_insert=True)
    logger.info("Playlist %s created in project %s by %s", playlist.pk, project.pk, getattr(user, "pk", None))
    return playlist


@transaction.atomic
def playlist_update(*, playlist, changes, user=None):
    """Apply `changes` (model field names) to the playlist read again under a row lock, and return it.

    The lock makes concurrent PUTs run one after the other, and only the changed
    columns are written, so a PUT of `name` and a PUT of `shots` sent at once both last.
    """
    if {"name", "episode", "is_for_all"} & set(changes):
        # Renames take the project lock first, as creates do (see playlist_create).
        Project.objects.select_for_update().filter(pk=playlist.project_id).first()
    locked = Playlist.objects.select_for_update().get(pk=playlist.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    if {"name", "episode", "is_for_all"} & set(changes):
        check_name_free(
            name=locked.name,
            project_id=locked.project_id,
            episode_id=locked.episode_id,
            is_for_all=bool(locked.is_for_all),
            exclude_id=locked.pk,
        )
    fields = sorted({Playlist._meta.get_field(name).name for name in changes} | {"updated_at"})
    save_or_name_conflict(locked, update_fields=fields)
    logger.info("Playlist %s updated (%s) by %s", locked.pk, ", ".join(fields), getattr(user, "pk", None))
    return locked


def build_key(build_job_id):
    """Return the storage key of the movie that a build job makes."""
    return file_key(BUILD_FOLDER, build_job_id, "mp4")


def delete_build_files_on_commit(build_job_ids):
    """Remove the built movies once the deletion commits, so a rolled-back delete keeps them."""
    delete_files_on_commit(build_key(job_id) for job_id in build_job_ids)


@transaction.atomic
def playlist_delete(*, playlist, user=None):
    """Delete a playlist with its build jobs and their movies."""
    job_ids = list(BuildJob.objects.filter(playlist=playlist).values_list("pk", flat=True))
    for job_id in job_ids:
        event_send(
            name="build-job:delete",
            data={"build_job_id": job_id, "playlist_id": playlist.pk},
            project_id=playlist.project_id,
            user=user,
        )
    delete_build_files_on_commit(job_ids)
    playlist_id = playlist.pk
    playlist.delete()
    logger.info("Playlist %s deleted with %d build job(s)", playlist_id, len(job_ids))


@transaction.atomic
def build_job_start(*, playlist, user=None, full=False):
    """Record a running build of the playlist and queue its Celery task once the request commits.

    Returns the BuildJob. The MediaJob beside it keeps the progress, log and error.
    """
    build_job = BuildJob.objects.create(playlist=playlist, status=BuildJob.STATUS_RUNNING, job_type="movie")
    media_job = MediaJob.objects.create(
        kind=MediaJob.KIND_PLAYLIST_BUILD,
        build_job=build_job,
        person=user if getattr(user, "is_authenticated", False) else None,
        log=f"build requested with full={'true' if full else 'false'}\n",
    )
    event_send(
        name="build-job:new",
        data={
            "build_job_id": build_job.pk,
            "playlist_id": playlist.pk,
            "created_at": format_datetime(build_job.created_at),
        },
        project_id=playlist.project_id,
        user=user,
    )
    transaction.on_commit(lambda: build_job_queue(build_job=build_job, media_job=media_job))
    logger.info("Build job %s (media job %s) queued for playlist %s", build_job.pk, media_job.pk, playlist.pk)
    return build_job


def build_job_queue(*, build_job, media_job):
    """Send the build to the Celery broker; when that fails, end both jobs as failed instead of leaving them running."""
    try:
        build_playlist.delay(str(media_job.pk))
    except Exception as error:
        # An unreachable broker raises kombu's OperationalError, among others: none may leave the build running.
        logger.exception("Build job %s could not be queued", build_job.pk)
        message = f"Could not queue the build (is the Celery broker in CELERY_BROKER_URL running?): {error}"
        now = timezone.now()
        MediaJob.objects.filter(pk=media_job.pk).update(
            status=MediaJob.STATUS_FAILED, ended_at=now, error=message, updated_at=now
        )
        BuildJob.objects.filter(pk=build_job.pk).update(status=BuildJob.STATUS_FAILED, ended_at=now, updated_at=now)


@transaction.atomic
def build_job_delete(*, build_job, user=None):
    """Delete a build job, its media job and its movie."""
    playlist = build_job.playlist
    delete_build_files_on_commit([build_job.pk])
    job_id = build_job.pk
    build_job.delete()
    event_send(
        name="build-job:delete",
        data={"build_job_id": job_id, "playlist_id": playlist.pk},
        project_id=playlist.project_id,
        user=user,
    )
    logger.info("Build job %s of playlist %s deleted", job_id, playlist.pk)


# ---- read shapes --------------------------------------------------------------


def build_job_summary(build_job):
    return {"id": str(build_job.pk), "status": build_job.status, "created_at": format_datetime(build_job.created_at)}


def build_job_summaries(playlist):
    """Summarize the playlist's build jobs, newest first, from the `build_jobs` prefetch when there is one."""
    jobs = sorted(playlist.build_jobs.all(), key=lambda job: job.created_at, reverse=True)
    return [build_job_summary(job) for job in jobs]


def first_preview_file_id(shots):
    if isinstance(shots, list) and shots and isinstance(shots[0], dict):
        return shots[0].get("preview_file_id")
    return None


def playlist_list_row(playlist):
    """Serialize a playlist as the project lists show it: its columns without `shots`, plus `first_preview_file_id`."""
    row = serialize_row(playlist, exclude=LIST_EXCLUDED_KEYS)
    preview_id = first_preview_file_id(playlist.shots)
    if preview_id is not None:
        row["first_preview_file_id"] = preview_id
    if row.get("for_entity") is None:
        row["for_entity"] = "shot"
    return row


def playlist_detail_row(playlist):
    """Serialize a playlist with its stored `shots` and the summaries of its build jobs."""
    row = serialize_row(playlist)
    if row.get("shots") is None:
        row["shots"] = []
    row["build_jobs"] = build_job_summaries(playlist)
    return row


# The preview columns of the review player, those of the grouped preview lists but the task type.
PREVIEW_COLUMNS = tuple(column for column in GROUPED_COLUMNS if column != "task__task_type_id")


def preview_values(entity_ids):
    """Return the previews of the entities' tasks as dicts, in review order, in one query.

    Order: task type priority (highest first), task type name, revision (latest
    first), position, creation time.
    """
    return (
        PreviewFile.objects.filter(task__entity_id__in=entity_ids)
        .order_by("-task__task_type__priority", "task__task_type__name", "-revision", "position", "created_at")
        .values(*PREVIEW_COLUMNS, "task__task_type_id", "task__entity_id")
    )


def light_preview(values):
    """Return the few preview columns a playlist shows for each revision, kept small because playlists can be long."""
    return {
        "id": str(values["id"]),
        "revision": values["revision"],
        "extension": values["extension"],
        "width": values["width"],
        "height": values["height"],
        "duration": float(values["duration"] or 0),
        "status": values["status"],
        "annotations": values["annotations"],
        "created_at": format_datetime(values["created_at"]),
        "task_id": str(values["task_id"]) if values["task_id"] else None,
    }


def group_revisions(previews):
    """Keep the first preview of each revision, with the other files of that revision in its `previews`."""
    by_revision = {}
    grouped = []
    for preview in previews:
        parent = by_revision.get(preview["revision"])
        if parent is None:
            preview["previews"] = []
            by_revision[preview["revision"]] = preview
            grouped.append(preview)
        else:
            parent["previews"].append(preview)
    return grouped


def previews_by_entity(entity_ids):
    """Return ({entity id: {task type id: [previews grouped by revision]}}, {preview id: preview}) in one query."""
    by_entity = {}
    by_id = {}
    for values in preview_values(entity_ids):
        preview = light_preview(values)
        by_id[preview["id"]] = preview
        entity_previews = by_entity.setdefault(str(values["task__entity_id"]), {})
        entity_previews.setdefault(str(values["task__task_type_id"]), []).append(preview)
    for entity_previews in by_entity.values():
        for task_type_id, previews in entity_previews.items():
            entity_previews[task_type_id] = group_revisions(previews)
    return by_entity, by_id


CHOSEN_PREVIEW_KEYS = ("extension", "revision", "width", "height", "duration", "status", "annotations", "task_id")


def playlist_with_previews(playlist):
    """Serialize the playlist for the review player: each entry with its previews per task type and its chosen one.

    An entry whose chosen preview no longer exists loses its `preview_file_id`, as
    in the reference. Runs one query for the previews, whatever the playlist length.
    """
    row = playlist_detail_row(playlist)
    shots = [dict(shot) for shot in row["shots"] if isinstance(shot, dict)]
    for shot in shots:
        if "id" not in shot:
            shot["id"] = shot.get("entity_id", shot.get("shot_id"))
    previews, preview_map = previews_by_entity([shot["id"] for shot in shots if shot.get("id")])

    for shot in shots:
        shot["preview_files"] = previews.get(str(shot["id"]), {})
        chosen = preview_map.get(shot.get("preview_file_id"))
        if chosen is None:
            shot.pop("preview_file_id", None)
            continue
        for key in CHOSEN_PREVIEW_KEYS:
            shot[f"preview_file_{key}"] = chosen[key]
        shot["preview_file_previews"] = chosen.get("previews", [])
    row["shots"] = shots
    return row


def entity_preview_files(entity_ids):
    """Return {entity id: {task type id: [revisions]}} as `/data/playlists/entities/{id}/preview-files` shows them.

    Each revision lists the other files of that revision in `previews`. Runs one query.
    """
    by_task = {}
    for values in preview_values(entity_ids).order_by(
        "-task__task_type__priority", "task__task_type__name", "-revision", "created_at"
    ):
        preview = {
            "id": str(values["id"]),
            "revision": values["revision"],
            "position": values["position"],
            "original_name": values["original_name"],
            "extension": values["extension"],
            "width": values["width"],
            "height": values["height"],
            "duration": float(values["duration"] or 0),
            "status": values["status"],
            "annotations": values["annotations"],
            "created_at": format_datetime(values["created_at"]),
            "task_id": str(values["task_id"]),
            "task_type_id": str(values["task__task_type_id"]),
        }
        by_task.setdefault((str(values["task__entity_id"]), values["task_id"]), []).append(preview)

    result = {str(entity_id): {} for entity_id in entity_ids}
    for (entity_id, _), previews in by_task.items():
        grouped = group_revisions(previews)
        task_type_id = grouped[0]["task_type_id"]
        result[entity_id][task_type_id] = [{key: preview[key] for key in ENTITY_PREVIEW_KEYS} for preview in grouped]
    return result


ENTITY_PREVIEW_KEYS = (
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


# ---- temporary playlists ----------------------------------------------------------


def task_for_entity(entity):
    """Return the `for_entity` of the task types that apply to an entity: Shot, Sequence, Episode, Edit... or Asset."""
    return base_entity_type(entity.entity_type.name)


def temp_entity_base(task):
    """Return the first keys of a temporary playlist entry: the entity and its parent's names."""
    entity = task.entity
    kind = task_for_entity(entity)
    row = {"id": str(entity.pk), "name": entity.name, "preview_file_task_id": str(task.pk)}
    parent = entity.parent
    if kind == "Shot":
        row.update(
            {
                "sequence_id": str(parent.pk) if parent else "",
                "sequence_name": parent.name if parent else "",
                "parent_name": parent.name if parent else "",
            }
        )
    elif kind == "Sequence" and parent is not None:
        row.update({"episode_id": str(parent.pk), "episode_name": parent.name, "parent_name": parent.name})
    elif kind in ("Sequence", "Episode"):
        row.update({"sequence_id": "", "sequence_name": "", "parent_name": ""})
    else:
        asset_type = entity.entity_type
        row.update(
            {"asset_type_id": str(asset_type.pk), "asset_type_name": asset_type.name, "parent_name": asset_type.name}
        )
    return row


def chosen_temp_preview(previews, task, task_type_order):
    """Return the preview of the task's type, else of the first type (in the project's order) that has one."""
    candidates = previews.get(str(task.task_type_id))
    if candidates:
        return candidates[0]
    for task_type_id in task_type_order:
        if previews.get(task_type_id):
            return previews[task_type_id][0]
    return None


def temp_playlist(*, project, tasks, sort=False):
    """Return the entries of a playlist made from tasks, without storing anything.

    Each entry shows its task's entity with the latest preview of the task's type
    (or of the project's first task type that has one). With `sort`, entries are
    sorted by episode, sequence or asset type name, then by name.
    """
    if not tasks:
        return []
    entity_ids = list(dict.fromkeys(task.entity_id for task in tasks))
    previews = entity_preview_files(entity_ids)
    links = (
        ProjectTaskTypeLink.objects.filter(project=project).order_by("-priority").values_list("task_type_id", flat=True)
    )
    task_type_order = [str(task_type_id) for task_type_id in links]

    entries = []
    for task in tasks:
        entry = temp_entity_base(task)
        entity_previews = previews.get(str(task.entity_id), {})
        chosen = chosen_temp_preview(entity_previews, task, task_type_order)
        if chosen is not None:
            entry.update(
                {
                    "preview_file_id": chosen["id"],
                    "preview_file_extension": chosen["extension"],
                    "preview_file_width": chosen["width"],
                    "preview_file_height": chosen["height"],
                    "preview_file_duration": chosen["duration"],
                    "preview_file_revision": chosen["revision"],
                    "preview_file_status": chosen["status"],
                    "preview_file_annotations": chosen["annotations"] or [],
                    "preview_file_previews": chosen["previews"],
                }
            )
        entry["preview_files"] = entity_previews
        entries.append(entry)
    if sort:
        entries.sort(key=temp_sort_key(entries[0]))
    return entries


def temp_sort_key(first):
    for parent_key in ("episode_name", "sequence_name", "asset_type_name"):
        if parent_key in first:
            return lambda entry, key=parent_key: (entry.get(key, ""), entry["name"])
    return lambda entry: ("", entry["name"])


# ---- names, CSV rows and zip members -----------------------------------------------


def slug(text):
    """Return a file-name-safe form of a name: lowercase letters, digits and underscores."""
    return slugify(str(text or "")).replace("-", "_")


def context_name(playlist):
    """Return the project (and, for TV shows, episode) part of a download name."""
    project = playlist.project
    name = slug(project.name)
    if project.production_type == "tvshow":
        if playlist.episode is not None:
            episode_name = playlist.episode.name
        elif playlist.is_for_all:
            episode_name = "all assets"
        else:
            episode_name = "main pack"
        name += f"_{slug(episode_name)}"
    return name


def build_download_name(playlist, build_job):
    stamp = build_job.created_at.astimezone(datetime.UTC).strftime("%Y%m%d_%H%M%S")
    return f"{stamp}_{context_name(playlist)}_{slug(playlist.name)}.mp4"


def zip_download_name(playlist):
    return f"{context_name(playlist)}_{slug(playlist.name)}.zip"


def chosen_previews(playlist, *, full=False):
    """Return the chosen preview of each playlist entry, in order, with their task, task type and entity loaded.

    With `full`, each chosen preview is followed by the other files of its revision
    (the extra pictures of one version). Runs at most two queries.
    """
    preview_ids = [shot.get("preview_file_id") for shot in (playlist.shots or []) if isinstance(shot, dict)]
    preview_ids = [preview_id for preview_id in preview_ids if preview_id]
    queryset = PreviewFile.objects.select_related(
        "task__task_type", "task__project", *(f"task__entity__{join}" for join in ENTITY_JOINS)
    )
    by_id = {str(preview.pk): preview for preview in queryset.filter(pk__in=preview_ids)}
    ordered = [by_id[preview_id] for preview_id in preview_ids if preview_id in by_id]
    if not full or not ordered:
        return ordered

    revision_filter = Q()
    for preview in ordered:
        revision_filter |= Q(task_id=preview.task_id, revision=preview.revision)
    siblings = {}
    for preview in queryset.filter(revision_filter).order_by("position", "created_at"):
        siblings.setdefault((preview.task_id, preview.revision), []).append(preview)
    expanded = []
    for preview in ordered:
        expanded += siblings.get((preview.task_id, preview.revision), [preview])
    return expanded


def preview_download_name(preview, *, use_original_name):
    """Return `<project>_<entity full name>_<task type>_v<revision>[-<position>].<extension>`, as the reference does."""
    extension = "mp4" if preview.is_movie else (preview.extension or "bin")
    if use_original_name and preview.original_name:
        name = preview.original_name
    else:
        task = preview.task
        full_name, _ = entity_full_name(task.entity)
        name = slug(f"{task.project.name}_{full_name}_{task.task_type.name}_v{preview.revision}")
    if (preview.position or 0) > 1:
        name = f"{name}-{preview.position}"
    return f"{name}.{extension}"


def zip_members(playlist):
    """Return [(name in the archive, storage key)] of the files of every chosen revision; names are unique."""
    organisation = Organisation.objects.first()
    use_original_name = bool(organisation and organisation.use_original_file_name)
    members = []
    used_names = set()
    for preview in chosen_previews(playlist, full=True):
        name = preview_download_name(preview, use_original_name=use_original_name)
        stem, dot, extension = name.rpartition(".")
        counter = 2
        while name in used_names:
            name = f"{stem}_{counter}{dot}{extension}"
            counter += 1
        used_names.add(name)
        members.append((name, keys.original_key(preview)))
    return members


def user_timezone(user):
    try:
        return zoneinfo.ZoneInfo(getattr(user, "timezone", None) or settings.KITSU_DEFAULT_TIMEZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.KITSU_DEFAULT_TIMEZONE)


def local_text(value, zone):
    if value is None:
        return ""
    return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")


def last_comments(task_ids):
    """Return the latest comment of each task written by someone other than a client, in one query."""
    comments = (
        Comment.objects.filter(object_id__in=task_ids)
        .exclude(person__role="client")
        .select_related("person")
        .order_by("object_id", "-created_at")
    )
    latest = {}
    for comment in comments:
        latest.setdefault(comment.object_id, comment)
    return latest


CSV_COLUMNS = [
    "Entity name",
    "Nb Frames",
    "Task Type",
    "Retake count",
    "Revision",
    "Task Status",
    "Last comment author",
    "Last comment date",
    "Last comment",
]


def playlist_csv_rows(playlist, *, user):
    """Return the rows of the playlist's CSV export: a title line, a blank line, the column names, one row per entry.

    Dates are in the caller's time zone. An entry without a preview keeps its
    entity's name and frame count with empty task cells.
    """
    zone = user_timezone(user)
    kind = "for shots" if (playlist.for_entity or "shot") == "shot" else "for assets"
    context = playlist.project.name
    if playlist.episode is not None:
        context += f" - {playlist.episode.name}"
    rows = [
        ["Playlist", f"{context} | {kind}", playlist.name, local_text(playlist.created_at, zone), "", "", ""],
        [""] * 7,
        CSV_COLUMNS,
    ]

    shots = [shot for shot in (playlist.shots or []) if isinstance(shot, dict)]
    entity_ids = [shot.get("entity_id") for shot in shots if shot.get("entity_id")]
    entities = Entity.objects.select_related(*ENTITY_JOINS).in_bulk(entity_ids)
    previews = {str(preview.pk): preview for preview in chosen_previews(playlist)}
    tasks = Task.objects.select_related("task_type", "task_status").in_bulk(
        [preview.task_id for preview in previews.values()]
    )
    comments = last_comments(list(tasks))

    for shot in shots:
        entity = entities.get(uuid.UUID(shot["entity_id"])) if shot.get("entity_id") else None
        if entity is None:
            continue
        full_name, _ = entity_full_name(entity)
        preview = previews.get(shot.get("preview_file_id") or "")
        task = tasks.get(preview.task_id) if preview is not None else None
        if task is None:
            rows.append([full_name, entity.nb_frames if entity.nb_frames is not None else ""] + [""] * 7)
            continue
        comment = comments.get(task.pk)
        rows.append(
            [
                full_name,
                entity.nb_frames if entity.nb_frames is not None else "",
                task.task_type.name,
                task.retake_count,
                preview.revision,
                task.task_status.name,
                comment.person.full_name if comment is not None else "",
                local_text(comment.created_at, zone) if comment is not None else "",
                (comment.text or "") if comment is not None else "",
            ]
        )
    return rows


def csv_file_name(playlist):
    return f"kitsu_{slug(f'{playlist.project.name} playlist {playlist.name}')}.csv"
