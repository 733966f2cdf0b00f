"""The /api/auth password routes: change-password, reset-password (POST and PUT) and register."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import LoginThrottle, Person
from accounts.services.persons import invitation_token_generator
from accounts.tokens import bot_token_issue, issue_tokens
from tests.conftest import client_for
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

CHANGE_URL = "/api/auth/change-password"
RESET_URL = "/api/auth/reset-password"
REGISTER_URL = "/api/auth/register"
AUTHENTICATED_URL = "/api/auth/authenticated"
REFRESH_URL = "/api/auth/refresh-token"
NEW_PASSWORD = "Fresh-Password-93"
CLIENT_ADDRESS = "203.0.113.7"


@pytest.fixture
def person():
    return PersonFactory(email="jane.doe@example.com", first_name="Jane")


@pytest.fixture
def person_client(person):
    return client_for(person)


@pytest.fixture
def mails(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks of the block, so that its mails reach mail.outbox."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def reload(row):
    row.refresh_from_db()
    return row


def html_part(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def move_clock(monkeypatch, delta):
    """Make the token generators see the time `delta` from now."""
    moved = datetime.datetime.now() + delta
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: moved)


def address_failures(address=CLIENT_ADDRESS):
    throttle = LoginThrottle.objects.filter(address=address).first()
    return throttle.failures if throttle else 0


# ---- POST /auth/change-password ------------------------------------------------------------------


def change(client, **body):
    body.setdefault("old_password", PASSWORD)
    body.setdefault("password", NEW_PASSWORD)
    body.setdefault("password_2", body["password"])
    return client.post(CHANGE_URL, body, format="json", HTTP_X_REAL_IP=CLIENT_ADDRESS)


def test_change_success(person_client, person):
    response = change(person_client)
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert reload(person).check_password(NEW_PASSWORD)


def test_change_keeps_current_token(person_client):
    change(person_client)
    assert person_client.get(AUTHENTICATED_URL).status_code == 200


def test_change_revokes_other_tokens(person_client, person):
    other_session = client_for(person)
    change(person_client)
    assert other_session.get(AUTHENTICATED_URL).status_code == 401


def test_change_keeps_session_refresh(person):
    access, refresh = issue_tokens(person)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    change(client)
    response = APIClient().get(REFRESH_URL, HTTP_AUTHORIZATION=f"Bearer {refresh}")
    assert response.status_code == 200


def test_change_revokes_other_refresh(person_client, person):
    _, refresh = issue_tokens(person)
    change(person_client)
    response = APIClient().get(REFRESH_URL, HTTP_AUTHORIZATION=f"Bearer {refresh}")
    assert response.status_code == 401


def test_change_mails_person(person_client, person, mails):
    with mails():
        change(person_client)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.subject.endswith("Kitsu: password changed")
    assert CLIENT_ADDRESS in message.body
    assert CLIENT_ADDRESS in html_part(message)
    assert NEW_PASSWORD not in message.body
    assert NEW_PASSWORD not in html_part(message)


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        ("old_password", "Old password is missing."),
        ("password", "New password is missing."),
        ("password_2", "New password confirmation is missing."),
    ],
)
def test_change_missing_field(person_client, field, problem):
    body = {"old_password": PASSWORD, "password": NEW_PASSWORD, "password_2": NEW_PASSWORD}
    del body[field]
    response = person_client.post(CHANGE_URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == {field: problem}


def test_change_wrong_old(person_client, person):
    response = change(person_client, old_password="not-the-password")
    assert response.status_code == 400
    assert response.json() == {"error": True, "message": "Old password is wrong."}
    assert reload(person).check_password(PASSWORD)


def test_change_wrong_old_counts_failure(person_client, person):
    change(person_client, old_password="not-the-password")
    assert reload(person).login_failed_attemps == 1
    assert address_failures() == 1


def test_change_wrong_old_locks(person_client, person):
    for _ in range(5):
        change(person_client, old_password="not-the-password")
    response = change(person_client)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["too_many_failed_login_attemps"] is True
    assert response.json()["login"] is False
    assert reload(person).check_password(PASSWORD)


def test_change_too_short(person_client, person):
    response = change(person_client, password="Abc-123")
    assert response.status_code == 400
    assert response.json() == {"error": True, "message": "Password is too short."}
    assert reload(person).check_password(PASSWORD)


def test_change_too_short_before_mismatch(person_client):
    response = change(person_client, password="Abc-123", password_2="Other")
    assert response.json()["message"] == "Password is too short."


def test_change_common_password(person_client):
    response = change(person_client, password="qwertyuiop")
    assert response.status_code == 400
    assert response.json()["message"] == "This password is too common."


def test_change_mismatch(person_client, person):
    response = change(person_client, password_2="Another-Password-77")
    assert response.status_code == 400
    assert response.json() == {"error": True, "message": "Confirmation password doesn't match."}
    assert reload(person).check_password(PASSWORD)


def test_change_not_text(person_client):
    assert change(person_client, password=12345678, password_2=12345678).status_code == 400


def test_change_bot():
    bot = PersonFactory(is_bot=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bot_token_issue(bot)}")
    assert change(client).status_code == 403


def test_change_anonymous(api_client):
    assert change(api_client).status_code == 401


def test_change_then_login(person_client, person):
    change(person_client)
    response = APIClient().post("/api/auth/login", {"email": person.email, "password": NEW_PASSWORD}, format="json")
    assert response.status_code == 200


# ---- POST /auth/reset-password -------------------------------------------------------------------


def ask_reset(email, client=None):
    client = client or APIClient()
    return client.post(RESET_URL, {"email": email}, format="json", HTTP_X_REAL_IP=CLIENT_ADDRESS)


def mailed_link(mails, email):
    """Ask for a reset of `email` and return the query of the mailed link, as a dict."""
    with mails():
        response = ask_reset(email)
    assert response.status_code == 200
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    return {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}


def test_reset_request_success(person, mails):
    with mails():
        response = ask_reset(person.email)
    assert response.status_code == 200
    assert response.json() == {"success": "Reset token sent"}
    assert mail.outbox[0].to == [person.email]
    assert mail.outbox[0].subject.endswith("Kitsu: password recovery")


def test_reset_request_link(person, mails):
    with mails():
        ask_reset(person.email)
    message = mail.outbox[0]
    link = re.search(r"https?://\S+", message.body).group(0)
    parts = urlsplit(link)
    assert parts.path == "/reset-change-password"
    assert parse_qs(parts.query)["email"] == [person.email]
    assert parse_qs(parts.query)["token"]
    assert link.replace("&", "&amp;") in html_part(message)


def test_reset_request_public_url(person, mails, settings):
    settings.KITSU_PUBLIC_URL = "https://kitsu.studio.example/"
    with mails():
        ask_reset(person.email)
    assert "https://kitsu.studio.example/reset-change-password?" in mail.outbox[0].body


def test_reset_request_any_case(person, mails):
    with mails():
        response = ask_reset("JANE.DOE@example.com")
    assert response.status_code == 200
    assert mail.outbox[0].to == [person.email]


def test_reset_request_unknown_email(db, mails):
    with mails():
        response = ask_reset("nobody@example.com")
    assert response.status_code == 400
    assert response.json() == {"error": True, "message": "Email not listed in database."}
    assert mail.outbox == []


def test_reset_request_unknown_counted(db):
    ask_reset("nobody@example.com")
    assert address_failures() == 1


def test_reset_request_address_locked(db, settings, person):
    settings.KITSU_MAX_LOGIN_ATTEMPTS_PER_ADDRESS = 3
    for number in range(3):
        ask_reset(f"nobody{number}@example.com")
    response = ask_reset(person.email)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_reset_request_inactive(mails):
    person = PersonFactory(active=False)
    with mails():
        response = ask_reset(person.email)
    assert response.status_code == 400
    assert response.json()["message"] == "This user is inactive."
    assert mail.outbox == []


def test_reset_request_protected(person, settings, mails):
    settings.KITSU_PROTECTED_ACCOUNTS = [person.email]
    with mails():
        response = ask_reset(person.email)
    assert response.status_code == 400
    assert response.json()["message"] == "This user is in protected accounts."
    assert mail.outbox == []


def test_reset_request_bot(mails):
    bot = PersonFactory(is_bot=True, email="farm@example.com")
    with mails():
        response = ask_reset(bot.email)
    assert response.status_code == 400
    assert mail.outbox == []


def test_reset_request_missing_email(db):
    response = APIClient().post(RESET_URL, {}, format="json")
    assert response.status_code == 400
    assert "email" in response.json()["message"]


# ---- PUT /auth/reset-password --------------------------------------------------------------------


def reset(email, token, password=NEW_PASSWORD, password2=None):
    body = {"email": email, "token": token, "password": password, "password2": password2 or password}
    return APIClient().put(RESET_URL, body, format="json", HTTP_X_REAL_IP=CLIENT_ADDRESS)


def test_reset_success(person, mails):
    link = mailed_link(mails, person.email)
    response = reset(link["email"], link["token"])
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert reload(person).check_password(NEW_PASSWORD)


def test_reset_token_single_use(person, mails):
    link = mailed_link(mails, person.email)
    reset(link["email"], link["token"])
    response = reset(link["email"], link["token"], password="Second-Password-55")
    assert response.status_code == 400
    assert response.json() == {"error": True, "message": "Wrong or expired token."}
    assert reload(person).check_password(NEW_PASSWORD)


def test_reset_wrong_token(person):
    response = reset(person.email, "not-a-token")
    assert response.status_code == 400
    assert response.json()["message"] == "Wrong or expired token."
    assert reload(person).check_password(PASSWORD)


def test_reset_wrong_token_counted(person):
    reset(person.email, "not-a-token")
    assert address_failures() == 1


def test_reset_other_persons_token(person, mails):
    other = PersonFactory()
    link = mailed_link(mails, other.email)
    assert reset(person.email, link["token"]).status_code == 400


def test_reset_unknown_email(person, mails):
    link = mailed_link(mails, person.email)
    assert reset("nobody@example.com", link["token"]).status_code == 400


def test_reset_expired_token(person, mails, monkeypatch):
    link = mailed_link(mails, person.email)
    move_clock(monkeypatch, datetime.timedelta(hours=2, minutes=1))
    response = reset(link["email"], link["token"])
    assert response.status_code == 400
    assert response.json()["message"] == "Wrong or expired token."


def test_reset_token_within_lifetime(person, mails, monkeypatch):
    link = mailed_link(mails, person.email)
    move_clock(monkeypatch, datetime.timedelta(hours=1, minutes=59))
    assert reset(link["email"], link["token"]).status_code == 200


def test_reset_timeout_setting(person, mails, monkeypatch, settings):
    settings.PASSWORD_RESET_TIMEOUT = 60
    link = mailed_link(mails, person.email)
    move_clock(monkeypatch, datetime.timedelta(minutes=2))
    assert reset(link["email"], link["token"]).status_code == 400


def test_reset_token_dies_with_password_change(person, person_client, mails):
    link = mailed_link(mails, person.email)
    change(person_client)
    assert reset(link["email"], link["token"], password="Third-Password-66").status_code == 400


def test_reset_too_short_keeps_token(person, mails):
    link = mailed_link(mails, person.email)
    response = reset(link["email"], link["token"], password="Abc-123")
    assert response.status_code == 400
    assert response.json()["message"] == "Password is too short."
    assert reset(link["email"], link["token"]).status_code == 200


def test_reset_mismatch(person, mails):
    link = mailed_link(mails, person.email)
    response = reset(link["email"], link["token"], password2="Another-Password-77")
    assert response.status_code == 400
    assert response.json()["message"] == "Confirmation password doesn't match."
    assert reload(person).check_password(PASSWORD)


@pytest.mark.parametrize("field", ["email", "token", "password", "password2"])
def test_reset_missing_field(person, field):
    body = {"email": person.email, "token": "x", "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    del body[field]
    response = APIClient().put(RESET_URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


def test_reset_revokes_tokens(person, person_client, mails):
    link = mailed_link(mails, person.email)
    reset(link["email"], link["token"])
    assert person_client.get(AUTHENTICATED_URL).status_code == 401


def test_reset_clears_failures(person, mails):
    Person.objects.filter(pk=person.pk).update(login_failed_attemps=3)
    link = mailed_link(mails, person.email)
    reset(link["email"], link["token"])
    assert reload(person).login_failed_attemps == 0


def test_reset_mails_password_changed(person, mails):
    link = mailed_link(mails, person.email)
    with mails():
        reset(link["email"], link["token"])
    message = mail.outbox[-1]
    assert message.subject.endswith("Kitsu: password changed")
    assert NEW_PASSWORD not in message.body
    assert NEW_PASSWORD not in html_part(message)


def test_reset_protected(person, mails, settings):
    link = mailed_link(mails, person.email)
    settings.KITSU_PROTECTED_ACCOUNTS = [person.email]
    response = reset(link["email"], link["token"])
    assert response.status_code == 400
    assert response.json()["message"] == "This user is in protected accounts."


def test_reset_inactive(person, mails):
    link = mailed_link(mails, person.email)
    Person.objects.filter(pk=person.pk).update(active=False)
    response = reset(link["email"], link["token"])
    assert response.status_code == 400
    assert response.json()["message"] == "This user is inactive."


def test_reset_address_locked(person, mails, settings):
    link = mailed_link(mails, person.email)
    settings.KITSU_MAX_LOGIN_ATTEMPTS_PER_ADDRESS = 2
    reset(person.email, "not-a-token")
    reset(person.email, "not-a-token-either")
    assert reset(link["email"], link["token"]).status_code == 429


# ---- invitation tokens ---------------------------------------------------------------------------


def test_reset_invitation_token(person):
    token = invitation_token_generator.make_token(person)
    assert reset(person.email, token).status_code == 200


def test_reset_invitation_link(person, mails, admin_client):
    with mails():
        admin_client.get(f"/api/actions/persons/{person.pk}/invite")
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    query = {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}
    assert reset(query["email"], query["token"]).status_code == 200


def test_reset_invitation_after_days(person, monkeypatch):
    token = invitation_token_generator.make_token(person)
    move_clock(monkeypatch, datetime.timedelta(days=6))
    assert reset(person.email, token).status_code == 200


def test_reset_invitation_expired(person, monkeypatch):
    token = invitation_token_generator.make_token(person)
    move_clock(monkeypatch, datetime.timedelta(days=7, minutes=1))
    assert reset(person.email, token).status_code == 400


def test_reset_invitation_single_use(person):
    token = invitation_token_generator.make_token(person)
    reset(person.email, token)
    assert reset(person.email, token, password="Second-Password-55").status_code == 400


# ---- POST /auth/register -------------------------------------------------------------------------


def register(**body):
    body.setdefault("email", "new.artist@example.com")
    body.setdefault("password", NEW_PASSWORD)
    body.setdefault("password_2", body["password"])
    body.setdefault("first_name", "New")
    body.setdefault("last_name", "Artist")
    return APIClient().post(REGISTER_URL, body, format="json")


@pytest.fixture
def registration_open(settings):
    settings.KITSU_SELF_REGISTRATION = True


def test_register_disabled(db):
    response = register()
    assert response.status_code == 403
    assert response.json()["message"].startswith("Self registration is disabled")
    assert not Person.objects.filter(email="new.artist@example.com").exists()


def test_register_success(registration_open):
    response = register()
    assert response.status_code == 201
    assert response.json() == {"registration_success": True}


def test_register_creates_artist(registration_open):
    register()
    person = Person.objects.get(email="new.artist@example.com")
    assert person.role == "user"
    assert person.active is True
    assert person.check_password(NEW_PASSWORD)


def test_register_then_login(registration_open):
    register()
    body = {"email": "new.artist@example.com", "password": NEW_PASSWORD}
    assert APIClient().post("/api/auth/login", body, format="json").status_code == 200


def test_register_duplicate_email(registration_open, person):
    response = register(email="JANE.DOE@example.com")
    assert response.status_code == 400
    assert Person.objects.filter(email__iexact=person.email).count() == 1


def test_register_invalid_email(registration_open):
    response = register(email="not-an-email")
    assert response.status_code == 400
    assert "not a valid email" in response.json()["message"]


def test_register_too_short(registration_open):
    response = register(password="Abc-123")
    assert response.status_code == 400
    assert response.json()["message"] == "Password is too short."


def test_register_mismatch(registration_open):
    response = register(password_2="Another-Password-77")
    assert response.status_code == 400
    assert response.json()["message"] == "Confirmation password doesn't match."


def test_register_long_name(registration_open):
    assert register(first_name="x" * 81).status_code == 400


def test_register_user_limit(registration_open, settings, person):
    settings.KITSU_USER_LIMIT = 1
    assert register().status_code == 400


@pytest.mark.parametrize("field", ["email", "password", "password_2", "first_name", "last_name"])
def test_register_missing_field(registration_open, field):
    body = {
        "email": "new.artist@example.com",
        "password": NEW_PASSWORD,
        "password_2": NEW_PASSWORD,
        "first_name": "New",
        "last_name": "Artist",
    }
    del body[field]
    response = APIClient().post(REGISTER_URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


# ---- POST /actions/persons/<id>/change-password --------------------------------------------------


def admin_change(client, person, **body):
    body.setdefault("password", NEW_PASSWORD)
    body.setdefault("password_2", body["password"])
    return client.post(f"/api/actions/persons/{person.pk}/change-password", body, format="json")


def test_admin_change_protected(admin_client, person, settings):
    settings.KITSU_PROTECTED_ACCOUNTS = [person.email]
    response = admin_change(admin_client, person)
    assert response.status_code == 400
    assert response.json() == {"error": True, "message": "This user is in protected accounts."}
    assert reload(person).check_password(PASSWORD)


def test_admin_change_own_protected(admin_client, settings):
    admin = admin_client.person
    settings.KITSU_PROTECTED_ACCOUNTS = [admin.email]
    assert admin_change(admin_client, admin, old_password=PASSWORD).status_code == 200


def test_admin_change_seven_characters(admin_client, person):
    response = admin_change(admin_client, person, password="Abc-123")
    assert response.json()["message"] == "Password is too short."


def test_admin_change_eight_characters(admin_client, person):
    assert admin_change(admin_client, person, password="Abc-1234").status_code == 200


def test_admin_change_own_wrong_old(person_client, person):
    response = admin_change(person_client, person, old_password="not-the-password")
    assert response.json() == {"error": True, "message": "Old password is wrong."}
    assert reload(person).login_failed_attemps == 1
