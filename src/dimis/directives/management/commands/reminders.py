from django.core.management.base import BaseCommand

from dimis.directives.jobs import schedule_reminders
from dimis.directives.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Task deadline reminders: send them now (--now) or schedule the daily job for the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send today's reminders now")

    def handle(self, *args, now=False, **options):
        if now:
            self.stdout.write(f"{send_reminders()} reminders sent")
            return
        result = schedule_reminders()
        self.stdout.write("reminder job scheduled" if result else "reminder job already scheduled")
