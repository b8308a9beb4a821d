"""Who may ingest reports and decide on proposals: planners whose grants reach the host unit.

Everyone with a grant on the host unit's subtree (and the clearance) may see a report and its
proposals; only planners decide (and superusers, who see and do everything)."""

from dimis.framework.access import InUnitSet, granted_units_sql
from dimis.framework.choices import Role
from dimis.org.models import OrgUnit

DECIDING_ROLES = frozenset({Role.PLANNER})


def planner_units(user):
    """The units a user may ingest reports for, as far as the user may see them."""
    units = OrgUnit.objects.all().restrict(user)
    if user.is_superuser:
        return units
    sql, params = granted_units_sql(user, DECIDING_ROLES)
    return units.filter(InUnitSet("id", sql, params))


def may_decide(user, unit) -> bool:
    """May the user ingest for the unit and accept, correct or reject its proposals?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    unit_id = unit.pk if isinstance(unit, OrgUnit) else unit
    return planner_units(user).filter(pk=unit_id).exists()
