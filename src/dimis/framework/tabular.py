"""CSV and XLSX in and out. Exports stream; imports are bounded and report the row and column."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException


class TableFileError(Exception):
    """The file as a whole cannot be read (encoding, format, size): nothing is imported."""


class _Echo:
    def write(self, value):
        return value


def csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 CSV with Vietnamese correctly only with a BOM.
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in row])


def xlsx_bytes(title: str, header: list[str], rows: Iterable[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def human_size(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, round(size / 1024))} KB"


def read_table(upload) -> tuple[list[str], list[tuple[int, list]]]:
    """(header, [(row number as the user sees it, cells)]) from an uploaded CSV or XLSX file."""
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None)
    if size is not None and size > settings.DIMIS_IMPORT_MAX_BYTES:
        raise TableFileError(
            _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
            % {
                "size": human_size(size),
                "limit": human_size(settings.DIMIS_IMPORT_MAX_BYTES),
            }
        )
    if size == 0:
        raise TableFileError(_("The file is empty."))
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(upload)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _csv_rows(upload)
    else:
        raise TableFileError(_("Upload a .csv or .xlsx file."))
    header: list[str] | None = None
    body = []
    for number, cells in rows:
        if header is None:
            header = [str(c).strip() if c is not None else "" for c in cells]
            continue
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        body.append((number, cells))
        if len(body) > settings.DIMIS_IMPORT_MAX_ROWS:
            raise TableFileError(
                _("The file has more than %(limit)s rows. Split it into smaller files.")
                % {"limit": settings.DIMIS_IMPORT_MAX_ROWS}
            )
    if not header or not any(header):
        raise TableFileError(_("The file has no header row."))
    return header, body


def _csv_rows(upload):
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableFileError(
            _(
                "The file is not UTF-8 text (invalid byte at position %(pos)s). Save it as “CSV UTF-8”."
            )
            % {"pos": error.start}
        ) from error
    if "\x00" in text:
        raise TableFileError(_("The file is not a text CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise TableFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def _xlsx_rows(upload):
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as error:
        raise TableFileError(_("The file is not a valid XLSX workbook.")) from error
    except Exception as error:  # zipfile.BadZipFile and other corrupt-archive errors
        raise TableFileError(_("The file is not a valid XLSX workbook.")) from error
    sheet = workbook.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(row)
    workbook.close()
