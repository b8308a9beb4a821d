import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dimis.framework.access import InUnitSet, subtree_sql, today
from dimis.framework.choices import Role
from dimis.framework.models import OwnedModel, ReferenceModel, RestrictedQuerySet, UnitScopedModel


def latin(text: str) -> str:
    """'Phan Văn Giang' -> 'Phan Van Giang': how English-language reports write names."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def in_english() -> bool:
    return (get_language() or "vi").startswith("en")


class UnitKind(models.TextChoices):
    PARTY_BODY = "party_body", _("Party body")
    STATE_BODY = "state_body", _("State body")
    MINISTRY = "ministry", _("Ministry")
    GENERAL_DEPARTMENT = "general_department", _("General department")
    DEPARTMENT = "department", _("Department")
    INSTITUTE = "institute", _("Institute")
    ACADEMY = "academy", _("Academy")
    SCHOOL = "school", _("School")
    FACTORY = "factory", _("Factory")
    CORPORATION = "corporation", _("Corporation")
    COMPANY = "company", _("Company")


def active_on(on: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": on})
    )


class OrgUnitQuerySet(RestrictedQuerySet):
    def subtree(self, root, on: datetime.date | None = None, include_root: bool = True):
        """The root and every unit under it on date `on`, in one query."""
        root_id = root.pk if isinstance(root, OrgUnit) else root
        sql, params = subtree_sql("SELECT CAST(%s AS BIGINT)", [root_id], on or today())
        qs = self.filter(InUnitSet("id", sql, params))
        return qs if include_root else qs.exclude(pk=root_id)

    def highest(self):
        """The first (by code) of these units whose parent today is not among them: where a
        user's view of the tree starts."""
        return (
            self.with_parent_on()
            .exclude(parent_on_date__in=self.values("pk"))
            .order_by("code")
            .first()
        )

    def with_parent_on(self, on: datetime.date | None = None):
        """Annotate `parent_on_date`: the parent each unit had on `on` (the tree, one query)."""
        links = UnitLink.objects.filter(active_on(on or today()), child=OuterRef("pk"))
        return self.annotate(parent_on_date=Subquery(links.values("parent_id")[:1]))


class OrgUnit(UnitScopedModel):
    """Any body, in or above the sector. Its place in the tree is dated (see UnitLink)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=30, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices)
    established = models.DateField(_("established"), null=True, blank=True)
    dissolved = models.DateField(_("dissolved"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Generated for the demonstration, not a real unit."),
    )

    unit_field = "id"
    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    class Dimis:
        columns = ["code", "name", "abbreviation", "kind", "classification"]
        detail_fields = [
            "code",
            "name",
            "name_en",
            "abbreviation",
            "kind",
            "established",
            "dissolved",
            "classification",
            "is_sample",
        ]
        search_fields = ["code", "name", "name_en", "abbreviation"]
        filter_fields = ["kind", "classification", "is_sample"]
        form_fields = [
            "code",
            "name",
            "name_en",
            "abbreviation",
            "kind",
            "established",
            "dissolved",
            "classification",
        ]
        natural_key = "code"
        menu = ("organisation", 10)
        write_roles = {Role.ADMINISTRATOR}
        detail_view = "dimis.org.views.OrgUnitDetailView"
        form_base = "dimis.org.forms.OrgUnitFormBase"
        serializer_base = "dimis.org.forms.OrgUnitSerializerBase"

    def __str__(self):
        name = self.display_name
        return f"{name} ({self.abbreviation})" if self.abbreviation else name

    @property
    def display_name(self) -> str:
        """The name in the reader's language where the English one is known."""
        return self.name_en if self.name_en and in_english() else self.name

    def clean(self):
        if self.established and self.dissolved and self.dissolved < self.established:
            raise ValidationError(
                {"dissolved": _("A unit cannot be dissolved before it was established.")}
            )

    def parent_on(self, on: datetime.date | None = None):
        link = self.parent_links.filter(active_on(on or today())).select_related("parent").first()
        return link.parent if link else None


class UnitLink(UnitScopedModel):
    """`child` sat under `parent` from `valid_from` until the day before `valid_to`."""

    child = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="parent_links"
    )
    parent = models.ForeignKey(
        OrgUnit, verbose_name=_("parent unit"), on_delete=models.PROTECT, related_name="child_links"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Empty while still in force.")
    )

    # Placing a unit under a parent is the parent's administrators' decision.
    unit_field = "parent"

    class Meta:
        ordering = ["child__code", "valid_from"]
        verbose_name = _("unit link")
        verbose_name_plural = _("unit links")
        indexes = [
            models.Index(fields=["parent", "valid_from"]),
            models.Index(fields=["child", "valid_from"]),
        ]

    class Dimis:
        columns = ["child", "parent", "valid_from", "valid_to"]
        search_fields = ["child__code", "child__name", "parent__code", "parent__name"]
        filter_fields = ["child", "parent"]
        form_fields = ["child", "parent", "valid_from", "valid_to", "classification"]
        write_roles = {Role.ADMINISTRATOR}

    def __str__(self):
        return f"{self.child} → {self.parent}"

    def clean(self):
        if self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("The end date must be after the start date.")})
        if self.child_id and self.parent_id:
            if self.child_id == self.parent_id:
                raise ValidationError({"parent": _("A unit cannot be its own parent.")})
            self._check_overlap()
            self._check_cycle()

    def _check_overlap(self):
        others = UnitLink.objects.filter(child_id=self.child_id).exclude(pk=self.pk)
        end = self.valid_to or datetime.date.max
        overlapping = others.filter(valid_from__lt=end).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=self.valid_from)
        )
        if overlapping.exists():
            raise ValidationError(
                {"valid_from": _("This unit already has a parent during part of this period.")}
            )

    def _check_cycle(self):
        # The tree under the child can change during this link's period: check it on every day
        # it changes (a link starts), not only on the first day.
        end = self.valid_to or datetime.date.max
        starts = UnitLink.objects.filter(valid_from__gt=self.valid_from, valid_from__lt=end)
        days = {self.valid_from, *starts.values_list("valid_from", flat=True).distinct()}
        for on in sorted(days):
            sql, params = subtree_sql("SELECT CAST(%s AS BIGINT)", [self.child_id], on)
            units = OrgUnit.objects.filter(pk=self.parent_id).filter(InUnitSet("id", sql, params))
            if units.exists():
                raise ValidationError(
                    {"parent": _("The parent is under this unit: the tree would loop.")}
                )


class Service(models.TextChoices):
    ALL = "all", _("All services")
    ARMY = "army", _("Army")
    NAVY = "navy", _("Navy")


class Rank(ReferenceModel):
    """A military rank. `level` orders seniority; army and navy equivalents share a level."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    abbreviation_en = models.CharField(_("English abbreviation"), max_length=30, blank=True)
    service = models.CharField(_("service"), max_length=10, choices=Service.choices)
    level = models.PositiveSmallIntegerField(_("level"), help_text=_("Higher is more senior."))
    aliases = models.JSONField(_("other written forms"), default=list, blank=True)

    class Meta:
        ordering = ["-level", "service"]
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")

    class Dimis:
        columns = ["name", "name_en", "abbreviation_en", "service", "level"]
        search_fields = ["code", "name", "name_en", "abbreviation_en"]
        filter_fields = ["service", "level"]
        form_fields = ["code", "name", "name_en", "abbreviation_en", "service", "level", "aliases"]
        natural_key = "code"
        menu = ("organisation", 40)

    def __str__(self):
        return self.name_en if in_english() else self.name


class Person(OwnedModel):
    full_name = models.CharField(_("full name"), max_length=150)
    latin_name = models.CharField(
        _("name without diacritics"), max_length=150, editable=False, db_index=True
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["latin_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    class Dimis:
        columns = ["full_name", "owning_unit", "classification"]
        search_fields = ["full_name", "latin_name"]
        filter_fields = ["owning_unit", "classification"]
        form_fields = ["full_name", "birth_year", "owning_unit", "classification", "notes"]
        menu = ("organisation", 20)
        write_roles = {Role.PLANNER, Role.ADMINISTRATOR}
        detail_view = "dimis.org.views.PersonDetailView"

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.latin_name = latin(self.full_name)
        super().save(*args, **kwargs)

    def rank_on(self, on: datetime.date | None = None):
        record = self.rank_records.filter(since__lte=on or today()).select_related("rank").first()
        return record.rank if record else None

    def appointments_on(self, on: datetime.date | None = None):
        return self.appointments.filter(active_on(on or today(), "")).select_related("unit")


class RankRecord(OwnedModel):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="rank_records"
    )
    rank = models.ForeignKey(
        Rank, verbose_name=_("rank"), on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateField(_("since"))
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        ordering = ["person", "-since"]
        verbose_name = _("rank record")
        verbose_name_plural = _("rank records")
        constraints = [
            models.UniqueConstraint(fields=["person", "since"], name="rank_record_once_a_day")
        ]

    class Dimis:
        columns = ["person", "rank", "since"]
        search_fields = ["person__full_name", "person__latin_name"]
        filter_fields = ["person", "rank"]
        form_fields = ["person", "rank", "since", "source", "owning_unit", "classification"]
        write_roles = {Role.PLANNER, Role.ADMINISTRATOR}

    def __str__(self):
        return f"{self.person}: {self.rank} ({self.since:%Y-%m-%d})"


class Appointment(OwnedModel):
    """A person held `position` in `unit` from `valid_from` to the day before `valid_to`."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="appointments"
    )
    position = models.CharField(_("position"), max_length=200)
    position_en = models.CharField(_("English position"), max_length=200, blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="appointments"
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["person", "-valid_from"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    class Dimis:
        columns = ["person", "position", "unit", "valid_from", "valid_to"]
        search_fields = ["person__full_name", "person__latin_name", "position", "position_en"]
        filter_fields = ["person", "unit"]
        form_fields = [
            "person",
            "position",
            "position_en",
            "unit",
            "valid_from",
            "valid_to",
            "owning_unit",
            "classification",
        ]
        menu = ("organisation", 30)
        write_roles = {Role.PLANNER, Role.ADMINISTRATOR}

    def __str__(self):
        position = self.position_en if self.position_en and in_english() else self.position
        return f"{self.person}, {position}"

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("The end date must be after the start date.")})
