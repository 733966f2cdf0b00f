"""TODO: routes of this module are being written."""

urlpatterns = []
action_urlpatterns = []
picture_urlpatterns = []
movie_urlpatterns = []
export_urlpatterns = []
GENERIC_COLLECTIONS = ()
