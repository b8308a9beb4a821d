"""Choices a user may pick in a form, filter or API field: restricted like everything else."""

from .access import InUnitSet, granted_units_sql


def visible(model, user, action: str = "view"):
    """The rows of `model` that `user` may see; deny by default for models without restrict()."""
    manager = model._default_manager
    if hasattr(manager.get_queryset(), "restrict"):
        return manager.all().restrict(user, action)
    return manager.none()


def owner_units(model, user, action: str = "add"):
    """Units under which `user` may create or change `model` records."""
    from dimis.org.models import OrgUnit

    units = OrgUnit.objects.all().restrict(user)
    if user.is_superuser:
        return units
    sql, params = granted_units_sql(user, model.roles_for(action))
    return units.filter(InUnitSet("id", sql, params))


def is_owner_field(model, field_name: str) -> bool:
    unit_field = getattr(model, "unit_field", None)
    return unit_field is not None and unit_field.split("__")[0] == field_name
