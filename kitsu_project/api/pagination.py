"""Pagination as the Kitsu API has it: off unless `page` is given."""

import math

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

DEFAULT_LIMIT = 100
MAX_LIMIT = 10000
# Beyond this the row offset no longer fits the database's 64-bit integers.
MAX_PAGE = 1_000_000_000


def positive_int(request, name, default):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"must be a whole number, got {raw!r}."]}) from None
    if value == 0 and name == "limit":
        return default
    if value < 1:
        raise ValidationError({name: [f"must be 1 or more, got {value}."]})
    check_page(name, value)
    return value


def check_page(name, value):
    """Raise a 400 naming `page` when the page number is too large to read."""
    if name == "page" and value > MAX_PAGE:
        raise ValidationError({name: [f"must be {MAX_PAGE} or less, got {value}."]})


class KitsuPagination(BasePagination):
    """Return a bare list, or `{data, total, nb_pages, limit, offset, page}` when `page` is set."""

    def paginate_queryset(self, queryset, request, view=None):
        # A bad limit is a 400 even without a page, where the limit has no effect.
        limit = positive_int(request, "limit", DEFAULT_LIMIT)
        raw_page = request.query_params.get("page")
        if raw_page in (None, "") or raw_page.lstrip().startswith("-"):
            # The reference also treats a negative page as "no pagination".
            return None
        self.page = positive_int(request, "page", 1)
        self.limit = min(limit, MAX_LIMIT)
        self.offset = (self.page - 1) * self.limit
        self.total = queryset.count()
        # Most recently changed rows first, with the id as a stable tie-breaker.
        ordered = queryset.order_by("-updated_at", "-created_at", "pk")
        return list(ordered[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data):
        return Response(
            {
                "data": data,
                "total": self.total,
                "nb_pages": math.ceil(self.total / self.limit) if self.total else 0,
                "limit": self.limit,
                "offset": self.offset,
                "page": self.page,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "properties": {
                "data": schema,
                "total": {"type": "integer"},
                "nb_pages": {"type": "integer"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
                "page": {"type": "integer"},
            },
        }
