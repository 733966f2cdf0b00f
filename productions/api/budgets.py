"""TODO-SKELETON"""

# Routes under /api/data/ and /api/actions/, and the generic /data collections of this module.
urlpatterns = []
action_urlpatterns = []
GENERIC_COLLECTIONS = []
