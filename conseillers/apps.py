from django.apps import AppConfig


class ConseillersConfig(AppConfig):
    name = "conseillers"
    verbose_name = "Conseillers et recrutement"

    def ready(self):
        from . import occupancy  # conventions hooks: occupancy, renewal, rupture blocker

        occupancy.register()
