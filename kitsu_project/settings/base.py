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

import json
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
    # Django's admin, with a login that requires the second factor of staff who have one.
    "kitsu_project.admin_apps.KitsuAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_email",
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
    # Marks the admin sessions that a second factor verified (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
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
# The address studios open the web UI at (scheme and host, such as https://kitsu.example.com), used in
# emailed links, as the SAML entity id and as the WebAuthn relying party. Empty: taken from each request.
KITSU_PUBLIC_URL = env_str("KITSU_PUBLIC_URL", "").rstrip("/")
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

# Lifetime of a password reset link, in seconds. Invitation links have their own, longer lifetime.
PASSWORD_RESET_TIMEOUT = env_int("KITSU_PASSWORD_RESET_SECONDS", 2 * 3600, minimum=60)
# Emails of accounts whose password only the account itself may change (demo or shared accounts).
KITSU_PROTECTED_ACCOUNTS = [email.lower() for email in env_list("KITSU_PROTECTED_ACCOUNTS")]
# Whether anyone may create an artist account with POST /api/auth/register.
KITSU_SELF_REGISTRATION = env_bool("KITSU_SELF_REGISTRATION", False)

# Active persons (bots aside) the studio may have at once.
KITSU_USER_LIMIT = env_int("KITSU_USER_LIMIT", 100, minimum=1)

# Failed logins and codes in a row after which a person must wait KITSU_LOGIN_LOCK_SECONDS.
KITSU_MAX_LOGIN_ATTEMPTS = env_int("KITSU_MAX_LOGIN_ATTEMPTS", 5, minimum=1)
KITSU_LOGIN_LOCK_SECONDS = env_int("KITSU_LOGIN_LOCK_SECONDS", 60, minimum=1)
# Failed logins and codes from one client address within the window, after which that address must wait.
KITSU_MAX_LOGIN_ATTEMPTS_PER_ADDRESS = env_int("KITSU_MAX_LOGIN_ATTEMPTS_PER_ADDRESS", 30, minimum=1)
KITSU_LOGIN_ADDRESS_WINDOW_SECONDS = env_int("KITSU_LOGIN_ADDRESS_WINDOW_SECONDS", 900, minimum=1)
# Failed codes are counted by accounts.services.throttle, so django-otp's own growing delay per device is off:
# with it, a right code sent within the delay after a wrong one would fail too.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_EMAIL_THROTTLE_FACTOR = 0

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

# ---------------------------------------------------------------------------
# SAML single sign-on (off by default)
#
# With KITSU_SAML_ENABLED, /api/auth/saml/login sends browsers to the identity
# provider (IdP) and /api/auth/saml/sso receives its signed response. The IdP is
# described by its metadata: a local file (KITSU_SAML_METADATA_FILE) or a URL
# (KITSU_SAML_METADATA_URL) fetched when first needed and again every
# KITSU_SAML_METADATA_REFRESH_SECONDS. Signature checks need the xmlsec1 program.
# ---------------------------------------------------------------------------
KITSU_SAML_ENABLED = env_bool("KITSU_SAML_ENABLED", False)
# Name of the IdP shown on the login page of the Kitsu web UI (returned by /api/config).
KITSU_SAML_IDP_NAME = env_str("KITSU_SAML_IDP_NAME", "")
KITSU_SAML_METADATA_FILE = env_str("KITSU_SAML_METADATA_FILE", "")
KITSU_SAML_METADATA_URL = env_str("KITSU_SAML_METADATA_URL", "")
KITSU_SAML_METADATA_REFRESH_SECONDS = env_int("KITSU_SAML_METADATA_REFRESH_SECONDS", 3600, minimum=60)
# Entity id of this server as a service provider. Unset: KITSU_PUBLIC_URL (or the request's
# scheme and host) followed by /api/auth/saml/login, as Zou builds it.
KITSU_SAML_ENTITY_ID = env_str("KITSU_SAML_ENTITY_ID", "")
# Redirect target of the browser after a successful SAML login: the Kitsu web UI.
KITSU_SAML_FRONTEND_URL = env_str("KITSU_SAML_FRONTEND_URL", "/")
# Seconds of clock difference with the IdP tolerated on the validity window of an assertion.
KITSU_SAML_CLOCK_SKEW_SECONDS = env_int("KITSU_SAML_CLOCK_SKEW_SECONDS", 60, minimum=0)
# Optional key pair of this server (PEM files). With both set, authentication requests are signed.
KITSU_SAML_KEY_FILE = env_str("KITSU_SAML_KEY_FILE", "")
KITSU_SAML_CERT_FILE = env_str("KITSU_SAML_CERT_FILE", "")
# The xmlsec1 program; unset: pysaml2 looks for it on the PATH.
KITSU_SAML_XMLSEC_BINARY = env_str("KITSU_SAML_XMLSEC_BINARY")

# SAML attribute name -> person field. Attribute names are the ones pysaml2 reports: the
# Name the IdP sends, or its friendly name when pysaml2's attribute maps list the attribute's OID.
KITSU_SAML_PERSON_FIELDS = ("email", "first_name", "last_name", "phone", "role", "departments", "active")
KITSU_SAML_ATTRIBUTE_MAPPING = {field: field for field in KITSU_SAML_PERSON_FIELDS}
_saml_mapping_text = env_str("KITSU_SAML_ATTRIBUTE_MAPPING")
if _saml_mapping_text:
    try:
        KITSU_SAML_ATTRIBUTE_MAPPING = json.loads(_saml_mapping_text)
    except ValueError as error:
        raise ImproperlyConfigured(f"KITSU_SAML_ATTRIBUTE_MAPPING is not valid JSON: {error}") from None
    if not isinstance(KITSU_SAML_ATTRIBUTE_MAPPING, dict) or not all(
        isinstance(name, str) and field in KITSU_SAML_PERSON_FIELDS
        for name, field in KITSU_SAML_ATTRIBUTE_MAPPING.items()
    ):
        raise ImproperlyConfigured(
            "KITSU_SAML_ATTRIBUTE_MAPPING is invalid: expected a JSON object of SAML attribute names to person"
            f" fields, the fields being among {', '.join(KITSU_SAML_PERSON_FIELDS)}."
        )

if KITSU_SAML_ENABLED and not (KITSU_SAML_METADATA_FILE or KITSU_SAML_METADATA_URL):
    raise ImproperlyConfigured(
        "KITSU_SAML_ENABLED is true but the identity provider's metadata is missing:"
        " set KITSU_SAML_METADATA_FILE or KITSU_SAML_METADATA_URL."
    )
if bool(KITSU_SAML_KEY_FILE) != bool(KITSU_SAML_CERT_FILE):
    raise ImproperlyConfigured("KITSU_SAML_KEY_FILE and KITSU_SAML_CERT_FILE must be set together, or neither.")

# djangosaml2 builds the pysaml2 configuration of each request with this function.
SAML_CONFIG_LOADER = "accounts.services.saml.saml_config_loader"

# pysaml2 logs parts of the messages it checks (name ids, attributes) in its errors. The
# login route logs the reason of each rejection itself, so the library's own log stays quiet.
LOGGING["loggers"]["saml2"] = {"level": "CRITICAL"}
