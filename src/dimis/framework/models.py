"""Model tiers every DIMIS record inherits.

- `ChangeLoggedMixin`: every save and delete leaves a change record (core.changelog).
- `VersionedMixin`: optimistic locking; a stale edit raises `ConcurrentEditError`.
- `ClassifiedMixin`: a classification compared with the user's clearance.
- `OwnedModel`: a record owned by a unit, seen through grants on that unit's subtree.
- `ReferenceModel`: a lexicon (ranks, ...) every signed-in user reads, administrators write.

Every tier's default manager is `RestrictedQuerySet`; views and the API only ever use
`.restrict(user, action)`, and the generic bases refuse a queryset that was not restricted.
"""

import datetime
import decimal
import uuid

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .access import InUnitSet, granted_units_sql
from .choices import ALL_ROLES, DEFAULT_WRITE_ROLES, Classification, Role


class ConcurrentEditError(ValidationError):
    """Someone saved the record after this edit was opened: the second writer is told."""


class RestrictedQuerySet(models.QuerySet):
    _restricted = False

    def _clone(self):
        clone = super()._clone()
        clone._restricted = self._restricted
        return clone

    @property
    def is_restricted(self) -> bool:
        return self._restricted

    def restrict(self, user, action: str = "view"):
        """Only the rows `user` may see (or add/change/delete): deny by default."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            qs = self.none()
        elif user.is_superuser:
            qs = self._chain()
        else:
            qs = self.model.restrict_queryset(self._chain(), user, action)
        qs._restricted = True
        return qs


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


def json_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


class ChangeLoggedMixin(models.Model):
    """Saves and deletes are written to the hash-chained change log, in the same transaction.

    Saves are logged here; deletes by core's post_delete receiver, so that rows removed by a
    cascade or a queryset .delete() are logged too (Django's collector sends it for each row)."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_snapshot = instance.snapshot()
        return instance

    # Fields never copied into the change log (secrets, bookkeeping).
    changelog_exclude = frozenset({"created", "last_updated"})

    def snapshot(self) -> dict:
        return {
            f.attname: json_value(getattr(self, f.attname, None))
            for f in self._meta.concrete_fields
            if f.attname not in self.changelog_exclude
        }

    def save(self, *args, **kwargs):
        from dimis.core.changelog import record_change

        with transaction.atomic(using=kwargs.get("using")):
            adding = self._state.adding
            super().save(*args, **kwargs)
            before = None if adding else getattr(self, "_loaded_snapshot", None)
            after = self.snapshot()
            if before != after:
                record_change(self, "create" if adding else "update", before, after)
            self._loaded_snapshot = after


class VersionedMixin(models.Model):
    """Optimistic locking: an update must name the version it was based on."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            updated = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=self.version)
                .update(version=models.F("version") + 1)
            )
            if not updated:
                raise ConcurrentEditError(
                    _(
                        "Someone else saved this record after you opened it. "
                        "Reload the page to see their changes, then apply yours again."
                    ),
                    code="stale",
                )
            self.version += 1
        super().save(*args, **kwargs)


class ClassifiedMixin(models.Model):
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )

    class Meta:
        abstract = True


class DimisModel(ChangeLoggedMixin, VersionedMixin, models.Model):
    """Root of every DIMIS model. Subclasses declare an inner `class Dimis` for the registry."""

    objects = RestrictedManager()

    class Meta:
        abstract = True

    @classmethod
    def roles_for(cls, action: str) -> frozenset:
        if action == "view":
            return ALL_ROLES
        options = getattr(cls, "Dimis", None)
        return frozenset(getattr(options, "write_roles", DEFAULT_WRITE_ROLES))

    @classmethod
    def restrict_queryset(cls, qs, user, action):
        return qs.none()

    def get_absolute_url(self):
        from .registry import registry

        return registry.get(type(self)).url("detail", self.pk)


class ReferenceModel(DimisModel):
    """Shared lexicons: every signed-in user reads them; only administrators change them."""

    class Meta:
        abstract = True

    @classmethod
    def roles_for(cls, action):
        return ALL_ROLES if action == "view" else frozenset({Role.ADMINISTRATOR})

    @classmethod
    def restrict_queryset(cls, qs, user, action):
        if action == "view" or user.grants.filter(role=Role.ADMINISTRATOR).exists():
            return qs
        return qs.none()


class UnitScopedModel(ClassifiedMixin, DimisModel):
    """Seen by a user where a grant covers the record's unit and the clearance its classification."""

    # The path from this model to the unit whose subtree grants are checked against.
    unit_field = "owning_unit"
    # Further unit paths whose grants let a user *see* (not change) the record, e.g. a task's lead unit.
    visible_through: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def restrict_queryset(cls, qs, user, action):
        sql, params = granted_units_sql(user, cls.roles_for(action))
        scope = models.Q(InUnitSet(cls.unit_field, sql, params))
        if action == "view":
            for path in cls.visible_through:
                scope |= models.Q(InUnitSet(path, sql, params))
        return qs.filter(scope, classification__lte=user.clearance)


class OwnedModel(UnitScopedModel):
    """A register record owned by a unit."""

    owning_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


def clearance_field():
    return models.PositiveSmallIntegerField(
        _("clearance"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
