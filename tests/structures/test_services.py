"""Every service transition, allowed and refused with its French message."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conumapp.enums import Role
from conumapp.permissions import has_role
from conumapp.services import DomainError
from structures import services
from structures.enums import (
    AvisPrefecture,
    DecisionType,
    DemandePosteStatut,
    DemandePosteType,
    MotifAjout,
    MotifRetrait,
    PosteEtat,
    StructureStatut,
)
from structures.models import DecisionCoselec, Invitation, Membre, Structure, TransfertPoste

from .factories import StructureFactory, UserFactory, departement, membre, operateur, prefecture

pytestmark = pytest.mark.django_db


def _new_structure(**kwargs):
    return StructureFactory.build(departement=departement("69"), region=None, **kwargs)


# --- Candidature -------------------------------------------------------------------------------


def test_candidature_creates_structure_member_and_role():
    user = UserFactory()
    structure = services.candidature_deposer(structure=_new_structure(), user=user)
    structure.refresh_from_db()
    assert structure.statut == StructureStatut.CREEE
    assert structure.region_id == "84"
    assert Membre.objects.filter(structure=structure, user=user).exists()
    assert has_role(user, Role.STRUCTURE)
    assert structure.history.first().history_user == user


def test_candidature_refused_when_siret_already_live():
    existing = StructureFactory()
    with pytest.raises(DomainError, match="déjà en cours pour ce SIRET"):
        services.candidature_deposer(structure=_new_structure(siret=existing.siret), user=UserFactory())


def test_candidature_allowed_again_after_refusal():
    old = StructureFactory(refusee=True)
    structure = services.candidature_deposer(structure=_new_structure(siret=old.siret), user=UserFactory())
    assert structure.pk != old.pk


# --- Prefecture opinion ------------------------------------------------------------------------


def test_prefecture_gives_opinion():
    structure = StructureFactory()
    prefet = prefecture("69")
    avis = services.avis_prefet_donner(
        structure=structure, by=prefet, avis=AvisPrefecture.POSITIF, commentaire="Projet solide et utile."
    )
    assert avis.auteur == prefet and avis.get_avis_display() == "Favorable"


def test_other_prefecture_refused():
    with pytest.raises(DomainError, match="Seule la préfecture du département"):
        services.avis_prefet_donner(
            structure=StructureFactory(),
            by=prefecture("75"),
            avis=AvisPrefecture.NEGATIF,
            commentaire="x" * 20,
        )


def test_opinion_refused_once_decided():
    structure = StructureFactory(validee=True)
    with pytest.raises(DomainError, match="ne peut plus donner d'avis"):
        services.avis_prefet_donner(
            structure=structure, by=prefecture(), avis=AvisPrefecture.POSITIF, commentaire="Très bon projet."
        )


def test_opinion_allowed_in_complementary_review():
    structure = StructureFactory(examen=True)
    services.avis_prefet_donner(
        structure=structure, by=prefecture(), avis=AvisPrefecture.NEGATIF, commentaire="Projet à revoir."
    )
    assert structure.avis_prefet.count() == 1


def test_opinion_comment_too_short():
    with pytest.raises(ValidationError):
        services.avis_prefet_donner(
            structure=StructureFactory(), by=prefecture(), avis=AvisPrefecture.POSITIF, commentaire="court"
        )


# --- Coselec -----------------------------------------------------------------------------------


def test_validation_creates_vacant_posts_today():
    structure = StructureFactory()
    op = operateur()
    decision = services.coselec_decider(structure=structure, by=op, numero=42, type=DecisionType.VALIDATION,
                                        nombre_postes=2, avis="Bon dossier")  # fmt: skip
    structure.refresh_from_db()
    assert structure.statut == StructureStatut.VALIDATION_COSELEC
    assert structure.nombre_postes_accordes == 2
    assert [p.etat for p in structure.postes.all()] == [PosteEtat.VACANT, PosteEtat.VACANT]
    assert {p.vacant_depuis for p in structure.postes.all()} == {timezone.localdate()}
    assert decision.coselec.numero == 42 and decision.operateur == op and decision.nombre_postes == 2
    assert structure.history.first().history_user == op


def test_refusal_and_complementary_review():
    op = operateur()
    a, b = StructureFactory(), StructureFactory()
    services.coselec_decider(structure=a, by=op, numero=1, type=DecisionType.REFUS)
    services.coselec_decider(structure=b, by=op, numero=1, type=DecisionType.EXAMEN_COMPLEMENTAIRE)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.statut == StructureStatut.REFUS_COSELEC
    assert b.statut == StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC
    services.coselec_decider(structure=b, by=op, numero=2, type=DecisionType.VALIDATION, nombre_postes=1)
    b.refresh_from_db()
    assert b.statut == StructureStatut.VALIDATION_COSELEC


def test_decision_refused_for_non_operator():
    with pytest.raises(DomainError, match="Seul un opérateur"):
        services.coselec_decider(
            structure=StructureFactory(), by=prefecture(), numero=1, type=DecisionType.REFUS
        )


def test_decision_refused_on_refused_structure():
    with pytest.raises(DomainError, match="Aucune décision possible"):
        services.coselec_decider(
            structure=StructureFactory(refusee=True), by=operateur(), numero=3, type=DecisionType.VALIDATION,
            nombre_postes=1,
        )  # fmt: skip


def test_validated_structure_cannot_be_refused():
    with pytest.raises(DomainError, match="passez son quota à 0"):
        services.coselec_decider(structure=StructureFactory(validee=True), by=operateur(), numero=3,
                                 type=DecisionType.REFUS)  # fmt: skip


def test_same_committee_twice_refused():
    op = operateur()
    structure = StructureFactory()
    services.coselec_decider(structure=structure, by=op, numero=7, type=DecisionType.EXAMEN_COMPLEMENTAIRE)
    with pytest.raises(DomainError, match="déjà été enregistrée pour cette structure en COSELEC 7"):
        services.coselec_decider(
            structure=structure, by=op, numero=7, type=DecisionType.VALIDATION, nombre_postes=1
        )


def test_quota_up_adds_posts_and_down_returns_vacant_posts():
    op = operateur()
    structure = StructureFactory(validee=True, postes=[PosteEtat.OCCUPE, PosteEtat.VACANT])
    services.coselec_decider(
        structure=structure, by=op, numero=10, type=DecisionType.VALIDATION, nombre_postes=4
    )
    assert structure.postes.actifs().count() == 4
    services.coselec_decider(
        structure=structure, by=op, numero=11, type=DecisionType.VALIDATION, nombre_postes=1
    )
    structure.refresh_from_db()
    assert structure.nombre_postes_accordes == 1
    assert structure.postes.actifs().get().etat == PosteEtat.OCCUPE
    assert structure.postes.filter(etat=PosteEtat.RENDU, rendu_le=timezone.localdate()).count() == 3


def test_quota_never_below_recruited():
    structure = StructureFactory(validee=True, postes=[PosteEtat.OCCUPE, PosteEtat.OCCUPE])
    with pytest.raises(DomainError, match="inférieur au nombre de conseillers déjà recrutés \\(2\\)"):
        services.coselec_decider(structure=structure, by=operateur(), numero=5, type=DecisionType.VALIDATION,
                                 nombre_postes=1)  # fmt: skip
    structure.refresh_from_db()
    assert structure.nombre_postes_accordes == 2


@pytest.mark.parametrize("final", [StructureStatut.ABANDON, StructureStatut.ANNULEE])
def test_quota_zero_on_validated_structure(final):
    structure = StructureFactory(validee=True)
    decision = services.coselec_decider(structure=structure, by=operateur(), numero=8, type=DecisionType.VALIDATION,
                                        nombre_postes=0, statut_si_zero=final)  # fmt: skip
    structure.refresh_from_db()
    assert structure.statut == final
    assert decision.type == final
    assert not structure.postes.actifs().exists()


def test_quota_zero_refused_on_new_candidature():
    with pytest.raises(DomainError, match="au moins un poste"):
        services.coselec_decider(structure=StructureFactory(), by=operateur(), numero=8,
                                 type=DecisionType.VALIDATION, nombre_postes=0)  # fmt: skip


def test_bulk_decision_same_committee():
    op = operateur()
    structures = [StructureFactory() for _ in range(3)]
    decisions = services.coselec_decider_en_masse(structures=structures, by=op, numero=20,
                                                  type=DecisionType.VALIDATION, nombre_postes=1)  # fmt: skip
    assert len(decisions) == 3
    assert {d.coselec.numero for d in decisions} == {20}
    assert Structure.objects.filter(statut=StructureStatut.VALIDATION_COSELEC).count() == 3


def test_bulk_decision_all_or_nothing():
    op = operateur()
    good = StructureFactory()
    bad = StructureFactory(refusee=True, nom="Mairie refusée")
    with pytest.raises(DomainError, match="Mairie refusée : Aucune décision possible"):
        services.coselec_decider_en_masse(structures=[good, bad], by=op, numero=21, type=DecisionType.VALIDATION,
                                          nombre_postes=1)  # fmt: skip
    good.refresh_from_db()
    assert good.statut == StructureStatut.CREEE
    assert not DecisionCoselec.objects.exists()


def test_mark_duplicate():
    op = operateur()
    structure = services.marquer_doublon(structure=StructureFactory(), by=op)
    assert structure.statut == StructureStatut.DOUBLON
    with pytest.raises(DomainError, match="Seule une candidature en cours"):
        services.marquer_doublon(structure=structure, by=op)


# --- Post requests -----------------------------------------------------------------------------


def test_add_request_flow():
    structure = StructureFactory(validee=True)
    user = membre(structure)
    demande = services.demande_creer(structure=structure, by=user, type=DemandePosteType.AJOUT, nombre=2,
                                     motif=MotifAjout.RENFORCER)  # fmt: skip
    with pytest.raises(DomainError, match="Une demande est déjà en cours"):
        services.demande_creer(structure=structure, by=user, type=DemandePosteType.AJOUT, nombre=1,
                               motif=MotifAjout.RENFORCER)  # fmt: skip
    op = operateur()
    with pytest.raises(DomainError, match="La préfecture doit donner son avis"):
        services.demande_decider(demande=demande, by=op, accepter=True, numero=30)
    services.demande_avis_prefet(demande=demande, by=prefecture(), avis=AvisPrefecture.POSITIF,
                                 commentaire="Demande justifiée par le territoire.")  # fmt: skip
    with pytest.raises(DomainError, match="indiquez son numéro"):
        services.demande_decider(demande=demande, by=op, accepter=True)
    services.demande_decider(demande=demande, by=op, accepter=True, numero=30)
    demande.refresh_from_db()
    structure.refresh_from_db()
    assert demande.statut == DemandePosteStatut.VALIDEE and demande.decided_by == op
    assert structure.nombre_postes_accordes == 4
    assert structure.postes.vacants().count() == 4
    with pytest.raises(DomainError, match="déjà été traitée"):
        services.demande_decider(demande=demande, by=op, accepter=False)


def test_return_request_never_more_than_free_posts():
    structure = StructureFactory(validee=True, postes=[PosteEtat.OCCUPE, PosteEtat.VACANT])
    user = membre(structure)
    with pytest.raises(DomainError, match="plus de postes que vos postes libres \\(1\\)"):
        services.demande_creer(structure=structure, by=user, type=DemandePosteType.RETRAIT, nombre=2,
                               motif=MotifRetrait.BESOIN)  # fmt: skip


def test_return_all_posts_abandons_structure():
    structure = StructureFactory(validee=True)
    user = membre(structure)
    demande = services.demande_creer(structure=structure, by=user, type=DemandePosteType.RETRAIT, nombre=2,
                                     motif=MotifRetrait.FINANCES)  # fmt: skip
    services.demande_decider(demande=demande, by=operateur(), accepter=True, commentaire="Accord")
    structure.refresh_from_db()
    assert structure.statut == StructureStatut.ABANDON
    assert structure.nombre_postes_accordes == 0
    assert structure.postes.filter(etat=PosteEtat.RENDU).count() == 2


def test_refused_request():
    structure = StructureFactory(validee=True)
    demande = services.demande_creer(structure=structure, by=membre(structure), type=DemandePosteType.RETRAIT,
                                     nombre=1, motif=MotifRetrait.BESOIN)  # fmt: skip
    services.demande_decider(demande=demande, by=operateur(), accepter=False, commentaire="Non")
    demande.refresh_from_db()
    assert demande.statut == DemandePosteStatut.REFUSEE
    assert structure.postes.vacants().count() == 2


def test_request_refused_for_non_member_and_unvalidated():
    structure = StructureFactory(validee=True)
    with pytest.raises(DomainError, match="pas membre"):
        services.demande_creer(structure=structure, by=UserFactory(), type=DemandePosteType.AJOUT, nombre=1,
                               motif=MotifAjout.RENFORCER)  # fmt: skip
    new = StructureFactory()
    with pytest.raises(DomainError, match="Seule une structure validée"):
        services.demande_creer(structure=new, by=membre(new), type=DemandePosteType.AJOUT, nombre=1,
                               motif=MotifAjout.RENFORCER)  # fmt: skip
    with pytest.raises(DomainError, match="motif"):
        services.demande_creer(structure=structure, by=membre(structure), type=DemandePosteType.AJOUT, nombre=1,
                               motif="autre")  # fmt: skip


# --- Transfer ----------------------------------------------------------------------------------


def test_transfer_same_departement_with_log():
    op = operateur()
    depuis, vers = StructureFactory(validee=True), StructureFactory(validee=True)
    poste = depuis.postes.first()
    transfert = services.poste_transferer(poste=poste, vers=vers, by=op)
    poste.refresh_from_db()
    depuis.refresh_from_db()
    vers.refresh_from_db()
    assert poste.structure == vers
    assert (depuis.nombre_postes_accordes, vers.nombre_postes_accordes) == (1, 3)
    assert transfert.operateur == op and not transfert.hors_departement
    assert depuis.transferts_sortants.get() == vers.transferts_entrants.get()


def test_transfer_other_departement_needs_exception_and_reason():
    op = operateur()
    depuis, vers = StructureFactory(validee=True), StructureFactory(validee=True, paris=True)
    poste = depuis.postes.first()
    with pytest.raises(DomainError, match="autre département"):
        services.poste_transferer(poste=poste, vers=vers, by=op)
    with pytest.raises(DomainError, match="demande un motif"):
        services.poste_transferer(poste=poste, vers=vers, by=op, hors_departement=True)
    services.poste_transferer(
        poste=poste, vers=vers, by=op, hors_departement=True, motif="Fusion des deux structures"
    )
    assert TransfertPoste.objects.get().hors_departement


def test_transfer_to_unvalidated_refused():
    with pytest.raises(DomainError, match="structure validée"):
        services.poste_transferer(poste=StructureFactory(validee=True).postes.first(), vers=StructureFactory(),
                                  by=operateur())  # fmt: skip


# --- Members and invitations -------------------------------------------------------------------


def test_invitation_accepted_gives_membership_and_role():
    structure = StructureFactory(validee=True)
    inviter = membre(structure)
    invitation = services.invitation_creer(structure=structure, by=inviter, email="Collegue@Mairie.fr")
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    colleague = UserFactory(email="collegue@mairie.fr")
    services.invitation_accepter(invitation=invitation, user=colleague)
    assert Membre.objects.filter(structure=structure, user=colleague).exists()
    assert has_role(colleague, Role.STRUCTURE)
    with pytest.raises(DomainError, match="déjà été utilisée"):
        services.invitation_accepter(invitation=invitation, user=colleague)


def test_invitation_expired_or_other_email():
    structure = StructureFactory()
    invitation = services.invitation_creer(structure=structure, by=membre(structure), email="a@mairie.fr")
    with pytest.raises(DomainError, match="autre adresse"):
        services.invitation_accepter(invitation=invitation, user=UserFactory(email="b@mairie.fr"))
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError, match="expiré"):
        services.invitation_accepter(invitation=invitation, user=UserFactory(email="a@mairie.fr"))


def test_invitation_only_by_member():
    with pytest.raises(DomainError, match="pas membre"):
        services.invitation_creer(structure=StructureFactory(), by=UserFactory(), email="x@mairie.fr")


def test_remove_member_never_the_last():
    structure = StructureFactory()
    first = membre(structure)
    second = membre(structure)
    services.membre_retirer(membre=Membre.objects.get(user=second), by=first)
    assert not has_role(second, Role.STRUCTURE)
    with pytest.raises(DomainError, match="dernier membre"):
        services.membre_retirer(membre=Membre.objects.get(user=first), by=first)
