"""Routes of this concept; `urlpatterns` go under /api/data/, `action_urlpatterns` under /api/actions/."""

urlpatterns = []
action_urlpatterns = []
