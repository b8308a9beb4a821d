"""Assemble a review report once: every registered section, built from what the requester may
see, in the report's language, with the highest classification of what it contains."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dimis.framework.access import today
from dimis.meetings.models import Meeting
from dimis.org.models import OrgUnit
from dimis.performance import periods
from dimis.performance.models import Period

from .registry import registered
from .scope import ReportKind, ReportScope
from .structure import ReviewReport
from .text import classification_label, place_date

TITLES = {
    ReportKind.SIX_MONTH: lambda period: _("Six-month review: %(period)s") % {"period": period},
    ReportKind.ANNUAL: lambda period: _("Annual review: %(period)s") % {"period": period},
    ReportKind.MULTI_YEAR: lambda period: _("Multi-year review: %(period)s") % {"period": period},
}


def make_scope(user, unit, period_code, kind, language, meeting=None, on=None) -> ReportScope:
    """The scope of a report, refused (PermissionDenied) for a unit or a meeting the user may not
    see. The period is read, never created: one never reported on holds no figures."""
    if not OrgUnit.objects.all().restrict(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("You may not see this unit."))
    if (
        meeting is not None
        and not Meeting.objects.all().restrict(user).filter(pk=meeting.pk).exists()
    ):
        raise PermissionDenied(_("You may not see this meeting."))
    (period,) = Period.objects.stored_or_unsaved([periods.parse(period_code)])
    return ReportScope(user, unit, period, kind, language, meeting, on or today())


def build(scope: ReportScope, progress=None) -> ReviewReport:
    """The report for `scope`; `progress(done, total)` is told after each section."""
    with translation.override(scope.language):
        specs = registered()
        sections = []
        for done, spec in enumerate(specs, start=1):
            section = spec.build(scope)
            if section is not None:
                section.number = len(sections) + 1
                sections.append(section)
            if progress:
                progress(done, len(specs))
        return _assemble(scope, sections)


def _assemble(scope, sections) -> ReviewReport:
    unit, meeting = scope.unit, scope.meeting
    level = max(
        [unit.classification, meeting.classification if meeting else 0]
        + [s.classification for s in sections]
    )
    parent = unit.parent_on(scope.on)
    # The body above the issuer is printed only if the reader may see it.
    if (
        parent is not None
        and not OrgUnit.objects.all().restrict(scope.user).filter(pk=parent.pk).exists()
    ):
        parent = None
    subtitle = _("%(unit)s and the units under it") % {"unit": unit}
    if meeting is not None:
        subtitle += " · " + _("For: %(meeting)s") % {"meeting": meeting}
    user = scope.user
    report = ReviewReport(
        title=TITLES[scope.kind](scope.period.label),
        subtitle=subtitle,
        language=scope.language,
        kind=scope.kind,
        period_code=scope.period.code,
        period_label=scope.period.label,
        scope_name=str(unit),
        issuing_body=unit.display_name.upper(),
        parent_body=parent.display_name.upper() if parent else "",
        number_line=_("No.: …/BC-%(issuer)s") % {"issuer": unit.code},
        place_date=place_date(scope.on, scope.language),
        generated_at=timezone.localtime(),
        as_of=scope.on,
        requested_by=(user.get_full_name() or user.get_username()) if user else "",
        classification=level,
        classification_label=classification_label(level),
        sections=sections,
        summary=[s.summary for s in sections if s.summary],
    )
    report.name_sheets(_("Summary"))
    return report


def build_report(user, unit, period_code, kind, language, meeting=None, on=None, progress=None):
    """One call: the scope, then the report."""
    return build(make_scope(user, unit, period_code, kind, language, meeting, on), progress)
