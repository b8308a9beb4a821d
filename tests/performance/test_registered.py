"""Generated view, API, access, export, import and query-count suites for the performance registers."""

import pytest

from dimis.framework.testing import RegisteredModelTests
from dimis.performance.models import DataSubmission, Indicator, Period, Target, ValidationRule

from .helpers import indicator, period


class TestIndicator(RegisteredModelTests):
    model = Indicator
    scoped = False
    change = ("name_en", "Revenue (consolidated)")
    list_extra_rows = 5
    import_row = {
        "code": "EXPORT_VALUE",
        "name": "Giá trị xuất khẩu",
        "unit_of_measure": "usd",
        "period_type": "monthly",
        "unit_aggregation": "sum",
        "time_aggregation": "sum",
        "decimals": "0",
        "display_scale": "1",
        "sort_order": "10",
        "classification": "0",
    }

    def make(self, unit, **extra):
        return indicator(f"IND{Indicator.objects.count()}", **extra)

    def form_data(self, unit):
        return {
            "code": "REVENUE",
            "name": "Doanh thu",
            "name_en": "Revenue",
            "unit_of_measure": "vnd",
            "period_type": "monthly",
            "unit_aggregation": "sum",
            "time_aggregation": "sum",
            "higher_is_better": "on",
            "decimals": 0,
            "display_scale": 1_000_000_000,
            "sort_order": 10,
            "classification": 0,
        }


def test_an_indicator_with_min_above_max_is_refused(world, client):
    client.force_login(world.planner)
    data = TestIndicator().form_data(world.f1) | {"min_value": "10", "max_value": "5"}
    response = client.post("/performance/indicator/add/", data)
    assert response.status_code == 400 and not Indicator.objects.exists()


class TestPeriod(RegisteredModelTests):
    model = Period
    scoped = False
    writer = "admin"
    change = ("name", "Kế hoạch 5 năm 2040–2044")
    list_extra_rows = 5
    import_row = {"code": "2031-2035", "name": "Kế hoạch 5 năm 2031–2035"}

    def make(self, unit, **extra):
        n = Period.objects.count()
        return period(f"{2040 + n}-{2044 + n}")

    def form_data(self, unit):
        return {"code": "2040-2044", "name": ""}


@pytest.mark.django_db
def test_a_period_created_in_the_form_nests_and_a_bad_code_is_named(world, client):
    client.force_login(world.admin)
    assert client.post("/performance/period/add/", {"code": "2023Q2"}).status_code == 302
    assert set(Period.objects.values_list("code", flat=True)) == {"2023Q2", "2023S1", "2023"}
    response = client.post("/performance/period/add/", {"code": "2023Q9"})
    assert response.status_code == 400 and "2023Q9" in response.content.decode()


class TestTarget(RegisteredModelTests):
    model = Target
    change = ("source", "Nghị quyết Đảng ủy Tổng cục 2023")
    import_row = {
        "indicator": "REV",
        "unit": "{unit}",
        "period": "2023",
        "value": "1200000000000",
        "source": "",
        "classification": "0",
    }

    def make(self, unit, **extra):
        ind = Indicator.objects.filter(code="REV").first() or indicator("REV")
        n = Target.objects.count()
        return Target.objects.create(
            indicator=ind, unit=unit, period=period(str(2000 + n)), value=100, **extra
        )

    def form_data(self, unit):
        ind = Indicator.objects.filter(code="REV").first() or indicator("REV")
        return {
            "indicator": ind.pk,
            "unit": unit.pk,
            "period": "2024",
            "value": "1500",
            "source": "",
            "classification": 0,
        }

    @pytest.fixture(autouse=True)
    def revenue(self, db):
        indicator("REV")


class TestDataSubmission(RegisteredModelTests):
    model = DataSubmission
    read_only = True
    classified = False  # the status of figures, not a classified record of its own

    def make(self, unit, **extra):
        n = DataSubmission.objects.count()
        code = f"{2000 + n // 12}{n % 12 + 1:02d}"
        return DataSubmission.objects.create(unit=unit, period=period(code), **extra)

    def form_data(self, unit):
        return {"unit": unit.pk, "period": period("202312").pk}


class TestValidationRule(RegisteredModelTests):
    model = ValidationRule
    scoped = False
    change = ("message", "Export value cannot exceed revenue")
    list_extra_rows = 5

    def make(self, unit, **extra):
        left = Indicator.objects.filter(code="EXP").first() or indicator("EXP")
        right = Indicator.objects.filter(code="REV").first() or indicator("REV")
        n = ValidationRule.objects.count()
        return ValidationRule.objects.create(
            name=f"Rule {n}", left=left, comparison="le", right=right, **extra
        )

    def form_data(self, unit):
        left = Indicator.objects.filter(code="EXP").first() or indicator("EXP")
        return {"name": "Non-negative", "left": left.pk, "comparison": "ge", "right_value": "0"}


@pytest.mark.django_db
def test_a_rule_compares_with_an_indicator_or_a_number_not_both(world):
    from django.core.exceptions import ValidationError

    left, right = indicator("EXP"), indicator("REV")
    with pytest.raises(ValidationError):
        ValidationRule(name="x", left=left, comparison="le").clean()
    with pytest.raises(ValidationError):
        ValidationRule(name="x", left=left, comparison="le", right=right, right_value=1).clean()
    with pytest.raises(ValidationError):
        ValidationRule(name="x", left=left, comparison="le", right=left).clean()
