import time
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from conumapp.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoContext
from conumapp.periodic import CONUM_APPS


class Command(BaseCommand):
    help = "Crée un jeu de données de démonstration déterministe (développement uniquement)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Facteur de volume (1 = petit jeu de démonstration)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si des comptes de démonstration existent déjà.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Autoriser même quand DEBUG est désactivé (tests)."
        )

    def handle(self, *args, scale, if_empty, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo est réservé au développement : DEBUG doit être activé.")
        from conumapp.models import User

        if if_empty and User.objects.filter(email__in=list(DEMO_ACCOUNTS)).exists():
            self.stdout.write("Données de démonstration déjà présentes.")
            return
        started = time.monotonic()
        ctx = DemoContext(scale=max(1, scale), stdout=self.stdout)
        with transaction.atomic():
            for name in CONUM_APPS:
                if not apps.is_installed(name):
                    continue
                try:
                    module = import_module(f"{name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{name}.demo":
                        raise
                    continue
                self.stdout.write(f"{name} :")
                module.seed(ctx)
        self.stdout.write(
            self.style.SUCCESS(f"Données de démonstration créées en {time.monotonic() - started:.1f} s.")
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for email, (_first, _last, role, _scope) in DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {role.label:<45} {email}")
