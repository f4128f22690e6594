"""Back office: bulk actions through services with confirmation, changelist query counts, exports, import."""

import html
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from formation import services
from formation.enums import StatutInscription, StatutValidation
from formation.models import Certification, Dispense, FormationInitiale, Inscription

from .factories import SessionFactory, conseiller_eligible, operateur, pdf

pytestmark = pytest.mark.django_db


def _inscriptions(n=2):
    session = SessionFactory(date_debut=date(2030, 12, 15))
    result = []
    for _ in range(n):
        conseiller = conseiller_eligible()
        result.append(services.inscrire(session=session, conseiller=conseiller, acteur=conseiller.user))
    return result


def test_eligibility_queue_bulk_validation_with_confirmation(client):
    client.force_login(operateur())
    inscriptions = _inscriptions()
    url = reverse("admin:formation_inscription_changelist")
    data = {"action": "valider_eligibilite", "_selected_action": [i.pk for i in inscriptions]}
    page = client.post(url, data)
    assert (
        page.status_code == 200 and "Valider l&#x27;éligibilité de ces inscriptions" in page.content.decode()
    )
    assert Inscription.objects.filter(statut=StatutInscription.DEMANDEE).count() == 2
    client.post(url, {**data, "confirm": "1"})
    assert Inscription.objects.filter(statut=StatutInscription.ELIGIBLE).count() == 2
    queue = client.get(url, {"a_traiter": "eligibilite"})
    assert queue.context["cl"].result_count == 0


def test_bulk_refusal_requires_a_reason(client):
    client.force_login(operateur())
    [inscription] = _inscriptions(1)
    url = reverse("admin:formation_inscription_changelist")
    data = {"action": "refuser_eligibilite", "_selected_action": [inscription.pk], "confirm": "1"}
    response = client.post(url, data, follow=True)
    assert "Indiquez le motif du refus." in response.content.decode()
    client.post(url, {**data, "motif": "Dossier incomplet"})
    inscription.refresh_from_db()
    assert (inscription.statut, inscription.motif_refus) == (StatutInscription.REFUSEE, "Dossier incomplet")


def test_dispensation_validation_action(client):
    op = operateur()
    client.force_login(op)
    dispense = Dispense.objects.create(
        conseiller=conseiller_eligible(), motif="titre_catic", justificatif=pdf()
    )
    client.post(
        reverse("admin:formation_dispense_changelist"),
        {"action": "valider", "_selected_action": [dispense.pk], "confirm": "1"},
    )
    dispense.refresh_from_db()
    assert dispense.statut == StatutValidation.VALIDEE and dispense.validee_par == op


def _structures_formation():
    from formation.models import StructureFormation
    from structures.models import Structure

    for structure in Structure.objects.filter(formation__isnull=True):
        StructureFormation.objects.create(structure=structure)


@pytest.mark.parametrize(
    "name",
    [
        "inscription", "session", "suiviformation", "dispense", "formationinitiale", "certification",
        "organismeformation", "modulethematique", "structureformation",
    ],
)  # fmt: skip
def test_changelist_query_count_does_not_grow(client, django_assert_max_num_queries, name):
    client.force_login(operateur())
    _inscriptions(2)
    for conseiller in [i.conseiller for i in Inscription.objects.all()]:
        Dispense.objects.create(conseiller=conseiller, motif="titre_catic")
    _structures_formation()
    url = reverse(f"admin:formation_{name}_changelist")
    client.get(url)  # warm caches (content types, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    _inscriptions(3)
    _structures_formation()
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert client.get(url).status_code == 200


def test_exports_per_advisor_and_per_session(client):
    client.force_login(operateur())
    inscription = _inscriptions(1)[0]
    from formation.models import SuiviFormation
    from formation.resources import InscriptionResource, SuiviFormationResource

    dataset = SuiviFormationResource().export(SuiviFormation.objects.filter(pk=inscription.conseiller_id))
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["parcours"] == 70 and row["CCP1"] == "Convoqué" and row["obligation de l'année"]
    dataset = InscriptionResource().export(Inscription.objects.all())
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["statut"] == "Éligibilité à valider" and row["courriel"] == inscription.conseiller.user.email


def test_import_dry_run_then_all_or_nothing(client):
    client.force_login(operateur())
    conseiller = conseiller_eligible(entree=None, convoque=False)
    url = reverse("admin:formation_formationinitiale_import")
    bon = (
        "conseiller,parcours,organisme,date_positionnement,date_entree,date_sortie,ccp1,pix\n"
        f"{conseiller.user.email},280,La Fabrik,2021-01-10,01/02/2021,2021-05-01,reussi,echec\n"
    )
    mauvais = bon + "inconnu@example.fr,99,Nulle part,2021-13-01,,,peut-etre,\n"
    response = client.post(url, {"fichier": SimpleUploadedFile("r.csv", mauvais.encode())})
    content = response.content.decode()
    assert "Ligne 3 : conseiller « inconnu@example.fr » introuvable" in content
    assert "Ligne 3 : parcours « 99 » inconnu" in content
    assert "rien n'a été enregistré" in content
    assert not FormationInitiale.objects.exists()
    response = client.post(url, {"fichier": SimpleUploadedFile("r.csv", bon.encode())})
    assert "1 ligne(s) prête(s)" in response.content.decode()
    assert not FormationInitiale.objects.exists()  # dry run
    client.post(url, {"contenu": bon, "confirmer": "1"})
    formation = FormationInitiale.objects.get(conseiller=conseiller)
    assert (formation.parcours, formation.date_entree) == (280, date(2021, 2, 1))
    assert Certification.objects.get(conseiller=conseiller, type="ccp1").statut == "reussi"
    assert Certification.objects.get(conseiller=conseiller, type="pix").statut == "echec"


@pytest.mark.parametrize(
    ("action", "service", "kwargs", "titre"),
    [
        ("valider_eligibilite", "valider_eligibilite", {}, "Valider l'éligibilité de ces inscriptions ?"),
        ("refuser_eligibilite", "refuser_eligibilite", {"motif": "Hors délai"}, "Refuser ces inscriptions ?"),
        ("confirmer", "confirmer_inscription", {}, "Confirmer ces places ?"),
        ("noter_presents", "enregistrer_presence", {"present": True}, "Noter ces conseillers présents ?"),
        ("noter_absents", "enregistrer_presence", {"present": False}, "Noter ces conseillers absents ?"),
        ("absence_justifiee", "examiner_absence", {"justifiee": True}, "Accepter ces justificatifs ?"),
        (
            "absence_manquement",
            "examiner_absence",
            {"justifiee": False},
            "Constater un manquement pour ces absences ?",
        ),
    ],
)
def test_every_bulk_action_asks_first_then_calls_its_service(
    client, monkeypatch, action, service, kwargs, titre
):
    """Each registration action shows its confirmation page, then calls its own service on every
    selected registration with its own arguments (the service's rules are tested in test_services)."""
    agent = operateur()
    client.force_login(agent)
    inscriptions = _inscriptions()
    calls = []
    monkeypatch.setattr(services, service, lambda **received: calls.append(received))
    url = reverse("admin:formation_inscription_changelist")
    data = {"action": action, "_selected_action": [i.pk for i in inscriptions]}
    page = client.post(url, data)
    assert page.status_code == 200 and titre in html.unescape(page.content.decode()) and calls == []
    response = client.post(url, {**data, "confirm": "1", "motif": "Hors délai"}, follow=True)
    assert response.status_code == 200
    assert sorted(call.pop("inscription").pk for call in calls) == sorted(i.pk for i in inscriptions)
    assert calls == [{"acteur": agent, **kwargs}] * len(inscriptions)
    assert "(s)" in " ".join(str(m) for m in response.context["messages"])
