"""JWT classes and the tokens of a login session or a bot.

Every token carries `identity_type`: `person` for a login session, `bot` for
a bot's long-lived token. An access token of a session also carries the `jti`
of its refresh token, so logging out revokes both. A bot has one valid token
at a time: its `jti` is stored on the person, and a new token replaces it.
"""

import datetime

from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, BlacklistMixin, RefreshToken

IDENTITY_PERSON = "person"
IDENTITY_BOT = "bot"
# Claim of the tokens of a person who must set up two-factor authentication before anything else.
SETUP_ONLY_CLAIM = "two_factor_setup_only"
REFRESH_JTI_CLAIM = "refresh_jti"
# A bot token without an expiration date still needs an `exp` claim, which simplejwt requires.
BOT_TOKEN_MAX_LIFETIME = datetime.timedelta(days=365 * 100)


class KitsuAccessToken(BlacklistMixin, AccessToken):
    """An access token checked against the blacklist on every request, so logout revokes it for good."""


class KitsuRefreshToken(RefreshToken):
    access_token_class = KitsuAccessToken


def session_access_token(person, refresh):
    """Return a new access token of `person` for the session of `refresh`, with the session's claims."""
    access = KitsuAccessToken.for_user(person)
    access["identity_type"] = IDENTITY_PERSON
    access[REFRESH_JTI_CLAIM] = refresh["jti"]
    if refresh.get(SETUP_ONLY_CLAIM):
        access[SETUP_ONLY_CLAIM] = True
    return access


def issue_tokens(person, *, setup_only=False):
    """Return a fresh (access, refresh) token pair for a login session of `person`.

    With `setup_only`, both tokens allow only the routes that set up two-factor authentication.
    """
    refresh = KitsuRefreshToken.for_user(person)
    refresh["identity_type"] = IDENTITY_PERSON
    if setup_only:
        refresh[SETUP_ONLY_CLAIM] = True
    return session_access_token(person, refresh), refresh


def bot_token_issue(bot):
    """Make a new access token for `bot`, valid until the end of its expiration date, and revoke the previous one.

    The bot row is saved with the token's `jti`; only that token authenticates the bot.
    """
    access = KitsuAccessToken.for_user(bot)
    access["identity_type"] = IDENTITY_BOT
    now = timezone.now()
    if bot.expiration_date is not None:
        end_of_day = datetime.datetime.combine(
            bot.expiration_date + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC
        )
        access.set_exp(from_time=now, lifetime=end_of_day - now)
    else:
        access.set_exp(from_time=now, lifetime=BOT_TOKEN_MAX_LIFETIME)
    bot.jti = access["jti"]
    bot.save(update_fields=["jti", "updated_at"])
    return access


def session_jtis(request):
    """Return the ids of the caller's access token and of the refresh token of the same login session."""
    if request.auth is None:
        return ()
    return (request.auth.get("jti"), request.auth.get(REFRESH_JTI_CLAIM))
