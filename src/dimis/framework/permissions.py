from rest_framework import permissions

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

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        action = ACTIONS.get(getattr(view, "action", ""), "change")
        return type(obj).objects.filter(pk=obj.pk).restrict(request.user, action).exists()
