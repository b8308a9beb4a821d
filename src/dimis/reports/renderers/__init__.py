"""One renderer per format, each from the same assembled `ReviewReport`."""

from .docx import render_docx
from .html import render_html
from .pdf import render_pdf
from .xlsx import render_xlsx

RENDERERS = {
    "html": render_html,
    "pdf": render_pdf,
    "docx": render_docx,
    "xlsx": render_xlsx,
}

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

__all__ = ["CONTENT_TYPES", "RENDERERS", "render_docx", "render_html", "render_pdf", "render_xlsx"]
