"""The review report pages (the stored reports' list, detail and files come from the registry)."""

from .views import urlpatterns  # noqa: F401
