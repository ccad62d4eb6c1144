"""Domain errors: problems a user caused, each carrying a sentence in their language."""

from __future__ import annotations


class DomainError(Exception):
    """A refused action; `field` names the form field at fault, when there is one."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    """The object does not exist or is outside the actor's scope."""
