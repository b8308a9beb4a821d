"""The performance pages; each page module lists its own patterns."""

from . import dhis2_views, entry_views, views

urlpatterns = [*views.urlpatterns, *entry_views.urlpatterns, *dhis2_views.urlpatterns]
