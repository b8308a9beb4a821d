"""How the report writes dates, counts, rates and markings in the reader's language.

Called inside `translation.override(language)`: Django's locale formats (dimis/formats) give
d/m/Y and a decimal comma in Vietnamese, ISO dates and a decimal point in English."""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dimis.directives.models import Timeliness
from dimis.framework.choices import Classification

TIMELINESS_TONE = {
    Timeliness.DONE_ON_TIME: "green",
    Timeliness.DONE_LATE: "amber",
    Timeliness.OVERDUE: "red",
}


def date_text(day: datetime.date | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else "—"


def count_text(n: int) -> str:
    return formats.number_format(n, 0, use_l10n=True, force_grouping=True)


def percent(part: int, whole: int) -> int:
    """A share in whole percent, rounded as the scorecard page rounds it ({% widthratio %})."""
    return round(part / whole * 100) if whole else 0


def percent_text(value: int | None) -> str:
    return "—" if value is None else f"{count_text(value)}%"


def classification_label(level: int) -> str:
    """The marking printed at the top and bottom of every page: "MẬT", "SECRET"."""
    return str(Classification(level).label).upper()


def place_date(day: datetime.date, language: str) -> str:
    """The place and date line of an administrative document (Decree 30/2020/NĐ-CP)."""
    place = pgettext("report place", "Hanoi")
    if language.startswith("vi"):
        # Days below 10 and the months January and February take a leading zero.
        month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
        return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {formats.date_format(day, 'j F Y')}"


def timeliness_label(value: str) -> str:
    return str(Timeliness(value).label)


def rag_label(rag: str) -> str:
    return {"red": _("red"), "amber": _("amber"), "green": _("green")}.get(rag, _("no target"))


def printed(table) -> dict:
    """The rows of `table` a printed format shows, and the note saying where the rest are."""
    from django.conf import settings

    rows, more = table.printed(settings.DIMIS_REPORT_PRINT_ROWS)
    note = ""
    if more:
        note = _(
            "The first %(shown)s of %(total)s rows; the XLSX annex has them all "
            "(sheet “%(sheet)s”)."
        ) % {
            "shown": count_text(len(rows)),
            "total": count_text(len(table.rows)),
            "sheet": table.sheet,
        }
    return {"rows": rows, "more": more, "note": note}
