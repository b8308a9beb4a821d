from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo sector (safe to run again). Each DIMIS app may provide demo.load()."

    def handle(self, *args, **options):
        self.stdout.write("Loading the DIMIS demo sector…")
        with transaction.atomic():
            for config in apps.get_app_configs():
                if not config.name.startswith("dimis."):
                    continue
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{config.name}.demo":
                        raise
                    continue
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo ready."))
