"""Eligibility rules, each both ways, funding per calendar year, obligation status."""

from datetime import date

import pytest

from conseillers.enums import MiseEnRelationStatut
from conumapp.services import DomainError
from formation import eligibilite, services
from formation.enums import MotifDispense, StatutInscription, StatutObligation, StatutValidation
from formation.models import Certification, Dispense, FormationInitiale, Inscription

from .factories import (
    SessionFactory,
    StructureFactory,
    aidants_connect,
    conseiller_eligible,
    habiliter_aidants_connect,
    module,
    operateur,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def inscrire(conseiller, session, today=TODAY):
    return services.inscrire(session=session, conseiller=conseiller, acteur=conseiller.user, today=today)


def test_eligible_advisor_is_registered_as_demandee_and_funded():
    conseiller = conseiller_eligible()
    inscription = inscrire(conseiller, SessionFactory())
    assert inscription.statut == StatutInscription.DEMANDEE
    assert inscription.financee is True
    assert inscription.annee == 2026


def test_not_in_post_is_refused():
    conseiller = conseiller_eligible()
    conseiller.mises_en_relation.update(statut=MiseEnRelationStatut.FINALISEE_RUPTURE)
    with pytest.raises(DomainError, match="Seuls les conseillers en poste"):
        inscrire(conseiller, SessionFactory())
    assert not Inscription.objects.exists()


def test_without_initial_training_is_refused_and_dispensation_makes_eligible():
    conseiller = conseiller_eligible(entree=None)
    session = SessionFactory()
    with pytest.raises(DomainError, match="entré en formation initiale ou en être dispensé"):
        inscrire(conseiller, session)
    Dispense.objects.create(
        conseiller=conseiller, motif=MotifDispense.TITRE_CATIC, statut=StatutValidation.VALIDEE
    )
    assert inscrire(conseiller, session).statut == StatutInscription.DEMANDEE


def test_initial_training_entered_later_than_today_does_not_count():
    conseiller = conseiller_eligible(entree=date(2026, 12, 1))
    with pytest.raises(DomainError, match="formation initiale"):
        inscrire(conseiller, SessionFactory())


def test_submitted_but_not_validated_dispensation_does_not_count():
    conseiller = conseiller_eligible(entree=None)
    Dispense.objects.create(conseiller=conseiller, motif=MotifDispense.TITRE_CATIC)
    with pytest.raises(DomainError, match="dispense validée"):
        inscrire(conseiller, SessionFactory())


def test_without_ccp1_convocation_is_refused():
    conseiller = conseiller_eligible(convoque=False)
    session = SessionFactory()
    with pytest.raises(DomainError, match="convocation à l'examen du CCP1"):
        inscrire(conseiller, session)
    Certification.objects.create(conseiller=conseiller, type="ccp1", statut="inscrit")
    with pytest.raises(DomainError, match="convocation"):
        inscrire(conseiller, session)
    Certification.objects.filter(conseiller=conseiller).update(statut="echec")  # passing is not required
    assert inscrire(conseiller, session).pk


def test_ccp1_dispensation_replaces_the_convocation():
    conseiller = conseiller_eligible(entree=None, convoque=False)
    Dispense.objects.create(
        conseiller=conseiller, motif=MotifDispense.CCP1_REMN, statut=StatutValidation.VALIDEE
    )
    assert inscrire(conseiller, SessionFactory()).pk


def test_aidants_connect_needs_the_structure_habilitation():
    structure = StructureFactory()
    conseiller = conseiller_eligible(structure)
    session = SessionFactory(module=aidants_connect())
    with pytest.raises(DomainError, match="habilitation Aidants Connect"):
        inscrire(conseiller, session)
    habiliter_aidants_connect(structure)
    assert inscrire(conseiller, session).pk


def test_all_refusal_reasons_are_explained_together():
    conseiller = conseiller_eligible(entree=None, convoque=False)
    resultat = eligibilite.evaluer(conseiller, SessionFactory(module=aidants_connect()), TODAY)
    assert not resultat.eligible
    assert len(resultat.motifs) == 3


def _suivie(conseiller, jour):
    session = SessionFactory(date_debut=jour, module=module(f"Module {jour}"))
    return Inscription.objects.create(
        session=session,
        conseiller=conseiller,
        annee=jour.year,
        statut=StatutInscription.SUIVIE,
        demandee_par=conseiller.user,
    )


def test_calendar_year_boundary_31_december_vs_1_january():
    conseiller = conseiller_eligible()
    _suivie(conseiller, date(2025, 12, 31))
    # Another module in 2025: beyond the funded one, allowed unfunded.
    en_2025 = inscrire(
        conseiller, SessionFactory(date_debut=date(2025, 12, 31), module=module("Autre")), date(2025, 11, 1)
    )
    assert en_2025.financee is False
    # The module of 1 January belongs to 2026: funded.
    en_2026 = inscrire(conseiller, SessionFactory(date_debut=date(2026, 1, 1)), date(2025, 11, 1))
    assert en_2026.financee is True
    assert en_2026.annee == 2026


def test_two_funded_modules_in_the_first_year_from_2024():
    conseiller = conseiller_eligible(entree=date(2024, 2, 1))
    assert eligibilite.modules_finances_requis(conseiller, 2024) == 2
    assert eligibilite.modules_finances_requis(conseiller, 2025) == 1
    today = date(2024, 3, 1)
    premiere = inscrire(conseiller, SessionFactory(date_debut=date(2024, 5, 1), module=module("A")), today)
    deuxieme = inscrire(conseiller, SessionFactory(date_debut=date(2024, 6, 1), module=module("B")), today)
    troisieme = inscrire(conseiller, SessionFactory(date_debut=date(2024, 7, 1), module=module("C")), today)
    assert (premiere.financee, deuxieme.financee, troisieme.financee) == (True, True, False)


def test_one_funded_module_in_the_first_year_before_2024():
    conseiller = conseiller_eligible(entree=date(2023, 2, 1))
    today = date(2023, 3, 1)
    premiere = inscrire(conseiller, SessionFactory(date_debut=date(2023, 5, 1), module=module("A")), today)
    deuxieme = inscrire(conseiller, SessionFactory(date_debut=date(2023, 6, 1), module=module("B")), today)
    assert (premiere.financee, deuxieme.financee) == (True, False)


def test_refused_registration_frees_the_funded_module():
    conseiller = conseiller_eligible()
    premiere = inscrire(conseiller, SessionFactory(module=module("A")))
    services.refuser_eligibilite(inscription=premiere, acteur=operateur(), motif="Dossier incomplet")
    assert inscrire(conseiller, SessionFactory(module=module("B"))).financee is True


def test_obligation_met_pending_missed():
    conseiller = conseiller_eligible(entree=date(2024, 2, 1))
    _suivie(conseiller, date(2024, 4, 1))
    _suivie(conseiller, date(2024, 9, 1))
    _suivie(conseiller, date(2026, 4, 1))
    statuts = {o.annee: o.statut for o in eligibilite.obligations(conseiller, TODAY)}
    assert statuts == {
        2024: StatutObligation.REMPLIE,
        2025: StatutObligation.MANQUEE,
        2026: StatutObligation.REMPLIE,
    }
    assert eligibilite.obligation(conseiller, 2027, date(2027, 3, 1)).statut == StatutObligation.EN_COURS


def test_obligation_first_year_needs_two_modules():
    conseiller = conseiller_eligible(entree=date(2026, 2, 1))
    _suivie(conseiller, date(2026, 4, 1))
    assert eligibilite.obligation(conseiller, 2026, TODAY).statut == StatutObligation.EN_COURS
    assert eligibilite.obligation(conseiller, 2026, date(2027, 1, 1)).statut == StatutObligation.MANQUEE
    _suivie(conseiller, date(2026, 6, 1))
    assert eligibilite.obligation(conseiller, 2026, date(2027, 1, 1)).statut == StatutObligation.REMPLIE


def test_second_funded_initial_path_for_a_post_left_by_another():
    structure = StructureFactory()
    premier = conseiller_eligible(structure)
    poste = premier.mises_en_relation.get().poste
    assert FormationInitiale.objects.get(conseiller=premier).financee is True
    premier.mises_en_relation.update(statut=MiseEnRelationStatut.FINALISEE_RUPTURE)
    from .factories import en_poste

    poste.etat = "vacant"
    poste.save()
    mer = en_poste(structure, date_debut=date(2025, 1, 1))
    assert mer.poste_id == poste.pk
    formation = services.creer_formation_initiale(
        conseiller=mer.conseiller, acteur=operateur(), mise_en_relation=mer, parcours=175
    )
    assert formation.financee is True
    # A third advisor on the same post: no more funded path.
    mer.statut = MiseEnRelationStatut.FINALISEE_RUPTURE
    mer.save()
    poste.etat = "vacant"
    poste.save()
    troisieme = en_poste(structure, date_debut=date(2026, 1, 1))
    formation = services.creer_formation_initiale(
        conseiller=troisieme.conseiller, acteur=operateur(), mise_en_relation=troisieme, parcours=70
    )
    assert formation.financee is False
