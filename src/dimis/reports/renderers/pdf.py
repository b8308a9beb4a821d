"""The report as PDF (WeasyPrint): the HTML file laid out for A4, with the classification at the
top and bottom of every page, page numbers, and a table of contents with page numbers."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .html import render_html

# Relative URLs in the document resolve under this base; it names no host that could answer.
BASE_URL = "https://dimis.invalid/"


class LocalStaticFetcher(URLFetcher):
    """Serves DIMIS's own static files and inline data, and refuses every other URL: laying out a
    report never reaches the network (isolated networks; no leak of what a report contains)."""

    def fetch(self, url, headers=None):
        static = BASE_URL + settings.STATIC_URL.lstrip("/")
        if url.startswith(static):
            found = finders.find(unquote(url[len(static) :].split("?")[0]))
            if found:
                kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, Path(found).read_bytes(), headers={"Content-Type": kind}
                )
        elif url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"DIMIS does not fetch {url[:200]}")


def render_pdf(report) -> bytes:
    html = render_html(report).decode("utf-8")
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalStaticFetcher()).write_pdf()
