"""The conseillers app registers its implementations of the conventions hooks at start-up."""

from datetime import date

import pytest

from conseillers import occupancy as conseillers_hooks
from conventions import occupancy

from .factories import StructureFactory, conseiller_recrute

pytestmark = pytest.mark.django_db


def test_providers_are_registered_at_startup():
    assert occupancy.has_provider()
    assert isinstance(occupancy.renewal_handler(), conseillers_hooks.Renouvellement)


def test_rupture_blocker_registered_once_in_conseillers_services():
    from conseillers import services as conseillers_services

    conseillers_hooks.register()
    conseillers_hooks.register()
    assert conseillers_services.RUPTURE_BLOCKERS.count(conseillers_hooks.bloque_rupture) == 1


def test_occupied_periods_per_post_from_contract_and_rupture_dates():
    structure = StructureFactory(postes=2)
    first, second = structure.postes.order_by("pk")
    conseiller_recrute(
        structure, first, debut=date(2024, 1, 1), rupture=date(2024, 3, 10), statut="finalisee_rupture"
    )
    conseiller_recrute(structure, second, debut=date(2024, 2, 1), fin=date(2024, 12, 31), type_contrat="CDD")
    conseiller_recrute(structure, second, debut=date(2023, 1, 1), fin=date(2023, 6, 30), statut="terminee")
    conseiller_recrute(structure, first, debut=date(2024, 1, 1), statut="interessee")  # never in post
    periods = occupancy.occupied_periods(structure.pk, date(2024, 1, 1), date(2025, 1, 1))
    assert periods == {
        first.pk: [(date(2024, 1, 1), date(2024, 3, 10))],
        second.pk: [(date(2024, 2, 1), date(2024, 12, 31))],
    }


def test_rupture_cannot_be_validated_while_a_renewal_is_pending():
    from datetime import timedelta

    from django.utils import timezone

    from conseillers.models import MiseEnRelation
    from conseillers.services import rupture_valider
    from conumapp.services import DomainError
    from conventions import services
    from conventions.calculs import add_months

    from .factories import convention_signee, membre, operateur

    op = operateur()
    structure = StructureFactory()
    mer = conseiller_recrute(structure, structure.postes.get())
    convention = convention_signee(
        structure, signed_on=add_months(timezone.localdate(), -24) + timedelta(days=60), by=op
    )
    lignes = [
        {
            "mise_en_relation_id": mer.pk,
            "type_contrat": "CDI",
            "date_debut": convention.date_fin + timedelta(days=1),
        }
    ]
    services.reconventionnement_initier(
        convention=convention, by=membre(structure), ds_numero="12", lignes=lignes
    )
    MiseEnRelation.objects.filter(pk=mer.pk).update(
        statut="nouvelle_rupture", date_rupture=timezone.localdate(), motif_rupture="demission"
    )
    with pytest.raises(DomainError, match="reconventionnement incluant ce contrat est en attente"):
        rupture_valider(mise_en_relation=MiseEnRelation.objects.get(pk=mer.pk), by=op)
