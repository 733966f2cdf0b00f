"""Celery application; tasks run inline when no broker is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitsu_project.settings.local")

app = Celery("kitsu_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
