from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeSource(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")
    COMMAND = "command", _("command")
    JOB = "job", _("background job")
    SYSTEM = "system", _("system")


class ChangeRecord(models.Model):
    """One write to one record. `hash` covers this record's content and the previous hash."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    time = models.DateTimeField(_("time"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes",
    )
    actor = models.CharField(_("actor"), max_length=150)
    source = models.CharField(_("source"), max_length=20, choices=ChangeSource.choices)
    action = models.CharField(_("action"), max_length=10)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        indexes = [models.Index(fields=["object_type", "object_id", "sequence"])]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class ChainHead(models.Model):
    """The single row writers lock to append to the chain; it also notes the last record,
    so removing the newest records is detected too."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"chain head at #{self.last_sequence}"
