"""The errors ingestion raises for input it refuses: each names the file and the reason."""

from django.utils.translation import gettext as _


class IngestError(Exception):
    """A report that cannot be read. Nothing is extracted from it and nothing changes."""

    def __init__(self, name: str, reason: str):
        self.name = str(name)
        self.reason = str(reason)
        super().__init__(_("%(file)s: %(reason)s") % {"file": self.name, "reason": self.reason})


class EmptyInput(IngestError):
    pass


class BinaryInput(IngestError):
    pass


class EncodingProblem(IngestError):
    pass


class TooLarge(IngestError):
    pass


class UnsupportedType(IngestError):
    pass


class NoText(IngestError):
    pass


class Unreadable(IngestError):
    pass
