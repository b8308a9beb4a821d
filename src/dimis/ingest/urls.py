"""The queue's own pages; the list and detail pages of reports and proposals are generated."""

from django.urls import path

from .views import AcceptAllView, ProposalActionView, UploadView

urlpatterns = [
    path("upload/", UploadView.as_view(), name="ingest-upload"),
    path(
        "report/<int:pk>/accept-all/",
        AcceptAllView.as_view(),
        name="ingest-report-accept-all",
    ),
    path(
        "proposal/<int:pk>/accept/",
        ProposalActionView.as_view(action="accept"),
        name="ingest-proposal-accept",
    ),
    path(
        "proposal/<int:pk>/correct/",
        ProposalActionView.as_view(action="correct"),
        name="ingest-proposal-correct",
    ),
    path(
        "proposal/<int:pk>/reject/",
        ProposalActionView.as_view(action="reject"),
        name="ingest-proposal-reject",
    ),
]
