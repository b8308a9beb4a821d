"""One filterset per model, built from its declaration; the list page, exports and the API share it."""

import django_filters
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices_for import visible


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = Q()
        for path in self.search_fields:
            condition |= Q(**{f"{path}__icontains": value})
        return queryset.filter(condition)


def _restricted_fk_filter(field):
    related = field.related_model

    def choices(request):
        if request is None:
            return related._default_manager.none()
        return visible(related, request.user)

    return django_filters.ModelChoiceFilter(
        field_name=field.name, queryset=choices, label=field.verbose_name
    )


def build_filterset(config):
    attrs = {"search_fields": config.search_fields}
    plain = []
    for name in config.filter_fields:
        field = config.model._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            attrs[name] = _restricted_fk_filter(field)
        else:
            plain.append(name)
    attrs["Meta"] = type("Meta", (), {"model": config.model, "fields": plain})
    return type(f"{config.model.__name__}FilterSet", (SearchFilterSet,), attrs)
