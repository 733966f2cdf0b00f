"""The base viewset of every /data/<collection> route.

A model's viewset sets `queryset`, `serializer_class` and the roles allowed per
action, then overrides hooks only where the model needs more:

- `scope_queryset(queryset)`: restrict the rows a non-admin may list;
- `has_row_access(user, row)`: refuse one row (403) for the current action;
- `get_hidden_fields(user)`: columns this caller may not see or filter on;
- `perform_create`, `perform_update`, `perform_destroy`: DRF's write hooks.
"""

import logging
import uuid

from django.db.models import Prefetch
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException, NotFound, ValidationError

from kitsu_project.api.errors import MissingArgument

from .filters import KitsuFilterBackend
from .pagination import KitsuPagination
from .permissions import ADMIN_ONLY, ALL_ROLES, ActionRolePermission

logger = logging.getLogger("kitsu_project.api")

TRUE_STRINGS = {"true", "1", "yes"}
CHECKED_TRUE_STRINGS = {"true", "1", "yes", "on"}
CHECKED_FALSE_STRINGS = {"false", "0", "no", "off"}


class MalformedId(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "malformed_id"

    def __init__(self, value):
        super().__init__(f"Malformed ID: {value!r} is not a valid UUID.")


def parse_path_id(value):
    """Return a path id as a UUID, or raise MalformedId (400)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise MalformedId(value) from None


def path_row(queryset, value, label):
    """Return the row of `queryset` with this path id: 400 when the id is malformed, 404 when unknown."""
    row = queryset.filter(pk=parse_path_id(value)).first()
    if row is None:
        raise NotFound(f"No {label} has the id {value}.")
    return row


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


def query_uuid(request, name):
    """Return the UUID of query parameter `name`, None when absent, or raise a 400 naming it."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError({name: [f"invalid id {raw!r}: expected a UUID."]}) from None


def text_argument(data, name, problem):
    """Return the required text argument `name` of a request body, or raise a 400 naming it with `problem`."""
    value = data.get(name) if isinstance(data, dict) else None
    if value is None or value == "":
        raise MissingArgument(name, problem)
    if not isinstance(value, str):
        raise ValidationError({name: ["expected a text value."]})
    return value


def request_body(request):
    """Return the request body as a dict (JSON object or form fields), or raise a 400 for any other body."""
    data = request.data
    if hasattr(data, "dict"):
        data = data.dict()
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["expected a JSON object."]})
    return data


def query_flag(request, name):
    return request.query_params.get(name, "").lower() in TRUE_STRINGS


def checked_flag(data, key, default):
    """Return the boolean in `data[key]` (query parameters or form fields), or `default` when it is absent.

    Unlike `query_flag`, a value that is neither true nor false is a 400 naming `key`.
    """
    value = data.get(key)
    if value in (None, ""):
        return default
    text = str(value).strip().lower()
    if text in CHECKED_TRUE_STRINGS:
        return True
    if text in CHECKED_FALSE_STRINGS:
        return False
    raise ValidationError({key: [f"invalid value {value!r}: expected true or false."]})


class KitsuModelViewSet(viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    filter_backends = [KitsuFilterBackend]
    pagination_class = KitsuPagination
    permission_classes = [ActionRolePermission]
    lookup_value_regex = "[^/]+"

    # Roles allowed per action. Admins are in every default.
    read_roles = ALL_ROLES
    list_roles = None  # None: the same as read_roles
    create_roles = ADMIN_ONLY
    update_roles = ADMIN_ONLY
    delete_roles = ADMIN_ONLY
    # Columns hidden from each role, as {role: {json key, ...}}.
    hidden_fields_by_role = {}
    # Foreign keys read by `kitsu_extra_fields` or the row type, joined in one query.
    list_select_related = ()
    # The reference returns 404 instead of 400 for a malformed id on a few collections.
    malformed_id_status = 400

    # ---- hooks -----------------------------------------------------------

    def get_action_roles(self):
        if self.action == "list":
            return self.list_roles if self.list_roles is not None else self.read_roles
        if self.action == "create":
            return self.create_roles
        if self.action in ("update", "partial_update"):
            return self.update_roles
        if self.action == "destroy":
            return self.delete_roles
        return self.read_roles

    def has_row_access(self, user, row):
        """Return False to refuse the current action on this row with 403."""
        return True

    def scope_queryset(self, queryset):
        """Restrict the rows the caller may list; every row by default.

        Reads of one row go through `has_row_access` instead, so a row the caller
        may not see answers 403 rather than 404.
        """
        return queryset

    def get_hidden_fields(self, user):
        return frozenset(self.hidden_fields_by_role.get(getattr(user, "role", None), ()))

    # ---- DRF plumbing ----------------------------------------------------

    def wants_relations(self):
        if getattr(self.queryset.model, "kitsu_always_relations", False):
            return True
        return self.action == "retrieve" or query_flag(self.request, "relations")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.wants_relations():
            model = queryset.model
            for name in getattr(model, "kitsu_relations", ()):
                related_model = model._meta.get_field(name).related_model
                queryset = queryset.prefetch_related(
                    Prefetch(name, queryset=related_model.objects.only("pk").order_by())
                )
        if self.action == "list":
            queryset = self.scope_queryset(queryset)
        return queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "request", None) is not None and getattr(self, "action", None):
            context["view_action"] = self.action
            context["relations"] = self.wants_relations()
            context["hidden"] = self.get_hidden_fields(self.request.user)
        return context

    def get_object(self):
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        try:
            uuid.UUID(str(lookup))
        except ValueError:
            if self.malformed_id_status == 404:
                raise NotFound(f"No {self.get_model_label()} has the id {lookup!r}.") from None
            raise MalformedId(lookup) from None
        row = self.get_queryset().filter(pk=lookup).first()
        if row is None:
            raise NotFound(f"No {self.get_model_label()} has the id {lookup}.")
        self.check_object_permissions(self.request, row)
        return row

    def get_model_label(self):
        return self.queryset.model._meta.verbose_name

    def get_serializer(self, *args, **kwargs):
        # Remembered so that `create` and `update` can name the written row in the event log.
        serializer = super().get_serializer(*args, **kwargs)
        self.write_serializer = serializer
        return serializer

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        self.send_row_event(self.write_serializer.instance, "create")
        return response

    def update(self, request, *args, **kwargs):
        # Kitsu's PUT changes only the keys it sends.
        kwargs["partial"] = True
        response = super().update(request, *args, **kwargs)
        self.send_row_event(self.write_serializer.instance, "update")
        return response

    def send_row_event(self, row, action):
        """Record `<kind>:new|update|delete` in the event log once the request commits."""
        from productions.services.events import row_event_send

        if row is not None and row.pk is not None:
            row_event_send(row=row, action=action, user=self.request.user)

    def perform_create(self, serializer):
        row = serializer.save()
        logger.info("%s %s created by %s", type(row).__name__, row.pk, self.request.user.pk)

    def perform_update(self, serializer):
        row = serializer.save()
        logger.info("%s %s updated by %s", type(row).__name__, row.pk, self.request.user.pk)

    def perform_destroy(self, instance):
        from productions.services.events import event_send, row_event

        label, pk = type(instance).__name__, instance.pk
        # The event is named before the delete, while the row's entity type can still be read.
        event = row_event(row=instance, action="delete")
        self.delete_row(instance, force=query_flag(self.request, "force"))
        if event is not None:
            name, data, project_id = event
            event_send(name=name, data=data, project_id=project_id, user=self.request.user)
        logger.info("%s %s deleted by %s", label, pk, self.request.user.pk)

    def delete_row(self, row, *, force):
        """Delete one row; override to refuse with 400 or to cascade when `force` is set."""
        row.delete()
