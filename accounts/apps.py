from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the bearer scheme with drf-spectacular.
        from accounts import schema  # noqa: F401
