"""Reading a report: pasted text, a .txt, .html, .docx or .pdf file, or a folder of them.

Every reader returns plain text (photo captions of HTML and DOCX preceded by a line
`leftcenterrightdel`, the marker the scraped texts already use, so that cleaning keeps them apart)
or raises an `IngestError` naming the file and the reason. Nothing is written anywhere.
A folder is read one file at a time (`iter_folder` is a generator): memory stays flat.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import (
    BinaryInput,
    EmptyInput,
    EncodingProblem,
    IngestError,
    NoText,
    TooLarge,
    Unreadable,
    UnsupportedType,
)

CAPTION_MARK = "leftcenterrightdel"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}


@dataclass(frozen=True)
class SourceDocument:
    name: str  # the file name, or "pasted text"
    text: str  # as read, before cleaning
    format: str  # txt, html, docx, pdf, paste


def max_bytes() -> int:
    """The size limit (setting DIMIS_INGEST_MAX_BYTES), also outside a configured Django."""
    try:
        from django.conf import settings

        return int(getattr(settings, "DIMIS_INGEST_MAX_BYTES", DEFAULT_MAX_BYTES))
    except Exception:  # settings not configured: plain-Python use of the extractor
        return DEFAULT_MAX_BYTES


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def _check_size(name: str, size: int, limit: int) -> None:
    if size == 0:
        raise EmptyInput(name, _("the file is empty"))
    if size > limit:
        raise TooLarge(
            name,
            _("the file is %(size)s MB, more than the limit of %(limit)s MB")
            % {"size": _mb(size), "limit": _mb(limit)},
        )


# --- text and its encoding --------------------------------------------------------------------

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Signatures of binary formats that are sometimes renamed to .txt.
_MAGIC = [
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\xd0\xcf\x11\xe0",
    b"\x7fELF",
]
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_ALLOWED_SYMBOLS = set("“”‘’–—…•·°€£«»©®™§¶ªº±×÷")
_VIETNAMESE_1258 = re.compile("[ĂăÂâĐđÊêÔôƠơƯư\u0300\u0301\u0303\u0309\u0323]")


def _controls(text: str) -> int:
    return sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")


def decode(name: str, data: bytes) -> str:
    """Bytes of a text file to str: UTF-8 (with or without BOM), UTF-16/32 with BOM, or, only
    when the bytes are clearly such text, Windows-1258 (Vietnamese) or Windows-1252."""
    if not data.strip():
        raise EmptyInput(name, _("the file is empty"))
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise EncodingProblem(
                    name,
                    _(
                        "the file starts with a %(encoding)s byte order mark but is not valid %(encoding)s (byte %(position)s)"
                    )
                    % {"encoding": encoding.upper(), "position": error.start},
                ) from None
            return _checked(name, text)
    head = data[:8192]
    if any(head.startswith(m) for m in _MAGIC) or b"\x00" in head:
        raise BinaryInput(name, _("the file is binary, not text"))
    try:
        return _checked(name, data.decode("utf-8"))
    except UnicodeDecodeError as error:
        utf8_error = error
    # Valid UTF-8 sequences around an invalid byte: a damaged UTF-8 file, not a Windows one.
    if len(_UTF8_SEQUENCE.findall(data)) >= 3:
        raise EncodingProblem(
            name,
            _("the file is not valid UTF-8 (byte %(position)s) and not a Windows code page either")
            % {"position": utf8_error.start},
        )
    for encoding in ("cp1258", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1258" and not _VIETNAMESE_1258.search(text):
            continue  # no Vietnamese letters: read it as Windows-1252
        if _plausible(text):
            return _checked(name, unicodedata.normalize("NFC", text))
    raise EncodingProblem(
        name,
        _("the encoding is not recognised: save the file as UTF-8 (byte %(position)s is not UTF-8)")
        % {"position": utf8_error.start},
    )


def _plausible(text: str) -> bool:
    """Text of a Windows code page is mostly ASCII with letters in between."""
    high = [c for c in text if ord(c) > 127]
    if len(high) > 0.3 * max(1, len(text)):
        return False
    odd = [
        c
        for c in high
        if not c.isalpha() and c not in _ALLOWED_SYMBOLS and not unicodedata.combining(c)
    ]
    return len(odd) <= 0.1 * max(1, len(high)) and _controls(text) == 0


def _checked(name: str, text: str) -> str:
    if not text.strip():
        raise EmptyInput(name, _("the file holds no text"))
    if _controls(text) > max(2, len(text) // 1000):
        raise BinaryInput(name, _("the file is binary, not text"))
    return text


# --- HTML -------------------------------------------------------------------------------------

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "blockquote", "header", "footer", "figure", "hr", "dd", "dt", "pre",
}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "iframe", "svg", "object", "head", "canvas"}
_CAPTION_CLASS = re.compile(r"caption|image-?desc|photo-?desc|expnote", re.I)


class _TextOfHtml(HTMLParser):
    """Collects the visible text. Scripts, styles and the head are dropped, never run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.caption_depth: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
            return
        classes = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        if tag == "figcaption" or (
            tag in ("p", "div", "td", "span", "em") and _CAPTION_CLASS.search(classes)
        ):
            self.parts.append(f"\n{CAPTION_MARK}\n")
            self.caption_depth.append(tag)
        elif tag in _BLOCK or tag == "td":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.caption_depth and tag == self.caption_depth[-1]:
            self.caption_depth.pop()
            self.parts.append("\n\n")
        elif tag in _BLOCK or tag in ("td", "figcaption"):
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- DOCX and PDF ------------------------------------------------------------------------------


def docx_to_text(name: str, data: bytes) -> str:
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - a dependency of DIMIS
        raise Unreadable(name, _("python-docx is not installed")) from None
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, Exception):
        raise Unreadable(name, _("the file is not a valid .docx document")) from None
    lines = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if "caption" in style.lower():
            lines.append(CAPTION_MARK)
        lines.append(paragraph.text)
        lines.append("")
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.append(cell.text)
                lines.append("")
    return "\n".join(lines)


def pdf_to_text(name: str, data: bytes) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - a dependency of DIMIS
        raise Unreadable(name, _("pypdf is not installed")) from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable(name, _("the PDF is encrypted"))
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, Exception):
        raise Unreadable(name, _("the file is not a readable PDF")) from None
    text = "\n\n".join(pages)
    if not re.search(r"[^\W\d_]{2}", text):
        raise NoText(
            name,
            _("the PDF holds no text (a scan? DIMIS does not recognise text in images)"),
        )
    return text


# --- entry points -----------------------------------------------------------------------------


def read_text(text: str, name: str | None = None, limit: int | None = None) -> SourceDocument:
    """Pasted text."""
    name = name or _("pasted text")
    limit = max_bytes() if limit is None else limit
    _check_size(name, len(text.encode("utf-8")), limit)
    if not text.strip():
        raise EmptyInput(name, _("the text is empty"))
    return SourceDocument(name=name, text=_checked(name, text), format="paste")


def read_bytes(name: str, data: bytes, limit: int | None = None) -> SourceDocument:
    """An uploaded file: its name (for the type and the messages) and its bytes."""
    limit = max_bytes() if limit is None else limit
    _check_size(name, len(data), limit)
    suffix = Path(name).suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix == "":
        return SourceDocument(name, decode(name, data), "txt")
    if suffix in HTML_SUFFIXES:
        text = html_to_text(decode(name, data))
        if not text.strip():
            raise NoText(name, _("the page holds no text"))
        return SourceDocument(name, text, "html")
    if suffix == ".docx":
        text = docx_to_text(name, data)
        if not text.strip():
            raise NoText(name, _("the document holds no text"))
        return SourceDocument(name, text, "docx")
    if suffix == ".pdf":
        return SourceDocument(name, pdf_to_text(name, data), "pdf")
    raise UnsupportedType(
        name,
        _("DIMIS reads .txt, .html, .docx and .pdf reports, not “%(suffix)s” files")
        % {"suffix": suffix},
    )


def read_file(path: str | os.PathLike, limit: int | None = None) -> SourceDocument:
    path = Path(path)
    name = str(path)
    limit = max_bytes() if limit is None else limit
    try:
        if not path.is_file():
            raise Unreadable(name, _("there is no such file"))
        _check_size(name, path.stat().st_size, limit)  # before reading a byte of it
        if path.suffix.lower() not in SUFFIXES and path.suffix:
            read_bytes(name, b" ", limit)  # raises UnsupportedType
        data = path.read_bytes()
    except OSError as error:
        raise Unreadable(name, error.strerror or str(error)) from None
    return read_bytes(name, data, limit)


def report_files(folder: str | os.PathLike) -> Iterator[Path]:
    """The report files of a folder (not its subfolders), by name, lazily."""
    folder = Path(folder)
    if not folder.is_dir():
        raise Unreadable(str(folder), _("there is no such folder"))
    names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
    for entry_name in names:
        path = folder / entry_name
        if path.suffix.lower() in SUFFIXES and not entry_name.startswith("."):
            yield path


def iter_folder(
    folder: str | os.PathLike, limit: int | None = None
) -> Iterator[tuple[Path, SourceDocument | IngestError]]:
    """Each report of a folder with its text, or the error that refused it; one at a time."""
    for path in report_files(folder):
        try:
            yield path, read_file(path, limit)
        except IngestError as error:
            yield path, error
