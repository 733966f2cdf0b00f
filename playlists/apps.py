from django.apps import AppConfig


class PlaylistsConfig(AppConfig):
    name = "playlists"
    verbose_name = "Review: previews and playlists"
    default_auto_field = "django.db.models.BigAutoField"
