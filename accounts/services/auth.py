"""Log a person in: check the password, count failures, record the login, issue tokens."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.backends import find_person_by_login
from accounts.models import LoginLog, Person
from accounts.tokens import issue_tokens

logger = logging.getLogger("accounts.auth")


class LoginFailed(Exception):
    """A refused login; `reason` is one of the REASON_* values."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason
        self.message = message


REASON_WRONG_CREDENTIALS = "wrong_credentials"
REASON_INACTIVE = "inactive"
REASON_TOO_MANY_ATTEMPTS = "too_many_attempts"


@dataclass
class LoginResult:
    person: Person
    access_token: str
    refresh_token: str


def is_locked_out(person, now):
    if person.login_failed_attemps < settings.KITSU_MAX_LOGIN_ATTEMPTS or person.last_login_failed is None:
        return False
    elapsed = (now - person.last_login_failed).total_seconds()
    return elapsed < settings.KITSU_LOGIN_LOCK_SECONDS


def record_failed_login(person, now):
    Person.objects.filter(pk=person.pk).update(
        login_failed_attemps=F("login_failed_attemps") + 1, last_login_failed=now
    )


def person_log_in(*, login, password, ip_address=None, origin="script"):
    """Return a LoginResult, or raise LoginFailed; never reveals whether the account exists."""
    now = timezone.now()
    person = find_person_by_login(login)
    if person is None:
        # Hash anyway, so the response takes as long as for a real account.
        Person().set_password(password or "")
        logger.warning("Login rejected: no person matches the login sent from %s", ip_address)
        raise LoginFailed(REASON_WRONG_CREDENTIALS, "Login failed: wrong email or password.")

    if is_locked_out(person, now):
        logger.warning("Login rejected for person %s: too many failed attempts", person.pk)
        raise LoginFailed(
            REASON_TOO_MANY_ATTEMPTS,
            f"Too many failed login attempts: try again in {settings.KITSU_LOGIN_LOCK_SECONDS} seconds.",
        )

    if not person.has_usable_password() or not person.check_password(password or ""):
        record_failed_login(person, now)
        logger.warning("Login rejected for person %s: wrong password (from %s)", person.pk, ip_address)
        raise LoginFailed(REASON_WRONG_CREDENTIALS, "Login failed: wrong email or password.")

    if not person.is_active:
        logger.warning("Login rejected for person %s: the account is inactive", person.pk)
        raise LoginFailed(REASON_INACTIVE, "Login failed: this account is inactive.")

    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(login_failed_attemps=0)
        person.login_failed_attemps = 0
        LoginLog.objects.create(person=person, ip_address=ip_address, origin=origin)
        access, refresh = issue_tokens(person)
    logger.info("Person %s logged in from %s (%s)", person.pk, ip_address, origin)
    return LoginResult(person=person, access_token=str(access), refresh_token=str(refresh))
