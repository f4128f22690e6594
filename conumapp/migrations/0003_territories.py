"""Load the territory referential (régions, départements, communes, postcodes).

Data: conumapp/data/, built by scripts/build_territories.py (docs/territoires.md).
Later data updates go through ``manage.py load_territories``, not new migrations.
"""

from django.db import migrations


def load(apps, schema_editor):
    from conumapp.territories import load_referential

    load_referential(
        region_model=apps.get_model("conumapp", "Region"),
        departement_model=apps.get_model("conumapp", "Departement"),
        commune_model=apps.get_model("conumapp", "Commune"),
        codepostal_model=apps.get_model("conumapp", "CodePostal"),
    )


def unload(apps, schema_editor):
    for name in ("CodePostal", "Commune", "Departement", "Region"):
        apps.get_model("conumapp", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("conumapp", "0002_dsfr_config")]

    operations = [migrations.RunPython(load, unload, elidable=False)]
