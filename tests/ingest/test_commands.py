"""`dimis ingest extract` and `dimis ingest evaluate`."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from .conftest import FIXTURES

SCHEMA_KINDS = {
    "six_month_review", "annual_review", "multi_year_review", "conference", "working_session",
    "inspection", "ceremony", "press_conference", "party_congress", "other",
}  # fmt: skip
RANKS = {
    "General", "Senior Lieutenant General", "Lieutenant General", "Major General", "Senior Colonel",
    "Colonel", "Lieutenant Colonel", "Major", "Admiral", "Vice Admiral", "Rear Admiral", None,
}  # fmt: skip
DOCUMENT_KINDS = {
    "resolution", "directive", "conclusion", "decision", "law", "ordinance", "regulation", "plan",
    "program", "other",
}  # fmt: skip


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def assert_schema(data):
    assert set(data) == {"meetings", "persons", "organizations", "documents", "directives"}
    for meeting in data["meetings"]:
        assert set(meeting) == {"kind", "date", "chair"} and meeting["kind"] in SCHEMA_KINDS
    for person in data["persons"]:
        assert set(person) == {"name", "rank", "positions"} and person["rank"] in RANKS
        for position in person["positions"]:
            assert set(position) == {"title", "org"}
    assert all(isinstance(name, str) for name in data["organizations"])
    for document in data["documents"]:
        assert document["kind"] in DOCUMENT_KINDS and "number" in document
    for directive in data["directives"]:
        assert set(directive) == {"asker", "addressee", "action"} and directive["action"]


def test_extract_prints_the_schema_json():
    out, _ = run("extract", str(FIXTURES / "reports" / "101_qdnd_2019_annual.txt"), "--json")
    data = json.loads(out)
    assert_schema(data)
    assert data["meetings"] == [
        {"kind": "annual_review", "date": "2019-01-10", "chair": "Bui Van Thanh"}
    ]
    assert {"number": "45-CT/BQP", "kind": "directive"} in data["documents"]


def test_extract_html_docx_and_a_folder(tmp_path):
    (tmp_path / "a.html").write_text(
        "<p>Lt. Gen. Tran Van Tho asked the Z115 Factory to cut costs.</p><script>x()</script>",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_bytes(b"")
    out, err = run("extract", str(tmp_path))
    assert "Lieutenant General Tran Van Tho" in out and "Z115 Factory" in out
    assert "b.txt" in err and "empty" in err


def test_extract_refuses_bad_input_with_the_file_name(tmp_path):
    path = tmp_path / "binary.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(CommandError, match="binary.txt: the file is binary"):
        run("extract", str(path), "--json")
    with pytest.raises(CommandError, match="no such file"):
        run("extract", str(tmp_path / "missing.txt"))


@pytest.mark.django_db
def test_ingesting_writes_nothing(django_user_model):
    from dimis.core.models import ChangeRecord

    before = ChangeRecord.objects.count()
    run("extract", str(FIXTURES / "reports" / "102_mod_2021_working_session.txt"), "--json")
    assert ChangeRecord.objects.count() == before


def scorer_output(scorer, gold, predictions):
    completed = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(predictions)],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def test_evaluate_prints_what_score_py_prints(shared_seeds, tmp_path):
    seeds, gold, scorer = shared_seeds
    predictions = tmp_path / "predictions"
    out, err = run("evaluate", str(seeds), str(gold), "--predictions", str(predictions))
    assert err == ""
    assert out == scorer_output(scorer, gold, predictions)
    assert sorted(p.name for p in predictions.iterdir()) == ["000.json", "001.json", "002.json"]
    # the development set reaches the targets of issue 6
    scores = dict(item.split("=") for item in out.strip().splitlines()[-1].split())
    assert float(scores["person_rank"]) >= 0.97
    assert float(scores["position"]) >= 0.85
    assert float(scores["document"]) >= 0.97
    assert float(scores["directive"]) >= 0.75


def test_evaluate_on_the_own_fixtures(shared_seeds, tmp_path):
    _seeds, _gold, scorer = shared_seeds
    predictions = tmp_path / "predictions"
    reports, gold = FIXTURES / "reports", FIXTURES / "gold"
    out, _ = run(
        "evaluate",
        str(reports),
        str(gold),
        "--scorer",
        str(scorer),
        "--predictions",
        str(predictions),
    )
    assert out == scorer_output(scorer, gold, predictions)
    scores = dict(item.split("=") for item in out.strip().splitlines()[-1].split())
    assert float(scores["person_rank"]) >= 0.97
    assert float(scores["position"]) >= 0.85
    assert float(scores["document"]) >= 0.97
    assert float(scores["directive"]) >= 0.75


def test_evaluate_without_a_scorer_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("DIMIS_SCORER", raising=False)
    (tmp_path / "gold").mkdir()
    with pytest.raises(CommandError, match="scorer was not found"):
        run(
            "evaluate",
            str(FIXTURES / "reports"),
            str(tmp_path / "gold"),
            "--scorer",
            str(tmp_path / "none.py"),
        )
