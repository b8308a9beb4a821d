"""Generated suites for the review queue's reports and proposals: both change only by their own
workflow (ingestion, decisions), never by generic writes."""

import hashlib

from dimis.framework.testing import RegisteredModelTests
from dimis.ingest.models import Proposal, Report

TEXT = "Senior Lieutenant General Pham Hoai Nam chaired the conference."


def make_report(unit, **extra):
    n = Report.objects.count() + 1
    text = f"{TEXT} ({n})"
    return Report.objects.create(
        title=f"Báo cáo hội nghị {n}",
        source_name=f"report-{n}.txt",
        source_format="txt",
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        owning_unit=unit,
        **extra,
    )


class TestReport(RegisteredModelTests):
    model = Report
    read_only = True

    def make(self, unit, **extra):
        return make_report(unit, **extra)

    def form_data(self, unit):
        return {"title": "Báo cáo mới", "source_name": "new.txt", "owning_unit": unit.pk}


class TestProposal(RegisteredModelTests):
    model = Proposal
    read_only = True

    def make(self, unit, **extra):
        report = make_report(unit, classification=extra.get("classification", 0))
        return Proposal.objects.create(
            report=report,
            kind="person",
            label=f"Pham Hoai Nam {Proposal.objects.count() + 1}",
            payload={"name": "Pham Hoai Nam", "full_name": "Pham Hoai Nam"},
            fingerprint=hashlib.sha256(b"person").hexdigest(),
            span_start=26,
            span_end=39,
            sentence_end=len(TEXT),
            **extra,
        )

    def form_data(self, unit):
        report = make_report(unit)
        return {"report": report.pk, "kind": "person", "label": "Ai đó", "classification": 0}
