"""Scoring extraction against gold annotations with the project's own scorer.

`evaluate(text_dir, gold_dir)` extracts every report of a folder (one at a time), writes the
predictions as `NNN.json` (NNN: the report's file name up to its first '_') into a folder, and
runs the scorer of shared/extraction (`score.py`, loaded from its path, never copied), so that
`dimis ingest evaluate` prints exactly what `python score.py GOLD PRED` prints.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import IngestError, Unreadable
from .extract import extract
from .sources import iter_folder

SCORER_NAME = "score.py"


def prediction_name(path: Path) -> str:
    """'000_19932e3323072bc9.txt' -> '000.json' (the gold file that annotates it)."""
    return path.stem.split("_", 1)[0] + ".json"


def find_scorer(gold_dir: Path, given: str | None = None) -> Path:
    """The scorer: --scorer, else $DIMIS_SCORER, else score.py beside the gold folder, else the
    copy of shared/extraction/score.py the repository keeps in data/extraction/."""
    from django.conf import settings

    if given:
        candidates = [given]
    else:
        candidates = [
            os.environ.get("DIMIS_SCORER"),
            str(Path(gold_dir).resolve().parent / SCORER_NAME),
            str(Path(settings.PROJECT_DIR) / "data" / "extraction" / SCORER_NAME),
        ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise Unreadable(
        given or SCORER_NAME,
        _("the scorer was not found; give its path with --scorer"),
    )


@dataclass
class Evaluation:
    output: str  # what the scorer printed
    scores: dict = field(default_factory=dict)  # field -> F1
    extracted: int = 0
    errors: list[IngestError] = field(default_factory=list)


def write_predictions(text_dir: Path, pred_dir: Path) -> tuple[int, list[IngestError]]:
    pred_dir.mkdir(parents=True, exist_ok=True)
    count, errors = 0, []
    for path, source in iter_folder(text_dir):
        if isinstance(source, IngestError):
            errors.append(source)
            continue
        result = extract(source.text).to_schema()
        (pred_dir / prediction_name(path)).write_text(
            json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        count += 1
    return count, errors


def evaluate(text_dir, gold_dir, pred_dir, scorer: str | None = None) -> Evaluation:
    text_dir, gold_dir, pred_dir = Path(text_dir), Path(gold_dir), Path(pred_dir)
    if not gold_dir.is_dir():
        raise Unreadable(str(gold_dir), _("there is no such folder"))
    scorer_path = find_scorer(gold_dir, scorer)
    count, errors = write_predictions(text_dir, pred_dir)
    namespace = runpy.run_path(str(scorer_path))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        scores = namespace["main"](str(gold_dir), str(pred_dir))
    return Evaluation(printed.getvalue(), dict(scores or {}), count, errors)
