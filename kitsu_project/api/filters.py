"""The Kitsu query-string filters of every list route.

- `?column=value` keeps rows whose column equals the value;
- a value starting with `[` is a JSON list and keeps rows whose column is one of them;
- `name` compares without regard to case;
- a column hidden from the caller is refused with 400;
- a many-to-many list (`team`, `assignees`...) keeps rows whose list contains the id;
- a key that is not a column (and not a reserved parameter) is ignored.
"""

import json
import operator
from functools import reduce

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, Q
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from .serialization import column_keys

RESERVED_PARAMS = frozenset({"page", "limit", "relations", "force", "format"})
TRUE_VALUES = {"true", "t", "yes", "y", "on", "1"}
FALSE_VALUES = {"false", "f", "no", "n", "off", "0"}


def parse_filter_value(field, key, raw):
    """Convert one query-string value to the column's Python type, or raise a 400 naming the key."""
    if raw in ("null", "None") and field.null:
        return None
    if isinstance(field, BooleanField) and isinstance(raw, str):
        lowered = raw.lower()
        if lowered in TRUE_VALUES:
            return True
        if lowered in FALSE_VALUES:
            return False
        raise ValidationError({key: [f"invalid filter value {raw!r}: expected true or false."]})
    target = field.target_field if field.is_relation else field
    try:
        value = target.to_python(raw)
        # The column's validators hold its range, so an integer too large for it is a 400 too.
        target.run_validators(value)
        return value
    except (DjangoValidationError, ValueError, TypeError):
        raise ValidationError({key: [f"invalid filter value {raw!r} for this column."]}) from None


class KitsuFilterBackend(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        model = queryset.model
        columns = column_keys(model)
        hidden = view.get_hidden_fields(request.user)
        relations = getattr(model, "kitsu_relations", ())
        for key, raw in request.query_params.items():
            if key in RESERVED_PARAMS or (key not in columns and key not in relations):
                continue
            if key in hidden:
                raise ValidationError({key: ["filtering on this column is not allowed for your role."]})
            if key in relations:
                queryset = queryset.filter(self.build_relation_condition(model, key, raw)).distinct()
            else:
                queryset = queryset.filter(self.build_condition(columns[key], key, raw))
        return queryset

    def build_relation_condition(self, model, key, raw):
        target = model._meta.get_field(key).related_model._meta.pk
        return Q(**{f"{key}__pk": parse_filter_value(target, key, raw)})

    def build_condition(self, field, key, raw):
        lookup = field.attname
        if isinstance(raw, str) and raw.startswith("["):
            try:
                values = json.loads(raw)
            except ValueError:
                raise ValidationError({key: [f"invalid JSON list {raw!r}."]}) from None
            if not isinstance(values, list):
                raise ValidationError({key: ["expected a JSON list of values."]})
            values = [parse_filter_value(field, key, value) for value in values]
            if key == "name":
                if not values:
                    return Q(pk__in=[])
                return reduce(operator.or_, (Q(name__iexact=value) for value in values))
            return Q(**{f"{lookup}__in": values})
        value = parse_filter_value(field, key, raw)
        if value is None:
            return Q(**{f"{lookup}__isnull": True})
        if key == "name":
            return Q(name__iexact=value)
        return Q(**{lookup: value})
