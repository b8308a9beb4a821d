from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_rank_lexicon(sender, **kwargs):
    from dimis.core.actor import acting_as

    from .ranks import ensure_rank_lexicon

    with acting_as(None, source="system", label="migrate: rank lexicon"):
        ensure_rank_lexicon()


class OrgConfig(AppConfig):
    name = "dimis.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        # The rank lexicon is reference data every installation needs, demo or not.
        post_migrate.connect(_load_rank_lexicon, sender=self)
