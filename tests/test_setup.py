"""What someone installing DIMIS checks first: the demo loads (and loads again without harm),
each demo login sees its own part of the sector, the settings are safe without configuration,
and nothing in the pages reaches for the internet (DIMIS runs on isolated networks)."""

import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from dimis import cli
from dimis.core.models import ChangeRecord
from dimis.framework.choices import Classification
from dimis.org.models import Appointment, OrgUnit, Person, Rank, RankRecord, UnitLink
from dimis.users.demo import DEMO_PASSWORD, DEMO_USERS
from dimis.users.models import Grant, User

MODELS = (OrgUnit, UnitLink, Person, RankRecord, Appointment, Rank, User, Grant, ChangeRecord)


def census() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


# -- the demo ------------------------------------------------------------------------------------


# The `dimis` command closes the database connections when it ends: no test transaction around it.
@pytest.mark.django_db(transaction=True)
def test_dimis_demo_runs_twice_without_duplicating_anything(capsys):
    empty = census()
    cli.main(["dimis", "demo"])
    first_output = capsys.readouterr().out
    loaded = census()
    assert loaded["OrgUnit"] > empty["OrgUnit"] and loaded["Person"] == empty["Person"] + 7
    assert loaded["User"] == empty["User"] + len(DEMO_USERS)

    cli.main(["dimis", "demo"])
    second_output = capsys.readouterr().out
    assert census() == loaded  # not one row more, not one change record more

    for output in (first_output, second_output):
        for username, *_ in DEMO_USERS:
            assert re.search(rf"^\s*{username}\s+/ {DEMO_PASSWORD}\b", output, re.M), output
        assert "Demo ready." in output

    demo_records = ChangeRecord.objects.filter(actor="dimis demo")
    assert demo_records.count() == loaded["ChangeRecord"] - empty["ChangeRecord"]
    assert set(demo_records.values_list("source", flat=True)) == {"command"}

    client = Client()
    for username, *_ in DEMO_USERS:
        assert client.login(username=username, password=DEMO_PASSWORD), username


@pytest.mark.django_db
def test_each_demo_user_sees_a_different_part_of_the_sector():
    call_command("demo", stdout=io.StringIO())
    seen = {
        username: set(
            OrgUnit.objects.restrict(User.objects.get(username=username)).values_list(
                "code", flat=True
            )
        )
        for username, *_ in DEMO_USERS
    }
    assert seen["admin"] == set(OrgUnit.objects.values_list("code", flat=True))
    # The viewer of the machinery corporation: it, its company and the factories under it today
    # (Z103 moved to the general department in 2023).
    assert seen["viewer"] == {"GDDI-TCT2", "GDDI-CT2", "Z101", "Z102"}
    assert seen["reporter"] == {"Z101"}
    gddi = set(
        OrgUnit.objects.subtree(OrgUnit.objects.get(code="TCCNQP")).values_list("code", flat=True)
    )
    assert seen["planner"] == gddi  # secret clearance: every unit of the GDDI
    secret = set(
        OrgUnit.objects.filter(classification__gt=Classification.CONFIDENTIAL).values_list(
            "code", flat=True
        )
    )
    assert secret and seen["approver"] == gddi - secret  # confidential clearance
    assert len({frozenset(units) for units in seen.values()}) == len(DEMO_USERS)

    # The web shows each of them the same set.
    for username in ("viewer", "reporter"):
        client = Client()
        client.login(username=username, password=DEMO_PASSWORD)
        exported = client.get("/org/orgunit/?export=csv&per_page=250")
        text = b"".join(exported.streaming_content).decode("utf-8-sig")
        codes = {line.split(",")[0] for line in text.splitlines()[1:]}
        assert codes == seen[username]


# -- settings ------------------------------------------------------------------------------------

PRINT_SETTINGS = (
    "import json, dimis.settings as s; print(json.dumps({"
    "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'key': s.SECRET_KEY,"
    "'db': str(s.DATABASES['default']['NAME']), 'engine': s.DATABASES['default']['ENGINE'],"
    "'frame': s.X_FRAME_OPTIONS, 'nosniff': s.SECURE_CONTENT_TYPE_NOSNIFF,"
    "'httponly': s.SESSION_COOKIE_HTTPONLY, 'email': s.EMAIL_BACKEND}))"
)


def settings_in_a_clean_environment(var_dir: Path, **env) -> dict:
    """Import dimis.settings in a fresh interpreter whose environment holds only what is given."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DIMIS_VAR_DIR": str(var_dir), **env}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=clean,
        cwd=var_dir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_settings_are_safe_without_any_configuration(tmp_path):
    found = settings_in_a_clean_environment(tmp_path)
    assert found["debug"] is False
    assert found["hosts"] == ["127.0.0.1", "localhost"]
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["db"] == str(tmp_path / "dimis.sqlite3")
    assert found["frame"] == "DENY" and found["nosniff"] and found["httponly"]
    assert "smtp" not in found["email"].lower()  # no mail leaves an unconfigured server
    # A secret key was generated once, kept private under the var directory, and reused.
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == found["key"] and len(found["key"]) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert settings_in_a_clean_environment(tmp_path)["key"] == found["key"]


def test_settings_follow_the_environment_when_it_is_given(tmp_path):
    found = settings_in_a_clean_environment(
        tmp_path, DEBUG="1", ALLOWED_HOSTS="dimis.example, 10.0.0.5", SECRET_KEY="k" * 60
    )
    assert found["debug"] is True
    assert found["hosts"] == ["dimis.example", "10.0.0.5"]
    assert found["key"] == "k" * 60
    assert not (tmp_path / "secret_key").exists()
    for off in ("0", "false", "no", ""):
        assert settings_in_a_clean_environment(tmp_path, DEBUG=off)["debug"] is False


# -- the API documentation -----------------------------------------------------------------------

EXTERNAL = re.compile(r"""(?:src|href|url|action)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.mark.django_db
def test_the_api_schema_and_docs_load_for_a_signed_in_user_without_external_hosts(world):
    client = Client()
    client.force_login(world.viewer)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/org/person/" in paths and "/api/org/person/{id}/" in paths

    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"https?://", html), re.findall(r"https?://\S+", html)
    assert not EXTERNAL.search(html)
    # Swagger UI would otherwise call validator.swagger.io with the schema's address.
    settings_json = re.search(r"const swaggerSettings = (\{.*?\});", html, re.S).group(1)
    assert json.loads(settings_json)["validatorUrl"] is None
    # Every script, style sheet and icon it uses is served by DIMIS itself.
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL) or asset.startswith("/" + settings.STATIC_URL)
        served = client.get(asset if asset.startswith("/") else "/" + asset)
        assert served.status_code == 200, asset


# -- no CDN --------------------------------------------------------------------------------------

SRC = Path(settings.BASE_DIR)


def test_no_template_references_another_host():
    templates = sorted((SRC / "templates").rglob("*.html"))
    assert len(templates) > 10
    offenders = [
        f"{path.relative_to(SRC)}: {match}"
        for path in templates
        for match in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'<>]*", path.read_text())
    ]
    assert offenders == []


def test_no_static_file_loads_anything_from_another_host():
    """Vendor files keep their licence comments (which name their home pages); what matters is
    that nothing is loaded from elsewhere: no url(), @import, source map or script address."""
    files = [p for p in (SRC / "static").rglob("*") if p.suffix in (".css", ".js", ".html")]
    assert any(p.name == "bootstrap.min.css" for p in files) and any(
        p.name == "htmx.min.js" for p in files
    )
    loads = re.compile(
        r"""url\(\s*["']?(?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//|"""
        r"""sourceMappingURL=(?:https?:)?//|\bimport\s*\(?\s*["'](?:https?:)?//|src=["'](?:https?:)?//""",
        re.I,
    )
    offenders = [
        str(p.relative_to(SRC)) for p in files if loads.search(p.read_text(errors="replace"))
    ]
    assert offenders == []
    fonts = list((SRC / "static").rglob("*.woff2"))
    assert fonts, "the icon font is served locally"


@pytest.mark.django_db
def test_rendered_pages_load_nothing_from_another_host(world):
    client = Client()
    pages = {"/accounts/login/": client.get("/accounts/login/")}
    client.force_login(world.planner)
    for url in ("/", "/org/person/", "/org/tree/", "/search/?q=Unit", "/org/person/add/"):
        pages[url] = client.get(url)
    for url, response in pages.items():
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not EXTERNAL.search(html), (url, EXTERNAL.findall(html))
        for asset in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
            assert asset.startswith("/static/"), (url, asset)
