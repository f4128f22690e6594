"""The private storage (outside static): uploads served only through permission-checked views."""

from django.core.files.storage import Storage, storages

_DELEGATED = (
    "open",
    "save",
    "_open",
    "_save",
    "get_valid_name",
    "get_alternative_name",
    "get_available_name",
    "generate_filename",
    "path",
    "delete",
    "exists",
    "listdir",
    "size",
    "url",
    "get_accessed_time",
    "get_created_time",
    "get_modified_time",
)


class PrivateStorage(Storage):
    """Looks up ``storages["private"]`` at every call, so settings overrides (tests) apply.

    A FileField resolves a callable storage once, at import; this proxy keeps it current.
    """

    def __getattr__(self, name):
        return getattr(storages["private"], name)


def _delegate(name):
    def method(self, *args, **kwargs):
        return getattr(storages["private"], name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in _DELEGATED:
    setattr(PrivateStorage, _name, _delegate(_name))

_private = PrivateStorage()


def private_storage():
    """Callable storage for FileFields (resolved at run time, so tests can redirect it)."""
    return _private
