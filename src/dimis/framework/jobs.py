"""Background jobs: every write a job makes is attributed to the job (and to the user who asked)."""

import functools

from django_tasks import task

from dimis.core.actor import acting_as


def job(**task_options):
    """Like django-tasks' `@task`, and the job runs as `source="job"` in the change log.

    Enqueue with `my_job.enqueue(..., requested_by=user.pk)` to record who asked for it."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, requested_by: int | None = None, **kwargs):
            from django.contrib.auth import get_user_model

            user = (
                get_user_model().objects.filter(pk=requested_by).first() if requested_by else None
            )
            with acting_as(user, source="job", label=f"job {func.__name__}"):
                return func(*args, **kwargs)

        return task(**task_options)(run)

    return decorate
