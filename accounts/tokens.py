"""JWT classes and the tokens of a login session or a bot.

Every token carries `identity_type`: `person` for a login session, `bot` for
a bot's long-lived token. The tokens of a login carry the id of its
LoginSession row (`sid`), through every refresh, so logging out ends them all
at once. A bot has one valid token at a time: its `jti` is stored on the
person, and a new token replaces it.
"""

import datetime

from django.db.models import Exists
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import AccessToken, BlacklistMixin, RefreshToken

IDENTITY_PERSON = "person"
IDENTITY_BOT = "bot"
# Claim of the tokens of a person who must set up two-factor authentication before anything else.
SETUP_ONLY_CLAIM = "two_factor_setup_only"
REFRESH_JTI_CLAIM = "refresh_jti"
SESSION_CLAIM = "sid"
# A bot token without an expiration date still needs an `exp` claim, which simplejwt requires.
BOT_TOKEN_MAX_LIFETIME = datetime.timedelta(days=365 * 100)


class SessionCheckMixin:
    """Refuse a token that is blacklisted or whose session was revoked, checked in one query.

    Tokens without a session (bots, tokens issued before sessions existed) keep the plain blacklist check.
    """

    def check_blacklist(self):
        session_id = self.payload.get(SESSION_CLAIM)
        if session_id is None:
            return super().check_blacklist()
        # Imported here: this module is loaded before the apps are ready.
        from accounts.models import LoginSession

        blacklisted = BlacklistedToken.objects.filter(token__jti=self.payload["jti"])
        alive = LoginSession.objects.filter(pk=session_id, revoked_at__isnull=True).filter(~Exists(blacklisted))
        if not alive.exists():
            raise TokenError("Token is blacklisted")
        return None


class KitsuAccessToken(SessionCheckMixin, BlacklistMixin, AccessToken):
    """An access token checked on every request against the blacklist and its session, so logout ends it."""


class KitsuRefreshToken(SessionCheckMixin, RefreshToken):
    access_token_class = KitsuAccessToken


def session_access_token(person, refresh):
    """Return a new access token of `person` for the session of `refresh`, with the session's claims."""
    access = KitsuAccessToken.for_user(person)
    access["identity_type"] = IDENTITY_PERSON
    access[REFRESH_JTI_CLAIM] = refresh["jti"]
    access[SESSION_CLAIM] = refresh[SESSION_CLAIM]
    if refresh.get(SETUP_ONLY_CLAIM):
        access[SETUP_ONLY_CLAIM] = True
    return access


def issue_tokens(person, *, setup_only=False, session_id=None):
    """Return a fresh (access, refresh) token pair of `person` for the session `session_id`, or for a new one.

    With `setup_only`, both tokens allow only the routes that set up two-factor authentication.
    """
    from accounts.models import LoginSession

    if session_id is None:
        session_id = LoginSession.objects.create(person=person).pk
    refresh = KitsuRefreshToken.for_user(person)
    refresh["identity_type"] = IDENTITY_PERSON
    refresh[SESSION_CLAIM] = str(session_id)
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


def session_token_ids(token):
    """Return the ids of `token` (a validated access token, or None) and of its session's refresh token."""
    if token is None:
        return ()
    return (token.get("jti"), token.get(REFRESH_JTI_CLAIM))
