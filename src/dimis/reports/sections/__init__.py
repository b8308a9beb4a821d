"""The built-in sections of a review report, registered in reading order (see registry.py)."""

from . import conclusions, documents, targets, tasks  # noqa: F401  (registration)
