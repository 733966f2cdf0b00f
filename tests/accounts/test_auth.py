"""The /api/auth routes: login, token checks, logout and refresh."""

from datetime import timedelta

import jwt
import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import LoginLog, Organisation, Person
from accounts.tokens import KitsuAccessToken, KitsuRefreshToken, issue_tokens
from tests.factories import PASSWORD, DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/api/auth/login"
AUTHENTICATED_URL = "/api/auth/authenticated"
LOGOUT_URL = "/api/auth/logout"
REFRESH_URL = "/api/auth/refresh-token"
ACCESS_COOKIE = "access_token_cookie"
REFRESH_COOKIE = "refresh_token_cookie"
PERSON_SECRET_KEYS = (
    "password",
    "last_login",
    "totp_secret",
    "email_otp_secret",
    "otp_recovery_codes",
    "fido_credentials",
)
ORGANISATION_SECRET_KEYS = ("chat_token_slack", "chat_webhook_mattermost", "chat_token_discord")


def log_in(client, login, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"email": login, "password": password}, format="json", **extra)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get_authenticated(token):
    """GET /auth/authenticated from a fresh client that sends `token` as a Bearer header only."""
    return APIClient().get(AUTHENTICATED_URL, **bearer(token))


def failed_attempts(person):
    return Person.objects.get(pk=person.pk).login_failed_attemps


@pytest.fixture
def person():
    return PersonFactory(email="jane.doe@example.com", desktop_login="jdoe", role="user")


@pytest.fixture
def logged_in(api_client, person):
    """An API client whose login set both token cookies, and the login body."""
    response = log_in(api_client, person.email)
    assert response.status_code == 200
    return api_client, response.json()


# POST /auth/login


def test_login_by_email(api_client, person):
    response = log_in(api_client, "jane.doe@example.com")
    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(person.pk)


def test_login_email_any_case(api_client, person):
    response = log_in(api_client, "Jane.DOE@Example.com")
    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(person.pk)


def test_login_by_desktop_login(api_client, person):
    response = log_in(api_client, "jdoe")
    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(person.pk)


def test_login_email_before_desktop_login(api_client, person):
    other = PersonFactory(email="zed@example.com", desktop_login=person.email)
    other.set_password("Other-Password-17")
    other.save()
    response = log_in(api_client, person.email)
    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(person.pk)


def test_login_body_keys(api_client, person):
    body = log_in(api_client, person.email).json()
    assert body["login"] is True
    assert set(body) == {"user", "organisation", "login", "access_token", "refresh_token"}
    assert body["access_token"]
    assert body["refresh_token"]


def test_login_user_fields(api_client, person):
    department = DepartmentFactory()
    person.departments.add(department)
    user = log_in(api_client, person.email).json()["user"]
    assert user["email"] == "jane.doe@example.com"
    assert user["role"] == "user"
    assert user["full_name"] == person.full_name
    assert user["id"] == str(person.pk)
    assert user["departments"] == [str(department.pk)]
    assert user["type"] == "Person"


def test_login_organisation(api_client, person):
    organisation = log_in(api_client, person.email).json()["organisation"]
    assert organisation["id"] == str(Organisation.get_default().pk)
    assert organisation["type"] == "Organisation"


def test_login_user_hides_secrets(api_client, person):
    Person.objects.filter(pk=person.pk).update(totp_secret="TOTPSECRET", email_otp_secret="MAILSECRET")
    response = log_in(api_client, person.email)
    user = response.json()["user"]
    for key in PERSON_SECRET_KEYS:
        assert key not in user, key
    content = response.content.decode()
    assert Person.objects.get(pk=person.pk).password not in content
    assert "TOTPSECRET" not in content
    assert "MAILSECRET" not in content


def test_login_hides_chat_tokens_from_artist(api_client, person):
    Organisation.objects.filter(pk=Organisation.get_default().pk).update(chat_token_slack="xoxb-secret")
    organisation = log_in(api_client, person.email).json()["organisation"]
    for key in ORGANISATION_SECRET_KEYS:
        assert key not in organisation, key


def test_login_shows_chat_tokens_to_admin(api_client):
    admin = PersonFactory(role="admin")
    Organisation.objects.filter(pk=Organisation.get_default().pk).update(chat_token_slack="xoxb-secret")
    organisation = log_in(api_client, admin.email).json()["organisation"]
    assert organisation["chat_token_slack"] == "xoxb-secret"


@pytest.mark.parametrize("name", [ACCESS_COOKIE, REFRESH_COOKIE])
def test_login_sets_cookie(api_client, person, name):
    response = log_in(api_client, person.email)
    cookie = response.cookies[name]
    assert cookie.value
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"


def test_login_cookies_match_body(api_client, person):
    response = log_in(api_client, person.email)
    body = response.json()
    assert response.cookies[ACCESS_COOKIE].value == body["access_token"]
    assert response.cookies[REFRESH_COOKIE].value == body["refresh_token"]


def test_login_accepts_form_data(api_client, person):
    response = api_client.post(LOGIN_URL, {"email": person.email, "password": PASSWORD})
    assert response.status_code == 200


def test_login_wrong_password(api_client, person):
    response = log_in(api_client, person.email, "wrong password")
    assert response.status_code == 400
    assert response.json()["login"] is False
    assert response.json()["message"]


def test_login_wrong_password_counts(api_client, person):
    before = timezone.now()
    log_in(api_client, person.email, "wrong password")
    log_in(api_client, person.email, "wrong password")
    person.refresh_from_db()
    assert person.login_failed_attemps == 2
    assert person.last_login_failed is not None
    assert person.last_login_failed >= before


def test_login_wrong_password_no_tokens(api_client, person):
    response = log_in(api_client, person.email, "wrong password")
    assert "access_token" not in response.json()
    assert ACCESS_COOKIE not in response.cookies


def test_login_unknown_email(api_client, person):
    response = log_in(api_client, "nobody@example.com")
    assert response.status_code == 400
    assert response.json()["login"] is False


def test_login_unknown_matches_wrong_password(api_client, person):
    unknown = log_in(api_client, "nobody@example.com").json()
    wrong = log_in(api_client, person.email, "wrong password").json()
    assert unknown == wrong


def test_login_bot_cannot_log_in(api_client):
    bot = PersonFactory(is_bot=True)
    response = log_in(api_client, bot.email)
    assert response.status_code == 400
    assert response.json()["login"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD}, "email"),
        ({"email": "", "password": PASSWORD}, "email"),
        ({"email": "jane.doe@example.com"}, "password"),
        ({"email": "jane.doe@example.com", "password": ""}, "password"),
        ({}, "email"),
    ],
)
def test_login_missing_field(api_client, person, body, field):
    response = api_client.post(LOGIN_URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"] is True
    assert field in response.json()["message"]
    assert field in response.json()["errors"]


def test_login_missing_field_counts_nothing(api_client, person):
    api_client.post(LOGIN_URL, {"email": person.email}, format="json")
    assert failed_attempts(person) == 0


def test_login_malformed_json(api_client, person):
    response = api_client.post(LOGIN_URL, '{"email": "jane', content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] is True
    assert response.json()["message"]


def test_login_json_array_body(api_client, person):
    response = api_client.post(LOGIN_URL, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert "email" in response.json()["message"]


def test_login_ignores_stale_cookie(api_client, person):
    api_client.cookies[ACCESS_COOKIE] = "expired-or-garbage"
    assert log_in(api_client, person.email).status_code == 200


def test_login_get_not_allowed(api_client):
    response = api_client.get(LOGIN_URL)
    assert response.status_code == 405
    assert response.json()["error"] is True


@pytest.mark.parametrize("fields", [{"active": False}, {"archived": True}])
def test_login_inactive_right_password(api_client, fields):
    inactive = PersonFactory(**fields)
    response = log_in(api_client, inactive.email)
    assert response.status_code == 401
    assert response.json()["login"] is False
    assert "inactive" in response.json()["message"]


def test_login_inactive_gets_no_token(api_client):
    inactive = PersonFactory(active=False)
    response = log_in(api_client, inactive.email)
    assert "access_token" not in response.json()
    assert ACCESS_COOKIE not in response.cookies


def test_login_inactive_wrong_password(api_client):
    inactive = PersonFactory(active=False)
    response = log_in(api_client, inactive.email, "wrong password")
    assert response.status_code == 400
    assert "inactive" not in response.json()["message"]


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS=3, KITSU_LOGIN_LOCK_SECONDS=60)
def test_lockout_rejects_right_password(api_client, person):
    for _ in range(3):
        log_in(api_client, person.email, "wrong password")
    response = log_in(api_client, person.email)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["login"] is False
    assert response.json()["too_many_failed_login_attemps"] is True
    assert "access_token" not in response.json()


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS=3, KITSU_LOGIN_LOCK_SECONDS=60)
def test_login_lockout_keeps_counter(api_client, person):
    for _ in range(5):
        log_in(api_client, person.email, "wrong password")
    assert failed_attempts(person) == 3


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS=3, KITSU_LOGIN_LOCK_SECONDS=60)
def test_login_below_limit_succeeds(api_client, person):
    for _ in range(2):
        log_in(api_client, person.email, "wrong password")
    response = log_in(api_client, person.email)
    assert response.status_code == 200


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS=3, KITSU_LOGIN_LOCK_SECONDS=60)
def test_login_lockout_ends_after_pause(api_client, person):
    long_ago = timezone.now() - timedelta(seconds=61)
    Person.objects.filter(pk=person.pk).update(login_failed_attemps=3, last_login_failed=long_ago)
    response = log_in(api_client, person.email)
    assert response.status_code == 200


@override_settings(KITSU_MAX_LOGIN_ATTEMPTS=3, KITSU_LOGIN_LOCK_SECONDS=600)
def test_login_lockout_length_setting(api_client, person):
    minutes_ago = timezone.now() - timedelta(seconds=120)
    Person.objects.filter(pk=person.pk).update(login_failed_attemps=3, last_login_failed=minutes_ago)
    response = log_in(api_client, person.email)
    assert response.status_code == 429
    assert 479 <= int(response["Retry-After"]) <= 480
    assert response.json()["too_many_failed_login_attemps"] is True


def test_login_success_resets_counter(api_client, person):
    failed_at = timezone.now() - timedelta(seconds=5)
    Person.objects.filter(pk=person.pk).update(login_failed_attemps=2, last_login_failed=failed_at)
    log_in(api_client, person.email)
    person.refresh_from_db()
    assert person.login_failed_attemps == 0
    assert person.last_login_failed == failed_at


def test_login_writes_login_log(api_client, person):
    log_in(api_client, person.email, REMOTE_ADDR="10.1.2.3")
    logs = list(LoginLog.objects.filter(person=person))
    assert len(logs) == 1
    assert logs[0].ip_address == "10.1.2.3"
    assert logs[0].origin == "script"


def test_login_log_origin_web(api_client, person):
    log_in(api_client, person.email, HTTP_ORIGIN="http://testserver")
    assert LoginLog.objects.get(person=person).origin == "web"


def test_login_log_forwarded_address(api_client, person):
    log_in(api_client, person.email, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    assert LoginLog.objects.get(person=person).ip_address == "203.0.113.7"


def test_login_log_ignores_invalid_forwarded(api_client, person):
    response = log_in(api_client, person.email, HTTP_X_FORWARDED_FOR="x" * 80, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert LoginLog.objects.get(person=person).ip_address == "10.1.2.3"


def test_login_log_real_ip_header(api_client, person):
    log_in(api_client, person.email, HTTP_X_REAL_IP="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert LoginLog.objects.get(person=person).ip_address == "198.51.100.4"


def test_login_failure_writes_no_log(api_client, person):
    log_in(api_client, person.email, "wrong password")
    log_in(api_client, "nobody@example.com")
    assert not LoginLog.objects.exists()


# Bearer header and cookie authentication


def test_authenticated_with_bearer(person):
    access, _ = issue_tokens(person)
    response = get_authenticated(access)
    assert response.status_code == 200
    assert response.json()["authenticated"] is True
    assert response.json()["user"]["id"] == str(person.pk)


def test_authenticated_with_cookie_only(logged_in, person):
    client, _ = logged_in
    response = client.get(AUTHENTICATED_URL)
    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(person.pk)


def test_authenticated_body(person):
    department = DepartmentFactory()
    person.departments.add(department)
    access, _ = issue_tokens(person)
    body = get_authenticated(access).json()
    assert set(body) == {"authenticated", "user", "organisation"}
    assert body["user"]["departments"] == [str(department.pk)]
    assert body["organisation"]["type"] == "Organisation"


def test_authenticated_hides_secrets(person):
    Person.objects.filter(pk=person.pk).update(totp_secret="TOTPSECRET")
    access, _ = issue_tokens(person)
    response = get_authenticated(access)
    for key in PERSON_SECRET_KEYS:
        assert key not in response.json()["user"], key
    assert "TOTPSECRET" not in response.content.decode()


def test_authenticated_hides_chat_tokens_from_artist(person):
    Organisation.objects.filter(pk=Organisation.get_default().pk).update(chat_token_discord="discord-secret")
    access, _ = issue_tokens(person)
    organisation = get_authenticated(access).json()["organisation"]
    for key in ORGANISATION_SECRET_KEYS:
        assert key not in organisation, key


def test_authenticated_shows_chat_tokens_to_admin():
    admin = PersonFactory(role="admin")
    Organisation.objects.filter(pk=Organisation.get_default().pk).update(chat_token_discord="discord-secret")
    access, _ = issue_tokens(admin)
    organisation = get_authenticated(access).json()["organisation"]
    assert organisation["chat_token_discord"] == "discord-secret"


def test_cookie_used_beside_basic_header(logged_in, person):
    client, _ = logged_in
    response = client.get(AUTHENTICATED_URL, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNzd29yZA==")
    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(person.pk)


def test_bearer_wins_over_cookie(logged_in):
    client, _ = logged_in
    other = PersonFactory()
    access, _ = issue_tokens(other)
    response = client.get(AUTHENTICATED_URL, **bearer(access))
    assert response.json()["user"]["id"] == str(other.pk)


def cookie_admin_client():
    admin = PersonFactory(role="admin")
    client = APIClient()
    assert log_in(client, admin.email).status_code == 200
    return client


def create_department(client, **extra):
    return client.post("/api/data/departments", {"name": "Lighting", "color": "#102030"}, format="json", **extra)


def test_cookie_write_foreign_origin_rejected():
    response = create_department(cookie_admin_client(), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert response.json()["error"] is True
    assert response.json()["message"]


def test_cookie_write_foreign_referer_rejected():
    response = create_department(cookie_admin_client(), HTTP_REFERER="https://evil.example/page")
    assert response.status_code == 403


def test_cookie_write_null_origin_rejected():
    response = create_department(cookie_admin_client(), HTTP_ORIGIN="null")
    assert response.status_code == 403


def test_cookie_write_same_host_allowed():
    response = create_department(cookie_admin_client(), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 201


def test_cookie_write_without_origin_allowed():
    response = create_department(cookie_admin_client())
    assert response.status_code == 201


@override_settings(CSRF_TRUSTED_ORIGINS=["https://kitsu.example"])
def test_cookie_write_trusted_origin_allowed():
    response = create_department(cookie_admin_client(), HTTP_ORIGIN="https://kitsu.example")
    assert response.status_code == 201


@pytest.mark.parametrize("method", ["put", "delete"])
def test_cookie_put_delete_foreign_rejected(method):
    client = cookie_admin_client()
    department = DepartmentFactory()
    url = f"/api/data/departments/{department.pk}"
    response = getattr(client, method)(url, {"name": "Renamed"}, format="json", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403


def test_cookie_read_foreign_origin_allowed(logged_in):
    client, _ = logged_in
    response = client.get(AUTHENTICATED_URL, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 200


def test_bearer_write_foreign_origin_allowed(admin_client):
    response = create_department(admin_client, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 201


# Token errors: 401 for a missing, expired or revoked token, 422 for one that cannot be read or has the wrong type


def assert_token_rejected(response, status_code=401):
    assert response.status_code == status_code
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] is True
    assert response.json()["message"]
    assert response.json()["msg"] == response.json()["message"]


def assert_token_unreadable(response):
    assert_token_rejected(response, 422)


def wrong_signature_token(person):
    access, _ = issue_tokens(person)
    payload = jwt.decode(str(access), options={"verify_signature": False})
    return jwt.encode(payload, "not-the-server-key-but-long-enough-for-hs256", algorithm="HS256")


def expired_token(person):
    token = KitsuAccessToken.for_user(person)
    token.set_exp(lifetime=-timedelta(minutes=1))
    return str(token)


def test_missing_token(api_client):
    assert_token_rejected(api_client.get(AUTHENTICATED_URL))


def test_garbage_token(api_client):
    assert_token_unreadable(api_client.get(AUTHENTICATED_URL, **bearer("not.a.token")))


def test_garbage_cookie(api_client):
    api_client.cookies[ACCESS_COOKIE] = "garbage"
    assert_token_unreadable(api_client.get(AUTHENTICATED_URL))


def test_bearer_without_token(api_client):
    assert_token_rejected(api_client.get(AUTHENTICATED_URL, HTTP_AUTHORIZATION="Bearer"))


def test_bearer_with_extra_parts(api_client, person):
    access, _ = issue_tokens(person)
    assert_token_rejected(api_client.get(AUTHENTICATED_URL, HTTP_AUTHORIZATION=f"Bearer {access} extra"))


def test_other_scheme_rejected(api_client, person):
    access, _ = issue_tokens(person)
    assert_token_rejected(api_client.get(AUTHENTICATED_URL, HTTP_AUTHORIZATION=f"Token {access}"))


def test_wrong_signature_token(api_client, person):
    assert_token_unreadable(api_client.get(AUTHENTICATED_URL, **bearer(wrong_signature_token(person))))


def test_unsigned_token(api_client, person):
    access, _ = issue_tokens(person)
    payload = jwt.decode(str(access), options={"verify_signature": False})
    unsigned = jwt.encode(payload, None, algorithm="none")
    assert_token_unreadable(api_client.get(AUTHENTICATED_URL, **bearer(unsigned)))


def test_expired_token(api_client, person):
    assert_token_rejected(api_client.get(AUTHENTICATED_URL, **bearer(expired_token(person))))


def test_refresh_token_as_access(api_client, person):
    _, refresh = issue_tokens(person)
    assert_token_unreadable(api_client.get(AUTHENTICATED_URL, **bearer(refresh)))


def test_refresh_cookie_as_access_cookie(api_client, person):
    _, refresh = issue_tokens(person)
    api_client.cookies[ACCESS_COOKIE] = str(refresh)
    assert_token_unreadable(api_client.get(AUTHENTICATED_URL))


def test_deleted_person_token(api_client, person):
    access, _ = issue_tokens(person)
    person.delete()
    assert_token_rejected(api_client.get(AUTHENTICATED_URL, **bearer(access)))


def test_token_error_on_data_route(api_client, person):
    assert_token_rejected(api_client.get("/api/data/departments", **bearer(expired_token(person))))


def test_token_error_has_authenticate_header(api_client):
    response = api_client.get(AUTHENTICATED_URL)
    assert response["WWW-Authenticate"].startswith("Bearer")


# GET /auth/logout


def test_logout(api_client, person):
    access, _ = issue_tokens(person)
    response = api_client.get(LOGOUT_URL, **bearer(access))
    assert response.status_code == 200
    assert response.json() == {"logout": True}


def test_logout_revokes_access_token(api_client, person):
    access, _ = issue_tokens(person)
    api_client.get(LOGOUT_URL, **bearer(access))
    assert_token_rejected(get_authenticated(access))


def test_logout_twice_rejected(api_client, person):
    access, _ = issue_tokens(person)
    api_client.get(LOGOUT_URL, **bearer(access))
    assert_token_rejected(APIClient().get(LOGOUT_URL, **bearer(access)))


def test_logout_keeps_other_session(api_client, person):
    first, _ = issue_tokens(person)
    second, _ = issue_tokens(person)
    api_client.get(LOGOUT_URL, **bearer(first))
    assert get_authenticated(second).status_code == 200


def test_logout_by_cookie_revokes_tokens(logged_in):
    client, body = logged_in
    response = client.get(LOGOUT_URL)
    assert response.status_code == 200
    assert_token_rejected(get_authenticated(body["access_token"]))
    assert_token_rejected(APIClient().get(REFRESH_URL, **bearer(body["refresh_token"])))


def test_logout_revokes_refresh_cookie(logged_in):
    client, body = logged_in
    client.get(LOGOUT_URL, **bearer(body["access_token"]))
    assert_token_rejected(APIClient().get(REFRESH_URL, **bearer(body["refresh_token"])))


def test_logout_by_bearer_revokes_session_refresh(api_client, person):
    access, refresh = issue_tokens(person)
    api_client.get(LOGOUT_URL, **bearer(access))
    assert_token_rejected(APIClient().get(REFRESH_URL, **bearer(refresh)))


def test_logout_ignores_garbage_refresh_cookie(api_client, person):
    access, _ = issue_tokens(person)
    api_client.cookies[REFRESH_COOKIE] = "garbage"
    response = api_client.get(LOGOUT_URL, **bearer(access))
    assert response.status_code == 200


def test_logout_clears_cookies(logged_in):
    client, _ = logged_in
    response = client.get(LOGOUT_URL)
    assert response.cookies[ACCESS_COOKIE].value == ""
    assert response.cookies[REFRESH_COOKIE].value == ""


def test_logout_without_token(api_client):
    assert_token_rejected(api_client.get(LOGOUT_URL))


# GET /auth/refresh-token


def test_refresh_with_bearer(api_client, person):
    _, refresh = issue_tokens(person)
    response = api_client.get(REFRESH_URL, **bearer(refresh))
    assert response.status_code == 200
    new_access = response.json()["access_token"]
    assert get_authenticated(new_access).json()["user"]["id"] == str(person.pk)


def test_refresh_with_cookie(logged_in, person):
    client, body = logged_in
    response = client.get(REFRESH_URL)
    assert response.status_code == 200
    new_access = response.json()["access_token"]
    assert new_access != body["access_token"]
    assert response.cookies[ACCESS_COOKIE].value == new_access
    assert response.cookies[ACCESS_COOKIE]["httponly"] is True


def test_refresh_cookie_access_works(logged_in, person):
    client, _ = logged_in
    new_access = client.get(REFRESH_URL).json()["access_token"]
    assert get_authenticated(new_access).status_code == 200


def test_refresh_rotates(api_client, person):
    _, refresh = issue_tokens(person)
    rotated = api_client.get(REFRESH_URL, **bearer(refresh)).json()["refresh_token"]
    assert_token_rejected(APIClient().get(REFRESH_URL, **bearer(refresh)))
    assert APIClient().get(REFRESH_URL, **bearer(rotated)).status_code == 200


def test_refresh_with_access_token(api_client, person):
    access, _ = issue_tokens(person)
    assert_token_unreadable(api_client.get(REFRESH_URL, **bearer(access)))


def test_refresh_with_garbage(api_client):
    assert_token_unreadable(api_client.get(REFRESH_URL, **bearer("garbage")))


def test_refresh_with_garbage_cookie(api_client):
    api_client.cookies[REFRESH_COOKIE] = "garbage"
    assert_token_unreadable(api_client.get(REFRESH_URL))


def test_refresh_without_token(api_client):
    assert_token_rejected(api_client.get(REFRESH_URL))


def test_refresh_wrong_signature(api_client, person):
    _, refresh = issue_tokens(person)
    payload = jwt.decode(str(refresh), options={"verify_signature": False})
    forged = jwt.encode(payload, "not-the-server-key-but-long-enough-for-hs256", algorithm="HS256")
    assert_token_unreadable(api_client.get(REFRESH_URL, **bearer(forged)))


def test_refresh_expired(api_client, person):
    refresh = KitsuRefreshToken.for_user(person)
    refresh.set_exp(lifetime=-timedelta(minutes=1))
    assert_token_rejected(api_client.get(REFRESH_URL, **bearer(refresh)))


def test_refresh_person_deactivated(api_client, person):
    _, refresh = issue_tokens(person)
    Person.objects.filter(pk=person.pk).update(active=False)
    assert_token_rejected(api_client.get(REFRESH_URL, **bearer(refresh)))


def test_refresh_person_deleted(api_client, person):
    _, refresh = issue_tokens(person)
    person.delete()
    assert_token_rejected(api_client.get(REFRESH_URL, **bearer(refresh)))


def test_access_stops_when_deactivated(person):
    access, _ = issue_tokens(person)
    assert get_authenticated(access).status_code == 200
    Person.objects.filter(pk=person.pk).update(active=False)
    assert_token_rejected(get_authenticated(access))


def test_access_stops_when_archived(person):
    access, _ = issue_tokens(person)
    Person.objects.filter(pk=person.pk).update(archived=True)
    assert_token_rejected(get_authenticated(access))


# Trailing slash


@pytest.mark.parametrize("suffix", ["", "/"])
def test_login_trailing_slash(api_client, person, suffix):
    response = api_client.post(LOGIN_URL + suffix, {"email": person.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("url", [AUTHENTICATED_URL, LOGOUT_URL])
@pytest.mark.parametrize("suffix", ["", "/"])
def test_token_routes_trailing_slash(api_client, person, url, suffix):
    access, _ = issue_tokens(person)
    response = api_client.get(url + suffix, **bearer(access))
    assert response.status_code == 200


@pytest.mark.parametrize("suffix", ["", "/"])
def test_refresh_trailing_slash(api_client, person, suffix):
    _, refresh = issue_tokens(person)
    response = api_client.get(REFRESH_URL + suffix, **bearer(refresh))
    assert response.status_code == 200


def test_login_leaves_last_presence(api_client, person):
    log_in(api_client, person.email)
    person.refresh_from_db()
    assert person.last_presence is None


def test_login_missing_password_says_login_false(api_client, person):
    response = api_client.post("/api/auth/login", {"email": person.email}, format="json")
    assert response.status_code == 400
    assert response.json()["login"] is False
