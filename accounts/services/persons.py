"""Changes to one person by an admin or by the person: password, departments, avatar, 2FA, invitations, presence."""

import calendar
import datetime
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMultiAlternatives
from django.db import router, transaction
from django.db.models import Max
from django.db.models.deletion import Collector
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import Department, DesktopLoginLog, LoginSession, Organisation, Person, SalaryScale
from accounts.tokens import SESSION_CLAIM, session_token_ids
from playlists.services.thumbnails import avatar_file_forget

logger = logging.getLogger("accounts.persons")

# The reference keeps invitation links valid for 7 days, and reset links for 2 hours (PASSWORD_RESET_TIMEOUT).
INVITATION_TIMEOUT_SECONDS = 7 * 24 * 3600


def person_mail_send(*, person, subject, body=None, template=None, context=None):
    """Send one mail to `person` through Django's email backend once the transaction commits.

    Give either a plain text `body`, or a `template` name: the mail then gets its
    text from accounts/email/<template>.txt and an HTML alternative from
    accounts/email/<template>.html, both rendered with `context`.
    A failing mail server does not undo the change that the mail reports, so the
    failure is logged and the request still succeeds.
    """
    if not person.email:
        return
    html = None
    if template is not None:
        body = render_to_string(f"accounts/email/{template}.txt", context or {})
        html = render_to_string(f"accounts/email/{template}.html", context or {})

    def send():
        message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
        if html is not None:
            message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception:
            # The subject may carry a code, so the log names only the template.
            logger.warning("Could not send the %s mail to person %s", template or "plain", person.pk, exc_info=True)

    transaction.on_commit(send)


def person_tokens_revoke(*, person, keep_token=None):
    """Revoke every session and token of `person`, except the session of `keep_token`; return the tokens revoked."""
    return persons_tokens_revoke(persons=[person], keep_token=keep_token)


def persons_tokens_revoke(*, persons, keep_token=None):
    """Revoke the sessions and tokens of `persons` (a list or a queryset), except the session of `keep_token`.

    `keep_token` is the validated access token of the request that makes the
    change, so the caller stays logged in. Return the number of tokens revoked.
    """
    keep_jtis = [jti for jti in session_token_ids(keep_token) if jti]
    sessions = LoginSession.objects.filter(person__in=persons, revoked_at__isnull=True)
    keep_session = keep_token.get(SESSION_CLAIM) if keep_token is not None else None
    if keep_session:
        sessions = sessions.exclude(pk=keep_session)
    sessions.update(revoked_at=timezone.now())
    tokens = OutstandingToken.objects.filter(user__in=persons, blacklistedtoken__isnull=True)
    if keep_jtis:
        tokens = tokens.exclude(jti__in=keep_jtis)
    ids = list(tokens.values_list("pk", flat=True))
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token_id=pk) for pk in ids], ignore_conflicts=True)
    return len(ids)


@transaction.atomic
def person_password_change(*, person, password, actor, keep_token=None, ip_address=None):
    """Set a new password for `person`, revoke the person's other sessions (see `persons_tokens_revoke`), mail them."""
    person.set_password(password)
    person.save(update_fields=["password", "updated_at"])
    revoked = person_tokens_revoke(person=person, keep_token=keep_token)
    logger.warning("Person %s changed the password of person %s (%d token(s) revoked)", actor.pk, person.pk, revoked)

    organisation = Organisation.get_default()
    person_mail_send(
        person=person,
        subject=f"{organisation.name} - Kitsu: password changed",
        template="password_changed",
        context={
            "person": person,
            "organisation": organisation,
            "changed_at": timezone.now(),
            "ip_address": ip_address or "unknown",
        },
    )
    return person


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of invitation links: like password reset tokens, but valid for INVITATION_TIMEOUT_SECONDS.

    Django's check_token reads its age limit from PASSWORD_RESET_TIMEOUT (2 hours
    here), so this class checks the age and the signature itself. A token still
    dies once the password changes, because the signature covers the password hash.
    """

    key_salt = "accounts.services.persons.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and isinstance(token, str)):
            return False
        timestamp_text, separator, _ = token.partition("-")
        if not separator:
            return False
        try:
            timestamp = base36_to_int(timestamp_text)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > INVITATION_TIMEOUT_SECONDS:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_token_generator = InvitationTokenGenerator()


def person_invite(*, person, site_url):
    """Mail `person` a link to set a password, valid for 7 days and until the password changes."""
    organisation = Organisation.get_default()
    token = invitation_token_generator.make_token(person)
    link = f"{site_url.rstrip('/')}/reset-change-password?{urlencode({'email': person.email, 'token': token})}"
    person_mail_send(
        person=person,
        subject=f"You are invited by {organisation.name} to join their Kitsu production tracker",
        body=(
            f"Hello {person.first_name},\n\n"
            f"{organisation.name} invites you to work with them on Kitsu.\n"
            f"Your login is {person.email}.\n"
            f"Choose your password with this link: {link}\n"
            "The link stops working once the password is set, or after 7 days.\n\n"
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
