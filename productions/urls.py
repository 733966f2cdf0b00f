"""The production routes beyond the generic /data CRUD, gathered per concept module.

They are mounted before the generic routes, so `/data/projects/open` reaches its
own view rather than the project detail route.
"""

from accounts.api import departments, person_actions
from productions.api import (
    activity,
    budgets,
    casting,
    chats,
    comments,
    entities,
    entity_kinds,
    files,
    planning,
    projects,
    search,
    tasks,
    time,
    user,
    workflow,
)

NEW_MODULES = (casting, entity_kinds, planning, chats, budgets, search, files)

data_urlpatterns = [
    *(pattern for module in NEW_MODULES for pattern in module.urlpatterns),
    *activity.urlpatterns,
    *workflow.urlpatterns,
    *projects.urlpatterns,
    *entities.urlpatterns,
    *tasks.urlpatterns,
    *comments.urlpatterns,
    *user.urlpatterns,
    *time.urlpatterns,
    *person_actions.urlpatterns,
    *departments.urlpatterns,
]

action_urlpatterns = [
    *(pattern for module in NEW_MODULES for pattern in module.action_urlpatterns),
    *activity.action_urlpatterns,
    *workflow.action_urlpatterns,
    *projects.action_urlpatterns,
    *entities.action_urlpatterns,
    *tasks.action_urlpatterns,
    *comments.action_urlpatterns,
    *user.action_urlpatterns,
    *time.action_urlpatterns,
    *person_actions.action_urlpatterns,
]
