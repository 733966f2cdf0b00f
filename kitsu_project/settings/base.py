"""Settings shared by every environment, read from environment variables.

Variables:
    DATABASE_URL        database URL (default: SQLite file var/kitsu.sqlite3)
    SECRET_KEY          signing key (local runs generate one into var/)
    CELERY_BROKER_URL   Celery broker; unset runs background jobs inline
    KITSU_BIND          HOST:PORT that gunicorn listens on (default 127.0.0.1:8000)
    WEB_CONCURRENCY     gunicorn worker count (read by gunicorn.conf.py)
    KITSU_FILE_ROOT     folder for uploaded and generated files (default var/files)
    KITSU_S3_BUCKET     store files in this S3-compatible bucket instead of KITSU_FILE_ROOT
                        (with KITSU_S3_ENDPOINT_URL, KITSU_S3_REGION, KITSU_S3_ACCESS_KEY,
                        KITSU_S3_SECRET_KEY)
    KITSU_MAX_UPLOAD_MB largest file accepted by an upload route (default 2048)
    KITSU_ALLOWED_HOSTS comma-separated host names (default: all in DEBUG, else localhost)
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from kitsu_project.env import env_bool, env_int, env_list, env_str, parse_bind

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("KITSU_VAR_DIR", str(BASE_DIR / "var")))

KITSU_API_VERSION = "0.20.73"

DEBUG = env_bool("KITSU_DEBUG", False)
KITSU_BIND = env_str("KITSU_BIND", "127.0.0.1:8000")
parse_bind(KITSU_BIND)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "productions",
    "playlists",
    "imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kitsu_project.urls"
WSGI_APPLICATION = "kitsu_project.wsgi.application"
# Every API route matches paths with and without a trailing slash itself.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


SUPPORTED_ENGINES = ("django.db.backends.postgresql", "django.db.backends.sqlite3")


def _database_from_env():
    default_url = "sqlite:///" + str(VAR_DIR / "kitsu.sqlite3")
    url = env_str("DATABASE_URL", default_url)
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("KITSU_DB_CONN_MAX_AGE", 60, minimum=0))
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(f"DATABASE_URL is invalid: {error}") from None
    if config["ENGINE"] not in SUPPORTED_ENGINES:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses the engine {config['ENGINE']}, which is not supported: use postgres:// or sqlite:///."
        )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    return config


DATABASES = {"default": _database_from_env()}
# A request that fails leaves no partial write behind.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Person"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailOrDesktopLoginBackend"]
# Person.email is unique only among non-bot persons (a partial unique index).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 7}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

KITSU_FILE_ROOT = Path(env_str("KITSU_FILE_ROOT", str(VAR_DIR / "files")))
MEDIA_ROOT = KITSU_FILE_ROOT
MEDIA_URL = "/media/"


def _file_storage_from_env():
    """Return the storage of uploads and generated media: a local folder, or an S3-compatible bucket."""
    bucket = env_str("KITSU_S3_BUCKET")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(KITSU_FILE_ROOT), "allow_overwrite": True},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("KITSU_S3_ENDPOINT_URL"),
            "region_name": env_str("KITSU_S3_REGION"),
            "access_key": env_str("KITSU_S3_ACCESS_KEY"),
            "secret_key": env_str("KITSU_S3_SECRET_KEY"),
            "file_overwrite": True,
            "default_acl": None,
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Every upload and generated picture or movie goes through this one storage.
    "kitsu": _file_storage_from_env(),
}

# Largest file an upload route accepts; bigger ones get a 413 before any processing.
KITSU_MAX_UPLOAD_BYTES = env_int("KITSU_MAX_UPLOAD_MB", 2048, minimum=1) * 1024 * 1024
# Largest picture, in pixels, that the server decodes (20,000 x 20,000 is refused by default).
KITSU_MAX_PICTURE_PIXELS = env_int("KITSU_MAX_PICTURE_PIXELS", 120_000_000, minimum=1)
# The ffmpeg and ffprobe programs used for movies, and the longest a media command may run.
KITSU_FFMPEG = env_str("KITSU_FFMPEG", "ffmpeg")
KITSU_FFPROBE = env_str("KITSU_FFPROBE", "ffprobe")
KITSU_MEDIA_TIMEOUT_SECONDS = env_int("KITSU_MEDIA_TIMEOUT_SECONDS", 3600, minimum=1)

ALLOWED_HOSTS = env_list("KITSU_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("KITSU_CSRF_TRUSTED_ORIGINS")

# Studio-wide defaults returned by /api/config.
KITSU_DEFAULT_TIMEZONE = env_str("KITSU_DEFAULT_TIMEZONE", "Europe/Paris")
KITSU_DEFAULT_LOCALE = env_str("KITSU_DEFAULT_LOCALE", "en_US")
KITSU_SELF_HOSTED = env_bool("KITSU_SELF_HOSTED", True)

# Mail (invitations, password notices): printed to the console unless an SMTP server is set.
EMAIL_BACKEND = env_str("KITSU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("KITSU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KITSU_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("KITSU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("KITSU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KITSU_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("KITSU_EMAIL_FROM", "kitsu@localhost")

# Active persons (bots aside) the studio may have at once.
KITSU_USER_LIMIT = env_int("KITSU_USER_LIMIT", 100, minimum=1)

# Failed logins in a row after which a person must wait before trying again.
KITSU_MAX_LOGIN_ATTEMPTS = env_int("KITSU_MAX_LOGIN_ATTEMPTS", 5, minimum=1)
KITSU_LOGIN_LOCK_SECONDS = env_int("KITSU_LOGIN_LOCK_SECONDS", 60, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.KitsuJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["kitsu_project.api.renderers.KitsuJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "kitsu_project.api.parsers.KitsuJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kitsu_project.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(days=env_int("KITSU_ACCESS_TOKEN_DAYS", 7, minimum=1)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("KITSU_REFRESH_TOKEN_DAYS", 15, minimum=1)),
    "AUTH_TOKEN_CLASSES": ["accounts.tokens.KitsuAccessToken"],
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "UPDATE_LAST_LOGIN": False,
}

# Browser cookies carrying the tokens, named as the Kitsu web UI expects.
KITSU_ACCESS_COOKIE = "access_token_cookie"
KITSU_REFRESH_COOKIE = "refresh_token_cookie"
KITSU_COOKIE_SECURE = env_bool("KITSU_COOKIE_SECURE", False)

SPECTACULAR_SETTINGS = {
    "TITLE": "Kitsu API",
    "DESCRIPTION": "Production tracking API compatible with Kitsu (Zou) clients such as Gazu.",
    "VERSION": KITSU_API_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from this server, so the docs page works without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND")
# With no broker, jobs run inline in the web process so a first run needs nothing but Python.
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# Imports run in the web request, as Kitsu clients expect. Set this (with a broker) to run them in
# workers instead. The import routes then return 202 with the job, followed at /api/data/import-jobs/<id>.
KITSU_IMPORTS_IN_WORKERS = env_bool("KITSU_IMPORTS_IN_WORKERS", False)

LOG_LEVEL = env_str("KITSU_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "accounts": {"level": LOG_LEVEL},
        "productions": {"level": LOG_LEVEL},
        "playlists": {"level": LOG_LEVEL},
        "imports": {"level": LOG_LEVEL},
        "kitsu_project": {"level": LOG_LEVEL},
    },
}
