from django.db import migrations


def create_config(apps, schema_editor):
    DsfrConfig = apps.get_model("dsfr", "DsfrConfig")
    DsfrConfig.objects.update_or_create(
        language="fr",
        defaults={
            "site_title": "Conum",
            "site_tagline": "Le dispositif Conseiller numérique, de la candidature au compte rendu d'activité",
            "header_brand": "République<br>française",
            "footer_brand": "République<br>française",
            "footer_description": "Conum est le service de l'ANCT et de la Banque des Territoires "
            "pour le dispositif Conseiller numérique.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("conumapp", "0001_initial"), ("dsfr", "__latest__")]

    operations = [migrations.RunPython(create_config, migrations.RunPython.noop)]
