"""Task routes beyond the generic CRUD: the full task, open tasks, assignation, review and
bulk task creation.

`urlpatterns` go under /api/data/, `action_urlpatterns` under /api/actions/.
"""

import datetime
import uuid

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.urls import re_path
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Person
from kitsu_project.api.permissions import ADMIN, CLIENT, VENDOR
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import body_id, parse_path_id, path_row, query_uuid, request_body
from playlists.services import previews as preview_services
from productions.access import is_project_manager, is_team_member
from productions.models import (
    Entity,
    EntityType,
    Project,
    Task,
    TaskPersonLink,
    TaskType,
)
from productions.models.entity import TEMPORAL_ENTITY_TYPES
from productions.services import entities as entity_services
from productions.services import tasks as task_services
from productions.services.projects import OPEN_STATUS
from productions.services.user_views import todo_task_rows

from .task_common import (
    CREATE_TASKS,
    NOT_ALLOWED,
    TASK,
    AssignationRules,
    body_id_list,
    check_task_action,
    check_task_read,
    entity_row,
    full_task_row,
    load_task,
    person_row,
    project_row,
    task_queryset,
    task_row,
)

# ---- /data/tasks/... ---------------------------------------------------------


class TaskFullView(APIView):
    """GET a task with everything a task page shows."""

    permission_classes = [IsAuthenticated]

    def get(self, request, task_id):
        assignees = Person.objects.order_by("first_name", "last_name")
        queryset = task_queryset(assignees).select_related("assigner", "entity__parent__parent")
        task = load_task(task_id, queryset)
        check_task_read(request.user, task)
        return Response(full_task_row(task, request.user))


def query_int(request, key, default=None, minimum=None):
    raw = request.query_params.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({key: [f"must be a whole number, got {raw!r}."]}) from None
    if minimum is not None and value < minimum:
        raise ValidationError({key: [f"must be {minimum} or more, got {value}."]})
    if abs(value) > 2**31 - 1:
        raise ValidationError({key: [f"must fit in 32 bits, got {value}."]})
    return value


def query_datetime(request, key):
    raw = request.query_params.get(key)
    if raw in (None, ""):
        return None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = datetime.datetime.combine(day, datetime.time()) if day else None
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({key: [f"invalid date {raw!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS."]})
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def visible_open_tasks(user):
    """Return the tasks of the open projects `user` may see: all of them for admins, their teams' otherwise."""
    tasks = Task.objects.filter(project__project_status__name=OPEN_STATUS)
    if user.role == ADMIN:
        return tasks
    tasks = tasks.filter(project__projectpersonlink__person=user)
    if user.role == VENDOR:
        tasks = tasks.filter(Exists(TaskPersonLink.objects.filter(task=OuterRef("pk"), person=user)))
    return tasks


class OpenTasksView(APIView):
    """GET the tasks of open productions with filters, a page of rows and statistics."""

    permission_classes = [IsAuthenticated]
    default_limit = 100

    def get(self, request):
        user = request.user
        tasks = self.filter_tasks(request, user)
        limit = query_int(request, "limit", self.default_limit, minimum=1)
        page = query_int(request, "page", None, minimum=1)

        # Rows of the page, with what a to-do list shows of the entity, sequence and episode.
        ordered = (
            tasks.select_related(
                "project",
                "task_type",
                "task_status",
                "entity__entity_type",
                "entity__parent__parent",
                "entity__source",
            )
            .prefetch_related(Prefetch("assignees", queryset=Person.objects.only("pk").order_by()))
            .order_by(
                "project__name",
                "entity__parent__parent__name",
                "entity__parent__name",
                "entity__entity_type__name",
                "entity__name",
                "task_type__name",
                "pk",
            )
        )
        offset = (page - 1) * limit if page else 0
        rows = [self.open_task_row(task) for task in ordered[offset : offset + limit]]

        body = {
            "data": rows,
            "stats": {"total_duration": 0, "total_estimation": 0, "total": 0, "status": []},
            "limit": limit,
            "is_more": len(rows) == limit,
            "page": page or 1,
        }
        if rows:
            totals = tasks.order_by().aggregate(
                total=Count("pk"), total_duration=Sum("duration"), total_estimation=Sum("estimation")
            )
            by_status = tasks.order_by().values("task_status_id").annotate(amount=Count("pk"))
            body["stats"] = {
                "total_duration": totals["total_duration"] or 0,
                "total_estimation": totals["total_estimation"] or 0,
                "total": totals["total"],
                "status": [
                    {"task_status_id": str(item["task_status_id"]), "amount": item["amount"]} for item in by_status
                ],
            }
        return Response(body)

    def filter_tasks(self, request, user):
        project_id = query_uuid(request, "project_id")
        if project_id is not None:
            # A named project is read even when closed, as long as the user is in its team.
            if user.role != ADMIN and not is_team_member(user, project_id):
                raise PermissionDenied(NOT_ALLOWED)
            tasks = Task.objects.filter(project_id=project_id)
            if user.role == VENDOR:
                tasks = tasks.filter(Exists(TaskPersonLink.objects.filter(task=OuterRef("pk"), person=user)))
        else:
            tasks = visible_open_tasks(user)

        task_type_id = query_uuid(request, "task_type_id")
        if task_type_id is not None:
            tasks = tasks.filter(task_type_id=task_type_id)
        else:
            tasks = tasks.exclude(task_type__for_entity="Concept")
        task_status_id = query_uuid(request, "task_status_id")
        if task_status_id is not None:
            tasks = tasks.filter(task_status_id=task_status_id)

        tasks = self.filter_assignees(request, tasks)
        start_date = query_datetime(request, "start_date")
        if start_date is not None:
            tasks = tasks.filter(start_date__gte=start_date)
        due_date = query_datetime(request, "due_date")
        if due_date is not None:
            tasks = tasks.filter(due_date__lte=due_date)
        priority = query_int(request, "priority")
        if priority is not None:
            tasks = tasks.filter(task_type__priority=priority)
        return tasks

    def filter_assignees(self, request, tasks):
        links = TaskPersonLink.objects.filter(task=OuterRef("pk"))
        person_ids = request.query_params.get("person_id")
        if person_ids == "unassigned":
            tasks = tasks.filter(~Exists(links))
        elif person_ids:
            ids = []
            for raw in person_ids.split(","):
                try:
                    ids.append(uuid.UUID(raw.strip()))
                except ValueError:
                    raise ValidationError({"person_id": [f"invalid id {raw!r}: expected a UUID."]}) from None
            tasks = tasks.filter(Exists(links.filter(person_id__in=ids)))
        studio_id = query_uuid(request, "studio_id")
        if studio_id is not None:
            tasks = tasks.filter(Exists(links.filter(person__studio_id=studio_id)))
        department_id = query_uuid(request, "department_id")
        if department_id is not None:
            tasks = tasks.filter(Exists(links.filter(person__departments__id=department_id)))
        return tasks

    def open_task_row(self, task):
        entity = task.entity
        entity_type_name = entity.entity_type.name
        sequence = entity.parent if entity.parent_id is not None else None
        episode = sequence.parent if sequence is not None and sequence.parent_id is not None else None
        # Assets point at their episode through `source`; a sequence's parent is its episode.
        if entity_type_name == "Sequence" and sequence is not None:
            episode, sequence = sequence, None
        elif episode is None and entity.source_id is not None:
            episode = entity.source
        row = task_row(task)
        row.update(
            {
                "project_name": task.project.name,
                "project_has_avatar": task.project.has_avatar,
                "entity_name": entity.name,
                "entity_description": entity.description,
                "entity_data": entity.data,
                "entity_preview_file_id": str(entity.preview_file_id or ""),
                "entity_source_id": str(entity.source_id or ""),
                "entity_type_name": entity_type_name,
                "entity_canceled": entity.canceled,
                "sequence_name": sequence.name if sequence is not None else None,
                "episode_id": str(episode.pk) if episode is not None else "",
                "episode_name": episode.name if episode is not None else None,
                "type_name": task.task_type.name,
                "task_type_for_entity": task.task_type.for_entity,
                "status_name": task.task_status.name,
                "type_color": task.task_type.color,
                "status_color": task.task_status.color,
                "status_short_name": task.task_status.short_name,
            }
        )
        return row


class OpenTasksStatsView(APIView):
    """GET task counts, durations and estimations per open project, task type and status."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        tasks = visible_open_tasks(request.user).exclude(task_type__for_entity="Concept")
        groups = (
            tasks.order_by()
            .values("project_id", "task_type_id", "task_status_id")
            .annotate(
                amount=Count("pk"),
                amount_done=Count("pk", filter=Q(task_status__is_done=True)),
                total_duration=Sum("duration"),
                total_estimation=Sum("estimation"),
            )
        )
        stats = {}
        for group in groups:
            project_id = str(group["project_id"])
            project = stats.setdefault(
                project_id,
                {"amount": 0, "amount_done": 0, "total_duration": 0, "total_estimation": 0, "task_types": []},
            )
            item = {
                "task_status_id": str(group["task_status_id"]),
                "task_type_id": str(group["task_type_id"]),
                "project_id": project_id,
                "amount": group["amount"],
                "amount_done": group["amount_done"],
                "total_duration": group["total_duration"] or 0,
                "total_estimation": group["total_estimation"] or 0,
            }
            for key in ("amount", "amount_done", "total_duration", "total_estimation"):
                project[key] += item[key]
            project["task_types"].append(item)
        return Response(stats)


class PersonTasksView(APIView):
    """GET the tasks assigned to a person in the open projects the caller shares: unfinished or done ones.

    Clients, and vendors asking about a vendor, get an empty list, as in the reference.
    """

    permission_classes = [IsAuthenticated]
    done = False

    def get(self, request, person_id):
        user = request.user
        person = Person.objects.filter(pk=parse_path_id(person_id)).first()
        if person is None:
            raise NotFound(f"No person has the id {person_id}.")
        if person.is_bot:
            raise ValidationError({"person_id": ["a bot has no tasks."]})
        if user.role == CLIENT or (user.role == VENDOR and person.role == VENDOR):
            return Response([])

        projects = Project.objects.filter(project_status__name=OPEN_STATUS)
        if user.role != ADMIN:
            projects = projects.filter(projectpersonlink__person=user)
        tasks = Task.objects.filter(
            Exists(TaskPersonLink.objects.filter(task=OuterRef("pk"), person=person)),
            task_status__is_done=self.done,
            project__in=projects.values("pk"),
        )
        if self.done:
            tasks = tasks.order_by(F("end_date").desc(nulls_last=True), "task_type__name", "entity__name", "pk")
        else:
            tasks = tasks.order_by("project__name", "task_type__name", "entity__name", "pk")
        return Response(todo_task_rows(tasks))


# ---- /actions/tasks/... ------------------------------------------------------


class TaskAssignView(APIView):
    """PUT a person on a task's assignees."""

    permission_classes = [IsAuthenticated]

    def put(self, request, task_id):
        task = load_task(task_id)
        person_id = body_id(request_body(request), "person_id")
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise ValidationError({"person_id": [f"no person has the id {person_id}."]})
        if person.is_bot:
            raise ValidationError({"person_id": ["a bot cannot be assigned to a task."]})
        if not AssignationRules(request.user, person, [task.project_id]).can_assign(task):
            raise PermissionDenied(NOT_ALLOWED)
        task_services.tasks_assign(tasks=[task], person=person, assigner=request.user)
        return Response(task_row(load_task(task.pk)))


class PersonAssignView(APIView):
    """PUT a person on several tasks; unknown tasks and tasks the caller may not assign are skipped."""

    permission_classes = [IsAuthenticated]

    def put(self, request, person_id):
        person = Person.objects.filter(pk=parse_path_id(person_id)).first()
        if person is None:
            raise NotFound(f"No person has the id {person_id}.")
        if person.is_bot:
            raise ValidationError({"person_id": ["a bot cannot be assigned to a task."]})
        task_ids = body_id_list(request_body(request), "task_ids")
        tasks = list(Task.objects.select_related("task_type").filter(pk__in=task_ids))
        rules = AssignationRules(request.user, person, {task.project_id for task in tasks})
        allowed = [task for task in tasks if rules.can_assign(task)]
        task_services.tasks_assign(tasks=allowed, person=person, assigner=request.user)
        assigned = task_queryset().filter(pk__in=[task.pk for task in allowed]).order_by("name", "pk")
        return Response([task_row(task) for task in assigned])


class ClearAssignationView(APIView):
    """PUT to remove one person, or everyone, from the assignees of several tasks.

    Returns the ids of the tasks changed; unknown tasks and tasks the caller may not change are skipped.
    """

    permission_classes = [IsAuthenticated]

    def put(self, request):
        data = request_body(request)
        task_ids = body_id_list(data, "task_ids")
        person_id = body_id(data, "person_id", required=False)
        person = None
        if person_id is not None:
            person = Person.objects.filter(pk=person_id).first()
            if person is None:
                raise ValidationError({"person_id": [f"no person has the id {person_id}."]})
        tasks = list(task_queryset().filter(pk__in=task_ids))
        rules = AssignationRules(request.user, person, {task.project_id for task in tasks})
        allowed = [
            task for task in tasks if rules.can_unassign(task, {assignee.pk for assignee in task.assignees.all()})
        ]
        cleared = task_services.tasks_clear_assignation(tasks=allowed, person=person)
        return Response([str(task_id) for task_id in cleared])


def query_flag_value(value, key, default=True):
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    lowered = str(value).lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ValidationError({key: [f"invalid value {value!r}: expected true or false."]})


class TaskToReviewView(APIView):
    """PUT a task in the "To review" status on behalf of a person (an older Gazu call)."""

    permission_classes = [IsAuthenticated]

    def put(self, request, task_id):
        user = request.user
        task = load_task(task_id)
        data = request_body(request)
        person_id = body_id(data, "person_id", required=False)
        comment = data.get("comment", "") or ""
        change_status = query_flag_value(data.get("change_status"), "change_status")
        if not isinstance(comment, str):
            raise ValidationError({"comment": ["expected a string."]})
        revision = data.get("revision")
        if isinstance(revision, str) and revision.isdigit():
            revision = int(revision)
        if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int) or revision < 1):
            raise ValidationError({"revision": [f"expected a revision number of 1 or more, got {revision!r}."]})
        check_task_read(user, task)
        check_task_action(user, task)

        person = user
        if person_id is not None:
            person = Person.objects.filter(pk=person_id).first()
            if person is None:
                raise ValidationError({"person_id": [f"no person has the id {person_id}."]})
        task = task_services.task_to_review(task=task, person=person, change_status=change_status)

        row = task_row(task, relations=False)
        row.update(
            {
                "project": project_row(task.project),
                "entity": entity_row(task.entity),
                "entity_type": serialize_row(task.entity.entity_type),
                "person": person_row(person, user, relations=True),
                "comment": comment,
                # TODO: build the preview path from the project's file tree once file trees are served.
                "preview_path": {"folder_path": "", "file_name": ""},
            }
        )
        return Response(row)


class TaskMainPreviewView(APIView):
    """PUT: make the task's last preview (the first ready one of its highest revision) the thumbnail
    of its entity, and return the entity."""

    permission_classes = [IsAuthenticated]

    def put(self, request, task_id):
        user = request.user
        task = load_task(task_id)
        check_task_read(user, task)
        # Clients review previews; they do not pick an entity's thumbnail.
        if user.role == CLIENT:
            raise PermissionDenied("You are not allowed to do this: clients do not set main previews.")
        check_task_action(user, task)
        preview = preview_services.task_last_preview(task.pk)
        if preview is None:
            raise ValidationError(
                {"last_preview_file_id": ["the task has no ready preview yet: upload a preview on a comment first."]}
            )
        entity = entity_services.entity_main_preview_set(entity=task.entity, preview_file_id=preview.pk, user=user)
        return Response(entity_row(entity))


# ---- /actions/projects/{id}/delete-tasks and .../task-types/{id}/delete-tasks ----------------


class ProjectTasksDeleteView(APIView):
    """POST a JSON list of task ids to delete those tasks of the project with their comments.

    Admins and the project's managers may do it. The response lists the deleted ids, and
    ids of other projects are left alone.
    """

    permission_classes = [IsAuthenticated]

    def post(self, request, project_id):
        project = path_row(Project.objects.all(), project_id, "project")
        if not is_project_manager(request.user, project.pk):
            raise PermissionDenied(NOT_ALLOWED)
        data = request.data
        if not isinstance(data, list):
            data = data.get("task_ids") if isinstance(data, dict) else None
        if not isinstance(data, list):
            raise ValidationError({"task_ids": ["expected a JSON list of task ids."]})
        task_ids = body_id_list({"task_ids": data}, "task_ids") if data else []
        tasks = Task.objects.filter(project=project, pk__in=task_ids)
        deleted = task_services.tasks_delete(tasks=tasks, user=request.user)
        return Response([str(task_id) for task_id in deleted])


class TaskTypeTasksDeleteView(APIView):
    """DELETE every task of one task type in the project, with their comments (admins only)."""

    permission_classes = [IsAuthenticated]

    def delete(self, request, project_id, task_type_id):
        if request.user.role != ADMIN:
            raise PermissionDenied("Only studio managers (admins) delete every task of a task type.")
        project = path_row(Project.objects.all(), project_id, "project")
        task_type = path_row(TaskType.objects.all(), task_type_id, "task type")
        tasks = Task.objects.filter(project=project, task_type=task_type)
        task_services.tasks_delete(tasks=tasks, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- /actions/projects/{id}/task-types/{id}/.../create-tasks ------------------


def entities_of_kind(project, kind):
    """Return the entities of `project` of the kind `kind` ("Asset" means every asset type)."""
    entities = Entity.objects.filter(project=project).select_related("entity_type")
    if kind == "Asset":
        return entities.exclude(entity_type__name__in=TEMPORAL_ENTITY_TYPES)
    return entities.filter(entity_type__name=kind)


class CreateTasksView(APIView):
    """POST to create the task of a task type on many entities at once.

    The body is a list of entity ids; without one, every entity of that kind in the
    project gets a task, narrowed to one episode with `?episode_id=`.
    Entities that already have a task of the type are skipped. Returns the new tasks.
    """

    permission_classes = [IsAuthenticated]
    kind = None

    def post(self, request, project_id, task_type_id, entity_type=None):
        user = request.user
        kind = self.kind or self.kind_from_path(entity_type)
        project = Project.objects.filter(pk=parse_path_id(project_id)).first()
        if project is None:
            raise NotFound(f"No project has the id {project_id}.")
        task_type = TaskType.objects.filter(pk=parse_path_id(task_type_id)).first()
        if task_type is None:
            raise NotFound(f"No task type has the id {task_type_id}.")
        if not self.may_create(user, project):
            raise PermissionDenied("You are not allowed to do this: only the project's managers may create tasks.")

        entities = self.chosen_entities(request, project, kind)
        tasks = task_services.tasks_create_for_entities(task_type=task_type, entities=entities, created_by=user)
        return Response([self.created_task_row(task) for task in tasks], status=status.HTTP_201_CREATED)

    def may_create(self, user, project):
        if self.kind == "Concept":
            # Concepts are drawn by artists too: any team member but clients and vendors creates their tasks.
            return user.role == ADMIN or (user.role not in (CLIENT, VENDOR) and is_team_member(user, project.pk))
        return is_project_manager(user, project.pk)

    def kind_from_path(self, entity_type):
        name = (entity_type or "").capitalize()
        if not name or not EntityType.objects.filter(name=name).exists():
            raise NotFound(f"No entity type is named {entity_type!r}.")
        return name

    def chosen_entities(self, request, project, kind):
        entities = entities_of_kind(project, kind)
        body = request.data
        if isinstance(body, list) and body:
            ids = []
            for value in body:
                try:
                    ids.append(uuid.UUID(str(value)))
                except ValueError:
                    raise ValidationError({"entity_ids": [f"invalid id {value!r}: expected a UUID."]}) from None
            ids = list(dict.fromkeys(ids))
            found = {entity.pk: entity for entity in entities_of_kind_any_project(kind).filter(pk__in=ids)}
            missing = [str(entity_id) for entity_id in ids if entity_id not in found]
            if missing:
                raise NotFound(f"No {kind.lower()} has the id {missing[0]}.")
            # Entities of other projects are skipped, as the reference does.
            return [found[entity_id] for entity_id in ids if found[entity_id].project_id == project.pk]
        if body not in (None, [], {}, "") and not isinstance(body, list):
            raise ValidationError({"entity_ids": ["expected a list of entity ids."]})
        episode_id = query_uuid(request, "episode_id")
        if episode_id is not None:
            entities = entities.filter(Q(parent__parent_id=episode_id) | Q(parent_id=episode_id))
        return list(entities.order_by("name"))

    def created_task_row(self, task):
        row = task_row(task, relations=False)
        row["assignees"] = []
        row.update(
            {
                "task_status_name": task.task_status.name,
                "task_status_short_name": task.task_status.short_name,
                "task_status_color": task.task_status.color,
                "task_type_name": task.task_type.name,
                "task_type_color": task.task_type.color,
                "task_type_priority": task.task_type.priority,
            }
        )
        return row


def entities_of_kind_any_project(kind):
    entities = Entity.objects.select_related("entity_type")
    if kind == "Asset":
        return entities.exclude(entity_type__name__in=TEMPORAL_ENTITY_TYPES)
    return entities.filter(entity_type__name=kind)


urlpatterns = [
    re_path(r"^tasks/open-tasks/?$", OpenTasksView.as_view()),
    re_path(r"^tasks/open-tasks/stats/?$", OpenTasksStatsView.as_view()),
    re_path(rf"^tasks/{TASK}/full/?$", TaskFullView.as_view()),
    re_path(r"^persons/(?P<person_id>[^/]+)/tasks/?$", PersonTasksView.as_view()),
    re_path(r"^persons/(?P<person_id>[^/]+)/done-tasks/?$", PersonTasksView.as_view(done=True)),
]

action_urlpatterns = [
    re_path(r"^tasks/clear-assignation/?$", ClearAssignationView.as_view()),
    re_path(rf"^tasks/{TASK}/assign/?$", TaskAssignView.as_view()),
    re_path(rf"^tasks/{TASK}/to-review/?$", TaskToReviewView.as_view()),
    re_path(rf"^tasks/{TASK}/set-main-preview/?$", TaskMainPreviewView.as_view()),
    re_path(r"^persons/(?P<person_id>[^/]+)/assign/?$", PersonAssignView.as_view()),
    re_path(r"^projects/(?P<project_id>[^/]+)/delete-tasks/?$", ProjectTasksDeleteView.as_view()),
    re_path(
        r"^projects/(?P<project_id>[^/]+)/task-types/(?P<task_type_id>[^/]+)/delete-tasks/?$",
        TaskTypeTasksDeleteView.as_view(),
    ),
    re_path(CREATE_TASKS + r"shots/create-tasks/?$", CreateTasksView.as_view(kind="Shot")),
    re_path(CREATE_TASKS + r"assets/create-tasks/?$", CreateTasksView.as_view(kind="Asset")),
    re_path(CREATE_TASKS + r"edits/create-tasks/?$", CreateTasksView.as_view(kind="Edit")),
    re_path(CREATE_TASKS + r"concepts/create-tasks/?$", CreateTasksView.as_view(kind="Concept")),
    re_path(CREATE_TASKS + r"create-tasks/(?P<entity_type>[^/]+)/?$", CreateTasksView.as_view()),
]
