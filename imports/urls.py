"""The import and export routes, gathered from each module of `imports.api`.

Each module declares its `/import` routes (`import_urlpatterns`), `/export`
routes, `/data` routes (`urlpatterns`) and generic collections.
"""

from imports.api import csv_exports, csv_imports, edits, jobs, kitsu, shotgun

MODULES = (csv_imports, csv_exports, shotgun, edits, jobs, kitsu)


def _gather(name):
    return [pattern for module in MODULES for pattern in getattr(module, name, ())]


import_urlpatterns = _gather("import_urlpatterns")
export_urlpatterns = _gather("export_urlpatterns")
data_urlpatterns = _gather("urlpatterns")
GENERIC_COLLECTIONS = tuple(item for module in MODULES for item in getattr(module, "GENERIC_COLLECTIONS", ()))
