"""Documents carried down from resolution to unit plan, and the tasks they give units."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from dimis.framework.access import today
from dimis.framework.choices import Role
from dimis.framework.models import OwnedModel, RestrictedQuerySet

from .numbers import normalise_number

EVIDENCE_EXTENSIONS = [
    "pdf",
    "docx",
    "xlsx",
    "doc",
    "xls",
    "odt",
    "ods",
    "png",
    "jpg",
    "jpeg",
    "txt",
]
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def validate_evidence_size(upload):
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The evidence file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1048576, 1), "limit": EVIDENCE_MAX_BYTES // 1048576}
        )


class DocumentKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")
    DIRECTIVE = "directive", _("Directive")
    CONCLUSION = "conclusion", _("Conclusion")
    ACTION_PROGRAM = "action_program", _("Action program")
    PLAN = "plan", _("Plan")
    DECISION = "decision", _("Decision")
    LAW = "law", _("Law")
    ORDINANCE = "ordinance", _("Ordinance")
    REGULATION = "regulation", _("Regulation")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    EXPIRED = "expired", _("Expired")


class Document(OwnedModel):
    """A resolution, program, plan...: `implements` its parent, numbered clauses inside."""

    number = models.CharField(
        _("number"), max_length=60, blank=True, help_text=_("As written, e.g. 08-NQ/TW.")
    )
    number_key = models.CharField(
        _("normalised number"), max_length=60, editable=False, db_index=True
    )
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    issuer = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="+"
    )
    issue_date = models.DateField(_("issue date"))
    horizon = models.CharField(
        _("horizon"), max_length=100, blank=True, help_text=_("e.g. “by 2030”")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.IN_FORCE
    )
    implements = models.ForeignKey(
        "self",
        verbose_name=_("implements"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implemented_by",
    )
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to="documents/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "doc", "docx", "odt"]), validate_evidence_size],
    )

    class Meta:
        ordering = ["-issue_date", "number"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["number_key"], condition=~Q(number_key=""), name="document_number_unique"
            )
        ]

    class Dimis:
        columns = ["number", "title", "kind", "issuer", "issue_date", "status"]
        search_fields = ["number", "number_key", "title"]
        filter_fields = ["kind", "status", "issuer", "implements", "classification"]
        form_fields = [
            "number",
            "title",
            "kind",
            "issuer",
            "issue_date",
            "horizon",
            "status",
            "implements",
            "summary",
            "file",
            "owning_unit",
            "classification",
        ]
        import_fields = [
            "number",
            "title",
            "kind",
            "issuer",
            "issue_date",
            "horizon",
            "status",
            "implements",
            "summary",
            "owning_unit",
            "classification",
        ]
        natural_key = "number_key"
        menu = ("directives", 10)
        detail_view = "dimis.directives.views.DocumentDetailView"

    def __str__(self):
        return f"{self.number} — {self.title}" if self.number else self.title

    def clean(self):
        self.number_key = normalise_number(self.number)
        if self.number and not self.number_key:
            raise ValidationError(
                {"number": _("Write the number as on the document, e.g. 08-NQ/TW.")}
            )
        if self.number_key:
            clash = Document.objects.filter(number_key=self.number_key).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"number": _("Document %(number)s already exists.") % {"number": self.number}}
                )
        if self.implements_id and self.pk and self._implements_loops():
            raise ValidationError(
                {"implements": _("A document cannot implement itself or one that implements it.")}
            )

    def _implements_loops(self) -> bool:
        seen, parent = {self.pk}, self.implements
        while parent is not None:
            if parent.pk in seen:
                return True
            seen.add(parent.pk)
            parent = parent.implements
        return False

    def save(self, *args, **kwargs):
        self.number_key = normalise_number(self.number)
        super().save(*args, **kwargs)

    def chain_up(self) -> list:
        """The documents this one implements, nearest first (a chain is a few levels deep)."""
        chain, parent = [], self.implements
        while parent is not None and len(chain) < 20:
            chain.append(parent)
            parent = parent.implements
        return chain


class Clause(OwnedModel):
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="clauses"
    )
    number = models.CharField(_("clause"), max_length=20)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="clause_number_unique")
        ]

    class Dimis:
        columns = ["document", "number", "text"]
        search_fields = ["text", "document__number", "document__title"]
        filter_fields = ["document"]
        form_fields = ["document", "number", "text", "owning_unit", "classification"]

    def __str__(self):
        return f"{self.document.number or self.document.title} §{self.number}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Timeliness(models.TextChoices):
    """Derived, never typed: always against the original deadline."""

    DONE_ON_TIME = "done_on_time", _("Done on time")
    DONE_LATE = "done_late", _("Done late")
    OPEN_WITHIN_DEADLINE = "open_within_deadline", _("Open, within deadline")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


def timeliness_expression(on: datetime.date):
    return Case(
        When(status=TaskStatus.CANCELLED, then=Value(Timeliness.CANCELLED)),
        When(
            status=TaskStatus.DONE,
            completed_on__lte=F("deadline"),
            then=Value(Timeliness.DONE_ON_TIME),
        ),
        When(status=TaskStatus.DONE, then=Value(Timeliness.DONE_LATE)),
        When(deadline__gte=on, then=Value(Timeliness.OPEN_WITHIN_DEADLINE)),
        default=Value(Timeliness.OVERDUE),
        output_field=models.CharField(),
    )


class TaskQuerySet(RestrictedQuerySet):
    def with_timeliness(self, on: datetime.date | None = None):
        return self.annotate(timeliness=timeliness_expression(on or today()))


class Task(OwnedModel):
    """Owned by the issuing unit; its lead unit (and their superiors) see it too."""

    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    clause = models.ForeignKey(
        Clause,
        verbose_name=_("from clause"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    conclusion = models.ForeignKey(
        "meetings.Conclusion",
        verbose_name=_("from conclusion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    lead_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    cooperating_units = models.ManyToManyField(
        "org.OrgUnit",
        verbose_name=_("cooperating units"),
        blank=True,
        related_name="cooperating_tasks",
    )
    assigned_on = models.DateField(_("assigned on"), default=today)
    deadline = models.DateField(_("deadline"))
    extended_deadline = models.DateField(
        _("extended deadline"), null=True, blank=True, editable=False
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()
    visible_through = ("lead_unit",)  # the lead unit sees the tasks it was given

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="task_progress_at_most_100"
            ),
        ]

    class Dimis:
        columns = ["title", "lead_unit", "deadline", "progress", "status"]
        detail_fields = [
            "title",
            "description",
            "clause",
            "conclusion",
            "owning_unit",
            "lead_unit",
            "assigned_on",
            "deadline",
            "extended_deadline",
            "progress",
            "status",
            "completed_on",
            "classification",
        ]
        search_fields = ["title", "description"]
        filter_fields = ["status", "lead_unit", "owning_unit", "clause", "classification"]
        form_fields = [
            "title",
            "description",
            "clause",
            "owning_unit",
            "lead_unit",
            "cooperating_units",
            "assigned_on",
            "deadline",
            "progress",
            "status",
            "completed_on",
            "classification",
        ]
        import_fields = [
            "title",
            "description",
            "owning_unit",
            "lead_unit",
            "assigned_on",
            "deadline",
            "progress",
            "status",
            "completed_on",
            "classification",
        ]
        menu = ("directives", 20)
        detail_view = "dimis.directives.views.TaskDetailView"

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.progress is not None and self.progress > 100:
            errors["progress"] = _("Progress is a percentage: at most 100.")
        if self.deadline and self.assigned_on and self.deadline < self.assigned_on:
            errors["deadline"] = _("The deadline cannot be before the task was assigned.")
        source = self.clause.document if self.clause_id else None
        if source and self.deadline and self.deadline < source.issue_date:
            errors["deadline"] = _(
                "The deadline cannot be before document %(number)s was issued (%(date)s)."
            ) % {"number": source.number or source.title, "date": source.issue_date.isoformat()}
        if self.status == TaskStatus.DONE and not self.completed_on:
            errors["completed_on"] = _("Give the date the task was completed.")
        if self.completed_on and self.status != TaskStatus.DONE:
            errors["status"] = _("A task with a completion date is done.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.status == TaskStatus.DONE:
            self.progress = 100
        super().save(*args, **kwargs)

    @property
    def current_timeliness(self) -> str:
        on = today()
        if self.status == TaskStatus.CANCELLED:
            return Timeliness.CANCELLED
        if self.status == TaskStatus.DONE:
            return (
                Timeliness.DONE_ON_TIME
                if self.completed_on <= self.deadline
                else Timeliness.DONE_LATE
            )
        return Timeliness.OPEN_WITHIN_DEADLINE if self.deadline >= on else Timeliness.OVERDUE


class TaskUpdate(OwnedModel):
    """A progress report on a task, with its evidence."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates"
    )
    reported_on = models.DateField(_("reported on"), default=today)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField(_("update"))
    evidence = models.FileField(
        _("evidence"),
        upload_to="evidence/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS), validate_evidence_size],
    )

    class Meta:
        ordering = ["task", "-reported_on", "-pk"]
        verbose_name = _("task update")
        verbose_name_plural = _("task updates")

    class Dimis:
        columns = ["task", "reported_on", "progress", "text"]
        search_fields = ["text", "task__title"]
        filter_fields = ["task"]
        form_fields = [
            "task",
            "reported_on",
            "progress",
            "text",
            "evidence",
            "owning_unit",
            "classification",
        ]
        write_roles = {Role.REPORTER, Role.PLANNER, Role.ADMINISTRATOR}

    def __str__(self):
        return f"{self.task} — {self.reported_on:%Y-%m-%d}"

    def clean(self):
        if self.progress is not None and self.progress > 100:
            raise ValidationError({"progress": _("Progress is a percentage: at most 100.")})

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        task = self.task
        if adding and task.status not in (TaskStatus.DONE, TaskStatus.CANCELLED):
            # The latest report is the task's progress; an open task is now under way.
            task.progress = self.progress
            if task.status == TaskStatus.OPEN:
                task.status = TaskStatus.IN_PROGRESS
            task.save()


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(OwnedModel):
    """Asked by the lead unit; decided by an approver of the issuing unit."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="extension_requests"
    )
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
        editable=False,
    )
    decided_by = models.ForeignKey(
        "users.User",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    decision_reason = models.TextField(_("reason for the decision"), blank=True, editable=False)

    visible_through = ("task__owning_unit",)  # the unit that issued the task sees the request

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    class Dimis:
        columns = ["task", "requested_deadline", "status", "decided_on"]
        detail_fields = [
            "task",
            "requested_deadline",
            "reason",
            "status",
            "decided_by",
            "decided_on",
            "decision_reason",
        ]
        search_fields = ["task__title", "reason"]
        filter_fields = ["status", "task"]
        form_fields = ["task", "requested_deadline", "reason", "owning_unit", "classification"]
        write_roles = {Role.REPORTER, Role.PLANNER, Role.ADMINISTRATOR}
        detail_view = "dimis.directives.views.ExtensionRequestDetailView"

    def __str__(self):
        return f"{self.task}: {self.requested_deadline:%Y-%m-%d}"

    def clean(self):
        if (
            self.task_id
            and self.requested_deadline
            and self.requested_deadline <= (self.task.extended_deadline or self.task.deadline)
        ):
            raise ValidationError(
                {"requested_deadline": _("An extension must be later than the current deadline.")}
            )
        if self.task_id and self.owning_unit_id and self.owning_unit_id != self.task.lead_unit_id:
            raise ValidationError(
                {"owning_unit": _("An extension is asked for by the task's lead unit.")}
            )


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Deadline approaching")
    OVERDUE = "overdue", _("Overdue")


class TaskReminder(models.Model):
    """A reminder sent to a task's lead unit. Unique per task, kind and deadline, so a second run
    of the reminder job sends nothing twice (an extension gives a new deadline, hence a new one)."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    deadline = models.DateField(_("deadline"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.TextField(_("e-mailed to"), blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "deadline"], name="reminder_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.task}"
