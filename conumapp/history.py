"""django-simple-history: one manager class per model instead of one per access.

``HistoryDescriptor.__get__`` (simple-history 3.13) builds a new manager class with
``Manager.from_queryset`` — an ``inspect.getmembers`` walk — every time ``instance.history`` or
``Model.history`` is read, and ``create_historical_record`` reads it at every save. On the CRA
filing hot path that was a fifth of the cost of ``Cra.save()``. The class it builds depends
only on the descriptor, so :class:`CachedHistoryDescriptor` builds it once; what it returns is
the same manager as before.
"""

from __future__ import annotations

from django.apps import apps
from simple_history.manager import HistoryDescriptor


class CachedHistoryDescriptor(HistoryDescriptor):
    def __get__(self, instance, owner):
        manager_class = self.__dict__.get("_manager_class")
        if manager_class is None:
            manager_class = self._manager_class = self.manager_class.from_queryset(self.queryset_class)
        return manager_class(self.model, instance)


def cache_history_managers() -> int:
    """Swap every model's history descriptor for the caching one (AppConfig.ready); returns
    how many were swapped."""
    swapped = 0
    for model in apps.get_models():
        for name, value in list(vars(model).items()):
            if type(value) is HistoryDescriptor:
                cached = CachedHistoryDescriptor.__new__(CachedHistoryDescriptor)
                cached.__dict__.update(vars(value))
                setattr(model, name, cached)
                swapped += 1
    return swapped
