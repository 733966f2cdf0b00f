"""TODO: routes of this module are being written."""

import_urlpatterns = []
export_urlpatterns = []
urlpatterns = []
GENERIC_COLLECTIONS = ()
