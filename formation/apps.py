from django.apps import AppConfig


class FormationConfig(AppConfig):
    name = "formation"
    verbose_name = "Formation"

    def ready(self):
        from django.db.models import F, OuterRef, Subquery

        from conseillers.resources import register_export_columns

        from .models import FormationInitiale

        # The advisors' export shows the dates of the latest initial training (one subquery each).
        derniere = FormationInitiale.objects.filter(conseiller=OuterRef("pk")).order_by(
            F("date_entree").desc(nulls_last=True), "-pk"
        )
        for champ, entete in (
            ("date_positionnement", "test de positionnement"),
            ("date_entree", "entrée en formation"),
            ("date_sortie", "sortie de formation"),
        ):
            register_export_columns(f"formation_{champ}", entete, Subquery(derniere.values(champ)[:1]))
