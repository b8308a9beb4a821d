"""Draft → submitted → approved, per unit and period. Approval locks the figures; an approver
may reopen them with a reason. Each step is a saved (so change-logged) DataSubmission."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dimis.framework.access import InUnitSet, granted_units_sql
from dimis.org.models import OrgUnit

from .models import APPROVING_ROLES, REPORTING_ROLES, DataSubmission, SubmissionStatus
from .values import ALL_FIGURES_LOCK


def covers(user, unit_id: int, roles) -> bool:
    """Does one of the user's grants with these roles reach the unit?"""
    if user.is_superuser:
        return True
    sql, params = granted_units_sql(user, roles)
    return OrgUnit.objects.filter(pk=unit_id).filter(InUnitSet("id", sql, params)).exists()


def may_approve(user, submission: DataSubmission) -> bool:
    return covers(user, submission.unit_id, APPROVING_ROLES) and (
        user.is_superuser or submission.submitted_by_id != user.pk
    )


def _locked(unit_id: int, period_id: int) -> DataSubmission:
    """The submission row, created as a draft if missing, locked against concurrent writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [ALL_FIGURES_LOCK])
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [int(unit_id), int(period_id)])
    submission = (
        DataSubmission.objects.select_for_update()
        .filter(unit_id=unit_id, period_id=period_id)
        .first()
    )
    if submission is None:
        submission = DataSubmission(unit_id=unit_id, period_id=period_id)
        submission.classification = 0
    return submission


def _expect(submission, status, message):
    if submission.status != status:
        raise ValidationError(message, code="state")


def submit(user, unit_id: int, period_id: int) -> DataSubmission:
    if not covers(user, unit_id, REPORTING_ROLES):
        raise PermissionDenied(_("You do not report for this unit."))
    with transaction.atomic():
        submission = _locked(unit_id, period_id)
        _expect(submission, SubmissionStatus.DRAFT, _("These figures are already submitted."))
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_by, submission.submitted_at = user, timezone.now()
        submission.decided_by = submission.decided_at = None
        submission.save()
    return submission


def withdraw(user, submission: DataSubmission) -> DataSubmission:
    """The reporting unit takes back figures not yet approved, to correct them."""
    if not covers(user, submission.unit_id, REPORTING_ROLES):
        raise PermissionDenied(_("You do not report for this unit."))
    with transaction.atomic():
        submission = _locked(submission.unit_id, submission.period_id)
        _expect(
            submission, SubmissionStatus.SUBMITTED, _("Only submitted figures can be withdrawn.")
        )
        submission.status = SubmissionStatus.DRAFT
        submission.save()
    return submission


def approve(user, submission: DataSubmission) -> DataSubmission:
    with transaction.atomic():
        submission = _locked(submission.unit_id, submission.period_id)
        if not may_approve(user, submission):
            raise PermissionDenied(
                _("Approval needs an approver of this unit other than the one who submitted.")
            )
        _expect(
            submission, SubmissionStatus.SUBMITTED, _("Only submitted figures can be approved.")
        )
        submission.status = SubmissionStatus.APPROVED
        submission.decided_by, submission.decided_at = user, timezone.now()
        submission.note = ""
        submission.save()
    return submission


def send_back(user, submission: DataSubmission, reason: str) -> DataSubmission:
    """Return submitted figures to the unit (not approved), or reopen approved ones: a reason is
    required either way, and the figures become a draft the unit can correct."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"note": _("Say why the figures go back to the unit.")})
    with transaction.atomic():
        submission = _locked(submission.unit_id, submission.period_id)
        if not covers(user, submission.unit_id, APPROVING_ROLES):
            raise PermissionDenied(_("Only an approver of this unit can do this."))
        if submission.status == SubmissionStatus.DRAFT:
            raise ValidationError(_("These figures are already a draft."), code="state")
        submission.status = SubmissionStatus.DRAFT
        submission.decided_by, submission.decided_at = user, timezone.now()
        submission.note = reason
        submission.save()
    return submission


def inbox(user):
    """Submissions waiting for this user's approval: submitted under units they approve for,
    not submitted by themselves."""
    sql, params = granted_units_sql(user, APPROVING_ROLES)
    qs = DataSubmission.objects.all().restrict(user).filter(status=SubmissionStatus.SUBMITTED)
    if not user.is_superuser:
        qs = qs.filter(InUnitSet("unit", sql, params)).exclude(submitted_by=user)
    return qs.select_related("unit", "period", "submitted_by").order_by("submitted_at")
