"""Django admin of import jobs and of the reference's import error log; both are history and read-only."""

from django.contrib import admin

from accounts.admin import ReadOnlyModelAdmin
from imports.models import DataImportError, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyModelAdmin):
    list_display = (
        "kind",
        "status",
        "project",
        "file_name",
        "created_count",
        "updated_count",
        "skipped_count",
        "person",
        "created_at",
        "ended_at",
    )
    list_select_related = ("project", "person")
    list_filter = ("status", "kind", "strict")
    search_fields = ("file_name", "log", "person__email", "project__name")


@admin.register(DataImportError)
class DataImportErrorAdmin(ReadOnlyModelAdmin):
    list_display = ("source", "created_at")
    list_filter = ("source",)
    search_fields = ("source",)
