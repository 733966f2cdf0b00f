"""Turn model rows into the JSON dicts of the Kitsu API, quickly and in one place.

Every row becomes a dict of its columns (foreign keys as `<column>` id strings),
plus "type", the model's `kitsu_extra_fields`, and the many-to-many id lists of
`kitsu_relations` when relations are asked for. Hidden columns never appear.
"""

import datetime
import functools
import uuid

from django.db import models

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def format_datetime(value):
    """Format a datetime as the reference does: UTC, no offset, whole seconds."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.strftime(DATETIME_FORMAT)


def format_date(value):
    return None if value is None else value.isoformat()


def format_uuid(value):
    return None if value is None else str(value)


def format_value(value):
    """Format a value of unknown kind (used for extra fields)."""
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def json_key(field):
    """Return the JSON key of a column: the column name for foreign keys (`project_id`), else the field name."""
    return field.column if field.is_relation else field.name


@functools.cache
def field_plan(model):
    """List (json key, attribute name, formatter) for each visible column of `model`."""
    hidden = set(getattr(model, "kitsu_hidden_fields", ()))
    plan = []
    for field in model._meta.concrete_fields:
        if field.name in hidden or field.attname in hidden:
            continue
        if field.is_relation or isinstance(field, models.UUIDField):
            formatter = format_uuid
        elif isinstance(field, models.DateTimeField):
            formatter = format_datetime
        elif isinstance(field, models.DateField):
            formatter = format_date
        else:
            formatter = None
        plan.append((json_key(field), field.attname, formatter))
    return tuple(plan)


@functools.cache
def column_keys(model):
    """Map each visible JSON key of `model` to its model field."""
    hidden = set(getattr(model, "kitsu_hidden_fields", ()))
    keys = {}
    for field in model._meta.concrete_fields:
        if field.name in hidden or field.attname in hidden:
            continue
        keys[json_key(field)] = field
    return keys


def serialize_row(instance, *, relations=False, exclude=()):
    """Return the JSON dict of one row."""
    row = {}
    for key, attname, formatter in field_plan(type(instance)):
        if key in exclude:
            continue
        value = getattr(instance, attname)
        row[key] = formatter(value) if formatter is not None and value is not None else value
    for name in getattr(instance, "kitsu_extra_fields", ()):
        if name not in exclude:
            row[name] = format_value(getattr(instance, name))
    if relations:
        for name in getattr(instance, "kitsu_relations", ()):
            # .all() reads the prefetch cache set up by the view's queryset.
            row[name] = [str(related.pk) for related in getattr(instance, name).all()]
    kitsu_type = getattr(instance, "get_instance_kitsu_type", None)
    row["type"] = kitsu_type() if kitsu_type else instance.get_kitsu_type()
    return row


def format_plan_values(plan, values):
    """Return the JSON dict of one row read as a tuple in `field_plan` order (extra values are ignored)."""
    return {
        key: formatter(value) if formatter is not None and value is not None else value
        for (key, _, formatter), value in zip(plan, values, strict=False)
    }


def serialize_queryset(queryset, *, type_column=None, type_of=None):
    """Return the JSON dicts of a queryset's rows, read as tuples without building model instances.

    Lists of thousands of rows spend most of their time creating model objects,
    so the big list routes use this instead of `serialize_row`. Extra fields and
    relation lists are not included. With `type_column` (an ORM lookup such as
    `entity_type__name`), each row's "type" is `type_of(value of that column)`.
    """
    model = queryset.model
    plan = field_plan(model)
    lookups = [attname for _, attname, _ in plan]
    if type_column:
        lookups.append(type_column)
    default_type = model.get_kitsu_type()
    rows = []
    for values in queryset.values_list(*lookups):
        # The type column, when asked for, is one value past the plan.
        row = format_plan_values(plan, values)
        row["type"] = type_of(values[-1]) if type_column else default_type
        rows.append(row)
    return rows
