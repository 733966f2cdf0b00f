from django.apps import AppConfig


class ProductionsConfig(AppConfig):
    name = "productions"
    default_auto_field = "django.db.models.BigAutoField"
