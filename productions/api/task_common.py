"""Shared parts of the task and comment routes: loading rows by id, access rules and JSON shapes."""

import uuid

from django.db.models import Prefetch
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from accounts.api.viewsets import PERSON_PUBLIC_KEYS
from accounts.models import Person
from kitsu_project.api.permissions import ADMIN, ARTIST, CLIENT, MANAGER, STAFF_ROLES, SUPERVISOR, VENDOR
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import parse_path_id
from playlists.services.attachments import comment_attachment_summaries
from playlists.services.comment_previews import comment_preview_summaries
from productions.access import can_read_entity_row, is_team_member
from productions.models import (
    Comment,
    ProjectPersonLink,
    Subscription,
    Task,
)

NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."


# ---- ids and loading ---------------------------------------------------------


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
    row["previews"] = comment_preview_summaries(comment)
    row["mentions"] = [str(person.pk) for person in comment.mentions.all()]
    row["department_mentions"] = [str(department.pk) for department in comment.department_mentions.all()]
    row["attachment_files"] = comment_attachment_summaries(comment, with_reply_id=True)
    return row


def new_comment_row(comment, viewer):
    """Serialize a new comment with its relations, its status and its author, as the comment route returns it."""
    row = serialize_row(comment, relations=True)
    # Previews are added to a comment after it is created (add-preview), so a new comment has none.
    row["previews"] = []
    row["attachment_files"] = comment_attachment_summaries(comment)
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
            "is_subscribed": Subscription.objects.filter(person_id=viewer.pk, task_id=task.pk).exists(),
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


TASK = r"(?P<task_id>[^/]+)"
COMMENT = r"(?P<comment_id>[^/]+)"
CREATE_TASKS = r"^projects/(?P<project_id>[^/]+)/task-types/(?P<task_type_id>[^/]+)/"
