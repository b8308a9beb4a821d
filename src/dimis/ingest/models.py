"""The review queue of ingestion: a report read into DIMIS, the proposals extraction made from it,
and the links that tie every accepted record to the sentence it came from.

A `Report` is owned by the unit it was ingested for (the host unit) and keeps the cleaned text
that every span points into, with its SHA-256: the same text for the same unit is one report.
Each `Proposal` is one thing read from it (a meeting, a person, a rank, a position, a body, a
document, a directive) with what it matched, its span, and its fate (pending, accepted,
corrected, rejected: who decided and when). A `SourceLink` ties a record made or confirmed by an
accepted proposal to the report and the span.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dimis.framework.models import OwnedModel, UnitScopedModel


class SourceFormat(models.TextChoices):
    PASTE = "paste", _("Pasted text")
    TXT = "txt", _("Text file")
    HTML = "html", _("Web page (HTML)")
    DOCX = "docx", _("Word document (DOCX)")
    PDF = "pdf", _("PDF")


class Report(OwnedModel):
    """A conference report as ingested for its host unit (the owning unit)."""

    title = models.CharField(_("title"), max_length=300)
    source_name = models.CharField(_("source"), max_length=255, help_text=_("The file name."))
    source_format = models.CharField(
        _("format"), max_length=10, choices=SourceFormat.choices, default=SourceFormat.PASTE
    )
    text = models.TextField(_("cleaned text"), editable=False)
    sha256 = models.CharField(_("SHA-256 of the cleaned text"), max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
        related_name="ingested_reports",
    )

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("ingested report")
        verbose_name_plural = _("ingested reports")
        constraints = [
            models.UniqueConstraint(
                fields=["owning_unit", "sha256"], name="ingest_report_once_per_unit"
            )
        ]

    class Dimis:
        columns = ["title", "owning_unit", "source_name", "created"]
        detail_fields = [
            "title",
            "source_name",
            "source_format",
            "owning_unit",
            "classification",
            "meeting",
            "uploaded_by",
            "created",
            "sha256",
        ]
        search_fields = ["title", "source_name"]
        filter_fields = ["owning_unit", "classification"]
        form_fields = ["title", "source_name", "owning_unit", "classification"]
        menu = ("directives", 35)
        # Reports come in through the upload page and change only by decisions on proposals.
        write_roles = frozenset()
        list_view = "dimis.ingest.views.ReportListView"
        detail_view = "dimis.ingest.views.ReportDetailView"

    def __str__(self):
        return self.title


class ProposalKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    ATTENDEE = "attendee", _("Attendee")
    PERSON = "person", _("Person")
    RANK_CHANGE = "rank_change", _("Rank change")
    APPOINTMENT = "appointment", _("Appointment")
    ORGANISATION = "organisation", _("Organisation")
    DOCUMENT = "document", _("Document")
    DIRECTIVE = "directive", _("Directive (conclusion and task)")


# The order in which "accept all" decides: what others depend on first.
KIND_ORDER = [
    ProposalKind.ORGANISATION,
    ProposalKind.PERSON,
    ProposalKind.DOCUMENT,
    ProposalKind.MEETING,
    ProposalKind.RANK_CHANGE,
    ProposalKind.APPOINTMENT,
    ProposalKind.ATTENDEE,
    ProposalKind.DIRECTIVE,
]


class ProposalStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("proposal", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("proposal", "Accepted")
    CORRECTED = "corrected", pgettext_lazy("proposal", "Corrected and accepted")
    REJECTED = "rejected", pgettext_lazy("proposal", "Rejected")


DECIDED = (ProposalStatus.ACCEPTED, ProposalStatus.CORRECTED, ProposalStatus.REJECTED)


class Proposal(UnitScopedModel):
    """One item read from a report, waiting for a planner's decision (or decided)."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="proposals"
    )
    sequence = models.PositiveIntegerField(_("order"), default=0, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ProposalKind.choices)
    label = models.CharField(_("as written"), max_length=500)
    payload = models.JSONField(_("proposed values"), default=dict, blank=True, editable=False)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, db_index=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        editable=False,
    )
    # Where in the report's cleaned text: the item and the sentence around it.
    span_start = models.PositiveIntegerField(_("span start"), default=0, editable=False)
    span_end = models.PositiveIntegerField(_("span end"), default=0, editable=False)
    sentence_start = models.PositiveIntegerField(_("sentence start"), default=0, editable=False)
    sentence_end = models.PositiveIntegerField(_("sentence end"), default=0, editable=False)
    in_caption = models.BooleanField(_("from a photo caption"), default=False, editable=False)
    # The existing record matching reading found (a person, a unit, a document...), if any.
    matched_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
    )
    matched_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    # The record the decision made or confirmed.
    record_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
    )
    record_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    # What this proposal needs decided first: its meeting, its person, its unit.
    meeting_proposal = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, editable=False, related_name="+"
    )
    person_proposal = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, editable=False, related_name="+"
    )
    unit_proposal = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, editable=False, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True, editable=False)

    unit_field = "report__owning_unit"

    class Meta:
        ordering = ["report", "sequence", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["report", "status"])]

    class Dimis:
        columns = ["label", "kind", "status", "report", "decided_at"]
        detail_fields = ["report", "kind", "label", "status", "decided_by", "decided_at", "note"]
        search_fields = ["label"]
        filter_fields = ["kind", "status", "report"]
        form_fields = ["report", "kind", "label", "classification"]
        write_roles = frozenset()
        detail_view = "dimis.ingest.views.ProposalDetailView"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING

    @property
    def accepted(self) -> bool:
        return self.status in (ProposalStatus.ACCEPTED, ProposalStatus.CORRECTED)


class SourceLink(UnitScopedModel):
    """A record made or confirmed from a report, and the span of the report it came from."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="links"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    span_start = models.PositiveIntegerField(_("span start"))
    span_end = models.PositiveIntegerField(_("span end"))
    sentence_start = models.PositiveIntegerField(_("sentence start"))
    sentence_end = models.PositiveIntegerField(_("sentence end"))

    unit_field = "report__owning_unit"

    class Meta:
        ordering = ["report", "span_start", "pk"]
        verbose_name = _("source link")
        verbose_name_plural = _("source links")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "content_type", "object_id"], name="source_link_once"
            )
        ]

    def __str__(self):
        return f"{self.report} [{self.span_start}:{self.span_end}]"

    @property
    def quote(self) -> str:
        return self.report.text[self.span_start : self.span_end]
