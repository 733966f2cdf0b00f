"""The /auth routes: login, who am I, token refresh and logout."""

import logging

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError

from accounts.models import Organisation, Person
from accounts.services.auth import LoginFailed, person_log_in
from accounts.tokens import KitsuAccessToken, KitsuRefreshToken
from kitsu_project.api.errors import error_body
from kitsu_project.api.serialization import serialize_row

logger = logging.getLogger("accounts.auth")


def client_ip(request):
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded:
        return forwarded.split(",")[0].strip()
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
                error_body(f"{missing[0]}: this field is required.", errors={name: ["required"] for name in missing}),
                status=status.HTTP_400_BAD_REQUEST,
            )
        origin = "web" if request.META.get("HTTP_ORIGIN") else "script"
        try:
            result = person_log_in(
                login=str(login), password=str(password), ip_address=client_ip(request), origin=origin
            )
        except LoginFailed as failure:
            return Response(
                {"login": False, "error": True, "message": failure.message, "reason": failure.reason},
                status=status.HTTP_400_BAD_REQUEST,
            )

        body = {
            "user": serialize_person_with_departments(result.person),
            "organisation": serialize_row(Organisation.get_default()),
            "login": True,
            "access_token": result.access_token,
            "refresh_token": result.refresh_token,
        }
        response = Response(body)
        set_token_cookies(response, access=result.access_token, refresh=result.refresh_token)
        return response


class AuthenticatedView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict, 401: dict})
    def get(self, request):
        return Response(
            {
                "authenticated": True,
                "user": serialize_person_with_departments(request.user),
                "organisation": serialize_row(Organisation.get_default()),
            }
        )


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict, 401: dict})
    def get(self, request):
        request.auth.blacklist()
        raw_refresh = request.COOKIES.get(settings.KITSU_REFRESH_COOKIE)
        if raw_refresh:
            try:
                KitsuRefreshToken(raw_refresh).blacklist()
            except TokenError:
                pass
        logger.info("Person %s logged out", request.user.pk)
        response = Response({"logout": True})
        response.delete_cookie(settings.KITSU_ACCESS_COOKIE, path="/")
        response.delete_cookie(settings.KITSU_REFRESH_COOKIE, path="/")
        return response


class RefreshTokenView(APIView):
    """Trade a refresh token (Bearer header or refresh cookie) for a new access token."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict, 401: dict})
    def get(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        parts = header.split()
        raw = parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else None
        raw = raw or request.COOKIES.get(settings.KITSU_REFRESH_COOKIE)
        if not raw:
            raise AuthenticationFailed("A refresh token is required, as a Bearer header or a cookie.")
        try:
            refresh = KitsuRefreshToken(raw)
        except TokenError:
            raise AuthenticationFailed("The refresh token is invalid, expired or revoked: log in again.") from None
        person = Person.objects.filter(pk=refresh.get("user_id")).first()
        if person is None or not person.is_active:
            raise AuthenticationFailed("This account is inactive or no longer exists.")
        access = KitsuAccessToken.for_user(person)
        response = Response({"access_token": str(access)})
        set_token_cookies(response, access=str(access))
        return response
