"""The Vietnamese catalogue: complete, fully translated, placeholders intact, and used by the pages.

Vietnamese is the primary UI language. When a test here fails because strings were added or
changed in src/, refresh and translate the catalogue:

    cd src/dimis && dimis makemessages -l vi --no-location -i "static/*"
    # translate every new or fuzzy entry in locale/vi/LC_MESSAGES/django.po, then
    make messages
"""

import re
import runpy
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from dimis.framework.choices import Classification, Role
from dimis.framework.testing import make_unit

SRC = Path(settings.BASE_DIR)  # src/dimis
LOCALE = SRC / "locale"
PO_PATH = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
COMPILE_SCRIPT = Path(settings.PROJECT_DIR) / "scripts" / "compile_messages.py"
REFRESH = 'cd src/dimis && dimis makemessages -l vi --no-location -i "static/*"'

# %(name)s placeholders, a literal %%, a deferred %%(name)s (filled in later by Django),
# and template variables, should one ever reach the catalogue unconverted.
PLACEHOLDER = re.compile(
    r"%%|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|(?<=%%)\(\w+\)[a-zA-Z]|\{\{\s*[\w.|:]+\s*\}\}"
)
# Positional placeholders only mean something in python-format strings.
POSITIONAL = re.compile(r"(?<!%)%[sdif]")
MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|&#?\w+;")


def placeholders(text: str, python_format: bool) -> set[str]:
    found = set(PLACEHOLDER.findall(text))
    if python_format:
        found |= {f"{m}@{i}" for i, m in enumerate(POSITIONAL.findall(text))}
    return found


def catalogue() -> polib.POFile:
    assert PO_PATH.exists(), f"{PO_PATH} is missing. Create it with: {REFRESH}"
    return polib.pofile(str(PO_PATH))


def msgstrs(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# --- a. the committed catalogue -------------------------------------------------------------


def test_locale_paths_point_at_the_catalogue():
    assert [Path(p) for p in settings.LOCALE_PATHS] == [LOCALE]
    assert settings.LANGUAGE_CODE == "vi"


def test_catalogue_header():
    po = catalogue()
    assert not po.metadata_is_fuzzy, "Remove the '#, fuzzy' flag from the header of django.po."
    assert po.metadata.get("Language") == "vi"
    assert po.metadata.get("Content-Type") == "text/plain; charset=UTF-8"
    plural_forms = re.sub(r"\s+", " ", po.metadata.get("Plural-Forms", "")).strip().rstrip(";")
    assert plural_forms == "nplurals=1; plural=0", "Vietnamese has one plural form"


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = catalogue()
    live = [e for e in po if not e.obsolete]
    assert live, "the catalogue has no entries"
    fuzzy = [f"  fuzzy: {e.msgid}" for e in live if e.fuzzy]
    empty = [f"  untranslated: {e.msgid}" for e in live if not all(s.strip() for s in msgstrs(e))]
    assert not fuzzy and not empty, (
        "Translate these entries (and drop the fuzzy flag once checked):\n"
        + "\n".join(fuzzy + empty)
    )


def test_plural_entries_have_exactly_one_form():
    wrong = [
        e.msgid
        for e in catalogue()
        if not e.obsolete and e.msgid_plural and set(e.msgstr_plural) != {0}
    ]
    assert not wrong, "Give only msgstr[0] (nplurals=1) for:\n" + "\n".join(wrong)


def test_translations_keep_placeholders_and_markup():
    problems = []
    for entry in catalogue():
        if entry.obsolete:
            continue
        python_format = "python-format" in entry.flags
        source = entry.msgid_plural or entry.msgid
        required = placeholders(source, python_format)
        # With one plural form, msgstr[0] serves every count: it needs the plural's placeholders
        # and may use the singular's.
        allowed = required | placeholders(entry.msgid, python_format)
        for text in msgstrs(entry):
            got = placeholders(text, python_format)
            if not required <= got <= allowed:
                problems.append(f"{entry.msgid!r}: expected {sorted(required)}, got {sorted(got)}")
            if sorted(MARKUP.findall(text)) != sorted(MARKUP.findall(source)):
                problems.append(f"{entry.msgid!r}: HTML tags or entities differ in {text!r}")
    assert not problems, "Translations that lost or added placeholders or markup:\n" + "\n".join(
        problems
    )


def test_catalogue_passes_msgfmt_format_checks():
    """GNU msgfmt's own check: a python-format translation must be a valid format string
    ("100% kế hoạch" is not, and would raise where the string is formatted)."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext (msgfmt) is missing: `make install` installs it"
    result = subprocess.run(
        [msgfmt, "--check-format", "-o", "/dev/null", str(PO_PATH)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_messages_other_tests_rely_on():
    po = catalogue()
    stale = po.find(
        "Someone else saved this record after you opened it. "
        "Reload the page to see their changes, then apply yours again."
    )
    row = po.find("Row %(row)s, %(where)s: %(message)s")
    assert stale is not None and stale.msgstr.startswith("Người khác")
    assert row is not None and row.msgstr.startswith("Dòng %(row)s")


# --- b. the catalogue is complete -----------------------------------------------------------


def _require_gettext():
    missing = [tool for tool in ("xgettext", "msguniq", "msgmerge") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"GNU gettext is not installed ({', '.join(missing)} not found), so the catalogue "
            "cannot be checked against the source. Install Debian's gettext package: "
            "apt-get install gettext",
            pytrace=False,
        )


def _copy_sources(tmp_path: Path) -> Path:
    """src/dimis without its catalogues and static files, so the real catalogue is untouched."""

    def ignore(directory, names):
        skip = {"__pycache__", "node_modules"}
        if Path(directory) == SRC:
            skip |= {"locale", "static"}
        return [n for n in names if n in skip]

    copy = tmp_path / "src" / "dimis"
    shutil.copytree(SRC, copy, ignore=ignore)
    return copy


def test_catalogue_has_every_string_marked_in_the_source(tmp_path, monkeypatch):
    _require_gettext()
    copy = _copy_sources(tmp_path)
    monkeypatch.chdir(copy)
    # makemessages writes to the first of LOCALE_PATHS: point it at the copy.
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        call_command(
            "makemessages",
            locale=["vi"],
            no_location=True,
            ignore_patterns=["static/*"],
            verbosity=0,
        )
    extracted = polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    assert len(extracted) > 0, "makemessages found no strings at all"
    committed = {(e.msgctxt, e.msgid): e for e in catalogue() if not e.obsolete}
    missing, plural_changed = [], []
    for entry in extracted:
        known = committed.get((entry.msgctxt, entry.msgid))
        label = entry.msgid if entry.msgctxt is None else f"[{entry.msgctxt}] {entry.msgid}"
        if known is None:
            missing.append(label)
        elif (known.msgid_plural or "") != (entry.msgid_plural or ""):
            plural_changed.append(label)
    assert not missing and not plural_changed, (
        f"{len(missing) + len(plural_changed)} string(s) marked for translation are not in "
        f"{PO_PATH.relative_to(SRC.parent.parent)}. Run `{REFRESH}` and translate them.\n"
        + "".join(f"  missing: {m}\n" for m in missing)
        + "".join(f"  plural form changed: {m}\n" for m in plural_changed)
    )


# --- c. the pages, in both languages --------------------------------------------------------


@pytest.fixture
def compiled_catalogue():
    """The .mo is built by `make messages`; build it here too when it is missing or stale, and
    make Django reload its catalogues (it caches them per process)."""
    if not MO_PATH.exists() or MO_PATH.stat().st_mtime < PO_PATH.stat().st_mtime:
        runpy.run_path(str(COMPILE_SCRIPT))
        assert MO_PATH.exists(), f"{COMPILE_SCRIPT} did not build {MO_PATH}"
    # Changing LOCALE_PATHS (even to the same value) clears Django's translation caches.
    with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
        yield


TERMS = {
    "Unit tree": "Cây đơn vị",
    "unit": "đơn vị",
    "owning unit": "đơn vị quản lý",
    "parent unit": "đơn vị cấp trên",
    "classification": "độ mật",
    "clearance": "mức được tiếp cận",
    "grant": "phân quyền",
    "rank": "cấp bậc quân hàm",
    "appointment": "chức vụ bổ nhiệm",
    "change record": "bản ghi thay đổi",
    "Import": "Nhập dữ liệu",
    "Party body": "Cơ quan Đảng",
    "State body": "Cơ quan nhà nước",
    "Ministry": "Bộ",
    "General department": "Tổng cục",
    "Department": "Cục",
    "Institute": "Viện",
    "Academy": "Học viện",
    "School": "Trường",
    "Factory": "Nhà máy",
    "Corporation": "Tổng công ty",
    "Company": "Công ty",
}


@pytest.mark.parametrize(("english", "vietnamese"), TERMS.items())
def test_terminology(compiled_catalogue, english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_choices_and_plurals_at_run_time(compiled_catalogue):
    with translation.override("vi"):
        assert [str(label) for _, label in Classification.choices] == [
            "Thường",
            "Hạn chế",
            "Mật",
            "Tối mật",
            "Tuyệt mật",
        ]
        assert [str(label) for _, label in Role.choices] == [
            "Người xem",
            "Người báo cáo",
            "Người phê duyệt",
            "Cán bộ kế hoạch",
            "Quản trị viên",
        ]
        for n in (1, 2, 25):
            text = translation.ngettext("%(counter)s record", "%(counter)s records", n)
            assert text % {"counter": n} == f"{n} bản ghi"
        assert translation.gettext(
            "Someone else saved this record after you opened it. "
            "Reload the page to see their changes, then apply yours again."
        ).startswith("Người khác")
        row = translation.gettext("Row %(row)s, %(where)s: %(message)s")
        assert row % {"row": 3, "where": "cột “mã”", "message": "x"} == "Dòng 3, cột “mã”: x"
    with translation.override("en"):
        assert str(Classification.TOP_SECRET.label) == "Top secret"


PAGES = {
    "vi": {
        "login": [
            '<html lang="vi">',
            "Đăng nhập DIMIS",
            "Mật khẩu",  # Django's own catalogue, for the login form
            "Hệ thống thông tin quản lý công nghiệp quốc phòng",
        ],
        "home": [
            '<html lang="vi">',
            "<title>Trang chủ · DIMIS</title>",
            "Xin chào, nguyen.van.an",
            "Quyền truy cập của bạn",
            "Mức được tiếp cận: <strong>Hạn chế</strong>",
            "Người xem — ",
            "Danh mục bạn được xem",
            "Cây đơn vị",
            "Tổ chức",
            "Nhân sự",
            "Đăng xuất",
            'placeholder="Tìm kiếm toàn bộ"',
        ],
    },
    "en": {
        "login": [
            '<html lang="en">',
            "Log in to DIMIS",
            "Password",
            "Defense Industry Management Information System",
        ],
        "home": [
            '<html lang="en">',
            "<title>Home · DIMIS</title>",
            "Welcome, nguyen.van.an",
            "Your access",
            "Clearance: <strong>Restricted</strong>",
            "Viewer — ",
            "Registers you can see",
            "Unit tree",
            "Organisation",
            "People",
            "Log out",
            'placeholder="Search everything"',
        ],
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["cookie", "accept-language"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_pages_in_each_language(compiled_catalogue, client, django_user_model, language, how):
    other = "en" if language == "vi" else "vi"
    if how == "cookie":
        # The cookie (set by the language switcher) wins over the browser's preference.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        headers = {"accept-language": other}
    else:
        headers = {"accept-language": f"{language},{other};q=0.5"}

    response = client.get("/accounts/login/", headers=headers)
    assert response.status_code == 200
    page = response.content.decode()
    for text in PAGES[language]["login"]:
        assert text in page, f"{text!r} missing from the {language} login page"
    assert PAGES[other]["login"][1] not in page

    user = django_user_model.objects.create_user(
        username="nguyen.van.an", password="mật-khẩu-thử", clearance=Classification.RESTRICTED
    )
    user.grants.create(role=Role.VIEWER, unit=make_unit("Z1", kind="factory"))
    assert client.login(username="nguyen.van.an", password="mật-khẩu-thử")

    response = client.get("/", headers=headers)
    assert response.status_code == 200
    page = response.content.decode()
    for text in PAGES[language]["home"]:
        assert text in page, f"{text!r} missing from the {language} home page"
    for text in PAGES[other]["home"][2:6]:
        assert text not in page, f"{text!r} found on the {language} home page"
