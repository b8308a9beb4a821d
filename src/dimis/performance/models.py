"""Indicators, periods, targets and reported values.

Values are written only through `values.write_values()` (set-based, one transaction, the previous
figure kept in `ValueAudit`, the roll-up kept current in `ValueRollup`); they are not edited
through `Value.save()`, which is why `Value` is not a registered register with generated forms.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dimis.framework.access import InUnitSet, granted_units_sql
from dimis.framework.choices import ALL_ROLES, Role
from dimis.framework.models import (
    ClassifiedMixin,
    ReferenceModel,
    RestrictedManager,
    RestrictedQuerySet,
    UnitScopedModel,
)
from dimis.org.models import in_english

from . import periods
from .periods import PeriodType

# Who may enter figures for a unit; approval needs an approver (or administrator) above or on it.
REPORTING_ROLES = frozenset({Role.REPORTER, Role.APPROVER, Role.PLANNER, Role.ADMINISTRATOR})
APPROVING_ROLES = frozenset({Role.APPROVER, Role.ADMINISTRATOR})
PLANNING_ROLES = frozenset({Role.PLANNER, Role.ADMINISTRATOR})


class UnitOfMeasure(models.TextChoices):
    VND = "vnd", _("VND")
    USD = "usd", _("USD")
    UNITS = "units", _("units")
    PERCENT = "percent", _("%")
    PERSONS = "persons", _("persons")
    PROJECTS = "projects", _("projects")


class UnitAggregation(models.TextChoices):
    SUM = "sum", _("Sum over units")
    AVERAGE = "average", _("Average over units")
    LAST = "last", _("Latest reported in the subtree")


class TimeAggregation(models.TextChoices):
    SUM = "sum", _("Flow: sum over the period")
    LAST = "last", _("Stock: the last value in the period")
    AVERAGE = "average", _("Average over the period")


class DisplayScale(models.IntegerChoices):
    ONE = 1, _("as entered")
    THOUSAND = 1_000, _("thousands")
    MILLION = 1_000_000, _("millions")
    BILLION = 1_000_000_000, _("billions")


class PlanningReferenceModel(ReferenceModel):
    """Read by every signed-in user within clearance; changed by planners and administrators."""

    class Meta:
        abstract = True

    @classmethod
    def roles_for(cls, action):
        return ALL_ROLES if action == "view" else PLANNING_ROLES

    @classmethod
    def restrict_queryset(cls, qs, user, action):
        if action != "view" and not user.grants.filter(role__in=sorted(PLANNING_ROLES)).exists():
            return qs.none()
        if hasattr(cls, "classification"):
            qs = qs.filter(classification__lte=user.clearance)
        return qs


class Indicator(ClassifiedMixin, PlanningReferenceModel):
    code = models.CharField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_("Also the DHIS2 data element code used in data exchange."),
    )
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    unit_of_measure = models.CharField(
        _("unit of measure"), max_length=20, choices=UnitOfMeasure.choices
    )
    period_type = models.CharField(
        _("reporting frequency"),
        max_length=20,
        choices=[c for c in PeriodType.choices if c[0] != PeriodType.PLAN],
        default=PeriodType.MONTHLY,
        help_text=_("How often units report it; values are entered for periods of this type."),
    )
    unit_aggregation = models.CharField(
        _("aggregation over units"),
        max_length=10,
        choices=UnitAggregation.choices,
        default=UnitAggregation.SUM,
    )
    time_aggregation = models.CharField(
        _("aggregation over time"),
        max_length=10,
        choices=TimeAggregation.choices,
        default=TimeAggregation.SUM,
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=0)
    display_scale = models.PositiveBigIntegerField(
        _("shown in"), choices=DisplayScale.choices, default=DisplayScale.ONE
    )
    min_value = models.DecimalField(
        _("lowest plausible value"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest plausible value"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    uid = models.CharField(
        _("DHIS2 UID"),
        max_length=11,
        blank=True,
        help_text=_("The data element's identifier in a DHIS2 instance, if it has one."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    class Dimis:
        columns = [
            "code",
            "name",
            "unit_of_measure",
            "period_type",
            "unit_aggregation",
            "time_aggregation",
            "classification",
        ]
        search_fields = ["code", "name", "name_en"]
        filter_fields = ["unit_of_measure", "period_type", "classification"]
        form_fields = [
            "code",
            "name",
            "name_en",
            "description",
            "unit_of_measure",
            "period_type",
            "unit_aggregation",
            "time_aggregation",
            "higher_is_better",
            "decimals",
            "display_scale",
            "min_value",
            "max_value",
            "uid",
            "sort_order",
            "classification",
        ]
        natural_key = "code"
        menu = ("performance", 10)

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if self.name_en and in_english() else self.name

    def clean(self):
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValidationError({"max_value": _("The highest value cannot be below the lowest.")})


class PeriodQuerySet(RestrictedQuerySet):
    def for_code(self, code: str, before_create=None) -> "Period":
        """The stored period for a code, created (with its nesting) on first use, after
        `before_create()` if given (a writer of figures takes its locks there)."""
        parsed = periods.parse(code)
        found = self.filter(code=parsed.code).first()
        if found is None:
            if before_create is not None:
                before_create()
            found = Period(code=parsed.code)
            found.save()
        return found

    def stored_or_unsaved(self, parsed_periods) -> list["Period"]:
        """For reading: the stored period for each parsed code, or an unsaved one (a period
        never stored holds no figures). Reading never creates periods."""
        parsed_periods = list(parsed_periods)
        stored = {p.code: p for p in self.filter(code__in=[p.code for p in parsed_periods])}
        return [
            stored.get(p.code)
            or Period(code=p.code, period_type=p.period_type, start_date=p.start, end_date=p.end)
            for p in parsed_periods
        ]

    def contained_in(self, period: "Period"):
        return self.filter(start_date__gte=period.start_date, end_date__lte=period.end_date)


class Period(ReferenceModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(
        _("name"),
        max_length=255,
        blank=True,
        help_text=_("For a plan period, the plan it covers, e.g. “Five-year plan 2021–2025”."),
    )
    period_type = models.CharField(_("type"), max_length=20, choices=PeriodType.choices)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    ancestors = models.ManyToManyField(
        "self",
        symmetrical=False,
        through="PeriodNesting",
        related_name="descendants",
        verbose_name=_("contained in"),
    )

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "-end_date"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.UniqueConstraint(fields=["period_type", "start_date"], name="period_type_start")
        ]

    class Dimis:
        columns = ["code", "name", "period_type", "start_date", "end_date"]
        search_fields = ["code", "name"]
        filter_fields = ["period_type"]
        form_fields = ["code", "name"]
        natural_key = "code"
        menu = ("performance", 90)

    def __str__(self):
        return self.label

    @property
    def parsed(self) -> periods.ParsedPeriod:
        return periods.ParsedPeriod(self.code, self.period_type, self.start_date, self.end_date)

    @property
    def label(self) -> str:
        return periods.label(self.parsed)

    @property
    def rank(self) -> int:
        return periods.RANK[self.period_type]

    def clean(self):
        try:
            parsed = periods.parse(self.code)
        except periods.PeriodCodeError as error:
            raise ValidationError({"code": str(error)}) from error
        if not self._state.adding and parsed.code != self._loaded_snapshot.get("code"):
            # Values, targets and roll-ups hang on the period: a new code is a new period.
            raise ValidationError({"code": _("A period's code cannot be changed.")})
        self.code, self.period_type = parsed.code, parsed.period_type
        self.start_date, self.end_date = parsed.start, parsed.end

    def save(self, *args, **kwargs):
        """A new period brings the calendar periods above it, and its nesting both ways.

        A new period that contains periods already holding values (a new plan period, say) gets
        its roll-up built here, once, as part of creating it."""
        if not self._state.adding:
            return super().save(*args, **kwargs)
        parsed = periods.parse(self.code)
        self.code, self.period_type = parsed.code, parsed.period_type
        self.start_date, self.end_date = parsed.start, parsed.end
        with transaction.atomic():
            for parent_code in periods.calendar_parents(parsed):
                Period.objects.for_code(parent_code)
            super().save(*args, **kwargs)
            self.link_nesting()

    def link_nesting(self):
        containing = Period.objects.filter(
            start_date__lte=self.start_date, end_date__gte=self.end_date
        ).exclude(pk=self.pk)
        contained = Period.objects.contained_in(self).exclude(pk=self.pk)
        links = [
            PeriodNesting(period=self, ancestor=p) for p in containing if p.rank > self.rank
        ] + [PeriodNesting(period=p, ancestor=self) for p in contained if p.rank < self.rank]
        PeriodNesting.objects.bulk_create(links, ignore_conflicts=True)
        if any(link.ancestor_id == self.pk for link in links):
            from .rollup import rebuild_rollups_for_period

            rebuild_rollups_for_period(self)


class PeriodNesting(models.Model):
    """`period` lies inside `ancestor` (a month in its quarter, half, year and plan periods)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    ancestor = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "ancestor"], name="period_nesting_unique")
        ]

    def __str__(self):
        return f"{self.period_id} ⊂ {self.ancestor_id}"


class Target(UnitScopedModel):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("target"), max_digits=24, decimal_places=4)
    source = models.CharField(
        _("set by"), max_length=255, blank=True, help_text=_("The plan or decision it comes from.")
    )

    unit_field = "unit"

    class Meta:
        ordering = ["indicator__sort_order", "unit__code", "period__start_date"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period"], name="target_indicator_unit_period"
            )
        ]

    class Dimis:
        columns = ["indicator", "unit", "period", "value", "source"]
        search_fields = ["indicator__code", "indicator__name", "unit__code", "unit__name"]
        filter_fields = ["indicator", "unit", "period"]
        form_fields = ["indicator", "unit", "period", "value", "source", "classification"]
        menu = ("performance", 20)
        form_base = "dimis.performance.forms.TargetFormBase"
        serializer_base = "dimis.performance.forms.TargetSerializerBase"
        write_roles = PLANNING_ROLES

    def __str__(self):
        return f"{self.indicator} · {self.unit} · {self.period}"

    def clean(self):
        if self.indicator_id and self.indicator.classification > self.classification:
            self.classification = self.indicator.classification


def fact_key(to, on_delete=models.PROTECT):
    """A reference from a table of millions of figures, written only by `values.py`.

    No database constraint and no index of its own: the composite keys below serve the
    look-ups, the write path stages only ids it has just resolved, and deletions go through
    the ORM, which still protects or cascades. A per-row foreign-key check and three extra
    indexes would cost more than the rest of a bulk write (docs/decisions/0005)."""
    return models.ForeignKey(
        to, on_delete=on_delete, related_name="+", db_index=False, db_constraint=False
    )


class Value(models.Model):
    """A figure a unit reported for an indicator and a period (DHIS2's data value)."""

    indicator = fact_key(Indicator)
    unit = fact_key("org.OrgUnit")
    period = fact_key(Period)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=4)
    comment = models.CharField(_("comment"), max_length=500, blank=True, default="")
    stored_by = models.CharField(_("entered by"), max_length=150)
    created = models.DateTimeField(_("created"))
    last_updated = models.DateTimeField(_("last updated"))

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "indicator"], name="value_unit_period_indicator"
            )
        ]
        indexes = [models.Index(fields=["period", "indicator"], name="value_period_indicator")]

    def __str__(self):
        return f"{self.indicator_id}/{self.unit_id}/{self.period_id} = {self.value}"

    @classmethod
    def roles_for(cls, action):
        return ALL_ROLES if action == "view" else REPORTING_ROLES

    @classmethod
    def restrict_queryset(cls, qs, user, action):
        sql, params = granted_units_sql(user, cls.roles_for(action))
        return qs.filter(
            InUnitSet("unit", sql, params), indicator__classification__lte=user.clearance
        )


class ValueBatch(models.Model):
    """One write of values: a grid save, an XLSX upload, a DHIS2 import. It is the record the
    hash-chained change log holds for those values (one change record per batch)."""

    class Kind(models.TextChoices):
        ENTRY = "entry", _("data entry")
        WORKBOOK = "workbook", _("workbook upload")
        DHIS2 = "dhis2", _("DHIS2 import")
        GENERATED = "generated", _("generated")

    time = models.DateTimeField(_("time"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(_("written by"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source_name = models.CharField(_("file"), max_length=255, blank=True)
    digest = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    deleted_count = models.PositiveIntegerField(_("deleted"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)

    class Meta:
        ordering = ["-time"]
        verbose_name = _("value batch")
        verbose_name_plural = _("value batches")

    def __str__(self):
        return f"{self.get_kind_display()} {self.source_name} ({self.time:%Y-%m-%d %H:%M})".strip()

    def snapshot(self) -> dict:
        return {
            "kind": self.kind,
            "source_name": self.source_name,
            "digest": self.digest,
            "created": self.created_count,
            "updated": self.updated_count,
            "deleted": self.deleted_count,
            "unchanged": self.unchanged_count,
        }


class ValueAudit(models.Model):
    """A figure that was replaced or removed: what it was, what it became, who and when."""

    batch = models.ForeignKey(ValueBatch, on_delete=models.PROTECT, related_name="+")
    indicator = fact_key(Indicator)
    unit = fact_key("org.OrgUnit")
    period = fact_key(Period)
    previous_value = models.DecimalField(_("was"), max_digits=24, decimal_places=4)
    new_value = models.DecimalField(
        _("became"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    previous_stored_by = models.CharField(_("entered by"), max_length=150)
    previous_updated = models.DateTimeField(_("entered"))

    class Meta:
        ordering = ["-batch__time", "-pk"]
        indexes = [models.Index(fields=["unit", "period", "indicator"], name="audit_key")]

    def __str__(self):
        return f"{self.previous_value} → {self.new_value}"


class ValueRollup(models.Model):
    """One unit's values of one indicator summed over a coarser period (a quarter, half, year or
    plan period), kept current by every write in the same transaction: the live roll-up reads
    these instead of scanning every month. `last_start` is the start of the latest period with a
    value and `last_value` that value: a stock's figure for the period."""

    indicator = fact_key(Indicator, models.CASCADE)
    unit = fact_key("org.OrgUnit", models.CASCADE)
    period = fact_key(Period, models.CASCADE)
    total = models.DecimalField(max_digits=30, decimal_places=4)
    value_count = models.IntegerField()
    last_start = models.DateField(null=True)
    last_value = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    as_of = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "indicator", "unit"], name="rollup_period_indicator_unit"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id}/{self.unit_id}/{self.period_id} Σ {self.total}"


class SubmissionStatus(models.TextChoices):
    # A context of their own: "Approved" and "Draft" mean other things for documents.
    DRAFT = "draft", pgettext_lazy("figures", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("figures", "Submitted")
    APPROVED = "approved", pgettext_lazy("figures", "Approved")


class DataSubmission(UnitScopedModel):
    """The state of one unit's figures for one period. No row means draft."""

    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Why it was returned or reopened."))

    unit_field = "unit"

    class Meta:
        ordering = ["-period__start_date", "unit__code"]
        verbose_name = _("data submission")
        verbose_name_plural = _("data submissions")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="submission_unit_period")
        ]

    class Dimis:
        columns = ["unit", "period", "status", "submitted_by", "submitted_at", "decided_at"]
        search_fields = ["unit__code", "unit__name", "period__code"]
        filter_fields = ["status", "unit", "period"]
        form_fields = ["unit", "period"]
        menu = ("performance", 40)
        # Changed only by the workflow (submit, approve, send back), never by a generic edit.
        write_roles = frozenset()
        detail_view = "dimis.performance.entry_views.SubmissionDetailView"

    def __str__(self):
        return f"{self.unit} · {self.period}"

    @property
    def locked(self) -> bool:
        return self.status != SubmissionStatus.DRAFT


class Comparison(models.TextChoices):
    LE = "le", "≤"
    LT = "lt", "<"
    GE = "ge", "≥"
    GT = "gt", ">"
    EQ = "eq", "="


class ValidationRule(PlanningReferenceModel):
    """`left` compared with `right` (or with a number) for the same unit and period."""

    name = models.CharField(_("name"), max_length=255)
    left = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    comparison = models.CharField(_("must be"), max_length=2, choices=Comparison.choices)
    right = models.ForeignKey(
        Indicator,
        verbose_name=_("than indicator"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    right_value = models.DecimalField(
        _("than the number"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    message = models.CharField(_("message"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    class Dimis:
        columns = ["name", "left", "comparison", "right", "right_value"]
        search_fields = ["name"]
        form_fields = ["name", "left", "comparison", "right", "right_value", "message"]
        menu = ("performance", 80)

    def __str__(self):
        return self.name

    def clean(self):
        if (self.right_id is None) == (self.right_value is None):
            raise ValidationError(
                {"right": _("Compare with either another indicator or a number, not both.")}
            )
        if self.right_id and self.right_id == self.left_id:
            raise ValidationError({"right": _("Compare the indicator with a different one.")})


def period_as_of(period: Period) -> datetime.date:
    """The day whose unit tree a period's figures follow: its last day, or today if later."""
    from dimis.framework.access import today

    return min(period.end_date, today())
