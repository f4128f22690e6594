from django.apps import AppConfig


class CraConfig(AppConfig):
    name = "cra"
    verbose_name = "Comptes rendus d'activité"

    def ready(self):
        from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
        from django.db.models.functions import Coalesce
        from django.db.models.signals import pre_save

        from conseillers.resources import register_export_columns

        from .historique import ecrire_la_saisie
        from .models import Cra

        pre_save.connect(ecrire_la_saisie, sender=Cra, dispatch_uid="cra_historique_de_la_saisie")

        # The advisors' export shows each advisor's number of (not deleted) CRAs, in one subquery.
        nombre = (
            Cra.objects.filter(conseiller=OuterRef("pk"), deleted_at__isnull=True)
            .order_by()
            .values("conseiller")
            .annotate(n=Count("pk"))
            .values("n")
        )
        register_export_columns(
            "cra_nombre",
            "nombre de CRA",
            Coalesce(Subquery(nombre, output_field=IntegerField()), Value(0)),
        )
