"""Review meetings: who attended in which rank and position that day, and the conclusions that
become the next tasks."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dimis.framework.models import OwnedModel


class MeetingKind(models.TextChoices):
    SIX_MONTH_REVIEW = "six_month_review", _("Six-month review")
    ANNUAL_REVIEW = "annual_review", _("Annual review")
    MULTI_YEAR_REVIEW = "multi_year_review", _("Multi-year review")
    THEMATIC_CONFERENCE = "conference", _("Thematic conference")
    WORKING_SESSION = "working_session", _("Working session")
    INSPECTION = "inspection", _("Inspection")


class Meeting(OwnedModel):
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    period_start = models.DateField(_("period under review from"), null=True, blank=True)
    period_end = models.DateField(_("period under review to"), null=True, blank=True)
    review_years = models.PositiveSmallIntegerField(
        _("years under review"),
        null=True,
        blank=True,
        help_text=_("For multi-year reviews: 5, 10, 12 …"),
    )
    host_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("host unit"),
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
    )
    chair = models.ForeignKey(
        "org.Person",
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    class Dimis:
        columns = ["date", "title", "kind", "host_unit", "chair"]
        search_fields = ["title", "summary"]
        filter_fields = ["kind", "host_unit", "classification"]
        form_fields = [
            "kind",
            "title",
            "date",
            "period_start",
            "period_end",
            "review_years",
            "host_unit",
            "chair",
            "location",
            "summary",
            "owning_unit",
            "classification",
        ]
        menu = ("directives", 30)
        detail_view = "dimis.meetings.views.MeetingDetailView"

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})

    def previous(self, user):
        """The previous meeting for the same scope (host unit), as far as `user` may see."""
        return (
            Meeting.objects.restrict(user)
            .filter(host_unit_id=self.host_unit_id, date__lt=self.date)
            .order_by("-date")
            .first()
        )


class Attendance(OwnedModel):
    """A person at a meeting, with the rank and position they held that day (kept as written)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="attendances"
    )
    rank = models.ForeignKey(
        "org.Rank",
        verbose_name=_("rank that day"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.CharField(_("position that day"), max_length=300, blank=True)
    role = models.CharField(_("role at the meeting"), max_length=100, blank=True)

    class Meta:
        ordering = ["meeting", "-rank__level", "person__latin_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")
        ]

    class Dimis:
        columns = ["meeting", "person", "rank", "position"]
        search_fields = ["person__full_name", "person__latin_name", "position"]
        filter_fields = ["meeting", "person"]
        form_fields = [
            "meeting",
            "person",
            "rank",
            "position",
            "role",
            "owning_unit",
            "classification",
        ]

    def __str__(self):
        return f"{self.person} @ {self.meeting}"

    def save(self, *args, **kwargs):
        # The rank and position the person held on the meeting's day, unless given.
        if self.person_id and self.meeting_id:
            if self.rank_id is None:
                self.rank = self.person.rank_on(self.meeting.date)
            if not self.position:
                held = self.person.appointments_on(self.meeting.date).first()
                self.position = held.position if held else ""
        super().save(*args, **kwargs)


class MeetingReport(OwnedModel):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="reports"
    )
    title = models.CharField(_("title"), max_length=300)
    presenter = models.ForeignKey(
        "org.Person",
        verbose_name=_("presented by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="meeting-reports/%Y/", blank=True)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("report delivered")
        verbose_name_plural = _("reports delivered")

    class Dimis:
        columns = ["meeting", "title", "presenter"]
        search_fields = ["title"]
        filter_fields = ["meeting"]
        form_fields = ["meeting", "title", "presenter", "file", "owning_unit", "classification"]

    def __str__(self):
        return self.title


class Conclusion(OwnedModel):
    """What the chair concluded; each conclusion becomes one or more tasks."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="conclusions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("conclusion"))
    source_text = models.TextField(
        _("source sentence"), blank=True, help_text=_("The report's own words.")
    )

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="conclusion_number_unique")
        ]

    class Dimis:
        columns = ["meeting", "number", "text"]
        search_fields = ["text", "source_text"]
        filter_fields = ["meeting"]
        form_fields = ["meeting", "number", "text", "source_text", "owning_unit", "classification"]

    def __str__(self):
        return f"{self.meeting.title} — {self.number}"
