"""Two-factor authentication: the /api/auth/totp, email-otp, fido and recovery-codes routes and the service."""

import base64
import datetime
import hashlib
import json
import os
import struct
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import mail
from django.utils import timezone
from django_otp.oath import hotp
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from fido2 import cbor
from rest_framework.test import APIClient

from accounts.models import Organisation, Person, WebAuthnChallenge
from accounts.services import two_factor
from accounts.tokens import bot_token_issue
from tests.conftest import client_for
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

TOTP_URL = "/api/auth/totp"
EMAIL_OTP_URL = "/api/auth/email-otp"
FIDO_URL = "/api/auth/fido"
RECOVERY_CODES_URL = "/api/auth/recovery-codes"
ORIGIN = "https://testserver"


def reload(person):
    return Person.objects.get(pk=person.pk)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def totp_code(key, offset=0):
    """The 6-digit TOTP code of `key` (bytes) for the current 30-second step plus `offset` steps."""
    step = int(time.time()) // 30 + offset
    return f"{hotp(key, step, digits=6):06d}"


def device_code(person, offset=0):
    return totp_code(TOTPDevice.objects.get(user=person).bin_key, offset)


def enable_totp(person):
    """Turn TOTP on for `person` with a code of the current step; return the clear recovery codes."""
    two_factor.totp_begin(person)
    return two_factor.totp_confirm(person, device_code(person))


def enable_email_otp(person):
    two_factor.email_otp_begin(person)
    return two_factor.email_otp_confirm(person, pending_email_code(person))


def pending_email_code(person):
    return EmailDevice.objects.get(user=person).token


def failures(person):
    return reload(person).login_failed_attemps


@pytest.fixture
def person():
    return PersonFactory(email="jane.doe@example.com", first_name="Jane")


@pytest.fixture
def client(person):
    return client_for(person)


@pytest.fixture
def bot_client():
    bot = PersonFactory(is_bot=True)
    access = bot_token_issue(bot)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api


# ---- a software FIDO authenticator ----------------------------------------------------------


class SoftwareKey:
    """A FIDO security key in memory: an EC P-256 key pair that signs WebAuthn registrations and assertions."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0

    def cose_public_key(self):
        numbers = self.private_key.public_key().public_numbers()
        return {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}

    def client_data(self, kind, challenge, origin):
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def register(self, options, origin=ORIGIN):
        """Return the RegistrationResponse JSON for creation options, with a "none" attestation."""
        client_data = self.client_data("webauthn.create", options["challenge"], origin)
        credential_data = (
            b"\0" * 16
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + cbor.encode(self.cose_public_key())
        )
        rp_id_hash = hashlib.sha256(options["rp"]["id"].encode()).digest()
        # Flags: user present (0x01) and attested credential data (0x40).
        auth_data = rp_id_hash + struct.pack(">BI", 0x41, self.counter) + credential_data
        attestation = cbor.encode({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation)},
        }

    def assert_(self, options, origin=ORIGIN, counter_step=1):
        """Return the AuthenticationResponse JSON that signs the challenge of request options."""
        self.counter += counter_step
        client_data = self.client_data("webauthn.get", options["challenge"], origin)
        rp_id_hash = hashlib.sha256(options["rpId"].encode()).digest()
        auth_data = rp_id_hash + struct.pack(">BI", 0x01, self.counter)
        signature = self.private_key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
            },
        }


def register_key(client, key, device_name="yubikey"):
    options = client.put(FIDO_URL).json()
    return client.post(
        FIDO_URL, {"registration_response": key.register(options), "device_name": device_name}, format="json"
    )


def fido_assertion(api_client, person, key, **extra):
    options = api_client.get(FIDO_URL, {"email": person.email}).json()
    return key.assert_(options, **extra)


# ---- enabled_methods and has_two_factor ----------------------------------------------------


def test_enabled_methods_none(person):
    assert two_factor.enabled_methods(person) == []


def test_enabled_methods_order(person):
    person.fido_enabled = True
    person.totp_enabled = True
    assert two_factor.enabled_methods(person) == ["recovery_code", "totp", "fido"]


def test_has_two_factor_email(person):
    person.email_otp_enabled = True
    assert two_factor.has_two_factor(person)


# ---- /auth/totp ------------------------------------------------------------------------------


def test_totp_put(client, person):
    response = client.put(TOTP_URL)
    assert response.status_code == 200
    body = response.json()
    assert len(body["otp_secret"]) == 32
    assert base64.b32decode(body["otp_secret"]) == TOTPDevice.objects.get(user=person).bin_key
    assert body["totp_provisionning_uri"].startswith("otpauth://totp/Kitsu:jane.doe@example.com?")
    assert "issuer=Kitsu&" in body["totp_provisionning_uri"]
    assert f"secret={body['otp_secret']}" in body["totp_provisionning_uri"]
    assert not reload(person).totp_enabled


def test_totp_issuer_names_studio(client, person):
    organisation = Organisation.get_default()
    organisation.name = "Blue Fox Studio"
    organisation.save()
    uri = client.put(TOTP_URL).json()["totp_provisionning_uri"]
    assert uri.startswith("otpauth://totp/Kitsu%20Blue%20Fox%20Studio:jane.doe@example.com?")


def test_totp_put_already_enabled(client, person):
    enable_totp(person)
    response = client.put(TOTP_URL)
    assert response.status_code == 400
    assert response.json()["message"] == "TOTP already enabled."


def test_totp_post_enables(client, person):
    secret = client.put(TOTP_URL).json()["otp_secret"]
    response = client.post(TOTP_URL, {"totp": totp_code(base64.b32decode(secret))}, format="json")
    assert response.status_code == 200
    codes = response.json()["otp_recovery_codes"]
    assert len(codes) == 16
    assert all(len(code) == 10 and code.isalnum() and code.upper() == code for code in codes)
    person = reload(person)
    assert person.totp_enabled
    assert person.preferred_two_factor_authentication == "totp"
    assert person.totp_secret is None
    assert TOTPDevice.objects.get(user=person).confirmed


def test_totp_post_wrong_code(client, person):
    client.put(TOTP_URL)
    wrong = device_code(person, offset=5)
    response = client.post(TOTP_URL, {"totp": wrong}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "TOTP verification failed."
    assert response.json()["wrong_OTP"] is True
    assert not reload(person).totp_enabled
    assert failures(person) == 1


def test_totp_post_without_put(client, person):
    response = client.post(TOTP_URL, {"totp": "123456"}, format="json")
    assert response.status_code == 400
    assert response.json()["wrong_OTP"] is True


def test_totp_post_missing_code(client):
    response = client.post(TOTP_URL, {}, format="json")
    assert response.status_code == 400
    assert "totp" in response.json()["message"]


def test_totp_post_already_enabled(client, person):
    enable_totp(person)
    response = client.post(TOTP_URL, {"totp": device_code(person, 1)}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "TOTP already enabled."


def test_totp_second_method_no_codes(client, person):
    first_codes = enable_email_otp(person)
    client.put(TOTP_URL)
    response = client.post(TOTP_URL, {"totp": device_code(person)}, format="json")
    assert response.status_code == 200
    assert response.json()["otp_recovery_codes"] is None
    assert len(first_codes) == 16
    assert reload(person).preferred_two_factor_authentication == "email_otp"


def test_totp_delete(client, person):
    enable_totp(person)
    response = client.delete(TOTP_URL, {"totp": device_code(person, 1)}, format="json")
    assert response.status_code == 200
    assert response.json() == {"success": True}
    person = reload(person)
    assert not person.totp_enabled
    assert person.otp_recovery_codes is None
    assert person.preferred_two_factor_authentication is None
    assert not TOTPDevice.objects.filter(user=person).exists()


def test_totp_delete_reused_code(client, person):
    two_factor.totp_begin(person)
    code = device_code(person)
    two_factor.totp_confirm(person, code)
    response = client.delete(TOTP_URL, {"totp": code}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "OTP verification failed."
    assert response.json()["wrong_OTP"] is True
    assert reload(person).totp_enabled


def test_totp_delete_other_person_code(client, person):
    enable_totp(person)
    other = PersonFactory()
    enable_totp(other)
    response = client.delete(TOTP_URL, {"totp": device_code(other, 1)}, format="json")
    assert response.status_code == 400
    assert reload(person).totp_enabled


def test_totp_delete_no_code(client, person):
    enable_totp(person)
    response = client.delete(TOTP_URL, {}, format="json")
    assert response.status_code == 400
    assert response.json()["wrong_OTP"] is True
    assert failures(person) == 0


def test_totp_delete_not_enabled(client):
    response = client.delete(TOTP_URL, {"totp": "123456"}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "TOTP not enabled."


def test_totp_delete_moves_preference(client, person):
    enable_totp(person)
    enable_email_otp(person)
    client.delete(TOTP_URL, {"totp": device_code(person, 1)}, format="json")
    person = reload(person)
    assert person.preferred_two_factor_authentication == "email_otp"
    assert len(person.otp_recovery_codes) == 16


def test_totp_anonymous(api_client):
    assert api_client.put(TOTP_URL).status_code == 401


def test_totp_bot(bot_client):
    assert bot_client.put(TOTP_URL).status_code == 403


def test_totp_trailing_slash(client):
    assert client.put(TOTP_URL + "/").status_code == 200


def test_totp_lockout(client, person):
    enable_totp(person)
    wrong = device_code(person, offset=10)
    for _ in range(5):
        assert client.delete(TOTP_URL, {"totp": wrong}, format="json").status_code == 400
    response = client.delete(TOTP_URL, {"totp": device_code(person, 1)}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["too_many_failed_login_attemps"] is True
    assert reload(person).totp_enabled


# ---- /auth/email-otp ---------------------------------------------------------------------------


def test_email_otp_put_sends_code(client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.put(EMAIL_OTP_URL)
    assert response.status_code == 200
    assert response.json() == {"success": True}
    code = pending_email_code(person)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jane.doe@example.com"]
    assert code in message.subject
    assert code in message.body
    assert message.alternatives[0][1] == "text/html"
    assert code in message.alternatives[0][0]
    assert not reload(person).email_otp_enabled


def test_email_otp_put_already_enabled(client, person):
    enable_email_otp(person)
    response = client.put(EMAIL_OTP_URL)
    assert response.status_code == 400
    assert response.json()["message"] == "OTP by email already enabled."


def test_email_otp_post_enables(client, person):
    client.put(EMAIL_OTP_URL)
    response = client.post(EMAIL_OTP_URL, {"email_otp": pending_email_code(person)}, format="json")
    assert response.status_code == 200
    assert len(response.json()["otp_recovery_codes"]) == 16
    person = reload(person)
    assert person.email_otp_enabled
    assert person.email_otp_secret is None
    assert person.preferred_two_factor_authentication == "email_otp"


def test_email_otp_post_wrong_code(client, person):
    client.put(EMAIL_OTP_URL)
    wrong = "000000" if pending_email_code(person) != "000000" else "111111"
    response = client.post(EMAIL_OTP_URL, {"email_otp": wrong}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "OTP by email verification failed."
    assert response.json()["wrong_OTP"] is True
    assert failures(person) == 1


def test_email_otp_post_without_put(client):
    response = client.post(EMAIL_OTP_URL, {"email_otp": "123456"}, format="json")
    assert response.status_code == 400
    assert response.json()["wrong_OTP"] is True


def test_email_otp_post_missing_code(client):
    response = client.post(EMAIL_OTP_URL, {}, format="json")
    assert response.status_code == 400
    assert "email_otp" in response.json()["message"]


def test_email_otp_get_sends_code(api_client, person, django_capture_on_commit_callbacks):
    enable_email_otp(person)
    EmailDevice.objects.filter(user=person).update(last_generated_timestamp=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.get(EMAIL_OTP_URL, {"email": "jane.doe@example.com"})
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert pending_email_code(person) in mail.outbox[-1].body


def test_email_otp_get_cooldown(api_client, person):
    enable_email_otp(person)
    EmailDevice.objects.filter(user=person).update(last_generated_timestamp=None)
    assert api_client.get(EMAIL_OTP_URL, {"email": person.email}).status_code == 200
    response = api_client.get(EMAIL_OTP_URL, {"email": person.email})
    assert response.status_code == 400
    assert "less than a minute ago" in response.json()["message"]


def test_email_otp_get_not_enabled(api_client, person):
    response = api_client.get(EMAIL_OTP_URL, {"email": person.email})
    assert response.status_code == 400
    assert response.json()["message"] == "OTP by email not enabled."


def test_email_otp_get_unknown(api_client):
    response = api_client.get(EMAIL_OTP_URL, {"email": "nobody@example.com"})
    assert response.status_code == 404
    assert response.json()["message"] == "User not found."


def test_email_otp_get_missing_email(api_client):
    response = api_client.get(EMAIL_OTP_URL)
    assert response.status_code == 400
    assert "email" in response.json()["message"]


def test_email_otp_get_bad_token_ignored(api_client, person):
    enable_email_otp(person)
    EmailDevice.objects.filter(user=person).update(last_generated_timestamp=None)
    response = api_client.get(EMAIL_OTP_URL, {"email": person.email}, HTTP_AUTHORIZATION="Bearer garbage")
    assert response.status_code == 200


def test_email_otp_delete(client, person):
    enable_email_otp(person)
    EmailDevice.objects.filter(user=person).update(last_generated_timestamp=None)
    two_factor.email_code_send(person, confirmed=True)
    response = client.delete(EMAIL_OTP_URL, {"email_otp": pending_email_code(person)}, format="json")
    assert response.status_code == 200
    person = reload(person)
    assert not person.email_otp_enabled
    assert not EmailDevice.objects.filter(user=person).exists()


def test_email_otp_delete_not_enabled(client):
    response = client.delete(EMAIL_OTP_URL, {"email_otp": "123456"}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "OTP by email not enabled."


def test_email_otp_delete_used_code(client, person):
    enable_email_otp(person)
    EmailDevice.objects.filter(user=person).update(last_generated_timestamp=None)
    two_factor.email_code_send(person, confirmed=True)
    code = pending_email_code(person)
    assert two_factor.verify_second_factor(person, {"email_otp": code}) is True
    response = client.delete(EMAIL_OTP_URL, {"email_otp": code}, format="json")
    assert response.status_code == 400
    assert response.json()["wrong_OTP"] is True


def test_email_otp_anonymous_put(api_client):
    assert api_client.put(EMAIL_OTP_URL).status_code == 401


def test_email_otp_bot(bot_client):
    assert bot_client.put(EMAIL_OTP_URL).status_code == 403


# ---- /auth/recovery-codes ------------------------------------------------------------------------


def test_recovery_codes_renew(client, person):
    old_codes = enable_totp(person)
    response = client.put(RECOVERY_CODES_URL, {"totp": device_code(person, 1)}, format="json")
    assert response.status_code == 200
    new_codes = response.json()["otp_recovery_codes"]
    assert len(new_codes) == 16
    assert two_factor.verify_second_factor(person, {"recovery_code": old_codes[0]}) is False
    assert two_factor.verify_second_factor(person, {"recovery_code": new_codes[0]}) is True


def test_recovery_codes_no_code(client, person):
    enable_totp(person)
    response = client.put(RECOVERY_CODES_URL, {}, format="json")
    assert response.status_code == 400
    assert response.json()["wrong_OTP"] is True


def test_recovery_codes_with_recovery_code(client, person):
    codes = enable_totp(person)
    response = client.put(RECOVERY_CODES_URL, {"recovery_code": codes[3]}, format="json")
    assert response.status_code == 200


def test_recovery_codes_no_two_factor(client):
    response = client.put(RECOVERY_CODES_URL, {"totp": "123456"}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "No two factor authentication enabled."


def test_recovery_codes_stored_hashed(person):
    codes = enable_totp(person)
    stored = json.dumps(reload(person).otp_recovery_codes)
    assert not any(code in stored for code in codes)


def test_recovery_codes_bot(bot_client):
    assert bot_client.put(RECOVERY_CODES_URL).status_code == 403


# ---- /auth/fido ------------------------------------------------------------------------------


def test_fido_put_options(client, person):
    response = client.put(FIDO_URL)
    assert response.status_code == 200
    options = response.json()
    assert options["rp"] == {"name": "Kitsu", "id": "testserver"}
    assert options["user"]["name"] == "jane.doe@example.com"
    assert options["authenticatorSelection"]["authenticatorAttachment"] == "cross-platform"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert len(b64url_decode(options["challenge"])) == 32
    assert WebAuthnChallenge.objects.filter(person=person, purpose="registration").count() == 1


def test_fido_put_public_url(client, settings):
    settings.KITSU_PUBLIC_URL = "https://kitsu.example.com:8443/"
    assert client.put(FIDO_URL).json()["rp"]["id"] == "kitsu.example.com"


def test_fido_register(client, person):
    response = register_key(client, SoftwareKey())
    assert response.status_code == 200
    assert len(response.json()["otp_recovery_codes"]) == 16
    person = reload(person)
    assert person.fido_enabled
    assert person.fido_devices == ["yubikey"]
    assert person.preferred_two_factor_authentication == "fido"
    assert not WebAuthnChallenge.objects.filter(person=person).exists()


def test_fido_register_without_put(client):
    body = {"registration_response": {"id": "x"}, "device_name": "key"}
    response = client.post(FIDO_URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "No preregistration before."


def test_fido_register_bad_response(client, person):
    options = client.put(FIDO_URL).json()
    registration = SoftwareKey().register(options, origin="https://evil.example.com")
    response = client.post(FIDO_URL, {"registration_response": registration, "device_name": "key"}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "FIDO server exception your registration response is probly wrong."
    assert not reload(person).fido_enabled


def test_fido_register_garbage(client, person):
    client.put(FIDO_URL)
    response = client.post(FIDO_URL, {"registration_response": {"id": 3}, "device_name": "key"}, format="json")
    assert response.status_code == 400


def test_fido_register_missing_name(client):
    client.put(FIDO_URL)
    response = client.post(FIDO_URL, {"registration_response": {"id": "x"}}, format="json")
    assert response.status_code == 400
    assert "device_name" in response.json()["message"]


def test_fido_register_same_name(client, person):
    register_key(client, SoftwareKey(), "key")
    response = register_key(client, SoftwareKey(), "key")
    assert response.status_code == 400
    assert reload(person).fido_devices == ["key"]


def test_fido_register_second_key(client, person):
    register_key(client, SoftwareKey(), "first")
    response = register_key(client, SoftwareKey(), "second")
    assert response.status_code == 200
    assert response.json()["otp_recovery_codes"] is None
    assert reload(person).fido_devices == ["first", "second"]


def test_fido_get_options(client, api_client, person):
    key = SoftwareKey()
    register_key(client, key)
    response = api_client.get(FIDO_URL, {"email": person.email})
    assert response.status_code == 200
    options = response.json()
    assert options["rpId"] == "testserver"
    assert options["allowCredentials"][0]["id"] == b64url(key.credential_id)


def test_fido_get_not_enabled(api_client, person):
    response = api_client.get(FIDO_URL, {"email": person.email})
    assert response.status_code == 400
    assert response.json()["message"] == "FIDO not enabled."


def test_fido_get_unknown(api_client):
    assert api_client.get(FIDO_URL, {"email": "nobody@example.com"}).status_code == 404


def test_fido_verify(client, api_client, person):
    key = SoftwareKey()
    register_key(client, key)
    assertion = fido_assertion(api_client, person, key)
    assert two_factor.verify_second_factor(reload(person), {"fido_authentication_response": assertion}) is True
    assert reload(person).fido_credentials[0]["sign_count"] == 1


def test_fido_verify_replay(client, api_client, person):
    key = SoftwareKey()
    register_key(client, key)
    assertion = fido_assertion(api_client, person, key)
    two_factor.verify_second_factor(reload(person), {"fido_authentication_response": assertion})
    assert two_factor.verify_second_factor(reload(person), {"fido_authentication_response": assertion}) is False


def test_fido_verify_other_key(client, api_client, person):
    register_key(client, SoftwareKey())
    assertion = fido_assertion(api_client, person, SoftwareKey())
    assert two_factor.verify_second_factor(reload(person), {"fido_authentication_response": assertion}) is False


def test_fido_verify_stale_counter(client, api_client, person):
    key = SoftwareKey()
    register_key(client, key)
    two_factor.verify_second_factor(
        reload(person), {"fido_authentication_response": fido_assertion(api_client, person, key)}
    )
    stale = fido_assertion(api_client, person, key, counter_step=0)
    assert two_factor.verify_second_factor(reload(person), {"fido_authentication_response": stale}) is False


def test_fido_verify_expired_challenge(client, api_client, person):
    key = SoftwareKey()
    register_key(client, key)
    assertion = fido_assertion(api_client, person, key)
    WebAuthnChallenge.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert two_factor.verify_second_factor(reload(person), {"fido_authentication_response": assertion}) is False


def test_fido_verify_garbage(client, api_client, person):
    register_key(client, SoftwareKey())
    api_client.get(FIDO_URL, {"email": person.email})
    assert two_factor.verify_second_factor(reload(person), {"fido_authentication_response": {"id": 1}}) is False


def test_fido_delete(client, api_client, person):
    key = SoftwareKey()
    register_key(client, key)
    assertion = fido_assertion(api_client, person, key)
    body = {"device_name": "yubikey", "fido_authentication_response": assertion}
    response = client.delete(FIDO_URL, body, format="json")
    assert response.status_code == 200
    person = reload(person)
    assert not person.fido_enabled
    assert person.fido_credentials is None
    assert person.otp_recovery_codes is None


def test_fido_delete_unknown_device(client, person):
    register_key(client, SoftwareKey())
    response = client.delete(FIDO_URL, {"device_name": "other"}, format="json")
    assert response.status_code == 404


def test_fido_delete_not_enabled(client, person):
    enable_totp(person)
    response = client.delete(FIDO_URL, {"device_name": "key", "totp": device_code(person, 1)}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "FIDO not enabled."


def test_fido_delete_wrong_code(client, person):
    codes = register_key(client, SoftwareKey()).json()["otp_recovery_codes"]
    response = client.delete(FIDO_URL, {"device_name": "yubikey", "recovery_code": "A" * 10}, format="json")
    assert response.status_code == 400
    assert response.json()["wrong_OTP"] is True
    assert codes[0] != "A" * 10


def test_fido_anonymous_put(api_client):
    assert api_client.put(FIDO_URL).status_code == 401


def test_fido_bot(bot_client):
    assert bot_client.put(FIDO_URL).status_code == 403


# ---- verify_second_factor ---------------------------------------------------------------------


def test_verify_totp_right(person):
    enable_totp(person)
    assert two_factor.verify_second_factor(person, {"totp": device_code(person, 1)}) is True


def test_verify_totp_wrong(person):
    enable_totp(person)
    assert two_factor.verify_second_factor(person, {"totp": device_code(person, 10)}) is False


def test_verify_totp_reused(person):
    enable_totp(person)
    code = device_code(person, 1)
    two_factor.verify_second_factor(person, {"totp": code})
    assert two_factor.verify_second_factor(person, {"totp": code}) is False


def test_verify_nothing_sent(person):
    enable_totp(person)
    codes = {"totp": None, "email_otp": "", "fido_authentication_response": None, "recovery_code": None}
    assert two_factor.verify_second_factor(person, codes) is None


def test_verify_method_off(person):
    enable_totp(person)
    assert two_factor.verify_second_factor(person, {"email_otp": "123456"}) is None


def test_verify_no_two_factor(person):
    assert two_factor.verify_second_factor(person, {"totp": "123456"}) is None


def test_verify_totp_before_recovery(person):
    enable_totp(person)
    assert two_factor.verify_second_factor(person, {"totp": device_code(person, 1), "recovery_code": "BAD"}) is True


def test_verify_email_right(person):
    enable_email_otp(person)
    EmailDevice.objects.filter(user=person).update(last_generated_timestamp=None)
    two_factor.email_code_send(person, confirmed=True)
    assert two_factor.verify_second_factor(person, {"email_otp": pending_email_code(person)}) is True


def test_verify_email_wrong(person):
    enable_email_otp(person)
    EmailDevice.objects.filter(user=person).update(last_generated_timestamp=None)
    two_factor.email_code_send(person, confirmed=True)
    wrong = "000000" if pending_email_code(person) != "000000" else "111111"
    assert two_factor.verify_second_factor(person, {"email_otp": wrong}) is False


def test_verify_email_expired(person):
    enable_email_otp(person)
    EmailDevice.objects.filter(user=person).update(last_generated_timestamp=None)
    two_factor.email_code_send(person, confirmed=True)
    code = pending_email_code(person)
    EmailDevice.objects.filter(user=person).update(valid_until=timezone.now() - datetime.timedelta(seconds=1))
    assert two_factor.verify_second_factor(person, {"email_otp": code}) is False


def test_verify_recovery_right(person):
    codes = enable_totp(person)
    assert two_factor.verify_second_factor(person, {"recovery_code": codes[0]}) is True
    assert len(reload(person).otp_recovery_codes) == 15


def test_verify_recovery_lowercase(person):
    codes = enable_totp(person)
    assert two_factor.verify_second_factor(person, {"recovery_code": codes[0].lower()}) is True


def test_verify_recovery_used(person):
    codes = enable_totp(person)
    two_factor.verify_second_factor(person, {"recovery_code": codes[0]})
    assert two_factor.verify_second_factor(reload(person), {"recovery_code": codes[0]}) is False


def test_verify_recovery_other_person(person):
    enable_totp(person)
    other_codes = enable_totp(PersonFactory())
    assert two_factor.verify_second_factor(person, {"recovery_code": other_codes[0]}) is False


# ---- secrets stay hidden ----------------------------------------------------------------------


def test_secrets_hidden(client, person):
    totp_secret = client.put(TOTP_URL).json()["otp_secret"]
    codes = client.post(TOTP_URL, {"totp": device_code(person)}, format="json").json()["otp_recovery_codes"]
    register_key(client, SoftwareKey())
    admin = client_for(PersonFactory(role="admin"))
    for answer in (
        client.get("/api/auth/authenticated"),
        client.get(f"/api/data/persons/{person.pk}"),
        admin.get(f"/api/data/persons/{person.pk}"),
        admin.get("/api/data/persons"),
    ):
        text = answer.content.decode()
        assert answer.status_code == 200
        assert totp_secret not in text
        assert TOTPDevice.objects.get(user=person).key not in text
        assert not any(code in text for code in codes)
        assert "fido_credentials" not in text
        assert "otp_recovery_codes" not in text


def test_person_shows_enabled_methods(client, person):
    enable_totp(person)
    user = client.get("/api/auth/authenticated").json()["user"]
    assert user["totp_enabled"] is True
    assert user["preferred_two_factor_authentication"] == "totp"


# ---- admin disable route ------------------------------------------------------------------------


def test_admin_disable_all(client, person, admin_client):
    enable_totp(person)
    enable_email_otp(person)
    register_key(client, SoftwareKey())
    response = admin_client.delete(f"/api/actions/persons/{person.pk}/disable-two-factor-authentication")
    assert response.status_code == 200
    person = reload(person)
    assert two_factor.enabled_methods(person) == []
    assert person.fido_credentials is None
    assert person.otp_recovery_codes is None
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not EmailDevice.objects.filter(user=person).exists()


def test_admin_disable_mails_person(admin_client, person, django_capture_on_commit_callbacks):
    enable_totp(person)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.delete(f"/api/actions/persons/{person.pk}/disable-two-factor-authentication")
    assert [message.to for message in mail.outbox] == [[person.email]]
    assert "two-factor authentication disabled" in mail.outbox[0].subject
    assert "turned off by an administrator" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0].mimetype == "text/html"


def test_admin_disable_none(admin_client, person):
    response = admin_client.delete(f"/api/actions/persons/{person.pk}/disable-two-factor-authentication")
    assert response.status_code == 400


def test_admin_disable_refused(client, person):
    enable_totp(person)
    response = client.delete(f"/api/actions/persons/{person.pk}/disable-two-factor-authentication")
    assert response.status_code == 403
    assert reload(person).totp_enabled


# ---- login with a second factor ---------------------------------------------------------------


def log_in(api_client, person, **codes):
    return api_client.post("/api/auth/login", {"email": person.email, "password": PASSWORD, **codes}, format="json")


def test_login_missing_code(api_client, person):
    enable_email_otp(person)
    enable_totp(person)
    body = log_in(api_client, person, totp=None, recovery_code=None).json()
    assert body["missing_OTP"] is True
    assert body["two_factor_authentication_enabled"] == ["recovery_code", "totp", "email_otp"]
    assert body["preferred_two_factor_authentication"] == "email_otp"


def test_login_recovery_code(api_client, person):
    codes = enable_totp(person)
    assert log_in(api_client, person, recovery_code=codes[0]).status_code == 200
    assert log_in(api_client, person, recovery_code=codes[0]).json()["wrong_OTP"] is True


def test_login_fido(client, api_client, person):
    key = SoftwareKey()
    register_key(client, key)
    assertion = fido_assertion(api_client, person, key)
    assert log_in(api_client, person, fido_authentication_response=assertion).status_code == 200


def test_recovery_code_survives_key_rotation(settings):
    person = PersonFactory()
    settings.SECRET_KEY = "old-secret-key-" + "x" * 40
    codes = two_factor.recovery_codes_set(person)
    settings.SECRET_KEY = "new-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = ["old-secret-key-" + "x" * 40]
    assert two_factor.recovery_code_use(person, codes[0]) is True
    settings.SECRET_KEY_FALLBACKS = []
    assert two_factor.recovery_code_use(person, codes[1]) is False
