"""Settings for a local run: a signing key is generated once into var/ when unset."""

import secrets

from kitsu_project.env import env_bool, env_list, env_str

from .base import *  # noqa: F403
from .base import VAR_DIR


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
