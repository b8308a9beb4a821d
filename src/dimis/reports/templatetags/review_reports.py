from django import template
from django.utils.safestring import mark_safe

from ..charts import svg
from ..text import printed

register = template.Library()


@register.filter
def chart_svg(chart):
    """The chart drawn as inline SVG (its texts are escaped by `charts.svg`)."""
    return mark_safe(svg(chart))  # noqa: S308


@register.filter
def tone_class(tone):
    return f"tone-{tone}" if tone else ""


@register.filter(name="printed")
def printed_rows(table):
    """{"rows", "more", "note"}: the rows a printed format shows (see DIMIS_REPORT_PRINT_ROWS)."""
    return printed(table)
