"""The documents being implemented in the scope and the status of their clauses."""

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from dimis.directives.models import Clause, Document, DocumentStatus, Task, Timeliness
from dimis.framework.display import restricted_label
from dimis.org.models import OrgUnit

from ..registry import report_section
from ..structure import Cell, Paragraph, Section, Table
from ..text import count_text, date_text


def clause_status(counts: dict | None) -> tuple[str, str]:
    """A clause is as far along as its tasks: any overdue, else any open, else done."""
    if not counts or not counts["total"]:
        return _("No task assigned"), ""
    if counts["overdue"]:
        return _("Tasks overdue"), "red"
    if counts["open"]:
        return _("Under way"), ""
    if counts["done_late"]:
        return _("Done, some late"), "amber"
    return _("Done on time"), "green"


@report_section("documents", order=20)
def documents(scope) -> Section:
    user = scope.user
    section = Section("documents", _("Documents being implemented"))
    # In force and issued by the end of the period, and kept by a unit of the scope.
    docs = list(
        Document.objects.all()
        .restrict(user)
        .filter(
            status=DocumentStatus.IN_FORCE,
            issue_date__lte=scope.end,
            owning_unit__in=scope.units,
        )
        .select_related("issuer", "implements")
        .order_by("issue_date", "pk")
    )
    shown = {d.pk for d in docs}
    # An issuer outside the reader's grants (the Politburo, say) is not named.
    issuers = set(
        OrgUnit.objects.all()
        .restrict(user)
        .filter(pk__in={d.issuer_id for d in docs})
        .values_list("pk", flat=True)
    )
    section.add(
        Paragraph(
            _(
                "Documents in force and issued by %(end)s that units of %(unit)s carry out, in "
                "the order they were issued; each clause's status comes from the tasks it gave "
                "units of the scope, as of %(on)s."
            )
            % {"end": date_text(scope.end), "unit": scope.unit, "on": date_text(scope.on)}
        )
    )
    section.add(
        Table(
            "documents",
            _("Documents"),
            [_("Number"), _("Title"), _("Kind"), _("Issuer"), _("Issue date"), _("Implements")],
            [
                [
                    Cell(doc.number or "—"),
                    Cell(doc.title),
                    Cell(doc.get_kind_display()),
                    Cell(str(doc.issuer) if doc.issuer_id in issuers else restricted_label()),
                    Cell(date_text(doc.issue_date), doc.issue_date),
                    # Only a parent the reader may see is named.
                    Cell(
                        (doc.implements.number or doc.implements.title)
                        if doc.implements_id in shown
                        else "—"
                    ),
                ]
                for doc in docs
            ],
            number_formats={4: "dd/mm/yyyy"},
            empty=_("No document in force is recorded for this scope."),
        )
    )
    clauses = list(
        Clause.objects.all()
        .restrict(user)
        .filter(document__in=[d.pk for d in docs])
        .select_related("document")
        .order_by("document__issue_date", "document_id", "number")
    )
    counts = {
        row.pop("clause"): row
        for row in Task.objects.all()
        .restrict(user)
        .filter(clause__in=[c.pk for c in clauses], lead_unit__in=scope.units)
        .with_timeliness(scope.on)
        .values("clause")
        .annotate(
            total=Count("pk", filter=~Q(timeliness=Timeliness.CANCELLED)),
            done_on_time=Count("pk", filter=Q(timeliness=Timeliness.DONE_ON_TIME)),
            done_late=Count("pk", filter=Q(timeliness=Timeliness.DONE_LATE)),
            open=Count("pk", filter=Q(timeliness=Timeliness.OPEN_WITHIN_DEADLINE)),
            overdue=Count("pk", filter=Q(timeliness=Timeliness.OVERDUE)),
            level=Max("classification"),
        )
        .order_by()
    }
    rows = []
    statuses = {"red": 0, "green": 0}
    for clause in clauses:
        c = counts.get(clause.pk)
        label, tone = clause_status(c)
        if tone in statuses:
            statuses[tone] += 1
        numbers = [c[k] if c else 0 for k in ("total", "done_on_time", "done_late", "open")]
        numbers.append(c["overdue"] if c else 0)
        rows.append(
            [
                Cell(clause.document.number or clause.document.title),
                Cell(clause.number),
                Cell(clause.text),
                *(Cell(count_text(n), n) for n in numbers),
                Cell(label, tone=tone),
            ]
        )
    section.add(
        Table(
            "clauses",
            _("Clauses and their tasks"),
            [
                _("Document"),
                _("Clause"),
                _("Text"),
                _("Tasks"),
                _("Done on time"),
                _("Done late"),
                _("Open, within deadline"),
                _("Overdue"),
                _("Status"),
            ],
            rows,
            numeric=frozenset(range(3, 8)),
            empty=_("No clauses are recorded for these documents."),
        )
    )
    section.classification = max(
        [0]
        + [d.classification for d in docs]
        + [c.classification for c in clauses]
        + [d.issuer.classification for d in docs if d.issuer_id in issuers]
        + [c["level"] for c in counts.values()]
    )
    section.summary = _(
        "Documents in force: %(documents)s, with %(clauses)s clauses; "
        "clauses with overdue tasks: %(red)s; clauses done on time: %(green)s."
    ) % {
        "documents": count_text(len(docs)),
        "clauses": count_text(len(clauses)),
        "red": count_text(statuses["red"]),
        "green": count_text(statuses["green"]),
    }
    return section
