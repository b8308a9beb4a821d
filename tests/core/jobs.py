"""Background jobs used by the change-log tests (the worker imports them by module path)."""

from dimis.framework.jobs import job
from dimis.org.models import OrgUnit


@job()
def rename_unit(unit_id: int, name: str) -> str:
    unit = OrgUnit.objects.get(pk=unit_id)
    unit.name = name
    unit.save()
    return unit.name
