"""The public address of the server, for links in emails and the identities of SAML and WebAuthn."""

from django.conf import settings


def public_base_url(request):
    """Return the scheme and host browsers use to reach this server, without a trailing slash.

    It is KITSU_PUBLIC_URL when set. Otherwise it is built from the request's
    Host header, which only ALLOWED_HOSTS restricts: set KITSU_PUBLIC_URL in
    production, so that a forged Host cannot put another site into emailed links.
    """
    return settings.KITSU_PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")
