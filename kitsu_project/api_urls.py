"""The generic /data/<collection> routes of every model."""

from accounts.api import departments, person_actions
from accounts.api import viewsets as accounts
from imports import urls as import_urls
from kitsu_project.api.routers import KitsuRouter
from playlists import urls as playlist_urls
from productions.api import activity, budgets, casting, chats, entity_kinds, files, planning, workflow
from productions.api import time as production_time
from productions.api import viewsets as productions

router = KitsuRouter()
router.register("persons", accounts.PersonViewSet, basename="person")
router.register("departments", accounts.DepartmentViewSet, basename="department")
router.register("softwares", departments.SoftwareViewSet, basename="software")
router.register("hardware-items", departments.HardwareItemViewSet, basename="hardware-item")
router.register("studios", accounts.StudioViewSet, basename="studio")
router.register("organisations", accounts.OrganisationViewSet, basename="organisation")
router.register("project-status", productions.ProjectStatusViewSet, basename="project-status")
router.register("projects", productions.ProjectViewSet, basename="project")
router.register("entity-types", productions.EntityTypeViewSet, basename="entity-type")
router.register("asset-types", productions.AssetTypeViewSet, basename="asset-type")
router.register("entities", productions.EntityViewSet, basename="entity")
router.register("task-types", productions.TaskTypeViewSet, basename="task-type")
router.register("task-status", productions.TaskStatusViewSet, basename="task-status")
router.register("tasks", productions.TaskViewSet, basename="task")
router.register("comments", productions.CommentViewSet, basename="comment")
router.register("salary-scales", person_actions.SalaryScaleViewSet, basename="salary-scale")
router.register("time-spents", production_time.TimeSpentViewSet, basename="time-spent")
router.register("day-offs", production_time.DayOffViewSet, basename="day-off")
router.register("notifications", activity.NotificationViewSet, basename="notification")
router.register("subscriptions", activity.SubscriptionViewSet, basename="subscription")
router.register("news", activity.NewsViewSet, basename="news")
router.register("events", activity.ApiEventViewSet, basename="event")
router.register("status-automations", workflow.StatusAutomationViewSet, basename="status-automation")
router.register("metadata-descriptors", workflow.MetadataDescriptorViewSet, basename="metadata-descriptor")
router.register("custom-actions", workflow.CustomActionViewSet, basename="custom-action")
router.register("plugins", workflow.PluginViewSet, basename="plugin")
router.register("search-filters", workflow.SearchFilterViewSet, basename="search-filter")
router.register("search-filter-groups", workflow.SearchFilterGroupViewSet, basename="search-filter-group")

# Collections declared by the modules of the breakdown, planning, chats and budgets.
for module in (casting, entity_kinds, planning, chats, budgets, files):
    for prefix, viewset, basename in module.GENERIC_COLLECTIONS:
        router.register(prefix, viewset, basename=basename)

# Collections of review media (preview files, attachments, backgrounds, playlists, jobs).
for prefix, viewset, basename in playlist_urls.GENERIC_COLLECTIONS:
    router.register(prefix, viewset, basename=basename)

# Collections of imports (jobs and the import error log).
for prefix, viewset, basename in import_urls.GENERIC_COLLECTIONS:
    router.register(prefix, viewset, basename=basename)
