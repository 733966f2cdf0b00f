"""Brute-force protection: failed logins and failed codes, counted per account and per client address.

An account is locked once it has `KITSU_MAX_LOGIN_ATTEMPTS` failures, until
`KITSU_LOGIN_LOCK_SECONDS` have passed since the last one. As in the
reference, its counter is reset only by a success, so after the lock one more
failure locks it again. An address is locked once it has
`KITSU_MAX_LOGIN_ATTEMPTS_PER_ADDRESS` failures within
`KITSU_LOGIN_ADDRESS_WINDOW_SECONDS`, for `KITSU_LOGIN_LOCK_SECONDS` after
the last one. Addresses have a higher limit than accounts because a studio's
staff often share one address. Both counters are stored in the database, so
every web worker reads the same counts.
"""

import datetime
import logging
import math

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.exceptions import APIException, Throttled

from accounts.models import LoginThrottle, Person

logger = logging.getLogger("accounts.auth")


class LockedOut(Throttled):
    """Too many failures for an account or an address, which the API returns as 429 with a Retry-After header."""

    default_detail = "Too many failed attempts."
    # Added to the error body: Gazu reads `login` and the Kitsu web UI reads the second key, spelt as the reference.
    body_extra = {"login": False, "too_many_failed_login_attemps": True}

    def __init__(self, retry_after):
        seconds = max(1, math.ceil(retry_after))
        # APIException's constructor, not Throttled's, which would add its own "Expected available in" sentence.
        APIException.__init__(self, detail=f"Too many failed attempts: try again in {seconds} seconds.")
        self.wait = seconds


def lock_remaining(failures, last_failure_at, limit, now):
    """Return the seconds left of a lock, or 0 when `failures` since `last_failure_at` do not lock."""
    if failures < limit or last_failure_at is None:
        return 0
    remaining = settings.KITSU_LOGIN_LOCK_SECONDS - (now - last_failure_at).total_seconds()
    return max(0, remaining)


def check_not_locked(*, person=None, address=None):
    """Raise LockedOut when the account of `person` or the client `address` is locked."""
    now = timezone.now()
    remaining = 0
    if person is not None:
        person_counts = Person.objects.filter(pk=person.pk).values("login_failed_attemps", "last_login_failed").first()
        if person_counts:
            remaining = lock_remaining(
                person_counts["login_failed_attemps"],
                person_counts["last_login_failed"],
                settings.KITSU_MAX_LOGIN_ATTEMPTS,
                now,
            )
    if address:
        throttle = LoginThrottle.objects.filter(address=address).first()
        if throttle is not None:
            address_remaining = lock_remaining(
                throttle.failures, throttle.last_failure_at, settings.KITSU_MAX_LOGIN_ATTEMPTS_PER_ADDRESS, now
            )
            remaining = max(remaining, address_remaining)
    if remaining > 0:
        logger.warning(
            "Attempt rejected: locked for %d more second(s) (person %s, address %s)",
            math.ceil(remaining),
            getattr(person, "pk", None),
            address,
        )
        raise LockedOut(remaining)


def record_failure(*, person=None, address=None, reason):
    """Count one failed login or code for the account and the address; `reason` goes to the log, never a secret."""
    now = timezone.now()
    if person is not None:
        Person.objects.filter(pk=person.pk).update(
            login_failed_attemps=F("login_failed_attemps") + 1, last_login_failed=now
        )
    if address:
        window_start = now - datetime.timedelta(seconds=settings.KITSU_LOGIN_ADDRESS_WINDOW_SECONDS)
        with transaction.atomic():
            throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(address=address)
            # Failures older than the window no longer count: the address starts again from this one.
            if throttle.last_failure_at is None or throttle.last_failure_at < window_start:
                throttle.failures = 0
            throttle.failures += 1
            throttle.last_failure_at = now
            throttle.save()
    logger.warning("Failed attempt (%s) for person %s from %s", reason, getattr(person, "pk", None), address)


def record_success(*, person):
    """Reset the failure counter of `person`'s account after a successful login."""
    Person.objects.filter(pk=person.pk).update(login_failed_attemps=0)
    person.login_failed_attemps = 0
