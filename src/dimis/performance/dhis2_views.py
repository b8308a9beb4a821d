"""DHIS2 dataValueSets interchange: pages and the API endpoint."""

urlpatterns: list = []
