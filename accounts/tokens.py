"""JWT classes: access tokens can be revoked one by one, like refresh tokens."""

from rest_framework_simplejwt.tokens import AccessToken, BlacklistMixin, RefreshToken


class KitsuAccessToken(BlacklistMixin, AccessToken):
    """An access token checked against the blacklist on every request, so logout revokes it for good."""


class KitsuRefreshToken(RefreshToken):
    access_token_class = KitsuAccessToken


def issue_tokens(person):
    """Return a fresh (access, refresh) token pair for `person`."""
    refresh = KitsuRefreshToken.for_user(person)
    access = KitsuAccessToken.for_user(person)
    return access, refresh
