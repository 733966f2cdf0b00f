"""Authenticate API calls with a JWT sent as a Bearer header or as the browser's access cookie."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

logger = logging.getLogger("accounts.auth")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


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


class KitsuJWTAuthentication(JWTAuthentication):
    """Read the token from `Authorization: Bearer ...`, or else from the access cookie.

    An Authorization header of another scheme (such as a proxy's Basic
    credentials) does not hide the cookie.
    """

    def authenticate(self, request):
        header = self.get_header(request)
        raw_token = self.get_raw_token(header) if header is not None else None
        from_cookie = raw_token is None
        if from_cookie:
            raw_token = request.COOKIES.get(settings.KITSU_ACCESS_COOKIE)
        if not raw_token:
            return None

        try:
            validated = self.get_validated_token(raw_token)
        except InvalidToken:
            raise AuthenticationFailed("The access token is invalid, expired or revoked: log in again.") from None
        user = self.get_user(validated)
        if not user.is_active:
            raise AuthenticationFailed("This account is inactive.")

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
