"""The sections a review report is made of, as a registry.

A sector register added later (production and maintenance plans, investment projects,
cooperation, exports, training) adds its section to every review report by registering a
builder in its app's `report_sections.py`; the builder, the renderers and the annex need no
change:

    from dimis.reports.registry import report_section
    from dimis.reports.structure import Section

    @report_section("production", order=60)
    def production(scope):          # scope: dimis.reports.scope.ReportScope
        rows = ProductionLine.objects.all().restrict(scope.user).filter(...)
        ...
        return Section("production", _("Production and maintenance plans"), [...])

A builder reads only through `.restrict(scope.user)` and within `scope.units`, sets the
section's `classification` to the highest of the records it shows, and returns None when it
has nothing to report for the scope.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps


@dataclass(frozen=True)
class SectionSpec:
    key: str
    order: int
    build: Callable


_sections: dict[str, SectionSpec] = {}


def report_section(key: str, order: int):
    """Register `build(scope) -> Section | None` as the report section `key`."""

    def decorate(build):
        _sections[key] = SectionSpec(key, order, build)
        return build

    return decorate


def unregister(key: str) -> None:
    _sections.pop(key, None)


def registered() -> list[SectionSpec]:
    return sorted(_sections.values(), key=lambda spec: (spec.order, spec.key))


def autodiscover() -> None:
    """The built-in sections, then each DIMIS app's `report_sections` module, if it has one."""
    import_module("dimis.reports.sections")
    for config in apps.get_app_configs():
        if not config.name.startswith("dimis.") or config.name == "dimis.reports":
            continue
        try:
            import_module(f"{config.name}.report_sections")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.report_sections":
                raise
