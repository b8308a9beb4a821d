"""Write a stored report: build it once for its requester, render the four formats, keep the
files, and tell the progress as it goes (the report page polls it)."""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_noop

from .builder import build, make_scope
from .models import FORMATS, GeneratedReport, ReportStatus
from .renderers import RENDERERS

logger = logging.getLogger(__name__)

# Shares of the work, for the progress bar: the records first, then each format.
BUILT_AT = 40
STEPS = {
    "html": gettext_noop("Writing the HTML page"),
    "pdf": gettext_noop("Laying out the PDF"),
    "docx": gettext_noop("Writing the Word document"),
    "xlsx": gettext_noop("Writing the XLSX annex"),
}


def _advance(stored: GeneratedReport, progress: int, step: str, **fields):
    stored.progress, stored.step = progress, step
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.save()


def generate(stored: GeneratedReport) -> GeneratedReport:
    """Run one stored report to the end: DONE with its files, or FAILED with the reason."""
    user = stored.requested_by
    _advance(stored, 5, gettext_noop("Reading the records"), status=ReportStatus.RUNNING)
    try:
        if user is None or not user.is_active:
            raise PermissionError("the requester's account is no longer active")
        scope = make_scope(
            user,
            stored.owning_unit,
            stored.period_code,
            stored.kind,
            stored.language,
            stored.meeting,
        )
        report = build(scope)
        # The report is as classified as the most classified record it contains.
        _advance(
            stored,
            BUILT_AT,
            STEPS["html"],
            title=report.title[:300],
            classification=report.classification,
        )
        name = (
            f"review-{stored.owning_unit.code}-{stored.period_code}-{stored.language}-{stored.pk}"
        )
        share = (100 - BUILT_AT) // len(FORMATS)
        for n, fmt in enumerate(FORMATS, start=1):
            content = RENDERERS[fmt](report)
            getattr(stored, f"{fmt}_file").save(f"{name}.{fmt}", ContentFile(content), save=False)
            done = n == len(FORMATS)
            _advance(
                stored,
                100 if done else BUILT_AT + share * n,
                "" if done else STEPS[FORMATS[n]],
                **({"status": ReportStatus.DONE, "finished_at": timezone.now()} if done else {}),
            )
    except Exception as error:  # recorded on the report for its requester, then re-raised
        logger.exception("review report %s failed", stored.pk)
        message = f"{type(error).__name__}: {error}"[:2000]
        _advance(
            stored,
            stored.progress,
            "",
            status=ReportStatus.FAILED,
            error=message,
            finished_at=timezone.now(),
        )
        raise
    return stored
