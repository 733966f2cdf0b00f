"""Login protection and token hygiene: lockouts with 429, token errors, refresh rotation, logout, bots."""

from datetime import UTC, date, datetime, time, timedelta

import jwt
import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import LoginThrottle, Organisation, Person
from accounts.tokens import KitsuRefreshToken, bot_token_issue, issue_tokens
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/api/auth/login"
AUTHENTICATED_URL = "/api/auth/authenticated"
LOGOUT_URL = "/api/auth/logout"
REFRESH_URL = "/api/auth/refresh-token"


def log_in(client, login, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"email": login, "password": password}, format="json", **extra)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get_authenticated(token):
    return APIClient().get(AUTHENTICATED_URL, **bearer(token))


@pytest.fixture
def person():
    return PersonFactory(email="jane.doe@example.com", role="user")


# ---- lockout --------------------------------------------------------------------------------------


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS=3, KITSU_LOGIN_LOCK_SECONDS=60)
def test_lockout_then_right_password_after_wait(api_client, person):
    for _ in range(3):
        assert log_in(api_client, person.email, "wrong password").status_code == 400
    locked = log_in(api_client, person.email)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 60
    assert locked.json()["too_many_failed_login_attemps"] is True
    # The wait passes.
    long_ago = timezone.now() - timedelta(seconds=61)
    Person.objects.filter(pk=person.pk).update(last_login_failed=long_ago)
    assert log_in(api_client, person.email).status_code == 200


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS=3, KITSU_LOGIN_LOCK_SECONDS=60)
def test_lockout_body_names_login_false(api_client, person):
    for _ in range(3):
        log_in(api_client, person.email, "wrong password")
    body = log_in(api_client, person.email).json()
    assert body["login"] is False
    assert body["error"] is True
    assert "try again in" in body["message"]


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS=3, KITSU_LOGIN_LOCK_SECONDS=60)
def test_lockout_logs_no_password(api_client, person, caplog):
    for _ in range(4):
        log_in(api_client, person.email, "s3cret-guess")
    assert "s3cret-guess" not in caplog.text
    assert "wrong password" in caplog.text


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS_PER_ADDRESS=4, KITSU_LOGIN_LOCK_SECONDS=60)
def test_address_lockout_covers_other_accounts(api_client, person):
    for index in range(4):
        log_in(api_client, f"nobody{index}@example.com", "guess", REMOTE_ADDR="10.9.9.9")
    locked = log_in(api_client, person.email, REMOTE_ADDR="10.9.9.9")
    assert locked.status_code == 429
    assert locked.json()["too_many_failed_login_attemps"] is True
    assert log_in(APIClient(), person.email, REMOTE_ADDR="10.9.9.10").status_code == 200


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS_PER_ADDRESS=4, KITSU_LOGIN_ADDRESS_WINDOW_SECONDS=900)
def test_address_failures_expire_after_window(api_client, person):
    LoginThrottle.objects.create(
        address="10.9.9.9", failures=3, last_failure_at=timezone.now() - timedelta(seconds=901)
    )
    log_in(api_client, "nobody@example.com", "guess", REMOTE_ADDR="10.9.9.9")
    assert LoginThrottle.objects.get(address="10.9.9.9").failures == 1
    assert log_in(api_client, person.email, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_unknown_login_counted_per_address(api_client):
    log_in(api_client, "nobody@example.com", "guess", REMOTE_ADDR="10.7.7.7")
    assert LoginThrottle.objects.get(address="10.7.7.7").failures == 1


# ---- token errors ---------------------------------------------------------------------------------


def test_garbage_token_422(api_client):
    response = get_authenticated("not-a-token")
    assert response.status_code == 422
    assert response.json()["msg"] == "Not enough segments"


def test_tampered_token_422(person):
    access, _ = issue_tokens(person)
    tampered = jwt.encode(dict(access.payload, user_id=str(PersonFactory().pk)), "another key", algorithm="HS256")
    response = get_authenticated(tampered)
    assert response.status_code == 422
    assert response.json()["msg"] == "Signature verification failed"


def test_expired_token_message(person):
    access, _ = issue_tokens(person)
    access.set_exp(from_time=timezone.now() - timedelta(days=30))
    response = get_authenticated(str(access))
    assert response.status_code == 401
    assert response.json()["message"] == "Signature has expired"


def test_refresh_token_as_access_422(person):
    _, refresh = issue_tokens(person)
    response = get_authenticated(str(refresh))
    assert response.status_code == 422
    assert response.json()["msg"] == "Only non-refresh tokens are allowed"


def test_access_token_as_refresh_422(person):
    access, _ = issue_tokens(person)
    response = APIClient().get(REFRESH_URL, **bearer(access))
    assert response.status_code == 422
    assert response.json()["msg"] == "Only refresh tokens are allowed"


def test_deactivated_person_token_fails_at_once(person):
    access, _ = issue_tokens(person)
    assert get_authenticated(str(access)).status_code == 200
    Person.objects.filter(pk=person.pk).update(active=False)
    assert get_authenticated(str(access)).status_code == 401


# ---- refresh rotation and logout ------------------------------------------------------------------


def test_refresh_rotates_token(person):
    _, refresh = issue_tokens(person)
    response = APIClient().get(REFRESH_URL, **bearer(refresh))
    assert response.status_code == 200
    body = response.json()
    assert get_authenticated(body["access_token"]).status_code == 200
    assert body["refresh_token"] != str(refresh)
    again = APIClient().get(REFRESH_URL, **bearer(refresh))
    assert again.status_code == 401
    assert again.json()["msg"] == "Token has been revoked"
    assert APIClient().get(REFRESH_URL, **bearer(body["refresh_token"])).status_code == 200


def test_logout_revokes_session_tokens(api_client, person):
    body = log_in(APIClient(), person.email).json()
    response = APIClient().get(LOGOUT_URL, **bearer(body["access_token"]))
    assert response.status_code == 200
    assert response.json() == {"logout": True}
    assert get_authenticated(body["access_token"]).status_code == 401
    assert APIClient().get(REFRESH_URL, **bearer(body["refresh_token"])).status_code == 401


def test_logout_keeps_other_sessions(person):
    first = log_in(APIClient(), person.email).json()
    second = log_in(APIClient(), person.email).json()
    APIClient().get(LOGOUT_URL, **bearer(first["access_token"]))
    assert get_authenticated(second["access_token"]).status_code == 200
    assert APIClient().get(REFRESH_URL, **bearer(second["refresh_token"])).status_code == 200


def test_logout_ends_session_of_older_access(person):
    first = log_in(APIClient(), person.email).json()
    rotated = APIClient().get(REFRESH_URL, **bearer(first["refresh_token"])).json()
    APIClient().get(LOGOUT_URL, **bearer(rotated["access_token"]))
    assert get_authenticated(first["access_token"]).status_code == 401


def test_password_change_keeps_caller_session(person):
    first = log_in(APIClient(), person.email).json()
    other = log_in(APIClient(), person.email).json()
    body = {"old_password": PASSWORD, "password": "Brand-New-Pass-26", "password_2": "Brand-New-Pass-26"}
    response = APIClient().post("/api/auth/change-password", body, format="json", **bearer(first["access_token"]))
    assert response.status_code == 200
    assert get_authenticated(first["access_token"]).status_code == 200
    assert APIClient().get(REFRESH_URL, **bearer(first["refresh_token"])).status_code == 200
    assert get_authenticated(other["access_token"]).status_code == 401
    assert APIClient().get(REFRESH_URL, **bearer(other["refresh_token"])).status_code == 401


def test_logout_ends_refreshed_session(person):
    first = log_in(APIClient(), person.email).json()
    rotated = APIClient().get(REFRESH_URL, **bearer(first["refresh_token"])).json()
    APIClient().get(LOGOUT_URL, **bearer(first["access_token"]))
    assert get_authenticated(rotated["access_token"]).status_code == 401
    assert APIClient().get(REFRESH_URL, **bearer(rotated["refresh_token"])).status_code == 401


def test_logout_keeps_other_persons(person):
    other = PersonFactory()
    other_access, _ = issue_tokens(other)
    APIClient().get(LOGOUT_URL, **bearer(log_in(APIClient(), person.email).json()["access_token"]))
    assert get_authenticated(str(other_access)).status_code == 200


def test_refreshed_access_logout_revokes_new_refresh(person):
    _, refresh = issue_tokens(person)
    rotated = APIClient().get(REFRESH_URL, **bearer(refresh)).json()
    APIClient().get(LOGOUT_URL, **bearer(rotated["access_token"]))
    assert APIClient().get(REFRESH_URL, **bearer(rotated["refresh_token"])).status_code == 401


def test_login_with_null_codes(api_client, person):
    body = {"email": person.email, "password": PASSWORD, "totp": None, "email_otp": None,
            "fido_authentication_response": None, "recovery_code": None}  # fmt: skip
    response = api_client.post(LOGIN_URL, body, format="json")
    assert response.status_code == 200


# ---- two-factor set-up required -------------------------------------------------------------------


@pytest.fixture
def two_factor_required(db):
    organisation = Organisation.get_default()
    organisation.two_factor_authentication_required = True
    organisation.save()
    return organisation


@pytest.mark.usefixtures("two_factor_required")
def test_required_two_factor_limits_token(person):
    body = log_in(APIClient(), person.email).json()
    assert body["two_factor_authentication_required"] is True
    token = body["access_token"]
    assert get_authenticated(token).status_code == 200
    rejected = APIClient().get("/api/data/projects", **bearer(token))
    assert rejected.status_code == 403
    assert "two-factor" in rejected.json()["message"].lower()


@pytest.mark.usefixtures("two_factor_required")
def test_required_two_factor_survives_refresh(person):
    body = log_in(APIClient(), person.email).json()
    rotated = APIClient().get(REFRESH_URL, **bearer(body["refresh_token"])).json()
    assert APIClient().get("/api/data/projects", **bearer(rotated["access_token"])).status_code == 403


def test_requiring_two_factor_revokes_tokens(admin_client, person):
    access, _ = issue_tokens(person)
    organisation = Organisation.get_default()
    response = admin_client.put(
        f"/api/data/organisations/{organisation.pk}", {"two_factor_authentication_required": True}, format="json"
    )
    assert response.status_code == 200
    assert get_authenticated(str(access)).status_code == 401


def test_requiring_two_factor_keeps_bots(admin_client):
    bot = create_bot(admin_client).json()
    organisation = Organisation.get_default()
    admin_client.put(
        f"/api/data/organisations/{organisation.pk}", {"two_factor_authentication_required": True}, format="json"
    )
    assert get_authenticated(bot["access_token"]).status_code == 200


def test_refresh_limits_session_once_required(person):
    _, refresh = issue_tokens(person)
    organisation = Organisation.get_default()
    organisation.two_factor_authentication_required = True
    organisation.save()
    rotated = APIClient().get(REFRESH_URL, **bearer(refresh)).json()
    assert APIClient().get("/api/data/projects", **bearer(rotated["access_token"])).status_code == 403


def test_full_token_without_requirement(person):
    body = log_in(APIClient(), person.email).json()
    assert "two_factor_authentication_required" not in body
    assert APIClient().get("/api/data/projects", **bearer(body["access_token"])).status_code == 200


# ---- bots -----------------------------------------------------------------------------------------


def create_bot(client, **fields):
    body = {"first_name": "Render farm", "last_name": "", "email": "farm@example.com", "is_bot": True,
            "expiration_date": None, "role": "user", "active": True, **fields}  # fmt: skip
    return client.post("/api/data/persons", body, format="json")


def test_bot_created_with_token(admin_client):
    response = create_bot(admin_client)
    assert response.status_code == 201
    token = response.json()["access_token"]
    me = get_authenticated(token)
    assert me.status_code == 200
    assert me.json()["user"]["is_bot"] is True
    assert "password" not in response.json()


def test_bot_token_expires_end_of_day(admin_client):
    tomorrow = date.today() + timedelta(days=1)
    token = create_bot(admin_client, expiration_date=tomorrow.isoformat()).json()["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    end_of_day = datetime.combine(tomorrow + timedelta(days=1), time(), tzinfo=UTC)
    assert claims["exp"] == int(end_of_day.timestamp())


def test_bot_new_token_revokes_old(admin_client):
    created = create_bot(admin_client).json()
    renewed = admin_client.put(f"/api/data/persons/{created['id']}", {"expiration_date": None}, format="json")
    assert renewed.status_code == 200
    assert get_authenticated(renewed.json()["access_token"]).status_code == 200
    old = get_authenticated(created["access_token"])
    assert old.status_code == 401
    assert old.json()["msg"] == "Token has been revoked"


def test_bot_put_without_date_keeps_token(admin_client):
    created = create_bot(admin_client).json()
    response = admin_client.put(f"/api/data/persons/{created['id']}", {"first_name": "Farm"}, format="json")
    assert "access_token" not in response.json()
    assert get_authenticated(created["access_token"]).status_code == 200


def test_bot_past_date_rejected(admin_client):
    response = create_bot(admin_client, expiration_date="2000-01-01")
    assert response.status_code == 400
    assert "expiration_date" in response.json()["message"]


def test_bot_deactivated_token_401(admin_client):
    created = create_bot(admin_client).json()
    Person.objects.filter(pk=created["id"]).update(active=False)
    assert get_authenticated(created["access_token"]).status_code == 401


def test_bot_cannot_log_in_with_password(admin_client, api_client):
    create_bot(admin_client, password="Bot-Password-1")
    assert log_in(api_client, "farm@example.com", "Bot-Password-1").status_code == 400


def test_bot_cannot_log_out(admin_client):
    token = create_bot(admin_client).json()["access_token"]
    response = APIClient().get(LOGOUT_URL, **bearer(token))
    assert response.status_code == 403
    assert get_authenticated(token).status_code == 200


def test_bot_token_of_human_rejected(person):
    bot_like = bot_token_issue(person)
    assert get_authenticated(str(bot_like)).status_code == 401


def test_bot_reactivated_token_stays_revoked(admin_client):
    created = create_bot(admin_client).json()
    url = f"/api/data/persons/{created['id']}"
    admin_client.put(url, {"active": False}, format="json")
    admin_client.put(url, {"active": True}, format="json")
    assert get_authenticated(created["access_token"]).status_code == 401


def test_non_admin_cannot_create_bot(api_client, person):
    api_client.force_authenticate(person)
    assert create_bot(api_client).status_code == 403


def test_refresh_token_setting_lifetime(person):
    _, refresh = issue_tokens(person)
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
    assert refresh["exp"] - refresh["iat"] == int(lifetime.total_seconds())
    assert isinstance(KitsuRefreshToken(str(refresh))["jti"], str)


# ---- person columns that only the auth routes change ----------------------------------------------


def test_put_cannot_turn_off_totp(person):
    Person.objects.filter(pk=person.pk).update(totp_enabled=True, preferred_two_factor_authentication="totp")
    client = APIClient()
    client.force_authenticate(person)
    response = client.put(f"/api/data/persons/{person.pk}", {"totp_enabled": False}, format="json")
    assert response.status_code == 200
    assert Person.objects.get(pk=person.pk).totp_enabled is True


def test_admin_put_cannot_turn_on_totp(admin_client, person):
    admin_client.put(f"/api/data/persons/{person.pk}", {"totp_enabled": True}, format="json")
    assert Person.objects.get(pk=person.pk).totp_enabled is False
    assert log_in(APIClient(), person.email).status_code == 200


def test_preferred_method_must_be_enabled(admin_client, person):
    response = admin_client.put(
        f"/api/data/persons/{person.pk}", {"preferred_two_factor_authentication": "totp"}, format="json"
    )
    assert response.status_code == 400
    assert "preferred_two_factor_authentication" in response.json()["message"]


def test_admin_put_password_revokes_tokens(admin_client, person):
    access, _ = issue_tokens(person)
    response = admin_client.put(f"/api/data/persons/{person.pk}", {"password": "New-Pass-2026x"}, format="json")
    assert response.status_code == 200
    assert get_authenticated(str(access)).status_code == 401
    assert log_in(APIClient(), person.email, "New-Pass-2026x").status_code == 200


@override_settings(KITSU_PROTECTED_ACCOUNTS=["jane.doe@example.com"])
@pytest.mark.parametrize("field", ["password", "email"])
def test_admin_put_protected_account_rejected(admin_client, person, field):
    value = "New-Pass-2026x" if field == "password" else "other@example.com"
    response = admin_client.put(f"/api/data/persons/{person.pk}", {field: value}, format="json")
    assert response.status_code == 400
    assert "protected accounts" in response.json()["message"]
    assert log_in(APIClient(), person.email).status_code == 200


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS=1, KITSU_LOGIN_LOCK_SECONDS=60)
def test_lockout_message_said_once(api_client, person):
    log_in(api_client, person.email, "wrong password")
    message = log_in(api_client, person.email).json()["message"]
    assert message == "Too many failed attempts: try again in 60 seconds."


def test_reactivated_person_old_token_rejected(admin_client, person):
    access, refresh = issue_tokens(person)
    url = f"/api/data/persons/{person.pk}"
    admin_client.put(url, {"active": False}, format="json")
    admin_client.put(url, {"active": True}, format="json")
    assert get_authenticated(str(access)).status_code == 401
    assert APIClient().get(REFRESH_URL, **bearer(refresh)).status_code == 401
    assert log_in(APIClient(), person.email).status_code == 200
