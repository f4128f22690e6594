"""A change of a structure's posts (accepted request, return, transfer) amends its signed
convention automatically, in the same transaction, and keeps the history of amendments."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conventions import services as conventions_services
from conventions.enums import ConventionEtat, TrancheStatut
from conventions.models import Avenant
from structures import services
from structures.enums import AvisPrefecture, DemandePosteType, MotifAjout, MotifRetrait, PosteEtat

from .factories import StructureFactory, convention_signee, membre, operateur, prefecture

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _demande(structure, type_, nombre=1):
    demande = services.demande_creer(
        structure=structure, by=membre(structure), type=type_, nombre=nombre,
        motif=MotifAjout.RENFORCER if type_ == DemandePosteType.AJOUT else MotifRetrait.values[0],
    )  # fmt: skip
    if type_ == DemandePosteType.AJOUT:
        services.demande_avis_prefet(
            demande=demande, by=prefecture(structure.departement_id), avis=AvisPrefecture.POSITIF,
            commentaire="Besoin confirmé sur le territoire",
        )  # fmt: skip
    return demande


def test_accepted_request_for_posts_amends_the_signed_convention():
    op = operateur()
    structure = StructureFactory(postes=2)
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=20), by=op)
    engage_avant = convention.totaux()["engage"]
    services.demande_decider(
        demande=_demande(structure, DemandePosteType.AJOUT), by=op, accepter=True, numero=7
    )
    avenant = Avenant.objects.get(convention=convention)
    assert (avenant.numero, avenant.postes_ajoutes, avenant.postes_retires) == (1, 1, 0)
    assert avenant.montant > 0
    assert "automatiquement" in avenant.description
    convention.refresh_from_db()
    assert convention.nombre_postes == 3
    assert convention.totaux()["engage"] == engage_avant + avenant.montant
    nouveau = structure.postes.order_by("-pk").first()
    assert convention.tranches.filter(poste=nouveau, avenant=avenant).exists()


def test_returned_post_cancels_its_later_tranches_and_history_is_kept():
    op = operateur()
    structure = StructureFactory(postes=2)
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=20), by=op)
    services.demande_decider(
        demande=_demande(structure, DemandePosteType.AJOUT), by=op, accepter=True, numero=7
    )
    services.demande_decider(demande=_demande(structure, DemandePosteType.RETRAIT), by=op, accepter=True)
    avenants = list(convention.avenants.order_by("numero"))
    assert [(a.numero, a.postes_ajoutes, a.postes_retires) for a in avenants] == [(1, 1, 0), (2, 0, 1)]
    rendu = structure.postes.get(etat=PosteEtat.RENDU)
    assert convention.tranches.filter(poste=rendu, statut=TrancheStatut.ANNULEE, avenant=avenants[1]).exists()
    assert avenants[1].montant < 0


def test_transfer_amends_both_conventions():
    op = operateur()
    depuis = StructureFactory(postes=2)
    vers = StructureFactory(postes=1)
    convention_depuis = convention_signee(depuis, signed_on=TODAY() - timedelta(days=20), by=op)
    convention_vers = convention_signee(vers, signed_on=TODAY() - timedelta(days=20), by=op)
    poste = depuis.postes.filter(etat=PosteEtat.VACANT).first()
    services.poste_transferer(poste=poste, vers=vers, by=op)
    assert convention_depuis.avenants.get().postes_retires == 1
    assert convention_vers.avenants.get().postes_ajoutes == 1


def test_post_change_without_convention_creates_no_amendment_and_drafts_follow_the_posts():
    op = operateur()
    sans = StructureFactory(postes=1)
    services.demande_decider(demande=_demande(sans, DemandePosteType.AJOUT), by=op, accepter=True, numero=7)
    assert sans.postes.actifs().count() == 2
    assert not Avenant.objects.exists()

    structure = StructureFactory(postes=1)
    brouillon = conventions_services.convention_rediger(structure=structure, by=op)
    assert brouillon.etat == ConventionEtat.BROUILLON
    services.demande_decider(
        demande=_demande(structure, DemandePosteType.AJOUT), by=op, accepter=True, numero=8
    )
    brouillon.refresh_from_db()
    assert brouillon.nombre_postes == 2
    assert brouillon.montant_total == brouillon.montant_par_poste() * 2
    assert not Avenant.objects.exists()
