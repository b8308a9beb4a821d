"""Registration instead of wiring: a model's inner `class Dimis` is all it declares.

From it the registry builds the filterset (shared by list, export and API), the form, the
serializer, the UI views and URLs, the API viewset and the menu entry. Any of them can be
replaced by naming a class in `Dimis` (form, filterset, serializer, list_view, ...).
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.module_loading import import_string

from .models import DimisModel


@dataclass
class ModelConfig:
    model: type[models.Model]
    columns: list[str]
    search_fields: list[str]
    filter_fields: list[str]
    form_fields: list[str]
    detail_fields: list[str]
    import_fields: list[str]
    natural_key: str | None
    menu: tuple[str, int] | None
    select_related: list[str]
    prefetch_related: list[str]
    overrides: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    @property
    def url_prefix(self) -> str:
        return f"{self.app_label}-{self.model_name}"

    def url(self, action: str, pk=None) -> str:
        name = f"{self.url_prefix}-{action}"
        return reverse(name, args=[pk] if pk is not None else [])

    def api_url(self) -> str:
        return reverse(f"api:{self.url_prefix}-list")

    def field(self, name: str):
        return self.model._meta.get_field(name.split("__")[0])

    @cached_property
    def filterset_class(self):
        from .filtersets import build_filterset

        return self._override("filterset") or build_filterset(self)

    @cached_property
    def form_class(self):
        from .forms import build_form

        return self._override("form") or build_form(self, base=self._override("form_base"))

    @cached_property
    def import_form_class(self):
        from .forms import build_form

        return self._override("import_form") or build_form(
            self, for_import=True, base=self._override("form_base")
        )

    @cached_property
    def serializer_class(self):
        from .serializers import build_serializer

        return self._override("serializer") or build_serializer(
            self, base=self._override("serializer_base")
        )

    def _override(self, name):
        value = self.overrides.get(name)
        return import_string(value) if isinstance(value, str) else value


OVERRIDABLE = (
    "form",
    "form_base",
    "import_form",
    "filterset",
    "serializer",
    "serializer_base",
    "list_view",
    "detail_view",
    "edit_view",
)


def _related_paths(model, names):
    """FK columns shown in a list are joined in the same query (no N+1)."""
    paths = []
    for name in names:
        try:
            f = model._meta.get_field(name)
        except Exception:
            continue
        if isinstance(f, models.ForeignKey):
            paths.append(name)
    return paths


class Registry:
    def __init__(self):
        self._configs: dict[type, ModelConfig] = {}

    def autodiscover(self):
        for model in apps.get_models():
            options = getattr(model, "Dimis", None)
            if options is not None and issubclass(model, DimisModel) and not model._meta.abstract:
                self.register(model, options)

    def register(self, model, options) -> ModelConfig:
        concrete = [f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key]
        form_fields = list(getattr(options, "form_fields", concrete))
        columns = list(getattr(options, "columns", form_fields[:5]))
        config = ModelConfig(
            model=model,
            columns=columns,
            search_fields=list(getattr(options, "search_fields", [])),
            filter_fields=list(getattr(options, "filter_fields", [])),
            form_fields=form_fields,
            detail_fields=list(getattr(options, "detail_fields", form_fields)),
            import_fields=list(getattr(options, "import_fields", form_fields)),
            natural_key=getattr(options, "natural_key", None),
            menu=getattr(options, "menu", None),
            select_related=list(getattr(options, "select_related", _related_paths(model, columns))),
            # Many-to-many fields the API serialises are fetched in one query for the whole page.
            prefetch_related=list(
                getattr(
                    options,
                    "prefetch_related",
                    [n for n in form_fields if model._meta.get_field(n).many_to_many],
                )
            ),
            overrides={k: getattr(options, k) for k in OVERRIDABLE if hasattr(options, k)},
        )
        self._configs[model] = config
        return config

    def get(self, model) -> ModelConfig:
        return self._configs[model if isinstance(model, type) else type(model)]

    def get_by_label(self, label: str) -> ModelConfig | None:
        for config in self._configs.values():
            if config.label == label:
                return config
        return None

    def __iter__(self):
        return iter(self._configs.values())

    def __contains__(self, model):
        return model in self._configs


registry = Registry()
