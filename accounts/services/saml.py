"""SAML single sign-on: the service provider's configuration, the checks of an IdP's response, and the login.

pysaml2 builds the authentication requests and parses and verifies the responses,
with the configuration that djangosaml2 loads through `saml_config_loader`. This
module adds what pysaml2 leaves to its caller: the recipient check, the refusal of
replayed assertions, and the creation or update of the person.
"""

import calendar
import datetime
import logging
import threading
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from djangosaml2.conf import get_config
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.response import IncorrectlySigned, StatusError, UnsolicitedResponse, VerificationError
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, SCM_BEARER
from saml2.sigver import SignatureError
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly

from accounts.models import Department, LoginLog, Person, Role, SamlAssertion
from accounts.services.throttle import record_success
from accounts.tokens import issue_tokens
from kitsu_project.public_url import public_base_url

logger = logging.getLogger("accounts.saml")

LOGIN_PATH = "/api/auth/saml/login"
ACS_PATH = "/api/auth/saml/sso"
TRUE_VALUES = ("true", "1", "yes", "on")
FALSE_VALUES = ("false", "0", "no", "off")


class SamlRejected(Exception):
    """A rejected SAML response or login. The client receives `message`, and the log records `reason`."""

    def __init__(self, message, *, reason):
        super().__init__(message)
        self.message = message
        self.reason = reason


class SamlMetadataUnavailable(Exception):
    """The identity provider's metadata could not be read, so no request or response can be handled."""


@dataclass
class SamlLoginResult:
    person: Person
    access_token: str
    refresh_token: str


# Configuration


def sp_entity_id(request):
    return settings.KITSU_SAML_ENTITY_ID or public_base_url(request) + LOGIN_PATH


def sp_acs_url(request):
    """Return the assertion consumer service URL, where the IdP posts its responses."""
    return public_base_url(request) + ACS_PATH


_remote_metadata_lock = threading.Lock()
_remote_metadata = {}  # URL -> (time.monotonic() of the fetch, metadata text)


def remote_metadata_text(url):
    """Return the metadata at `url`, fetched again once it is older than KITSU_SAML_METADATA_REFRESH_SECONDS."""
    with _remote_metadata_lock:
        cached = _remote_metadata.get(url)
        if cached and time.monotonic() - cached[0] < settings.KITSU_SAML_METADATA_REFRESH_SECONDS:
            return cached[1]
        try:
            answer = requests.get(url, timeout=10)
            answer.raise_for_status()
        except requests.RequestException as error:
            if cached:
                logger.warning(
                    "Could not refresh the SAML metadata from %s, the copy in memory is kept: %s", url, error
                )
                return cached[1]
            raise SamlMetadataUnavailable(
                f"The identity provider's metadata could not be fetched from {url}."
            ) from error
        _remote_metadata[url] = (time.monotonic(), answer.text)
        logger.info("SAML metadata fetched from %s", url)
        return answer.text


def metadata_source():
    if settings.KITSU_SAML_METADATA_FILE:
        return {"local": [settings.KITSU_SAML_METADATA_FILE]}
    return {"inline": [remote_metadata_text(settings.KITSU_SAML_METADATA_URL)]}


def saml_config_loader(request=None):
    """Build the pysaml2 configuration of this service provider for `request`; djangosaml2 calls it.

    Assertions must be signed by a certificate of the IdP's metadata, and responses
    to no request of ours (IdP-initiated logins) are accepted, as Zou, the reference server, accepts them.
    """
    acs_url = sp_acs_url(request)
    sp = {
        "endpoints": {"assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)]},
        "allow_unsolicited": True,
        "want_assertions_signed": True,
        "want_response_signed": False,
        "authn_requests_signed": bool(settings.KITSU_SAML_KEY_FILE),
        "name_id_format": NAMEID_FORMAT_EMAILADDRESS,
    }
    config = {
        "entityid": sp_entity_id(request),
        "metadata": metadata_source(),
        "service": {"sp": sp},
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.KITSU_SAML_CLOCK_SKEW_SECONDS,
    }
    if settings.KITSU_SAML_KEY_FILE:
        config["key_file"] = settings.KITSU_SAML_KEY_FILE
        config["cert_file"] = settings.KITSU_SAML_CERT_FILE
    if settings.KITSU_SAML_XMLSEC_BINARY:
        config["xmlsec_binary"] = settings.KITSU_SAML_XMLSEC_BINARY
    sp_config = SPConfig()
    sp_config.load(config)
    return sp_config


def saml_client(request):
    return Saml2Client(config=get_config(request=request))


# Login request


def saml_login_redirect_url(*, request):
    """Return the URL of the IdP's single sign-on service, with an AuthnRequest for the HTTP-Redirect binding."""
    client = saml_client(request)
    # NOTE: with metadata that lists several IdPs, pysaml2 cannot choose one and raises SAMLError.
    _, info = client.prepare_for_authenticate(binding=BINDING_HTTP_REDIRECT)
    for name, value in info["headers"]:
        if name == "Location":
            return value
    raise SamlMetadataUnavailable("The identity provider's metadata has no single sign-on URL for HTTP-Redirect.")


# Response checks


def saml_response_parse(*, request, saml_response):
    """Verify `saml_response` (the base64 form field) with pysaml2 and return the AuthnResponse, or raise SamlRejected.

    pysaml2 checks the assertion's signature against the IdP's metadata, the audience,
    the validity window and the response's Destination when it is present.
    """
    client = saml_client(request)
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST)
    except (ResponseLifetimeExceed, ToEarly):
        raise SamlRejected(
            "The SAML assertion has expired or is not valid yet: log in again.", reason="outside its validity window"
        ) from None
    except (SignatureError, IncorrectlySigned) as error:
        reason = "assertion not signed" if "missing" in str(error).lower() else "signature not verified"
        raise SamlRejected(
            "The SAML assertion is not signed, or not by the identity provider's certificate.", reason=reason
        ) from None
    except StatusError as error:
        raise SamlRejected(
            f"The identity provider rejected the login ({type(error).__name__}).", reason="IdP error status"
        ) from None
    except UnsolicitedResponse:
        raise SamlRejected(
            "The SAML response replies to a request that this server did not send.", reason="unsolicited"
        ) from None
    except VerificationError:
        raise SamlRejected(
            "The SAML assertion's subject confirmation is invalid (recipient, address or validity).",
            reason="subject confirmation not verified",
        ) from None
    except Exception as error:  # pysaml2 also raises bare Exception, ValueError and XML parse errors
        # pysaml2 7.5 reports a wrong audience only with this text in a bare Exception.
        if "AudienceRestrictions" in str(error):
            raise SamlRejected(
                "The SAML assertion is addressed to another service provider (audience).", reason="wrong audience"
            ) from None
        raise SamlRejected(
            "The SAML response is invalid: it could not be read or verified.", reason=f"{type(error).__name__}"
        ) from None
    if response is None:
        raise SamlRejected(
            "The SAML response could not be read: expected a base64-encoded SAML Response.", reason="unreadable"
        )
    if response.assertion is None:
        # pysaml2 7.5 returns the response without reading its assertion when the Destination
        # is not our assertion consumer service or the IssueInstant is not current.
        raise SamlRejected(
            "The SAML response is addressed to another URL (destination), or its IssueInstant is not current.",
            reason="wrong destination or issue instant",
        )
    check_recipient(response, sp_acs_url(request))
    return response


def check_recipient(response, acs_url):
    """Require every bearer confirmation of the assertion to name `acs_url` as its recipient.

    pysaml2 7.5 also accepts the service provider's entity id there, and skips the
    check when the caller passes no conversation information.
    """
    confirmations = [
        confirmation
        for confirmation in response.assertion.subject.subject_confirmation
        if confirmation.method == SCM_BEARER
    ]
    if not confirmations:
        raise SamlRejected("The SAML assertion has no bearer subject confirmation.", reason="no bearer confirmation")
    for confirmation in confirmations:
        data = confirmation.subject_confirmation_data
        if data is None or data.recipient != acs_url:
            raise SamlRejected("The SAML assertion is addressed to another URL (recipient).", reason="wrong recipient")


def saml_time(text):
    return datetime.datetime.fromtimestamp(calendar.timegm(str_to_time(text)), tz=datetime.UTC)


def assertion_expiry(assertion):
    """Return when `assertion` stops being valid: the latest NotOnOrAfter of its conditions and confirmations."""
    limits = []
    if assertion.conditions is not None and assertion.conditions.not_on_or_after:
        limits.append(assertion.conditions.not_on_or_after)
    for confirmation in assertion.subject.subject_confirmation:
        data = confirmation.subject_confirmation_data
        if data is not None and data.not_on_or_after:
            limits.append(data.not_on_or_after)
    if not limits:
        # The SAML 2.0 Web Browser SSO profile requires a NotOnOrAfter on bearer confirmations.
        raise SamlRejected("The SAML assertion has no expiry time (NotOnOrAfter).", reason="no expiry")
    return max(saml_time(limit) for limit in limits)


def saml_assertion_record(*, assertion, person=None):
    """Store the id of `assertion` until it expires, or raise SamlRejected when it was already used."""
    now = timezone.now()
    SamlAssertion.objects.filter(expires_at__lt=now).delete()
    expires_at = assertion_expiry(assertion) + datetime.timedelta(seconds=settings.KITSU_SAML_CLOCK_SKEW_SECONDS)
    try:
        with transaction.atomic():
            return SamlAssertion.objects.create(assertion_id=assertion.id, person=person, expires_at=expires_at)
    except IntegrityError:
        raise SamlRejected("This SAML assertion was already used: log in again.", reason="replayed assertion") from None


# Person


def first_value(values):
    if isinstance(values, (list, tuple)):
        return str(values[0]).strip() if values else ""
    return str(values).strip()


def joined_value(values):
    if isinstance(values, (list, tuple)):
        return " ".join(str(value).strip() for value in values if str(value).strip())
    return str(values).strip()


def parse_active(text):
    lowered = text.lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise SamlRejected(
        f"The SAML attribute for active has an invalid value {text!r}: expected true or false.",
        reason="invalid active attribute",
    )


def check_length(field, value):
    limit = Person._meta.get_field(field).max_length
    if len(value) > limit:
        raise SamlRejected(
            f"The SAML attribute for {field} is too long: {len(value)} characters, at most {limit}.",
            reason=f"{field} attribute too long",
        )


def person_fields_from_attributes(ava):
    """Translate the attributes (`ava`, as pysaml2 reports them) into person fields with KITSU_SAML_ATTRIBUTE_MAPPING.

    Returns a dict of the fields the attributes contain, with `departments` as a list of names.
    """
    fields = {}
    for attribute, field in settings.KITSU_SAML_ATTRIBUTE_MAPPING.items():
        if attribute not in ava:
            continue
        values = ava[attribute]
        if field in ("first_name", "last_name"):
            fields[field] = joined_value(values)
            check_length(field, fields[field])
        elif field == "departments":
            names = values if isinstance(values, (list, tuple)) else [values]
            fields[field] = [str(name).strip() for name in names if str(name).strip()]
        elif field == "active":
            fields[field] = parse_active(first_value(values))
        elif field == "role":
            role = first_value(values)
            if role not in Role.values:
                raise SamlRejected(
                    f"The SAML attribute for role has an invalid value {role!r}: expected one of"
                    f" {', '.join(Role.values)}.",
                    reason="invalid role attribute",
                )
            fields[field] = role
        else:
            fields[field] = first_value(values)
            if field == "phone":
                check_length(field, fields[field])
    return fields


def is_email(value):
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def email_from_response(response, fields):
    """Return the email of the person: the name id, or else the mapped `email` attribute."""
    name_id = response.name_id.text.strip() if response.name_id is not None and response.name_id.text else ""
    for candidate in (name_id, fields.get("email", "")):
        if candidate and is_email(candidate):
            return candidate
    raise SamlRejected(
        "The SAML assertion contains no email: neither its name id nor an email attribute is an email address.",
        reason="no email",
    )


def departments_by_name(names):
    """Return the departments whose names are in `names`, in any case. Unknown names are logged and skipped."""
    requested = {name.lower(): name for name in names}
    found = [department for department in Department.objects.all() if department.name.lower() in requested]
    unknown = set(requested) - {department.name.lower() for department in found}
    if unknown:
        logger.warning("SAML login: no department is named %s", ", ".join(sorted(requested[key] for key in unknown)))
    return found


def person_create_from_saml(*, email, fields):
    if not fields.get("active", True):
        raise SamlRejected("This account is inactive, so it cannot log in.", reason="new person inactive")
    active_count = Person.objects.filter(active=True, is_bot=False).count()
    if active_count >= settings.KITSU_USER_LIMIT:
        raise SamlRejected(
            f"No account can be created: the limit of {settings.KITSU_USER_LIMIT} active persons is reached."
            " Ask a studio manager to deactivate someone or to raise KITSU_USER_LIMIT.",
            reason="user limit reached",
        )
    person = Person(email=email, first_name=fields.get("first_name") or email.split("@")[0])
    for field in ("last_name", "phone", "role"):
        if field in fields:
            setattr(person, field, fields[field])
    # Zou stores the password "default". An unusable password makes a password login impossible.
    person.set_unusable_password()
    person.save()
    if "departments" in fields:
        person.departments.set(departments_by_name(fields["departments"]))
    logger.info("Person %s created by a SAML login", person.pk)
    return person


def person_update_from_saml(*, person, fields):
    changed = []
    for field in ("first_name", "last_name", "phone", "role", "active"):
        if field in fields and getattr(person, field) != fields[field]:
            setattr(person, field, fields[field])
            changed.append(field)
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
        logger.info("Person %s updated by a SAML login: %s", person.pk, ", ".join(changed))
    if "departments" in fields:
        person.departments.set(departments_by_name(fields["departments"]))
    return person


def person_from_saml(*, email, fields):
    """Return the person that `email` names, updated with `fields`, or a new one. Raise SamlRejected for a bot."""
    person = Person.objects.filter(is_bot=False, email__iexact=email).first()
    if person is None:
        if Person.objects.filter(is_bot=True, email__iexact=email).exists():
            raise SamlRejected("This account is a bot: bots cannot log in with SAML.", reason="bot")
        return person_create_from_saml(email=email, fields=fields)

    # A person that the studio deactivated stays so, even when the IdP sends active=true.
    if not person.is_active:
        raise SamlRejected("This account is inactive, so it cannot log in.", reason="inactive")
    # NOTE: Zou stores active=false from the IdP and then rejects the login. Here the
    # rejection rolls back every change of the login, so the person stays active in Kitsu.
    if fields.get("active") is False:
        raise SamlRejected(
            "The identity provider marks this account inactive, so it cannot log in.", reason="inactive at the IdP"
        )
    return person_update_from_saml(person=person, fields=fields)


# Login


def saml_log_in(*, request, saml_response, ip_address=None):
    """Verify the IdP's response, create or update its person and return a SamlLoginResult, or raise SamlRejected.

    Every rejection is logged with its reason, but never with the response or its attributes.
    """
    try:
        response = saml_response_parse(request=request, saml_response=saml_response)
        fields = person_fields_from_attributes(response.ava or {})
        email = email_from_response(response, fields)
        with transaction.atomic():
            assertion = saml_assertion_record(assertion=response.assertion)
            person = person_from_saml(email=email, fields=fields)
            assertion.person = person
            assertion.save(update_fields=["person"])
            record_success(person=person)
            LoginLog.objects.create(person=person, ip_address=ip_address, origin="web")
            access, refresh = issue_tokens(person)
    except SamlRejected as rejection:
        logger.warning("SAML login rejected from %s: %s", ip_address, rejection.reason)
        raise
    logger.info("Person %s logged in with SAML from %s", person.pk, ip_address)
    return SamlLoginResult(person=person, access_token=str(access), refresh_token=str(refresh))
