from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dimis.reports"
    label = "reports"
    verbose_name = _("Review reports")

    def ready(self):
        from .registry import autodiscover

        autodiscover()
