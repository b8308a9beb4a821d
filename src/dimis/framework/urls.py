"""URL patterns for every registered model, generated from the registry."""

from django.urls import path
from django.utils.module_loading import import_string

from . import views
from .registry import registry


def model_urlpatterns():
    patterns = []
    for config in registry:
        o = {k: import_string(v) if isinstance(v, str) else v for k, v in config.overrides.items()}
        base = f"{config.app_label}/{config.model_name}"
        name = config.url_prefix
        list_view = o.get("list_view", views.ObjectListView)
        detail_view = o.get("detail_view", views.ObjectDetailView)
        edit_view = o.get("edit_view", views.ObjectEditView)
        patterns += [
            path(f"{base}/", list_view.as_view(config=config), name=f"{name}-list"),
            path(f"{base}/add/", edit_view.as_view(config=config), name=f"{name}-add"),
            path(
                f"{base}/import/",
                views.ObjectImportView.as_view(config=config),
                name=f"{name}-import",
            ),
            path(f"{base}/<int:pk>/", detail_view.as_view(config=config), name=f"{name}-detail"),
            path(f"{base}/<int:pk>/edit/", edit_view.as_view(config=config), name=f"{name}-edit"),
            path(
                f"{base}/<int:pk>/delete/",
                views.ObjectDeleteView.as_view(config=config),
                name=f"{name}-delete",
            ),
            path(
                f"{base}/<int:pk>/history/",
                views.ObjectHistoryView.as_view(config=config),
                name=f"{name}-history",
            ),
            path(
                f"{base}/<int:pk>/file/<str:field>/",
                views.ObjectFileView.as_view(config=config),
                name=f"{name}-file",
            ),
        ]
    return patterns
