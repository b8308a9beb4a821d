"""Reading reports: encodings, formats and the bad input that is refused with a clear error."""

import unicodedata

import docx
import pytest

from dimis.framework.testing import minimal_pdf
from dimis.ingest import sources
from dimis.ingest.errors import (
    BinaryInput,
    EmptyInput,
    EncodingProblem,
    IngestError,
    NoText,
    TooLarge,
    UnsupportedType,
)

TEXT = "Senior Lieutenant General Phan Văn Giang chaired the conference.\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("utf-16"),  # with its byte order mark
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
    ],
)
def test_unicode_text_files(tmp_path, data):
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    assert sources.read_file(path).text == TEXT


def cp1258(text: str) -> bytes:
    """Windows-1258 writes Vietnamese tones as combining marks after the letter."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return out


def test_windows_code_pages_only_when_clearly_such_text(tmp_path):
    path = tmp_path / "vi.txt"
    path.write_bytes(cp1258("Thượng tướng Phan Văn Giang phát biểu tại hội nghị."))
    assert sources.read_file(path).text == "Thượng tướng Phan Văn Giang phát biểu tại hội nghị."
    path = tmp_path / "en.txt"
    path.write_bytes("The “defence” industry’s café".encode("cp1252"))
    assert sources.read_file(path).text == "The “defence” industry’s café"


def test_wrong_encoding_is_refused_with_the_file_name(tmp_path):
    path = tmp_path / "russian.txt"
    path.write_bytes(("Министерство обороны провело конференцию. " * 20).encode("koi8-r"))
    with pytest.raises(EncodingProblem) as raised:
        sources.read_file(path)
    assert str(path) in str(raised.value) and "UTF-8" in str(raised.value)


def test_damaged_utf8_is_refused(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes("Phan Văn Giang và Lê Huy Vịnh đã dự. ".encode() * 3 + b"\xff\xfe\xfa rest")
    with pytest.raises(EncodingProblem, match="not valid UTF-8"):
        sources.read_file(path)


@pytest.mark.parametrize("data", [b"", b"   \n\n  \t"])
def test_empty_files_are_refused(tmp_path, data):
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    with pytest.raises(EmptyInput, match="empty"):
        sources.read_file(path)


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, b"%PDF-1.4 renamed"],
)
def test_binary_files_are_refused(tmp_path, data):
    path = tmp_path / "image.txt"
    path.write_bytes(data)
    with pytest.raises(BinaryInput, match="binary"):
        sources.read_file(path)


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path, settings, monkeypatch):
    settings.DIMIS_INGEST_MAX_BYTES = 20 * 1024 * 1024
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        chunk = (b"The conference reviewed the year.\n" * 31000)[: 1024 * 1024]  # 1 MB
        for _ in range(50):
            handle.write(chunk)

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(type(path), "read_bytes", no_reading)
    with pytest.raises(TooLarge) as raised:
        sources.read_file(path)
    message = str(raised.value)
    assert str(path) in message and "20.0 MB" in message and "50.0 MB" in message


def test_pasted_text_has_the_same_limits():
    with pytest.raises(EmptyInput):
        sources.read_text("  \n ")
    with pytest.raises(TooLarge):
        sources.read_text("x" * 101, limit=100)
    assert sources.read_text(TEXT).text == TEXT


def test_unsupported_types(tmp_path):
    path = tmp_path / "report.odt"
    path.write_bytes(b"PK\x03\x04 something")
    with pytest.raises(UnsupportedType, match=r"\.odt"):
        sources.read_file(path)


def test_html_scripts_and_styles_are_dropped_never_run(tmp_path):
    html = """<!doctype html><html><head><title>Title</title>
    <script>document.write('Sr. Lt. Gen. Fake Person asked units to obey')</script>
    <style>p { color: red }</style></head>
    <body><p>Lt. Gen. Nguyen Manh Hung &amp; delegates attended.</p>
    <figure><img src="x.jpg"><figcaption>Lt. Gen. Nguyen Manh Hung chairs the event.</figcaption></figure>
    <p onclick="alert(1)">He asked units to speed up projects.</p>
    <script type="module">alert("x")</script><noscript>enable JS</noscript></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    text = sources.read_file(path).text
    assert "Fake Person" not in text and "alert" not in text and "color" not in text
    assert "enable JS" not in text and "Title" not in text
    assert "Lt. Gen. Nguyen Manh Hung & delegates attended." in text
    assert "leftcenterrightdel\nLt. Gen. Nguyen Manh Hung chairs the event." in text


def test_html_with_only_a_script_has_no_text(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><script>var a = 'text';</script></html>", encoding="utf-8")
    with pytest.raises(NoText):
        sources.read_file(path)


def test_docx_paragraphs_and_captions(tmp_path):
    document = docx.Document()
    document.add_paragraph("The General Department of Defense Industry held a conference.")
    document.add_paragraph("Maj. Gen. Tran Van Binh speaks at the event.", style="Caption")
    path = tmp_path / "report.docx"
    document.save(path)
    text = sources.read_file(path).text
    assert "held a conference." in text
    assert "leftcenterrightdel\nMaj. Gen. Tran Van Binh speaks at the event." in text


def test_broken_docx_is_refused(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError, match="not a valid .docx"):
        sources.read_file(path)


def test_pdf_text_is_read(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(
        minimal_pdf(b"BT /F1 12 Tf 72 720 Td (Maj. Gen. Tran Van Binh attended.) Tj ET")
    )
    assert "Maj. Gen. Tran Van Binh attended." in sources.read_file(path).text


def test_pdf_without_text_is_refused(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(minimal_pdf(b"0 0 m 100 100 l S"))  # a line, no text: like a scan
    with pytest.raises(NoText) as raised:
        sources.read_file(path)
    assert str(path) in str(raised.value) and "no text" in str(raised.value)


def test_broken_pdf_is_refused(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n garbage without objects")
    with pytest.raises(IngestError):
        sources.read_file(path)


def test_a_folder_is_read_one_report_at_a_time(tmp_path):
    (tmp_path / "001_a.txt").write_text("First report text.", encoding="utf-8")
    (tmp_path / "002_b.txt").write_bytes(b"")
    (tmp_path / "003_c.html").write_text("<p>Third report.</p>", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("ignored", encoding="utf-8")
    reports = sources.iter_folder(tmp_path)
    assert not isinstance(reports, list)  # a generator: nothing is read ahead
    path, first = next(reports)
    assert path.name == "001_a.txt" and first.text == "First report text."
    rest = list(reports)
    assert [p.name for p, _ in rest] == ["002_b.txt", "003_c.html"]
    assert isinstance(rest[0][1], EmptyInput) and rest[1][1].text == "Third report."


def test_messages_are_translated(tmp_path):
    from django.utils import translation

    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with translation.override("vi"), pytest.raises(EmptyInput) as raised:
        sources.read_file(path)
    assert str(raised.value) == f"{path}: tệp trống"
