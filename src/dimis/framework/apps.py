from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworkConfig(AppConfig):
    name = "dimis.framework"
    label = "framework"
    verbose_name = _("Framework")

    def ready(self):
        from .registry import registry

        registry.autodiscover()
