"""Log a person in: check the password and the second factor, count failures, record the login, issue tokens."""

import logging
from dataclasses import dataclass

from django.db import transaction

from accounts.backends import find_person_by_login
from accounts.models import LoginLog, Organisation, Person
from accounts.services import two_factor
from accounts.services.throttle import check_not_locked, record_failure, record_success
from accounts.tokens import issue_tokens

logger = logging.getLogger("accounts.auth")


class LoginFailed(Exception):
    """A rejected login. `reason` is one of the REASON_* values, and `extra` contains keys added to the response."""

    def __init__(self, reason, message, **extra):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.extra = extra


REASON_WRONG_CREDENTIALS = "wrong_credentials"
REASON_INACTIVE = "inactive"
REASON_MISSING_CODE = "missing_code"
REASON_WRONG_CODE = "wrong_code"


@dataclass
class LoginResult:
    person: Person
    access_token: str
    refresh_token: str
    two_factor_setup_only: bool = False


def person_log_in(*, login, password, ip_address=None, origin="script", codes=None):
    """Return a LoginResult, or raise LoginFailed or LockedOut; never reveals whether the account exists.

    `codes` holds the second-factor fields of the request (`totp`, `email_otp`,
    `fido_authentication_response`, `recovery_code`). A person with two-factor
    authentication logs in only with a right code. A wrong password or code
    counts as a failure for the account and the address.
    """
    check_not_locked(address=ip_address)
    person = find_person_by_login(login)
    if person is None:
        # Hash anyway, so the response takes as long as for a real account.
        Person().set_password(password or "")
        record_failure(address=ip_address, reason="unknown login")
        raise LoginFailed(REASON_WRONG_CREDENTIALS, "Login failed: wrong email or password.")

    check_not_locked(person=person, address=ip_address)
    if not person.has_usable_password() or not person.check_password(password or ""):
        record_failure(person=person, address=ip_address, reason="wrong password")
        raise LoginFailed(REASON_WRONG_CREDENTIALS, "Login failed: wrong email or password.")

    if not person.is_active:
        logger.warning("Login rejected for person %s: the account is inactive", person.pk)
        raise LoginFailed(REASON_INACTIVE, "Login failed: this account is inactive.")

    if two_factor.has_two_factor(person):
        verified = two_factor.verify_second_factor(person, codes or {})
        if verified is None:
            logger.info("Login of person %s waits for a second factor", person.pk)
            raise LoginFailed(
                REASON_MISSING_CODE,
                "A second factor is required: send a code of one of the enabled methods.",
                preferred_two_factor_authentication=person.preferred_two_factor_authentication,
                two_factor_authentication_enabled=two_factor.enabled_methods(person),
            )
        if not verified:
            record_failure(person=person, address=ip_address, reason="wrong second-factor code")
            raise LoginFailed(REASON_WRONG_CODE, "Login failed: wrong or expired code.")
        setup_only = False
    else:
        setup_only = Organisation.get_default().two_factor_authentication_required

    with transaction.atomic():
        record_success(person=person)
        LoginLog.objects.create(person=person, ip_address=ip_address, origin=origin)
        access, refresh = issue_tokens(person, setup_only=setup_only)
    logger.info("Person %s logged in from %s (%s)", person.pk, ip_address, origin)
    return LoginResult(
        person=person, access_token=str(access), refresh_token=str(refresh), two_factor_setup_only=setup_only
    )
