"""Read-only shapes of the /data/user routes: the caller's projects, tasks and the UI's start-up context.

Each function runs a fixed number of SQL queries whatever the row count, so the
routes that call them stay constant in queries.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch

from accounts.api.viewsets import PERSON_PUBLIC_KEYS
from accounts.models import Department, Person, Studio
from kitsu_project.api.permissions import ADMIN, MANAGER, SUPERVISOR
from kitsu_project.api.serialization import format_datetime, format_uuid, serialize_row
from productions.access import in_team
from productions.models import (
    Comment,
    Entity,
    EntityType,
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectStatus,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
)
from productions.models.entity import TEMPORAL_ENTITY_TYPES
from productions.services.notifications import notifications_unread_count
from productions.services.projects import OPEN_STATUS

# Keys of a project row that the reference leaves out of the user routes.
PROJECT_EXCLUDED_KEYS = frozenset({"project_status_name"})
# Person columns never sent, even to admins.
PERSON_SECRET_KEYS = frozenset({"jti"})
# Roles that read every column of the other persons in the context, as the reference allows.
FULL_PERSON_ROLES = frozenset({ADMIN, MANAGER})


# ---- projects ----------------------------------------------------------------


def open_projects_queryset(user, *, name=None):
    """Open projects: every one for an admin, else those whose team contains `user`."""
    queryset = Project.objects.filter(project_status__name=OPEN_STATUS)
    if user.role != ADMIN:
        queryset = queryset.filter(in_team(user, "pk"))
    if name is not None:
        queryset = queryset.filter(name=name)
    return queryset.order_by("name")


def related_projects_queryset(user):
    """Open projects whose team contains `user`, whatever the role."""
    return Project.objects.filter(project_status__name=OPEN_STATUS).filter(in_team(user, "pk"))


def first_episode_ids(projects):
    """Map each TV show's id to its first episode: the first running one by name, else the first by name."""
    episodes = Entity.objects.filter(
        project_id__in=[project.pk for project in projects],
        project__production_type="tvshow",
        entity_type__name="Episode",
    ).values_list("project_id", "pk", "status", "name")
    firsts = {}
    for project_id, episode_id, _status, _name in sorted(episodes, key=lambda row: (row[2] != "running", row[3])):
        firsts.setdefault(project_id, episode_id)
    return firsts


def project_rows(projects):
    """Serialize projects with their team, settings and priorities, in six queries for any number of projects."""
    projects = list(projects)
    ids = [project.pk for project in projects]

    team = defaultdict(list)
    for project_id, person_id in ProjectPersonLink.objects.filter(project_id__in=ids).values_list(
        "project_id", "person_id"
    ):
        team[project_id].append(str(person_id))

    asset_types = defaultdict(list)
    for project_id, asset_type_id in ProjectAssetTypeLink.objects.filter(project_id__in=ids).values_list(
        "project_id", "asset_type_id"
    ):
        asset_types[project_id].append(str(asset_type_id))

    task_types = defaultdict(dict)
    for project_id, task_type_id, priority in ProjectTaskTypeLink.objects.filter(project_id__in=ids).values_list(
        "project_id", "task_type_id", "priority"
    ):
        task_types[project_id][str(task_type_id)] = priority

    task_statuses = defaultdict(dict)
    for project_id, task_status_id, priority, roles in ProjectTaskStatusLink.objects.filter(
        project_id__in=ids
    ).values_list("project_id", "task_status_id", "priority", "roles_for_board"):
        task_statuses[project_id][str(task_status_id)] = {"priority": priority, "roles_for_board": roles or []}

    episodes = first_episode_ids(projects)
    rows = []
    for project in projects:
        row = serialize_row(project, exclude=PROJECT_EXCLUDED_KEYS)
        row["team"] = team[project.pk]
        row["asset_types"] = asset_types[project.pk]
        row["task_statuses"] = list(task_statuses[project.pk])
        row["task_types"] = list(task_types[project.pk])
        # TODO: status automations, preview background files and metadata
        # descriptors have no tables yet, so these lists are always empty.
        row["status_automations"] = []
        row["preview_background_files"] = []
        row["descriptors"] = []
        row["task_types_priority"] = task_types[project.pk]
        row["task_statuses_link"] = task_statuses[project.pk]
        if project.pk in episodes:
            row["first_episode_id"] = str(episodes[project.pk])
        rows.append(row)
    return rows


# ---- the start-up context ------------------------------------------------------


def person_rows(user):
    """Serialize every person: all columns but secrets for admins and managers, the public columns for the others."""
    persons = Person.objects.prefetch_related(
        Prefetch("departments", queryset=Department.objects.only("pk").order_by())
    )
    rows = []
    for person in persons:
        row = serialize_row(person, relations=True, exclude=PERSON_SECRET_KEYS)
        if user.role not in FULL_PERSON_ROLES:
            row = {key: value for key, value in row.items() if key in PERSON_PUBLIC_KEYS}
        rows.append(row)
    return rows


def asset_type_rows():
    asset_types = EntityType.objects.exclude(name__in=TEMPORAL_ENTITY_TYPES).prefetch_related(
        Prefetch("task_types", queryset=TaskType.objects.only("pk").order_by())
    )
    rows = []
    for asset_type in asset_types:
        row = serialize_row(asset_type, relations=True)
        row["type"] = "AssetType"
        rows.append(row)
    return rows


def user_context(*, user):
    """Build what the web UI loads at start-up: the caller's open projects and every shared list."""
    context = {
        "asset_types": asset_type_rows(),
        # TODO: custom actions, status automations, notifications, saved search
        # filters and preview background files have no tables yet, so these values are empty.
        "custom_actions": [],
        "status_automations": [],
        "departments": [serialize_row(row) for row in Department.objects.all()],
        "studios": [serialize_row(row) for row in Studio.objects.all()],
        "notification_count": notifications_unread_count(person=user),
        "persons": person_rows(user),
        "project_status": [serialize_row(row) for row in ProjectStatus.objects.all()],
        "projects": project_rows(open_projects_queryset(user)),
        "task_types": [serialize_row(row) for row in TaskType.objects.all()],
        "task_status": [serialize_row(row) for row in TaskStatus.objects.all()],
        "search_filters": {},
        "search_filter_groups": {},
        "preview_background_files": [],
    }
    if user.role == ADMIN:
        # NOTE: the server does not enforce this limit; it is only reported to the UI.
        context["user_limit"] = settings.KITSU_USER_LIMIT
    return context


# ---- task lists ------------------------------------------------------------------


def assigned_to(user):
    return Exists(TaskPersonLink.objects.filter(task=OuterRef("pk"), person=user))


def todo_tasks_queryset(user, *, done):
    """Tasks assigned to `user` in the open projects whose team contains them, done or not."""
    # A join on the assignment, not an EXISTS test: PostgreSQL then starts from the person's few
    # assignments instead of joining every task of the studio first (about 3 times faster at 13,600 tasks).
    queryset = Task.objects.filter(
        assignees=user,
        task_status__is_done=done,
        project__in=related_projects_queryset(user).values("pk"),
    )
    if done:
        return queryset.order_by(F("end_date").desc(nulls_last=True), "task_type__name", "entity__name")
    return queryset.order_by("project__name", "task_type__name", "entity__name")


def tasks_to_check_queryset(user):
    """Tasks waiting for feedback that the caller reviews, or None for roles that review nothing.

    Admins review every open project, managers and supervisors the open projects
    of their teams, and supervisors only the task types of their departments
    (all of them when they belong to no department).
    """
    if user.role == ADMIN:
        projects = Project.objects.filter(project_status__name=OPEN_STATUS)
    elif user.role in (MANAGER, SUPERVISOR):
        projects = related_projects_queryset(user)
    else:
        return None
    queryset = Task.objects.filter(task_status__is_feedback_request=True, project__in=projects.values("pk"))
    if user.role == SUPERVISOR:
        department_ids = list(user.departments.values_list("pk", flat=True))
        if department_ids:
            queryset = queryset.filter(task_type__department_id__in=department_ids)
    return queryset.order_by("project__name", "task_type__name", "entity__name")


def with_context_columns(queryset):
    """Add the project, entity, sequence, episode, type and status columns that a task row of a to-do list shows."""
    return queryset.annotate(
        row_project_name=F("project__name"),
        row_project_has_avatar=F("project__has_avatar"),
        row_entity_name=F("entity__name"),
        row_entity_description=F("entity__description"),
        row_entity_data=F("entity__data"),
        row_entity_preview_file_id=F("entity__preview_file_id"),
        row_entity_source_id=F("entity__source_id"),
        row_entity_parent_id=F("entity__parent_id"),
        row_entity_type_name=F("entity__entity_type__name"),
        row_entity_canceled=F("entity__canceled"),
        row_parent_name=F("entity__parent__name"),
        row_grandparent_id=F("entity__parent__parent_id"),
        row_grandparent_name=F("entity__parent__parent__name"),
        row_source_name=F("entity__source__name"),
        row_source_type_name=F("entity__source__entity_type__name"),
        row_task_type_name=F("task_type__name"),
        row_task_type_for_entity=F("task_type__for_entity"),
        row_task_type_color=F("task_type__color"),
        row_task_status_name=F("task_status__name"),
        row_task_status_color=F("task_status__color"),
        row_task_status_short_name=F("task_status__short_name"),
    )


def assignees_by_task(task_ids_queryset):
    """Map each task id to its assignee id strings, read in one query.

    Cheaper than prefetching `assignees`, which builds a related manager per row.
    """
    assignees = {}
    links = TaskPersonLink.objects.filter(task_id__in=task_ids_queryset).values_list("task_id", "person_id")
    for task_id, person_id in links:
        assignees.setdefault(task_id, []).append(str(person_id))
    return assignees


def episode_of(task):
    """Return the (id, name) of the episode a to-do row shows.

    A shot's episode is its sequence's parent, and a sequence's episode is its
    own parent. An asset's episode is the one it was created in (its source).
    "MP" names a source that is not an episode, and ("", None) means none.
    """
    entity_type_name = task.row_entity_type_name
    if entity_type_name == "Sequence" and task.row_entity_parent_id is not None:
        return str(task.row_entity_parent_id), task.row_parent_name
    if task.row_grandparent_id is not None:
        return str(task.row_grandparent_id), task.row_grandparent_name
    if task.row_entity_source_id is not None:
        name = task.row_source_name if task.row_source_type_name == "Episode" else "MP"
        return str(task.row_entity_source_id), name
    return "", None


def last_comments(task_ids_queryset):
    """Map each task id to its newest comment written by someone who is not a client."""
    comments = (
        Comment.objects.filter(object_id__in=task_ids_queryset)
        .exclude(person__role="client")
        .order_by("object_id", "-created_at")
        .values_list("object_id", "text", "created_at", "person_id")
    )
    newest = {}
    for object_id, text, created_at, person_id in comments:
        if object_id not in newest:
            newest[object_id] = {"text": text, "date": format_datetime(created_at), "person_id": str(person_id)}
    return newest


def todo_task_rows(queryset):
    """Serialize the tasks of a to-do list with their context columns and last comment, in three queries."""
    # NOTE: the reference picks the oldest comment as "last_comment"; this returns the newest.
    comments = last_comments(queryset.order_by().values("pk"))
    assignees = assignees_by_task(queryset.order_by().values("pk"))
    rows = []
    for task in with_context_columns(queryset):
        episode_id, episode_name = episode_of(task)
        row = serialize_row(task)
        row["assignees"] = assignees.get(task.pk, [])
        row.update(
            {
                "project_name": task.row_project_name,
                "project_id": str(task.project_id),
                "project_has_avatar": task.row_project_has_avatar,
                "entity_id": str(task.entity_id),
                "entity_name": task.row_entity_name,
                "entity_description": task.row_entity_description,
                "entity_data": task.row_entity_data,
                "entity_preview_file_id": format_uuid(task.row_entity_preview_file_id) or "",
                "entity_source_id": format_uuid(task.row_entity_source_id) or "",
                "entity_type_name": task.row_entity_type_name,
                "entity_canceled": task.row_entity_canceled,
                "sequence_name": task.row_parent_name,
                "episode_id": episode_id,
                "episode_name": episode_name,
                "task_estimation": task.estimation,
                "task_duration": task.duration,
                "task_start_date": format_datetime(task.start_date),
                "task_due_date": format_datetime(task.due_date),
                "task_type_name": task.row_task_type_name,
                "task_type_for_entity": task.row_task_type_for_entity,
                "task_status_name": task.row_task_status_name,
                "task_type_color": task.row_task_type_color,
                "task_status_color": task.row_task_status_color,
                "task_status_short_name": task.row_task_status_short_name,
                "last_comment": comments.get(task.pk, {}),
            }
        )
        # TODO: add episode_ids and episode_names (the episodes an asset is cast
        # in) once casting links have their table.
        rows.append(row)
    return rows


# ---- what the caller works on in one project or entity -----------------------------


def assigned_tasks_on_entity(user, entity_id):
    """Tasks of one entity assigned to `user`, in an open project."""
    return Task.objects.filter(assigned_to(user), entity_id=entity_id, project__project_status__name=OPEN_STATUS)


def assigned_task_types_on_entity(user, entity_id):
    """Task types of the tasks of one entity assigned to `user`, in an open project."""
    task_ids = assigned_tasks_on_entity(user, entity_id).values("task_type_id")
    return TaskType.objects.filter(pk__in=task_ids)


def entities_with_assigned_tasks(user, *, link="tasks", **filters):
    """Entities matching `filters`, in an open project, that reach a task assigned to `user` through `link`.

    `link` is the path from the entity to the task: "tasks" for the entity's own
    tasks, "children__tasks" for a sequence's shots and
    "children__children__tasks" for an episode's shots.
    """
    assigned = TaskPersonLink.objects.filter(person=user).values("task_id")
    return (
        Entity.objects.filter(project__project_status__name=OPEN_STATUS, **{f"{link}__in": assigned}, **filters)
        .select_related("entity_type")
        .distinct()
        .order_by("name")
    )


def asset_types_with_assigned_tasks(user, *, project_id):
    """Asset types of the project's assets on which `user` has an assigned task, in an open project."""
    assigned = TaskPersonLink.objects.filter(person=user).values("task_id")
    entity_type_ids = Entity.objects.filter(
        project_id=project_id, project__project_status__name=OPEN_STATUS, tasks__in=assigned
    ).values("entity_type_id")
    return EntityType.objects.filter(pk__in=entity_type_ids).exclude(name__in=TEMPORAL_ENTITY_TYPES).order_by("name")
