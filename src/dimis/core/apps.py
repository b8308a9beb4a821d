from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dimis.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_delete

        from .changelog import log_deletion

        post_delete.connect(log_deletion, dispatch_uid="dimis-change-log-delete")
