import pytest
from rest_framework.test import APIClient

from accounts.tokens import issue_tokens
from tests.factories import PersonFactory
from tests.s3 import s3_endpoint, s3_storage_settings  # noqa: F401 (fixtures for every test module)

ROLES = ("admin", "manager", "supervisor", "user", "client", "vendor")


def client_for(person):
    """An API client sending `person`'s access token as a Bearer header."""
    client = APIClient()
    access, _ = issue_tokens(person)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    client.person = person
    return client


@pytest.fixture
def api_client():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def make_client(db):
    """Factory: make_client("manager") -> an API client logged in as a new person with that role."""

    def factory(role="admin", **fields):
        return client_for(PersonFactory(role=role, **fields))

    return factory


@pytest.fixture
def admin_client(make_client):
    return make_client("admin")


@pytest.fixture(autouse=True)
def file_storage_root(settings, tmp_path):
    """Each test stores uploads and generated media in its own folder, removed with the test's tmp_path."""
    root = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "kitsu": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "allow_overwrite": True},
        },
    }
    return root
