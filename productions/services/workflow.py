"""Studio workflow settings: status automations, custom fields (metadata descriptors) and saved search filters."""

import contextvars
import logging

from django.db import transaction
from django.utils.text import slugify
from rest_framework.exceptions import PermissionDenied, ValidationError

from kitsu_project.api.permissions import ADMIN, MANAGER, SUPERVISOR
from productions.models import (
    Entity,
    MetadataDescriptor,
    ProjectTaskTypeLink,
    SearchFilter,
    SearchFilterGroup,
    StatusAutomation,
    Task,
)
from productions.models.entity import TEMPORAL_ENTITY_TYPES

logger = logging.getLogger("productions.workflow")

DESCRIPTOR_ENTITY_TYPES = ("Asset", "Shot", "Edit", "Episode", "Sequence")
DATA_TYPES = tuple(value for value, _ in MetadataDescriptor.DATA_TYPES)
BOOLEAN_STRINGS = {"true", "false"}
# A status automation may start another one; past this depth the chain stops, so a loop of rules ends.
MAX_AUTOMATION_DEPTH = 10
automation_depth = contextvars.ContextVar("automation_depth", default=0)


# ---- status automations ------------------------------------------------------


def entity_kind(entity):
    """Return the lower-case kind a status automation names: "asset", "shot", "edit", "sequence"..."""
    type_name = entity.entity_type.name
    return type_name.lower() if type_name in TEMPORAL_ENTITY_TYPES else "asset"


def is_rollback(automation, project_id):
    """Return True when the rule goes back to an earlier task type of the project's pipeline.

    Such rules would undo the pipeline order and could loop, so they do not run;
    ready-for rules always run.
    """
    if automation.out_field_type == "ready_for":
        return False
    priorities = dict(
        ProjectTaskTypeLink.objects.filter(
            project_id=project_id, task_type_id__in=[automation.in_task_type_id, automation.out_task_type_id]
        ).values_list("task_type_id", "priority")
    )
    in_priority = priorities.get(automation.in_task_type_id) or 0
    out_priority = priorities.get(automation.out_task_type_id) or 0
    return in_priority > out_priority


def status_automations_run(*, task, author):
    """Apply the project's status automations that start from the new status of `task`.

    Called inside the comment's transaction, so a failure rolls back the comment too.
    A "status" rule comments on the entity's task of the out task type with the out
    status. A "ready_for" rule sets the entity's `ready_for` to the out task type.
    """
    depth = automation_depth.get()
    if depth >= MAX_AUTOMATION_DEPTH:
        logger.warning("Status automations stopped on task %s: chain deeper than %d", task.pk, depth)
        return
    automations = StatusAutomation.objects.filter(
        projects=task.project_id,
        archived=False,
        in_task_type_id=task.task_type_id,
        in_task_status_id=task.task_status_id,
    ).select_related("in_task_type", "in_task_status", "out_task_status")
    automations = list(automations)
    if not automations:
        return
    entity = Entity.objects.select_related("entity_type").get(pk=task.entity_id)
    kind = entity_kind(entity)
    for automation in automations:
        if (automation.entity_type or "asset").lower() != kind or is_rollback(automation, task.project_id):
            continue
        if automation.out_field_type == "ready_for":
            Entity.objects.filter(pk=entity.pk).update(ready_for_id=automation.out_task_type_id)
            logger.info(
                "Automation %s set entity %s ready for %s", automation.pk, entity.pk, automation.out_task_type_id
            )
            continue
        token = automation_depth.set(depth + 1)
        try:
            status_automation_comment(automation=automation, entity=entity, author=author)
        finally:
            automation_depth.reset(token)


def status_automation_comment(*, automation, entity, author):
    from productions.services import comments as comment_services

    out_task = (
        Task.objects.select_related("project", "entity__entity_type", "task_status", "task_type")
        .filter(entity=entity, task_type_id=automation.out_task_type_id)
        .order_by("created_at")
        .first()
    )
    if out_task is None or automation.out_task_status is None:
        return
    text = f"Change triggered by {automation.in_task_type.name} set to {automation.in_task_status.name}"
    comment_services.comment_create(
        task=out_task,
        task_status=automation.out_task_status,
        author=author,
        text=text,
    )
    logger.info("Automation %s moved task %s to status %s", automation.pk, out_task.pk, automation.out_task_status.pk)


@transaction.atomic
def status_automation_delete(*, automation):
    """Delete a status automation unless a project still uses it (400)."""
    if automation.projects.exists():
        raise ValidationError({"projects": ["this automation is used in a project: remove it from the project first."]})
    automation_id = automation.pk
    automation.delete()
    logger.info("Status automation %s deleted", automation_id)


@transaction.atomic
def project_status_automation_add(*, project, automation):
    project.status_automations.add(automation)
    logger.info("Status automation %s added to project %s", automation.pk, project.pk)


@transaction.atomic
def project_status_automation_remove(*, project, automation):
    project.status_automations.remove(automation)
    logger.info("Status automation %s removed from project %s", automation.pk, project.pk)


# ---- metadata descriptors ----------------------------------------------------


def descriptor_field_name(name):
    """Return the `data` key of a descriptor: its name in lower case, with underscores between words."""
    return slugify(name).replace("-", "_")


def descriptor_entity_kind(entity):
    """Return the descriptor entity type matching `entity` ("Asset", "Shot"...), or None."""
    type_name = entity.entity_type.name
    return type_name if type_name in TEMPORAL_ENTITY_TYPES else "Asset"


def check_choices(*, data_type, choices):
    if choices is None:
        return []
    if not isinstance(choices, list) or not all(isinstance(choice, str) for choice in choices):
        raise ValidationError({"choices": ["expected a list of strings."]})
    if data_type in ("list", "taglist", "checklist") and len(set(choices)) != len(choices):
        raise ValidationError({"choices": ["each choice must appear once."]})
    return choices


def check_descriptor_unique(*, project, entity_type, name, field_name, exclude_id=None):
    others = MetadataDescriptor.objects.filter(project=project, entity_type=entity_type)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    if others.filter(name=name).exists():
        raise ValidationError({"name": [f"a {entity_type} descriptor named {name!r} already exists in this project."]})
    if others.filter(field_name=field_name).exists():
        raise ValidationError({"name": [f"a {entity_type} descriptor already uses the field {field_name!r}."]})


@transaction.atomic
def metadata_descriptor_create(*, project, entity_type, name, data_type, choices, for_client, departments):
    field_name = descriptor_field_name(name)
    if not field_name:
        raise ValidationError({"name": ["must contain at least one letter or digit."]})
    choices = check_choices(data_type=data_type, choices=choices)
    check_descriptor_unique(project=project, entity_type=entity_type, name=name, field_name=field_name)
    descriptor = MetadataDescriptor.objects.create(
        project=project,
        entity_type=entity_type,
        name=name,
        field_name=field_name,
        data_type=data_type,
        choices=choices,
        for_client=for_client,
    )
    descriptor.departments.set(departments)
    logger.info("Metadata descriptor %s created in project %s", descriptor.pk, project.pk)
    return descriptor


def descriptor_entities(descriptor):
    """Return the entities of the descriptor's project whose `data` may hold its field."""
    entities = Entity.objects.filter(project_id=descriptor.project_id)
    if descriptor.entity_type == "Asset":
        return entities.exclude(entity_type__name__in=TEMPORAL_ENTITY_TYPES)
    return entities.filter(entity_type__name=descriptor.entity_type)


@transaction.atomic
def metadata_descriptor_update(*, descriptor, changes, departments=None):
    """Update a descriptor; a new name renames the field in the `data` of every entity that has a value."""
    data_type = changes.get("data_type", descriptor.data_type)
    if "choices" in changes:
        changes["choices"] = check_choices(data_type=data_type, choices=changes["choices"])
    if "name" in changes:
        field_name = descriptor_field_name(changes["name"])
        if not field_name:
            raise ValidationError({"name": ["must contain at least one letter or digit."]})
        check_descriptor_unique(
            project=descriptor.project,
            entity_type=descriptor.entity_type,
            name=changes["name"],
            field_name=field_name,
            exclude_id=descriptor.pk,
        )
        if field_name != descriptor.field_name:
            entity_data_rename_key(descriptor=descriptor, new_key=field_name)
        changes["field_name"] = field_name
    for key, value in changes.items():
        setattr(descriptor, key, value)
    descriptor.save()
    if departments is not None:
        descriptor.departments.set(departments)
    logger.info("Metadata descriptor %s updated", descriptor.pk)
    return descriptor


def entity_data_rename_key(*, descriptor, new_key):
    old_key = descriptor.field_name
    changed = []
    for entity in descriptor_entities(descriptor).only("pk", "data"):
        if isinstance(entity.data, dict) and old_key in entity.data:
            data = dict(entity.data)
            data[new_key] = data.pop(old_key)
            entity.data = data
            changed.append(entity)
    Entity.objects.bulk_update(changed, ["data"])


@transaction.atomic
def metadata_descriptor_delete(*, descriptor):
    """Delete a descriptor and its values from the `data` of the project's entities."""
    key = descriptor.field_name
    changed = []
    for entity in descriptor_entities(descriptor).only("pk", "data"):
        if isinstance(entity.data, dict) and key in entity.data:
            entity.data = {name: value for name, value in entity.data.items() if name != key}
            changed.append(entity)
    Entity.objects.bulk_update(changed, ["data"])
    descriptor_id = descriptor.pk
    descriptor.delete()
    logger.info("Metadata descriptor %s deleted with its values on %d entities", descriptor_id, len(changed))


def check_descriptor_value(descriptor, value):
    """Raise a 400 naming the field when `value` does not fit the descriptor's data type.

    An empty value (None or "") always fits, because clearing a field is allowed.
    """
    key = f"data.{descriptor.field_name}"
    if value is None or value == "":
        return
    data_type = descriptor.data_type or "string"
    choices = descriptor.choices or []
    if data_type == "string":
        if not isinstance(value, str):
            raise ValidationError({key: ["expected a string."]})
    elif data_type == "number":
        check_number(key, value)
    elif data_type == "boolean":
        if not isinstance(value, bool) and not (isinstance(value, str) and value.lower() in BOOLEAN_STRINGS):
            raise ValidationError({key: ["expected true or false."]})
    elif data_type == "list":
        if value not in choices:
            raise ValidationError({key: [f"{value!r} is not one of the choices {choices}."]})
    elif data_type == "taglist":
        # The web UI stores tags as one comma-separated string; a JSON list is accepted too.
        tags = value if isinstance(value, list) else str(value).split(",")
        unknown = [tag for tag in (str(tag).strip() for tag in tags) if tag and tag not in choices]
        if unknown:
            raise ValidationError({key: [f"unknown tag(s) {unknown}: expected some of {choices}."]})
    elif data_type == "checklist":
        if not isinstance(value, dict) or not all(isinstance(checked, bool) for checked in value.values()):
            raise ValidationError({key: ["expected an object of choice: true or false."]})
        unknown = sorted(set(value) - set(choices))
        if unknown:
            raise ValidationError({key: [f"unknown item(s) {unknown}: expected some of {choices}."]})


def check_number(key, value):
    if isinstance(value, bool):
        raise ValidationError({key: ["expected a number."]})
    if isinstance(value, (int, float)):
        return
    try:
        float(str(value))
    except ValueError:
        raise ValidationError({key: [f"{value!r} is not a number."]}) from None


def entity_data_check(*, entity, data, user=None):
    """Check the custom-field values of `data` about to be saved on `entity`.

    Each key that names a descriptor of the entity's project and type must hold a
    value of the descriptor's data type. When `user` is a supervisor with departments,
    every key must be a field of one of their departments (403 otherwise).
    """
    if not isinstance(data, dict) or not data:
        return
    kind = descriptor_entity_kind(entity)
    descriptors = {
        descriptor.field_name: descriptor
        for descriptor in MetadataDescriptor.objects.filter(project_id=entity.project_id, entity_type=kind)
        .prefetch_related("departments")
        .order_by()
    }
    for key, value in data.items():
        descriptor = descriptors.get(key)
        if descriptor is not None:
            check_descriptor_value(descriptor, value)
    if user is not None and user.role == SUPERVISOR:
        check_supervisor_fields(user=user, entity=entity, data=data, descriptors=descriptors)


def check_supervisor_fields(*, user, entity, data, descriptors):
    """Supervisors with departments change only the fields of their departments; creators change any."""
    if entity.created_by_id == user.pk:
        return
    user_departments = set(user.departments.values_list("pk", flat=True))
    if not user_departments:
        return
    for key in data:
        descriptor = descriptors.get(key)
        field_departments = {department.pk for department in descriptor.departments.all()} if descriptor else set()
        if not field_departments & user_departments:
            raise PermissionDenied(
                f"You are not allowed to change the field {key!r}: it is not one of your departments."
            )


def check_departments_access(*, user, project_id, department_ids):
    """Allow custom-field changes to admins, managers of the team and some supervisors of the team.

    A supervisor may change a field only when it is linked to departments and, if
    they belong to departments, all of theirs are among the field's.
    """
    from productions.access import is_team_member

    if user.role == ADMIN:
        return
    if user.role == MANAGER and is_team_member(user, project_id):
        return
    if user.role == SUPERVISOR and is_team_member(user, project_id) and department_ids:
        user_departments = set(user.departments.values_list("pk", flat=True))
        if user_departments <= set(department_ids):
            return
    raise PermissionDenied("You are not allowed to change the custom fields of this project.")


# ---- search filters ----------------------------------------------------------


def check_filter_sharing(*, is_shared, group):
    if group is not None and group.is_shared != is_shared:
        raise ValidationError(
            {"search_filter_group_id": ["a filter must be shared exactly when its filter group is shared."]}
        )


@transaction.atomic
def search_filter_create(*, person, values, group):
    check_filter_sharing(is_shared=values["is_shared"], group=group)
    search_filter = SearchFilter.objects.create(person=person, search_filter_group=group, **values)
    logger.info("Search filter %s created by %s", search_filter.pk, person.pk)
    return search_filter


@transaction.atomic
def search_filter_update(*, search_filter, changes):
    group = changes.get("search_filter_group", search_filter.search_filter_group)
    check_filter_sharing(is_shared=changes.get("is_shared", search_filter.is_shared), group=group)
    for key, value in changes.items():
        setattr(search_filter, key, value)
    search_filter.save()
    logger.info("Search filter %s updated", search_filter.pk)
    return search_filter


@transaction.atomic
def search_filter_group_create(*, person, values):
    group = SearchFilterGroup.objects.create(person=person, **values)
    logger.info("Search filter group %s created by %s", group.pk, person.pk)
    return group


@transaction.atomic
def search_filter_group_update(*, group, changes):
    """Update a filter group; a change of sharing applies to its filters too."""
    for key, value in changes.items():
        setattr(group, key, value)
    group.save()
    if "is_shared" in changes:
        SearchFilter.objects.filter(search_filter_group=group).update(is_shared=group.is_shared)
    logger.info("Search filter group %s updated", group.pk)
    return group


@transaction.atomic
def search_filter_group_delete(*, group):
    """Delete a filter group with its filters."""
    group_id = group.pk
    deleted, _ = SearchFilter.objects.filter(search_filter_group=group).delete()
    group.delete()
    logger.info("Search filter group %s deleted with %d filter(s)", group_id, deleted)


def entity_update_check(*, serializer):
    """Check the custom fields of an entity update before it is saved (see `entity_data_check`)."""
    if "data" not in serializer.validated_data or serializer.instance is None:
        return
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    entity = serializer.instance
    if not hasattr(entity, "entity_type"):
        return
    entity_data_check(entity=entity, data=serializer.validated_data["data"], user=user)
