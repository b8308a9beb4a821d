"""Who is writing: set once per request, API call, command or job, read by the change log."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    source: str  # web, api, command, job, system


_current: ContextVar[Actor] = ContextVar("dimis_actor", default=Actor(None, "system", "system"))  # noqa: B039 (frozen)


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(user, source: str, label: str = ""):
    """Attribute every write inside the block to `user` (or to `label` when there is no user)."""
    if user is not None and getattr(user, "is_authenticated", False):
        actor = Actor(user.pk, user.get_username(), source)
    else:
        actor = Actor(None, label or source, source)
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
