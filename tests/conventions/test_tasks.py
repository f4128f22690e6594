"""Daily tasks: idempotent, catch up after downtime without duplicates; emails through the outbox."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from conumapp.models import OutboxEmail
from conventions import services, tasks
from conventions.calculs import add_months
from conventions.enums import TrancheStatut
from conventions.models import Tranche

from .factories import (
    StructureFactory,
    conseiller_recrute,
    contrat_accepte,
    convention_signee,
    membre,
    operateur,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _structure_with_contract():
    structure = StructureFactory()
    poste = structure.postes.get()
    contrat_accepte(structure, poste)
    conseiller_recrute(structure, poste, debut=TODAY() - timedelta(days=900))
    return structure


def test_daily_due_task_twice_same_day_changes_nothing_and_sends_one_digest():
    structure = _structure_with_contract()
    # Signed so that tranche 1 became due at signature and tranche 2 falls in the next days
    convention = convention_signee(structure, signed_on=add_months(TODAY(), -6) + timedelta(days=2))
    OutboxEmail.objects.all().delete()
    second = convention.tranches.get(numero=2)
    assert second.statut == TrancheStatut.PREVUE
    day = {"today": second.date_prevue.isoformat()}
    assert tasks.tranches_dues_quotidien.apply(kwargs=day).get() == 1
    second.refresh_from_db()
    assert second.statut == TrancheStatut.DUE
    digest = OutboxEmail.objects.get(template="conventions/emails/digest_tranches_dues")
    assert digest.to == [settings.OPERATORS_EMAIL]
    # Tranche 1, made due at signature and not reported yet, is in the digest with tranche 2
    assert "2 tranche(s) devenue(s) due(s)" in digest.subject
    assert convention.numero in digest.body and "16\xa0666,67 €" in digest.body
    snapshot = list(Tranche.objects.values_list("pk", "statut", "montant", "due_le"))
    assert tasks.tranches_dues_quotidien.apply(kwargs=day).get() == 0
    assert list(Tranche.objects.values_list("pk", "statut", "montant", "due_le")) == snapshot
    assert OutboxEmail.objects.filter(template="conventions/emails/digest_tranches_dues").count() == 1


def test_daily_due_task_catches_up_after_three_days_of_downtime():
    structure = _structure_with_contract()
    convention = convention_signee(structure, signed_on=add_months(TODAY(), -6) + timedelta(days=2))
    OutboxEmail.objects.all().delete()
    # The task did not run for 3 days after tranche 2's date; it runs again 3 days late
    later = convention.tranches.get(numero=2).date_prevue + timedelta(days=3)
    assert tasks.tranches_dues_quotidien.apply(kwargs={"today": later.isoformat()}).get() == 1
    assert tasks.tranches_dues_quotidien.apply(kwargs={"today": later.isoformat()}).get() == 0
    assert convention.tranches.filter(statut=TrancheStatut.DUE).count() == 2
    assert OutboxEmail.objects.filter(template="conventions/emails/digest_tranches_dues").count() == 1


def test_tranches_made_due_at_signature_after_the_digest_are_reported_once():
    op = operateur()
    digests = OutboxEmail.objects.filter(template="conventions/emails/digest_tranches_dues").order_by("pk")
    first = convention_signee(_structure_with_contract(), signed_on=TODAY() - timedelta(days=40), by=op)
    assert tasks.tranches_dues_quotidien.apply().get() == 0  # made due at signature, reported now
    assert digests.count() == 1 and first.numero in digests[0].body
    # Signed after today's digest went: its first tranche is due today, at signature
    second = convention_signee(_structure_with_contract(), signed_on=TODAY() - timedelta(days=40), by=op)
    due = second.tranches.get(numero=1)
    assert due.statut == TrancheStatut.DUE and due.signalee_le is None
    assert tasks.tranches_dues_quotidien.apply().get() == 0
    assert digests.count() == 2
    assert second.numero in digests[1].body and first.numero not in digests[1].body
    assert "1 tranche(s) devenue(s) due(s)" in digests[1].subject
    due.refresh_from_db()
    assert due.signalee_le == TODAY()
    # Later runs, the same day or after, report nothing again
    assert tasks.tranches_dues_quotidien.apply().get() == 0
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()
    tasks.tranches_dues_quotidien.apply(kwargs={"today": tomorrow}).get()
    assert digests.count() == 2


def test_renewal_reminders_once_per_threshold_even_after_downtime():
    structure = StructureFactory()
    user = membre(structure)
    convention = convention_signee(structure, signed_on=add_months(TODAY(), -20))
    end = convention.date_fin
    for days_left, expected in [
        (130, 0),
        (120, 1),
        (119, 0),
        (95, 0),
        (88, 1),
        (88, 0),
        (61, 0),
        (20, 1),
        (5, 0),
    ]:
        sent = services.rappels_reconventionnement(today=end - timedelta(days=days_left))
        assert sent == expected, days_left
    reminders = OutboxEmail.objects.filter(template="conventions/emails/rappel_reconventionnement").order_by(
        "pk"
    )
    # 120, then 90 (caught up at 88 days), 60 skipped by downtime (20 days left → 30)
    assert [e.key.rsplit(":", 1)[1] for e in reminders] == ["120", "90", "30"]
    first = reminders[0]
    assert first.to == [user.email]
    assert "se termine dans 120 jours" in first.subject
    assert (
        structure.identifiant in first.body
        and f"/conventions/{convention.pk}/reconventionnement/" in first.body
    )


def test_no_renewal_reminder_once_decided():
    structure = StructureFactory()
    user = membre(structure)
    convention = convention_signee(structure, signed_on=add_months(TODAY(), -22))
    services.reconventionnement_non_interesse(convention=convention, by=user, motif="besoin_non_justifie")
    assert services.rappels_reconventionnement(today=convention.date_fin - timedelta(days=30)) == 0


def test_proof_of_use_reminder_once_after_the_end():
    structure = StructureFactory()
    user = membre(structure)
    convention = convention_signee(structure, signed_on=add_months(TODAY(), -25))
    assert tasks.rappels_justificatif.apply().get() == 1
    assert tasks.rappels_justificatif.apply().get() == 0
    email = OutboxEmail.objects.get(template="conventions/emails/rappel_justificatif")
    assert email.to == [user.email]
    assert convention.numero in email.subject and "justificatif d'utilisation" in email.body


def test_emails_on_send_sign_payment_and_refused_piece(drain_outbox):
    op = operateur()
    structure = _structure_with_contract()
    user = membre(structure)
    convention = services.convention_rediger(structure=structure, by=op)
    services.convention_envoyer(convention=convention, by=op)
    sent = OutboxEmail.objects.get(template="conventions/emails/convention_envoyee")
    assert sent.to == [user.email] and convention.numero in sent.subject and "50\xa0000,00 €" in sent.body
    services.convention_signer(convention=convention, by=op, date_signature=TODAY() - timedelta(days=35))
    tranche = convention.tranches.get(numero=1)
    services.tranche_verser(tranche=tranche, by=op, date_versement=TODAY())
    paid = OutboxEmail.objects.get(template="conventions/emails/tranche_versee")
    assert paid.to == [user.email]
    assert f"Versement de la tranche 1 de la convention {convention.numero}" == paid.subject
    assert "16\xa0666,67 €" in paid.body
    delivered = [m for m in drain_outbox() if m.subject == paid.subject]
    assert len(delivered) == 1 and delivered[0].to == [user.email]
    piece = structure.pieces_justificatives.create(
        type="avis_sirene", fichier="x.pdf", nom_fichier="x.pdf", deposee_par=user
    )
    services.piece_refuser(piece=piece, by=op, motif="Document illisible")
    refused = OutboxEmail.objects.get(template="conventions/emails/piece_refusee")
    assert refused.to == [user.email] and "Document illisible" in refused.body


def test_periodic_tasks_are_declared():
    from conumapp.periodic import declared_tasks

    names = {spec["task"] for spec in declared_tasks().values()}
    assert {
        "conventions.tasks.tranches_dues_quotidien",
        "conventions.tasks.rappels_reconventionnement",
        "conventions.tasks.rappels_justificatif",
    } <= names
