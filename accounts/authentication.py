"""Authenticate API calls with a JWT sent as a Bearer header or as the browser's access cookie."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, AuthenticationFailed, PermissionDenied
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken, TokenError
from rest_framework_simplejwt.state import token_backend

from accounts.tokens import IDENTITY_BOT, SETUP_ONLY_CLAIM, KitsuAccessToken

logger = logging.getLogger("accounts.auth")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# The reference's texts: Gazu refreshes its access token only on a 401 whose message is EXPIRED_MESSAGE.
EXPIRED_MESSAGE = "Signature has expired"
REVOKED_MESSAGE = "Token has been revoked"
# Routes a token limited to the two-factor set-up may reach.
TWO_FACTOR_SETUP_PATHS = (
    "/auth/totp",
    "/auth/email-otp",
    "/auth/fido",
    "/auth/recovery-codes",
    "/auth/authenticated",
    "/auth/logout",
)


def origin_is_trusted(request):
    """Tell whether an unsafe request authenticated by cookie comes from this site.

    Cookies are SameSite=Lax, and this check adds a second guard against
    cross-site request forgery: the Origin (or Referer) header, when the
    browser sends one, must name this host or a trusted origin.
    """
    origin = request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER")
    if not origin or origin == "null":
        return origin is None
    parts = urlsplit(origin)
    origin_base = f"{parts.scheme}://{parts.netloc}"
    if parts.netloc == request.get_host():
        return True
    return origin_base in settings.CSRF_TRUSTED_ORIGINS


class TokenRejected(APIException):
    """A token that cannot be read or is of the wrong kind: 422, the status the reference's JWT library returns."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "token_rejected"

    def __init__(self, message):
        super().__init__(message)
        # Clients written against the reference read token errors from "msg".
        self.body_extra = {"msg": message}


def token_payload(raw_token, expected_type):
    """Return the claims of a signed, unexpired token of `expected_type` ("access" or "refresh").

    Raise AuthenticationFailed (401) for an expired token, with the message that
    makes Gazu refresh its access token, and TokenRejected (422) for a token
    that is not a JWT, has a bad signature or is of the other type.
    """
    try:
        payload = token_backend.decode(raw_token, verify=True)
    except TokenBackendExpiredToken:
        raise AuthenticationFailed(EXPIRED_MESSAGE) from None
    except TokenBackendError as error:
        cause = error.__cause__
        raise TokenRejected(str(cause) if cause is not None else "Token is invalid") from None
    if payload.get("token_type") != expected_type:
        raise TokenRejected(f"Only {'non-refresh' if expected_type == 'access' else 'refresh'} tokens are allowed")
    return payload


def is_two_factor_setup_path(path):
    return any(path.rstrip("/").endswith(suffix) for suffix in TWO_FACTOR_SETUP_PATHS)


class KitsuJWTAuthentication(JWTAuthentication):
    """Read the token from `Authorization: Bearer ...`, or else from the access cookie.

    An Authorization header of another scheme (such as a proxy's Basic
    credentials) does not hide the cookie. A bot's token works only while it is
    the bot's current token, and a token limited to the two-factor set-up only
    reaches the set-up routes.
    """

    def authenticate(self, request):
        header = self.get_header(request)
        raw_token = self.get_raw_token(header) if header is not None else None
        from_cookie = raw_token is None
        if from_cookie:
            raw_token = request.COOKIES.get(settings.KITSU_ACCESS_COOKIE)
        if not raw_token:
            return None

        token_payload(raw_token, "access")
        try:
            validated = KitsuAccessToken(raw_token)
        except TokenError:
            raise AuthenticationFailed(REVOKED_MESSAGE) from None
        user = self.get_user(validated)
        if not user.is_active:
            raise AuthenticationFailed("This account is inactive.")
        is_bot_token = validated.get("identity_type") == IDENTITY_BOT
        if (user.is_bot or is_bot_token) and not (is_bot_token and user.is_bot and user.jti == validated["jti"]):
            raise AuthenticationFailed(REVOKED_MESSAGE)
        if validated.get(SETUP_ONLY_CLAIM) and not is_two_factor_setup_path(request.path):
            raise PermissionDenied(
                "Two-factor authentication is required on this server: set up TOTP, email codes or a security key "
                "with /auth/totp, /auth/email-otp or /auth/fido, then log in again."
            )

        if from_cookie and request.method not in SAFE_METHODS and not origin_is_trusted(request):
            logger.warning(
                "Refused a cookie-authenticated %s from origin %r", request.method, request.META.get("HTTP_ORIGIN")
            )
            raise PermissionDenied("Cross-site request rejected: the Origin header does not match this server.")
        return user, validated

    def get_raw_token(self, header):
        try:
            return super().get_raw_token(header)
        except (AuthenticationFailed, TokenError):
            raise AuthenticationFailed("The Authorization header is malformed: expected 'Bearer TOKEN'.") from None
