"""Task routes beyond the generic CRUD: the full task, open tasks, comments, assignation,
review and bulk task creation.

`urlpatterns` go under /api/data/, `action_urlpatterns` under /api/actions/.
"""

import datetime
import json
import uuid

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.urls import re_path
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.viewsets import PERSON_PUBLIC_KEYS
from accounts.models import Person
from kitsu_project.api.errors import MissingArgument
from kitsu_project.api.permissions import ADMIN, ARTIST, CLIENT, MANAGER, STAFF_ROLES, SUPERVISOR, VENDOR
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import parse_path_id
from productions.access import can_read_entity_row, is_project_manager, is_team_member
from productions.models import (
    Comment,
    Entity,
    EntityType,
    Project,
    ProjectPersonLink,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)
from productions.models.entity import TEMPORAL_ENTITY_TYPES
from productions.services import comments as comment_services
from productions.services import tasks as task_services
from productions.services.projects import OPEN_STATUS
from productions.services.user_views import todo_task_rows

NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."
# TODO: fill these lists once preview files and attachment files have their tables.
NO_PREVIEWS = ()
NO_ATTACHMENTS = ()


# ---- ids and loading ---------------------------------------------------------


def body_id(data, key, *, required=True):
    """Return the UUID under `key` in a request body, or raise a 400 naming the key."""
    value = data.get(key) if isinstance(data, dict) else None
    if value in (None, ""):
        if required:
            raise ValidationError({key: ["this field is required."]})
        return None
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise ValidationError({key: [f"invalid id {value!r}: expected a UUID."]}) from None


def body_id_list(data, key):
    """Return the UUIDs under `key`: a list of ids, or one id (Gazu sends a single task id)."""
    value = data.get(key) if isinstance(data, dict) else None
    if value in (None, "", []):
        raise ValidationError({key: ["this field is required: send a list of ids."]})
    values = value if isinstance(value, list) else [value]
    ids = []
    for item in values:
        try:
            ids.append(uuid.UUID(str(item)))
        except (ValueError, AttributeError, TypeError):
            raise ValidationError({key: [f"invalid id {item!r}: expected a UUID."]}) from None
    return list(dict.fromkeys(ids))


def request_body(request):
    """Return the request body as a dict (JSON object or form fields)."""
    data = request.data
    if hasattr(data, "dict"):
        data = data.dict()
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["expected a JSON object."]})
    return data


def task_queryset(assignees=None):
    """Return tasks joined with what their routes read; `assignees` is the person queryset to prefetch."""
    if assignees is None:
        assignees = Person.objects.only("pk").order_by()
    return Task.objects.select_related("project", "entity__entity_type", "task_type", "task_status").prefetch_related(
        Prefetch("assignees", queryset=assignees)
    )


def load_task(task_id, queryset=None):
    task = (queryset if queryset is not None else task_queryset()).filter(pk=parse_path_id(task_id)).first()
    if task is None:
        raise NotFound(f"No task has the id {task_id}.")
    return task


def load_person(person_id, *, key="person_id"):
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(f"No person has the id {person_id} ({key}).")
    return person


def load_comment(task, comment_id):
    comment = (
        Comment.objects.select_related("person", "task_status")
        .filter(pk=parse_path_id(comment_id), object_id=task.pk)
        .first()
    )
    if comment is None:
        raise NotFound(f"No comment has the id {comment_id} on task {task.pk}.")
    return comment


# ---- access rules ------------------------------------------------------------


def department_ids(person):
    return set(person.departments.values_list("pk", flat=True))


def check_task_read(user, task):
    """Team members read a task; a vendor also needs a task assigned on the same entity."""
    if user.role != ADMIN and not can_read_entity_row(user, task.project_id, task.entity_id):
        raise PermissionDenied(NOT_ALLOWED)


def supervises_task(user, task, user_departments):
    """Return True when `user` supervises the task: every task without departments, else their departments' tasks."""
    return user.role == SUPERVISOR and (not user_departments or task.task_type.department_id in user_departments)


def check_task_action(user, task):
    """Allow commenting or sending to review: managers and clients of the team, the assignees,
    and supervisors of the task type's department."""
    if user.role == ADMIN:
        return
    if not is_team_member(user, task.project_id):
        raise PermissionDenied(NOT_ALLOWED)
    if user.role in (MANAGER, CLIENT):
        return
    assignee_ids = {person.pk for person in task.assignees.all()}
    if user.pk in assignee_ids or supervises_task(user, task, department_ids(user)):
        return
    raise PermissionDenied("You are not allowed to do this: the task is not assigned to you.")


def check_status_change(user, task, task_status):
    """Artists and vendors may set only artist statuses, clients only client statuses other than work ones.

    Keeping the task's current status is always allowed, so anyone who may comment can comment.
    Clients are refused work statuses (`is_wip`), which the reference accepts.
    """
    if task_status.pk == task.task_status_id:
        return
    if user.role in (ARTIST, VENDOR) and not task_status.is_artist_allowed:
        raise PermissionDenied("You are not allowed to set this status: it is not open to artists.")
    if user.role == CLIENT and (not task_status.is_client_allowed or task_status.is_wip):
        raise PermissionDenied("You are not allowed to set this status: it is not open to clients.")


class AssignationRules:
    """Assignation permissions of one caller, loaded once per request so bulk routes run a fixed number of queries."""

    def __init__(self, user, person, project_ids):
        self.user = user
        self.person = person
        self.member_of = set()
        if user.role != ADMIN:
            self.member_of = set(
                ProjectPersonLink.objects.filter(person=user, project_id__in=project_ids).values_list(
                    "project_id", flat=True
                )
            )
        self.user_departments = department_ids(user) if user.role != ADMIN else set()
        self.person_departments = department_ids(person) if person is not None else set()

    def can_assign(self, task):
        """Admins and team managers assign anyone; supervisors within their departments; others themselves."""
        user = self.user
        if user.role == ADMIN:
            return True
        if task.project_id not in self.member_of or user.role in (CLIENT, VENDOR):
            return False
        if user.role == MANAGER:
            return True
        task_department = task.task_type.department_id
        if user.role == SUPERVISOR:
            if not self.user_departments:
                return True
            if task_department in self.user_departments and self.user_departments & self.person_departments:
                return True
        return self.person.pk == user.pk and task_department in self.user_departments

    def can_unassign(self, task, assignee_ids):
        """Admins, team managers and department supervisors unassign anyone; an assignee themselves."""
        user = self.user
        if user.role == ADMIN:
            return True
        if task.project_id not in self.member_of or user.role in (CLIENT, VENDOR):
            return False
        if user.role == MANAGER:
            return True
        if user.role == SUPERVISOR and (
            not self.user_departments or task.task_type.department_id in self.user_departments
        ):
            return True
        return self.person is not None and self.person.pk == user.pk and user.pk in assignee_ids


# ---- serialization -----------------------------------------------------------


def task_row(task, *, relations=True):
    return serialize_row(task, relations=relations)


def person_row(person, viewer, *, relations=False):
    """Serialize a person as `viewer` may see it: admins and managers see every column, others the public ones."""
    row = serialize_row(person, relations=relations)
    if viewer.role in STAFF_ROLES or viewer.pk == person.pk:
        return row
    return {key: value for key, value in row.items() if key in PERSON_PUBLIC_KEYS}


def entity_row(entity):
    # The reference types every embedded entity as "Entity" except the sequence and episode.
    row = serialize_row(entity)
    row["type"] = "Entity"
    return row


def project_row(project):
    return serialize_row(project, exclude=("project_status_name",))


def comment_summary_row(comment):
    """Serialize a comment of a task's comment list, with short author, editor and status objects."""
    row = serialize_row(comment)
    person = comment.person
    row["person"] = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "has_avatar": person.has_avatar,
        "id": str(person.pk),
    }
    if comment.editor_id is not None:
        editor = comment.editor
        row["editor"] = {
            "first_name": editor.first_name,
            "last_name": editor.last_name,
            "has_avatar": editor.has_avatar,
            "id": str(editor.pk),
        }
    if comment.task_status_id is not None:
        task_status = comment.task_status
        row["task_status"] = {
            "name": task_status.name,
            "short_name": task_status.short_name,
            "color": task_status.color,
            "id": str(task_status.pk),
        }
    row["acknowledgements"] = [str(person.pk) for person in comment.acknowledgements.all()]
    row["previews"] = list(NO_PREVIEWS)
    row["mentions"] = [str(person.pk) for person in comment.mentions.all()]
    row["department_mentions"] = [str(department.pk) for department in comment.department_mentions.all()]
    row["attachment_files"] = list(NO_ATTACHMENTS)
    return row


def new_comment_row(comment, viewer):
    """Serialize a new comment with its relations, its status and its author, as the comment route returns it."""
    row = serialize_row(comment, relations=True)
    row["previews"] = list(NO_PREVIEWS)
    row["attachment_files"] = list(NO_ATTACHMENTS)
    row["task_status"] = serialize_row(comment.task_status)
    row["person"] = person_row(comment.person, viewer)
    return row


def full_task_row(task, viewer):
    """Serialize a task with its entity, project, type, status, assignees, and sequence and episode for shots."""
    entity = task.entity
    entity_type = entity.entity_type
    row = task_row(task)
    row.update(
        {
            "entity": entity_row(entity),
            "entity_type": serialize_row(entity_type),
            # TODO: read the subscription once task subscriptions have their table.
            "is_subscribed": False,
            "persons": [person_row(person, viewer) for person in task.assignees.all()],
            "project": project_row(task.project),
            "task_status": serialize_row(task.task_status),
            "task_type": serialize_row(task.task_type),
            "type": "Task",
        }
    )
    if task.assigner_id is not None:
        row["assigner"] = person_row(task.assigner, viewer)

    # Shots and scenes sit in a sequence, which may sit in an episode; assets have neither.
    sequence = None
    if entity.parent_id is not None:
        if entity_type.name == "Sequence":
            sequence = entity
        elif entity_type.name in ("Shot", "Scene"):
            sequence = entity.parent
    if sequence is not None:
        row["sequence"] = serialize_row(sequence)
        if sequence.parent_id is not None:
            row["episode"] = serialize_row(sequence.parent)
    return row


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


def query_uuid(request, key):
    raw = request.query_params.get(key)
    if raw in (None, ""):
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError({key: [f"invalid id {raw!r}: expected a UUID."]}) from None


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


def readable_comments(user, task):
    """Return the comments of `task` that `user` may read, newest first.

    Managers and supervisors read every comment, artists and vendors those not written
    by clients, and clients those written by clients (only their own when the project
    isolates its clients).
    """
    comments = (
        Comment.objects.filter(object_id=task.pk)
        .select_related("person", "editor", "task_status")
        .prefetch_related(
            Prefetch("acknowledgements", queryset=Person.objects.only("pk").order_by()),
            Prefetch("mentions", queryset=Person.objects.only("pk").order_by()),
            "department_mentions",
        )
        .order_by("-created_at")
    )
    if user.role == CLIENT:
        if task.project.is_clients_isolated:
            return comments.filter(person=user)
        return comments.filter(person__role=CLIENT)
    if user.role in (ADMIN, MANAGER, SUPERVISOR):
        return comments
    return comments.exclude(person__role=CLIENT)


def check_comment_read(user, task, comment):
    if user.role in (ADMIN, MANAGER, SUPERVISOR):
        return
    author_is_client = comment.person.role == CLIENT
    if user.role == CLIENT:
        isolated = task.project.is_clients_isolated
        allowed = comment.person_id == user.pk if isolated else author_is_client
    else:
        allowed = not author_is_client
    if not allowed:
        raise PermissionDenied("You are not allowed to read this comment.")


class TaskCommentsView(APIView):
    """GET the comments of a task that the caller may read, newest first."""

    permission_classes = [IsAuthenticated]

    def get(self, request, task_id):
        task = load_task(task_id)
        check_task_read(request.user, task)
        return Response([comment_summary_row(comment) for comment in readable_comments(request.user, task)])


class TaskCommentView(APIView):
    """GET or DELETE one comment of a task."""

    permission_classes = [IsAuthenticated]

    def get(self, request, task_id, comment_id):
        task = load_task(task_id)
        comment = load_comment(task, comment_id)
        check_task_read(request.user, task)
        check_comment_read(request.user, task, comment)
        return Response(serialize_row(comment))

    def delete(self, request, task_id, comment_id):
        user = request.user
        task = load_task(task_id)
        comment = load_comment(task, comment_id)
        # Admins and team managers delete any comment; everyone else only their own.
        if user.role in STAFF_ROLES:
            allowed = is_project_manager(user, task.project_id)
        else:
            allowed = comment.person_id == user.pk
        if not allowed:
            raise PermissionDenied("You are not allowed to delete this comment: you are not its author.")
        comment_services.comment_delete(comment=comment, task=task)
        return Response(status=status.HTTP_204_NO_CONTENT)


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


def parse_json_list(data, key, item_type):
    """Return the list under `key`; form posts send it as a JSON string."""
    value = data.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError({key: ["invalid JSON: expected a list."]}) from None
    if not isinstance(value, list) or not all(isinstance(item, item_type) for item in value):
        expected = "objects" if item_type is dict else "strings"
        raise ValidationError({key: [f"expected a list of {expected}."]})
    return value


def parse_comment_date(data):
    raw = data.get("created_at")
    if raw in (None, ""):
        return None
    value = parse_datetime(str(raw)) if isinstance(raw, str) else None
    if value is None:
        raise ValidationError({"created_at": [f"invalid date {raw!r}: expected YYYY-MM-DDTHH:MM:SS."]})
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


class TaskCommentCreateView(APIView):
    """POST a comment on a task; its status becomes the task's status."""

    permission_classes = [IsAuthenticated]

    def post(self, request, task_id):
        user = request.user
        task = load_task(task_id, task_queryset().select_related("entity"))
        data = request_body(request)
        if data.get("task_status_id") in (None, ""):
            raise MissingArgument("task_status_id", "this field is required: send the id of the new task status.")
        status_id = body_id(data, "task_status_id")
        text = data.get("comment", "") or ""
        if not isinstance(text, str):
            raise ValidationError({"comment": ["expected a string."]})
        checklist = parse_json_list(data, "checklist", dict)
        links = parse_json_list(data, "links", str)

        task_status = TaskStatus.objects.filter(pk=status_id).first()
        if task_status is None:
            raise NotFound(f"No task status has the id {status_id}.")
        check_task_action(user, task)
        check_status_change(user, task, task_status)

        # Only managers may write on behalf of someone else or backdate a comment.
        author, created_at = user, None
        if user.role in STAFF_ROLES:
            author_id = body_id(data, "person_id", required=False)
            if author_id is not None:
                author = load_person(author_id)
            created_at = parse_comment_date(data)

        comment = comment_services.comment_create(
            task=task,
            task_status=task_status,
            author=author,
            text=text,
            checklist=checklist,
            links=links,
            created_at=created_at,
        )
        return Response(new_comment_row(comment, user), status=status.HTTP_201_CREATED)


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


TASK = r"(?P<task_id>[^/]+)"
COMMENT = r"(?P<comment_id>[^/]+)"
CREATE_TASKS = r"^projects/(?P<project_id>[^/]+)/task-types/(?P<task_type_id>[^/]+)/"

urlpatterns = [
    re_path(r"^tasks/open-tasks/?$", OpenTasksView.as_view()),
    re_path(r"^tasks/open-tasks/stats/?$", OpenTasksStatsView.as_view()),
    re_path(rf"^tasks/{TASK}/full/?$", TaskFullView.as_view()),
    re_path(rf"^tasks/{TASK}/comments/?$", TaskCommentsView.as_view()),
    re_path(rf"^tasks/{TASK}/comments/{COMMENT}/?$", TaskCommentView.as_view()),
    re_path(r"^persons/(?P<person_id>[^/]+)/tasks/?$", PersonTasksView.as_view()),
    re_path(r"^persons/(?P<person_id>[^/]+)/done-tasks/?$", PersonTasksView.as_view(done=True)),
]

action_urlpatterns = [
    re_path(r"^tasks/clear-assignation/?$", ClearAssignationView.as_view()),
    re_path(rf"^tasks/{TASK}/assign/?$", TaskAssignView.as_view()),
    re_path(rf"^tasks/{TASK}/comment/?$", TaskCommentCreateView.as_view()),
    re_path(rf"^tasks/{TASK}/to-review/?$", TaskToReviewView.as_view()),
    re_path(r"^persons/(?P<person_id>[^/]+)/assign/?$", PersonAssignView.as_view()),
    re_path(CREATE_TASKS + r"shots/create-tasks/?$", CreateTasksView.as_view(kind="Shot")),
    re_path(CREATE_TASKS + r"assets/create-tasks/?$", CreateTasksView.as_view(kind="Asset")),
    re_path(CREATE_TASKS + r"edits/create-tasks/?$", CreateTasksView.as_view(kind="Edit")),
    re_path(CREATE_TASKS + r"concepts/create-tasks/?$", CreateTasksView.as_view(kind="Concept")),
    re_path(CREATE_TASKS + r"create-tasks/(?P<entity_type>[^/]+)/?$", CreateTasksView.as_view()),
]
