"""Every pipeline transition: allowed, and refused with a French message."""

import re
from datetime import date
from decimal import Decimal

import pytest

from conseillers import services
from conseillers.enums import (
    ConseillerStatut,
    MotifRupture,
    ProlongationStatut,
    TypeConge,
    TypeContrat,
)
from conseillers.enums import (
    MiseEnRelationStatut as S,
)
from conseillers.models import Conge, MiseEnRelation, Prolongation
from conumapp.enums import Role
from conumapp.permissions import has_role
from conumapp.services import DomainError
from structures.enums import PosteEtat, StructureStatut

from .factories import (
    ConseillerFactory,
    StructureFactory,
    en_poste,
    membre,
    mise_en_relation,
    operateur,
)

pytestmark = pytest.mark.django_db

CDD = {
    "type_contrat": TypeContrat.CDD,
    "date_debut": date(2025, 3, 1),
    "date_fin": date(2026, 2, 28),
    "salaire_brut": Decimal("2100.00"),
}


@pytest.fixture
def structure():
    return StructureFactory(nombre_postes_accordes=1)


@pytest.fixture
def member(structure):
    return membre(structure)


def test_preselectionner_then_ecarter(structure, member):
    candidat = ConseillerFactory()
    mer = services.preselectionner(structure=structure, conseiller=candidat, by=member)
    assert mer.statut == S.INTERESSEE
    assert mer.history.first().history_user == member
    mer = services.ecarter(structure=structure, conseiller=candidat, by=member)
    assert mer.statut == S.NON_INTERESSEE
    assert MiseEnRelation.objects.filter(conseiller=candidat).count() == 1
    with pytest.raises(DomainError, match="déjà au statut « Candidat non retenu »"):
        services.ecarter(structure=structure, conseiller=candidat, by=member)


def test_preselection_refused_out_of_reach_or_for_non_member(structure, member):
    loin = ConseillerFactory(a_grenoble=True, distance_max=20)
    with pytest.raises(DomainError, match="n'est pas disponible pour votre structure"):
        services.preselectionner(structure=structure, conseiller=loin, by=member)
    autre = membre(StructureFactory())
    with pytest.raises(DomainError, match="pas membre de cette structure"):
        services.preselectionner(structure=structure, conseiller=ConseillerFactory(), by=autre)


def test_preselection_refused_when_structure_not_validated(member):
    structure = StructureFactory(non_validee=True)
    user = membre(structure)
    with pytest.raises(DomainError, match="n'est pas validée"):
        services.preselectionner(structure=structure, conseiller=ConseillerFactory(), by=user)


def test_contrat_declarer(structure, member, mailoutbox, django_capture_on_commit_callbacks):
    mer = mise_en_relation(structure, ConseillerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        mer = services.contrat_declarer(mise_en_relation=mer, by=member, **CDD)
    assert mer.statut == S.RECRUTEE
    assert mer.salaire_brut == Decimal("2100.00")
    assert [m.to for m in mailoutbox] == [[mer.conseiller.user.email]]
    assert "a déclaré votre recrutement" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_fin": None}, "date de fin est obligatoire pour un contrat autre qu'un CDI"),
        ({"date_fin": date(2025, 2, 1)}, "postérieure à sa date de début"),
        ({"salaire_brut": Decimal("1000")}, "au moins égal au SMIC"),
        ({"type_contrat": "stage"}, "Type de contrat inconnu"),
    ],
)
def test_contrat_declarer_refused_bad_contract(structure, member, changes, message):
    mer = mise_en_relation(structure, ConseillerFactory())
    with pytest.raises(DomainError, match=message):
        services.contrat_declarer(mise_en_relation=mer, by=member, **{**CDD, **changes})
    mer.refresh_from_db()
    assert mer.statut == S.INTERESSEE


def test_cdi_needs_no_end_date(structure, member):
    mer = mise_en_relation(structure, ConseillerFactory())
    mer = services.contrat_declarer(
        mise_en_relation=mer, by=member, **{**CDD, "type_contrat": TypeContrat.CDI, "date_fin": None}
    )
    assert mer.statut == S.RECRUTEE and mer.date_fin is None


def test_contrat_declarer_refused_beyond_quota(structure, member):
    en_poste(structure)
    mer = mise_en_relation(structure, ConseillerFactory())
    with pytest.raises(DomainError, match="autant de recrutements que de postes accordés"):
        services.contrat_declarer(mise_en_relation=mer, by=member, **CDD)


def _renouvellement_en_cours(structure):
    """An advisor in post whose contract is being renewed: the old recruitment stays
    ``finalisee``, the new one is ``renouvellement_initiee`` (as the conventions renewal does)."""
    ancienne = en_poste(structure)
    return mise_en_relation(
        structure,
        ancienne.conseiller,
        S.RENOUVELLEMENT_INITIEE,
        poste=ancienne.poste,
        renouvelle=ancienne,
        type_contrat=TypeContrat.CDI,
        date_fin=None,
    )


def test_a_pending_renewal_counts_its_advisor_once_against_the_quota():
    structure = StructureFactory(nombre_postes_accordes=2)
    member = membre(structure)
    _renouvellement_en_cours(structure)
    assert services._occupants(structure.pk) == 1
    mer = mise_en_relation(structure, ConseillerFactory())
    services.contrat_declarer(mise_en_relation=mer, by=member, **CDD)  # the vacant post
    services.recrutement_valider(mise_en_relation=mer, by=operateur())
    mer.refresh_from_db()
    assert mer.statut == S.FINALISEE and mer.poste.etat == PosteEtat.OCCUPE
    assert services._occupants(structure.pk) == 2
    de_trop = mise_en_relation(structure, ConseillerFactory())
    with pytest.raises(DomainError, match=r"autant de recrutements que de postes accordés \(2\)"):
        services.contrat_declarer(mise_en_relation=de_trop, by=member, **CDD)


def test_validation_counts_a_pending_renewal_once_against_the_quota():
    structure = StructureFactory(nombre_postes_accordes=2)
    _renouvellement_en_cours(structure)
    mer = mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    services.recrutement_valider(mise_en_relation=mer, by=operateur())
    mer.refresh_from_db()
    assert mer.statut == S.FINALISEE


FULL = re.escape("Tous les postes accordés à votre structure (1) sont pourvus ou en cours de recrutement")


def test_no_new_candidate_when_every_post_is_filled(structure, member):
    en_poste(structure)
    candidat = ConseillerFactory()
    with pytest.raises(DomainError, match=FULL):
        services.mise_en_relation_ouvrir(structure=structure, conseiller=candidat, by=member)
    with pytest.raises(DomainError, match=FULL):
        services.preselectionner(structure=structure, conseiller=candidat, by=member)
    assert not MiseEnRelation.objects.filter(conseiller=candidat).exists()


def test_a_pending_recruitment_takes_the_last_free_post(structure, member):
    """Same rule as the quota of ``contrat_declarer``: a declared recruitment holds its post
    until it is cancelled."""
    declare = mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    deja_lie = mise_en_relation(structure, ConseillerFactory(), S.NOUVELLE)
    with pytest.raises(DomainError, match=FULL):
        services.preselectionner(structure=structure, conseiller=ConseillerFactory(), by=member)
    with pytest.raises(DomainError, match=FULL):
        services.preselectionner(structure=structure, conseiller=deja_lie.conseiller, by=member)
    services.ecarter(structure=structure, conseiller=deja_lie.conseiller, by=member)  # still allowed
    services.recrutement_annuler(mise_en_relation=declare, by=member)
    mer = services.preselectionner(structure=structure, conseiller=ConseillerFactory(), by=member)
    assert mer.statut == S.INTERESSEE


def test_a_pending_renewal_leaves_the_other_post_free():
    structure = StructureFactory(nombre_postes_accordes=2)
    member = membre(structure)
    _renouvellement_en_cours(structure)
    mer = services.preselectionner(structure=structure, conseiller=ConseillerFactory(), by=member)
    assert mer.statut == S.INTERESSEE


def test_contrat_declarer_refused_when_not_preselected(structure, member):
    mer = mise_en_relation(structure, ConseillerFactory(), S.NOUVELLE)
    with pytest.raises(DomainError, match="Seul un candidat présélectionné"):
        services.contrat_declarer(mise_en_relation=mer, by=member, **CDD)


def test_contrat_declarer_refused_when_already_recruited_elsewhere(structure, member):
    candidat = ConseillerFactory()
    autre = StructureFactory()
    mise_en_relation(autre, candidat, S.RECRUTEE)
    mer = mise_en_relation(structure, candidat)
    with pytest.raises(DomainError, match="déjà recruté par une structure"):
        services.contrat_declarer(mise_en_relation=mer, by=member, **CDD)


def test_recrutement_annuler(structure, member):
    mer = mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    mer = services.recrutement_annuler(mise_en_relation=mer, by=member)
    assert mer.statut == S.INTERESSEE and mer.type_contrat == "" and mer.date_debut is None
    with pytest.raises(DomainError, match="Seul un recrutement en attente"):
        services.recrutement_annuler(mise_en_relation=mer, by=member)


def test_recrutement_valider(structure, member, mailoutbox, django_capture_on_commit_callbacks):
    op = operateur()
    candidat = ConseillerFactory()
    ailleurs = mise_en_relation(StructureFactory(), candidat, S.NOUVELLE)
    mer = mise_en_relation(structure, candidat, S.RECRUTEE)
    with django_capture_on_commit_callbacks(execute=True):
        mer = services.recrutement_valider(mise_en_relation=mer, by=op)
    assert mer.statut == S.FINALISEE and mer.validated_by == op
    poste = structure.postes.get()
    assert mer.poste == poste and poste.etat == PosteEtat.OCCUPE
    candidat.refresh_from_db()
    assert candidat.statut == ConseillerStatut.RECRUTE and not candidat.disponible
    assert has_role(candidat.user, Role.CONSEILLER)
    ailleurs.refresh_from_db()
    assert ailleurs.statut == S.NON_INTERESSEE
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([member.email, candidat.user.email])
    to_structure = next(m for m in mailoutbox if m.to == [member.email])
    assert to_structure.subject == f"Recrutement validé : {candidat.prenom} {candidat.nom}"
    to_advisor = next(m for m in mailoutbox if m.to == [candidat.user.email])
    assert "/accounts/login/" in to_advisor.body or "connexion" in to_advisor.body


def test_recrutement_valider_invites_account_without_password(structure):
    candidat = ConseillerFactory()
    candidat.user.set_unusable_password()
    candidat.user.save()
    mer = mise_en_relation(structure, candidat, S.RECRUTEE)
    email = services.notifications.recrutement_valide(mer)
    assert "choisissez votre mot de passe" in email.body


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("incomplet", "contrat est incomplet"),
        ("structure", "structure n'est pas validée"),
        ("quota", "quota de la structure est atteint"),
        ("ailleurs", "déjà en poste dans une autre structure"),
        ("statut", "Seul un recrutement « Candidature validée »"),
        ("poste", "aucun poste vacant"),
    ],
)
def test_recrutement_valider_refusals(setup, message):
    op = operateur()
    structure = StructureFactory(nombre_postes_accordes=2)
    candidat = ConseillerFactory()
    mer = mise_en_relation(structure, candidat, S.RECRUTEE)
    if setup == "incomplet":
        MiseEnRelation.objects.filter(pk=mer.pk).update(salaire_brut=None)
    elif setup == "structure":
        structure.statut = StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC
        structure.save()
    elif setup == "quota":
        en_poste(structure)
        en_poste(structure)
    elif setup == "ailleurs":
        # In post elsewhere, under a renewal being validated (the DB constraint covers the rest)
        mise_en_relation(StructureFactory(), candidat, S.RENOUVELLEMENT_INITIEE)
    elif setup == "statut":
        MiseEnRelation.objects.filter(pk=mer.pk).update(statut=S.INTERESSEE)
    elif setup == "poste":
        structure.postes.update(etat=PosteEtat.RENDU)
    with pytest.raises(DomainError, match=message):
        services.recrutement_valider(mise_en_relation=mer, by=op)


def test_only_operator_validates(structure, member):
    mer = mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    with pytest.raises(DomainError, match="Seul un opérateur"):
        services.recrutement_valider(mise_en_relation=mer, by=member)


def test_prolongation(structure, member, mailoutbox, django_capture_on_commit_callbacks):
    mer = en_poste(structure)
    prolongation = services.prolongation_demander(
        mise_en_relation=mer, date_fin=date(2027, 6, 30), salaire_brut=Decimal("2200"), by=member
    )
    assert prolongation.statut == ProlongationStatut.INITIEE
    with pytest.raises(DomainError, match="déjà en attente"):
        services.prolongation_demander(
            mise_en_relation=mer, date_fin=date(2027, 7, 30), salaire_brut=None, by=member
        )
    with pytest.raises(DomainError, match="Seul un opérateur"):
        services.prolongation_valider(prolongation=prolongation, by=member)
    with django_capture_on_commit_callbacks(execute=True):
        prolongation = services.prolongation_valider(prolongation=prolongation, by=operateur())
    mer.refresh_from_db()
    assert prolongation.statut == ProlongationStatut.VALIDEE
    assert mer.date_fin == date(2027, 6, 30) and mer.salaire_brut == Decimal("2200.00")
    assert mailoutbox[0].to == [member.email] and "30/06/2027" in mailoutbox[0].body
    with pytest.raises(DomainError, match="déjà été validée"):
        services.prolongation_valider(prolongation=prolongation, by=operateur())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"date_fin": date(2026, 1, 1)}, "postérieure à la date de fin actuelle"),
        ({"salaire_brut": Decimal("100")}, "SMIC"),
    ],
)
def test_prolongation_refused(structure, member, kwargs, message):
    mer = en_poste(structure)
    with pytest.raises(DomainError, match=message):
        services.prolongation_demander(
            mise_en_relation=mer, by=member, **{"date_fin": date(2027, 6, 30), "salaire_brut": None, **kwargs}
        )
    assert not Prolongation.objects.exists()


def test_prolongation_refused_for_cdi(structure, member):
    mer = en_poste(structure, type_contrat=TypeContrat.CDI, date_fin=None)
    with pytest.raises(DomainError, match="Un CDI n'a pas de date de fin"):
        services.prolongation_demander(
            mise_en_relation=mer, date_fin=date(2030, 1, 1), salaire_brut=None, by=member
        )


def test_rupture_notify_flag_and_validate(structure, member, mailoutbox, django_capture_on_commit_callbacks):
    mer = en_poste(structure)
    op = operateur()
    mer = services.rupture_notifier(
        mise_en_relation=mer, date_rupture=date(2025, 9, 30), motif=MotifRupture.DEMISSION, by=member
    )
    assert mer.statut == S.NOUVELLE_RUPTURE
    with pytest.raises(DomainError, match="Indiquez les pièces manquantes"):
        services.rupture_dossier_incomplet(mise_en_relation=mer, pieces_manquantes=" ", by=op)
    with django_capture_on_commit_callbacks(execute=True):
        mer = services.rupture_dossier_incomplet(
            mise_en_relation=mer, pieces_manquantes="Lettre de démission", by=op
        )
    assert mer.dossier_incomplet
    assert mailoutbox[-1].to == [member.email] and "Lettre de démission" in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        mer = services.rupture_valider(mise_en_relation=mer, by=op)
    assert mer.statut == S.FINALISEE_RUPTURE and mer.rupture_validated_by == op and not mer.dossier_incomplet
    poste = mer.poste
    poste.refresh_from_db()
    assert poste.etat == PosteEtat.VACANT and poste.vacant_depuis == date(2025, 9, 30)
    mer.conseiller.refresh_from_db()
    assert mer.conseiller.statut == ConseillerStatut.RUPTURE and mer.conseiller.disponible
    assert {m.to[0] for m in mailoutbox[-2:]} == {member.email, mer.conseiller.user.email}
    # History kept: every transition is recorded
    assert [h.statut for h in mer.history.order_by("history_date")][-3:] == [
        S.NOUVELLE_RUPTURE,
        S.NOUVELLE_RUPTURE,
        S.FINALISEE_RUPTURE,
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"date_rupture": date(2027, 1, 1)}, "antérieure ou égale à la fin du contrat"),
        ({"date_rupture": date(2024, 1, 1)}, "ne peut pas précéder le début"),
        ({"motif": "autre"}, "motif de rupture dans la liste"),
    ],
)
def test_rupture_refused(structure, member, kwargs, message):
    mer = en_poste(structure)
    with pytest.raises(DomainError, match=message):
        services.rupture_notifier(
            mise_en_relation=mer,
            by=member,
            **{"date_rupture": date(2025, 9, 30), "motif": MotifRupture.DEMISSION, **kwargs},
        )


def test_rupture_validation_refused_by_a_blocker(structure, member, monkeypatch):
    mer = en_poste(structure)
    mer = services.rupture_notifier(
        mise_en_relation=mer, date_rupture=date(2025, 9, 30), motif=MotifRupture.DEMISSION, by=member
    )
    monkeypatch.setattr(services._commun, "RUPTURE_BLOCKERS", [lambda m: "Un renouvellement est en attente."])
    with pytest.raises(DomainError, match="Un renouvellement est en attente"):
        services.rupture_valider(mise_en_relation=mer, by=operateur())
    mer.refresh_from_db()
    assert mer.statut == S.NOUVELLE_RUPTURE


def test_conventions_blocker_is_registered():
    from conseillers.occupancy import bloque_rupture

    assert bloque_rupture in services.RUPTURE_BLOCKERS


def test_history_across_structures():
    """Recruited by A, rupture, recruited by B: both contracts kept."""
    op = operateur()
    a, b = StructureFactory(), StructureFactory()
    ma, mb = membre(a), membre(b)
    conseiller = ConseillerFactory()
    mer_a = mise_en_relation(a, conseiller, S.RECRUTEE)
    services.recrutement_valider(mise_en_relation=mer_a, by=op)
    services.rupture_notifier(
        mise_en_relation=mer_a, date_rupture=date(2025, 6, 30), motif=MotifRupture.DEMISSION, by=ma
    )
    services.rupture_valider(mise_en_relation=mer_a, by=op)
    mer_b = services.preselectionner(structure=b, conseiller=conseiller, by=mb)
    services.contrat_declarer(
        mise_en_relation=mer_b,
        by=mb,
        **{**CDD, "date_debut": date(2025, 8, 1), "date_fin": date(2026, 7, 31)},
    )
    services.recrutement_valider(mise_en_relation=mer_b, by=op)
    statuts = dict(MiseEnRelation.objects.filter(conseiller=conseiller).values_list("structure_id", "statut"))
    assert statuts == {a.pk: S.FINALISEE_RUPTURE, b.pk: S.FINALISEE}


def test_conge(structure, member):
    mer = en_poste(structure)
    conge = services.conge_declarer(
        mise_en_relation=mer,
        type=TypeConge.MALADIE,
        date_debut=date(2025, 4, 1),
        date_fin=date(2025, 4, 30),
        by=member,
    )
    assert conge.declare_par == member
    with pytest.raises(DomainError, match="chevauche un congé déjà déclaré"):
        services.conge_declarer(
            mise_en_relation=mer,
            type=TypeConge.PARENTAL,
            date_debut=date(2025, 4, 30),
            date_fin=date(2025, 6, 1),
            by=member,
        )
    with pytest.raises(DomainError, match="postérieure ou égale"):
        services.conge_declarer(
            mise_en_relation=mer,
            type=TypeConge.PARENTAL,
            date_debut=date(2025, 6, 1),
            date_fin=date(2025, 5, 1),
            by=member,
        )
    services.conge_declarer(
        mise_en_relation=mer,
        type=TypeConge.PARENTAL,
        date_debut=date(2025, 5, 1),
        date_fin=date(2025, 6, 1),
        by=member,
    )
    assert Conge.objects.count() == 2


def test_conge_refused_for_candidate_not_in_post(structure, member):
    mer = mise_en_relation(structure, ConseillerFactory())
    with pytest.raises(DomainError, match="conseiller en poste"):
        services.conge_declarer(
            mise_en_relation=mer,
            type=TypeConge.MALADIE,
            date_debut=date(2025, 4, 1),
            date_fin=date(2025, 4, 2),
            by=member,
        )
