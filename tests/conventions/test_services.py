"""Every transition of conventions and tranches, allowed and refused (French messages), with history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conumapp.services import DomainError
from conventions import services
from conventions.calculs import add_months
from conventions.enums import ConventionEtat, ConventionStatut, Phase, TrancheStatut
from conventions.models import Bareme, Convention, Tranche
from structures.enums import PosteEtat, StructureStatut

from .factories import (
    StructureFactory,
    UserFactory,
    conseiller_recrute,
    contrat_accepte,
    convention_signee,
    membre,
    operateur,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_draft_send_sign_freezes_amounts_and_builds_three_tranches_per_post():
    op = operateur()
    structure = StructureFactory(postes=2)
    convention = services.convention_rediger(structure=structure, by=op)
    assert convention.etat == ConventionEtat.BROUILLON
    assert convention.statut == ConventionStatut.CONVENTIONNEMENT_EN_COURS
    assert convention.numero.startswith("CN-")
    assert convention.montant_total == Decimal("100000.00")
    services.convention_envoyer(convention=convention, by=op)
    signed_on = TODAY() - timedelta(days=3)
    convention = services.convention_signer(convention=convention, by=op, date_signature=signed_on)
    assert convention.etat == ConventionEtat.SIGNEE
    assert convention.statut == ConventionStatut.CONVENTIONNEMENT_VALIDE
    tranches = list(convention.tranches.order_by("poste_id", "numero"))
    assert len(tranches) == 6
    assert sum(t.montant_prevu for t in tranches) == convention.montant_total
    assert convention.totaux()["engage"] == Decimal("100000.00")
    # History records who signed, before → after
    record = convention.history.latest()
    assert record.history_user == op
    assert record.prev_record.etat == ConventionEtat.ENVOYEE and record.etat == ConventionEtat.SIGNEE


def test_a_rate_change_never_alters_a_signed_convention():
    op = operateur()
    structure = StructureFactory(postes=2)
    poste, other = structure.postes.order_by("pk")
    signed = TODAY() - timedelta(days=200)
    convention = convention_signee(structure, signed_on=signed, by=op)
    contrat_accepte(structure, poste)
    conseiller_recrute(structure, poste, debut=signed + timedelta(days=70))
    # Every term of the barème changes: amounts, length 24 → 12, rule, months, pro-rata switch
    Bareme.objects.filter(code="vague-1-publique").update(
        montant_annee_1=Decimal("1.00"),
        duree_mois=12,
        regle_tranches="annuelle",
        echeances_mois="2",
        prorata=False,
    )
    convention = Convention.objects.get(pk=convention.pk)
    assert convention.montant_annee_1 == Decimal("25000.00")
    assert convention.montant_total == Decimal("100000.00")  # two posts
    assert convention.montants_annuels_par_poste() == [Decimal("25000.00"), Decimal("25000.00")]
    assert convention.montant_par_poste() == Decimal("50000.00")
    schedule = services.echeancier_poste(convention, signed)
    assert [e.date_prevue for e in schedule] == [add_months(signed, m) for m in (1, 6, 12)]
    assert sum(e.montant for e in schedule) == Decimal("50000.00")
    # The pro rata still applies to the tranche made due after the change
    services.tranches_marquer_dues(today=TODAY())
    second = convention.tranches.get(poste=poste, numero=2)
    assert second.statut == TrancheStatut.DUE
    assert Decimal("0") < second.montant < second.montant_prevu
    # An amendment adding a post follows the frozen rule and months
    other.etat = PosteEtat.RENDU
    other.save()
    added = structure.postes.create(etat=PosteEtat.VACANT)
    avenant = services.convention_avenant_postes(convention=convention, by=op, date_effet=TODAY())
    new_tranches = list(convention.tranches.filter(poste=added).order_by("numero"))
    assert [t.date_prevue for t in new_tranches] == [add_months(signed, 12)]
    assert new_tranches[0].montant_prevu == Decimal("16666.66")
    assert avenant.montant == Decimal("0.00")  # the returned post's last tranche is cancelled
    # The PDF shows the frozen length and year table
    from conventions.pdf import contexte_pdf

    context = contexte_pdf(convention)
    assert [ligne["montant"] for ligne in context["annees"]] == [Decimal("25000.00")] * 2
    assert context["par_poste"] == Decimal("50000.00")
    from django.template.loader import render_to_string

    assert "(24 mois)" in render_to_string("conventions/convention_pdf.html", context)


def test_draft_refused_for_structure_not_validated_or_already_conventioned():
    op = operateur()
    structure = StructureFactory(statut=StructureStatut.CREEE)
    with pytest.raises(DomainError, match="Seule une structure validée"):
        services.convention_rediger(structure=structure, by=op)
    validated = StructureFactory()
    services.convention_rediger(structure=validated, by=op)
    with pytest.raises(DomainError, match="déjà une convention en cours"):
        services.convention_rediger(structure=validated, by=op)


def test_only_operators_draft_and_sign():
    structure = StructureFactory()
    user = membre(structure)
    with pytest.raises(DomainError, match="Seul un opérateur"):
        services.convention_rediger(structure=structure, by=user)


def test_sign_refused_unless_sent_and_not_in_future():
    op = operateur()
    convention = services.convention_rediger(structure=StructureFactory(), by=op)
    with pytest.raises(DomainError, match="Seule une convention envoyée"):
        services.convention_signer(convention=convention, by=op, date_signature=TODAY())
    services.convention_envoyer(convention=convention, by=op)
    with pytest.raises(DomainError, match="futur"):
        services.convention_signer(convention=convention, by=op, date_signature=TODAY() + timedelta(days=1))
    with pytest.raises(DomainError, match="brouillon"):
        services.convention_envoyer(convention=convention, by=op)


def test_tranche_blocked_without_contract_then_due_with_contract():
    structure = StructureFactory()
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=40))
    first = convention.tranches.order_by("date_prevue").first()
    first.refresh_from_db()
    assert first.statut == TrancheStatut.PREVUE
    assert "Aucun contrat de travail validé" in first.motif_blocage
    poste = structure.postes.get()
    contrat_accepte(structure, poste, du=TODAY() - timedelta(days=60))
    made_due = services.tranches_marquer_dues(today=TODAY())
    assert [t.pk for t in made_due] == [first.pk]
    first.refresh_from_db()
    assert first.statut == TrancheStatut.DUE and first.motif_blocage == ""
    # Twice the same day: nothing more
    assert services.tranches_marquer_dues(today=TODAY()) == []


def test_tranche_prorata_uses_advisor_contract_dates():
    structure = StructureFactory()
    poste = structure.postes.get()
    signed = TODAY() - timedelta(days=200)
    convention = convention_signee(structure, signed_on=signed)
    contrat_accepte(structure, poste)
    # Advisor in post only from 2 months after signature → second tranche's period (months 1–6) partly filled
    conseiller_recrute(structure, poste, debut=signed + timedelta(days=70))
    services.tranches_marquer_dues(today=TODAY())
    second = convention.tranches.get(numero=2)
    assert second.statut == TrancheStatut.DUE
    assert Decimal("0") < second.montant < second.montant_prevu
    assert "mois non pourvu" in second.detail_calcul and "mois pourvu" in second.detail_calcul
    first = convention.tranches.get(numero=1)
    assert first.montant == Decimal("0.00")  # nobody in post during the first month


def test_pay_suspend_resume_and_credit_note():
    op = operateur()
    structure = StructureFactory()
    contrat_accepte(structure, structure.postes.get())
    conseiller_recrute(structure, structure.postes.get(), debut=TODAY() - timedelta(days=400))
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=40), by=op)
    tranche = convention.tranches.get(numero=1)
    assert tranche.statut == TrancheStatut.DUE
    assert tranche.montant == tranche.montant_prevu == Decimal("16666.67")
    with pytest.raises(DomainError, match="au plus"):
        services.tranche_verser(tranche=tranche, by=op, date_versement=TODAY(), montant=tranche.montant + 1)
    services.tranche_verser(tranche=tranche, by=op, date_versement=TODAY())
    tranche.refresh_from_db()
    assert tranche.statut == TrancheStatut.VERSEE and tranche.montant_verse == tranche.montant
    assert tranche.history.latest().history_user == op
    with pytest.raises(DomainError, match="Seule une tranche due"):
        services.tranche_verser(tranche=tranche, by=op, date_versement=TODAY())
    later = convention.tranches.get(numero=2)
    with pytest.raises(DomainError, match="motif"):
        services.tranche_suspendre(tranche=later, by=op, motif=" ")
    services.tranche_suspendre(tranche=later, by=op, motif="Contrat en cours de vérification")
    later.refresh_from_db()
    assert later.statut == TrancheStatut.SUSPENDUE
    services.tranche_reprendre(tranche=later, by=op)
    later.refresh_from_db()
    assert later.statut == TrancheStatut.PREVUE
    with pytest.raises(DomainError, match="ne peut pas dépasser"):
        services.avoir_enregistrer(
            convention=convention, by=op, montant=tranche.montant_verse + 1, motif="Trop perçu"
        )
    services.avoir_enregistrer(convention=convention, by=op, montant=Decimal("100.00"), motif="Trop perçu")
    totaux = convention.totaux()
    assert totaux["verse"] == tranche.montant_verse
    assert totaux["restant"] == totaux["engage"] - totaux["verse"] - Decimal("100.00")


def test_partial_payment_and_totals_reconcile():
    op = operateur()
    structure = StructureFactory()
    contrat_accepte(structure, structure.postes.get())
    conseiller_recrute(structure, structure.postes.get(), debut=TODAY() - timedelta(days=400))
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=40), by=op)
    tranche = convention.tranches.get(numero=1)
    assert tranche.montant == Decimal("16666.67")
    with pytest.raises(DomainError, match="au plus égal au montant dû"):
        services.tranche_verser(tranche=tranche, by=op, date_versement=TODAY(), montant=Decimal("16666.68"))
    for wrong in (Decimal("0"), Decimal("-5")):
        with pytest.raises(DomainError, match="supérieur à zéro"):
            services.tranche_verser(tranche=tranche, by=op, date_versement=TODAY(), montant=wrong)
    services.tranche_verser(tranche=tranche, by=op, date_versement=TODAY(), montant=Decimal("10000.50"))
    tranche.refresh_from_db()
    assert tranche.statut == TrancheStatut.VERSEE and tranche.montant_verse == Decimal("10000.50")
    totaux = convention.totaux()
    assert totaux["verse"] == Decimal("10000.50")
    assert totaux["restant"] == Decimal("39999.50")
    assert totaux["verse"] + totaux["restant"] + totaux["avoirs"] == totaux["engage"] == Decimal("50000.00")
    annotated = Convention.objects.with_totaux().get(pk=convention.pk)
    assert annotated.total_verse == Decimal("10000.50")


def test_amendment_adds_and_removes_posts_and_totals_reconcile():
    op = operateur()
    structure = StructureFactory(postes=2)
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=10), by=op)
    with pytest.raises(DomainError, match="aucun avenant"):
        services.convention_avenant_postes(convention=convention, by=op, date_effet=TODAY())
    rendu, _kept = list(structure.postes.order_by("pk"))
    rendu.etat = PosteEtat.RENDU
    rendu.save()
    structure.postes.create(etat=PosteEtat.VACANT)
    avenant = services.convention_avenant_postes(convention=convention, by=op, date_effet=TODAY())
    assert (avenant.postes_ajoutes, avenant.postes_retires) == (1, 1)
    convention.refresh_from_db()
    assert convention.totaux()["engage"] == convention.montant_total + avenant.montant
    assert convention.tranches.filter(poste=rendu, statut=TrancheStatut.ANNULEE).count() == 3


def test_early_termination_cancels_later_tranches():
    op = operateur()
    convention = convention_signee(signed_on=TODAY() - timedelta(days=45), by=op)
    with pytest.raises(DomainError, match="motif"):
        services.convention_terminer(convention=convention, by=op, date_fin=TODAY(), motif="", anticipee=True)
    services.convention_terminer(
        convention=convention, by=op, date_fin=TODAY(), motif="Fermeture du lieu", anticipee=True
    )
    convention.refresh_from_db()
    assert convention.etat == ConventionEtat.RESILIEE
    assert convention.tranches.filter(statut=TrancheStatut.ANNULEE).count() == 2
    with pytest.raises(DomainError, match="Seule une convention signée"):
        services.convention_terminer(
            convention=convention, by=op, date_fin=TODAY(), motif="x", anticipee=False
        )


def _convention_finissant_bientot(structure, op):
    """Signed so that it ends in about two months (inside the six-month renewal window)."""
    months = 18 if structure.type == "PRIVATE" else 24
    return convention_signee(structure, signed_on=add_months(TODAY(), -months) + timedelta(days=60), by=op)


def test_renewal_initiated_then_validated_renews_recruitments():
    op = operateur()
    structure = StructureFactory()
    poste = structure.postes.get()
    user = membre(structure)
    mer = conseiller_recrute(structure, poste)
    convention = _convention_finissant_bientot(structure, op)
    candidats = services.candidats_renouvellement(convention)
    assert [c.mise_en_relation_id for c in candidats] == [mer.pk] and candidats[0].cdi
    with pytest.raises(DomainError, match="Démarches Simplifiées"):
        services.reconventionnement_initier(convention=convention, by=user, ds_numero="", lignes=[])
    lignes = [
        {
            "mise_en_relation_id": mer.pk,
            "type_contrat": "CDI",
            "date_debut": convention.date_fin + timedelta(days=1),
        }
    ]
    reconv = services.reconventionnement_initier(
        convention=convention, by=user, ds_numero="1234567", lignes=lignes
    )
    convention.refresh_from_db()
    assert convention.statut == ConventionStatut.RECONVENTIONNEMENT_INITIE
    nouvelle_mer = mer.renouvellement
    assert nouvelle_mer.statut == "renouvellement_initiee"
    assert services.renouvellement_en_attente(mer.pk)
    from conseillers.occupancy import bloque_rupture

    assert "reconventionnement" in bloque_rupture(mer)
    with pytest.raises(DomainError, match="six mois avant"):
        services.reconventionnement_initier(convention=convention, by=user, ds_numero="1", lignes=[])
    nouvelle = services.reconventionnement_valider(reconventionnement=reconv, by=op)
    convention.refresh_from_db()
    mer.refresh_from_db()
    nouvelle_mer.refresh_from_db()
    assert convention.statut == ConventionStatut.RECONVENTIONNEMENT_VALIDE
    assert (
        nouvelle.phase == Phase.PHASE_2
        and nouvelle.statut == ConventionStatut.CONVENTIONNEMENT_VALIDE_PHASE_2
    )
    assert nouvelle.date_debut == convention.date_fin + timedelta(days=1)
    assert nouvelle.montant_total == Decimal("42500.00")
    assert (mer.statut, nouvelle_mer.statut) == ("terminee", "finalisee")
    assert bloque_rupture(mer) is None
    with pytest.raises(DomainError, match="Seul un reconventionnement initié"):
        services.reconventionnement_valider(reconventionnement=reconv, by=op)


def test_phase_2_public_in_qpv_gets_the_bonus_and_annual_tranches():
    op = operateur()
    structure = StructureFactory(qpv=True)
    ancienne = _convention_finissant_bientot(structure, op)
    user = membre(structure)
    reconv = services.reconventionnement_initier(convention=ancienne, by=user, ds_numero="42", lignes=[])
    nouvelle = services.reconventionnement_valider(reconventionnement=reconv, by=op)
    assert nouvelle.bonus_applique and nouvelle.montant_total == Decimal("50000.00")
    services.convention_envoyer(convention=nouvelle, by=op)
    services.convention_signer(convention=nouvelle, by=op, date_signature=TODAY())
    amounts = list(nouvelle.tranches.order_by("numero").values_list("montant_prevu", flat=True))
    assert amounts == [Decimal("20000.00"), Decimal("17500.00"), Decimal("12500.00")]


def test_private_renewal_amounts():
    op = operateur()
    structure = StructureFactory(privee=True)
    ancienne = _convention_finissant_bientot(structure, op)
    reconv = services.reconventionnement_initier(
        convention=ancienne, by=membre(structure), ds_numero="9", lignes=[]
    )
    assert services.reconventionnement_valider(reconventionnement=reconv, by=op).montant_total == Decimal(
        "44000.00"
    )


def test_not_interested_and_renewal_window():
    op = operateur()
    structure = StructureFactory()
    user = membre(structure)
    early = convention_signee(structure, signed_on=TODAY() - timedelta(days=30), by=op)
    with pytest.raises(DomainError, match="six mois avant"):
        services.reconventionnement_initier(convention=early, by=user, ds_numero="1", lignes=[])
    with pytest.raises(DomainError, match="membre"):
        services.reconventionnement_non_interesse(
            convention=early, by=UserFactory(), motif="besoin_non_justifie"
        )
    services.reconventionnement_non_interesse(convention=early, by=user, motif="besoin_non_justifie")
    early.refresh_from_db()
    assert early.statut == ConventionStatut.NON_INTERESSE
    with pytest.raises(DomainError, match="déjà été prise"):
        services.reconventionnement_non_interesse(convention=early, by=user, motif="besoin_non_justifie")


def test_sum_of_tranches_equals_committed_for_every_shipped_bareme():
    op = operateur()
    for privee in (False, True):
        structure = StructureFactory(privee=privee, postes=3)
        convention = convention_signee(structure, signed_on=date(2024, 1, 31), by=op)
        assert (
            sum(Tranche.objects.filter(convention=convention).values_list("montant_prevu", flat=True))
            == convention.montant_total
        )
        assert Convention.objects.with_totaux().get(pk=convention.pk).total_engage == convention.montant_total


def test_natural_end_cancels_tranches_after_the_end_date():
    op = operateur()
    convention = convention_signee(signed_on=TODAY() - timedelta(days=45), by=op)
    with pytest.raises(DomainError, match="avant la fin prévue"):
        services.convention_terminer(
            convention=convention, by=op, date_fin=convention.date_fin, motif="Non renouvelée", anticipee=True
        )
    services.convention_terminer(
        convention=convention,
        by=op,
        date_fin=TODAY() + timedelta(days=200),
        motif="Non renouvelée",
        anticipee=False,
    )
    convention.refresh_from_db()
    assert convention.etat == ConventionEtat.TERMINEE
    assert list(convention.tranches.order_by("numero").values_list("statut", flat=True)) == [
        TrancheStatut.PREVUE,
        TrancheStatut.PREVUE,
        TrancheStatut.ANNULEE,
    ]
