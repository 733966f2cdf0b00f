from rest_framework.routers import SimpleRouter


class KitsuRouter(SimpleRouter):
    """Routes that match paths with and without a trailing slash."""

    def __init__(self):
        super().__init__()
        # SimpleRouter only takes a boolean, but writes this string into each route's regex.
        self.trailing_slash = "/?"
