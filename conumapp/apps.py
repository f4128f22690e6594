from django.apps import AppConfig


class ConumappConfig(AppConfig):
    name = "conumapp"
    verbose_name = "Socle Conum"

    def ready(self):
        from . import signals  # noqa: F401
        from .history import cache_history_managers

        cache_history_managers()
