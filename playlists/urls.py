"""The review media routes, gathered from each module of `playlists.api`.

Each module declares its `/data` routes (`urlpatterns`), `/actions` routes,
`/pictures`, `/movies` and `/export` routes, and its generic collections.
"""

from playlists.api import attachments, backgrounds, media, playlists, previews, shot_frames, thumbnails

MODULES = (previews, media, attachments, backgrounds, thumbnails, playlists, shot_frames)


def _gather(name):
    return [pattern for module in MODULES for pattern in getattr(module, name, ())]


data_urlpatterns = _gather("urlpatterns")
action_urlpatterns = _gather("action_urlpatterns")
picture_urlpatterns = _gather("picture_urlpatterns")
movie_urlpatterns = _gather("movie_urlpatterns")
export_urlpatterns = _gather("export_urlpatterns")
GENERIC_COLLECTIONS = tuple(item for module in MODULES for item in getattr(module, "GENERIC_COLLECTIONS", ()))
