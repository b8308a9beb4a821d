from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .registry import registry

SECTIONS = {
    "organisation": _("Organisation"),
    "directives": _("Documents and tasks"),
    "performance": _("Performance"),
    "reports": _("Review reports"),
    "access": _("Access"),
}


# Pages that are not registers, shown first in their menu section: (label, URL name).
SECTION_PAGES = {
    "organisation": [(_("Unit tree"), "org-tree")],
    "directives": [(_("Scorecard"), "scorecard"), (_("Reminders"), "reminders")],
    "performance": [
        (_("Dashboard"), "performance-dashboard"),
        (_("Data entry"), "performance-entry"),
        (_("Approvals"), "performance-inbox"),
        (_("DHIS2 exchange"), "performance-dhis2"),
    ],
    "reports": [(_("New review report"), "reports-review")],
}


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    menu: dict[str, list] = {}
    for section, pages in SECTION_PAGES.items():
        for order, (label, name) in enumerate(pages):
            menu.setdefault(section, []).append((order - 100, label, reverse(name)))
    for config in registry:
        if config.menu:
            section, order = config.menu
            menu.setdefault(section, []).append(
                (order, config.model._meta.verbose_name_plural, config.url("list"))
            )
    nav = [
        (SECTIONS.get(s, s), [(label, url) for _, label, url in sorted(items)])
        for s, items in menu.items()
    ]
    return {"nav_sections": nav}
