from rest_framework import permissions

from .access import can

ACTIONS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class GrantPermission(permissions.IsAuthenticated):
    """Signed in, and for writes holding a role that may write this model somewhere."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) == "create":
            return can(request.user, view.config.model, "add")
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        action = ACTIONS.get(getattr(view, "action", ""), "change")
        return type(obj).objects.filter(pk=obj.pk).restrict(request.user, action).exists()
