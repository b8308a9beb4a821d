"""Small builders for the performance tests."""

import datetime

from dimis.performance.models import Indicator, Period
from dimis.performance.values import write_values


def indicator(code, **extra):
    defaults = {"name": f"Indicator {code}", "unit_of_measure": "vnd"}
    defaults.update(extra)
    return Indicator.objects.create(code=code, **defaults)


def period(code):
    return Period.objects.for_code(code)


def put(user, *rows, **kwargs):
    """rows: (indicator code, unit code, period code, value)."""
    numbered = [(n, i, u, p, v, "") for n, (i, u, p, v) in enumerate(rows, start=1)]
    return write_values(user, numbered, **kwargs)


def moved(unit, old_parent, new_parent, on: datetime.date):
    from dimis.org.models import UnitLink

    link = UnitLink.objects.get(child=unit, parent=old_parent, valid_to__isnull=True)
    link.valid_to = on
    link.save()
    UnitLink.objects.create(child=unit, parent=new_parent, valid_from=on)
