from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Grant, User


def _superusers_only(request):
    # The admin bypasses row restriction, so only superusers may enter it.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
admin.site.site_header = _("DIMIS administration")


class GrantInline(admin.TabularInline):
    model = Grant
    extra = 1
    autocomplete_fields = ["unit"]
    exclude = ["version"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("DIMIS"), {"fields": ("person", "clearance")}))
    list_display = ["username", "first_name", "last_name", "clearance", "is_active", "is_superuser"]
    inlines = [GrantInline]
    raw_id_fields = ["person"]
