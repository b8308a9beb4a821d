from dimis.framework.choices import Classification
from dimis.framework.jobs import job

from .generation import generate
from .models import GeneratedReport


@job()
def write_review_report(report_id: int) -> str:
    """The background job behind the report form: the report is built with its requester's
    restrictions (`generate` reads through them), and its writes are the job's, for them."""
    stored = GeneratedReport.objects.select_related("owning_unit", "meeting", "requested_by").get(
        pk=report_id
    )
    generate(stored)
    return stored.status


def request_report(user, **fields) -> GeneratedReport:
    """Store the request (carrying the requester's clearance until the contents are known) and
    queue its job."""
    clearance = Classification.TOP_SECRET if user.is_superuser else user.clearance
    stored = GeneratedReport(requested_by=user, classification=clearance, **fields)
    stored.save()
    write_review_report.enqueue(stored.pk, requested_by=user.pk)
    return stored
