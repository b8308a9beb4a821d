"""DHIS2 `dataValueSets` in and out, JSON or CSV, streamed both ways.

Identifiers follow DHIS2's CODE scheme: a data element is an indicator's code (or its DHIS2 UID
where one is recorded), an organisation unit is a unit's code, a period is a DHIS2 period code
(2023, 2023S1, 2023Q2, 202306; 2021-2025 is DIMIS's plan period). So ask DHIS2 for its exports
with `idScheme=CODE` (…/api/dataValueSets.json?dataSet=…&period=…&orgUnit=…&idScheme=CODE), and
import DIMIS's exports into DHIS2 with `idScheme=CODE` as well.

DIMIS has no disaggregations: a category or attribute option combination must be empty,
`default` or DHIS2's default UID. A data value with `deleted: true`, or with an empty value,
removes the stored figure.

Imports read the file in chunks and hand each data value to `values.ValueWriter` as soon as it
is complete (copied straight into the values when the file holds new figures only, staged
otherwise), so memory stays flat however large the file; the top-level `period`,
`orgUnit` and `attributeOptionCombo` act as defaults for the data values that follow them (DHIS2
writes them before `dataValues`). Exports stream from a server-side cursor.
"""

import codecs
import contextlib
import csv
import decimal
import io
import json
import operator
import re
import tempfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dimis.org.models import OrgUnit

from . import periods as period_codes
from . import values
from .models import Indicator, Period, PeriodNesting, Value, ValueBatch

FORMATS = ("json", "csv")
CHUNK_SIZE = 1024 * 1024
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # a request body kept in memory up to this, then on disk
# One data value (or one other top-level member) longer than this is taken as broken JSON: the
# parser never holds more than about this much of the file plus a chunk.
MAX_ELEMENT_CHARS = 1024 * 1024
DEFAULT_COMBO_UID = "HllvX50cXC0"
EXPORT_CHUNK_ROWS = 2000
EXPORT_FLUSH_BYTES = 64 * 1024

# Top-level members that are defaults for the data values.
DEFAULT_KEYS = ("period", "orgUnit", "attributeOptionCombo")
COMBO_KEYS = ("categoryOptionCombo", "attributeOptionCombo")

# CSV header cells (lower case, letters only) to DHIS2's JSON names, both DHIS2 spellings: the
# columns an import reads. The others DHIS2 writes (storedby, created, lastupdated, followup)
# are left unread.
CSV_COLUMNS = {
    "dataelement": "dataElement",
    "period": "period",
    "orgunit": "orgUnit",
    "catoptcombo": "categoryOptionCombo",
    "categoryoptioncombo": "categoryOptionCombo",
    "attroptcombo": "attributeOptionCombo",
    "attributeoptioncombo": "attributeOptionCombo",
    "value": "value",
    "comment": "comment",
    "deleted": "deleted",
}
CSV_REQUIRED = ("dataElement", "period", "orgUnit", "value")
CSV_HEADER = [
    "dataelement",
    "period",
    "orgunit",
    "catoptcombo",
    "attroptcombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
]
EXPORT_FIELDS = (
    "indicator__code",
    "period__code",
    "unit__code",
    "value",
    "stored_by",
    "created",
    "last_updated",
    "comment",
)

_WHITE_SPACE = re.compile(r"[ \t\n\r]*")
_COMMA = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")


def max_bytes() -> int:
    """The largest file one import takes (setting DIMIS_DHIS2_MAX_BYTES, 2 GiB by default)."""
    return settings.DIMIS_DHIS2_MAX_BYTES


def format_for_name(name: str) -> str | None:
    """'figures.JSON' -> 'json'; None when the extension is not one DIMIS reads."""
    extension = str(name or "").rsplit(".", 1)[-1].lower() if "." in str(name or "") else ""
    return extension if extension in FORMATS else None


def plain_number(number) -> str:
    """12.5000 -> '12.5', 1200.0000 -> '1200': DHIS2's plain decimal text."""
    if number is None:
        return ""
    if not isinstance(number, decimal.Decimal):
        number = decimal.Decimal(str(number))
    return format(number.normalize(), "f")


class FileProblem(Exception):
    """The file as a whole cannot be read; becomes a ValuesRejected naming no row (or a line)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


# -- reading the bytes ---------------------------------------------------------------------------


class _MeteredStream(io.RawIOBase):
    """The upload as read: counted against the size limit and fed to the batch's digest."""

    def __init__(self, stream, on_bytes=None, limit: int | None = None):
        super().__init__()
        self.stream, self.on_bytes, self.limit = stream, on_bytes, limit
        self.size = self.newlines = 0
        self.last = b""

    def readable(self):
        return True

    def read_chunk(self, size: int) -> bytes:
        data = self.stream.read(size)
        if isinstance(data, str):
            raise TypeError("the stream must be binary")
        data = bytes(data or b"")
        if data:
            self.size += len(data)
            if self.limit is not None and self.size > self.limit:
                raise FileProblem(
                    _(
                        "The file is larger than %(limit)s, the most one import takes. Split it "
                        "(by period or by unit) and import the parts."
                    )
                    % {"limit": filesizeformat(self.limit)}
                )
            if self.on_bytes is not None:
                self.on_bytes(data)
            self.newlines += data.count(b"\n")
        self.last = data
        return data

    def line_of(self, error: UnicodeDecodeError) -> int:
        """The line (from 1) of the byte a decoder of the chunks as read could not decode: its
        `error.object` is the last chunk, after any bytes held from the one before."""
        held = len(error.object) - len(self.last)
        before = error.object[max(0, held) : error.start].count(b"\n")
        return self.newlines - self.last.count(b"\n") + before + 1

    def readinto(self, buffer):
        data = self.read_chunk(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _not_utf8(offset: int | None = None) -> str:
    if offset is None:
        return _("The file is not UTF-8 text. Save it as UTF-8 and import it again.")
    return _(
        "The file is not UTF-8 text (byte %(offset)s cannot be read as UTF-8). Save it as UTF-8 "
        "and import it again."
    ) % {"offset": offset}


# -- JSON ----------------------------------------------------------------------------------------


class _JsonText:
    """The decoded text of a JSON file, a window at a time: `text[pos:]` is still to be read."""

    def __init__(self, raw: _MeteredStream, chunk_size: int):
        self.raw, self.chunk_size = raw, max(1, int(chunk_size))
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self.text, self.pos, self.eof = "", 0, False
        self.bytes_read = 0
        # Where `text` starts in the file, for error positions: character offset, its line, and
        # the offset at which that line starts.
        self.offset, self.line, self.line_start = 0, 1, 0

    def more(self) -> bool:
        """Read the next chunk (dropping what was read); False at the end of the file."""
        if self.eof:
            return False
        done = self.text[: self.pos]
        newlines = done.count("\n")
        if newlines:
            self.line += newlines
            self.line_start = self.offset + done.rfind("\n") + 1
        self.offset += self.pos
        data = self.raw.read_chunk(self.chunk_size)
        try:
            decoded = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            # The decoder may hold up to three bytes of the previous chunk: "near" this byte.
            offset = max(1, self.bytes_read + error.start + 1)
            raise FileProblem(_not_utf8(offset)) from None
        self.bytes_read += len(data)
        self.text, self.pos = self.text[self.pos :] + decoded, 0
        self.eof = not data
        return True

    def where(self, index: int) -> tuple[int, int]:
        """(line, column) in the file of `text[index]`, both from 1."""
        before = self.text[:index]
        newlines = before.count("\n")
        if newlines:
            return self.line + newlines, index - before.rfind("\n")
        return self.line, self.offset + index - self.line_start + 1

    def not_json(self, index: int | None = None, where: tuple[int, int] | None = None):
        line, column = where or self.where(self.pos if index is None else index)
        return FileProblem(
            _("The file is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": line, "column": column}
        )

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            self.pos = _WHITE_SPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def expect(self, characters: str) -> str:
        found = self.peek()
        if not found or found not in characters:
            raise self.not_json()
        self.pos += 1
        return found

    def value(self, decoder: json.JSONDecoder):
        """Decode the next JSON value, reading on until it is complete."""
        self.peek()
        while True:
            try:
                found, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                where = self.where(error.pos)
                if self._read_on():
                    continue
                raise self.not_json(where=where) from None
            # A number or literal at the end of the window may go on in the next chunk.
            if end == len(self.text) and self.more():
                continue
            self.pos = end
            return found

    def _read_on(self) -> bool:
        """After a failed decode: read more if the value may be incomplete. The window grows
        geometrically, so tiny chunks stay linear; past MAX_ELEMENT_CHARS it is broken JSON."""
        pending = len(self.text) - self.pos
        if pending > MAX_ELEMENT_CHARS:
            return False
        while len(self.text) - self.pos < 2 * pending + 1:
            if not self.more():
                break
        return len(self.text) - self.pos > pending


def _not_a_data_value_set() -> FileProblem:
    return FileProblem(
        _(
            "This is not a DHIS2 data value set: the file must hold one JSON object with a "
            "“dataValues” array."
        )
    )


def _json_data_values(text: _JsonText) -> Iterator[tuple[int, object, dict]]:
    """(position from 1, data value, top-level defaults so far) for each data value."""
    decoder = json.JSONDecoder(parse_float=decimal.Decimal)
    defaults: dict = {}
    found_array = False
    position = 0
    first = text.peek()
    if not first:
        raise FileProblem(_("The file is empty."))
    if first != "{":
        if first != "[":
            text.value(decoder)  # not JSON at all, or JSON but not an object
        raise _not_a_data_value_set()
    text.pos += 1
    closed = text.peek() == "}"
    if closed:
        text.pos += 1
    while not closed:
        if text.peek() != '"':
            raise text.not_json()
        key = text.value(decoder)
        text.expect(":")
        if key == "dataValues":
            found_array = True
            if text.peek() != "[":
                raise _not_a_data_value_set()
            text.pos += 1
            if text.peek() == "]":
                text.pos += 1
            else:
                decode = decoder.raw_decode
                window = last_close = None
                while True:
                    # The usual case first: an object whole inside the window, then a comma.
                    source, start, end = text.text, text.pos, 0
                    if source is not window:  # a new window: where its last object may end
                        window, last_close = source, source.rfind("}")
                    if start < last_close and source[start] != "{":
                        start = _WHITE_SPACE.match(source, start).end()
                    # An object starting after the window's last "}" is cut by the window's
                    # end: read on the general way rather than fail to decode it.
                    if start < last_close and source[start] == "{":
                        try:
                            item, end = decode(source, start)
                        except json.JSONDecodeError:
                            end = 0  # broken (or nested past the window): the general way
                    if end:
                        text.pos = end
                    else:
                        item = text.value(decoder)
                    position += 1
                    yield position, item, defaults
                    comma = _COMMA.match(text.text, text.pos)
                    if comma:
                        text.pos = comma.end()
                    elif text.expect(",]") == "]":
                        break
        else:
            member = text.value(decoder)
            if key in DEFAULT_KEYS:
                defaults[key] = member
        closed = text.expect(",}") == "}"
    if text.peek():
        line, column = text.where(text.pos)
        raise FileProblem(
            _("There is more after the end of the JSON object (line %(line)s, column %(column)s).")
            % {"line": line, "column": column}
        )
    if not found_array:
        raise _not_a_data_value_set()


def parse_json_data_values(stream, chunk_size: int = CHUNK_SIZE):
    """The data values of a JSON data value set, read incrementally from a binary stream:
    (position from 1, data value, top-level defaults). Raises FileProblem."""
    yield from _json_data_values(_JsonText(_MeteredStream(stream), chunk_size))


# -- CSV -----------------------------------------------------------------------------------------


def _csv_data_values(raw: _MeteredStream, chunk_size: int) -> Iterator[tuple[int, dict, dict]]:
    """(line in the file, data value by DHIS2's JSON names, column names as written)."""
    # Unbuffered, so the text layer decodes exactly the chunks read: a byte that is not UTF-8
    # can be placed on its line.
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
    text._CHUNK_SIZE = max(1, int(chunk_size))
    reader = csv.reader(text)
    try:
        header = None
        while header is None:
            line = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                raise FileProblem(_("The file is empty."))
            if any(cell.strip() for cell in row):
                header = row
        columns: dict[str, int] = {}
        names: dict[str, str] = {}
        for index, cell in enumerate(header):
            name = CSV_COLUMNS.get(re.sub(r"[^a-z]", "", cell.strip().lower()))
            if name and name not in columns:
                columns[name], names[name] = index, cell.strip()
        missing = [c.lower() for c in CSV_REQUIRED if c not in columns]
        if missing:
            raise FileProblem(
                _(
                    "The CSV file has no column %(columns)s. Its first row must name the columns, "
                    "as DHIS2 writes them: %(header)s."
                )
                % {"columns": ", ".join(missing), "header": ",".join(CSV_HEADER)},
                line,
            )
        pairs = list(columns.items())
        keys = tuple(columns)
        cells = operator.itemgetter(*columns.values())  # at least the required three
        width = max(columns.values()) + 1
        end = reader.line_num
        for row in reader:
            line, end = end + 1, reader.line_num  # a quoted cell may span lines
            if (not row or not row[0] or row[0].isspace()) and not "".join(row).strip():
                continue
            if len(row) >= width:
                yield line, dict(zip(keys, cells(row), strict=True)), names
            else:
                yield line, {name: row[i] if i < len(row) else "" for name, i in pairs}, names
    except UnicodeDecodeError as error:
        raise FileProblem(_not_utf8(), raw.line_of(error)) from None
    except csv.Error:
        raise FileProblem(
            _("The CSV file cannot be read at line %(line)s.") % {"line": reader.line_num},
            reader.line_num,
        ) from None
    finally:
        text.detach()


# -- import --------------------------------------------------------------------------------------


DEFAULT_COMBOS = frozenset({None, "", DEFAULT_COMBO_UID, "default"})


def _is_default_combo(combo) -> bool:
    if combo is None or (combo.__class__ is str and combo in DEFAULT_COMBOS):
        return True  # the usual case, without normalising
    text = "" if combo is None else str(combo).strip()
    return text in ("", DEFAULT_COMBO_UID) or text.lower() == "default"


def _stage(writer, resolver, line, item, defaults, names=None):
    """One DHIS2 data value into the writer (or a row error)."""
    if not isinstance(item, dict):
        writer.error(line, _("data value"), _("A data value must be a JSON object."))
        return
    get = item.get
    category, attribute = get("categoryOptionCombo"), get("attributeOptionCombo")
    if attribute is None or attribute == "":
        attribute = defaults.get("attributeOptionCombo")
    # The usual data value names no combination or the default one, as a string: checked
    # inline, as a large import has it a million times.
    if not (
        (category is None or (category.__class__ is str and category in DEFAULT_COMBOS))
        and (attribute is None or (attribute.__class__ is str and attribute in DEFAULT_COMBOS))
    ):
        for key, combo in zip(COMBO_KEYS, (category, attribute), strict=True):
            if not _is_default_combo(combo):
                writer.error(
                    line,
                    (names or {}).get(key, key),
                    _(
                        "DIMIS has no disaggregations: only the default combination (empty, "
                        "“default” or %(uid)s) is accepted, not “%(combo)s”."
                    )
                    % {"uid": DEFAULT_COMBO_UID, "combo": combo},
                )
                return
    value = get("value")
    deleted = get("deleted")
    if deleted and str(deleted).strip().lower() == "true":
        value = None
    comment = get("comment")
    values.stage_row(
        writer,
        resolver,
        line,
        get("dataElement"),
        get("orgUnit") or defaults.get("orgUnit"),
        get("period") or defaults.get("period"),
        value,
        "" if comment is None else str(comment),
    )


def import_data_value_sets(
    user, stream, fmt, dry_run=False, source_name="", chunk_size=CHUNK_SIZE
) -> values.WriteResult:
    """Import a DHIS2 data value set (JSON or CSV) from the binary `stream`, all or nothing.

    Raises values.ValuesRejected (nothing written) naming the rows that are wrong, or the
    problem with the file as a whole. A dry run reports exactly what would change."""
    fmt = str(fmt or "").lower()
    if fmt not in FORMATS:
        message = _("Unknown format “%(format)s”: use json or csv.") % {"format": fmt}
        raise values.ValuesRejected([values.RowError(None, _("file"), message)], 1)
    if dry_run or connection.vendor != "postgresql":
        return _import(user, stream, fmt, dry_run, source_name, chunk_size, direct=False)
    # New figures, the usual large import, are copied straight into the values; anything else
    # is found on the way, and the file is read again and staged. A stream that cannot be read
    # twice (a request's body) is spooled to a temporary file first.
    with contextlib.ExitStack() as stack:
        if not _rewindable(stream):
            stream = stack.enter_context(_spooled(stream))
        start = stream.tell()
        try:
            return _import(user, stream, fmt, False, source_name, chunk_size, direct=True)
        except values.StagingNeeded:
            stream.seek(start)
        return _import(user, stream, fmt, False, source_name, chunk_size, direct=False)


def _rewindable(stream) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _spooled(stream) -> tempfile.SpooledTemporaryFile:
    """A copy of `stream` that can be read twice: in memory up to SPOOL_IN_MEMORY, then on
    disk; at most the size limit and one byte more (reading it, the import names the limit)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (the caller's)
    left = max_bytes() + 1
    while left > 0:
        data = stream.read(min(CHUNK_SIZE, left))
        if not data:
            break
        if isinstance(data, str):
            raise TypeError("the stream must be binary")
        spool.write(data)
        left -= len(data)
    spool.seek(0)
    return spool


def _import(user, stream, fmt, dry_run, source_name, chunk_size, direct) -> values.WriteResult:
    resolver = values.Resolver(user)  # afresh: periods it created may have been rolled back
    with transaction.atomic():
        writer_class = values.DirectValueWriter if direct else values.ValueWriter
        writer = writer_class(user, ValueBatch.Kind.DHIS2, source_name, dry_run=dry_run)
        writer.attach(resolver)
        raw = _MeteredStream(stream, writer.feed_digest, max_bytes())
        try:
            if fmt == "json":
                for position, item, defaults in _json_data_values(_JsonText(raw, chunk_size)):
                    _stage(writer, resolver, position, item, defaults)
            else:
                for line, item, names in _csv_data_values(raw, chunk_size):
                    _stage(writer, resolver, line, item, {}, names)
            result = writer.finish()
        except FileProblem as problem:
            writer.abort()
            errors = [values.RowError(problem.line, _("file"), problem.message), *writer.errors]
            raise values.ValuesRejected(
                errors[: values.MAX_ERRORS], writer.error_count + 1
            ) from None
        except BaseException:
            writer.abort()
            raise
        if dry_run:
            transaction.set_rollback(True)
    return result


# -- export --------------------------------------------------------------------------------------


class ExportFilterError(ValueError):
    """A filter names something that does not exist or that the user may not see."""


def export_filters(
    user, *, unit="", children=True, periods=(), start="", end="", indicators=()
) -> dict:
    """Keyword arguments for `export_data_value_sets` from codes and ISO dates (the API's, the
    command's and the page's parameters). Raises ExportFilterError with the reason."""
    filters: dict = {"children": children}
    unit = str(unit or "").strip()
    if unit:
        found = OrgUnit.objects.all().restrict(user).filter(code__iexact=unit).first()
        if found is None:
            raise ExportFilterError(_("“%(code)s” is not a unit you can see.") % {"code": unit})
        filters["root"] = found
    codes = [str(c).strip() for c in periods if str(c or "").strip()]
    if codes:
        filters["periods"] = periods_for_codes(codes)
    for name, text in (("start", start), ("end", end)):
        if text:
            try:
                day = text if hasattr(text, "year") else parse_date(str(text).strip())
            except ValueError:
                day = None
            if day is None:
                raise ExportFilterError(
                    _("“%(date)s” is not a date; write it as YYYY-MM-DD.") % {"date": text}
                )
            filters[name] = day
    if filters.get("start") and filters.get("end") and filters["end"] < filters["start"]:
        raise ExportFilterError(_("The end of the range is before its start."))
    codes = [str(c).strip() for c in indicators if str(c or "").strip()]
    if codes:
        # As the importer reads them: the code in any case, or the DHIS2 UID.
        visible = list(Indicator.objects.all().restrict(user))
        by_code = {i.uid: i for i in visible if i.uid}
        by_code.update({i.code.upper(): i for i in visible})
        found = []
        for code in codes:
            indicator = by_code.get(code.upper()) or by_code.get(code)
            if indicator is None:
                raise ExportFilterError(_("Unknown indicator “%(code)s”.") % {"code": code})
            found.append(indicator)
        filters["indicators"] = found
    return filters


def periods_for_codes(codes: Iterable[str]) -> list[Period]:
    """The periods for these codes; one not stored yet comes back unsaved (no value lies in a
    calendar period that is not stored, but a plan period may never have been stored)."""
    parsed = []
    for code in codes:
        try:
            parsed.append(period_codes.parse(code))
        except period_codes.PeriodCodeError as error:
            raise ExportFilterError(str(error)) from None
    return Period.objects.stored_or_unsaved(parsed)


def values_for_export(
    user, *, root=None, children=True, periods=None, start=None, end=None, indicators=None
):
    """The values the user may see, filtered: `root` (with its subtree today if `children`),
    `periods` (and the periods inside them), the period dates within `start`..`end`,
    `indicators`."""
    qs = Value.objects.all().restrict(user)
    if root is not None:
        if children:
            qs = qs.filter(unit__in=OrgUnit.objects.subtree(root).values("pk"))
        else:
            qs = qs.filter(unit=root)
    if periods:
        stored = [p.pk for p in periods if p.pk is not None]
        inside = Q(period_id__in=stored) | Q(
            period_id__in=PeriodNesting.objects.filter(ancestor_id__in=stored).values("period_id")
        )
        for unsaved in (p for p in periods if p.pk is None):
            inside |= Q(
                period__start_date__gte=unsaved.start_date,
                period__end_date__lte=unsaved.end_date,
            )
        qs = qs.filter(inside)
    if start:
        qs = qs.filter(period__start_date__gte=start)
    if end:
        qs = qs.filter(period__end_date__lte=end)
    if indicators:
        qs = qs.filter(indicator__in=[i.pk for i in indicators])
    return qs


def _timestamp(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="milliseconds") if moment else ""


class DataValueSetExport:
    """The bytes of a data value set, in pieces of about EXPORT_FLUSH_BYTES: iterate it (an
    HTTP response streams it as it is); `count` is the number of values written so far."""

    def __init__(self, user, fmt, **filters):
        fmt = str(fmt or "").lower()
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        self.fmt, self.count = fmt, 0
        self.queryset = values_for_export(user, **filters)

    def rows(self):
        # Stored order: the server-side cursor streams at once, without sorting a million rows.
        return (
            self.queryset.order_by("pk")
            .values_list(*EXPORT_FIELDS)
            .iterator(chunk_size=EXPORT_CHUNK_ROWS)
        )

    def __iter__(self) -> Iterator[bytes]:
        return self._json() if self.fmt == "json" else self._csv()

    def _json(self):
        pieces, size = ['{"dataValues":['], 0
        for element, period, unit, value, stored_by, created, updated, comment in self.rows():
            piece = json.dumps(
                {
                    "dataElement": element,
                    "period": period,
                    "orgUnit": unit,
                    "value": plain_number(value),
                    "storedBy": stored_by,
                    "created": _timestamp(created),
                    "lastUpdated": _timestamp(updated),
                    "comment": comment,
                    "followup": False,
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
            pieces.append("," + piece if self.count else piece)
            self.count += 1
            size += len(piece)
            if size >= EXPORT_FLUSH_BYTES:
                yield "".join(pieces).encode()
                pieces, size = [], 0
        pieces.append("]}")
        yield "".join(pieces).encode()

    def _csv(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_HEADER)
        for element, period, unit, value, stored_by, _created, updated, comment in self.rows():
            writer.writerow(
                [
                    element,
                    period,
                    unit,
                    "",
                    "",
                    plain_number(value),
                    stored_by,
                    _timestamp(updated),
                    comment,
                    "false",
                ]
            )
            self.count += 1
            if buffer.tell() >= EXPORT_FLUSH_BYTES:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()


def export_data_value_sets(
    user,
    out,
    fmt,
    *,
    root=None,
    children=True,
    periods=None,
    start=None,
    end=None,
    indicators=None,
) -> int:
    """Write the values the user may see, filtered (see `values_for_export`), as a DHIS2 data
    value set to the binary writable `out`. Returns the number of values written."""
    export = DataValueSetExport(
        user,
        fmt,
        root=root,
        children=children,
        periods=periods,
        start=start,
        end=end,
        indicators=indicators,
    )
    for piece in export:
        out.write(piece)
    return export.count
