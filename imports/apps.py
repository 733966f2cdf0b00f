from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Imports and exports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The runner of each import kind registers itself when its module is imported. A Celery worker
        # loads no URL module, so the runners are loaded here for the web process and the worker alike.
        from imports.services import csv_imports, edits, kitsu, shotgun  # noqa: F401
