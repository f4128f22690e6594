"""Shipped rate table: the figures of DOMAIN.md §4 (operators edit them in the admin)."""

from decimal import Decimal

from django.db import migrations

BAREMES = [
    {
        "code": "vague-1-publique",
        "libelle": "Vague 1 (2021) — structure publique : 50 000 € par poste sur 24 mois",
        "phase": 1,
        "nature": "publique",
        "montant_annee_1": Decimal("25000.00"),
        "montant_annee_2": Decimal("25000.00"),
        "duree_mois": 24,
        "regle_tranches": "echeances",
        "echeances_mois": "1,6,12",
    },
    {
        # DOMAIN.md gives the 18-month length of private wave-1 conventions but not their amount:
        # shipped with the public yearly rate, pro rata of 18 months; operators adjust it.
        "code": "vague-1-privee",
        "libelle": "Vague 1 (2021) — structure privée : 18 mois (montant à confirmer par l'opérateur)",
        "phase": 1,
        "nature": "privee",
        "montant_annee_1": Decimal("25000.00"),
        "montant_annee_2": Decimal("12500.00"),
        "duree_mois": 18,
        "regle_tranches": "echeances",
        "echeances_mois": "1,6,12",
    },
    {
        "code": "reconventionnement-publique",
        "libelle": "Reconventionnement (2023) — structure publique : 42 500 € (50 000 € en QPV ou ZRR) sur 36 mois",
        "phase": 2,
        "nature": "publique",
        "montant_annee_1": Decimal("17500.00"),
        "montant_annee_2": Decimal("12500.00"),
        "montant_annee_3": Decimal("12500.00"),
        "bonus_annee_1": Decimal("2500.00"),
        "bonus_annee_2": Decimal("5000.00"),
        "duree_mois": 36,
        "regle_tranches": "annuelle",
    },
    {
        "code": "reconventionnement-privee",
        "libelle": "Reconventionnement (2023) — structure privée : 44 000 € sur 36 mois",
        "phase": 2,
        "nature": "privee",
        "montant_annee_1": Decimal("20000.00"),
        "montant_annee_2": Decimal("14000.00"),
        "montant_annee_3": Decimal("10000.00"),
        "duree_mois": 36,
        "regle_tranches": "annuelle",
    },
]


def forwards(apps, schema_editor):
    Bareme = apps.get_model("conventions", "Bareme")
    for values in BAREMES:
        code = values["code"]
        Bareme.objects.get_or_create(code=code, defaults={k: v for k, v in values.items() if k != "code"})


def backwards(apps, schema_editor):
    apps.get_model("conventions", "Bareme").objects.filter(code__in=[b["code"] for b in BAREMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("conventions", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
