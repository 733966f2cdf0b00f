"""Settings read from the environment stop start-up with a message naming the bad variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start(settings_module, tmp_path, **env):
    """Run `manage.py check` with these settings and variables; return (exit code, stderr)."""
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "SECRET_KEY")}
    environment.update(DJANGO_SETTINGS_MODULE=settings_module, KITSU_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stderr


def test_local_settings_generate_secret_key(tmp_path):
    code, _ = start("kitsu_project.settings.local", tmp_path)
    assert code == 0
    assert (tmp_path / "secret_key").read_text().strip()


def test_local_secret_key_is_kept(tmp_path):
    start("kitsu_project.settings.local", tmp_path)
    first = (tmp_path / "secret_key").read_text()
    start("kitsu_project.settings.local", tmp_path)
    assert (tmp_path / "secret_key").read_text() == first


def test_production_requires_secret_key(tmp_path):
    code, stderr = start("kitsu_project.settings.production", tmp_path, DATABASE_URL="sqlite:///x.db")
    assert code != 0
    assert "SECRET_KEY" in stderr


def test_production_requires_database_url(tmp_path):
    code, stderr = start("kitsu_project.settings.production", tmp_path, SECRET_KEY="x" * 50)
    assert code != 0
    assert "DATABASE_URL" in stderr


@pytest.mark.parametrize(
    "name,value",
    [
        ("KITSU_BIND", "nowhere"),
        ("KITSU_BIND", "127.0.0.1:99999"),
        ("DATABASE_URL", "nosuchscheme://x"),
        ("DATABASE_URL", "mysql://user@127.0.0.1/kitsu"),
        ("KITSU_MAX_LOGIN_ATTEMPTS", "many"),
        ("KITSU_DEBUG", "perhaps"),
    ],
)
def test_invalid_variable_is_named(tmp_path, name, value):
    code, stderr = start("kitsu_project.settings.local", tmp_path, **{name: value})
    assert code != 0
    assert name in stderr


def test_gunicorn_config_rejects_bad_bind(tmp_path):
    environment = {**os.environ, "KITSU_BIND": "nowhere"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "--config", "kitsu_project/gunicorn.conf.py", "--check-config"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "KITSU_BIND" in result.stderr
