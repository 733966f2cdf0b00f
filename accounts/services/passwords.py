"""Passwords chosen by their owner: change, reset by email link, self-registration, and the rules they follow.

Reset links carry a Django password-reset token. It is signed with SECRET_KEY
over the person's password hash, so it stops working once the password
changes (single use) and after PASSWORD_RESET_TIMEOUT seconds. Invitation links
carry the same kind of token with another salt and a lifetime of 7 days.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Person, Role
from accounts.services import throttle
from accounts.services.persons import invitation_token_generator, person_mail_send, person_password_change

logger = logging.getLogger("accounts.passwords")

PASSWORD_TOO_SHORT = "Password is too short."
PASSWORD_MISMATCH = "Confirmation password doesn't match."
WRONG_OLD_PASSWORD = "Old password is wrong."
WRONG_TOKEN = "Wrong or expired token."
UNKNOWN_EMAIL = "Email not listed in database."
INACTIVE = "This user is inactive."
PROTECTED = "This user is in protected accounts."


class PasswordRejected(Exception):
    """A rejected password change, reset or registration, with the message for the client (a 400)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def is_protected(person):
    return bool(person.email) and person.email.lower() in settings.KITSU_PROTECTED_ACCOUNTS


def password_check(*, password, confirmation, person=None):
    """Raise PasswordRejected unless `password` passes the validators and equals `confirmation`.

    The length comes first and the match last, as in the reference, so a short
    password that also differs gets "Password is too short.".
    """
    try:
        password_validation.validate_password(password, person)
    except DjangoValidationError as error:
        if any(problem.code == "password_too_short" for problem in error.error_list):
            raise PasswordRejected(PASSWORD_TOO_SHORT) from None
        raise PasswordRejected(" ".join(error.messages)) from None
    if password != confirmation:
        raise PasswordRejected(PASSWORD_MISMATCH)


def reset_link(*, site_url, email, token):
    """Return the web UI page where the person chooses a new password."""
    query = urlencode({"email": email, "token": token})
    return f"{site_url.rstrip('/')}/reset-change-password?{query}"


def person_own_password_change(*, person, old_password, password, confirmation, keep_token=None, ip_address=None):
    """Change the password of `person` after checking the old one, or raise PasswordRejected or LockedOut.

    A wrong old password counts as a failed login for the account and the address.
    """
    throttle.check_not_locked(person=person, address=ip_address)
    if not person.has_usable_password() or not person.check_password(old_password):
        throttle.record_failure(person=person, address=ip_address, reason="wrong old password")
        raise PasswordRejected(WRONG_OLD_PASSWORD)
    password_check(password=password, confirmation=confirmation, person=person)
    return person_password_change(
        person=person, password=password, actor=person, keep_token=keep_token, ip_address=ip_address
    )


def find_person_by_email(email):
    """Return the human (not bot) person whose email is `email` in any case, or None."""
    if not email:
        return None
    return Person.objects.filter(is_bot=False, email__iexact=email).first()


def person_reset_request(*, email, site_url, ip_address=None):
    """Mail a reset link to the person whose email is `email`, or raise PasswordRejected or LockedOut.

    Each rejected request counts as a failure of the client address, so that the
    route cannot check many emails quickly.
    """
    throttle.check_not_locked(address=ip_address)
    person = find_person_by_email(email)
    if person is None:
        throttle.record_failure(address=ip_address, reason="reset request for unknown email")
        raise PasswordRejected(UNKNOWN_EMAIL)
    if not person.is_active:
        throttle.record_failure(address=ip_address, reason=f"reset request for inactive person {person.pk}")
        raise PasswordRejected(INACTIVE)
    if is_protected(person):
        throttle.record_failure(address=ip_address, reason=f"reset request for protected person {person.pk}")
        raise PasswordRejected(PROTECTED)

    organisation = Organisation.get_default()
    token = default_token_generator.make_token(person)
    person_mail_send(
        person=person,
        subject=f"{organisation.name} - Kitsu: password recovery",
        template="password_reset",
        context={
            "person": person,
            "organisation": organisation,
            "link": reset_link(site_url=site_url, email=person.email, token=token),
            "lifetime_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            "requested_at": timezone.now(),
            "ip_address": ip_address or "unknown",
        },
    )
    logger.info("Password reset link mailed to person %s (requested from %s)", person.pk, ip_address)
    return person


def token_is_valid(person, token):
    """Tell whether `token` is a live reset token or invitation token of `person`."""
    if person is None or not isinstance(token, str):
        return False
    return default_token_generator.check_token(person, token) or invitation_token_generator.check_token(person, token)


def person_password_reset(*, email, token, password, confirmation, ip_address=None):
    """Set a new password with a reset or invitation token, or raise PasswordRejected or LockedOut.

    A password that fails the rules leaves the token valid, because the
    password hash that the token is signed over does not change.
    """
    throttle.check_not_locked(address=ip_address)
    person = find_person_by_email(email)
    if not token_is_valid(person, token):
        throttle.record_failure(address=ip_address, reason="wrong or expired reset token")
        raise PasswordRejected(WRONG_TOKEN)
    if not person.is_active:
        raise PasswordRejected(INACTIVE)
    if is_protected(person):
        raise PasswordRejected(PROTECTED)
    password_check(password=password, confirmation=confirmation, person=person)

    with transaction.atomic():
        person_password_change(person=person, password=password, actor=person, ip_address=ip_address)
        throttle.record_success(person=person)
    return person


@transaction.atomic
def person_register(*, email, password, confirmation, first_name, last_name):
    """Create an active artist account for a visitor, or raise PasswordRejected.

    The caller checks KITSU_SELF_REGISTRATION first.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise PasswordRejected(f"{email} is not a valid email address.") from None
    for name, value in (("email", email), ("first_name", first_name), ("last_name", last_name)):
        max_length = Person._meta.get_field(name).max_length
        if len(value) > max_length:
            raise PasswordRejected(f"{name} is too long: at most {max_length} characters.")
    if find_person_by_email(email) is not None:
        raise PasswordRejected(f"A person with the email {email} already exists.")
    active = Person.objects.filter(active=True, is_bot=False).count()
    if active >= settings.KITSU_USER_LIMIT:
        raise PasswordRejected(
            f"The limit of {settings.KITSU_USER_LIMIT} active persons is reached: ask an administrator."
        )

    person = Person(email=email, first_name=first_name, last_name=last_name, role=Role.ARTIST, active=True)
    password_check(password=password, confirmation=confirmation, person=person)
    person.set_password(password)
    person.save()
    logger.info("Person %s registered", person.pk)
    return person
