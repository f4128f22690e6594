"""The private storage (outside static): uploads served only through permission-checked views."""

from django.core.files.storage import storages


def private_storage():
    """Callable storage for FileFields (resolved at run time, so tests can redirect it)."""
    return storages["private"]
