"""Workflow routes: comment replies, acknowledgements and batches, status automations,
custom fields (metadata descriptors), custom actions and saved search filters.

`urlpatterns` go under /api/data/, `action_urlpatterns` under /api/actions/, and
the viewsets are registered on the generic /data router.
"""

import re
import uuid

from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import re_path
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department
from kitsu_project.api.errors import MissingArgument
from kitsu_project.api.permissions import ADMIN, CLIENT, MANAGER, STAFF_ROLES
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, body_id, parse_path_id, path_row, request_body
from playlists.services import attachments as attachment_services
from playlists.services.comment_previews import comment_preview_ids
from productions.access import in_open_project_team, is_project_manager
from productions.models import (
    CustomAction,
    MetadataDescriptor,
    Plugin,
    Project,
    SearchFilter,
    SearchFilterGroup,
    StatusAutomation,
    TaskStatus,
)
from productions.services import comments as comment_services
from productions.services import workflow as workflow_services

from .comments import check_comment_read, parse_comment_date, parse_json_list
from .projects import (
    ProjectView,
    body_bool,
    body_name,
    body_row,
    body_text,
    project_answer,
)
from .task_common import (
    COMMENT,
    TASK,
    check_status_change,
    check_task_action,
    check_task_read,
    load_comment,
    load_person,
    load_task,
    new_comment_row,
    task_queryset,
)

NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."
ALL_BUT_VENDORS = frozenset({ADMIN, MANAGER, "supervisor", "user", CLIENT})


# ---- comment replies and acknowledgements ------------------------------------


def acknowledged_comment_row(comment):
    row = serialize_row(comment, relations=True)
    row["previews"] = comment_preview_ids(comment)
    row["attachment_files"] = [str(attachment.pk) for attachment in comment.attachment_files.all()]
    return row


def comment_with_relations(task, comment_id):
    comment = load_comment(task, comment_id)
    return (
        type(comment)
        .objects.select_related("person", "task_status")
        .prefetch_related("mentions", "department_mentions", "acknowledgements")
        .get(pk=comment.pk)
    )


class CommentAckView(APIView):
    """POST: the caller acknowledges the comment, or withdraws their acknowledgement when already given."""

    permission_classes = [IsAuthenticated]

    def post(self, request, task_id, comment_id):
        task = load_task(task_id)
        comment = load_comment(task, comment_id)
        check_task_read(request.user, task)
        check_comment_read(request.user, task, comment)
        comment_services.comment_acknowledge(comment=comment, person=request.user)
        return Response(acknowledged_comment_row(comment_with_relations(task, comment_id)))


class CommentReplyView(APIView):
    """POST {text}: reply to a comment; the reply is stored in the comment's `replies` list.

    Files sent with the reply (multipart) become attachments of the comment that carry the
    reply's id; the text may then be empty.
    """

    permission_classes = [IsAuthenticated]

    def post(self, request, task_id, comment_id):
        user = request.user
        task = load_task(task_id)
        comment = load_comment(task, comment_id)
        check_task_read(user, task)
        check_comment_read(user, task, comment)
        # Anyone who may comment on the task replies; the author replies to their own comment.
        if comment.person_id != user.pk:
            if user.role == CLIENT:
                raise PermissionDenied("Clients may only reply to their own comments.")
            check_task_action(user, task)
        data = request_body(request)
        text = body_text(data, "text", default="") or ""
        uploads = attachment_services.attachment_uploads_check(attachment_services.request_uploads(request.FILES))
        if not text.strip() and not uploads:
            raise ValidationError({"text": ["missing or empty: send the text of the reply."]})
        reply = comment_services.comment_reply_add(comment=comment, task=task, author=user, text=text)
        if uploads:
            attachments = attachment_services.attachments_create(uploads=uploads, comment=comment, reply_id=reply["id"])
            reply["attachment_files"] = [
                attachment_services.attachment_summary(attachment, with_reply_id=True) for attachment in attachments
            ]
        return Response(reply)


class CommentReplyDeleteView(APIView):
    """DELETE one reply: its author or an admin."""

    permission_classes = [IsAuthenticated]

    def delete(self, request, task_id, comment_id, reply_id):
        task = load_task(task_id)
        comment = load_comment(task, comment_id)
        reply = comment_services.comment_reply_find(comment=comment, reply_id=parse_path_id(reply_id))
        if reply is None:
            raise NotFound(f"No reply has the id {reply_id} on comment {comment.pk}.")
        if reply.get("person_id") != str(request.user.pk) and request.user.role != ADMIN:
            raise PermissionDenied("You are not allowed to delete this reply: you are not its author.")
        comment = comment_services.comment_reply_delete(
            comment=comment, task=task, reply_id=reply["id"], user=request.user
        )
        return Response(serialize_row(comment))


# ---- batch comments ----------------------------------------------------------


def batch_items(data):
    """Return the list of comment objects under `comments` (a JSON list, or a JSON string from a form)."""
    if data.get("comments") is None:
        raise MissingArgument("comments", "this field is required: send a list of comments.")
    items = parse_json_list(data, "comments", dict)
    if not items:
        raise ValidationError({"comments": ["send at least one comment."]})
    return items


def batch_item_attachments(request, index):
    """Check the files of batch item `index`: those sent under `attachment_file-<index>[-<anything>]`."""
    pattern = re.compile(rf"attachment_file-{index}(\D.*)?")
    uploads = attachment_services.request_uploads(request.FILES, field_pattern=pattern)
    return attachment_services.attachment_uploads_check(uploads)


class BatchCommentView(APIView):
    """POST {comments: [...]}: several comments at once, each like POST /actions/tasks/<id>/comment.

    Each item has `task_status_id`, `text` (or `comment`), and optionally `checklist`,
    `links`, and for managers `person_id` and `created_at`. On the route without a
    task id, each item also names its `task_id`. The batch is all or nothing.
    """

    permission_classes = [IsAuthenticated]

    def post(self, request, task_id=None):
        user = request.user
        data = request_body(request)
        if task_id is not None:
            task = load_task(task_id, task_queryset().select_related("entity"))
            check_task_action(user, task)
        items = batch_items(data)

        plans = []
        for index, item in enumerate(items):
            plans.append(self.plan_item(user, item, index, task if task_id is not None else None))
        attachments = [batch_item_attachments(request, index) for index in range(len(plans))]

        with transaction.atomic():
            comments = [comment_services.comment_create(**plan) for plan in plans]
            for comment, uploads in zip(comments, attachments, strict=True):
                attachment_services.attachments_create(uploads=uploads, comment=comment)
        rows = []
        for comment in comments:
            row = new_comment_row(comment, user)
            row["preview_files"] = []
            rows.append(row)
        return Response(rows, status=status.HTTP_201_CREATED)

    def plan_item(self, user, item, index, task):
        prefix = f"comments.{index}"
        if task is None:
            item_task_id = body_id(item, "task_id")
            task = load_task(item_task_id, task_queryset().select_related("entity"))
            check_task_action(user, task)
        status_id = body_id(item, "task_status_id")
        task_status = TaskStatus.objects.filter(pk=status_id).first()
        if task_status is None:
            raise NotFound(f"{prefix}.task_status_id: no task status has the id {status_id}.")
        check_status_change(user, task, task_status)
        text = item.get("text", item.get("comment", "")) or ""
        if not isinstance(text, str):
            raise ValidationError({f"{prefix}.text": ["expected a string."]})
        author, created_at = user, None
        if user.role in STAFF_ROLES:
            author_id = body_id(item, "person_id", required=False)
            if author_id is not None:
                author = load_person(author_id)
            created_at = parse_comment_date(item)
        return {
            "task": task,
            "task_status": task_status,
            "author": author,
            "text": text,
            "checklist": parse_json_list(item, "checklist", dict),
            "links": parse_json_list(item, "links", str),
            "created_at": created_at,
        }


class ProjectCommentManyView(BatchCommentView):
    """POST a JSON list of comments on tasks of one project.

    Each item has `object_id` (the task), `task_status_id` and `comment`. As on the batch
    comment route, either every comment is written or none is.
    """

    def post(self, request, project_id):
        project = path_row(Project.objects.all(), project_id, "project")
        items = request.data
        if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
            raise ValidationError({"comments": ["expected a non-empty JSON list of comment objects."]})
        plans = []
        for index, item in enumerate(items):
            task_id = body_id(item, "object_id") if "object_id" in item else body_id(item, "task_id")
            task = load_task(task_id, task_queryset().select_related("entity"))
            if task.project_id != project.pk:
                raise ValidationError({f"comments.{index}.object_id": [f"the task {task_id} is not in this project."]})
            check_task_action(request.user, task)
            plans.append(self.plan_item(request.user, item, index, task))
        with transaction.atomic():
            comments = [comment_services.comment_create(**plan) for plan in plans]
        return Response(
            [new_comment_row(comment, request.user) for comment in comments], status=status.HTTP_201_CREATED
        )


# ---- generic /data viewsets ----------------------------------------------------


class StatusAutomationSerializer(serializer_for(StatusAutomation, exclude=("projects",))):
    def validate(self, attrs):
        """Require what an automation needs to run: the task type and status that trigger it, the task
        type it changes, and the status it sets when it sets a status."""
        attrs = super().validate(attrs)

        def value(name):
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        required = ["in_task_type", "in_task_status", "out_task_type"]
        if value("out_field_type") in (None, "status"):
            required.append("out_task_status")
        missing = [f"{name}_id" for name in required if value(name) is None]
        if missing:
            raise serializers.ValidationError({key: ["this field is required."] for key in missing})
        return attrs


class StatusAutomationViewSet(KitsuModelViewSet):
    """Everyone but vendors lists the automations; admins read one and write them."""

    queryset = StatusAutomation.objects.all()
    serializer_class = StatusAutomationSerializer
    list_roles = ALL_BUT_VENDORS
    read_roles = frozenset({ADMIN})

    def delete_row(self, row, *, force):
        workflow_services.status_automation_delete(automation=row)


class MetadataDescriptorSerializer(serializer_for(MetadataDescriptor)):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "choices" in attrs:
            data_type = attrs.get("data_type", getattr(self.instance, "data_type", None))
            attrs["choices"] = workflow_services.check_choices(data_type=data_type, choices=attrs["choices"])
        return attrs

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if self.context.get("relations"):
            row["departments"] = [str(department.pk) for department in instance.departments.all()]
        return row


class MetadataDescriptorViewSet(KitsuModelViewSet):
    """Everyone but vendors lists the descriptors of their open projects; admins read one and write them."""

    queryset = MetadataDescriptor.objects.all()
    serializer_class = MetadataDescriptorSerializer
    list_roles = ALL_BUT_VENDORS
    read_roles = frozenset({ADMIN})

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.wants_relations():
            queryset = queryset.prefetch_related(Prefetch("departments", queryset=Department.objects.only("pk")))
        return queryset

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role == ADMIN:
            return queryset
        return queryset.filter(in_open_project_team(user))


class CustomActionViewSet(KitsuModelViewSet):
    """Everyone but vendors lists the custom actions; admins read one and write them."""

    queryset = CustomAction.objects.all()
    serializer_class = serializer_for(CustomAction)
    list_roles = ALL_BUT_VENDORS
    read_roles = frozenset({ADMIN})


class PluginViewSet(KitsuModelViewSet):
    """Admins only: the plugins registered on this server."""

    queryset = Plugin.objects.all()
    serializer_class = serializer_for(Plugin)
    read_roles = frozenset({ADMIN})


class SearchFilterViewSet(KitsuModelViewSet):
    """Every saved search of every person: admins only (others use /data/user/filters)."""

    queryset = SearchFilter.objects.all()
    serializer_class = serializer_for(SearchFilter)
    read_roles = frozenset({ADMIN})


class SearchFilterGroupViewSet(KitsuModelViewSet):
    """Every filter group of every person: admins only (others use /data/user/filter-groups)."""

    queryset = SearchFilterGroup.objects.all()
    serializer_class = serializer_for(SearchFilterGroup)
    read_roles = frozenset({ADMIN})

    def delete_row(self, row, *, force):
        workflow_services.search_filter_group_delete(group=row)


# ---- project settings: status automations --------------------------------------


class ProjectStatusAutomationsView(ProjectView):
    """GET the automations enabled on a project, POST {status_automation_id} to enable one (its managers)."""

    def get(self, request, project_id):
        project = self.managed_project(request, project_id)
        automations = project.status_automations.order_by("created_at")
        return Response([serialize_row(automation) for automation in automations])

    def post(self, request, project_id):
        project = self.managed_project(request, project_id)
        data = request_body(request)
        automation = body_row(data, "status_automation_id", StatusAutomation.objects.all(), "status automation")
        workflow_services.project_status_automation_add(project=project, automation=automation)
        return Response(project_answer(project), status=status.HTTP_201_CREATED)


class ProjectStatusAutomationView(ProjectView):
    def delete(self, request, project_id, status_automation_id):
        project = self.managed_project(request, project_id)
        automation = path_row(StatusAutomation.objects.all(), status_automation_id, "status automation")
        workflow_services.project_status_automation_remove(project=project, automation=automation)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- project settings: metadata descriptors ------------------------------------


def descriptor_row(descriptor, *, departments=True):
    row = serialize_row(descriptor)
    if departments:
        row["departments"] = [str(department.pk) for department in descriptor.departments.all()]
    return row


def body_choice(data, key, allowed, default):
    """Return `data[key]`, one of `allowed`, or `default` when the key is absent; an empty value is a 400."""
    value = data.get(key, default)
    if value not in allowed:
        raise ValidationError({key: [f"invalid value {value!r}: expected one of {', '.join(allowed)}."]})
    return value


def body_departments(data):
    """Return the departments named by id in `departments` (ids or objects with an id); unknown ids are a 400."""
    values = data.get("departments")
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise ValidationError({"departments": ["expected a list of department ids."]})
    ids = []
    for value in values:
        raw = value.get("id") if isinstance(value, dict) else value
        try:
            ids.append(uuid.UUID(str(raw)))
        except ValueError:
            raise ValidationError({"departments": [f"invalid id {raw!r}: expected a UUID."]}) from None
    departments = list(Department.objects.filter(pk__in=ids))
    missing = sorted({str(pk) for pk in ids} - {str(department.pk) for department in departments})
    if missing:
        raise ValidationError({"departments": [f"no department has the id(s) {', '.join(missing)}."]})
    return departments


def body_choices(data):
    value = data.get("choices")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


def load_descriptor(project, descriptor_id):
    queryset = MetadataDescriptor.objects.filter(project=project).prefetch_related("departments")
    return path_row(queryset, descriptor_id, "metadata descriptor of this project")


class ProjectDescriptorsView(ProjectView):
    """GET the custom fields of a project (clients only those shown to clients), POST to add one."""

    def get(self, request, project_id):
        project = self.readable_project(request, project_id)
        descriptors = MetadataDescriptor.objects.filter(project=project).prefetch_related("departments")
        if request.user.role == CLIENT:
            descriptors = descriptors.filter(for_client=True)
        return Response([descriptor_row(descriptor) for descriptor in descriptors.order_by("name")])

    def post(self, request, project_id):
        project = get_project_or_404(project_id)
        data = request_body(request)
        for key in ("name", "data_type"):
            if data.get(key) is None:
                raise MissingArgument(key, "this field is required.")
        departments = body_departments(data)
        workflow_services.check_departments_access(
            user=request.user, project_id=project.pk, department_ids=[department.pk for department in departments]
        )
        entity_type = body_choice(data, "entity_type", workflow_services.DESCRIPTOR_ENTITY_TYPES, "Asset")
        name = body_name(data, max_length=120)
        data_type = body_choice(data, "data_type", workflow_services.DATA_TYPES, "string")
        descriptor = workflow_services.metadata_descriptor_create(
            project=project,
            entity_type=entity_type,
            name=name,
            data_type=data_type,
            choices=body_choices(data),
            for_client=body_bool(data, "for_client", default=False),
            departments=departments,
        )
        return Response(descriptor_row(descriptor, departments=False), status=status.HTTP_201_CREATED)


class ProjectDescriptorView(ProjectView):
    """GET, PUT or DELETE one custom field of a project."""

    def get(self, request, project_id, descriptor_id):
        project = self.readable_project(request, project_id)
        descriptor = load_descriptor(project, descriptor_id)
        if request.user.role == CLIENT and not descriptor.for_client:
            raise PermissionDenied("This field is not shown to clients.")
        return Response(descriptor_row(descriptor))

    def put(self, request, project_id, descriptor_id):
        project = get_project_or_404(project_id)
        descriptor = load_descriptor(project, descriptor_id)
        data = request_body(request)
        departments = body_departments(data) if "departments" in data else None
        department_ids = [department.pk for department in descriptor.departments.all()]
        department_ids += [department.pk for department in departments or []]
        workflow_services.check_departments_access(
            user=request.user, project_id=project.pk, department_ids=department_ids
        )

        # Only the keys sent change: the reference reset choices and for_client when left out.
        changes = {}
        if "name" in data:
            changes["name"] = body_name(data, max_length=120)
        if "data_type" in data:
            changes["data_type"] = body_choice(data, "data_type", workflow_services.DATA_TYPES, "string")
        if "choices" in data:
            changes["choices"] = body_choices(data)
        if "for_client" in data:
            changes["for_client"] = body_bool(data, "for_client")
        descriptor = workflow_services.metadata_descriptor_update(
            descriptor=descriptor, changes=changes, departments=departments
        )
        return Response(descriptor_row(descriptor, departments=False))

    def delete(self, request, project_id, descriptor_id):
        project = get_project_or_404(project_id)
        descriptor = load_descriptor(project, descriptor_id)
        workflow_services.check_departments_access(
            user=request.user,
            project_id=project.pk,
            department_ids=[department.pk for department in descriptor.departments.all()],
        )
        workflow_services.metadata_descriptor_delete(descriptor=descriptor)
        return Response(status=status.HTTP_204_NO_CONTENT)


def get_project_or_404(project_id):
    return path_row(Project.objects.all(), project_id, "project")


# ---- the caller's saved search filters -----------------------------------------


def visible_to(user, queryset):
    """Keep the caller's own and the shared filters (or groups) of open projects or of no project.

    A filter tied to a department is seen by admins, managers and that department's members.
    """
    queryset = queryset.filter(Q(person=user) | Q(is_shared=True))
    queryset = queryset.filter(Q(project__isnull=True) | Q(project__project_status__name="Open"))
    if user.role not in STAFF_ROLES:
        queryset = queryset.filter(Q(department__isnull=True) | Q(department__in=user.departments.all()))
    return queryset


def grouped_rows(rows):
    """Group rows as {list_type: {project_id or "all": [rows]}}, as the web UI reads them."""
    result = {}
    for row in rows:
        by_project = result.setdefault(row["list_type"], {})
        by_project.setdefault(row["project_id"] or "all", []).append(row)
    return result


def sharing_allowed(user, project):
    """Only managers of a project share filters on it; anyone else's filters stay private."""
    return project is not None and is_project_manager(user, project.pk)


def body_department(data):
    return body_row(data, "department_id", Department.objects.all(), "department", required=False)


def body_project(data):
    return body_row(data, "project_id", Project.objects.all(), "project", required=False)


def body_string(data, key, max_length, *, required):
    value = data.get(key)
    if value is None:
        if required:
            raise MissingArgument(key, "this field is missing: send a non-empty string.")
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({key: ["must be a non-empty string."]})
    if len(value) > max_length:
        raise ValidationError({key: [f"at most {max_length} characters."]})
    return value


def body_optional_string(data, key, max_length):
    value = data.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise ValidationError({key: [f"must be a string of at most {max_length} characters."]})
    return value


def own_row(queryset, user, row_id, label):
    """Return the caller's own row (admins may reach anyone's), else 404."""
    rows = queryset if user.role == ADMIN else queryset.filter(person=user)
    return path_row(rows, row_id, label)


def check_group_usable(user, group):
    if group is not None and group.person_id != user.pk and not group.is_shared:
        raise PermissionDenied("You are not allowed to add a filter to another person's private group.")


class UserFiltersView(APIView):
    """GET the caller's saved searches (own and shared), grouped by list type and project; POST to save one."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        filters = visible_to(request.user, SearchFilter.objects.all()).order_by("name")
        return Response(grouped_rows([serialize_row(row) for row in filters]))

    def post(self, request):
        user = request.user
        data = request_body(request)
        values = {
            "name": body_string(data, "name", 200, required=True),
            "search_query": body_string(data, "query", 500, required=True),
            "list_type": body_string(data, "list_type", 80, required=True),
            "entity_type": body_optional_string(data, "entity_type", 80),
            "project": body_project(data),
            "department": body_department(data),
        }
        values["is_shared"] = body_bool(data, "is_shared", default=False) and sharing_allowed(user, values["project"])
        group = body_row(
            data, "search_filter_group_id", SearchFilterGroup.objects.all(), "filter group", required=False
        )
        check_group_usable(user, group)
        search_filter = workflow_services.search_filter_create(person=user, values=values, group=group)
        return Response(serialize_row(search_filter), status=status.HTTP_201_CREATED)


class UserFilterView(APIView):
    """PUT or DELETE one of the caller's saved searches."""

    permission_classes = [IsAuthenticated]

    def put(self, request, filter_id):
        user = request.user
        search_filter = own_row(SearchFilter.objects.all(), user, filter_id, "search filter of yours")
        data = request_body(request)
        changes = {}
        if data.get("name") is not None:
            changes["name"] = body_string(data, "name", 200, required=True)
        if data.get("search_query") is not None:
            changes["search_query"] = body_string(data, "search_query", 500, required=True)
        if "project_id" in data:
            changes["project"] = body_project(data)
        if "department_id" in data:
            changes["department"] = body_department(data)
        # The web UI sends the whole filter, so a filter updated without a group leaves its group.
        group = body_row(
            data, "search_filter_group_id", SearchFilterGroup.objects.all(), "filter group", required=False
        )
        check_group_usable(user, group)
        changes["search_filter_group"] = group
        if data.get("is_shared") is not None:
            project = changes.get("project", search_filter.project)
            changes["is_shared"] = body_bool(data, "is_shared") and sharing_allowed(user, project)
        search_filter = workflow_services.search_filter_update(search_filter=search_filter, changes=changes)
        return Response(serialize_row(search_filter))

    def delete(self, request, filter_id):
        search_filter = own_row(SearchFilter.objects.all(), request.user, filter_id, "search filter of yours")
        search_filter.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserFilterGroupsView(APIView):
    """GET the caller's filter groups (own and shared), grouped by list type and project; POST to add one."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        groups = visible_to(request.user, SearchFilterGroup.objects.all()).order_by("-created_at")
        return Response(grouped_rows([serialize_row(row) for row in groups]))

    def post(self, request):
        user = request.user
        data = request_body(request)
        values = {
            "name": body_string(data, "name", 200, required=True),
            "color": body_string(data, "color", 8, required=True),
            "list_type": body_string(data, "list_type", 80, required=True),
            "entity_type": body_optional_string(data, "entity_type", 80),
            "project": body_project(data),
            "department": body_department(data),
        }
        values["is_shared"] = body_bool(data, "is_shared", default=False) and sharing_allowed(user, values["project"])
        group = workflow_services.search_filter_group_create(person=user, values=values)
        return Response(serialize_row(group), status=status.HTTP_201_CREATED)


class UserFilterGroupView(APIView):
    """GET one filter group (own or shared), PUT or DELETE one of the caller's own."""

    permission_classes = [IsAuthenticated]

    def get(self, request, filter_group_id):
        group = path_row(visible_to(request.user, SearchFilterGroup.objects.all()), filter_group_id, "filter group")
        return Response(serialize_row(group))

    def put(self, request, filter_group_id):
        user = request.user
        group = own_row(SearchFilterGroup.objects.all(), user, filter_group_id, "filter group of yours")
        data = request_body(request)
        changes = {}
        if data.get("name") is not None:
            changes["name"] = body_string(data, "name", 200, required=True)
        if data.get("color") is not None:
            changes["color"] = body_string(data, "color", 8, required=True)
        if "project_id" in data:
            changes["project"] = body_project(data)
        if "department_id" in data:
            changes["department"] = body_department(data)
        if data.get("is_shared") is not None:
            project = changes.get("project", group.project)
            changes["is_shared"] = body_bool(data, "is_shared") and sharing_allowed(user, project)
        group = workflow_services.search_filter_group_update(group=group, changes=changes)
        return Response(serialize_row(group))

    def delete(self, request, filter_group_id):
        group = own_row(SearchFilterGroup.objects.all(), request.user, filter_group_id, "filter group of yours")
        workflow_services.search_filter_group_delete(group=group)
        return Response(status=status.HTTP_204_NO_CONTENT)


PROJECT = r"(?P<project_id>[^/]+)"

urlpatterns = [
    re_path(rf"^tasks/{TASK}/comments/{COMMENT}/ack/?$", CommentAckView.as_view()),
    re_path(rf"^tasks/{TASK}/comments/{COMMENT}/reply/?$", CommentReplyView.as_view()),
    re_path(rf"^tasks/{TASK}/comments/{COMMENT}/reply/(?P<reply_id>[^/]+)/?$", CommentReplyDeleteView.as_view()),
    re_path(rf"^projects/{PROJECT}/settings/status-automations/?$", ProjectStatusAutomationsView.as_view()),
    re_path(
        rf"^projects/{PROJECT}/settings/status-automations/(?P<status_automation_id>[^/]+)/?$",
        ProjectStatusAutomationView.as_view(),
    ),
    re_path(rf"^projects/{PROJECT}/metadata-descriptors/?$", ProjectDescriptorsView.as_view()),
    re_path(rf"^projects/{PROJECT}/metadata-descriptors/(?P<descriptor_id>[^/]+)/?$", ProjectDescriptorView.as_view()),
    re_path(r"^user/filters/?$", UserFiltersView.as_view()),
    re_path(r"^user/filters/(?P<filter_id>[^/]+)/?$", UserFilterView.as_view()),
    re_path(r"^user/filter-groups/?$", UserFilterGroupsView.as_view()),
    re_path(r"^user/filter-groups/(?P<filter_group_id>[^/]+)/?$", UserFilterGroupView.as_view()),
]

action_urlpatterns = [
    re_path(r"^tasks/batch-comment/?$", BatchCommentView.as_view()),
    re_path(rf"^tasks/{TASK}/batch-comment/?$", BatchCommentView.as_view()),
    re_path(r"^projects/(?P<project_id>[^/]+)/tasks/comment-many/?$", ProjectCommentManyView.as_view()),
]
