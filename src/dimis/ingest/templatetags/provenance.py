"""`{% source_links object %}`: the reports and sentences a record was read from (ingestion)."""

from django import template
from django.contrib.contenttypes.models import ContentType

register = template.Library()


@register.inclusion_tag("ingest/_source_links.html", takes_context=True)
def source_links(context, obj):
    from dimis.ingest.models import SourceLink
    from dimis.ingest.views import highlight

    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or getattr(obj, "pk", None) is None or user is None:
        return {"links": []}
    links = (
        SourceLink.objects.all()
        .restrict(user)
        .filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)
        .select_related("report")
        .order_by("report", "span_start")[:20]
    )
    return {
        "links": [
            (
                link,
                highlight(
                    link.report.text,
                    link.span_start,
                    link.span_end,
                    link.sentence_start,
                    link.sentence_end,
                ),
            )
            for link in links
        ]
    }
