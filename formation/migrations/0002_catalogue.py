"""Ship the thematic module catalogue (DOMAIN.md §5) and the training bodies referential."""

from django.db import migrations

PRISE_EN_MAIN = ["Aidants Connect", "Mon Espace Santé"]
INTERVENIR = [
    "Cybermalveillance et gestion des données",
    "Approfondir ses compétences d'accompagnement des publics",
    "Accompagner l'accès aux droits en articulant ses actions avec les programmes et services publics",
    "Développer des partenariats et communiquer sur ses activités",
    "La médiation numérique en fablabs ou tiers-lieux",
    "Sobriété numérique et numérique responsable",
    "Culture et évolutions du numérique",
    "Accompagnement des personnes en situation d'illettrisme",
    "Accompagner les seniors",
    "Accompagner la parentalité numérique",
    "Accompagnement des personnes en situation de handicap",
    "Accompagner les réfugiés et demandeurs d'asile",
    "Accompagner les TPE / PME et associations",
    "Café IA",
]
ORGANISMES = [("La Fabrik", False), ("Pop School", True), ("Francil'In", True)]


def forwards(apps, schema_editor):
    Module = apps.get_model("formation", "ModuleThematique")
    Organisme = apps.get_model("formation", "OrganismeFormation")
    ordre = 0
    for nom in PRISE_EN_MAIN:
        ordre += 1
        Module.objects.get_or_create(
            nom=nom,
            defaults={
                "type": "prise_en_main",
                "duree_heures": 7,
                "prerequis_aidants_connect": nom == "Aidants Connect",
                "ordre": ordre,
            },
        )
    for nom in INTERVENIR:
        ordre += 1
        Module.objects.get_or_create(nom=nom, defaults={"type": "intervenir", "duree_heures": 14, "ordre": ordre})
    for nom, outre_mer in ORGANISMES:
        Organisme.objects.get_or_create(nom=nom, defaults={"outre_mer": outre_mer})


class Migration(migrations.Migration):
    dependencies = [("formation", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
