"""Two-factor authentication: TOTP, codes sent by email, FIDO security keys (WebAuthn) and recovery codes.

The secrets live in django-otp's tables (a TOTPDevice and an EmailDevice per
person) and, for FIDO, in `Person.fido_credentials`. The Person columns
`totp_enabled`, `email_otp_enabled`, `fido_enabled` and
`preferred_two_factor_authentication` follow the devices, because the API
shows them. `totp_secret` and `email_otp_secret` stay null.
"""

import base64
import datetime
import hmac
import json
import logging
import secrets
import string
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from fido2 import cbor
from fido2.cose import CoseKey
from fido2.server import Fido2Server
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    Aaguid,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAttachment,
    PublicKeyCredentialRpEntity,
    PublicKeyCredentialUserEntity,
    UserVerificationRequirement,
)

from accounts.models import Organisation, Person, WebAuthnChallenge
from accounts.services.persons import person_mail_send, persons_tokens_revoke

logger = logging.getLogger("accounts.auth")

TOTP = "totp"
EMAIL_OTP = "email_otp"
FIDO = "fido"
RECOVERY_CODE = "recovery_code"
# The order of `two_factor_authentication_enabled` in the login response, after "recovery_code".
METHODS = (TOTP, EMAIL_OTP, FIDO)
# The order in which the preference moves to another method when the preferred one is turned off.
PREFERENCE_ORDER = (FIDO, EMAIL_OTP, TOTP)
ENABLED_FIELDS = {TOTP: "totp_enabled", EMAIL_OTP: "email_otp_enabled", FIDO: "fido_enabled"}

RECOVERY_CODE_COUNT = 16
RECOVERY_CODE_LENGTH = 10
RECOVERY_CODE_ALPHABET = string.ascii_uppercase + string.digits
RECOVERY_CODE_HMAC_SALT = "accounts.two_factor.recovery_code"

# The reference keeps an email code for 5 minutes.
EMAIL_CODE_LIFETIME_SECONDS = 300
EMAIL_CODE_DIGITS = 6
# One TOTP step before or after the server's clock is accepted, for phones whose clock drifts.
# The reference accepts the current step only.
TOTP_TOLERANCE_STEPS = 1

WEBAUTHN_CHALLENGE_LIFETIME = datetime.timedelta(minutes=5)
REGISTRATION = "registration"
AUTHENTICATION = "authentication"


class TwoFactorError(Exception):
    """A two-factor change that cannot be made; `message` is the reference's text for the API."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class WrongCode(TwoFactorError):
    """The code that should turn a method on is wrong, expired or has nothing pending to match."""


# ---- state of a person ---------------------------------------------------------


def enabled_methods(person):
    """Return the reference's `two_factor_authentication_enabled` list: [] or "recovery_code" and the methods on."""
    methods = [method for method in METHODS if getattr(person, ENABLED_FIELDS[method])]
    return [RECOVERY_CODE, *methods] if methods else []


def has_two_factor(person):
    return any(getattr(person, field) for field in ENABLED_FIELDS.values())


def method_enable(person, method):
    """Mark `method` as on for `person` and return 16 new recovery codes if the person has none, else None.

    The first method enabled also becomes the preferred one.
    """
    setattr(person, ENABLED_FIELDS[method], True)
    if not person.preferred_two_factor_authentication:
        person.preferred_two_factor_authentication = method
    codes = None
    if not person.otp_recovery_codes:
        codes = recovery_codes_set(person, save=False)
    person.save()
    logger.info("Person %s turned on two-factor method %s", person.pk, method)
    return codes


def method_disable(person, method):
    """Mark `method` as off for `person`; move the preference, or clear it and the recovery codes with the last one."""
    setattr(person, ENABLED_FIELDS[method], False)
    if not has_two_factor(person):
        person.otp_recovery_codes = None
        person.preferred_two_factor_authentication = None
    elif person.preferred_two_factor_authentication == method:
        person.preferred_two_factor_authentication = next(
            other for other in PREFERENCE_ORDER if getattr(person, ENABLED_FIELDS[other])
        )
    person.save()
    logger.info("Person %s turned off two-factor method %s", person.pk, method)


def requirement_turned_on(*, actor):
    """Revoke the tokens of every person without a second factor, now that the organisation requires one.

    Their next login then gets tokens limited to the set-up routes. Bots keep their tokens.
    """
    persons = Person.objects.filter(is_bot=False, totp_enabled=False, email_otp_enabled=False, fido_enabled=False)
    revoked = persons_tokens_revoke(persons=persons)
    logger.warning(
        "Person %s required two-factor authentication: %d token(s) of persons without it revoked", actor.pk, revoked
    )
    return revoked


@transaction.atomic
def admin_disable(*, person, actor, ip_address=None):
    """Turn off every method of `person` for an admin, log it and tell the person by mail."""
    disable_all(person)
    logger.warning("Person %s disabled the two-factor authentication of person %s", actor.pk, person.pk)
    organisation_name = Organisation.get_default().name
    person_mail_send(
        person=person,
        subject=f"{organisation_name} - Kitsu: two-factor authentication disabled",
        template="two_factor_disabled",
        context={
            "person": person,
            "organisation_name": organisation_name,
            "when": timezone.now(),
            "ip_address": ip_address or "unknown",
        },
    )


@transaction.atomic
def disable_all(person):
    """Turn off every method of `person`: delete the devices, the FIDO credentials, challenges and recovery codes."""
    TOTPDevice.objects.filter(user=person).delete()
    EmailDevice.objects.filter(user=person).delete()
    WebAuthnChallenge.objects.filter(person=person).delete()
    person.totp_enabled = False
    person.totp_secret = None
    person.email_otp_enabled = False
    person.email_otp_secret = None
    person.fido_enabled = False
    person.fido_credentials = None
    person.otp_recovery_codes = None
    person.preferred_two_factor_authentication = None
    person.save()
    logger.info("Every two-factor method of person %s turned off", person.pk)


# ---- checking a code -------------------------------------------------------------


def sent_value(data, key):
    """Return `data[key]`, or None when the key is missing, null or an empty string (Gazu sends null)."""
    value = data.get(key) if isinstance(data, dict) else None
    if value is None or value == "":
        return None
    return value


def verify_second_factor(person, data):
    """Check the first code of `data` that is sent and whose method is on: True (right), False (wrong), None (none).

    The keys are tried in this order: `totp`, `email_otp`,
    `fido_authentication_response`, `recovery_code`; a recovery code counts
    whenever any method is on. A right email code, FIDO challenge or recovery
    code is used up, and a TOTP step is accepted once. Failures are not
    counted here: the caller records them.
    """
    if not has_two_factor(person):
        return None
    totp = sent_value(data, "totp")
    if totp is not None and person.totp_enabled:
        return totp_verify(person, str(totp))
    email_code = sent_value(data, "email_otp")
    if email_code is not None and person.email_otp_enabled:
        return email_code_verify(person, str(email_code), confirmed=True)
    fido_response = sent_value(data, "fido_authentication_response")
    if fido_response is not None and person.fido_enabled:
        return fido_authentication_verify(person, fido_response)
    recovery_code = sent_value(data, "recovery_code")
    if recovery_code is not None:
        return recovery_code_use(person, str(recovery_code))
    return None


# ---- TOTP ----------------------------------------------------------------------------


def totp_issuer():
    name = Organisation.get_default().name
    # An organisation named after the product would read "Kitsu Kitsu" in authenticator apps.
    return name if "kitsu" in name.lower() else f"Kitsu {name}"


@transaction.atomic
def totp_begin(person):
    """Create a new, unconfirmed TOTP secret for `person` and return (provisioning URI, base32 secret)."""
    if person.totp_enabled:
        raise TwoFactorError("TOTP already enabled.")
    TOTPDevice.objects.filter(user=person).delete()
    device = TOTPDevice.objects.create(user=person, name=TOTP, confirmed=False, tolerance=TOTP_TOLERANCE_STEPS)
    secret = base64.b32encode(device.bin_key).decode()
    issuer = totp_issuer()
    # The Key Uri Format of authenticator apps: label "issuer:account", parameters percent-encoded with %20.
    label = quote(f"{issuer}:{person.email}", safe="@:")
    parameters = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": device.digits, "period": device.step},
        quote_via=quote,
    )
    logger.info("Person %s started the TOTP set-up", person.pk)
    return f"otpauth://totp/{label}?{parameters}", secret


def totp_confirm(person, code):
    """Turn TOTP on with a code of the pending secret and return the new recovery codes, or None.

    Raise TwoFactorError when TOTP is already on, and WrongCode when the code
    is wrong or no secret is pending.
    """
    if person.totp_enabled:
        raise TwoFactorError("TOTP already enabled.")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=person, confirmed=False).last()
        verified = device is not None and device.verify_token(code)
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = method_enable(person, TOTP)
    if not verified:
        raise WrongCode("TOTP verification failed.")
    return codes


def totp_verify(person, code):
    with transaction.atomic():
        # The row lock makes two requests with the same code wait for each other, so `last_t` stops the second.
        device = TOTPDevice.objects.select_for_update().filter(user=person, confirmed=True).first()
        if device is None:
            logger.warning("Person %s has TOTP on but no confirmed TOTP device", person.pk)
            return False
        return device.verify_token(code)


@transaction.atomic
def totp_disable(person):
    TOTPDevice.objects.filter(user=person).delete()
    person.totp_secret = None
    method_disable(person, TOTP)


# ---- codes sent by email ---------------------------------------------------------------


def email_code_send(person, *, confirmed):
    """Mail `person` a new code of the email device (the confirmed one, or the one being set up).

    A new code replaces the pending one. Raise TwoFactorError while the
    device's cool-down (django-otp's OTP_EMAIL_COOLDOWN_DURATION, 60 seconds
    by default) runs: the code sent before stays valid.
    """
    with transaction.atomic():
        if confirmed:
            device = EmailDevice.objects.select_for_update().filter(user=person, confirmed=True).first()
        else:
            device, _ = EmailDevice.objects.select_for_update().get_or_create(
                user=person, confirmed=False, defaults={"name": EMAIL_OTP}
            )
        if device is None:
            raise TwoFactorError("OTP by email not enabled.")
        allowed, details = device.generate_is_allowed()
        if not allowed:
            wait = details.get("next_generation_at") if details else None
            raise TwoFactorError(
                "A code was mailed less than a minute ago: use it, or ask for a new one"
                + (f" after {wait:%H:%M:%S} UTC." if wait else " later.")
            )
        device.cooldown_set(commit=False)
        device.generate_token(length=EMAIL_CODE_DIGITS, valid_secs=EMAIL_CODE_LIFETIME_SECONDS, commit=True)
        code_mail_send(person, device.token)
    logger.info("Email code sent to person %s", person.pk)


def code_mail_send(person, code):
    """Mail `code` to `person` once the transaction commits, with a plain text and an HTML body."""
    if not person.email:
        logger.warning("Person %s has no email address to send a code to", person.pk)
        return
    organisation_name = Organisation.get_default().name
    person_mail_send(
        person=person,
        subject=f"{organisation_name} - Kitsu: your verification code is {code}",
        template="otp_code",
        context={
            "person": person,
            "code": code,
            "organisation_name": organisation_name,
            "minutes": EMAIL_CODE_LIFETIME_SECONDS // 60,
        },
    )


def email_code_verify(person, code, *, confirmed):
    with transaction.atomic():
        device = EmailDevice.objects.select_for_update().filter(user=person, confirmed=confirmed).first()
        if device is None:
            return False
        # django-otp clears the code once it is used, so each code works once.
        return device.verify_token(code.strip())


def email_otp_begin(person):
    if person.email_otp_enabled:
        raise TwoFactorError("OTP by email already enabled.")
    email_code_send(person, confirmed=False)


def email_otp_confirm(person, code):
    """Turn email codes on with the code of the set-up mail and return the new recovery codes, or None.

    Raise TwoFactorError when they are already on, and WrongCode when the code
    is wrong, expired or no set-up mail was sent.
    """
    if person.email_otp_enabled:
        raise TwoFactorError("OTP by email already enabled.")
    with transaction.atomic():
        verified = email_code_verify(person, code, confirmed=False)
        if verified:
            EmailDevice.objects.filter(user=person).update(confirmed=True)
            codes = method_enable(person, EMAIL_OTP)
    if not verified:
        raise WrongCode("OTP by email verification failed.")
    return codes


@transaction.atomic
def email_otp_disable(person):
    EmailDevice.objects.filter(user=person).delete()
    person.email_otp_secret = None
    method_disable(person, EMAIL_OTP)


# ---- recovery codes ----------------------------------------------------------------------


def recovery_code_hash(code, salt, secret=None):
    # A keyed SHA-256 (HMAC with SECRET_KEY) replaces a slow password hash. A random code has 36**10 (about 2**52)
    # values, so it needs no key stretching. PBKDF2 at Django 5.2's 1,000,000 iterations took 0.67 s per hash
    # on a 2-core test machine, and a check may try all 16 stored codes.
    # Without SECRET_KEY, a copy of the database is not enough to guess the codes offline.
    return salted_hmac(RECOVERY_CODE_HMAC_SALT, f"{salt}${code}", secret=secret, algorithm="sha256").hexdigest()


def recovery_code_matches(code, salt, digest):
    """Tell whether `code` hashes to `digest` with the current SECRET_KEY or one of SECRET_KEY_FALLBACKS."""
    matched = False
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        # Every key is tried, so the time taken does not tell which key matched.
        matched |= hmac.compare_digest(digest, recovery_code_hash(code, salt, secret))
    return matched


def recovery_codes_set(person, *, save=True):
    """Replace the recovery codes of `person` with 16 new ones and return them in clear text (shown once)."""
    codes = [
        "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    stored = []
    for code in codes:
        salt = secrets.token_hex(8)
        stored.append(f"{salt}${recovery_code_hash(code, salt)}")
    person.otp_recovery_codes = stored
    if save:
        person.save(update_fields=["otp_recovery_codes", "updated_at"])
        logger.info("New recovery codes made for person %s", person.pk)
    return codes


def recovery_code_use(person, code):
    """Return True and remove the code when `code` is one of the unused recovery codes of `person`, else False."""
    code = code.strip().upper()
    with transaction.atomic():
        # Lock the row, so two requests cannot both use the same code.
        stored = Person.objects.select_for_update().values_list("otp_recovery_codes", flat=True).get(pk=person.pk)
        match = None
        for entry in stored or []:
            salt, _, digest = str(entry).partition("$")
            # Compare with every stored code, in constant time, so the time taken does not tell which one is near.
            if recovery_code_matches(code, salt, digest) and match is None:
                match = entry
        if match is None:
            return False
        remaining = [entry for entry in stored if entry != match]
        Person.objects.filter(pk=person.pk).update(otp_recovery_codes=remaining, updated_at=timezone.now())
        person.otp_recovery_codes = remaining
    logger.info("Person %s used a recovery code (%d left)", person.pk, len(remaining))
    return True


# ---- FIDO / WebAuthn -------------------------------------------------------------------


def relying_party_id(request):
    """Return the WebAuthn relying party id: the host of KITSU_PUBLIC_URL when set, else the request's host."""
    if settings.KITSU_PUBLIC_URL:
        return urlsplit(settings.KITSU_PUBLIC_URL).hostname
    return urlsplit(f"//{request.get_host()}").hostname


def fido_server(rp_id):
    # fido2's own origin check: https on that host or a subdomain of it, or http://localhost.
    return Fido2Server(PublicKeyCredentialRpEntity(name="Kitsu", id=rp_id))


def stored_credentials(person):
    """Return the person's FIDO credentials as fido2 objects, in the order of `fido_credentials`."""
    credentials = []
    for item in person.fido_credentials or []:
        public_key = CoseKey.parse(cbor.decode(websafe_decode(item["public_key"])))
        credentials.append(
            AttestedCredentialData.create(
                Aaguid.parse(item["aaguid"]), websafe_decode(item["credential_id"]), public_key
            )
        )
    return credentials


def challenge_save(person, purpose, rp_id, state):
    now = timezone.now()
    WebAuthnChallenge.objects.filter(expires_at__lte=now).delete()
    WebAuthnChallenge.objects.create(
        person=person,
        purpose=purpose,
        state={"rp_id": rp_id, "fido": dict(state)},
        expires_at=now + WEBAUTHN_CHALLENGE_LIFETIME,
    )


def challenge_pop(person, purpose):
    """Delete and return the latest unexpired challenge of `purpose` of `person`, or None; a challenge is used once."""
    challenge = (
        WebAuthnChallenge.objects.select_for_update()
        .filter(person=person, purpose=purpose, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if challenge is not None:
        WebAuthnChallenge.objects.filter(person=person, purpose=purpose).delete()
    return challenge


def json_options(options):
    """Return the `publicKey` member of fido2 options as plain JSON values (bytes as base64url)."""
    return json.loads(json.dumps(dict(options.public_key)))


@transaction.atomic
def fido_registration_begin(person, rp_id):
    """Return the WebAuthn creation options for a new security key of `person`, and keep the challenge."""
    user = PublicKeyCredentialUserEntity(
        id=person.pk.bytes, name=person.email or str(person.pk), display_name=person.full_name
    )
    options, state = fido_server(rp_id).register_begin(
        user,
        credentials=stored_credentials(person),
        user_verification=UserVerificationRequirement.PREFERRED,
        authenticator_attachment=AuthenticatorAttachment.CROSS_PLATFORM,
    )
    WebAuthnChallenge.objects.filter(person=person, purpose=REGISTRATION).delete()
    challenge_save(person, REGISTRATION, rp_id, state)
    return json_options(options)


def fido_registration_complete(person, response, device_name):
    """Add the security key of a registration `response` as `device_name`; return the new recovery codes or None.

    Raise TwoFactorError when no registration was started (or it expired),
    when the response does not verify, or when the name is taken.
    """
    with transaction.atomic():
        challenge = challenge_pop(person, REGISTRATION)
    if challenge is None:
        raise TwoFactorError("No preregistration before.")
    if device_name in person.fido_devices:
        raise TwoFactorError(f"A FIDO device named {device_name!r} already exists: choose another name.")
    try:
        auth_data = fido_server(challenge.state["rp_id"]).register_complete(challenge.state["fido"], response)
    except Exception as error:
        # fido2 raises many types on a malformed client response (ValueError, TypeError, KeyError, CBOR errors...).
        logger.info("FIDO registration of person %s rejected: %s", person.pk, error)
        raise TwoFactorError("FIDO server exception your registration response is probly wrong.") from None
    credential = auth_data.credential_data
    known_ids = {item.get("credential_id") for item in person.fido_credentials or []}
    if websafe_encode(credential.credential_id) in known_ids:
        raise TwoFactorError("This security key is already registered.")
    with transaction.atomic():
        person.fido_credentials = [
            *(person.fido_credentials or []),
            {
                "device_name": device_name,
                "aaguid": str(credential.aaguid),
                "credential_id": websafe_encode(credential.credential_id),
                "public_key": websafe_encode(cbor.encode(credential.public_key)),
                "sign_count": auth_data.counter,
            },
        ]
        return method_enable(person, FIDO)


@transaction.atomic
def fido_authentication_begin(person, rp_id):
    """Return the WebAuthn request options for the security keys of `person`, and keep the challenge."""
    options, state = fido_server(rp_id).authenticate_begin(
        stored_credentials(person), user_verification=UserVerificationRequirement.PREFERRED
    )
    challenge_save(person, AUTHENTICATION, rp_id, state)
    return json_options(options)


def fido_authentication_verify(person, response):
    """Check a WebAuthn assertion against the latest authentication challenge of `person`, which it uses up."""
    if isinstance(response, str):
        try:
            response = json.loads(response)
        except ValueError:
            return False
    with transaction.atomic():
        challenge = challenge_pop(person, AUTHENTICATION)
        if challenge is None:
            return False
        locked = Person.objects.select_for_update().get(pk=person.pk)
        try:
            credentials = stored_credentials(locked)
            server = fido_server(challenge.state["rp_id"])
            matched = server.authenticate_complete(challenge.state["fido"], credentials, response)
            counter = AuthenticationResponse.from_dict(response).response.authenticator_data.counter
        except Exception as error:
            # fido2 raises many types on a malformed client response (ValueError, TypeError, KeyError, CBOR errors...).
            logger.info("FIDO assertion of person %s rejected: %s", person.pk, error)
            return False

        items = list(locked.fido_credentials or [])
        index = next(
            i for i, item in enumerate(items) if websafe_decode(item["credential_id"]) == matched.credential_id
        )
        previous = items[index].get("sign_count") or 0
        # A counter that does not grow means a cloned key, unless the key keeps no counter (always 0).
        if (counter or previous) and counter <= previous:
            logger.warning(
                "FIDO key %r of person %s sent a stale signature counter", items[index]["device_name"], person.pk
            )
            return False
        items[index] = {**items[index], "sign_count": counter}
        Person.objects.filter(pk=person.pk).update(fido_credentials=items)
        person.fido_credentials = items
    return True


def fido_device_remove(person, device_name):
    """Remove the security key named `device_name`, and turn FIDO off with the last key."""
    with transaction.atomic():
        person.fido_credentials = [
            item for item in person.fido_credentials or [] if item.get("device_name") != device_name
        ]
        if person.fido_credentials:
            person.save()
        else:
            person.fido_credentials = None
            WebAuthnChallenge.objects.filter(person=person).delete()
            method_disable(person, FIDO)
    logger.info("Person %s removed the FIDO device %r", person.pk, device_name)
