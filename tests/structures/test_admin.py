"""Back office: decisions as confirmed actions, bulk committee, posts transfer, requests, import/export."""

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from structures import services
from structures.enums import (
    AvisPrefecture,
    DemandePosteStatut,
    DemandePosteType,
    MotifAjout,
    PosteEtat,
    StructureStatut,
)
from structures.models import DecisionCoselec, Structure, TransfertPoste
from structures.resources import StructureExportResource, StructureImportResource

from .factories import StructureFactory, membre, operateur, prefecture, valid_siret

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/structures/structure/"


@pytest.fixture
def op_client(client):
    client.force_login(operateur())
    return client


def test_changelist_query_count_filters_and_search(op_client, django_assert_num_queries):
    a = StructureFactory(nom="Mairie Alpha", validee=True)
    StructureFactory(nom="Mairie Beta")
    op_client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as first:
        response = op_client.get(CHANGELIST)
    assert response.status_code == 200
    for _ in range(3):
        StructureFactory()
    with django_assert_num_queries(len(first.captured_queries)):  # fixed, whatever the row count
        op_client.get(CHANGELIST)
    services.coselec_decider(structure=StructureFactory(nom="Mairie Gamma"), by=operateur(), numero=77,
                             type="REFUS_COSELEC")  # fmt: skip
    assert "Mairie Gamma" in op_client.get(CHANGELIST, {"q": "77"}).content.decode()
    assert "Mairie Alpha" in op_client.get(CHANGELIST, {"q": a.siret}).content.decode()
    page = op_client.get(CHANGELIST, {"statut__exact": "VALIDATION_COSELEC"}).content.decode()
    assert "Mairie Alpha" in page and "Mairie Beta" not in page
    assert op_client.get(CHANGELIST, {"demande_en_cours": "oui"}).status_code == 200


def test_decision_action_confirms_then_validates(op_client, mailoutbox, django_capture_on_commit_callbacks):
    structure = StructureFactory(nom="Mairie de Bron")
    member = membre(structure)
    prefet = prefecture("69")
    confirm = op_client.post(CHANGELIST, {"action": "decider", "_selected_action": [structure.pk]})
    assert confirm.status_code == 200
    assert "Confirmer la décision" in confirm.content.decode()
    structure.refresh_from_db()
    assert structure.statut == StructureStatut.CREEE
    with django_capture_on_commit_callbacks(execute=True):
        response = op_client.post(
            CHANGELIST,
            {"action": "decider", "_selected_action": [structure.pk], "confirm": "1", "numero": "42",
             "type": "VALIDATION_COSELEC", "nombre_postes": "2", "statut_si_zero": "ABANDON", "avis": "Favorable"},
        )  # fmt: skip
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.statut == StructureStatut.VALIDATION_COSELEC
    assert structure.postes.vacants().count() == 2
    decision = DecisionCoselec.objects.get()
    assert decision.coselec.numero == 42
    to_member = next(m for m in mailoutbox if m.to == [member.email])
    assert "Décision du comité de sélection pour « Mairie de Bron »" == to_member.subject
    assert "COSELEC 42" in to_member.body and "Postes accordés : 2" in to_member.body
    to_prefet = next(m for m in mailoutbox if m.to == [prefet.email])
    assert to_prefet.subject.startswith("[Préfecture]")
    assert f"/structures/prefecture/{structure.pk}/" in to_prefet.body


def test_bulk_decision_action(op_client):
    structures = [StructureFactory() for _ in range(3)]
    op_client.post(
        CHANGELIST,
        {"action": "decider", "_selected_action": [s.pk for s in structures], "confirm": "1", "numero": "5",
         "type": "EXAMEN_COMPLEMENTAIRE_COSELEC", "nombre_postes": "", "statut_si_zero": "ABANDON", "avis": ""},
    )  # fmt: skip
    assert set(Structure.objects.values_list("statut", flat=True)) == {
        StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC
    }
    assert DecisionCoselec.objects.filter(coselec__numero=5).count() == 3


def test_decision_action_shows_domain_error(op_client):
    structure = StructureFactory(validee=True, postes=[PosteEtat.OCCUPE, PosteEtat.OCCUPE])
    response = op_client.post(
        CHANGELIST,
        {"action": "decider", "_selected_action": [structure.pk], "confirm": "1", "numero": "9",
         "type": "VALIDATION_COSELEC", "nombre_postes": "1", "statut_si_zero": "ABANDON", "avis": ""},
        follow=True,
    )  # fmt: skip
    assert "déjà recrutés (2)" in response.content.decode()
    structure.refresh_from_db()
    assert structure.nombre_postes_accordes == 2


def test_mark_duplicate_action(op_client):
    structure = StructureFactory()
    op_client.post(
        CHANGELIST, {"action": "marquer_doublon", "_selected_action": [structure.pk], "confirm": "1"}
    )
    structure.refresh_from_db()
    assert structure.statut == StructureStatut.DOUBLON


def test_transfer_action(op_client):
    depuis, vers = StructureFactory(validee=True), StructureFactory(validee=True)
    poste = depuis.postes.first()
    url = "/admin/structures/poste/"
    assert (
        "Confirmer le transfert"
        in op_client.post(url, {"action": "transferer", "_selected_action": [poste.pk]}).content.decode()
    )
    op_client.post(url, {"action": "transferer", "_selected_action": [poste.pk], "confirm": "1", "vers": vers.pk,
                         "motif": ""})  # fmt: skip
    poste.refresh_from_db()
    assert poste.structure == vers
    assert TransfertPoste.objects.get().depuis == depuis


def test_request_queue_accept_action(op_client):
    structure = StructureFactory(validee=True)
    demande = services.demande_creer(structure=structure, by=membre(structure), type=DemandePosteType.AJOUT,
                                     nombre=1, motif=MotifAjout.RENFORCER)  # fmt: skip
    services.demande_avis_prefet(demande=demande, by=prefecture(), avis=AvisPrefecture.POSITIF,
                                 commentaire="Besoin confirmé ici")  # fmt: skip
    url = "/admin/structures/demandeposte/"
    assert op_client.get(url).status_code == 200
    op_client.post(url, {"action": "accepter", "_selected_action": [demande.pk], "confirm": "1", "numero": "12",
                         "commentaire": "OK"})  # fmt: skip
    demande.refresh_from_db()
    assert demande.statut == DemandePosteStatut.VALIDEE
    assert structure.postes.vacants().count() == 3


def test_request_queue_accept_refuses_an_out_of_range_coselec_number(op_client):
    """A number too large for the database is a French form error on the confirmation page, not a
    500, and nothing is decided."""
    structure = StructureFactory(validee=True)
    demande = services.demande_creer(structure=structure, by=membre(structure), type=DemandePosteType.AJOUT,
                                     nombre=1, motif=MotifAjout.RENFORCER)  # fmt: skip
    services.demande_avis_prefet(demande=demande, by=prefecture(), avis=AvisPrefecture.POSITIF,
                                 commentaire="Besoin confirmé ici")  # fmt: skip
    response = op_client.post("/admin/structures/demandeposte/", {
        "action": "accepter", "_selected_action": [demande.pk], "confirm": "1", "numero": str(10**30),
        "commentaire": "OK"})  # fmt: skip
    assert response.status_code == 200
    assert "inférieure ou égale à 2147483647" in response.content.decode()
    demande.refresh_from_db()
    assert demande.statut != DemandePosteStatut.VALIDEE


def _dataset(rows):
    headers = ["siret", "nom", "type", "adresse", "code_postal", "departement", "contact_prenom", "contact_nom",
               "contact_email", "nombre_conseillers_souhaites"]  # fmt: skip
    return tablib.Dataset(*rows, headers=headers)


def _row(siret, dep="69", nom="Mairie importée", type_="COMMUNE"):
    return [siret, nom, type_, "1 rue Haute", "69001", dep, "Léa", "Martin", "lea@mairie.fr", 1]


def test_import_all_or_nothing_with_line_numbers():
    dataset = _dataset([
        _row(valid_siret(900)),
        _row("12345678901234"),
        _row(valid_siret(901), dep="999"),
        _row(valid_siret(902), nom=""),
    ])  # fmt: skip
    result = StructureImportResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    row_errors = dict(result.row_errors())  # the SIRET is also the row's identifier
    assert set(errors) | set(row_errors) == {2, 3, 4}
    assert "SIRET invalide" in str(row_errors[2][0].error)
    assert "Département inconnu" in " ".join(errors[3]["departement"])
    assert "nom" in errors[4]
    assert not Structure.objects.exists()


def test_import_valid_file_creates_structures_as_new():
    result = StructureImportResource().import_data(_dataset([_row(valid_siret(903)), _row(valid_siret(904))]))
    assert not result.has_errors() and not result.has_validation_errors()
    assert Structure.objects.count() == 2
    assert set(Structure.objects.values_list("statut", "region_id")) == {(StructureStatut.CREEE, "84")}


def test_admin_import_and_export_pages(op_client):
    assert op_client.get("/admin/structures/structure/import/").status_code == 200
    assert op_client.get("/admin/structures/structure/export/").status_code == 200


def test_export_columns():
    structure = StructureFactory(validee=True, postes=[PosteEtat.OCCUPE, PosteEtat.VACANT], qpv=True)
    services.coselec_decider(structure=structure, by=operateur(), numero=31, type="VALIDATION_COSELEC",
                             nombre_postes=2)  # fmt: skip
    dataset = StructureExportResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    for column in ["SIRET", "ID", "dénomination", "type", "statut", "département", "région", "date du dernier coselec",
                   "numéro du dernier coselec", "postes accordés", "postes occupés", "ZRR", "QPV", "France Services",
                   "grand réseau", "courriel du contact"]:  # fmt: skip
        assert column in row
    assert row["SIRET"] == structure.siret and row["ID"] == structure.identifiant
    assert str(row["numéro du dernier coselec"]) == "31"
    assert str(row["postes occupés"]) == "1" and row["QPV"] == "oui" and row["statut"] == "Validée"
