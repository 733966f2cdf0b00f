"""Server information routes: version, public configuration, health and statistics."""

import datetime
import logging
import time

import psutil
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .permissions import IsAdmin

logger = logging.getLogger("kitsu_project.info")

API_NAME = "Zou"


class PublicView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class RootView(PublicView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response({"api": API_NAME, "version": settings.KITSU_API_VERSION})


class ConfigView(PublicView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        from accounts.models import Organisation

        organisation = Organisation.get_default()
        return Response(
            {
                "is_self_hosted": settings.KITSU_SELF_HOSTED,
                "crisp_token": "",
                "dark_theme_by_default": organisation.dark_theme_by_default,
                "indexer_configured": False,
                "saml_enabled": settings.KITSU_SAML_ENABLED,
                "saml_idp_name": settings.KITSU_SAML_IDP_NAME if settings.KITSU_SAML_ENABLED else "",
                "default_locale": settings.KITSU_DEFAULT_LOCALE,
                "default_timezone": settings.KITSU_DEFAULT_TIMEZONE,
            }
        )


def database_is_up():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # any driver error means the database is unreachable
        logger.exception("Health check: the database does not respond")
        return False


def job_queue_is_up():
    """Inline jobs always run; with a broker, ask it for a connection."""
    if not settings.CELERY_BROKER_URL:
        return True
    from kitsu_project.celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # kombu raises many transport-specific errors
        logger.warning("Health check: the Celery broker does not respond")
        return False


def health():
    return {
        "name": API_NAME,
        "version": settings.KITSU_API_VERSION,
        "database-up": database_is_up(),
        # NOTE: this server has no key-value store, indexer or event stream yet;
        # they are reported down rather than faked.
        "key-value-store-up": False,
        "event-stream-up": False,
        "job-queue-up": job_queue_is_up(),
        "indexer-up": False,
    }


class StatusView(PublicView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(health())


class StatusTextView(PublicView):
    @extend_schema(responses={200: str})
    def get(self, request):
        status = health()
        lines = [f"name: {status['name']}", f"version: {status['version']}"]
        lines += [f"{key}: {'up' if value else 'down'}" for key, value in status.items() if key.endswith("-up")]
        # The reference sends the bare type "text", and monitoring scripts written
        # against it may compare the header, so this route sends the same.
        return HttpResponse("\n".join(lines) + "\n", content_type="text")


class StatusInfluxView(PublicView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        status = health()
        body = {key: int(value) for key, value in status.items() if key.endswith("-up")}
        body["time"] = time.time()
        return Response(body)


class StatusResourcesView(PublicView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        memory = psutil.virtual_memory()
        load_1, load_5, load_15 = psutil.getloadavg()
        return Response(
            {
                "date": datetime.datetime.now().isoformat(),
                "cpu": {
                    # interval=None measures since the previous call and returns at once, without the
                    # reference's 1 s sampling. The first call in a process reports 0.0 for every core.
                    "percent": psutil.cpu_percent(interval=None, percpu=True),
                    # The third value is the 15-minute load average, under the reference's "last 10 min" label.
                    "loadavg": {"last 1 min": load_1, "last 5 min": load_5, "last 10 min": load_15},
                },
                "memory": {
                    "total": memory.total,
                    "used": memory.used,
                    "available": memory.available,
                    "percent": memory.percent,
                },
                # TODO: count the running Celery jobs. Until then this is always 0.
                "jobs": {"running_jobs": 0},
            }
        )


class StatusTestEventView(PublicView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        # TODO: publish on the event stream once the server has one; for now the test event is only logged.
        logger.info("Test event requested from %s", request.META.get("REMOTE_ADDR"))
        return Response({"success": True})


class StatsView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses={200: dict, 403: dict})
    def get(self, request):
        from productions.models import Comment

        return Response(
            {
                # TODO: count mp4, png and obj preview files once this server has a preview file table.
                "number_of_video_previews": 0,
                "number_of_picture_previews": 0,
                "number_of_model_previews": 0,
                "number_of_comments": Comment.objects.count(),
            }
        )
