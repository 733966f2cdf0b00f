"""TODO: routes of this module are being written."""

urlpatterns = []
action_urlpatterns = []
GENERIC_COLLECTIONS = ()
