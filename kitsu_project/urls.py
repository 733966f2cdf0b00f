from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from accounts.api import auth, passwords, saml, two_factor
from imports import urls as import_urls
from kitsu_project.api import info
from kitsu_project.api.errors import error_body
from playlists import urls as playlist_urls
from productions import urls as production_urls

from .api_urls import router


class DocsView(SpectacularSwaggerView):
    """The Swagger UI page; other methods than GET get the API's JSON 405, not an HTML page."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        return JsonResponse(error_body(f"The method {request.method} is not allowed on this route."), status=405)


api_patterns = [
    re_path(r"^$", info.RootView.as_view(), name="api-root"),
    re_path(r"^config/?$", info.ConfigView.as_view(), name="config"),
    re_path(r"^status/?$", info.StatusView.as_view(), name="status"),
    re_path(r"^status\.txt$", info.StatusTextView.as_view(), name="status-txt"),
    re_path(r"^status/resources/?$", info.StatusResourcesView.as_view(), name="status-resources"),
    re_path(r"^status/influx/?$", info.StatusInfluxView.as_view(), name="status-influx"),
    re_path(r"^status/test-event/?$", info.StatusTestEventView.as_view(), name="status-test-event"),
    re_path(r"^stats/?$", info.StatsView.as_view(), name="stats"),
    re_path(r"^auth/login/?$", auth.LoginView.as_view(), name="auth-login"),
    re_path(r"^auth/authenticated/?$", auth.AuthenticatedView.as_view(), name="auth-authenticated"),
    re_path(r"^auth/logout/?$", auth.LogoutView.as_view(), name="auth-logout"),
    re_path(r"^auth/refresh-token/?$", auth.RefreshTokenView.as_view(), name="auth-refresh-token"),
    path("auth/", include(two_factor.urlpatterns)),
    path("auth/", include(saml.urlpatterns)),
    path("auth/", include(passwords.urlpatterns)),
    re_path(r"^openapi\.json$", SpectacularJSONAPIView.as_view(), name="openapi"),
    re_path(r"^apidocs/?$", DocsView.as_view(url_name="openapi"), name="apidocs"),
    path("data/", include(production_urls.data_urlpatterns)),
    path("data/", include(playlist_urls.data_urlpatterns)),
    path("actions/", include(production_urls.action_urlpatterns)),
    path("actions/", include(playlist_urls.action_urlpatterns)),
    path("pictures/", include(playlist_urls.picture_urlpatterns)),
    path("movies/", include(playlist_urls.movie_urlpatterns)),
    path("export/", include(playlist_urls.export_urlpatterns)),
    path("export/", include(import_urls.export_urlpatterns)),
    path("import/", include(import_urls.import_urlpatterns)),
    path("data/", include(import_urls.data_urlpatterns)),
    path("data/", include(router.urls)),
]

urlpatterns = [
    re_path(r"^api$", info.RootView.as_view(schema=None)),
    re_path(r"^api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

handler404 = "kitsu_project.api.errors.not_found_view"
handler500 = "kitsu_project.api.errors.server_error_view"
