import datetime

import pytest

from dimis.performance import periods
from dimis.performance.models import Period, PeriodNesting
from dimis.performance.periods import PeriodCodeError, PeriodType


@pytest.mark.parametrize(
    "code, kind, start, end",
    [
        ("2023", PeriodType.YEARLY, (2023, 1, 1), (2023, 12, 31)),
        ("2023S1", PeriodType.SIX_MONTHLY, (2023, 1, 1), (2023, 6, 30)),
        ("2023s2", PeriodType.SIX_MONTHLY, (2023, 7, 1), (2023, 12, 31)),
        ("2023Q2", PeriodType.QUARTERLY, (2023, 4, 1), (2023, 6, 30)),
        ("202402", PeriodType.MONTHLY, (2024, 2, 1), (2024, 2, 29)),
        ("2021-2025", PeriodType.PLAN, (2021, 1, 1), (2025, 12, 31)),
    ],
)
def test_codes_parse_as_dhis2_does(code, kind, start, end):
    parsed = periods.parse(code)
    assert parsed.period_type == kind
    assert parsed.start == datetime.date(*start)
    assert parsed.end == datetime.date(*end)


@pytest.mark.parametrize(
    "code", ["2023Q5", "202313", "2023S3", "23", "2025-2021", "", "abc", "1800"]
)
def test_bad_codes_say_why(code):
    with pytest.raises(PeriodCodeError):
        periods.parse(code)


def test_preceding_periods_cross_years():
    assert periods.preceding(periods.parse("2024Q1"), 3) == ["2023Q3", "2023Q4", "2024Q1"]
    assert periods.preceding(periods.parse("202402"), 3) == ["202312", "202401", "202402"]
    assert periods.preceding(periods.parse("2026-2030"), 2) == ["2021-2025", "2026-2030"]


def test_labels_in_both_languages():
    from django.utils import translation

    with translation.override("en"):
        assert periods.label(periods.parse("2023S1")) == "first half of 2023"
    with translation.override("vi"):
        assert "2023" in periods.label(periods.parse("2023S1"))
        assert periods.label(periods.parse("2023S1")) != "first half of 2023"


@pytest.mark.django_db
def test_a_month_nests_in_quarter_half_year_and_plan():
    plan = Period.objects.for_code("2021-2025")
    june = Period.objects.for_code("202306")
    ancestors = set(june.ancestors.values_list("code", flat=True))
    assert ancestors == {"2023Q2", "2023S1", "2023", "2021-2025"}
    # A plan period created later picks up what already exists inside it.
    later = Period.objects.for_code("2023-2027")
    assert PeriodNesting.objects.filter(period=june, ancestor=later).exists()
    assert set(plan.descendants.values_list("code", flat=True)) >= {"202306", "2023Q2", "2023"}


@pytest.mark.django_db
def test_a_period_code_cannot_be_changed():
    from django.core.exceptions import ValidationError

    june = Period.objects.for_code("202306")
    june = Period.objects.get(pk=june.pk)
    june.code = "202307"
    with pytest.raises(ValidationError):
        june.clean()
