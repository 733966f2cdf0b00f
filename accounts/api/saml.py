"""The /auth/saml routes: send a browser to the SAML identity provider, and log in with its response."""

import logging

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import re_path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from saml2 import SAMLError

from accounts.api.auth import client_ip, set_token_cookies
from accounts.services.saml import SamlMetadataUnavailable, SamlRejected, saml_log_in, saml_login_redirect_url
from kitsu_project.api.errors import error_body

logger = logging.getLogger("accounts.saml")

# Zou's body when SAML is off. It has no `message`, and clients compare it as it is.
SAML_DISABLED_BODY = {"error": "SAML is not enabled."}


def saml_disabled_response():
    return Response(SAML_DISABLED_BODY, status=status.HTTP_400_BAD_REQUEST)


def metadata_unavailable_response(error):
    logger.error("SAML is unavailable: %s", error)
    return Response(error_body(str(error)), status=status.HTTP_503_SERVICE_UNAVAILABLE)


class SamlView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class SamlLoginView(SamlView):
    @extend_schema(responses={302: None, 400: dict})
    def get(self, request):
        if not settings.KITSU_SAML_ENABLED:
            return saml_disabled_response()
        try:
            url = saml_login_redirect_url(request=request)
        except SamlMetadataUnavailable as error:
            return metadata_unavailable_response(error)
        except SAMLError as error:
            return metadata_unavailable_response(f"No SAML request could be made for the identity provider: {error}")
        return HttpResponseRedirect(url)


class SamlSsoView(SamlView):
    """Assertion consumer service: the IdP posts the `SAMLResponse` form field here (HTTP-POST binding)."""

    @extend_schema(responses={302: None, 400: dict})
    def post(self, request):
        if not settings.KITSU_SAML_ENABLED:
            return saml_disabled_response()
        saml_response = request.data.get("SAMLResponse") if hasattr(request.data, "get") else None
        ip_address = client_ip(request)
        if not saml_response or not isinstance(saml_response, str):
            logger.warning("SAML login rejected from %s: no SAMLResponse field", ip_address)
            return Response(error_body("The SAMLResponse form field is missing."), status=status.HTTP_400_BAD_REQUEST)
        try:
            result = saml_log_in(request=request, saml_response=saml_response, ip_address=ip_address)
        except SamlRejected as rejection:
            return Response(error_body(rejection.message), status=status.HTTP_400_BAD_REQUEST)
        except SamlMetadataUnavailable as error:
            return metadata_unavailable_response(error)
        response = HttpResponseRedirect(settings.KITSU_SAML_FRONTEND_URL)
        set_token_cookies(response, access=result.access_token, refresh=result.refresh_token)
        return response


urlpatterns = [
    re_path(r"^saml/login/?$", SamlLoginView.as_view(), name="auth-saml-login"),
    re_path(r"^saml/sso/?$", SamlSsoView.as_view(), name="auth-saml-sso"),
]
