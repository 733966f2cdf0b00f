"""The two-factor routes under /auth: /totp, /email-otp, /fido and /recovery-codes.

Bodies and messages follow the reference (Zou 0.20.73). A wrong code gets a
400 response with `wrong_OTP: true` and counts as a failed attempt for the
account and the client address (accounts.services.throttle). That response is
returned, not raised, because a raised error would roll back the count with
the request's transaction (ATOMIC_REQUESTS).
"""

import logging

from django.urls import re_path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.backends import find_person_by_login
from accounts.services import two_factor
from accounts.services.throttle import check_not_locked, record_failure
from kitsu_project.api.errors import MissingArgument, error_body

from .auth import client_ip

logger = logging.getLogger("accounts.auth")

MISSING_PARAMETER = "Missing required parameter in the post body or the query string or the JSON body"
MISSING_QUERY_PARAMETER = "Missing required parameter in the post body or the query string"
OTP_FAILED = "OTP verification failed."


class IsHuman(BasePermission):
    """A logged-in person who is not a bot: bots have no second factor."""

    message = "Bots have no two-factor authentication."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and not request.user.is_bot)


def request_data(request):
    return request.data if isinstance(request.data, dict) else {}


def required_value(data, key, problem=MISSING_PARAMETER):
    value = data.get(key)
    if value is None or value == "":
        raise MissingArgument(key, problem)
    return value


def bad_request(message, **extra):
    return Response(error_body(message, **extra), status=status.HTTP_400_BAD_REQUEST)


def wrong_code(request, person, message, reason):
    """Count a wrong code for `person` and the client address and return the reference's 400 response."""
    record_failure(person=person, address=client_ip(request), reason=reason)
    return bad_request(message, wrong_OTP=True)


def check_code(request, person):
    """Return None when the request carries a right code of `person`, else the 400 response to send.

    Raise LockedOut (429) when the account or the address is locked. A request
    with no code gets the same 400 response as a wrong code, but it does not
    count as a failure.
    """
    check_not_locked(person=person, address=client_ip(request))
    verified = two_factor.verify_second_factor(person, request_data(request))
    if verified is None:
        return bad_request(OTP_FAILED, wrong_OTP=True)
    if not verified:
        return wrong_code(request, person, OTP_FAILED, "wrong two-factor code")
    return None


def person_for_code_request(request):
    """Return the person named by `?email=` (email or desktop login) and None, or None and the 404 response.

    Anyone may call these routes, so an unknown login counts as a failure for
    the client address, which slows down guessing which accounts exist.
    """
    login = request.query_params.get("email") or request_data(request).get("email")
    if not login:
        raise MissingArgument("email", MISSING_QUERY_PARAMETER)
    address = client_ip(request)
    check_not_locked(address=address)
    person = find_person_by_login(str(login))
    if person is None or not person.is_active:
        record_failure(address=address, reason="unknown login for a two-factor challenge")
        return None, Response(error_body("User not found."), status=status.HTTP_404_NOT_FOUND)
    return person, None


class TwoFactorView(APIView):
    """Base of the two-factor routes: a human's token, except for the GET that starts a login challenge."""

    def get_permissions(self):
        if self.request.method == "GET":
            return [AllowAny()]
        return [IsAuthenticated(), IsHuman()]

    def perform_authentication(self, request):
        # The GET serves a person who is logging in and has no token yet: a stale token must not get in the way.
        if request.method != "GET":
            super().perform_authentication(request)


class CodeMethodView(TwoFactorView):
    """Base of the methods turned on with a first code: POST `code_field` turns the method on, DELETE with a code off.

    `label` starts the reference's messages, `enabled_field` is the person's
    column for the method, `failure_reason` goes to the log of a wrong code, and
    `confirm` and `disable` are the method's service functions.
    """

    code_field = None
    enabled_field = None
    label = None
    failure_reason = None
    confirm = None
    disable = None

    @extend_schema(responses={200: dict, 400: dict})
    def post(self, request):
        code = str(required_value(request_data(request), self.code_field))
        person = request.user
        if getattr(person, self.enabled_field):
            return bad_request(f"{self.label} already enabled.")
        check_not_locked(person=person, address=client_ip(request))
        try:
            codes = type(self).confirm(person, code)
        except two_factor.WrongCode as error:
            return wrong_code(request, person, error.message, self.failure_reason)
        except two_factor.TwoFactorError as error:
            return bad_request(error.message)
        return Response({"otp_recovery_codes": codes})

    @extend_schema(responses={200: dict, 400: dict})
    def delete(self, request):
        person = request.user
        if not getattr(person, self.enabled_field):
            return bad_request(f"{self.label} not enabled.")
        rejection = check_code(request, person)
        if rejection is not None:
            return rejection
        type(self).disable(person)
        return Response({"success": True})


class TotpView(CodeMethodView):
    """PUT: new TOTP secret. POST `totp`: turn TOTP on. DELETE with a code: turn it off."""

    code_field = "totp"
    enabled_field = "totp_enabled"
    label = "TOTP"
    failure_reason = "wrong TOTP code"
    confirm = staticmethod(two_factor.totp_confirm)
    disable = staticmethod(two_factor.totp_disable)

    @extend_schema(responses={200: dict, 400: dict})
    def put(self, request):
        try:
            uri, secret = two_factor.totp_begin(request.user)
        except two_factor.TwoFactorError as error:
            return bad_request(error.message)
        return Response({"totp_provisionning_uri": uri, "otp_secret": secret})


class EmailOtpView(CodeMethodView):
    """GET `?email=`: mail a login code. PUT: mail a set-up code. POST `email_otp`: turn on. DELETE: turn off."""

    code_field = "email_otp"
    enabled_field = "email_otp_enabled"
    label = "OTP by email"
    failure_reason = "wrong email code"
    confirm = staticmethod(two_factor.email_otp_confirm)
    disable = staticmethod(two_factor.email_otp_disable)

    @extend_schema(responses={200: dict, 400: dict, 404: dict})
    def get(self, request):
        person, rejection = person_for_code_request(request)
        if rejection is not None:
            return rejection
        if not person.email_otp_enabled:
            return bad_request("OTP by email not enabled.")
        try:
            two_factor.email_code_send(person, confirmed=True)
        except two_factor.TwoFactorError as error:
            return bad_request(error.message)
        return Response({"success": True})

    @extend_schema(responses={200: dict, 400: dict})
    def put(self, request):
        try:
            two_factor.email_otp_begin(request.user)
        except two_factor.TwoFactorError as error:
            return bad_request(error.message)
        return Response({"success": True})


class FidoView(TwoFactorView):
    """GET `?email=`: login challenge. PUT: registration options. POST: add a key. DELETE `device_name`: remove it."""

    @extend_schema(responses={200: dict, 400: dict, 404: dict})
    def get(self, request):
        person, rejection = person_for_code_request(request)
        if rejection is not None:
            return rejection
        if not person.fido_enabled:
            return bad_request("FIDO not enabled.")
        options = two_factor.fido_authentication_begin(person, two_factor.relying_party_id(request))
        return Response(options)

    @extend_schema(responses={200: dict})
    def put(self, request):
        options = two_factor.fido_registration_begin(request.user, two_factor.relying_party_id(request))
        return Response(options)

    @extend_schema(responses={200: dict, 400: dict})
    def post(self, request):
        data = request_data(request)
        response = required_value(data, "registration_response")
        device_name = str(required_value(data, "device_name")).strip()
        if not device_name:
            raise MissingArgument("device_name", MISSING_PARAMETER)
        try:
            codes = two_factor.fido_registration_complete(request.user, response, device_name)
        except two_factor.TwoFactorError as error:
            return bad_request(error.message)
        return Response({"otp_recovery_codes": codes})

    @extend_schema(responses={200: dict, 400: dict, 404: dict})
    def delete(self, request):
        person = request.user
        device_name = str(required_value(request_data(request), "device_name"))
        if not person.fido_enabled:
            return bad_request("FIDO not enabled.")
        if device_name not in person.fido_devices:
            return Response(
                error_body(f"No FIDO device named {device_name!r}: the names are in fido_devices."),
                status=status.HTTP_404_NOT_FOUND,
            )
        rejection = check_code(request, person)
        if rejection is not None:
            return rejection
        two_factor.fido_device_remove(person, device_name)
        return Response({"success": True})


class RecoveryCodesView(TwoFactorView):
    """PUT with a code: replace the recovery codes with 16 new ones."""

    @extend_schema(responses={200: dict, 400: dict})
    def put(self, request):
        person = request.user
        if not two_factor.has_two_factor(person):
            return bad_request("No two factor authentication enabled.")
        rejection = check_code(request, person)
        if rejection is not None:
            return rejection
        return Response({"otp_recovery_codes": two_factor.recovery_codes_set(person)})


urlpatterns = [
    re_path(r"^totp/?$", TotpView.as_view(), name="auth-totp"),
    re_path(r"^email-otp/?$", EmailOtpView.as_view(), name="auth-email-otp"),
    re_path(r"^fido/?$", FidoView.as_view(), name="auth-fido"),
    re_path(r"^recovery-codes/?$", RecoveryCodesView.as_view(), name="auth-recovery-codes"),
]
