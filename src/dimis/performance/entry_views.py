"""Data entry, workbook template, submission workflow and the approver's inbox."""

from dimis.framework.views import ObjectDetailView


class SubmissionDetailView(ObjectDetailView):
    pass


urlpatterns: list = []
