import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from dimis.framework.access import InUnitSet, granted_units_sql
from dimis.framework.choices import Role
from dimis.framework.models import (
    ChangeLoggedMixin,
    DimisModel,
    RestrictedManager,
    RestrictedQuerySet,
    clearance_field,
)


class UserQuerySet(RestrictedQuerySet):
    def restrict(self, user, action="view"):
        """Users see themselves; administrators also see the users granted roles under their units."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            qs = self.none()
        elif user.is_superuser:
            qs = self._chain()
        else:
            sql, params = granted_units_sql(user, {Role.ADMINISTRATOR})
            managed = Grant.objects.filter(InUnitSet("unit", sql, params)).values("user_id")
            qs = (
                self.filter(models.Q(pk=user.pk) | models.Q(pk__in=managed))
                if action == "view"
                else self.none()
            )
        qs._restricted = True
        return qs


class DimisUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(ChangeLoggedMixin, AbstractUser):
    """A person who signs in. What they see is decided by their grants and their clearance."""

    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL
    )
    clearance = clearance_field()
    preferences = models.JSONField(_("preferences"), default=dict, blank=True)

    changelog_exclude = frozenset({"created", "last_updated", "last_login", "preferences"})
    objects = DimisUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def snapshot(self) -> dict:
        """The password hash never enters the log; a fingerprint of it shows *that* it changed."""
        data = super().snapshot()
        if data.get("password"):
            data["password"] = (
                "changed:" + hashlib.sha256(data["password"].encode()).hexdigest()[:12]
            )
        return data

    def roles(self) -> set[str]:
        return set(self.grants.values_list("role", flat=True))


class Grant(DimisModel):
    """A role over a unit and everything under it."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="grants"
    )

    objects = RestrictedManager()
    unit_field = "unit"

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["user__username", "unit__code", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="grant_unique")
        ]

    class Dimis:
        columns = ["user", "role", "unit"]
        search_fields = ["user__username", "unit__code", "unit__name"]
        filter_fields = ["user", "role", "unit"]
        form_fields = ["user", "role", "unit"]
        write_roles = {Role.ADMINISTRATOR}
        menu = ("access", 10)

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    @classmethod
    def restrict_queryset(cls, qs, user, action):
        """A user sees their own grants; administrators see and manage grants under their units."""
        sql, params = granted_units_sql(user, {Role.ADMINISTRATOR})
        managed = InUnitSet("unit", sql, params)
        if action == "view":
            return qs.filter(models.Q(user=user) | models.Q(managed))
        return qs.filter(managed)
