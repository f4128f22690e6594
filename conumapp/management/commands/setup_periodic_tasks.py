from django.core.management.base import BaseCommand

from conumapp.periodic import install_periodic_tasks


class Command(BaseCommand):
    help = "Installe ou met à jour les tâches périodiques déclarées dans le code (django-celery-beat)."

    def handle(self, *args, **options):
        names = install_periodic_tasks()
        self.stdout.write(self.style.SUCCESS(f"{len(names)} tâche(s) périodique(s) installée(s)."))
        for name in names:
            self.stdout.write(f"  {name}")
