"""Working files and output files: revision numbering, creation with paths from the project's file tree,
stored content, and the lists of last revisions.

A working file is one saved revision of an artist's scene for a task, numbered
per task and name. An output file is one published revision of an entity (or of
an asset instance in a temporal entity), numbered per output type, task type
and name.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.models import Software
from kitsu_project import storage
from productions.models import Entity, FileStatus, OutputFile, Task, WorkingFile

from . import file_trees
from .events import event_send

logger = logging.getLogger("productions.files")

# The file status and software used when a request names none, with the reference's names.
DEFAULT_FILE_STATUS = {"name": "To review", "color": "#FFFFFF"}
DEFAULT_SOFTWARE = {"name": "3ds Max", "short_name": "max", "file_extension": ".max"}
CONTENT_FOLDER = "working-files"
CONTENT_EXTENSION = "bin"


def default_file_status():
    status, _ = FileStatus.objects.get_or_create(
        name=DEFAULT_FILE_STATUS["name"], defaults={"color": DEFAULT_FILE_STATUS["color"]}
    )
    return status


def default_software():
    software, _ = Software.objects.get_or_create(
        name=DEFAULT_SOFTWARE["name"],
        defaults={"short_name": DEFAULT_SOFTWARE["short_name"], "file_extension": DEFAULT_SOFTWARE["file_extension"]},
    )
    return software


def duplicate_revision(kind, name, revision):
    """Return the 400 error of a revision number that the file `name` already has."""
    message = f"the {kind} {name!r} already has a revision {revision}: leave revision out to save the next one."
    return ValidationError({"revision": [message]})


def content_key(working_file):
    return storage.file_key(CONTENT_FOLDER, working_file.pk, CONTENT_EXTENSION)


def entity_project_id(entity_id):
    return Entity.objects.filter(pk=entity_id).values_list("project_id", flat=True).first()


def working_file_project_id(working_file):
    if working_file.task_id is not None:
        return Task.objects.filter(pk=working_file.task_id).values_list("project_id", flat=True).first()
    if working_file.entity_id is not None:
        return entity_project_id(working_file.entity_id)
    return None


# ---- working files -------------------------------------------------------------------


def working_file_next_revision(*, task, name):
    last = WorkingFile.objects.filter(task=task, name=name).order_by("-revision").values_list("revision", flat=True)
    last = last.first()
    return (last or 0) + 1


def working_file_context(*, task, software=None, name="", revision=1):
    return file_trees.PathContext(
        project=task.project, entity=task.entity, task=task, software=software, name=name, revision=revision
    )


@transaction.atomic
def working_file_create(
    *, task, name, person, software, revision=None, comment="", description=None, mode="working", sep="/", user=None
):
    """Create the next revision of the working file `name` of a task (or revision `revision`), with its path.

    Raises a 400 naming `revision` when that revision exists, and FileTreeError
    when the project's file tree cannot give the path.
    """
    # Lock the task so that two saves at once do not pick the same revision number.
    Task.objects.select_for_update().filter(pk=task.pk).first()
    if not revision:
        revision = working_file_next_revision(task=task, name=name)
    elif WorkingFile.objects.filter(task=task, name=name, revision=revision).exists():
        raise duplicate_revision("working file", name, revision)

    context = working_file_context(task=task, software=software, name=name, revision=revision)
    path = file_trees.file_path(context, mode=mode, sep=sep)
    try:
        with transaction.atomic():
            working_file = WorkingFile.objects.create(
                task=task,
                entity_id=task.entity_id,
                name=name,
                revision=revision,
                path=path,
                comment=comment,
                description=description,
                person=person,
                software=software,
            )
    except IntegrityError:
        raise duplicate_revision("working file", name, revision) from None

    event_send(
        name="working-file:new", data={"working_file_id": working_file.pk}, project_id=task.project_id, user=user
    )
    logger.info("Working file %s (%s v%s) created on task %s", working_file.pk, name, revision, task.pk)
    return working_file


@transaction.atomic
def working_file_update(*, working_file, changes, user=None):
    """Save `changes` ({column: value}) on a working file; an empty dict only marks it modified now."""
    for key, value in changes.items():
        setattr(working_file, key, value)
    working_file.updated_at = timezone.now()
    working_file.save(update_fields=[*changes, "updated_at"])
    event_send(
        name="working-file:update",
        data={"working_file_id": working_file.pk},
        project_id=working_file_project_id(working_file),
        user=user,
    )
    return working_file


@transaction.atomic
def working_file_content_save(*, working_file, upload, user=None):
    """Store the uploaded content of a working file, replacing any earlier one, and record its size."""
    storage.save_file(content_key(working_file), upload)
    working_file = working_file_update(working_file=working_file, changes={"size": upload.size}, user=user)
    logger.info("Content of working file %s stored (%s bytes)", working_file.pk, upload.size)
    return working_file


def working_file_content_delete(*, working_file):
    """Remove the stored content of a working file once the current transaction commits.

    Task, entity and project deletes remove the content of their working files
    through `playlists.services.stored_files` instead.
    """
    storage.delete_files_on_commit([content_key(working_file)])


def last_working_files(task):
    """Return {name: the last revision of that working file} of a task, in one query."""
    working_files = WorkingFile.objects.filter(task=task, revision__gte=0).order_by("name", "-revision")
    latest = {}
    for working_file in working_files:
        latest.setdefault(working_file.name, working_file)
    return latest


# ---- output files ---------------------------------------------------------------------


def output_revision_queryset(*, entity, output_type, task_type, name, asset_instance=None, temporal_entity=None):
    """Return the output files that share one revision history."""
    queryset = OutputFile.objects.filter(output_type=output_type, task_type=task_type, name=name, revision__gt=0)
    if asset_instance is None:
        return queryset.filter(entity=entity, asset_instance__isnull=True)
    return queryset.filter(asset_instance=asset_instance, temporal_entity=temporal_entity)


def output_file_next_revision(**history):
    last = output_revision_queryset(**history).order_by("-revision").values_list("revision", flat=True).first()
    return (last or 0) + 1


def output_file_context(
    *, entity, output_type, task_type, name, revision, representation="", asset_instance=None, temporal_entity=None
):
    """Return the path context of an entity's output, or of an asset instance's output in a temporal entity."""
    if asset_instance is None:
        return file_trees.PathContext(
            project=entity.project,
            entity=entity,
            task_type=task_type,
            output_type=output_type,
            name=name,
            representation=representation or "",
            revision=revision,
        )
    return file_trees.PathContext(
        project=temporal_entity.project,
        entity=temporal_entity,
        task_type=task_type,
        output_type=output_type,
        name=name,
        representation=representation or "",
        revision=revision,
        asset_instance=asset_instance,
        asset=entity,
    )


@transaction.atomic
def output_file_create(
    *,
    entity,
    output_type,
    task_type,
    person,
    name="main",
    revision=None,
    comment="",
    representation="",
    extension="",
    nb_elements=1,
    file_status=None,
    working_file=None,
    asset_instance=None,
    temporal_entity=None,
    mode="output",
    sep="/",
    user=None,
):
    """Publish an output file revision with its path from the file tree; returns (file, folder path, file name).

    `entity` is the asset of an asset instance's output. Without `revision`, the
    next revision of the history is used. Raises a 400 naming `revision` when
    that revision exists, and FileTreeError when the tree cannot give the path.
    """
    history = {
        "entity": entity,
        "output_type": output_type,
        "task_type": task_type,
        "name": name,
        "asset_instance": asset_instance,
        "temporal_entity": temporal_entity,
    }
    # Lock the entity so that two publishes at once do not pick the same revision number.
    Entity.objects.select_for_update().filter(pk=entity.pk).first()
    if not revision or revision < 1:
        revision = output_file_next_revision(**history)
    elif output_revision_queryset(**history).filter(revision=revision, representation=representation).exists():
        raise duplicate_revision("output file", name, revision)

    context = output_file_context(
        entity=entity,
        output_type=output_type,
        task_type=task_type,
        name=name,
        revision=revision,
        representation=representation,
        asset_instance=asset_instance,
        temporal_entity=temporal_entity,
    )
    folder = file_trees.folder_path(context, mode=mode, sep=sep)
    base_name = file_trees.file_name(context, mode=mode, nb_elements=nb_elements)
    dotted_extension = f".{extension}" if extension and not extension.startswith(".") else extension or ""
    try:
        with transaction.atomic():
            output_file = OutputFile.objects.create(
                entity=entity,
                asset_instance=asset_instance,
                temporal_entity=temporal_entity,
                output_type=output_type,
                task_type=task_type,
                person=person,
                source_file=working_file,
                file_status=file_status or default_file_status(),
                name=name,
                revision=revision,
                comment=comment,
                representation=representation,
                extension=extension,
                nb_elements=nb_elements,
                path=f"{folder}{sep}{base_name}{dotted_extension}",
            )
    except IntegrityError:
        raise duplicate_revision("output file", name, revision) from None

    event_send(name="output-file:new", data={"output_file_id": output_file.pk}, project_id=entity.project_id, user=user)
    logger.info("Output file %s (%s v%s) published on entity %s", output_file.pk, name, revision, entity.pk)
    return output_file, folder, base_name


def last_output_files(queryset, *, by_file_status=False):
    """Keep the last revision of each output history in `queryset`, read in one query.

    A history is one task type, output type, name and representation (and file
    status when `by_file_status` is set), per asset instance and temporal entity.
    """
    latest = {}
    for output_file in queryset.order_by("-revision", "-created_at"):
        key = (
            output_file.asset_instance_id,
            output_file.temporal_entity_id,
            output_file.task_type_id,
            output_file.output_type_id,
            output_file.name,
            output_file.representation,
            output_file.file_status_id if by_file_status else None,
        )
        latest.setdefault(key, output_file)
    return list(latest.values())
