"""One error format for the whole API: `{"error": true, "message": "..."}`.

Validation errors also carry `errors`, the list of problems per field, and the
message names the first field and its problem.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger("kitsu_project.api")


class MissingArgument(exceptions.ValidationError):
    """A required key is missing from the body of an action route.

    Its message is an object keyed by the field, `{"name": "..."}`, because the
    reference answers missing arguments of these routes that way.
    """

    def __init__(self, field, problem):
        super().__init__({field: [problem]})
        self.field = field
        self.problem = problem


def error_body(message, **extra):
    return {"error": True, "message": message, **extra}


def _flatten(detail, prefix=""):
    """Yield (field path, message) pairs from DRF's nested error detail."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            yield from _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(detail, list):
        for value in detail:
            yield from _flatten(value, prefix)
    else:
        yield prefix, str(detail)


def validation_message(detail):
    problems = list(_flatten(detail))
    if not problems:
        return "Invalid input."
    return " ".join(f"{field}: {message}" if field else message for field, message in problems)


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        names = sorted({type(obj)._meta.verbose_name for obj in exc.protected_objects if hasattr(obj, "_meta")})
        message = "This row is still used by other rows ({}); remove them first or use force=true.".format(
            ", ".join(names) or "linked data"
        )
        set_rollback()
        return Response(error_body(message), status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, IntegrityError):
        # The failed statement aborted the transaction: roll it back before responding.
        set_rollback()
        logger.warning("Integrity error on %s: %s", context["request"].path, exc)
        return Response(
            error_body("The request conflicts with existing data (a duplicate or a missing linked row)."),
            status=status.HTTP_400_BAD_REQUEST,
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, MissingArgument):
        response.data = error_body({exc.field: exc.problem}, errors=exc.detail, data=None)
    elif isinstance(exc, exceptions.ValidationError):
        response.data = error_body(validation_message(exc.detail), errors=exc.detail, data=None)
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = error_body(str(response.data["detail"]))
        if getattr(exc, "default_code", None) == "malformed_id":
            # The reference's malformed-id response carries "data": null, like its other input errors.
            response.data["data"] = None
        response.data.update(getattr(exc, "body_extra", {}))
        if response.status_code == status.HTTP_401_UNAUTHORIZED:
            # Clients written against the reference read token errors from "msg".
            response.data["msg"] = response.data["message"]
    return response


def _wants_json(request):
    return request.path.startswith("/api")


def not_found_view(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body(f"The route {request.path} does not exist."), status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error_view(request):
    if _wants_json(request):
        return JsonResponse(error_body("Internal server error: the failure is logged on the server."), status=500)
    from django.views.defaults import server_error

    return server_error(request)
