"""Django admin of review media: preview files, attachments, backgrounds, playlists and media jobs.

Admins change every row; production managers change the rows of the projects
whose team includes them. Media jobs are history and read-only.
"""

from django.contrib import admin

from accounts.admin import KitsuModelAdmin, KitsuTabularInline, ReadOnlyModelAdmin, has_role
from kitsu_project.api.permissions import ADMIN_ONLY, STAFF_ROLES
from playlists.models import (
    AttachmentFile,
    BuildJob,
    CommentPreviewLink,
    MediaJob,
    Playlist,
    PreviewBackgroundFile,
    PreviewFile,
    ProjectPreviewBackgroundFileLink,
)
from productions.access import in_team

PROJECT_PATHS = {
    PreviewFile: "task__project",
    Playlist: "project",
    BuildJob: "playlist__project",
    MediaJob: "preview_file__task__project",
}


class ProjectScopedAdmin(KitsuModelAdmin):
    """Managers reach only the rows of the projects whose team includes them."""

    write_roles = STAFF_ROLES

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if has_role(request, ADMIN_ONLY):
            return queryset
        return queryset.filter(in_team(request.user, PROJECT_PATHS[self.model]))


class CommentPreviewLinkInline(KitsuTabularInline):
    model = CommentPreviewLink
    write_roles = STAFF_ROLES
    autocomplete_fields = ("comment",)
    verbose_name = "comment"
    verbose_name_plural = "shown on comments"


@admin.register(PreviewFile)
class PreviewFileAdmin(ProjectScopedAdmin):
    list_display = ("__str__", "task", "revision", "extension", "status", "validation_status", "width", "height")
    list_select_related = ("task",)
    list_filter = ("status", "validation_status", "is_movie", "extension")
    search_fields = ("name", "original_name", "task__name", "task__entity__name")
    autocomplete_fields = ("task", "person", "source_file")
    inlines = (CommentPreviewLinkInline,)


@admin.register(AttachmentFile)
class AttachmentFileAdmin(KitsuModelAdmin):
    write_roles = STAFF_ROLES
    list_display = ("name", "extension", "mimetype", "size", "comment", "chat_message", "created_at")
    list_select_related = ("comment", "chat_message")
    list_filter = ("extension", "mimetype")
    search_fields = ("name",)
    autocomplete_fields = ("comment", "chat_message")


class ProjectPreviewBackgroundFileLinkInline(KitsuTabularInline):
    model = ProjectPreviewBackgroundFileLink
    autocomplete_fields = ("project",)
    verbose_name = "project"
    verbose_name_plural = "offered in projects"


@admin.register(PreviewBackgroundFile)
class PreviewBackgroundFileAdmin(KitsuModelAdmin):
    list_display = ("name", "original_name", "extension", "file_size", "is_default", "archived", "updated_at")
    list_filter = ("archived", "is_default")
    search_fields = ("name", "original_name")
    inlines = (ProjectPreviewBackgroundFileLinkInline,)


class BuildJobInline(KitsuTabularInline):
    model = BuildJob
    write_roles = STAFF_ROLES
    fields = ("job_type", "status", "ended_at")
    readonly_fields = ("ended_at",)
    extra = 0


@admin.register(Playlist)
class PlaylistAdmin(ProjectScopedAdmin):
    list_display = ("name", "project", "episode", "for_entity", "for_client", "is_for_all", "updated_at")
    list_select_related = ("project", "episode")
    list_filter = ("for_entity", "for_client", "is_for_all", ("project", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "project__name")
    autocomplete_fields = ("project", "episode", "task_type")
    inlines = (BuildJobInline,)


@admin.register(BuildJob)
class BuildJobAdmin(ProjectScopedAdmin):
    list_display = ("playlist", "job_type", "status", "created_at", "ended_at")
    list_select_related = ("playlist",)
    list_filter = ("status", "job_type")
    search_fields = ("playlist__name",)
    autocomplete_fields = ("playlist",)


@admin.register(MediaJob)
class MediaJobAdmin(ReadOnlyModelAdmin):
    list_display = ("kind", "status", "progress", "preview_file", "build_job", "person", "started_at", "ended_at")
    list_select_related = ("preview_file", "build_job", "person")
    list_filter = ("kind", "status")
    search_fields = ("error", "log", "person__email")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if has_role(request, ADMIN_ONLY):
            return queryset
        return queryset.filter(in_team(request.user, PROJECT_PATHS[MediaJob]))
