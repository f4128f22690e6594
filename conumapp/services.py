"""Conventions for state changes, shared by every app.

A transition is a function in the owning app's ``services.py`` with keyword-only, annotated
arguments. It checks the current state and the actor, writes the change (history is recorded
by django-simple-history), schedules notifications with the outbox, and raises
:class:`DomainError` with a French message that views and admin actions show as is.
"""


class DomainError(Exception):
    """A business rule refused the operation; ``message`` is French and meant for users."""

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return self.message


def require_operateur(user) -> None:
    """The one "operators only" check of the services (the admin is staff-only anyway)."""
    from .permissions import is_operateur

    if not is_operateur(user):
        raise DomainError("Seul un opérateur peut effectuer cette action.")
