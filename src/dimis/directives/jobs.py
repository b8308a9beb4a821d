import datetime

from django.utils import timezone

from dimis.framework.jobs import job

from .reminders import send_reminders


@job()
def remind_task_deadlines():
    """Send today's reminders, then schedule tomorrow's run (06:00 local time)."""
    sent = send_reminders()
    schedule_reminders(days_ahead=1)
    return sent


def schedule_reminders(days_ahead: int = 0):
    """Enqueue the reminder job unless a run is already waiting."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=remind_task_deadlines.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return None
    when = timezone.localtime().replace(
        hour=6, minute=0, second=0, microsecond=0
    ) + datetime.timedelta(days=days_ahead)
    return remind_task_deadlines.using(run_after=max(when, timezone.now())).enqueue()
