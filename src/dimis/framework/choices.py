from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.IntegerChoices):
    """Security classification of a record; a user's clearance is on the same scale."""

    UNCLASSIFIED = 0, _("Unclassified")
    RESTRICTED = 1, _("Restricted")
    CONFIDENTIAL = 2, _("Confidential")
    SECRET = 3, _("Secret")
    TOP_SECRET = 4, _("Top secret")


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    REPORTER = "reporter", _("Reporter")
    APPROVER = "approver", _("Approver")
    PLANNER = "planner", _("Planner")
    ADMINISTRATOR = "administrator", _("Administrator")


ALL_ROLES = frozenset(Role.values)
# Who may add, change or delete a register's records unless the model says otherwise.
DEFAULT_WRITE_ROLES = frozenset({Role.PLANNER, Role.ADMINISTRATOR})
