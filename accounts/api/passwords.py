"""The /auth routes about passwords: change one's own, reset it by email link, and self-registration."""

import logging

from django.conf import settings
from django.urls import re_path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import passwords as password_services
from kitsu_project.api.errors import error_body
from kitsu_project.api.viewsets import text_argument
from kitsu_project.public_url import public_base_url

from .auth import client_ip

logger = logging.getLogger("accounts.passwords")

REGISTRATION_DISABLED = "Self registration is disabled on this server: ask an administrator for an account."


def rejected(request, error):
    """Log a rejected request and return its 400 response.

    The response is returned, not raised as an API error, so the request's
    transaction commits and a failure counted by the throttle stays counted.
    """
    logger.warning(
        "%s %s rejected for person %s from %s: %s",
        request.method,
        request.path,
        getattr(request.user, "pk", None),
        client_ip(request),
        error.message,
    )
    return Response(error_body(error.message), status=status.HTTP_400_BAD_REQUEST)


ChangePasswordRequest = inline_serializer(
    "ChangePasswordRequest",
    {
        "old_password": serializers.CharField(),
        "password": serializers.CharField(),
        "password_2": serializers.CharField(help_text="The new password again."),
    },
)


class ChangePasswordView(APIView):
    """POST: change the caller's own password, given the old one.

    Every other token of the caller is revoked. The access token of this request
    and the refresh token of its login session stay valid, so the web UI session goes on.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ChangePasswordRequest, responses={200: dict, 400: dict, 403: dict, 429: dict})
    def post(self, request):
        person = request.user
        if person.is_bot:
            raise PermissionDenied("Bots have no password to change.")
        data = request.data
        old_password = text_argument(data, "old_password", "Old password is missing.")
        password = text_argument(data, "password", "New password is missing.")
        confirmation = text_argument(data, "password_2", "New password confirmation is missing.")

        try:
            password_services.person_own_password_change(
                person=person,
                old_password=old_password,
                password=password,
                confirmation=confirmation,
                keep_token=request.auth,
                ip_address=client_ip(request),
            )
        except password_services.PasswordRejected as error:
            return rejected(request, error)
        return Response({"success": True})


ResetRequest = inline_serializer("ResetRequest", {"email": serializers.EmailField()})
ResetConfirmation = inline_serializer(
    "ResetConfirmation",
    {
        "email": serializers.EmailField(),
        "token": serializers.CharField(help_text="The token of the mailed reset or invitation link."),
        "password": serializers.CharField(),
        "password2": serializers.CharField(help_text="The new password again."),
    },
)


class ResetPasswordView(APIView):
    """POST an email to get a reset link by mail, then PUT the link's token with a new password."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=ResetRequest, responses={200: dict, 400: dict, 429: dict})
    def post(self, request):
        email = text_argument(request.data, "email", "Email is missing.")
        try:
            password_services.person_reset_request(
                email=email, site_url=public_base_url(request), ip_address=client_ip(request)
            )
        except password_services.PasswordRejected as error:
            return rejected(request, error)
        # The reference sends this text rather than true.
        return Response({"success": "Reset token sent"})

    @extend_schema(request=ResetConfirmation, responses={200: dict, 400: dict, 429: dict})
    def put(self, request):
        data = request.data
        email = text_argument(data, "email", "Email is missing.")
        token = text_argument(data, "token", "Reset token is missing.")
        password = text_argument(data, "password", "New password is missing.")
        confirmation = text_argument(data, "password2", "New password confirmation is missing.")
        try:
            password_services.person_password_reset(
                email=email,
                token=token,
                password=password,
                confirmation=confirmation,
                ip_address=client_ip(request),
            )
        except password_services.PasswordRejected as error:
            return rejected(request, error)
        return Response({"success": True})


RegisterRequest = inline_serializer(
    "RegisterRequest",
    {
        "email": serializers.EmailField(),
        "password": serializers.CharField(),
        "password_2": serializers.CharField(help_text="The password again."),
        "first_name": serializers.CharField(),
        "last_name": serializers.CharField(),
    },
)


class RegisterView(APIView):
    """POST: create an active artist account for the caller, when KITSU_SELF_REGISTRATION is on (403 otherwise)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=RegisterRequest, responses={201: dict, 400: dict, 403: dict})
    def post(self, request):
        if not settings.KITSU_SELF_REGISTRATION:
            return Response(error_body(REGISTRATION_DISABLED), status=status.HTTP_403_FORBIDDEN)
        data = request.data
        email = text_argument(data, "email", "User email is missing.")
        password = text_argument(data, "password", "Password is missing.")
        confirmation = text_argument(data, "password_2", "Confirmation password is missing.")
        first_name = text_argument(data, "first_name", "First name is missing.")
        last_name = text_argument(data, "last_name", "Last name is missing.")
        try:
            password_services.person_register(
                email=email,
                password=password,
                confirmation=confirmation,
                first_name=first_name,
                last_name=last_name,
            )
        except password_services.PasswordRejected as error:
            return rejected(request, error)
        return Response({"registration_success": True}, status=status.HTTP_201_CREATED)


urlpatterns = [
    re_path(r"^change-password/?$", ChangePasswordView.as_view(), name="auth-change-password"),
    re_path(r"^reset-password/?$", ResetPasswordView.as_view(), name="auth-reset-password"),
    re_path(r"^register/?$", RegisterView.as_view(), name="auth-register"),
]
