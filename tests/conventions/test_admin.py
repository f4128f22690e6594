"""Back office: workflow views and actions call the services, exports, filters, fixed query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conventions import services
from conventions.calculs import add_months
from conventions.enums import ConventionEtat, PieceStatut, TrancheStatut
from conventions.models import Convention, PieceJustificative, Reconventionnement, Tranche

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


@pytest.fixture
def op(client):
    user = operateur()
    client.force_login(user)
    return user


def _convention_due(op):
    structure = StructureFactory()
    poste = structure.postes.get()
    contrat_accepte(structure, poste)
    conseiller_recrute(structure, poste, debut=TODAY() - timedelta(days=900))
    return convention_signee(structure, signed_on=TODAY() - timedelta(days=40), by=op)


def test_draft_send_sign_through_admin_views(client, op):
    structure = StructureFactory()
    url = reverse("admin:conventions_convention_rediger")
    assert client.get(url).status_code == 200
    response = client.post(url, {"structure": structure.pk, "date_debut": ""})
    convention = Convention.objects.get(structure=structure)
    assert response.status_code == 302
    assert convention.history.latest().history_user == op
    confirm = client.get(reverse("admin:conventions_convention_envoyer", args=[convention.pk]))
    assert confirm.status_code == 200 and "Envoyer" in confirm.content.decode()
    client.post(reverse("admin:conventions_convention_envoyer", args=[convention.pk]))
    response = client.post(
        reverse("admin:conventions_convention_signer", args=[convention.pk]),
        {"date": (TODAY() + timedelta(days=2)).isoformat()},
    )
    assert "La date de signature ne peut pas être dans le futur." in [
        m.message for m in response.context["messages"]
    ]
    client.post(
        reverse("admin:conventions_convention_signer", args=[convention.pk]), {"date": TODAY().isoformat()}
    )
    convention.refresh_from_db()
    assert convention.etat == ConventionEtat.SIGNEE
    assert convention.tranches.count() == 3


def test_draft_view_refuses_non_validated_structures(client, op):
    structure = StructureFactory(statut="CREEE")
    response = client.post(reverse("admin:conventions_convention_rediger"), {"structure": structure.pk})
    assert response.status_code == 200
    assert not Convention.objects.exists()


def test_bulk_payment_action_with_confirmation(client, op):
    first, second = _convention_due(op), _convention_due(op)
    ids = list(Tranche.objects.a_verser().values_list("pk", flat=True))
    assert len(ids) == 2
    url = reverse("admin:conventions_tranche_changelist")
    page = client.post(url, {"action": "enregistrer_versement", "_selected_action": ids})
    assert page.status_code == 200 and "Confirmer le versement" in page.content.decode()
    assert Tranche.objects.filter(statut=TrancheStatut.VERSEE).count() == 0
    client.post(
        url,
        {
            "action": "enregistrer_versement",
            "_selected_action": ids,
            "confirm": "1",
            "date": TODAY().isoformat(),
        },
    )
    paid = Tranche.objects.filter(statut=TrancheStatut.VERSEE)
    assert paid.count() == 2
    assert all(t.history.latest().history_user == op for t in paid)
    assert first.totaux()["verse"] == second.totaux()["verse"] == paid.first().montant


def test_payment_action_records_a_partial_amount(client, op):
    first, second = _convention_due(op), _convention_due(op)
    tranche = first.tranches.get(numero=1)
    url = reverse("admin:conventions_tranche_changelist")
    form = {"action": "enregistrer_versement", "confirm": "1", "date": TODAY().isoformat()}
    page = client.post(url, {**form, "_selected_action": [tranche.pk], "montant": "0"})
    assert "Le montant versé doit être supérieur à zéro." in page.content.decode()
    page = client.post(url, {**form, "_selected_action": [tranche.pk], "montant": "-3"})
    assert "Le montant versé doit être supérieur à zéro." in page.content.decode()
    both = [tranche.pk, second.tranches.get(numero=1).pk]
    page = client.post(url, {**form, "_selected_action": both, "montant": "100"})
    assert "Un montant ne peut être saisi que pour une seule tranche" in page.content.decode()
    response = client.post(url, {**form, "_selected_action": [tranche.pk], "montant": "99999"}, follow=True)
    messages_ = [m.message for m in response.context["messages"]]
    assert any("au plus égal au montant dû (16\xa0666,67 €)" in m for m in messages_), messages_
    assert not Tranche.objects.filter(statut=TrancheStatut.VERSEE).exists()
    client.post(url, {**form, "_selected_action": [tranche.pk], "montant": "12000,00"})
    tranche.refresh_from_db()
    assert tranche.statut == TrancheStatut.VERSEE and str(tranche.montant_verse) == "12000.00"
    assert tranche.history.latest().history_user == op
    totaux = first.totaux()
    assert totaux["verse"] == tranche.montant_verse
    assert totaux["restant"] == totaux["engage"] - tranche.montant_verse
    # Without an amount, each selected tranche is paid its amount due
    other = second.tranches.get(numero=1)
    client.post(url, {**form, "_selected_action": [other.pk], "montant": ""})
    other.refresh_from_db()
    assert other.statut == TrancheStatut.VERSEE and other.montant_verse == other.montant


def test_tranche_change_page_shows_computation_line_by_line(client, op):
    convention = _convention_due(op)
    tranche = convention.tranches.get(numero=2)
    content = client.get(reverse("admin:conventions_tranche_change", args=[tranche.pk])).content.decode()
    assert "mois pourvu" in content


def test_refuse_piece_and_validate_renewal_actions(client, op):
    structure = StructureFactory()
    user = membre(structure)
    piece = PieceJustificative.objects.create(
        structure=structure, type="avis_sirene", fichier="x.pdf", nom_fichier="x.pdf", deposee_par=user
    )
    url = reverse("admin:conventions_piecejustificative_changelist")
    client.post(
        url, {"action": "refuser", "_selected_action": [piece.pk], "confirm": "1", "motif": "Illisible"}
    )
    piece.refresh_from_db()
    assert piece.statut == PieceStatut.REFUSEE and piece.motif_refus == "Illisible"
    convention = convention_signee(structure, signed_on=add_months(TODAY(), -24) + timedelta(days=60), by=op)
    reconv = services.reconventionnement_initier(convention=convention, by=user, ds_numero="55", lignes=[])
    url = reverse("admin:conventions_reconventionnement_changelist")
    page = client.post(url, {"action": "valider", "_selected_action": [reconv.pk]})
    assert "Confirmer la validation" in page.content.decode()
    client.post(url, {"action": "valider", "_selected_action": [reconv.pk], "confirm": "1"})
    reconv.refresh_from_db()
    assert reconv.statut == "valide"
    assert Convention.objects.filter(precedente=convention, phase=2).exists()


def _messages(response):
    return [m.message for m in response.context["messages"]]


def test_accept_piece_action_records_history_and_refuses_a_second_check(client, op):
    structure = StructureFactory()
    piece = PieceJustificative.objects.create(
        structure=structure,
        type="avis_sirene",
        fichier="x.pdf",
        nom_fichier="x.pdf",
        deposee_par=membre(structure),
    )
    url = reverse("admin:conventions_piecejustificative_changelist")
    response = client.post(url, {"action": "accepter", "_selected_action": [piece.pk]}, follow=True)
    assert "Vérification enregistrée." in _messages(response)
    piece.refresh_from_db()
    assert piece.statut == PieceStatut.ACCEPTEE and piece.verifiee_par == op and piece.verifiee_le
    record = piece.history.latest()
    assert record.history_user == op
    assert (record.prev_record.statut, record.statut) == (PieceStatut.DEPOSEE, PieceStatut.ACCEPTEE)
    response = client.post(url, {"action": "accepter", "_selected_action": [piece.pk]}, follow=True)
    assert _messages(response) == ["Cette pièce a déjà été vérifiée."]
    response = client.post(
        url,
        {"action": "refuser", "_selected_action": [piece.pk], "confirm": "1", "motif": "Illisible"},
        follow=True,
    )
    assert "Cette pièce a déjà été vérifiée." in _messages(response)
    piece.refresh_from_db()
    assert piece.statut == PieceStatut.ACCEPTEE and piece.history.count() == 2


def _bareme_form(bareme, **changes):
    from django.forms.models import model_to_dict

    data = {key: "" if value is None else value for key, value in model_to_dict(bareme).items()}
    data = {key: ("on" if value is True else value) for key, value in data.items() if value is not False}
    data.update(changes)
    return data


def test_edit_a_bareme_in_the_admin_with_its_checks(client, op):
    from conventions.models import Bareme

    bareme = Bareme.objects.get(code="vague-1-publique")
    url = reverse("admin:conventions_bareme_change", args=[bareme.pk])
    assert client.get(url).status_code == 200
    for echeances in ("", " , ", "1,six"):
        response = client.post(url, _bareme_form(bareme, echeances_mois=echeances))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["echeances_mois"] == [
            "Indiquez au moins une échéance, en mois (ex. « 1,6,12 »)."
        ]
    response = client.post(url, _bareme_form(bareme, duree_mois="0"))
    assert response.context["adminform"].form.errors["duree_mois"] == [
        "Assurez-vous que cette valeur est supérieure ou égale à 1."
    ]
    bareme.refresh_from_db()
    assert (bareme.duree_mois, bareme.echeances_mois) == (24, "1,6,12")
    response = client.post(url, _bareme_form(bareme, montant_annee_1="26000.00", echeances_mois="1,12"))
    assert response.status_code == 302
    bareme.refresh_from_db()
    assert bareme.montant_annee_1 == 26000 and bareme.offsets() == [1, 12]
    assert bareme.history.latest().history_user == op
    # A one-tranche-per-year barème needs no months
    response = client.post(url, _bareme_form(bareme, regle_tranches="annuelle", echeances_mois=""))
    assert response.status_code == 302


def test_edit_the_ds_file_state_in_the_admin(client, op):
    convention = convention_signee(StructureFactory(), signed_on=TODAY(), by=op)
    url = reverse("admin:conventions_convention_change", args=[convention.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {"ds_numero": "4242", "ds_type": "structure_publique", "ds_etat": "en_instruction", "_save": "1"}
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, {**data, "ds_etat": "inconnu"})
    assert response.status_code == 200
    assert "ds_etat" in response.context["adminform"].form.errors
    response = client.post(url, data)
    assert response.status_code == 302
    convention.refresh_from_db()
    assert (convention.ds_numero, convention.ds_etat) == ("4242", "en_instruction")
    assert convention.etat == ConventionEtat.SIGNEE and convention.tranches.count() == 3
    record = convention.history.latest()
    assert record.history_user == op
    assert (record.prev_record.ds_etat, record.ds_etat) == ("", "en_instruction")


def test_convention_filters(client, op):
    from .factories import departement

    due = _convention_due(op)
    later = convention_signee(StructureFactory(), signed_on=TODAY(), by=op)
    paris = departement("75", "Paris", "11")
    draft = services.convention_rediger(
        structure=StructureFactory(departement=paris, region=paris.region, nom="Mairie de Paris"), by=op
    )
    url = reverse("admin:conventions_convention_changelist")

    def shown(**params):
        content = client.get(url, params).content.decode()
        return {c.numero for c in (due, later, draft) if c.numero in content}

    assert shown() == {due.numero, later.numero, draft.numero}
    assert shown(tranches_dues="oui") == {due.numero}
    # Status, région, département
    assert shown(statut__exact="CONVENTIONNEMENT_EN_COURS") == {draft.numero}
    assert shown(statut__exact="CONVENTIONNEMENT_VALIDÉ") == {due.numero, later.numero}
    assert shown(structure__region__code__exact="11") == {draft.numero}
    assert shown(structure__departement__code__exact="69") == {due.numero, later.numero}
    # Search by name, SIRET, number
    assert shown(q=due.structure.siret) == {due.numero}
    assert shown(q="Mairie de Paris") == {draft.numero}
    assert shown(q=later.numero) == {later.numero}
    # Ending before a date typed by the operator, or within a relative window
    assert shown(fin_avant=due.date_fin.isoformat()) == {due.numero}
    assert shown(fin_avant=(due.date_fin - timedelta(days=1)).isoformat()) == set()
    assert shown(fin_avant=later.date_fin.isoformat(), statut__exact="CONVENTIONNEMENT_VALIDÉ") == {
        due.numero,
        later.numero,
    }
    assert shown(fin_avant="30") == set()
    assert shown(fin_avant="pas-une-date") == {due.numero, later.numero, draft.numero}
    assert shown(fin_avant="²") == {due.numero, later.numero, draft.numero}  # a digit for isdigit()
    page = client.get(url, {"fin_avant": due.date_fin.isoformat(), "q": "Commune"}).content.decode()
    assert f'name="fin_avant" value="{due.date_fin.isoformat()}"' in page
    assert '<input type="hidden" name="q" value="Commune">' in page


def test_export_conventions_csv(client, op):
    convention = _convention_due(op)
    services.tranche_verser(tranche=convention.tranches.get(numero=1), by=op, date_versement=TODAY())
    response = client.post(
        reverse("admin:conventions_convention_export"),
        {"format": "0", "resource": "0", **{f"conventionresource_{f}": "on" for f in (
            "numero", "structure", "siret", "identifiant", "phase", "statut", "etat", "date_debut", "date_fin",
            "nombre_postes", "montant_total", "engage", "verse", "restant", "prochaine", "ds_numero")}},
    )  # fmt: skip
    text = response.content.decode()
    header, row = text.splitlines()[:2]
    assert "SIRET" in header and "reste à verser" in header and "prochaine tranche" in header
    assert convention.structure.siret in row and "50000.00" in row and "33333.33" in row


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "model",
    ["convention", "tranche", "piecejustificative", "reconventionnement", "bareme", "avenant", "avoir"],
)
def test_every_admin_page_opens_and_changelists_have_fixed_query_counts(
    client, op, model, django_assert_num_queries
):
    def build():
        convention = _convention_due(op)
        structure = convention.structure
        user = membre(structure)
        PieceJustificative.objects.create(
            structure=structure, type="avis_sirene", fichier="x.pdf", nom_fichier="x.pdf", deposee_par=user
        )
        services.tranche_verser(tranche=convention.tranches.get(numero=1), by=op, date_versement=TODAY())
        services.avoir_enregistrer(convention=convention, by=op, montant=1, motif="Trop perçu")
        Reconventionnement.objects.create(convention=convention, statut="initie", initie_par=user)
        structure.postes.create()
        services.convention_avenant_postes(convention=convention, by=op, date_effet=TODAY())

    build()
    build()
    url = reverse(f"admin:conventions_{model}_changelist")
    two = _count_queries(client, url)
    build()
    build()
    assert _count_queries(client, url) == two
    with django_assert_num_queries(two):
        client.get(url)
    Model = {"convention": Convention, "tranche": Tranche}.get(model)
    from django.apps import apps

    Model = apps.get_model("conventions", model)
    obj = Model.objects.first()
    assert client.get(reverse(f"admin:conventions_{model}_change", args=[obj.pk])).status_code == 200


def test_export_tranches_csv(client, op):
    convention = _convention_due(op)
    fields = (
        "convention", "structure", "siret", "phase", "debut", "fin", "poste", "numero", "date_prevue",
        "montant_prevu", "montant", "statut", "due_le", "date_versement", "montant_verse",
    )  # fmt: skip
    response = client.post(
        reverse("admin:conventions_tranche_export"),
        {"format": "0", "resource": "0", **{f"trancheresource_{f}": "on" for f in fields}},
    )
    lines = response.content.decode().splitlines()
    assert "SIRET" in lines[0] and "début convention" in lines[0]
    assert len(lines) == 4
    assert all(convention.numero in line and "16666.6" in line for line in lines[1:])


def test_hub_reads_conventions_of_its_region(client):
    from conumapp.enums import Role
    from conumapp.permissions import grant_role

    from .factories import UserFactory, region

    convention = convention_signee(signed_on=TODAY())
    hub = UserFactory()
    grant_role(hub, Role.HUB, region=region("84"))
    other_hub = UserFactory()
    grant_role(other_hub, Role.HUB, region=region("11", "Île-de-France"))
    assert list(Convention.objects.visible_to(hub)) == [convention]
    assert not Convention.objects.visible_to(other_hub).exists()


def test_filter_conventions_to_amend_after_posts_change(client, op):
    structure = StructureFactory(postes=2)
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=5), by=op)
    other = convention_signee(StructureFactory(), signed_on=TODAY() - timedelta(days=5), by=op)
    url = reverse("admin:conventions_convention_changelist")
    assert convention.numero not in client.get(url, {"postes": "a_regulariser"}).content.decode()
    poste = structure.postes.first()
    poste.etat = "rendu"
    poste.save()
    content = client.get(url, {"postes": "a_regulariser"}).content.decode()
    assert convention.numero in content and other.numero not in content
    services.convention_avenant_postes(convention=convention, by=op, date_effet=TODAY())
    assert convention.numero not in client.get(url, {"postes": "a_regulariser"}).content.decode()


def test_operator_sees_why_a_tranche_is_blocked(client, op):
    convention = convention_signee(signed_on=TODAY() - timedelta(days=40), by=op)
    tranche = convention.tranches.get(numero=1)
    assert tranche.statut == TrancheStatut.PREVUE
    content = client.get(reverse("admin:conventions_tranche_change", args=[tranche.pk])).content.decode()
    assert "Bloquée : Aucun contrat de travail validé pour le poste" in content
    listing = client.get(
        reverse("admin:conventions_tranche_changelist"), {"file": "bloquees"}
    ).content.decode()
    assert "Aucun contrat de travail validé" in listing
