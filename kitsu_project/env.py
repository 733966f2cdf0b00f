"""Read settings from environment variables, failing loudly on bad values."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name, "")
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"The environment variable {name} is required but not set.")
    return default


def env_int(name, default, *, minimum=None):
    raw = os.environ.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is invalid: expected a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is invalid: expected at least {minimum}.")
    return value


def env_bool(name, default=False):
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is invalid: expected true or false.")


def env_list(name, default=()):
    raw = os.environ.get(name, "")
    if not raw:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_bind(value, name="KITSU_BIND"):
    """Split HOST:PORT, raising ImproperlyConfigured that names the variable."""
    host, separator, port = value.rpartition(":")
    if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ImproperlyConfigured(f"{name}={value!r} is invalid: expected HOST:PORT, e.g. 127.0.0.1:8000.")
    return host, int(port)
