from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dimis.framework.access import today
from dimis.framework.views import ObjectDetailView

from .models import Appointment, OrgUnit, RankRecord, UnitLink


def unit_tree(request):
    """The unit tree as it stood on a date: one query for all visible units and their parents."""
    raw = request.GET.get("on", "")
    try:
        on = parse_date(raw) if raw else None
    except ValueError:  # well formed but impossible, such as 2023-02-30
        on = None
    error = _("Give the date as YYYY-MM-DD.") if raw and on is None else ""
    on = on or today()
    units = list(OrgUnit.objects.all().restrict(request.user).with_parent_on(on).order_by("code"))
    by_id = {u.pk: u for u in units}
    children: dict[int | None, list] = {}
    for unit in units:
        if unit.established and unit.established > on or unit.dissolved and unit.dissolved <= on:
            continue
        parent = unit.parent_on_date if unit.parent_on_date in by_id else None
        children.setdefault(parent, []).append(unit)

    def branch(parent_id, depth=0):
        for unit in children.get(parent_id, []):
            yield unit, depth, bool(children.get(unit.pk))
            yield from branch(unit.pk, depth + 1)

    return render(
        request, "org/unit_tree.html", {"rows": list(branch(None)), "on": on, "error": error}
    )


class OrgUnitDetailView(ObjectDetailView):
    template_name = "org/orgunit_detail.html"

    def context(self, **extra):
        ctx = super().context(**extra)
        unit = extra.get("object")
        if unit is not None:
            user = self.request.user
            ctx["parent_links"] = (
                UnitLink.objects.all()
                .restrict(user)
                .filter(child=unit)
                .select_related("parent")
                .order_by("-valid_from")
            )
            ctx["children"] = (
                OrgUnit.objects.all()
                .restrict(user)
                .subtree(unit, include_root=False)
                .with_parent_on()
                .filter(parent_on_date=unit.pk)
                .order_by("code")
            )
            ctx["appointments"] = (
                Appointment.objects.all()
                .restrict(user)
                .filter(unit=unit, valid_to__isnull=True)
                .select_related("person")
                .order_by("person__latin_name")
            )
        return ctx


class PersonDetailView(ObjectDetailView):
    template_name = "org/person_detail.html"

    def context(self, **extra):
        ctx = super().context(**extra)
        person = extra.get("object")
        if person is not None:
            user = self.request.user
            ranks = list(
                RankRecord.objects.all()
                .restrict(user)
                .filter(person=person)
                .select_related("rank")
                .order_by("-since")
            )
            ctx["rank_records"] = ranks
            ctx["current_rank"] = next((r.rank for r in ranks if r.since <= today()), None)
            ctx["appointments"] = (
                Appointment.objects.all()
                .restrict(user)
                .filter(person=person)
                .select_related("unit")
                .order_by("-valid_from")
            )
            ctx["today"] = today()
        return ctx
