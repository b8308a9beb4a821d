"""The generated suite for stored review reports (written only by the report job)."""

from dimis.framework.testing import RegisteredModelTests
from dimis.reports.models import GeneratedReport


class TestGeneratedReport(RegisteredModelTests):
    model = GeneratedReport
    read_only = True  # asked for on the report form, written by its job; no generic writes

    def make(self, unit, **extra):
        return GeneratedReport.objects.create(
            owning_unit=unit,
            kind="six_month",
            period_code="2024S1",
            language="vi",
            title=f"Sơ kết 6 tháng đầu năm 2024 — {unit.code}",
            **extra,
        )

    def form_data(self, unit):
        return {
            "owning_unit": unit.pk,
            "kind": "annual",
            "period_code": "2024",
            "language": "en",
        }
