"""The server information routes: version, configuration, health, resources and statistics."""

import time

import pytest
from django.test import override_settings

from accounts.models import Organisation
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

HEALTH_KEYS = {"database-up", "key-value-store-up", "event-stream-up", "job-queue-up", "indexer-up"}
STATS_KEYS = {
    "number_of_video_previews",
    "number_of_picture_previews",
    "number_of_model_previews",
    "number_of_comments",
}
PUBLIC_ROUTES = ["/api/config", "/api/status", "/api/status/resources", "/api/status/influx", "/api/status/test-event"]


# GET /api/


@pytest.mark.parametrize("url", ["/api/", "/api"])
def test_root_version(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 200
    assert response.json() == {"api": "Zou", "version": "0.20.73"}


def test_root_needs_no_token(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")
    assert api_client.get("/api/").status_code == 200


@pytest.mark.parametrize("url", ["/api/", "/api"])
def test_root_post_not_allowed(api_client, url):
    response = api_client.post(url, {}, format="json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] is True
    assert response.json()["message"]


def test_root_allow_header(api_client):
    response = api_client.post("/api/", {}, format="json")
    assert "GET" in response["Allow"]
    assert "POST" not in response["Allow"]


def test_api_prefix_needs_slash(api_client):
    assert api_client.get("/apistatus").status_code == 404


# GET /api/config


def test_config_keys(api_client):
    body = api_client.get("/api/config").json()
    assert set(body) == {
        "is_self_hosted",
        "crisp_token",
        "dark_theme_by_default",
        "indexer_configured",
        "saml_enabled",
        "saml_idp_name",
        "default_locale",
        "default_timezone",
    }


def test_config_defaults(api_client):
    body = api_client.get("/api/config").json()
    assert body["is_self_hosted"] is True
    assert body["crisp_token"] == ""
    assert body["dark_theme_by_default"] is False
    assert body["indexer_configured"] is False
    assert body["saml_enabled"] is False
    assert body["saml_idp_name"] == ""
    assert body["default_locale"] == "en_US"
    assert body["default_timezone"] == "Europe/Paris"


def test_config_dark_theme_from_organisation(api_client):
    Organisation.objects.filter(pk=Organisation.get_default().pk).update(dark_theme_by_default=True)
    assert api_client.get("/api/config").json()["dark_theme_by_default"] is True


@override_settings(KITSU_DEFAULT_LOCALE="fr_FR", KITSU_DEFAULT_TIMEZONE="Asia/Tokyo", KITSU_SELF_HOSTED=False)
def test_config_from_settings(api_client):
    body = api_client.get("/api/config").json()
    assert body["default_locale"] == "fr_FR"
    assert body["default_timezone"] == "Asia/Tokyo"
    assert body["is_self_hosted"] is False


# Health: /api/status, /api/status.txt, /api/status/influx


def test_status_keys(api_client):
    body = api_client.get("/api/status").json()
    assert set(body) == {"name", "version"} | HEALTH_KEYS


def test_status_values(api_client):
    body = api_client.get("/api/status").json()
    assert body["name"] == "Zou"
    assert body["version"] == "0.20.73"
    assert body["database-up"] is True
    assert body["job-queue-up"] is True
    for key in HEALTH_KEYS:
        assert isinstance(body[key], bool), key


def test_status_text_content_type(api_client):
    response = api_client.get("/api/status.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text"


def test_status_text_lines(api_client):
    lines = api_client.get("/api/status.txt").content.decode().splitlines()
    assert lines[0] == "name: Zou"
    assert lines[1] == "version: 0.20.73"
    assert len(lines) == 7
    assert "database-up: up" in lines


def test_status_text_matches_json(api_client):
    status = api_client.get("/api/status").json()
    lines = api_client.get("/api/status.txt").content.decode().splitlines()
    for key in HEALTH_KEYS:
        assert f"{key}: {'up' if status[key] else 'down'}" in lines, key


def test_status_influx(api_client):
    before = time.time()
    body = api_client.get("/api/status/influx").json()
    assert set(body) == HEALTH_KEYS | {"time"}
    assert body["database-up"] == 1
    assert body["time"] >= before
    for key in HEALTH_KEYS:
        assert body[key] in (0, 1), key


# GET /api/status/resources


def test_resources_keys(api_client):
    body = api_client.get("/api/status/resources").json()
    assert set(body) == {"date", "cpu", "memory", "jobs"}


def test_resources_cpu(api_client):
    cpu = api_client.get("/api/status/resources").json()["cpu"]
    assert set(cpu) == {"percent", "loadavg"}
    assert isinstance(cpu["percent"], list)
    assert cpu["percent"]
    assert set(cpu["loadavg"]) == {"last 1 min", "last 5 min", "last 10 min"}


def test_resources_memory(api_client):
    memory = api_client.get("/api/status/resources").json()["memory"]
    assert set(memory) == {"total", "used", "available", "percent"}
    assert memory["total"] > 0
    assert isinstance(memory["percent"], float)


def test_resources_jobs(api_client):
    assert api_client.get("/api/status/resources").json()["jobs"] == {"running_jobs": 0}


def test_resources_date_iso(api_client):
    date = api_client.get("/api/status/resources").json()["date"]
    assert date[4] == "-"
    assert date[10] == "T"


def test_resources_answers_quickly(api_client):
    started = time.monotonic()
    api_client.get("/api/status/resources")
    assert time.monotonic() - started < 0.5


# GET /api/status/test-event


def test_test_event(api_client):
    response = api_client.get("/api/status/test-event")
    assert response.status_code == 200
    assert response.json() == {"success": True}


# GET /api/stats


def test_stats_admin(admin_client):
    response = admin_client.get("/api/stats")
    assert response.status_code == 200
    assert set(response.json()) == STATS_KEYS


def test_stats_counts_comments(admin_client):
    CommentFactory.create_batch(3)
    assert admin_client.get("/api/stats").json()["number_of_comments"] == 3


def test_stats_preview_counts_zero(admin_client):
    body = admin_client.get("/api/stats").json()
    assert body["number_of_video_previews"] == 0
    assert body["number_of_picture_previews"] == 0
    assert body["number_of_model_previews"] == 0


@pytest.mark.parametrize("role", ["manager", "supervisor", "user", "client", "vendor"])
def test_stats_other_roles_forbidden(make_client, role):
    response = make_client(role).get("/api/stats")
    assert response.status_code == 403
    assert response.json()["error"] is True
    assert response.json()["message"]


def test_stats_without_token(api_client):
    response = api_client.get("/api/stats")
    assert response.status_code == 401
    assert response.json()["error"] is True


# API documentation


def test_openapi_json(api_client):
    response = api_client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "openapi" in response.json()
    assert "/api/auth/login" in "".join(response.json()["paths"])


@pytest.mark.parametrize("suffix", ["", "/"])
def test_apidocs_html(api_client, suffix):
    response = api_client.get("/api/apidocs" + suffix)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content.lower()


# Methods, stale cookies and trailing slash


@pytest.mark.parametrize("url", ["/api/"] + PUBLIC_ROUTES)
def test_public_ignores_stale_cookie(api_client, url):
    api_client.cookies["access_token_cookie"] = "expired-or-garbage"
    assert api_client.get(url).status_code == 200


@pytest.mark.parametrize("url", PUBLIC_ROUTES + ["/api/stats"])
def test_info_post_not_allowed(admin_client, url):
    response = admin_client.post(url, {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"] is True


@pytest.mark.parametrize("url", PUBLIC_ROUTES)
@pytest.mark.parametrize("suffix", ["", "/"])
def test_public_trailing_slash(api_client, url, suffix):
    assert api_client.get(url + suffix).status_code == 200


@pytest.mark.parametrize("suffix", ["", "/"])
def test_stats_trailing_slash(admin_client, suffix):
    assert admin_client.get("/api/stats" + suffix).status_code == 200
