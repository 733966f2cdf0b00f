"""The Django admin login requires a second factor from staff who have one, or from all when the studio requires it."""

import time

import pytest
from django.test import Client
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organisation
from accounts.services import two_factor
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"


def totp_code(person, offset=0):
    step = int(time.time()) // 30 + offset
    return f"{hotp(TOTPDevice.objects.get(user=person).bin_key, step, digits=6):06d}"


@pytest.fixture
def staff():
    return PersonFactory(email="lead@example.com", role="admin")


def with_totp(person):
    two_factor.totp_begin(person)
    two_factor.totp_confirm(person, totp_code(person, offset=-1))
    return person


def admin_login(client, person, **fields):
    data = {"username": person.email, "password": PASSWORD, **fields}
    return client.post(LOGIN_URL, data)


def test_staff_without_two_factor_logs_in(staff):
    client = Client()
    response = admin_login(client, staff)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_password_alone_refused_with_totp(staff):
    client = Client()
    response = admin_login(client, with_totp(staff))
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_totp_code_opens_admin(staff):
    client = Client()
    with_totp(staff)
    device = TOTPDevice.objects.get(user=staff)
    response = admin_login(client, staff, otp_device=device.persistent_id, otp_token=totp_code(staff))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_wrong_totp_code_refused(staff):
    client = Client()
    with_totp(staff)
    device = TOTPDevice.objects.get(user=staff)
    wrong = f"{(int(totp_code(staff)) + 1) % 1000000:06d}"
    admin_login(client, staff, otp_device=device.persistent_id, otp_token=wrong)
    assert client.get("/admin/").status_code == 302


def test_required_rule_keeps_staff_without_device_out(staff):
    organisation = Organisation.get_default()
    organisation.two_factor_authentication_required = True
    organisation.save()
    client = Client()
    admin_login(client, staff)
    assert client.get("/admin/").status_code == 302


def test_session_without_code_refused_after_totp_on(staff):
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    with_totp(staff)
    assert client.get("/admin/").status_code == 302
