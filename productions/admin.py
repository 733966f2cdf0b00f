"""Django admin for projects, entities, tasks, comments and their reference tables.

Access follows the /data API: admins change every row. Production managers
see and change the projects, entities and tasks of the projects whose team
they are in, and see the comments on those tasks. Only admins add or delete
projects and change the reference tables (statuses, entity types, task types)
and comments.

Comment.object_id is not a foreign key, so deleting tasks here also deletes their
comments explicitly.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import OuterRef, Subquery

from accounts.admin import (
    METADATA_FIELDS,
    METADATA_FIELDSET,
    KitsuModelAdmin,
    KitsuTabularInline,
    ReadOnlyModelAdmin,
    has_role,
)
from kitsu_project.api.permissions import ADMIN_ONLY, STAFF_ROLES
from productions.access import in_team
from productions.models import (
    ApiEvent,
    AssetInstance,
    AssetInstanceLink,
    Budget,
    BudgetEntry,
    Chat,
    ChatMessage,
    Comment,
    CustomAction,
    DayOff,
    Entity,
    EntityConceptLink,
    EntityLink,
    EntityType,
    EntityVersion,
    FileStatus,
    MetadataDescriptor,
    Milestone,
    News,
    Notification,
    OutputFile,
    OutputType,
    Plugin,
    ProductionScheduleVersion,
    ProductionScheduleVersionTaskLink,
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectStatus,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    ScheduleItem,
    SearchFilter,
    SearchFilterGroup,
    StatusAutomation,
    Subscription,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TaskTypeAssetTypeLink,
    TimeSpent,
    WorkingFile,
)
from productions.services.projects import OPEN_STATUS, default_project_status, ensure_first_episode

# Path from each production model to its project, for the team checks of managers.
PROJECT_PATHS = {
    Project: "pk",
    Entity: "project",
    Task: "project",
    EntityLink: "entity_in__project",
    EntityConceptLink: "entity_in__project",
    AssetInstance: "asset__project",
    EntityVersion: "entity__project",
    Milestone: "project",
    ScheduleItem: "project",
    ProductionScheduleVersion: "project",
    ProductionScheduleVersionTaskLink: "production_schedule_version__project",
    Budget: "project",
    WorkingFile: "task__project",
    OutputFile: "entity__project",
    BudgetEntry: "budget__project",
}


def team_rows(model, user):
    """Return the rows of `model` in the projects whose team includes `user`."""
    return model._default_manager.filter(in_team(user, PROJECT_PATHS[model]))


def entity_tree_ids(entities):
    """Return the ids of `entities` and of all their descendants, which a delete cascades to."""
    found = set(entities.values_list("pk", flat=True))
    level = found
    while level:
        level = set(Entity.objects.filter(parent__in=level).exclude(pk__in=found).values_list("pk", flat=True))
        found |= level
    return found


def task_comments(tasks):
    return Comment.objects.filter(object_id__in=tasks.values("pk"))


# ---- reference tables ------------------------------------------------------


@admin.register(ProjectStatus)
class ProjectStatusAdmin(KitsuModelAdmin):
    list_display = ("name", "color", "updated_at")
    search_fields = ("name",)


class TaskTypeAssetTypeLinkInline(KitsuTabularInline):
    model = TaskTypeAssetTypeLink
    autocomplete_fields = ("task_type",)
    verbose_name = "task type"
    verbose_name_plural = "task types"


@admin.register(EntityType)
class EntityTypeAdmin(KitsuModelAdmin):
    list_display = ("name", "short_name", "is_asset_type", "archived", "updated_at")
    list_filter = ("archived",)
    search_fields = ("name", "short_name")
    inlines = (TaskTypeAssetTypeLinkInline,)

    @admin.display(description="Asset type", boolean=True)
    def is_asset_type(self, entity_type):
        return entity_type.is_asset_type


@admin.register(TaskType)
class TaskTypeAdmin(KitsuModelAdmin):
    list_display = ("name", "short_name", "for_entity", "department", "priority", "allow_timelog", "archived")
    list_select_related = ("department",)
    list_filter = ("for_entity", "department", "allow_timelog", "archived")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("department",)


@admin.register(TaskStatus)
class TaskStatusAdmin(KitsuModelAdmin):
    list_display = (
        "name",
        "short_name",
        "color",
        "priority",
        "is_default",
        "is_done",
        "is_wip",
        "is_retake",
        "is_feedback_request",
        "is_artist_allowed",
        "is_client_allowed",
        "archived",
    )
    list_filter = (
        "is_default",
        "is_done",
        "is_wip",
        "is_retake",
        "is_feedback_request",
        "is_artist_allowed",
        "is_client_allowed",
        "for_concept",
        "archived",
    )
    search_fields = ("name", "short_name")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.is_default:
            # As on the API: one default status for concepts, one for the rest.
            others = TaskStatus.objects.filter(is_default=True, for_concept=obj.for_concept).exclude(pk=obj.pk)
            others.update(is_default=False)


class TeamScopedAdmin(KitsuModelAdmin):
    """Admin of the rows of a project: managers reach only the rows of the projects whose team includes them.

    Foreign keys to projects, entities and tasks offer a manager the same rows only.
    """

    write_roles = STAFF_ROLES

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if has_role(request, ADMIN_ONLY):
            return queryset
        return queryset.filter(in_team(request.user, PROJECT_PATHS[self.model]))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in PROJECT_PATHS and not has_role(request, ADMIN_ONLY):
            kwargs["queryset"] = team_rows(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# ---- projects --------------------------------------------------------------


class ProjectPersonLinkInline(KitsuTabularInline):
    model = ProjectPersonLink
    write_roles = STAFF_ROLES
    autocomplete_fields = ("person",)
    verbose_name = "team member"
    verbose_name_plural = "team"


class ProjectAssetTypeLinkInline(KitsuTabularInline):
    model = ProjectAssetTypeLink
    write_roles = STAFF_ROLES
    autocomplete_fields = ("asset_type",)
    verbose_name = "asset type"
    verbose_name_plural = "asset types"


class ProjectTaskTypeLinkInline(KitsuTabularInline):
    model = ProjectTaskTypeLink
    write_roles = STAFF_ROLES
    fields = ("task_type", "priority")
    autocomplete_fields = ("task_type",)
    ordering = ("priority",)
    verbose_name = "task type"
    verbose_name_plural = "task types"


class ProjectTaskStatusLinkInline(KitsuTabularInline):
    model = ProjectTaskStatusLink
    write_roles = STAFF_ROLES
    fields = ("task_status", "priority", "roles_for_board")
    autocomplete_fields = ("task_status",)
    ordering = ("priority",)
    verbose_name = "task status"
    verbose_name_plural = "task statuses"


@admin.register(Project)
class ProjectAdmin(TeamScopedAdmin):
    list_display = (
        "name",
        "code",
        "project_status",
        "production_type",
        "production_style",
        "start_date",
        "end_date",
        "updated_at",
    )
    list_select_related = ("project_status",)
    list_filter = ("project_status", "production_type", "production_style")
    search_fields = ("name", "code")
    autocomplete_fields = ("project_status",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "code",
                    "project_status",
                    "production_type",
                    "production_style",
                    "description",
                    "homepage",
                )
            },
        ),
        (
            "Schedule",
            {"fields": ("start_date", "end_date", "man_days", "nb_episodes", "episode_span", "max_retakes")},
        ),
        (
            "Video",
            {
                "fields": (
                    "fps",
                    "ratio",
                    "resolution",
                    "hd_bitrate_compression",
                    "ld_bitrate_compression",
                    "default_preview_background_file_id",
                )
            },
        ),
        (
            "Options",
            {
                "fields": (
                    "is_clients_isolated",
                    "is_preview_download_allowed",
                    "is_set_preview_automated",
                    "is_publish_default_for_artists",
                    "has_avatar",
                )
            },
        ),
        (
            "Other",
            {"fields": ("file_tree", "data", "shotgun_id", "from_schedule_version_id"), "classes": ("collapse",)},
        ),
        METADATA_FIELDSET,
    )
    inlines = (
        ProjectPersonLinkInline,
        ProjectAssetTypeLinkInline,
        ProjectTaskTypeLinkInline,
        ProjectTaskStatusLinkInline,
    )

    def has_add_permission(self, request):
        return has_role(request, ADMIN_ONLY)

    def has_delete_permission(self, request, obj=None):
        # As on the API: only admins delete projects, and only closed ones.
        return has_role(request, ADMIN_ONLY) and not (obj is not None and self.is_open(obj))

    @staticmethod
    def is_open(project):
        return project.project_status_id is not None and project.project_status.name == OPEN_STATUS

    def save_model(self, request, obj, form, change):
        # Same defaults as a project created through the API.
        if not change and obj.project_status_id is None:
            obj.project_status = default_project_status()
        super().save_model(request, obj, form, change)
        ensure_first_episode(obj, request.user)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        projects = Project.objects.filter(pk__in=[project.pk for project in objs])
        open_names = list(projects.filter(project_status__name=OPEN_STATUS).values_list("name", flat=True))
        if open_names:
            # has_delete_permission returns False for open projects, which the admin reports as a
            # missing permission, so name the reason instead.
            perms_needed = perms_needed - {Project._meta.verbose_name}
            protected = [*protected, *(f"Project {name} is open: close it first." for name in open_names)]
        comment_count = task_comments(Task.objects.filter(project__in=projects)).count()
        if comment_count:
            model_count[Comment._meta.verbose_name_plural] = comment_count
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        task_comments(Task.objects.filter(project=obj)).delete()
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        task_comments(Task.objects.filter(project__in=queryset)).delete()
        super().delete_queryset(request, queryset)


# ---- entities --------------------------------------------------------------


class EntityAdminForm(forms.ModelForm):
    # No Meta: EntityAdmin.get_form sets the model and the fields from its fieldsets.

    def clean(self):
        cleaned_data = super().clean()
        project = cleaned_data.get("project")
        parent = cleaned_data.get("parent")
        if project is not None and parent is not None and parent.project_id != project.pk:
            self.add_error(
                "parent", f"The parent {parent.name} belongs to another project: pick an entity of {project.name}."
            )
        return cleaned_data


@admin.register(Entity)
class EntityAdmin(TeamScopedAdmin):
    form = EntityAdminForm
    list_display = ("name", "entity_type", "project", "parent", "status", "canceled", "nb_frames", "updated_at")
    list_select_related = ("project", "entity_type", "parent")
    list_filter = (("project", admin.RelatedOnlyFieldListFilter), "entity_type", "status", "canceled", "is_shared")
    search_fields = ("name", "code", "project__name")
    search_help_text = "Search by name, code or project name, or paste an entity id."
    autocomplete_fields = ("project", "entity_type", "parent", "source", "ready_for", "created_by")
    fieldsets = (
        (None, {"fields": ("name", "code", "project", "entity_type", "parent", "status", "canceled", "description")}),
        (
            "Production",
            {"fields": ("nb_frames", "ready_for", "is_casting_standby", "is_shared", "nb_entities_out", "source")},
        ),
        (
            "Other",
            {"fields": ("created_by", "preview_file_id", "shotgun_id", "data"), "classes": ("collapse",)},
        ),
        METADATA_FIELDSET,
    )

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @staticmethod
    def tasks_under(entities):
        return Task.objects.filter(entity__in=entity_tree_ids(entities))

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        entities = Entity.objects.filter(pk__in=[entity.pk for entity in objs])
        comment_count = task_comments(self.tasks_under(entities)).count()
        if comment_count:
            model_count[Comment._meta.verbose_name_plural] = comment_count
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        task_comments(self.tasks_under(Entity.objects.filter(pk=obj.pk))).delete()
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        task_comments(self.tasks_under(queryset)).delete()
        super().delete_queryset(request, queryset)


# ---- tasks -----------------------------------------------------------------


class TaskPersonLinkInline(KitsuTabularInline):
    model = TaskPersonLink
    write_roles = STAFF_ROLES
    autocomplete_fields = ("person",)
    verbose_name = "assignee"
    verbose_name_plural = "assignees"


class TaskAdminForm(forms.ModelForm):
    # No Meta: TaskAdmin.get_form sets the model and the fields from its fieldsets.

    def clean(self):
        cleaned_data = super().clean()
        project = cleaned_data.get("project")
        entity = cleaned_data.get("entity")
        task_type = cleaned_data.get("task_type")
        if entity is None:
            return cleaned_data
        if project is not None and entity.project_id != project.pk:
            self.add_error(
                "entity", f"The entity {entity.name} belongs to another project: pick an entity of {project.name}."
            )
        # As on the API: a task type is meant for one kind of entity (Asset, Shot...).
        kind = entity.get_instance_kitsu_type()
        if task_type is not None and (task_type.for_entity or "Asset") != kind:
            self.add_error(
                "task_type",
                f"The task type {task_type} is not meant for {kind} entities: pick one for {kind} entities.",
            )
        return cleaned_data


@admin.register(Task)
class TaskAdmin(TeamScopedAdmin):
    form = TaskAdminForm
    list_display = (
        "name",
        "entity",
        "task_type",
        "task_status",
        "project",
        "assignee_names",
        "priority",
        "due_date",
        "updated_at",
    )
    list_select_related = ("project", "entity", "task_type", "task_status")
    list_filter = (("project", admin.RelatedOnlyFieldListFilter), "task_type", "task_status", "entity__entity_type")
    search_fields = ("name", "entity__name", "project__name", "assignees__first_name", "assignees__last_name")
    search_help_text = "Search by task, entity, project or assignee name, or paste a task id."
    autocomplete_fields = ("project", "entity", "task_type", "task_status", "assigner")
    fieldsets = (
        (None, {"fields": ("name", "project", "entity", "task_type", "task_status", "assigner", "description")}),
        (
            "Schedule",
            {
                "fields": (
                    "priority",
                    "difficulty",
                    "estimation",
                    "duration",
                    "start_date",
                    "due_date",
                    "real_start_date",
                    "end_date",
                    "done_date",
                )
            },
        ),
        (
            "Progress",
            {
                "fields": (
                    "completion_rate",
                    "retake_count",
                    "nb_assets_ready",
                    "nb_drawings",
                    "sort_order",
                    "last_comment_date",
                    "last_preview_file_id",
                ),
                "classes": ("collapse",),
            },
        ),
        ("Other", {"fields": ("shotgun_id", "data"), "classes": ("collapse",)}),
        METADATA_FIELDSET,
    )
    inlines = (TaskPersonLinkInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("assignees")

    @admin.display(description="Assignees")
    def assignee_names(self, task):
        return ", ".join(person.full_name for person in task.assignees.all())

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        comment_count = task_comments(Task.objects.filter(pk__in=[task.pk for task in objs])).count()
        if comment_count:
            model_count[Comment._meta.verbose_name_plural] = comment_count
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        task_comments(Task.objects.filter(pk=obj.pk)).delete()
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        task_comments(queryset).delete()
        super().delete_queryset(request, queryset)


# ---- comments --------------------------------------------------------------


class CommentAdminForm(forms.ModelForm):
    # No Meta: CommentAdmin.get_form sets the model and the fields from its fieldsets.

    def clean(self):
        cleaned_data = super().clean()
        object_id = cleaned_data.get("object_id")
        if cleaned_data.get("object_type") == "Task" and object_id and not Task.objects.filter(pk=object_id).exists():
            self.add_error(
                "object_id", f"No task found with the id {object_id}: check the id or change the object type."
            )
        return cleaned_data


@admin.register(Comment)
class CommentAdmin(KitsuModelAdmin):
    form = CommentAdminForm
    list_display = ("short_text", "task_label", "task_status", "person", "pinned", "created_at")
    list_select_related = ("task_status", "person")
    list_filter = ("task_status", ("person", admin.RelatedOnlyFieldListFilter), "pinned", "object_type")
    search_fields = ("text", "person__first_name", "person__last_name")
    uuid_search_fields = ("pk", "object_id")
    search_help_text = "Search by text or author name, or paste a comment id or a task id."
    autocomplete_fields = (
        "task_status",
        "person",
        "editor",
        "mentions",
        "department_mentions",
        "acknowledgements",
    )
    fieldsets = (
        (None, {"fields": ("object_type", "object_id", "task_label", "person", "task_status", "text", "pinned")}),
        (
            "Mentions",
            {"fields": ("mentions", "department_mentions", "acknowledgements"), "classes": ("collapse",)},
        ),
        (
            "Other",
            {
                "fields": ("editor", "checklist", "replies", "links", "preview_file_id", "shotgun_id", "data"),
                "classes": ("collapse",),
            },
        ),
        METADATA_FIELDSET,
    )
    readonly_fields = (*METADATA_FIELDS, "task_label")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not has_role(request, ADMIN_ONLY):
            queryset = queryset.filter(object_id__in=team_rows(Task, request.user).values("pk"))
        # The task's names come from subqueries, one per column and not one per row.
        tasks = Task.objects.filter(pk=OuterRef("object_id"))
        return queryset.annotate(
            task_project_name=Subquery(tasks.values("project__name")[:1]),
            task_entity_name=Subquery(tasks.values("entity__name")[:1]),
            task_type_name=Subquery(tasks.values("task_type__name")[:1]),
        )

    @admin.display(description="Text")
    def short_text(self, comment):
        text = comment.text or ""
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description="Task", ordering="task_entity_name")
    def task_label(self, comment):
        if comment.object_id is None:
            return "-"
        entity_name = getattr(comment, "task_entity_name", None)
        if entity_name is None:
            return f"{comment.object_type} {comment.object_id}"
        return f"{comment.task_project_name} / {entity_name} / {comment.task_type_name}"


# ---- daily workflow: time, absence, activity -------------------------------


@admin.register(TimeSpent)
class TimeSpentAdmin(KitsuModelAdmin):
    write_roles = STAFF_ROLES
    list_display = ("date", "person", "task", "duration")
    list_filter = ("date", "task__project")
    search_fields = ("person__first_name", "person__last_name", "task__entity__name")
    list_select_related = ("person", "task__entity")
    raw_id_fields = ("person", "task")
    date_hierarchy = "date"


@admin.register(DayOff)
class DayOffAdmin(KitsuModelAdmin):
    write_roles = STAFF_ROLES
    list_display = ("person", "date", "end_date", "description")
    list_filter = ("date",)
    search_fields = ("person__first_name", "person__last_name", "description")
    list_select_related = ("person",)
    raw_id_fields = ("person",)
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "person", "type", "author", "read")
    list_filter = ("type", "read")
    search_fields = ("person__first_name", "person__last_name", "author__first_name", "author__last_name")
    list_select_related = ("person", "author")


@admin.register(Subscription)
class SubscriptionAdmin(KitsuModelAdmin):
    list_display = ("person", "task", "entity", "task_type")
    search_fields = ("person__first_name", "person__last_name")
    list_select_related = ("person", "task", "entity", "task_type")
    raw_id_fields = ("person", "task", "entity", "task_type")


@admin.register(News)
class NewsAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "task", "author", "change")
    list_filter = ("change", "task__project")
    search_fields = ("author__first_name", "author__last_name", "task__entity__name")
    list_select_related = ("task", "author")


@admin.register(ApiEvent)
class ApiEventAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "name", "user", "project")
    list_filter = ("name", "project")
    search_fields = ("name",)
    list_select_related = ("user", "project")


# ---- project settings: automations, custom fields, actions, saved searches ---


@admin.register(StatusAutomation)
class StatusAutomationAdmin(KitsuModelAdmin):
    list_display = (
        "id",
        "entity_type",
        "in_task_type",
        "in_task_status",
        "out_field_type",
        "out_task_type",
        "out_task_status",
        "archived",
    )
    list_filter = ("entity_type", "out_field_type", "archived")
    search_fields = ("entity_type", "in_task_type__name", "out_task_type__name")
    list_select_related = ("in_task_type", "in_task_status", "out_task_type", "out_task_status")
    filter_horizontal = ("projects",)


@admin.register(MetadataDescriptor)
class MetadataDescriptorAdmin(KitsuModelAdmin):
    write_roles = STAFF_ROLES
    list_display = ("name", "field_name", "project", "entity_type", "data_type", "for_client")
    list_filter = ("entity_type", "data_type", "for_client", "project")
    search_fields = ("name", "field_name")
    list_select_related = ("project",)
    filter_horizontal = ("departments",)


@admin.register(CustomAction)
class CustomActionAdmin(KitsuModelAdmin):
    list_display = ("name", "url", "entity_type", "is_ajax")
    list_filter = ("entity_type", "is_ajax")
    search_fields = ("name", "url")


@admin.register(Plugin)
class PluginAdmin(KitsuModelAdmin):
    list_display = ("name", "plugin_id", "version", "maintainer_name", "license", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("license",)
    search_fields = ("name", "plugin_id", "maintainer_name")


@admin.register(SearchFilterGroup)
class SearchFilterGroupAdmin(KitsuModelAdmin):
    list_display = ("name", "list_type", "entity_type", "person", "project", "is_shared")
    list_filter = ("list_type", "is_shared")
    search_fields = ("name",)
    list_select_related = ("person", "project")
    raw_id_fields = ("person", "project", "department")


@admin.register(SearchFilter)
class SearchFilterAdmin(KitsuModelAdmin):
    list_display = ("name", "list_type", "entity_type", "person", "project", "is_shared")
    list_filter = ("list_type", "is_shared")
    search_fields = ("name", "search_query")
    list_select_related = ("person", "project")
    raw_id_fields = ("person", "project", "department", "search_filter_group")


# ---- breakdown, planning, chats and budgets ----------------------------------------


class AssetInstanceLinkInline(KitsuTabularInline):
    model = AssetInstanceLink
    write_roles = STAFF_ROLES
    autocomplete_fields = ("entity",)
    verbose_name = "shot"


@admin.register(EntityLink)
class EntityLinkAdmin(TeamScopedAdmin):
    list_display = ("entity_out", "entity_in", "nb_occurences", "label", "updated_at")
    list_select_related = ("entity_in", "entity_out")
    list_filter = (("entity_in__project", admin.RelatedOnlyFieldListFilter), "label")
    search_fields = ("entity_in__name", "entity_out__name", "label")
    autocomplete_fields = ("entity_in", "entity_out")


@admin.register(EntityConceptLink)
class EntityConceptLinkAdmin(TeamScopedAdmin):
    list_display = ("entity_out", "entity_in", "created_at")
    list_select_related = ("entity_in", "entity_out")
    list_filter = (("entity_in__project", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("entity_in__name", "entity_out__name")
    autocomplete_fields = ("entity_in", "entity_out")


@admin.register(AssetInstance)
class AssetInstanceAdmin(TeamScopedAdmin):
    list_display = ("__str__", "asset", "number", "scene", "target_asset", "active")
    list_select_related = ("asset", "scene", "target_asset")
    list_filter = (("asset__project", admin.RelatedOnlyFieldListFilter), "active")
    search_fields = ("name", "asset__name", "description")
    autocomplete_fields = ("asset", "entity", "entity_type", "scene", "target_asset")
    inlines = (AssetInstanceLinkInline,)


@admin.register(EntityVersion)
class EntityVersionAdmin(TeamScopedAdmin):
    list_display = ("name", "entity", "person", "created_at")
    list_select_related = ("entity", "person")
    list_filter = (("entity__project", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "entity__name")
    autocomplete_fields = ("entity", "person")


@admin.register(Milestone)
class MilestoneAdmin(TeamScopedAdmin):
    list_display = ("name", "date", "project", "task_type")
    list_select_related = ("project", "task_type")
    list_filter = (("project", admin.RelatedOnlyFieldListFilter), "task_type")
    search_fields = ("name",)
    autocomplete_fields = ("project", "task_type")
    date_hierarchy = "date"


@admin.register(ScheduleItem)
class ScheduleItemAdmin(TeamScopedAdmin):
    list_display = ("project", "task_type", "object_id", "start_date", "end_date", "man_days")
    list_select_related = ("project", "task_type")
    list_filter = (("project", admin.RelatedOnlyFieldListFilter), "task_type")
    search_fields = ("project__name", "task_type__name")
    autocomplete_fields = ("project", "task_type")


@admin.register(ProductionScheduleVersion)
class ProductionScheduleVersionAdmin(TeamScopedAdmin):
    list_display = ("name", "project", "locked", "canceled", "updated_at")
    list_select_related = ("project",)
    list_filter = (("project", admin.RelatedOnlyFieldListFilter), "locked", "canceled")
    search_fields = ("name", "project__name")
    autocomplete_fields = ("project", "production_schedule_from")


@admin.register(ProductionScheduleVersionTaskLink)
class ProductionScheduleVersionTaskLinkAdmin(TeamScopedAdmin):
    list_display = ("task", "production_schedule_version", "start_date", "due_date", "estimation")
    list_select_related = ("task", "production_schedule_version")
    list_filter = (("production_schedule_version__project", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("production_schedule_version__name",)
    autocomplete_fields = ("production_schedule_version", "task", "assignees")


@admin.register(Chat)
class ChatAdmin(KitsuModelAdmin):
    list_display = ("object_id", "object_type", "last_message", "updated_at")
    list_filter = ("object_type",)
    search_fields = ("object_id",)
    autocomplete_fields = ("participants",)


@admin.register(ChatMessage)
class ChatMessageAdmin(KitsuModelAdmin):
    list_display = ("chat", "person", "created_at")
    list_select_related = ("chat", "person")
    search_fields = ("text", "person__email")
    autocomplete_fields = ("chat", "person")


class BudgetEntryInline(KitsuTabularInline):
    model = BudgetEntry
    write_roles = STAFF_ROLES
    autocomplete_fields = ("department", "person")


@admin.register(Budget)
class BudgetAdmin(TeamScopedAdmin):
    list_display = ("name", "project", "revision", "currency", "updated_at")
    list_select_related = ("project",)
    list_filter = (("project", admin.RelatedOnlyFieldListFilter), "currency")
    search_fields = ("name", "project__name")
    autocomplete_fields = ("project",)
    inlines = (BudgetEntryInline,)


@admin.register(BudgetEntry)
class BudgetEntryAdmin(TeamScopedAdmin):
    list_display = ("budget", "department", "person", "position", "seniority", "start_date", "months_duration")
    list_select_related = ("budget", "department", "person")
    list_filter = ("position", "seniority", "department")
    search_fields = ("budget__name", "person__email")
    autocomplete_fields = ("budget", "department", "person")


# ---- working and output files -------------------------------------------------


@admin.register(OutputType)
class OutputTypeAdmin(KitsuModelAdmin):
    list_display = ("name", "short_name", "updated_at")
    search_fields = ("name", "short_name")


@admin.register(FileStatus)
class FileStatusAdmin(KitsuModelAdmin):
    list_display = ("name", "color", "updated_at")
    search_fields = ("name",)


@admin.register(WorkingFile)
class WorkingFileAdmin(TeamScopedAdmin):
    list_display = ("name", "revision", "task", "entity", "software", "person", "updated_at")
    list_select_related = ("task", "entity", "software", "person")
    list_filter = (("task__project", admin.RelatedOnlyFieldListFilter), "software")
    search_fields = ("name", "path", "comment", "entity__name")
    autocomplete_fields = ("task", "entity", "person", "software")


@admin.register(OutputFile)
class OutputFileAdmin(TeamScopedAdmin):
    list_display = (
        "name",
        "revision",
        "entity",
        "output_type",
        "task_type",
        "representation",
        "file_status",
        "canceled",
    )
    list_select_related = ("entity", "output_type", "task_type", "file_status")
    list_filter = ("output_type", "file_status", "canceled", ("entity__project", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "path", "comment", "entity__name")
    autocomplete_fields = (
        "entity",
        "asset_instance",
        "output_type",
        "task_type",
        "person",
        "source_file",
        "temporal_entity",
    )
