"""One small world with every role and object the forms need (built once per test)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from conseillers.enums import MiseEnRelationStatut, TypeContrat
from conumapp.enums import Role
from conumapp.permissions import grant_role
from conventions.calculs import add_months
from formation import services as formation_services
from formation.enums import StatutAbsence, StatutInscription
from formation.models import Inscription
from tests.conseillers.factories import (
    ConseillerFactory,
    StructureFactory,
    UserFactory,
    commune,
    en_poste,
    membre,
    mise_en_relation,
    operateur,
    prefecture,
)
from tests.conventions.factories import convention_signee
from tests.formation.factories import SessionFactory, conseiller_eligible
from tests.structures.factories import postcode


@dataclass
class World:
    operateur: object
    prefecture: object
    structure: object
    membre: object
    candidat: object
    mer_interessee: object
    mer_en_poste: object
    conseiller_en_poste: object
    convention: object
    convention_fin: object
    inscription: object
    conseiller_formation: object


@pytest.fixture(autouse=True)
def _open_rate_limits(settings):
    """Hostile posts come by the dozen from one address: the candidature rate limit is not tested here."""
    settings.STRUCTURES_CANDIDATURE_RATE = (10**6, 3600)
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    lyon = commune("69123")
    postcode("98800", "988", "98818", "Nouméa")
    assert lyon.code_insee == "69123"
    structure = StructureFactory(nombre_postes_accordes=3)
    user_membre = membre(structure)
    candidat = ConseillerFactory()
    mer_interessee = mise_en_relation(structure, ConseillerFactory(), MiseEnRelationStatut.INTERESSEE)
    mer_en_poste = en_poste(
        structure, type_contrat=TypeContrat.CDD, date_debut=date(2024, 1, 1), date_fin=date(2027, 12, 31)
    )
    convention = convention_signee(structure)
    renouvelable = StructureFactory()
    membre(renouvelable, user_membre)
    convention_fin = convention_signee(
        renouvelable, signed_on=add_months(timezone.localdate(), -24) + timedelta(days=60)
    )
    formation_structure = StructureFactory()
    conseiller_formation = conseiller_eligible(formation_structure)
    session = SessionFactory(date_debut=timezone.localdate() + timedelta(days=40))
    inscription = formation_services.inscrire(
        session=session, conseiller=conseiller_formation, acteur=conseiller_formation.user
    )
    Inscription.objects.filter(pk=inscription.pk).update(
        statut=StatutInscription.ABSENT, absence_statut=StatutAbsence.A_JUSTIFIER
    )
    grant_role(mer_en_poste.conseiller.user, Role.CONSEILLER)
    _pending_decisions(structure, user_membre, convention, conseiller_formation)
    return World(
        operateur=operateur(),
        prefecture=prefecture("69"),
        structure=structure,
        membre=user_membre,
        candidat=candidat,
        mer_interessee=mer_interessee,
        mer_en_poste=mer_en_poste,
        conseiller_en_poste=mer_en_poste.conseiller,
        convention=convention,
        convention_fin=convention_fin,
        inscription=inscription,
        conseiller_formation=conseiller_formation,
    )


__all__ = ["World", "UserFactory"]


def _pending_decisions(structure, user_membre, convention, conseiller_formation):
    """One object waiting for each back-office decision that takes input (extension, document,
    renewal, exemption, post request), so that every admin action meets hostile values. The
    extension, renewal and post request are on their own structure: the world's forms must stay
    free to create theirs."""
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from conseillers import services as conseillers_services
    from conventions import services as conventions_services
    from conventions.enums import PieceType
    from conventions.models import PieceJustificative
    from formation.models import Dispense
    from structures import services as structures_services
    from structures.enums import AvisPrefecture, DemandePosteType, MotifAjout
    from tests.conventions.factories import PDF_BYTES

    autre = StructureFactory(nombre_postes_accordes=3)
    autre_membre = membre(autre)
    mer = en_poste(
        autre, type_contrat=TypeContrat.CDD, date_debut=date(2024, 1, 1), date_fin=date(2027, 12, 31)
    )
    conseillers_services.prolongation_demander(
        mise_en_relation=mer, date_fin=date(2028, 6, 30), salaire_brut=Decimal("2000"), by=autre_membre
    )
    a_renouveler = convention_signee(
        autre, signed_on=add_months(timezone.localdate(), -24) + timedelta(days=60)
    )
    conventions_services.reconventionnement_initier(
        convention=a_renouveler, by=autre_membre, ds_numero="55", lignes=[]
    )
    demande = structures_services.demande_creer(
        structure=autre, by=autre_membre, type=DemandePosteType.AJOUT, nombre=1, motif=MotifAjout.RENFORCER
    )
    structures_services.demande_avis_prefet(
        demande=demande, by=prefecture("69"), avis=AvisPrefecture.POSITIF, commentaire="Besoin confirmé"
    )
    PieceJustificative.objects.create(
        structure=structure, poste=structure.postes.first(), convention=convention, type=PieceType.CONTRAT_TRAVAIL,
        fichier=ContentFile(PDF_BYTES, name="contrat.pdf"), nom_fichier="contrat.pdf", deposee_par=user_membre,
    )  # fmt: skip
    Dispense.objects.create(conseiller=conseiller_formation, motif="titre_catic")
