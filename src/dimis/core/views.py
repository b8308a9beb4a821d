from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext as _

from dimis.framework.display import display_value
from dimis.framework.registry import registry

SEARCH_LIMIT = 10


def home(request):
    from dimis.org.models import OrgUnit

    user = request.user
    grants = user.grants.select_related("unit").order_by("unit__code", "role")
    counts = []
    for config in registry:
        if config.menu:
            counts.append(
                (
                    config.model._meta.verbose_name_plural,
                    config.model.objects.restrict(user).count(),
                    config.url("list"),
                )
            )
    return render(
        request,
        "core/home.html",
        {
            "grants": grants,
            "counts": counts,
            "unit_count": OrgUnit.objects.restrict(user).count(),
        },
    )


def search(request):
    """One box over every register, each restricted to what the user may see."""
    query = request.GET.get("q", "").strip()
    results = []
    if len(query) >= 2:
        for config in registry:
            if not config.search_fields:
                continue
            filterset = config.filterset_class(
                {"q": query},
                queryset=config.model.objects.all().restrict(request.user),
                request=request,
            )
            qs = filterset.qs
            if config.select_related:
                qs = qs.select_related(*config.select_related)
            hits = list(qs[: SEARCH_LIMIT + 1])
            if hits:
                results.append(
                    {
                        "label": config.model._meta.verbose_name_plural,
                        "items": [
                            (
                                str(o),
                                o.get_absolute_url(),
                                display_value(o, config.columns[1])
                                if len(config.columns) > 1
                                else "",
                            )
                            for o in hits[:SEARCH_LIMIT]
                        ],
                        "more": len(hits) > SEARCH_LIMIT,
                        "more_url": f"{config.url('list')}?{urlencode({'q': query})}",
                    }
                )
    message = _("Type at least two characters.") if query and len(query) < 2 else ""
    return render(
        request, "core/search.html", {"query": query, "results": results, "message": message}
    )
