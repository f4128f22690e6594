from django.apps import AppConfig


class CraConfig(AppConfig):
    name = "cra"
    verbose_name = "Comptes rendus d'activité"

    def ready(self):
        from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
        from django.db.models.functions import Coalesce

        from conseillers.resources import register_export_columns

        from .models import Cra

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
