from django.apps import AppConfig


class StatistiquesConfig(AppConfig):
    name = "statistiques"
    verbose_name = "Statistiques"

    def ready(self):
        from . import cumuls  # marks the rollup's (day, département) keys dirty on CRA writes

        cumuls.register()
