"""The /auth routes: login, who am I, token refresh and logout."""

import ipaddress
import logging

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.api.viewsets import ORGANISATION_SECRET_KEYS
from accounts.authentication import REVOKED_MESSAGE, KitsuJWTAuthentication, token_payload
from accounts.models import LoginSession, Organisation, Person
from accounts.services import two_factor
from accounts.services.auth import (
    REASON_INACTIVE,
    REASON_MISSING_CODE,
    REASON_WRONG_CODE,
    LoginFailed,
    person_log_in,
)
from accounts.tokens import (
    IDENTITY_BOT,
    REFRESH_JTI_CLAIM,
    SESSION_CLAIM,
    SETUP_ONLY_CLAIM,
    KitsuRefreshToken,
    issue_tokens,
)
from kitsu_project.api.errors import error_body
from kitsu_project.api.permissions import is_admin
from kitsu_project.api.serialization import serialize_row

logger = logging.getLogger("accounts.auth")

# The second-factor fields of a login; Gazu sends each of them, as null when unused.
SECOND_FACTOR_KEYS = ("totp", "email_otp", "fido_authentication_response", "recovery_code")


def is_ip_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request):
    """Return the caller's address: X-Real-IP, else the first X-Forwarded-For entry, else the peer.

    A header value that is not an IP address is ignored, so a client cannot
    store arbitrary text (or overflow the login log column) through it.
    """
    candidates = (
        request.META.get("HTTP_X_REAL_IP", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0],
    )
    for candidate in candidates:
        candidate = candidate.strip()
        if candidate and is_ip_address(candidate):
            return candidate
    return request.META.get("REMOTE_ADDR")


def set_token_cookies(response, *, access=None, refresh=None):
    common = {"httponly": True, "samesite": "Lax", "secure": settings.KITSU_COOKIE_SECURE, "path": "/"}
    lifetime = settings.SIMPLE_JWT
    if access is not None:
        response.set_cookie(
            settings.KITSU_ACCESS_COOKIE,
            access,
            max_age=int(lifetime["ACCESS_TOKEN_LIFETIME"].total_seconds()),
            **common,
        )
    if refresh is not None:
        response.set_cookie(
            settings.KITSU_REFRESH_COOKIE,
            refresh,
            max_age=int(lifetime["REFRESH_TOKEN_LIFETIME"].total_seconds()),
            **common,
        )


def serialize_person_with_departments(person):
    return serialize_row(person, relations=True)


def serialize_organisation_for(person):
    """Serialize the organisation, without its chat tokens unless `person` is an admin."""
    exclude = () if is_admin(person) else ORGANISATION_SECRET_KEYS
    return serialize_row(Organisation.get_default(), exclude=exclude)


LoginRequest = inline_serializer(
    "LoginRequest",
    {
        "email": serializers.CharField(help_text="Email or desktop login."),
        "password": serializers.CharField(),
    },
)


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=LoginRequest, responses={200: dict, 400: dict})
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        login = data.get("email") or data.get("login")
        password = data.get("password")
        missing = [name for name, value in (("email", login), ("password", password)) if not value]
        if missing:
            return Response(
                error_body(
                    f"{missing[0]}: this field is required.",
                    errors={name: ["required"] for name in missing},
                    login=False,
                ),
                status=status.HTTP_400_BAD_REQUEST,
            )
        origin = "web" if request.META.get("HTTP_ORIGIN") else "script"
        codes = {key: data.get(key) for key in SECOND_FACTOR_KEYS}
        try:
            result = person_log_in(
                login=str(login), password=str(password), ip_address=client_ip(request), origin=origin, codes=codes
            )
        except LoginFailed as failure:
            return self.failure_response(request, failure)

        body = {
            "user": serialize_person_with_departments(result.person),
            "organisation": serialize_organisation_for(result.person),
            "login": True,
            "access_token": result.access_token,
            "refresh_token": result.refresh_token,
        }
        if result.two_factor_setup_only:
            # The tokens reach only the two-factor set-up routes until the person logs in again with a code.
            body["two_factor_authentication_required"] = True
        response = Response(body)
        set_token_cookies(response, access=result.access_token, refresh=result.refresh_token)
        return response

    def failure_response(self, request, failure):
        body = {"login": False, "error": True, "message": failure.message, "reason": failure.reason, **failure.extra}
        # The Kitsu web UI reads these keys, spelt as the reference spells them.
        if failure.reason == REASON_MISSING_CODE:
            body["missing_OTP"] = True
        elif failure.reason == REASON_WRONG_CODE:
            body["wrong_OTP"] = True
        if failure.reason == REASON_INACTIVE:
            headers = {"WWW-Authenticate": KitsuJWTAuthentication().authenticate_header(request)}
            return Response(body, status=status.HTTP_401_UNAUTHORIZED, headers=headers)
        return Response(body, status=status.HTTP_400_BAD_REQUEST)


class AuthenticatedView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict, 401: dict})
    def get(self, request):
        return Response(
            {
                "authenticated": True,
                "user": serialize_person_with_departments(request.user),
                "organisation": serialize_organisation_for(request.user),
            }
        )


class LogoutView(APIView):
    """End the caller's login session: its access and refresh tokens, refreshed ones included, stop working."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict, 401: dict})
    def get(self, request):
        if request.auth.get("identity_type") == IDENTITY_BOT:
            raise PermissionDenied("A bot has no session to log out of: revoke its token by setting a new one.")
        request.auth.blacklist()
        session_id = request.auth.get(SESSION_CLAIM)
        if session_id:
            LoginSession.objects.filter(pk=session_id, person=request.user).update(revoked_at=timezone.now())
        # A token issued before sessions existed names its refresh token instead, as the refresh cookie does.
        refresh_jtis = {request.auth.get(REFRESH_JTI_CLAIM)}
        raw_refresh = request.COOKIES.get(settings.KITSU_REFRESH_COOKIE)
        if raw_refresh:
            try:
                refresh_jtis.add(KitsuRefreshToken(raw_refresh, verify=False)["jti"])
            except TokenError:
                pass
        refresh_tokens = OutstandingToken.objects.filter(user=request.user, jti__in=refresh_jtis - {None})
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in refresh_tokens], ignore_conflicts=True
        )
        logger.info("Person %s logged out of session %s", request.user.pk, session_id)
        response = Response({"logout": True})
        response.delete_cookie(settings.KITSU_ACCESS_COOKIE, path="/")
        response.delete_cookie(settings.KITSU_REFRESH_COOKIE, path="/")
        return response


class RefreshTokenView(APIView):
    """Trade a refresh token (Bearer header or refresh cookie) for a new access token and a new refresh token.

    The refresh token is rotated: the one sent is revoked, and the response
    contains its successor in `refresh_token` (and in the refresh cookie).
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        # With no authentication class, DRF would turn AuthenticationFailed into a 403.
        return KitsuJWTAuthentication().authenticate_header(request)

    @extend_schema(responses={200: dict, 401: dict, 422: dict})
    def get(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        parts = header.split()
        raw = parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else None
        raw = raw or request.COOKIES.get(settings.KITSU_REFRESH_COOKIE)
        if not raw:
            raise AuthenticationFailed("A refresh token is required, as a Bearer header or a cookie.")
        token_payload(raw, "refresh")
        try:
            refresh = KitsuRefreshToken(raw)
        except TokenError:
            raise AuthenticationFailed(REVOKED_MESSAGE) from None
        person = Person.objects.filter(pk=refresh.get("user_id")).first()
        if person is None or not person.is_active:
            raise AuthenticationFailed("This account is inactive or no longer exists.")
        refresh.blacklist()
        # A session that began before an admin required two-factor authentication is limited from now on.
        setup_only = bool(refresh.get(SETUP_ONLY_CLAIM)) or (
            Organisation.get_default().two_factor_authentication_required and not two_factor.has_two_factor(person)
        )
        access, new_refresh = issue_tokens(person, setup_only=setup_only, session_id=refresh.get(SESSION_CLAIM))
        response = Response({"access_token": str(access), "refresh_token": str(new_refresh)})
        set_token_cookies(response, access=str(access), refresh=str(new_refresh))
        return response
