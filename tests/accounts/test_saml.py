"""The /api/auth/saml routes, against an identity provider built in the test with pysaml2.

The IdP signs with a key pair made here, and both sides read each other's metadata
from files under tmp_path, so nothing goes to the network.
"""

import base64
import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.test import override_settings
from rest_framework.test import APIClient
from saml2 import BINDING_HTTP_REDIRECT, class_name
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.samlp import response_from_string
from saml2.server import Server
from saml2.sigver import pre_signature_part
from saml2.time_util import instant

from accounts.models import LoginLog, Person, SamlAssertion
from accounts.services.saml import saml_config_loader
from tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/api/auth/saml/login"
SSO_URL = "/api/auth/saml/sso"
AUTHENTICATED_URL = "/api/auth/authenticated"
CONFIG_URL = "/api/config"
ACCESS_COOKIE = "access_token_cookie"
REFRESH_COOKIE = "refresh_token_cookie"
# The test client's host is "testserver", so the service provider derives these from it.
SP_ENTITY_ID = "http://testserver/api/auth/saml/login"
ACS_URL = "http://testserver/api/auth/saml/sso"
IDP_ENTITY_ID = "https://idp.example.test/metadata"
IDP_SSO_URL = "https://idp.example.test/sso"
EMAIL = "jane.doe@example.com"
DISABLED_BODY = {"error": "SAML is not enabled."}


def write_key_pair(folder, name):
    """Write a new RSA key and its self-signed certificate as PEM files, and return their paths."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path = folder / f"{name}.key"
    cert_path = folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


def idp_config(key_file, cert_file, sp_metadata_file=None):
    config = {
        "entityid": IDP_ENTITY_ID,
        "service": {
            "idp": {
                "endpoints": {"single_sign_on_service": [(IDP_SSO_URL, BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                "policy": {"default": {"lifetime": {"minutes": 15}}},
            }
        },
        "key_file": key_file,
        "cert_file": cert_file,
        "allow_unknown_attributes": True,
    }
    if sp_metadata_file:
        config["metadata"] = {"local": [sp_metadata_file]}
    idp = IdPConfig()
    idp.load(config)
    return idp


class IdentityProvider:
    """An IdP that sends our service provider assertions signed by `key_file`."""

    def __init__(self, key_file, cert_file, sp_metadata_file):
        self.server = Server(config=idp_config(key_file, cert_file, sp_metadata_file))

    def response_xml(self, *, email=EMAIL, attributes=None, sign=True, destination=ACS_URL, audience=SP_ENTITY_ID):
        identity = attributes if attributes is not None else {"first_name": ["Jane"], "last_name": ["Doe"]}
        return str(
            self.server.create_authn_response(
                identity,
                in_response_to=None,
                destination=destination,
                sp_entity_id=audience,
                name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
                userid=email,
                authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
                sign_assertion=sign,
                sign_response=False,
            )
        )

    def changed_response_xml(self, change, **kwargs):
        """Build an unsigned response, let `change(assertion)` edit it, then sign the assertion with the IdP's key."""
        response = response_from_string(self.response_xml(sign=False, **kwargs))
        assertion = response.assertion[0]
        change(assertion)
        assertion.signature = pre_signature_part(assertion.id, self.server.sec.my_cert, 1)
        return self.server.sec.sign_statement(response.to_string(), class_name(assertion), node_id=assertion.id)


def encode(xml):
    if isinstance(xml, str):
        xml = xml.encode()
    return base64.b64encode(xml).decode()


@pytest.fixture
def keys(tmp_path):
    return {name: write_key_pair(tmp_path, name) for name in ("idp", "intruder")}


@pytest.fixture
def saml_settings(settings, tmp_path, keys):
    """Turn SAML on with the IdP's metadata in a file, and return the path of our service provider's metadata."""
    idp_metadata = tmp_path / "idp-metadata.xml"
    idp_metadata.write_text(str(entity_descriptor(idp_config(*keys["idp"]))))
    settings.KITSU_SAML_ENABLED = True
    settings.KITSU_SAML_IDP_NAME = "Studio IdP"
    settings.KITSU_SAML_METADATA_FILE = str(idp_metadata)
    settings.KITSU_SAML_FRONTEND_URL = "/welcome"

    sp_metadata = tmp_path / "sp-metadata.xml"
    sp_metadata.write_text(str(entity_descriptor(saml_config_loader(build_request()))))
    return str(sp_metadata)


def build_request():
    from django.test import RequestFactory

    return RequestFactory().get(LOGIN_URL)


@pytest.fixture
def idp(saml_settings, keys):
    return IdentityProvider(*keys["idp"], saml_settings)


@pytest.fixture
def intruder(saml_settings, keys):
    """An IdP with the same entity id as the real one, but another key."""
    return IdentityProvider(*keys["intruder"], saml_settings)


def post_sso(client, xml):
    return client.post(SSO_URL, {"SAMLResponse": encode(xml)})


def error_message(response):
    return response.json()["message"]


# Login request


def test_login_redirects_to_idp(idp, api_client):
    response = api_client.get(LOGIN_URL)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == IDP_SSO_URL
    assert "SAMLRequest" in parse_qs(location.query)


def test_login_request_signed_with_sp_key(idp, api_client, settings, keys):
    settings.KITSU_SAML_KEY_FILE, settings.KITSU_SAML_CERT_FILE = keys["intruder"]
    response = api_client.get(LOGIN_URL)
    query = parse_qs(urlparse(response["Location"]).query)
    assert response.status_code == 302
    assert "Signature" in query
    assert "SigAlg" in query


# Successful logins


def test_sso_creates_person(idp, api_client):
    response = post_sso(api_client, idp.response_xml())
    assert response.status_code == 302
    assert response["Location"] == "/welcome"
    person = Person.objects.get(email=EMAIL)
    assert person.first_name == "Jane"
    assert person.last_name == "Doe"
    assert not person.has_usable_password()


def test_sso_sets_cookies(idp, api_client):
    response = post_sso(api_client, idp.response_xml())
    assert ACCESS_COOKIE in response.cookies
    assert REFRESH_COOKIE in response.cookies
    assert response.cookies[ACCESS_COOKIE]["httponly"]


def test_sso_cookie_authenticates(idp, api_client):
    post_sso(api_client, idp.response_xml())
    response = api_client.get(AUTHENTICATED_URL)
    assert response.status_code == 200
    assert response.json()["user"]["email"] == EMAIL


def test_sso_writes_login_log(idp, api_client):
    post_sso(api_client, idp.response_xml())
    log = LoginLog.objects.get(person__email=EMAIL)
    assert log.origin == "web"


def test_sso_records_assertion(idp, api_client):
    post_sso(api_client, idp.response_xml())
    assertion = SamlAssertion.objects.get()
    assert assertion.person.email == EMAIL


def test_sso_resets_failed_attempts(idp, api_client):
    person = PersonFactory(email=EMAIL, login_failed_attemps=3)
    post_sso(api_client, idp.response_xml())
    person.refresh_from_db()
    assert person.login_failed_attemps == 0


def test_sso_maps_attributes(idp, api_client):
    DepartmentFactory(name="Animation")
    DepartmentFactory(name="Modeling")
    attributes = {
        "first_name": ["Jane", "Ann"],
        "last_name": ["Doe"],
        "phone": ["+33 1 23 45 67 89"],
        "role": ["supervisor"],
        "departments": ["animation", "Lighting"],
        "active": ["true"],
    }
    response = post_sso(api_client, idp.response_xml(attributes=attributes))
    assert response.status_code == 302
    person = Person.objects.get(email=EMAIL)
    assert person.first_name == "Jane Ann"
    assert person.phone == "+33 1 23 45 67 89"
    assert person.role == "supervisor"
    assert [department.name for department in person.departments.all()] == ["Animation"]


def test_second_login_updates_person(idp, api_client):
    post_sso(api_client, idp.response_xml(attributes={"first_name": ["Jane"], "role": ["user"]}))
    response = post_sso(APIClient(), idp.response_xml(attributes={"first_name": ["Janet"], "role": ["manager"]}))
    assert response.status_code == 302
    person = Person.objects.get(email=EMAIL)
    assert person.first_name == "Janet"
    assert person.role == "manager"
    assert Person.objects.filter(email=EMAIL).count() == 1


def test_existing_person_logs_in(idp, api_client):
    person = PersonFactory(email="Jane.Doe@example.com")
    response = post_sso(api_client, idp.response_xml())
    assert response.status_code == 302
    assert LoginLog.objects.filter(person=person).count() == 1


@override_settings(KITSU_SAML_ATTRIBUTE_MAPPING={"givenName": "first_name", "mail": "email"})
def test_mapping_setting_renames_attributes(idp, api_client):
    xml = idp.response_xml(email="opaque-id-42", attributes={"givenName": ["Jo"], "mail": ["jo@example.com"]})
    response = post_sso(api_client, xml)
    assert response.status_code == 302
    person = Person.objects.get(email="jo@example.com")
    assert person.first_name == "Jo"


# Rejected responses


def assert_rejected(response, words):
    assert response.status_code == 400
    assert words in error_message(response)
    assert ACCESS_COOKIE not in response.cookies
    assert not Person.objects.filter(email=EMAIL).exists()


def test_unsigned_assertion_rejected(idp, api_client):
    response = post_sso(api_client, idp.response_xml(sign=False))
    assert_rejected(response, "not signed")


def test_other_key_rejected(intruder, api_client):
    response = post_sso(api_client, intruder.response_xml())
    assert_rejected(response, "not signed")


def test_expired_assertion_rejected(idp, api_client):
    start = instant(time_stamp=int(datetime.datetime(2020, 1, 1, 12, 0, tzinfo=datetime.UTC).timestamp()))
    end = instant(time_stamp=int(datetime.datetime(2020, 1, 1, 12, 5, tzinfo=datetime.UTC).timestamp()))

    def expire(assertion):
        assertion.issue_instant = start
        assertion.conditions.not_before = start
        assertion.conditions.not_on_or_after = end
        for confirmation in assertion.subject.subject_confirmation:
            confirmation.subject_confirmation_data.not_on_or_after = end

    response = post_sso(api_client, idp.changed_response_xml(expire))
    assert_rejected(response, "expired")


def test_changed_assertion_rejected(idp, api_client):
    """Editing a signed assertion breaks its signature."""
    xml = idp.response_xml().replace(EMAIL, "mallory@example.com")
    response = post_sso(api_client, xml)
    assert response.status_code == 400
    assert not Person.objects.filter(email="mallory@example.com").exists()


def test_replayed_assertion_rejected(idp, api_client):
    xml = idp.response_xml()
    first = post_sso(api_client, xml)
    second = post_sso(APIClient(), xml)
    assert first.status_code == 302
    assert second.status_code == 400
    assert "already used" in error_message(second)
    assert ACCESS_COOKIE not in second.cookies


def test_wrong_audience_rejected(idp, api_client):
    def change_audience(assertion):
        assertion.conditions.audience_restriction[0].audience[0].text = "https://other.example.test/sp"

    response = post_sso(api_client, idp.changed_response_xml(change_audience))
    assert_rejected(response, "audience")


def test_wrong_destination_rejected(idp, api_client):
    response = post_sso(api_client, idp.response_xml(destination="https://other.example.test/sso"))
    assert_rejected(response, "destination")


def test_wrong_recipient_rejected(idp, api_client):
    def change_recipient(assertion):
        for confirmation in assertion.subject.subject_confirmation:
            confirmation.subject_confirmation_data.recipient = "https://other.example.test/sso"

    response = post_sso(api_client, idp.changed_response_xml(change_recipient))
    assert_rejected(response, "recipient")


def test_recipient_entity_id_rejected(idp, api_client):
    """pysaml2 alone accepts our entity id as the recipient, but the route accepts only the ACS URL."""

    def change_recipient(assertion):
        for confirmation in assertion.subject.subject_confirmation:
            confirmation.subject_confirmation_data.recipient = SP_ENTITY_ID

    response = post_sso(api_client, idp.changed_response_xml(change_recipient))
    assert_rejected(response, "recipient")


def test_garbage_response_rejected(idp, api_client):
    response = api_client.post(SSO_URL, {"SAMLResponse": "not base64 at all"})
    assert response.status_code == 400
    assert "could not be read" in error_message(response)


def test_missing_response_rejected(idp, api_client):
    response = api_client.post(SSO_URL, {})
    assert response.status_code == 400
    assert "SAMLResponse" in error_message(response)


def test_invalid_role_rejected(idp, api_client):
    response = post_sso(api_client, idp.response_xml(attributes={"role": ["emperor"]}))
    assert_rejected(response, "role")


# Persons that cannot log in


def test_inactive_person_rejected(idp, api_client):
    PersonFactory(email=EMAIL, active=False)
    response = post_sso(api_client, idp.response_xml(attributes={"active": ["true"]}))
    assert response.status_code == 400
    assert "inactive" in error_message(response)
    assert ACCESS_COOKIE not in response.cookies
    assert not Person.objects.get(email=EMAIL).active


def test_inactive_at_idp_rejected(idp, api_client):
    PersonFactory(email=EMAIL, first_name="Jane")
    response = post_sso(api_client, idp.response_xml(attributes={"first_name": ["Janet"], "active": ["false"]}))
    assert response.status_code == 400
    assert ACCESS_COOKIE not in response.cookies
    assert Person.objects.get(email=EMAIL).first_name == "Jane"


def test_new_inactive_person_rejected(idp, api_client):
    response = post_sso(api_client, idp.response_xml(attributes={"active": ["false"]}))
    assert_rejected(response, "inactive")


def test_bot_rejected(idp, api_client):
    PersonFactory(email=EMAIL, is_bot=True)
    response = post_sso(api_client, idp.response_xml())
    assert response.status_code == 400
    assert "bot" in error_message(response)
    assert ACCESS_COOKIE not in response.cookies
    assert Person.objects.filter(email=EMAIL).count() == 1


def test_user_limit_rejected(idp, api_client, settings):
    settings.KITSU_USER_LIMIT = Person.objects.filter(active=True, is_bot=False).count() or 1
    PersonFactory()
    response = post_sso(api_client, idp.response_xml())
    assert_rejected(response, "limit")


# SAML off


@pytest.mark.parametrize("method, url", [("get", LOGIN_URL), ("post", SSO_URL)])
def test_disabled_routes_answer_400(api_client, method, url):
    response = getattr(api_client, method)(url)
    assert response.status_code == 400
    assert response.json() == DISABLED_BODY


def test_disabled_config(api_client):
    body = api_client.get(CONFIG_URL).json()
    assert body["saml_enabled"] is False
    assert body["saml_idp_name"] == ""


def test_enabled_config(saml_settings, api_client):
    body = api_client.get(CONFIG_URL).json()
    assert body["saml_enabled"] is True
    assert body["saml_idp_name"] == "Studio IdP"
