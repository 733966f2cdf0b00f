"""The production routes beyond the generic /data CRUD, gathered per concept module.

They are mounted before the generic routes, so `/data/projects/open` reaches its
own view rather than the project detail route.
"""

from productions.api import comments, entities, projects, tasks, user

data_urlpatterns = [
    *projects.urlpatterns,
    *entities.urlpatterns,
    *tasks.urlpatterns,
    *comments.urlpatterns,
    *user.urlpatterns,
]

action_urlpatterns = [
    *projects.action_urlpatterns,
    *entities.action_urlpatterns,
    *tasks.action_urlpatterns,
    *comments.action_urlpatterns,
    *user.action_urlpatterns,
]
