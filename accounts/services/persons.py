"""Changes to one person by an admin or by the person: password, departments, avatar, 2FA, invitations, presence."""

import calendar
import datetime
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import router, transaction
from django.db.models import Max
from django.db.models.deletion import Collector
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import Department, DesktopLoginLog, Organisation, Person, SalaryScale
from playlists.services.thumbnails import avatar_file_forget

logger = logging.getLogger("accounts.persons")


class TwoFactorNotEnabled(Exception):
    """The person has no two-factor method to disable."""


def person_mail_send(*, person, subject, body):
    """Send one mail to `person` through Django's email backend once the transaction commits.

    A failing mail server does not undo the change that the mail reports, so the
    failure is logged and the request still succeeds.
    """
    if not person.email:
        return

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
        except Exception:
            logger.warning("Could not send the mail %r to person %s", subject, person.pk, exc_info=True)

    transaction.on_commit(send)


def person_tokens_revoke(*, person, keep_jti=None):
    """Blacklist every token issued to `person` that is not blacklisted yet, except `keep_jti`, and return the count."""
    tokens = OutstandingToken.objects.filter(user=person, blacklistedtoken__isnull=True)
    if keep_jti:
        tokens = tokens.exclude(jti=keep_jti)
    ids = list(tokens.values_list("pk", flat=True))
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token_id=pk) for pk in ids], ignore_conflicts=True)
    return len(ids)


@transaction.atomic
def person_password_change(*, person, password, actor, keep_jti=None, ip_address=None):
    """Set a new password for `person`, revoke the person's other tokens and tell the person by mail."""
    person.set_password(password)
    person.save(update_fields=["password", "updated_at"])
    revoked = person_tokens_revoke(person=person, keep_jti=keep_jti)
    logger.warning("Person %s changed the password of person %s (%d token(s) revoked)", actor.pk, person.pk, revoked)

    organisation = Organisation.get_default()
    person_mail_send(
        person=person,
        subject=f"{organisation.name} - Kitsu: password changed",
        body=(
            f"Hello {person.first_name},\n\n"
            f"The password of your Kitsu account was changed on {timezone.now():%Y-%m-%d %H:%M} UTC"
            f" from the address {ip_address or 'unknown'}.\n"
            "If you did not ask for this change, contact your studio's administrators.\n\n"
            f"The {organisation.name} team\n"
        ),
    )
    return person


@transaction.atomic
def person_two_factor_disable(*, person, actor, ip_address=None):
    """Turn off every two-factor method of `person`, or raise TwoFactorNotEnabled when none is on."""
    if not (person.totp_enabled or person.email_otp_enabled or person.fido_enabled):
        raise TwoFactorNotEnabled()
    person.totp_enabled = False
    person.totp_secret = None
    person.email_otp_enabled = False
    person.email_otp_secret = None
    person.fido_enabled = False
    person.fido_credentials = None
    person.otp_recovery_codes = None
    person.preferred_two_factor_authentication = None
    person.save()
    logger.warning("Person %s disabled the two-factor authentication of person %s", actor.pk, person.pk)

    organisation = Organisation.get_default()
    person_mail_send(
        person=person,
        subject=f"{organisation.name} - Kitsu: two-factor authentication disabled",
        body=(
            f"Hello {person.first_name},\n\n"
            f"The two-factor authentication of your Kitsu account was turned off on"
            f" {timezone.now():%Y-%m-%d %H:%M} UTC from the address {ip_address or 'unknown'}.\n"
            "If you did not expect this, contact your studio's administrators.\n\n"
            f"The {organisation.name} team\n"
        ),
    )
    return person


def person_invite(*, person, site_url):
    """Mail `person` a link to set a password.

    The link contains a Django password-reset token, valid for PASSWORD_RESET_TIMEOUT and until the password changes.
    """
    organisation = Organisation.get_default()
    token = default_token_generator.make_token(person)
    link = f"{site_url.rstrip('/')}/reset-change-password?{urlencode({'email': person.email, 'token': token})}"
    person_mail_send(
        person=person,
        subject=f"You are invited by {organisation.name} to join their Kitsu production tracker",
        body=(
            f"Hello {person.first_name},\n\n"
            f"{organisation.name} invites you to work with them on Kitsu.\n"
            f"Your login is {person.email}.\n"
            f"Choose your password with this link: {link}\n"
            "The link stops working once the password is set, or after a few days.\n\n"
            f"The {organisation.name} team\n"
        ),
    )
    logger.info("Invitation mailed to person %s", person.pk)


def person_department_add(*, person, department):
    person.departments.add(department)
    logger.info("Person %s added to department %s", person.pk, department.pk)
    return person


def person_department_remove(*, person, department):
    person.departments.remove(department)
    logger.info("Person %s removed from department %s", person.pk, department.pk)
    return person


# Rows a person's delete removes without losing work: their department memberships and the
# admin site's history of their edits.
PERSON_DELETE_IGNORED = frozenset({"accounts.Person_departments", "admin.LogEntry"})


def person_linked_data(person):
    """Return the sorted verbose names of the tables whose rows a delete of `person` would remove.

    Comments, time spents, day offs, team and task memberships, notifications... all count,
    so a person with history is only deleted on purpose (`force`).
    """
    collector = Collector(using=router.db_for_write(Person))
    collector.collect([person])
    models = {model for model, rows in collector.data.items() if model is not Person and rows}
    models.update(queryset.model for queryset in collector.fast_deletes if queryset.exists())
    return sorted(
        str(model._meta.verbose_name_plural) for model in models if model._meta.label not in PERSON_DELETE_IGNORED
    )


def person_avatar_clear(*, person):
    """Set `has_avatar` to false and delete the stored avatar once the change commits."""
    person.has_avatar = False
    person.save(update_fields=["has_avatar", "updated_at"])
    avatar_file_forget(kind="persons", instance_id=person.pk)
    logger.info("Avatar of person %s cleared", person.pk)
    return person


@transaction.atomic
def desktop_login_log_create(*, person, date):
    """Record a login from a desktop application and move the person's last presence forward."""
    log = DesktopLoginLog.objects.create(person=person, date=date)

    # The last presence is the latest day of a desktop login or a time spent, whichever is later.
    latest_time_spent = person.time_spents.aggregate(latest=Max("date"))["latest"]
    last_presence = date.astimezone(datetime.UTC).date()
    if latest_time_spent is not None and latest_time_spent > last_presence:
        last_presence = latest_time_spent
    Person.objects.filter(pk=person.pk).update(last_presence=last_presence, updated_at=timezone.now())
    logger.info("Desktop login of person %s logged at %s", person.pk, date)
    return log


def presence_log_rows(*, year, month):
    """Rows of the presence table of a month: a header of day numbers, then one row per active person.

    A day contains "X" when the person logged in from a desktop application that day.
    """
    days = calendar.monthrange(year, month)[1]
    start = datetime.datetime(year, month, 1, tzinfo=datetime.UTC)
    end = start + datetime.timedelta(days=days)
    persons = list(Person.objects.filter(active=True).order_by("first_name", "last_name", "pk"))
    present = {}
    logs = DesktopLoginLog.objects.filter(person__active=True, date__gte=start, date__lt=end)
    for person_id, date in logs.values_list("person_id", "date"):
        present.setdefault(person_id, set()).add(date.astimezone(datetime.UTC).day)

    rows = [[str(year), *(str(day) for day in range(1, days + 1))]]
    for person in persons:
        marks = present.get(person.pk, set())
        rows.append([person.full_name, *("X" if day in marks else "" for day in range(1, days + 1))])
    return rows


@transaction.atomic
def salary_scales_complete():
    """Create the missing salary scales, one per department, position and seniority, at a salary of 0."""
    existing = set(SalaryScale.objects.values_list("department_id", "position", "seniority"))
    missing = [
        SalaryScale(department_id=department_id, position=position, seniority=seniority)
        for department_id in Department.objects.values_list("pk", flat=True)
        for position, _ in SalaryScale.POSITIONS
        for seniority, _ in SalaryScale.SENIORITIES
        if (department_id, position, seniority) not in existing
    ]
    if missing:
        SalaryScale.objects.bulk_create(missing)
        logger.info("%d salary scale(s) created for new departments", len(missing))
    return len(missing)
