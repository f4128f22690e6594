"""Demo data of the core app: one account per role (development only).

Each Conum app may have a ``demo.py`` with ``seed(ctx: DemoContext) -> None``; the
``seed_demo`` command calls them in app order. ``ctx`` carries the random generator, the
scale and the objects earlier apps created (``ctx.shared``), so later apps build on them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .enums import Role
from .models import Departement, Region, User
from .permissions import grant_role

DEMO_PASSWORD = "conum-demo-2026"  # noqa: S105 - documented development-only password

# email -> (first name, last name, role, scope); documented in README "Comptes de démonstration".
DEMO_ACCOUNTS = {
    "operateur@demo.conum.fr": ("Olivia", "Opératrice", Role.OPERATEUR, {}),
    "prefecture69@demo.conum.fr": ("Paul", "Préfecture du Rhône", Role.PREFECTURE, {"departement": "69"}),
    "hub-ara@demo.conum.fr": ("Hélène", "Hub Auvergne-Rhône-Alpes", Role.HUB, {"region": "84"}),
    "reseau@demo.conum.fr": (
        "Gaston",
        "Grand réseau La Poste",
        Role.GRAND_RESEAU,
        {"grand_reseau": "la_poste"},
    ),
    "coordinateur@demo.conum.fr": ("Camille", "Coordinatrice", Role.COORDINATEUR, {"departement": "69"}),
    "structure@demo.conum.fr": ("Sophie", "Structure", Role.STRUCTURE, {}),
    "conseiller@demo.conum.fr": ("Karim", "Conseiller", Role.CONSEILLER, {}),
    "candidat@demo.conum.fr": ("Léa", "Candidate", Role.CANDIDAT, {}),
}


@dataclass
class DemoContext:
    scale: int = 1
    rng: random.Random = field(default_factory=lambda: random.Random(20201117))  # noqa: S311
    shared: dict = field(default_factory=dict)
    stdout: object = None

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


def demo_user(email: str) -> User:
    first, last, _role, _scope = DEMO_ACCOUNTS[email]
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "is_active": True}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        _verify_email(user)
    return user


def _verify_email(user) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def seed(ctx: DemoContext) -> None:
    users = {}
    for email, (_first, _last, role, scope) in DEMO_ACCOUNTS.items():
        user = demo_user(email)
        resolved = {}
        if "departement" in scope:
            resolved["departement"] = Departement.objects.get(code=scope["departement"])
        if "region" in scope:
            resolved["region"] = Region.objects.get(code=scope["region"])
        if "grand_reseau" in scope:
            resolved["grand_reseau"] = scope["grand_reseau"]
        if role == Role.OPERATEUR:
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        if role not in (Role.STRUCTURE, Role.CONSEILLER, Role.CANDIDAT):
            # Structure, advisor and candidate roles are granted by their apps' demo data,
            # together with the objects they link to.
            grant_role(user, role, **resolved)
        users[role] = user
    ctx.shared["users"] = users
    ctx.log(f"  comptes de démonstration : {len(users)}")
