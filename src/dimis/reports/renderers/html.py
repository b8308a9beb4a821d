"""The report as one self-contained HTML file: styles and charts inline, nothing fetched."""

from django.template.loader import render_to_string
from django.utils import translation


def render_html(report) -> bytes:
    with translation.override(report.language):
        return render_to_string("reports/document.html", {"report": report}).encode("utf-8")
