"""Generated review reports: the request, its progress, and the four files it produced.

A stored report is owned by the unit whose subtree it covers, and its classification is the
highest of what it contains: a user sees it (and downloads it) only where a grant covers that
unit and the clearance covers that classification, like any record. Until the report is
written its contents are unknown, so it carries its requester's clearance meanwhile."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dimis.framework.models import OwnedModel

from .scope import ReportKind

FORMATS = ("html", "pdf", "docx", "xlsx")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class GeneratedReport(OwnedModel):
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_reports",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    period_code = models.CharField(_("period"), max_length=20)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    html_file = models.FileField(_("HTML"), upload_to="reports/%Y/%m/", blank=True)
    pdf_file = models.FileField(_("PDF"), upload_to="reports/%Y/%m/", blank=True)
    docx_file = models.FileField(_("DOCX"), upload_to="reports/%Y/%m/", blank=True)
    xlsx_file = models.FileField(_("XLSX annex"), upload_to="reports/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")

    class Dimis:
        columns = [
            "created",
            "title",
            "owning_unit",
            "period_code",
            "kind",
            "language",
            "status",
            "classification",
        ]
        detail_fields = [
            "title",
            "owning_unit",
            "meeting",
            "kind",
            "period_code",
            "language",
            "requested_by",
            "created",
            "status",
            "finished_at",
            "classification",
        ]
        search_fields = ["title", "period_code"]
        filter_fields = ["owning_unit", "meeting", "kind", "status", "classification"]
        form_fields = ["owning_unit", "meeting", "kind", "period_code", "language"]
        menu = ("reports", 10)
        # Written only by the report job; asked for on the report form, never by a generic add.
        write_roles = frozenset()
        detail_view = "dimis.reports.views.GeneratedReportDetailView"

    def __str__(self):
        return self.title or f"{self.get_kind_display()} {self.period_code}"

    @property
    def finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    def file_for(self, fmt: str):
        return getattr(self, f"{fmt}_file") if fmt in FORMATS else None
