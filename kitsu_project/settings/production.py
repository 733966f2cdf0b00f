"""Settings for production: SECRET_KEY and DATABASE_URL must be set."""

from kitsu_project.env import env_bool, env_str

from .base import *  # noqa: F403

SECRET_KEY = env_str("SECRET_KEY", required=True)
env_str("DATABASE_URL", required=True)
DEBUG = False
KITSU_COOKIE_SECURE = env_bool("KITSU_COOKIE_SECURE", True)
SESSION_COOKIE_SECURE = KITSU_COOKIE_SECURE
CSRF_COOKIE_SECURE = KITSU_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
