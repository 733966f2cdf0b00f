"""Role checks shared by every route."""

from rest_framework.permissions import BasePermission

ADMIN = "admin"
MANAGER = "manager"
SUPERVISOR = "supervisor"
ARTIST = "user"
CLIENT = "client"
VENDOR = "vendor"

ALL_ROLES = frozenset({ADMIN, MANAGER, SUPERVISOR, ARTIST, CLIENT, VENDOR})
ADMIN_ONLY = frozenset({ADMIN})
STAFF_ROLES = frozenset({ADMIN, MANAGER})
# Roles that work inside productions (clients and vendors only see part of one).
STUDIO_ROLES = frozenset({ADMIN, MANAGER, SUPERVISOR, ARTIST})


def is_admin(user):
    return getattr(user, "role", None) == ADMIN


def is_staff_member(user):
    return getattr(user, "role", None) in STAFF_ROLES


class ActionRolePermission(BasePermission):
    """Allow an action when the caller's role is among the view's roles for it.

    The view lists roles per action in `action_roles` (see KitsuModelViewSet)
    and may refine access to one row in `has_row_access`.
    """

    message = "You are not allowed to do this: your role lacks the permission."

    def has_permission(self, request, view):
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        return user.role in view.get_action_roles()

    def has_object_permission(self, request, view, obj):
        return view.has_row_access(request.user, obj)


class IsAdmin(BasePermission):
    message = "Only studio managers (admins) may do this."

    def has_permission(self, request, view):
        user = request.user
        return user is not None and user.is_authenticated and is_admin(user)
