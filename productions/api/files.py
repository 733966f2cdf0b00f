"""Working file and output file routes, the project file tree, and the /data collections of output
types, file statuses, working files and output files.

Access:
- reads follow the entity: admins and the project's team, and vendors with a
  task assigned on the entity. Project-wide output file lists are for admins
  and the team's managers.
- working files are saved, commented and uploaded by admins, the team's
  managers, the task's assignees and the supervisors of its department. The
  reference also lets clients do it and assigns the person who saves to the
  task. Here clients are rejected and no one is assigned.
- output files are published by admins, the team's managers and supervisors,
  and the artists and vendors with a task assigned on the entity. The
  reference lets any team member publish.
- the file tree is set by admins and the team's managers (the reference lets
  any team member do it).
- output types and file statuses are read by everyone and written by admins;
  the generic working and output file collections are created and deleted by
  admins, and vendors may not list them.
"""

import contextlib
import logging

from django.db.models import Prefetch
from django.http import FileResponse
from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Person, Software
from kitsu_project import storage
from kitsu_project.api.errors import MissingArgument
from kitsu_project.api.permissions import ADMIN, ADMIN_ONLY, ALL_ROLES, CLIENT, MANAGER, SUPERVISOR, VENDOR
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, parse_path_id, path_row, query_flag, query_uuid, request_body
from playlists.uploads import uploaded_file
from productions.access import in_open_project_team, in_team, is_team_member
from productions.models import (
    AssetInstance,
    Entity,
    FileStatus,
    OutputFile,
    OutputType,
    Project,
    TaskPersonLink,
    TaskType,
    WorkingFile,
)
from productions.services import file_trees
from productions.services import files as file_services
from productions.services.events import event_send

from .entities import check_entity_read
from .projects import body_int, body_row, check_manager_access, check_read_access, get_project, project_answer
from .task_common import department_ids, supervises_task, task_queryset

logger = logging.getLogger("productions.files")

NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."
NOT_ASSIGNED = "You are not allowed to do this: the task is not assigned to you."
NO_ENTITY_TASK = "You are not allowed to do this: you have no task assigned on this entity."
OTHER_PERSON = "You are not allowed to do this: only admins, managers and supervisors save files for another person."
NO_CONTENT = "No content was uploaded for the working file {id}: send it with POST /data/working-files/{id}/file."
FILE_ROLES_STAFF = frozenset({ADMIN, MANAGER, SUPERVISOR})
OUTPUT_FILTER_IDS = ("output_type_id", "task_type_id", "file_status_id")
OUTPUT_FILTER_TEXTS = ("name", "representation")
SEPARATOR_MAX_LENGTH = 3


# ---- loading rows ------------------------------------------------------------------


def entity_queryset():
    return Entity.objects.select_related("project", "entity_type", "parent__parent")


def file_task_queryset():
    """Tasks with what their paths and access rules read: project, entity and its parents, type and department."""
    return task_queryset().select_related("entity__parent__parent", "task_type__department")


def load_task(task_id):
    return path_row(file_task_queryset(), task_id, "task")


def load_entity(entity_id, queryset=None):
    return path_row(queryset if queryset is not None else entity_queryset(), entity_id, "entity")


def load_working_file(working_file_id):
    return path_row(WorkingFile.objects.all(), working_file_id, "working file")


def load_asset_instance(asset_instance_id, temporal_entity_id=None):
    """Return (asset instance, its asset, the temporal entity of the same project or None)."""
    asset_instance = path_row(
        AssetInstance.objects.select_related("asset__project", "asset__entity_type"),
        asset_instance_id,
        "asset instance",
    )
    asset = asset_instance.asset
    temporal_entity = None
    if temporal_entity_id is not None:
        temporal_entity = load_entity(temporal_entity_id, entity_queryset().filter(project_id=asset.project_id))
    return asset_instance, asset, temporal_entity


def output_file_queryset():
    return OutputFile.objects.select_related("source_file")


# ---- access --------------------------------------------------------------------------


def check_task_read(user, task):
    check_entity_read(user, task.entity)


def check_file_work(user, task):
    """Allow saving or changing a task's working files: admins, the team's managers, the task's assignees
    and the supervisors of its department."""
    if user.role == ADMIN:
        return
    if user.role == CLIENT or not is_team_member(user, task.project_id):
        logger.warning("Person %s may not change the working files of task %s", user.pk, task.pk)
        raise PermissionDenied(NOT_ALLOWED)
    if user.role == MANAGER:
        return
    if user.pk in {person.pk for person in task.assignees.all()}:
        return
    if supervises_task(user, task, department_ids(user)):
        return
    logger.warning("Person %s may not change the working files of task %s: not assigned", user.pk, task.pk)
    raise PermissionDenied(NOT_ASSIGNED)


def check_publish(user, entities):
    """Allow publishing output files of `entities` (an entity, or an asset and its temporal entity):
    admins, the team's managers and supervisors, and people with a task assigned on one of them."""
    if user.role == ADMIN:
        return
    project_id = entities[0].project_id
    if user.role == CLIENT or not is_team_member(user, project_id):
        logger.warning("Person %s may not publish output files in project %s", user.pk, project_id)
        raise PermissionDenied(NOT_ALLOWED)
    if user.role in (MANAGER, SUPERVISOR):
        return
    if TaskPersonLink.objects.filter(person=user, task__entity__in=entities).exists():
        return
    logger.warning("Person %s may not publish output files of entity %s", user.pk, entities[0].pk)
    raise PermissionDenied(NO_ENTITY_TASK)


def working_file_task(working_file):
    """Return the task of a working file with what the access rules read, or None."""
    if working_file.task_id is None:
        return None
    return file_task_queryset().filter(pk=working_file.task_id).first()


def check_working_file_read(user, working_file):
    task = working_file_task(working_file)
    if task is not None:
        check_task_read(user, task)
    elif working_file.entity_id is not None:
        check_entity_read(user, load_entity(working_file.entity_id))
    elif user.role != ADMIN:
        raise PermissionDenied(NOT_ALLOWED)


def check_working_file_work(user, working_file):
    task = working_file_task(working_file)
    if task is not None:
        check_file_work(user, task)
    elif user.role != ADMIN:
        raise PermissionDenied(NOT_ALLOWED)


def output_file_entities(output_file):
    ids = [entity_id for entity_id in (output_file.entity_id, output_file.temporal_entity_id) if entity_id]
    return list(Entity.objects.filter(pk__in=ids))


def check_output_file_read(user, output_file):
    if output_file.entity_id is not None:
        check_entity_read(user, load_entity(output_file.entity_id))
    elif user.role != ADMIN:
        raise PermissionDenied(NOT_ALLOWED)


def check_output_file_publish(user, output_file):
    entities = output_file_entities(output_file)
    if entities:
        check_publish(user, entities)
    elif user.role != ADMIN:
        raise PermissionDenied(NOT_ALLOWED)


# ---- input ---------------------------------------------------------------------------


def body_string(data, key, *, default=None, max_length=None, required=False):
    """Return the string under `key`, `default` when it is absent or null, or raise a 400 naming the key."""
    value = data.get(key)
    if value is None:
        if required:
            raise MissingArgument(key, "this field is missing: send a string.")
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValidationError({key: ["must be a string."]})
    if max_length is not None and len(value) > max_length:
        raise ValidationError({key: [f"at most {max_length} characters, got {len(value)}."]})
    return value


def body_file_name(data, *, required=False, default="main"):
    """Return the `name` of a file (`default` when it is optional and absent); an empty name is a 400."""
    name = body_string(data, "name", max_length=WorkingFile._meta.get_field("name").max_length)
    if name is None:
        if required:
            raise MissingArgument("name", "this field is missing: send the file name, such as main.")
        return default
    if not name.strip():
        raise ValidationError({"name": ["must not be empty: send the file name, such as main."]})
    return name


def body_separator(data):
    """Return the folder separator sent as `sep` or `separator` ("/" by default)."""
    key = "sep" if data.get("sep") is not None else "separator"
    value = body_string(data, key, default="/", max_length=SEPARATOR_MAX_LENGTH)
    if not value:
        raise ValidationError({key: ["must not be empty: send a separator such as /."]})
    return value


def body_revision(data):
    revision = body_int(data, "revision", default=0)
    if revision < 0:
        raise ValidationError({"revision": [f"must be 0 (the next revision) or more, got {revision}."]})
    return revision


def body_nb_elements(data):
    value = body_int(data, "nb_elements", default=1)
    if value < 1:
        raise ValidationError({"nb_elements": [f"must be 1 or more, got {value}."]})
    return value


def body_mode(data, default):
    mode = body_string(data, "mode", default=default, max_length=40)
    return mode or default


def body_person(data, user):
    """Return the person a file is saved for: the caller, or `person_id` when staff sends another one."""
    person = body_row(data, "person_id", Person.objects.all(), "person", required=False)
    if person is None or person.pk == user.pk:
        return user
    if user.role not in FILE_ROLES_STAFF:
        raise PermissionDenied(OTHER_PERSON)
    return person


def body_output_kind(data):
    """Return the required output type and task type of an output file body, checked in that order."""
    output_type = body_row(data, "output_type_id", OutputType.objects.all(), "output type")
    task_type = body_row(data, "task_type_id", TaskType.objects.all(), "task type")
    return output_type, task_type


@contextlib.contextmanager
def file_tree_errors():
    """Turn a file tree that cannot give a path into a 400 naming the field at fault."""
    try:
        yield
    except file_trees.FileTreeError as error:
        raise ValidationError({error.field: [str(error)]}) from None


def filtered_output_files(queryset, request, extra_ids=()):
    """Apply the id and text filters of the output file lists; a malformed id is a 400 naming it."""
    for key in (*extra_ids, *OUTPUT_FILTER_IDS):
        value = query_uuid(request, key)
        if value is not None:
            queryset = queryset.filter(**{key: value})
    for key in OUTPUT_FILTER_TEXTS:
        value = request.query_params.get(key)
        if value not in (None, ""):
            queryset = queryset.filter(**{key: value})
    return queryset


# ---- rows ----------------------------------------------------------------------------


def working_file_row(working_file, *, outputs=False):
    """Serialize a working file; `outputs` adds the ids of the output files made from it."""
    row = serialize_row(working_file)
    if outputs:
        row["outputs"] = [str(output.pk) for output in working_file.output_files.all()]
    return row


def output_file_row(output_file):
    """Serialize an output file with its source working file embedded, as the reference does."""
    row = serialize_row(output_file)
    source = output_file.source_file
    row["source_file"] = serialize_row(source) if source is not None else None
    return row


def outputs_prefetch():
    return Prefetch("output_files", queryset=OutputFile.objects.only("pk", "source_file_id").order_by("-revision"))


# ---- project file tree -------------------------------------------------------------------


class FilesView(APIView):
    permission_classes = [IsAuthenticated]


class SetFileTreeView(FilesView):
    """POST {tree_name}: copy a shipped file tree (`default`, `simple`) into the project."""

    def post(self, request, project_id):
        project = get_project(project_id)
        check_manager_access(request.user, project)
        data = request_body(request)
        if data.get("tree_name") in (None, ""):
            names = ", ".join(file_trees.tree_names())
            raise MissingArgument("tree_name", f"this field is missing: send one of {names}.")
        with file_tree_errors():
            project = file_trees.project_file_tree_set(project=project, tree_name=data["tree_name"], user=request.user)
        return Response(project_answer(project))


class GuessFromPathView(FilesView):
    """POST {project_id, file_path, sep?}: the templates of the project's tree the path matches, with row ids."""

    def post(self, request):
        data = request_body(request)
        project = body_row(data, "project_id", Project.objects.all(), "project")
        file_path = body_string(data, "file_path", required=True, max_length=4000)
        if not file_path:
            raise ValidationError({"file_path": ["must not be empty."]})
        sep = body_separator(data)
        check_read_access(request.user, project)
        with file_tree_errors():
            return Response(file_trees.guess_from_path(project=project, file_path=file_path, sep=sep))


# ---- working files -------------------------------------------------------------------------


class TaskWorkingFilesView(FilesView):
    """GET the working files of a task, last revision first."""

    def get(self, request, task_id):
        task = load_task(task_id)
        check_task_read(request.user, task)
        working_files = WorkingFile.objects.filter(task=task, revision__gte=0).order_by("-revision", "name")
        return Response([working_file_row(working_file) for working_file in working_files])


class LastWorkingFilesView(FilesView):
    """GET {name: last revision} of the working files of a task."""

    def get(self, request, task_id):
        task = load_task(task_id)
        check_task_read(request.user, task)
        latest = file_services.last_working_files(task)
        return Response({name: working_file_row(working_file) for name, working_file in latest.items()})


class NewWorkingFileView(FilesView):
    """POST {name, revision?, software_id?, comment?, description?, person_id?, mode?, sep?}: save a working file.

    Without a revision, the next one of that name is used. Without a software,
    the default "3ds Max" software is used, as in the reference.
    """

    def post(self, request, task_id):
        task = load_task(task_id)
        check_file_work(request.user, task)
        data = request_body(request)
        name = body_file_name(data, required=True)
        revision = body_revision(data)
        software = body_row(data, "software_id", Software.objects.all(), "software", required=False)
        comment = body_string(data, "comment", default="")
        description = body_string(data, "description")
        person = body_person(data, request.user)
        mode = body_mode(data, "working")
        sep = body_separator(data)
        with file_tree_errors():
            working_file = file_services.working_file_create(
                task=task,
                name=name,
                revision=revision,
                person=person,
                software=software or file_services.default_software(),
                comment=comment,
                description=description,
                mode=mode,
                sep=sep,
                user=request.user,
            )
        return Response(working_file_row(working_file), status=status.HTTP_201_CREATED)


class WorkingFilePathView(FilesView):
    """POST {name?, mode?, software_id?, revision?, sep?}: the folder (`path`) and `name` a working file gets."""

    def post(self, request, task_id):
        task = load_task(task_id)
        check_task_read(request.user, task)
        data = request_body(request)
        name = body_file_name(data)
        mode = body_mode(data, "working")
        software = body_row(data, "software_id", Software.objects.all(), "software", required=False)
        revision = body_revision(data) or file_services.working_file_next_revision(task=task, name=name)
        sep = body_separator(data)
        context = file_services.working_file_context(task=task, software=software, name=name, revision=revision)
        with file_tree_errors():
            path = file_trees.folder_path(context, mode=mode, sep=sep)
            file_name = file_trees.file_name(context, mode=mode)
        return Response({"path": path, "name": file_name})


class EntityWorkingFilesView(FilesView):
    """GET the working files of an entity, last revision first; filters `task_id` and `name`."""

    def get(self, request, entity_id):
        entity = load_entity(entity_id)
        check_entity_read(request.user, entity)
        working_files = WorkingFile.objects.filter(entity=entity, revision__gte=0).order_by("-revision", "name")
        task_id = query_uuid(request, "task_id")
        if task_id is not None:
            working_files = working_files.filter(task_id=task_id)
        name = request.query_params.get("name")
        if name:
            working_files = working_files.filter(name=name)
        outputs = query_flag(request, "relations")
        if outputs:
            working_files = working_files.prefetch_related(outputs_prefetch())
        return Response([working_file_row(working_file, outputs=outputs) for working_file in working_files])


class WorkingFileCommentView(FilesView):
    """PUT {comment}: change the comment of a working file."""

    def put(self, request, working_file_id):
        working_file = load_working_file(working_file_id)
        check_working_file_work(request.user, working_file)
        data = request_body(request)
        if "comment" not in data:
            raise MissingArgument("comment", "this field is missing: send the comment text.")
        comment = body_string(data, "comment", default="")
        working_file = file_services.working_file_update(
            working_file=working_file, changes={"comment": comment}, user=request.user
        )
        return Response(working_file_row(working_file))


class WorkingFileModifiedView(FilesView):
    """PUT: mark a working file as modified now (its `updated_at`)."""

    def put(self, request, working_file_id):
        working_file = load_working_file(working_file_id)
        check_working_file_work(request.user, working_file)
        working_file = file_services.working_file_update(working_file=working_file, changes={}, user=request.user)
        return Response(working_file_row(working_file))


class WorkingFileContentView(FilesView):
    """GET the stored content of a working file. POST a multipart `file` to store it (its size is recorded)."""

    def get(self, request, working_file_id):
        working_file = load_working_file(working_file_id)
        check_working_file_read(request.user, working_file)
        try:
            content = storage.open_file(file_services.content_key(working_file))
        except FileNotFoundError:
            raise NotFound(NO_CONTENT.format(id=working_file.pk)) from None
        return FileResponse(content, content_type="application/octet-stream")

    def post(self, request, working_file_id):
        working_file = load_working_file(working_file_id)
        check_working_file_work(request.user, working_file)
        upload = uploaded_file(request)
        working_file = file_services.working_file_content_save(
            working_file=working_file, upload=upload, user=request.user
        )
        return Response(working_file_row(working_file, outputs=True), status=status.HTTP_201_CREATED)


class FileView(FilesView):
    """GET a working file or an output file by id."""

    def get(self, request, file_id):
        pk = parse_path_id(file_id)
        working_file = WorkingFile.objects.filter(pk=pk).first()
        if working_file is not None:
            check_working_file_read(request.user, working_file)
            return Response(working_file_row(working_file, outputs=True))
        output_file = output_file_queryset().filter(pk=pk).first()
        if output_file is not None:
            check_output_file_read(request.user, output_file)
            return Response(output_file_row(output_file))
        raise NotFound(f"No working file or output file has the id {pk}.")


# ---- output files of an entity ------------------------------------------------------------------


def entity_output_files(entity):
    """Return the output files of the entity itself, without those of its asset instances."""
    return output_file_queryset().filter(
        entity=entity, asset_instance__isnull=True, temporal_entity__isnull=True, revision__gte=0
    )


def new_output_file(request, data, *, entity, asset_instance=None, temporal_entity=None):
    """Publish an output file from a request body and return its row with `folder_path` and `file_name`."""
    # Required keys first, in the reference's order, so a body missing several names the first one.
    output_type, task_type = body_output_kind(data)
    if "comment" not in data:
        raise MissingArgument("comment", "this field is missing: send the publish comment (it may be empty).")
    comment = body_string(data, "comment", default="")

    name = body_file_name(data)
    revision = body_revision(data)
    representation = body_string(data, "representation", default="", max_length=20)
    extension = body_string(data, "extension", default="", max_length=10)
    nb_elements = body_nb_elements(data)
    person = body_person(data, request.user)
    working_file = body_row(data, "working_file_id", WorkingFile.objects.all(), "working file", required=False)
    file_status = body_row(data, "file_status_id", FileStatus.objects.all(), "file status", required=False)

    with file_tree_errors():
        output_file, folder, file_name = file_services.output_file_create(
            entity=entity,
            asset_instance=asset_instance,
            temporal_entity=temporal_entity,
            output_type=output_type,
            task_type=task_type,
            person=person,
            working_file=working_file,
            file_status=file_status,
            name=name,
            revision=revision,
            comment=comment,
            representation=representation,
            extension=extension,
            nb_elements=nb_elements,
            mode=body_mode(data, "output"),
            sep=body_separator(data),
            user=request.user,
        )

    row = output_file_row(output_file_queryset().get(pk=output_file.pk))
    row.update({"folder_path": folder, "file_name": file_name})
    return row


def output_path(data, **history):
    """Return {folder_path, file_name} of an output file body; revision 0 means the next revision."""
    output_type, task_type = body_output_kind(data)
    name = body_file_name(data)
    revision = body_revision(data)
    if not revision:
        revision = file_services.output_file_next_revision(
            output_type=output_type, task_type=task_type, name=name, **history
        )
    context = file_services.output_file_context(
        output_type=output_type,
        task_type=task_type,
        name=name,
        revision=revision,
        representation=body_string(data, "representation", default="", max_length=20),
        **history,
    )
    mode = body_mode(data, "output")
    with file_tree_errors():
        folder = file_trees.folder_path(context, mode=mode, sep=body_separator(data))
        file_name = file_trees.file_name(context, mode=mode, nb_elements=body_nb_elements(data))
    return {"folder_path": folder, "file_name": file_name}


def next_revision(data, **history):
    output_type, task_type = body_output_kind(data)
    name = body_file_name(data)
    revision = file_services.output_file_next_revision(
        output_type=output_type, task_type=task_type, name=name, **history
    )
    return {"next_revision": revision}


class EntityFilesView(FilesView):
    """Base of the routes under /data/entities/<entity_id>/: the entity, readable by the caller."""

    def readable_entity(self, request, entity_id):
        entity = load_entity(entity_id)
        check_entity_read(request.user, entity)
        return entity


class NewEntityOutputFileView(EntityFilesView):
    """POST {output_type_id, task_type_id, comment, name?, revision?, ...}: publish an output file of the entity."""

    def post(self, request, entity_id):
        entity = load_entity(entity_id)
        check_publish(request.user, [entity])
        row = new_output_file(request, request_body(request), entity=entity)
        return Response(row, status=status.HTTP_201_CREATED)


class EntityNextOutputRevisionView(EntityFilesView):
    """POST {output_type_id, task_type_id, name?}: the next revision number of that output."""

    def post(self, request, entity_id):
        entity = self.readable_entity(request, entity_id)
        return Response(next_revision(request_body(request), entity=entity))


class EntityOutputFilePathView(EntityFilesView):
    """POST {output_type_id, task_type_id, name?, revision?, representation?, ...}: its folder and file name."""

    def post(self, request, entity_id):
        entity = self.readable_entity(request, entity_id)
        return Response(output_path(request_body(request), entity=entity))


class EntityOutputFilesView(EntityFilesView):
    """GET the entity's output files, last revision first; filters by output type, task type, file status,
    name and representation."""

    def get(self, request, entity_id):
        entity = self.readable_entity(request, entity_id)
        output_files = filtered_output_files(entity_output_files(entity), request).order_by("-revision", "name")
        return Response([output_file_row(output_file) for output_file in output_files])


class EntityLastOutputFilesView(EntityFilesView):
    """GET the last revision of each of the entity's outputs, with the same filters as the list."""

    def get(self, request, entity_id):
        entity = self.readable_entity(request, entity_id)
        output_files = filtered_output_files(entity_output_files(entity), request)
        latest = file_services.last_output_files(
            output_files, by_file_status=query_uuid(request, "file_status_id") is not None
        )
        return Response([output_file_row(output_file) for output_file in latest])


class EntityOutputTypesView(EntityFilesView):
    """GET the output types the entity has output files of, by name."""

    def get(self, request, entity_id):
        entity = self.readable_entity(request, entity_id)
        output_types = OutputType.objects.filter(
            output_files__entity=entity, output_files__asset_instance__isnull=True
        ).distinct()
        return Response([serialize_row(output_type) for output_type in output_types.order_by("name")])


class EntityOutputTypeFilesView(EntityFilesView):
    """GET the entity's output files of one output type, last revision first; filter `representation`."""

    def get(self, request, entity_id, output_type_id):
        entity = self.readable_entity(request, entity_id)
        output_type = path_row(OutputType.objects.all(), output_type_id, "output type")
        output_files = output_file_queryset().filter(
            entity=entity, asset_instance__isnull=True, output_type=output_type
        )
        representation = request.query_params.get("representation")
        if representation is not None:
            output_files = output_files.filter(representation=representation)
        return Response([output_file_row(output_file) for output_file in output_files.order_by("-revision", "name")])


class ProjectOutputFilesView(FilesView):
    """GET the output files of a project's entities (not of asset instances), newest first: managers only."""

    def get(self, request, project_id):
        project = get_project(project_id)
        check_manager_access(request.user, project)
        output_files = output_file_queryset().filter(
            entity__project=project, asset_instance__isnull=True, temporal_entity__isnull=True, revision__gte=0
        )
        output_files = filtered_output_files(output_files, request).order_by("-created_at", "-revision")
        return Response([output_file_row(output_file) for output_file in output_files])


# ---- output files of an asset instance ------------------------------------------------------------


class InstanceFilesView(FilesView):
    """Base of the routes under /data/asset-instances/<asset_instance_id>/entities/<temporal_entity_id>/."""

    def readable_instance(self, request, asset_instance_id, temporal_entity_id):
        asset_instance, asset, temporal_entity = load_asset_instance(asset_instance_id, temporal_entity_id)
        check_entity_read(request.user, asset)
        return asset_instance, asset, temporal_entity

    def instance_history(self, request, asset_instance_id, temporal_entity_id):
        asset_instance, asset, temporal_entity = self.readable_instance(request, asset_instance_id, temporal_entity_id)
        return {"entity": asset, "asset_instance": asset_instance, "temporal_entity": temporal_entity}


def instance_output_files(asset_instance, temporal_entity):
    return output_file_queryset().filter(
        asset_instance=asset_instance, temporal_entity=temporal_entity, revision__gte=0
    )


class NewInstanceOutputFileView(InstanceFilesView):
    """POST: publish an output file of an asset instance in a temporal entity (a shot, a scene, an asset)."""

    def post(self, request, asset_instance_id, temporal_entity_id):
        asset_instance, asset, temporal_entity = load_asset_instance(asset_instance_id, temporal_entity_id)
        check_publish(request.user, [asset, temporal_entity])
        row = new_output_file(
            request,
            request_body(request),
            entity=asset,
            asset_instance=asset_instance,
            temporal_entity=temporal_entity,
        )
        return Response(row, status=status.HTTP_201_CREATED)


class InstanceNextOutputRevisionView(InstanceFilesView):
    def post(self, request, asset_instance_id, temporal_entity_id):
        history = self.instance_history(request, asset_instance_id, temporal_entity_id)
        return Response(next_revision(request_body(request), **history))


class InstanceOutputFilePathView(InstanceFilesView):
    def post(self, request, asset_instance_id, temporal_entity_id):
        history = self.instance_history(request, asset_instance_id, temporal_entity_id)
        return Response(output_path(request_body(request), **history))


class InstanceLastOutputFilesView(InstanceFilesView):
    def get(self, request, asset_instance_id, temporal_entity_id):
        asset_instance, _, temporal_entity = self.readable_instance(request, asset_instance_id, temporal_entity_id)
        output_files = filtered_output_files(instance_output_files(asset_instance, temporal_entity), request)
        latest = file_services.last_output_files(
            output_files, by_file_status=query_uuid(request, "file_status_id") is not None
        )
        return Response([output_file_row(output_file) for output_file in latest])


class InstanceOutputTypesView(InstanceFilesView):
    def get(self, request, asset_instance_id, temporal_entity_id):
        asset_instance, _, temporal_entity = self.readable_instance(request, asset_instance_id, temporal_entity_id)
        output_types = OutputType.objects.filter(
            output_files__asset_instance=asset_instance, output_files__temporal_entity=temporal_entity
        ).distinct()
        return Response([serialize_row(output_type) for output_type in output_types.order_by("name")])


class InstanceOutputTypeFilesView(InstanceFilesView):
    def get(self, request, asset_instance_id, temporal_entity_id, output_type_id):
        asset_instance, _, temporal_entity = self.readable_instance(request, asset_instance_id, temporal_entity_id)
        output_type = path_row(OutputType.objects.all(), output_type_id, "output type")
        output_files = instance_output_files(asset_instance, temporal_entity).filter(output_type=output_type)
        representation = request.query_params.get("representation")
        if representation is not None:
            output_files = output_files.filter(representation=representation)
        return Response([output_file_row(output_file) for output_file in output_files.order_by("-revision", "name")])


class InstanceOutputFilesView(FilesView):
    """GET the output files of an asset instance in every temporal entity; filter `temporal_entity_id` and
    the filters of the entity list."""

    def get(self, request, asset_instance_id):
        asset_instance, asset, _ = load_asset_instance(asset_instance_id)
        check_entity_read(request.user, asset)
        output_files = output_file_queryset().filter(asset_instance=asset_instance, revision__gte=0)
        output_files = filtered_output_files(output_files, request, extra_ids=("temporal_entity_id",))
        return Response([output_file_row(output_file) for output_file in output_files.order_by("-revision", "name")])


# ---- generic /data collections -------------------------------------------------------------------


class OutputTypeViewSet(KitsuModelViewSet):
    """Everyone reads the output types; admins write them."""

    queryset = OutputType.objects.all()
    serializer_class = serializer_for(OutputType)
    read_roles = ALL_ROLES


class FileStatusViewSet(KitsuModelViewSet):
    """Everyone reads the file statuses; admins write them."""

    queryset = FileStatus.objects.all()
    serializer_class = serializer_for(FileStatus)
    read_roles = ALL_ROLES


class FileRowSerializerMixin:
    """Checks the unique revision in `validate` (as a 400 naming `revision`) instead of DRF's unique-together
    validator, which would make the nullable columns of the constraint required."""

    revision_fields = ()

    def get_validators(self):
        return []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        values = {name: attrs.get(name, getattr(self.instance, name, None)) for name in self.revision_fields}
        duplicates = model.objects.filter(**{name: value for name, value in values.items()})
        if self.instance is not None:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if values.get("revision") is not None and duplicates.exists():
            raise ValidationError({"revision": [f"this file already has a revision {values['revision']}."]})
        return attrs


class WorkingFileSerializer(FileRowSerializerMixin, serializer_for(WorkingFile)):
    revision_fields = ("name", "task", "entity", "revision")

    def known_output_keys(self):
        return super().known_output_keys() | {"outputs"}

    def validate(self, attrs):
        task = attrs.get("task", getattr(self.instance, "task", None))
        if task is not None:
            entity = attrs.get("entity", getattr(self.instance, "entity", None))
            if entity is None:
                attrs["entity"] = task.entity
            elif entity.pk != task.entity_id:
                raise ValidationError({"entity_id": [f"must be the entity of task {task.pk}: {task.entity_id}."]})
        return super().validate(attrs)

    def to_representation(self, instance):
        return working_file_row(instance, outputs=self.context.get("relations", False))


class OutputFileSerializer(FileRowSerializerMixin, serializer_for(OutputFile)):
    revision_fields = (
        "name",
        "entity",
        "asset_instance",
        "output_type",
        "task_type",
        "temporal_entity",
        "representation",
        "revision",
    )

    def get_fields(self):
        fields = super().get_fields()
        # A new output file without a status gets the default one ("To review").
        fields["file_status_id"].required = False
        return fields

    def known_output_keys(self):
        return super().known_output_keys() | {"source_file", "folder_path", "file_name"}

    def to_representation(self, instance):
        return output_file_row(instance)


class FileRowViewSet(KitsuModelViewSet):
    """Base of the working and output file collections: events carry the project of the file's entity."""

    list_roles = ALL_ROLES - {VENDOR}
    update_roles = ALL_ROLES
    create_roles = ADMIN_ONLY
    delete_roles = ADMIN_ONLY
    event_prefix = ""

    def row_project_id(self, row):
        return file_services.entity_project_id(row.entity_id) if row.entity_id else None

    def send_row_event(self, row, action):
        name = {"create": "new", "update": "update", "delete": "delete"}[action]
        id_key = f"{row._meta.db_table}_id"
        event_send(
            name=f"{self.event_prefix}:{name}",
            data={id_key: row.pk},
            project_id=self.row_project_id(row),
            user=self.request.user,
        )

    def perform_destroy(self, instance):
        project_id = self.row_project_id(instance)
        pk = instance.pk
        self.delete_row(instance, force=query_flag(self.request, "force"))
        name = f"{self.event_prefix}:delete"
        event_send(name=name, data={f"{instance._meta.db_table}_id": pk}, project_id=project_id, user=self.request.user)
        logger.info("%s %s deleted by %s", type(instance).__name__, pk, self.request.user.pk)


class WorkingFileViewSet(FileRowViewSet):
    """Working files; reads follow the task, changes need the right to work on it (see the module notes)."""

    queryset = WorkingFile.objects.all()
    serializer_class = WorkingFileSerializer
    event_prefix = "working-file"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.wants_relations():
            queryset = queryset.prefetch_related(outputs_prefetch())
        return queryset

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role == ADMIN:
            return queryset
        return queryset.filter(in_team(user, "entity__project"))

    def has_row_access(self, user, row):
        if self.action in ("update", "partial_update"):
            check_working_file_work(user, row)
        elif self.action == "retrieve":
            check_working_file_read(user, row)
        return True

    def perform_update(self, serializer):
        task = serializer.validated_data.get("task")
        if task is not None and task.pk != serializer.instance.task_id:
            check_file_work(self.request.user, load_task(task.pk))
        super().perform_update(serializer)

    def delete_row(self, row, *, force):
        file_services.working_file_content_delete(working_file=row)
        row.delete()


class OutputFileViewSet(FileRowViewSet):
    """Output files; reads follow the entity, changes need the right to publish on it (see the module notes)."""

    queryset = output_file_queryset()
    serializer_class = OutputFileSerializer
    event_prefix = "output-file"

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role == ADMIN:
            return queryset
        return queryset.filter(in_open_project_team(user, "entity__project"))

    def has_row_access(self, user, row):
        if self.action in ("update", "partial_update"):
            check_output_file_publish(user, row)
        elif self.action == "retrieve":
            check_output_file_read(user, row)
        return True

    def perform_create(self, serializer):
        if serializer.validated_data.get("file_status") is None:
            serializer.validated_data["file_status"] = file_services.default_file_status()
        super().perform_create(serializer)

    def perform_update(self, serializer):
        entities = [serializer.validated_data.get(key) for key in ("entity", "temporal_entity")]
        entities = [entity for entity in entities if entity is not None]
        if entities and self.request.user.role != ADMIN:
            check_publish(self.request.user, entities)
        super().perform_update(serializer)


# ---- routes ----------------------------------------------------------------------------------------

ID = r"[^/]+"
TASK = rf"tasks/(?P<task_id>{ID})"
ENTITY = rf"entities/(?P<entity_id>{ID})"
INSTANCE = rf"asset-instances/(?P<asset_instance_id>{ID})"
INSTANCE_ENTITY = rf"{INSTANCE}/entities/(?P<temporal_entity_id>{ID})"
WORKING_FILE = rf"working-files/(?P<working_file_id>{ID})"
OUTPUT_TYPE = rf"output-types/(?P<output_type_id>{ID})"

urlpatterns = [
    re_path(rf"^files/(?P<file_id>{ID})/?$", FileView.as_view()),
    re_path(rf"^{TASK}/working-files/?$", TaskWorkingFilesView.as_view()),
    re_path(rf"^{TASK}/working-files/new/?$", NewWorkingFileView.as_view()),
    re_path(rf"^{TASK}/working-files/last-revisions/?$", LastWorkingFilesView.as_view()),
    re_path(rf"^{TASK}/working-file-path/?$", WorkingFilePathView.as_view()),
    re_path(rf"^{WORKING_FILE}/file/?$", WorkingFileContentView.as_view()),
    re_path(r"^entities/guess_from_path/?$", GuessFromPathView.as_view()),
    re_path(rf"^{ENTITY}/working-files/?$", EntityWorkingFilesView.as_view()),
    re_path(rf"^{ENTITY}/output-files/?$", EntityOutputFilesView.as_view()),
    re_path(rf"^{ENTITY}/output-files/new/?$", NewEntityOutputFileView.as_view()),
    re_path(rf"^{ENTITY}/output-files/next-revision/?$", EntityNextOutputRevisionView.as_view()),
    re_path(rf"^{ENTITY}/output-files/last-revisions/?$", EntityLastOutputFilesView.as_view()),
    re_path(rf"^{ENTITY}/output-file-path/?$", EntityOutputFilePathView.as_view()),
    re_path(rf"^{ENTITY}/output-types/?$", EntityOutputTypesView.as_view()),
    re_path(rf"^{ENTITY}/{OUTPUT_TYPE}/output-files/?$", EntityOutputTypeFilesView.as_view()),
    re_path(rf"^{INSTANCE}/output-files/?$", InstanceOutputFilesView.as_view()),
    re_path(rf"^{INSTANCE_ENTITY}/output-files/new/?$", NewInstanceOutputFileView.as_view()),
    re_path(rf"^{INSTANCE_ENTITY}/output-files/next-revision/?$", InstanceNextOutputRevisionView.as_view()),
    re_path(rf"^{INSTANCE_ENTITY}/output-files/last-revisions/?$", InstanceLastOutputFilesView.as_view()),
    re_path(rf"^{INSTANCE_ENTITY}/output-file-path/?$", InstanceOutputFilePathView.as_view()),
    re_path(rf"^{INSTANCE_ENTITY}/output-types/?$", InstanceOutputTypesView.as_view()),
    re_path(rf"^{INSTANCE_ENTITY}/{OUTPUT_TYPE}/output-files/?$", InstanceOutputTypeFilesView.as_view()),
    re_path(rf"^projects/(?P<project_id>{ID})/output-files/?$", ProjectOutputFilesView.as_view()),
]

action_urlpatterns = [
    re_path(rf"^projects/(?P<project_id>{ID})/set-file-tree/?$", SetFileTreeView.as_view()),
    re_path(rf"^{WORKING_FILE}/comment/?$", WorkingFileCommentView.as_view()),
    re_path(rf"^{WORKING_FILE}/modified/?$", WorkingFileModifiedView.as_view()),
]

GENERIC_COLLECTIONS = (
    ("output-types", OutputTypeViewSet, "output-type"),
    ("file-status", FileStatusViewSet, "file-status"),
    ("working-files", WorkingFileViewSet, "working-file"),
    ("output-files", OutputFileViewSet, "output-file"),
)
