"""The generic /data/<collection> routes of every model."""

from accounts.api import viewsets as accounts
from kitsu_project.api.routers import KitsuRouter
from productions.api import viewsets as productions

router = KitsuRouter()
router.register("persons", accounts.PersonViewSet, basename="person")
router.register("departments", accounts.DepartmentViewSet, basename="department")
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
