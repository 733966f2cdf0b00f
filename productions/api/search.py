"""Global search: `POST /data/search` finds assets, shots and persons whose name contains the query.

The search runs in the database (a case-insensitive `LIKE`) within the open
projects the caller may see. Admins see every open project, and the others the
open projects of their team. Vendors only find the entities that carry a task
assigned to them. Persons are searched among all active persons, as the
reference does; non-admins see only their public columns.
"""

from django.db.models import Exists, OuterRef, Prefetch, Value
from django.db.models.functions import Concat
from django.urls import re_path
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.viewsets import PERSON_PUBLIC_KEYS
from accounts.models import Department, Person
from kitsu_project.api.errors import MissingArgument
from kitsu_project.api.permissions import ADMIN
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.viewsets import body_id, request_body
from productions.access import is_vendor
from productions.models import TaskPersonLink
from productions.services import entity_views
from productions.services.user_views import open_projects_queryset

from .projects import body_int

# Queries shorter than this return an empty result, as the reference does.
MIN_QUERY_LENGTH = 3
DEFAULT_LIMIT = 3
MAX_LIMIT = 100
INDEX_NAMES = ("assets", "shots", "persons")
# Every hit matches on its name: the search reads no other column.
MATCHED_TERMS = ("name",)


# ---- input -------------------------------------------------------------------


def search_query(data):
    query = data.get("query")
    if query is None:
        raise MissingArgument("query", "this field is missing: send the text to search for.")
    if not isinstance(query, str):
        raise ValidationError({"query": ["must be a string."]})
    return query.strip()


def bounded_int(data, key, default, minimum, maximum):
    value = body_int(data, key, default)
    if not minimum <= value <= maximum:
        raise ValidationError({key: [f"must be between {minimum} and {maximum}, got {value}."]})
    return value


def index_names(data):
    """Return the indexes to search: `index_names`, a name or a list of names among assets, shots and persons."""
    names = data.get("index_names")
    if names in (None, "", []):
        return INDEX_NAMES
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValidationError({"index_names": ["expected a list of index names."]})
    unknown = sorted(set(names) - set(INDEX_NAMES))
    if unknown:
        raise ValidationError(
            {"index_names": [f"unknown index {', '.join(unknown)}: expected some of {', '.join(INDEX_NAMES)}."]}
        )
    return tuple(names)


# ---- queries -----------------------------------------------------------------


def visible_project_ids(user, project_id):
    """Return the ids of the open projects the caller may search, or only `project_id` when it is one of them."""
    projects = open_projects_queryset(user)
    if project_id is not None:
        projects = projects.filter(pk=project_id)
    return projects.values("pk")


def entity_scope(queryset, user, project_ids):
    queryset = queryset.filter(project_id__in=project_ids)
    if is_vendor(user):
        queryset = queryset.filter(Exists(TaskPersonLink.objects.filter(person=user, task__entity=OuterRef("pk"))))
    return queryset


def page(queryset, offset, limit):
    return queryset[offset : offset + limit]


def search_assets(user, query, project_ids, offset, limit):
    queryset = entity_scope(entity_views.assets(), user, project_ids).filter(name__icontains=query)
    queryset = queryset.select_related("project", "entity_type").order_by("name", "pk")
    rows = []
    for asset in page(queryset, offset, limit):
        row = serialize_row(asset)
        row["project_name"] = asset.project.name
        row["asset_type_name"] = asset.entity_type.name
        # TODO: preview files are not built yet, so no hit has a preview file extension.
        row["preview_file_extension"] = None
        row["matched_terms"] = list(MATCHED_TERMS)
        rows.append(row)
    return rows


def search_shots(user, query, project_ids, offset, limit):
    queryset = entity_scope(entity_views.entities_of_kind("Shot"), user, project_ids).filter(name__icontains=query)
    queryset = queryset.select_related("project", "entity_type", "parent__parent").order_by("name", "pk")
    rows = []
    for shot in page(queryset, offset, limit):
        sequence = shot.parent
        row = serialize_row(shot)
        row["project_name"] = shot.project.name
        row["sequence_name"] = sequence.name if sequence is not None else None
        row["preview_file_extension"] = None
        if shot.project.production_type == "tvshow" and sequence is not None and sequence.parent is not None:
            row["episode"] = sequence.parent.name
            row["episode_id"] = str(sequence.parent_id)
        row["matched_terms"] = list(MATCHED_TERMS)
        rows.append(row)
    return rows


def search_persons(user, query, offset, limit):
    queryset = (
        Person.objects.filter(active=True)
        .annotate(search_name=Concat("first_name", Value(" "), "last_name"))
        .filter(search_name__icontains=query)
        .prefetch_related(Prefetch("departments", queryset=Department.objects.only("pk").order_by()))
        .order_by("first_name", "last_name", "pk")
    )
    rows = []
    for person in page(queryset, offset, limit):
        row = serialize_row(person, relations=True)
        if user.role != ADMIN:
            row = {key: value for key, value in row.items() if key in PERSON_PUBLIC_KEYS}
        row["matched_terms"] = list(MATCHED_TERMS)
        rows.append(row)
    return rows


# ---- route -------------------------------------------------------------------


class SearchView(APIView):
    """POST {query, project_id?, limit?, offset?, index_names?}: hits per index, `limit` of each (3 by default)."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        user = request.user
        data = request_body(request)
        query = search_query(data)
        project_id = body_id(data, "project_id", required=False)
        limit = bounded_int(data, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT)
        offset = bounded_int(data, "offset", 0, 0, 2**31 - 1)
        names = index_names(data)
        if len(query) < MIN_QUERY_LENGTH:
            return Response({})

        project_ids = visible_project_ids(user, project_id)
        results = {}
        if "persons" in names:
            results["persons"] = search_persons(user, query, offset, limit)
        if "assets" in names:
            results["assets"] = search_assets(user, query, project_ids, offset, limit)
        if "shots" in names:
            results["shots"] = search_shots(user, query, project_ids, offset, limit)
        return Response(results)


urlpatterns = [
    re_path(r"^search/?$", SearchView.as_view()),
]
action_urlpatterns = []
GENERIC_COLLECTIONS = []
