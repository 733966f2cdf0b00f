"""Comment routes of a task: reading a task's comments and commenting with a status change.

`urlpatterns` go under /api/data/, `action_urlpatterns` under /api/actions/.
"""

import datetime
import json

from django.db.models import Prefetch, Q
from django.urls import re_path
from django.utils.dateparse import parse_datetime
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Person
from kitsu_project.api.errors import MissingArgument
from kitsu_project.api.permissions import ADMIN, CLIENT, MANAGER, STAFF_ROLES, SUPERVISOR
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import body_id, request_body
from playlists.services import attachments as attachment_services
from playlists.services.comment_previews import comment_previews_prefetch, has_client_visible_preview
from productions.access import is_project_manager, is_team_member
from productions.models import (
    Comment,
    TaskStatus,
)
from productions.services import comments as comment_services

from .task_common import (
    COMMENT,
    TASK,
    check_status_change,
    check_task_action,
    check_task_read,
    comment_summary_row,
    department_ids,
    load_comment,
    load_person,
    load_task,
    new_comment_row,
    supervises_task,
    task_queryset,
)


def readable_comments(user, task):
    """Return the comments of `task` that `user` may read, newest first.

    Managers and supervisors read every comment, artists and vendors those not written
    by clients, and clients those written by clients (only their own when the project
    isolates its clients). Clients also get the studio's comments that carry previews
    they may see, which `TaskCommentsView` reduces to their previews.
    """
    comments = (
        Comment.objects.filter(object_id=task.pk)
        .select_related("person", "editor", "task_status")
        .prefetch_related(
            Prefetch("acknowledgements", queryset=Person.objects.only("pk").order_by()),
            Prefetch("mentions", queryset=Person.objects.only("pk").order_by()),
            "department_mentions",
            comment_previews_prefetch(hide_rejected=user.role == CLIENT),
            attachment_services.attachments_prefetch(),
        )
        .order_by("-created_at")
    )
    if user.role == CLIENT:
        studio_previews = Q(has_client_visible_preview()) & ~Q(person__role=CLIENT)
        if task.project.is_clients_isolated:
            return comments.filter(Q(person=user) | studio_previews)
        return comments.filter(Q(person__role=CLIENT) | studio_previews)
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


def checklist_value(data):
    """Return the `checklist` of an edit, a list of {"text", "checked"} items, or raise a 400 naming it."""
    value = data.get("checklist")
    if value is None:
        return None
    valid = isinstance(value, list) and all(
        isinstance(item, dict)
        and isinstance(item.get("text", ""), str)
        and isinstance(item.get("checked", False), bool)
        for item in value
    )
    if not valid:
        example = '{"text": "Fix the hair", "checked": false}'
        raise ValidationError({"checklist": [f"expected a list of items such as {example}."]})
    return value


def only_ticks_change(old, new):
    """Return True when `new` is `old` with only some `checked` flags flipped."""
    old = old or []
    if len(old) != len(new):
        return False
    pairs = zip(old, new, strict=True)
    return all({**before, "checked": None} == {**after, "checked": None} for before, after in pairs)


def check_comment_edit(user, task, comment, data):
    """Allow an edit of `comment` through PUT /data/comments/{id}, or raise 403.

    Managers of the team edit any comment. Authors edit their own. Others may only pin
    (supervisors of the task's department) or tick checklist items (those supervisors and
    the task's assignees). Only admins move a comment or change its author.
    """
    if user.role == ADMIN:
        return
    if not is_team_member(user, task.project_id):
        raise PermissionDenied("You are not allowed to do this: you are not in the project's team.")
    for key, current in (("person_id", comment.person_id), ("object_id", comment.object_id)):
        if key in data and str(data[key]) != str(current):
            raise PermissionDenied(f"You are not allowed to change the {key} of a comment.")
    if user.role == MANAGER:
        return
    in_department = supervises_task(user, task, department_ids(user))
    if "pinned" in data and data["pinned"] != comment.pinned and not in_department:
        raise PermissionDenied("Only supervisors of the task's department pin comments.")
    if comment.person_id == user.pk:
        if "task_status_id" in data and str(data["task_status_id"]) != str(comment.task_status_id):
            task_status = TaskStatus.objects.filter(pk=body_id(data, "task_status_id")).first()
            if task_status is None:
                raise ValidationError({"task_status_id": [f"no task status has the id {data['task_status_id']}."]})
            check_status_change(user, task, task_status)
        return
    others = {key for key in data if key not in ("pinned", "checklist")}
    others = {key for key in others if str(data[key]) != str(getattr(comment, key, None))}
    if others:
        raise PermissionDenied("You are not allowed to edit someone else's comment: only pins and checklist ticks.")
    checklist = checklist_value(data)
    if checklist is not None and checklist != comment.checklist:
        assigned = user.pk in {person.pk for person in task.assignees.all()}
        if not only_ticks_change(comment.checklist, checklist) or not (assigned or in_department):
            raise PermissionDenied("Only the task's assignees and supervisors tick the checklist of someone else.")


class TaskCommentsView(APIView):
    """GET the comments of a task that the caller may read, newest first."""

    permission_classes = [IsAuthenticated]

    def get(self, request, task_id):
        user = request.user
        task = load_task(task_id)
        check_task_read(user, task)
        rows = []
        for comment in readable_comments(user, task):
            row = comment_summary_row(comment)
            # A client sees the studio's review comments for their previews only, as in the reference.
            if user.role == CLIENT and comment.person.role != CLIENT:
                row.update({"text": "", "attachment_files": [], "checklist": [], "replies": []})
            rows.append(row)
        return Response(rows)


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
        comment_services.comment_delete(comment=comment, task=task, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


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


def comment_links(request, data):
    """Return the `links` of a new comment: a JSON list, or in a form post a JSON string or repeated fields."""
    values = request.data.getlist("links") if hasattr(request.data, "getlist") else []
    if len(values) > 1 or (len(values) == 1 and isinstance(values[0], str) and not values[0].lstrip().startswith("[")):
        if not all(isinstance(value, str) for value in values):
            raise ValidationError({"links": ["expected a list of strings."]})
        return [value for value in values if value]
    return parse_json_list(data, "links", str)


class TaskCommentCreateView(APIView):
    """POST a comment on a task; its status becomes the task's status.

    A multipart post carries the same fields, and its files become the comment's attachments.
    """

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
        links = comment_links(request, data)

        task_status = TaskStatus.objects.filter(pk=status_id).first()
        if task_status is None:
            raise NotFound(f"No task status has the id {status_id}.")
        check_task_action(user, task)
        check_status_change(user, task, task_status)
        # Every file is checked before anything is written, so one bad file leaves no comment behind.
        uploads = attachment_services.attachment_uploads_check(attachment_services.request_uploads(request.FILES))

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
        if uploads:
            attachment_services.attachments_create(uploads=uploads, comment=comment)
        return Response(new_comment_row(comment, user), status=status.HTTP_201_CREATED)


urlpatterns = [
    re_path(rf"^tasks/{TASK}/comments/?$", TaskCommentsView.as_view()),
    re_path(rf"^tasks/{TASK}/comments/{COMMENT}/?$", TaskCommentView.as_view()),
]

action_urlpatterns = [
    re_path(rf"^tasks/{TASK}/comment/?$", TaskCommentCreateView.as_view()),
]
