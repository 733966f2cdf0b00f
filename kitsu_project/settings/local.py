"""Settings for a local run: a signing key is generated once into var/ when unset."""

import secrets

from kitsu_project.env import env_bool, env_list, env_str, parse_bind

from .base import *  # noqa: F403
from .base import KITSU_BIND, VAR_DIR


def _local_secret_key():
    key = env_str("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret_key()
DEBUG = env_bool("KITSU_DEBUG", False)
ALLOWED_HOSTS = env_list("KITSU_ALLOWED_HOSTS", ["*"])


def _local_public_url():
    """Return the address of the local server, so emailed links never come from a request's Host header."""
    host, port = parse_bind(KITSU_BIND)
    # Browsers accept "localhost", not an IP address, as a WebAuthn relying party.
    if host in ("127.0.0.1", "0.0.0.0", "::1", "[::1]", "::", "[::]"):
        host = "localhost"
    return f"http://{host}:{port}"


# ALLOWED_HOSTS accepts any host here, so the public URL must not come from the request.
KITSU_PUBLIC_URL = env_str("KITSU_PUBLIC_URL", "").rstrip("/") or _local_public_url()
