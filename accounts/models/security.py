"""Rows behind account security: login failures per client address, WebAuthn challenges, used SAML assertions."""

from django.db import models

from kitsu_project.db import KitsuModel


class LoginThrottle(KitsuModel):
    """Failed logins and failed codes from one client address (the failures of one account are on the person)."""

    address = models.GenericIPAddressField(unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "login_throttle"
        ordering = ["-last_failure_at"]

    def __str__(self):
        return f"{self.address}: {self.failures} failure(s)"


class WebAuthnChallenge(KitsuModel):
    """The server state of a WebAuthn registration or authentication, kept until the client returns its response."""

    PURPOSES = [("registration", "registration"), ("authentication", "authentication")]

    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="webauthn_challenges")
    purpose = models.CharField(max_length=20, choices=PURPOSES)
    state = models.JSONField()
    expires_at = models.DateTimeField()

    class Meta:
        db_table = "webauthn_challenge"
        ordering = ["-created_at"]


class SamlAssertion(KitsuModel):
    """A SAML assertion that logged someone in, kept until it expires so that it cannot be replayed."""

    assertion_id = models.CharField(max_length=255, unique=True)
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "saml_assertion"
        ordering = ["-created_at"]

    def __str__(self):
        return self.assertion_id


class LoginSession(KitsuModel):
    """One login of a person: every token pair it gets, through refreshes too, carries this row's id.

    Logging out revokes the session, which ends all its tokens at once.
    """

    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="login_sessions")
    revoked_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        db_table = "login_session"
        ordering = ["-created_at"]
