"""`dimis ingest_queue propose FILES --unit CODE --user NAME` and `accept REPORT --user NAME`."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import override

from dimis.ingest.models import ProposalStatus, Report

from .conftest import REPORT

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with override("en"):
        call_command("ingest_queue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_propose_reads_files_and_folders_into_the_units_queue(sector, tmp_path):
    (tmp_path / "a.txt").write_text(REPORT)
    (tmp_path / "b.html").write_text(f"<p>{REPORT}</p><p>One more paragraph.</p>")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(CommandError, match="1 file could not be read"):
        run("propose", str(tmp_path), "--unit", "GDDI", "--user", "t-planner")
    assert Report.objects.count() == 2  # the two readable ones
    out, _ = run("propose", str(tmp_path / "a.txt"), "--unit", "GDDI", "--user", "t-planner")
    assert "nothing new proposed" in out and Report.objects.count() == 2

    report = Report.objects.get(source_name__endswith="a.txt")
    out, _ = run("accept", str(report.pk), "--user", "t-planner")
    assert "Accepted" in out
    assert report.proposals.exclude(status=ProposalStatus.PENDING).exists()


def test_the_command_keeps_the_access_rules(sector, tmp_path):
    (tmp_path / "a.txt").write_text(REPORT)
    with pytest.raises(CommandError, match="No unit"):
        run("propose", str(tmp_path / "a.txt"), "--unit", "GDDI", "--user", "t-f1planner")
    with pytest.raises(CommandError, match="Only planners"):
        run("propose", str(tmp_path / "a.txt"), "--unit", "F1", "--user", "t-gddiadmin")
    with pytest.raises(CommandError, match="No active user"):
        run("propose", str(tmp_path / "a.txt"), "--unit", "F1", "--user", "nobody")
    run("propose", str(tmp_path / "a.txt"), "--unit", "GDDI", "--user", "t-planner")
    report = Report.objects.get()
    with pytest.raises(CommandError, match="No report"):
        run("accept", str(report.pk), "--user", "t-f1planner")
    assert not report.proposals.exclude(status=ProposalStatus.PENDING).exists()
