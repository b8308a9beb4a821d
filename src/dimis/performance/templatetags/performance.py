from django import template

from ..dashboard import format_figure

register = template.Library()


@register.filter
def figure(value, indicator):
    """A value as the indicator shows it: its scale, decimals and unit, in the reader's locale."""
    return format_figure(indicator, value)


@register.filter
def rag_class(rag):
    return {"red": "danger", "amber": "warning", "green": "success"}.get(rag, "secondary")
