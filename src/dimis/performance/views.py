"""Pages of the performance section."""

from dimis.framework.views import ObjectDetailView


class SubmissionDetailView(ObjectDetailView):
    pass
