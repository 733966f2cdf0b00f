from django.db import models

from kitsu_project.db import KitsuModel


class LoginLog(KitsuModel):
    """One successful login, with where it came from."""

    ORIGINS = [("web", "web"), ("script", "script")]

    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="login_logs")
    ip_address = models.CharField(max_length=50, null=True, blank=True)
    origin = models.CharField(max_length=255, choices=ORIGINS, null=True, blank=True)

    class Meta:
        db_table = "login_log"
        ordering = ["-created_at"]


class DesktopLoginLog(KitsuModel):
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="desktop_login_logs")
    date = models.DateTimeField()

    class Meta:
        db_table = "desktop_login_log"
        ordering = ["-date"]
