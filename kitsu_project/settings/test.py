"""Settings for the test suite: a fast password hasher, jobs inline."""

from .local import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
# Links and identities come from the test request's host, as in production without KITSU_PUBLIC_URL.
KITSU_PUBLIC_URL = ""
