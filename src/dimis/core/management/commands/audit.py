from django.core.management.base import BaseCommand, CommandError

from dimis.core.changelog import verify_chain


class Command(BaseCommand):
    help = "Audit the change log: `dimis audit verify` checks the hash chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        ok, message = verify_chain()
        if not ok:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))
