"""Gazu 0.10.37, the Python client of pipeline scripts, logging in to a live server with two-factor authentication."""

import time

import gazu
import pytest
from django.db import connection
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import two_factor
from tests.factories import PASSWORD, PersonFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The live server's request threads share SQLite's in-memory database with the test, which fails at random.
    pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a database server for the live server"),
]


def totp_code(person, offset=0):
    step = int(time.time()) // 30 + offset
    return f"{hotp(TOTPDevice.objects.get(user=person).bin_key, step, digits=6):06d}"


@pytest.fixture
def totp_person():
    person = PersonFactory(email="artist@example.com", role="user")
    two_factor.totp_begin(person)
    # The previous step's code turns TOTP on, so the current step's code is still unused for the login.
    two_factor.totp_confirm(person, totp_code(person, offset=-1))
    return person


@pytest.fixture
def gazu_client(live_server):
    client = gazu.client.create_client(f"{live_server.url}/api")
    yield client
    client.session.close()


def test_gazu_login_needs_totp_code(totp_person, gazu_client):
    with pytest.raises(gazu.exception.AuthFailedException):
        gazu.log_in(totp_person.email, PASSWORD, client=gazu_client)


def test_gazu_login_wrong_totp_code(totp_person, gazu_client):
    wrong = f"{(int(totp_code(totp_person)) + 1) % 1000000:06d}"
    with pytest.raises(gazu.exception.AuthFailedException):
        gazu.log_in(totp_person.email, PASSWORD, totp=wrong, client=gazu_client)


def test_gazu_login_with_totp_code(totp_person, gazu_client):
    tokens = gazu.log_in(totp_person.email, PASSWORD, totp=totp_code(totp_person), client=gazu_client)
    assert tokens["login"] is True
    assert gazu.client.get_current_user(client=gazu_client)["id"] == str(totp_person.pk)


def test_gazu_login_with_recovery_code(gazu_client):
    person = PersonFactory(email="lead@example.com", role="supervisor")
    two_factor.totp_begin(person)
    recovery_codes = two_factor.totp_confirm(person, totp_code(person))
    gazu.log_in(person.email, PASSWORD, recovery_code=recovery_codes[0], client=gazu_client)
    assert gazu.client.get_current_user(client=gazu_client)["email"] == person.email
