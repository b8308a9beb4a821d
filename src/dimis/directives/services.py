"""The task workflow's decisions, one place for the web, the API and tests."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dimis.framework.access import InUnitSet, granted_units_sql, today
from dimis.framework.choices import Role
from dimis.org.models import OrgUnit

from .models import ExtensionRequest, ExtensionStatus, Task


def may_decide_extension(user, request: ExtensionRequest) -> bool:
    """Only an approver (or administrator) over the unit that issued the task decides."""
    if user.is_superuser:
        return True
    sql, params = granted_units_sql(user, {Role.APPROVER, Role.ADMINISTRATOR})
    return (
        OrgUnit.objects.filter(pk=request.task.owning_unit_id)
        .filter(InUnitSet("id", sql, params))
        .exists()
    )


def decide_extension(
    request: ExtensionRequest, user, approve: bool, reason: str
) -> ExtensionRequest:
    if not may_decide_extension(user, request):
        raise PermissionDenied(_("Only an approver of the unit that issued the task may decide."))
    if request.status != ExtensionStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    if not reason.strip():
        raise ValidationError({"decision_reason": _("Give the reason for the decision.")})
    with transaction.atomic():
        request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        request.decided_by = user
        request.decided_on = today()
        request.decision_reason = reason.strip()
        request.save()
        if approve:
            task = Task.objects.select_for_update().get(pk=request.task_id)
            task.extended_deadline = request.requested_deadline
            task.save()
    return request
