"""Back office: queues with confirmed actions, exports, candidate import, fixed query counts."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conseillers import services
from conseillers.enums import MiseEnRelationStatut as S
from conseillers.enums import MotifRupture, ProlongationStatut
from conseillers.models import Conseiller, MiseEnRelation, Prolongation
from conumapp.enums import Role
from conumapp.permissions import has_role
from structures.enums import PosteEtat

from .factories import (
    ConseillerFactory,
    StructureFactory,
    commune,
    en_poste,
    mise_en_relation,
    operateur,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def op(client):
    user = operateur()
    client.force_login(user)
    return user


def test_recrutement_queue_confirm_then_validate(client, op):
    structure = StructureFactory()
    mer = mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    mise_en_relation(StructureFactory(), ConseillerFactory(), S.INTERESSEE)  # not in the queue
    url = reverse("admin:conseillers_recrutementavalider_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    response = client.post(url, {"action": "valider", "_selected_action": [mer.pk]})
    assert response.status_code == 200 and "Confirmer la validation" in response.content.decode()
    mer.refresh_from_db()
    assert mer.statut == S.RECRUTEE  # nothing before confirmation
    response = client.post(
        url, {"action": "valider", "_selected_action": [mer.pk], "confirm": "1"}, follow=True
    )
    mer.refresh_from_db()
    assert mer.statut == S.FINALISEE and has_role(mer.conseiller.user, Role.CONSEILLER)
    assert "Recrutement validé" in response.content.decode()


def test_recrutement_queue_shows_refusal(client, op):
    structure = StructureFactory(nombre_postes_accordes=1)
    en_poste(structure)
    mer = mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    url = reverse("admin:conseillers_recrutementavalider_changelist")
    response = client.post(
        url, {"action": "valider", "_selected_action": [mer.pk], "confirm": "1"}, follow=True
    )
    assert "quota de la structure est atteint" in response.content.decode()


def test_recrutement_queue_confirm_then_cancel(client, op):
    mer = mise_en_relation(StructureFactory(), ConseillerFactory(), S.RECRUTEE)
    url = reverse("admin:conseillers_recrutementavalider_changelist")
    response = client.post(url, {"action": "annuler", "_selected_action": [mer.pk]})
    assert response.status_code == 200 and "Confirmer l&#x27;annulation" in response.content.decode()
    mer.refresh_from_db()
    assert mer.statut == S.RECRUTEE  # nothing before confirmation
    response = client.post(
        url, {"action": "annuler", "_selected_action": [mer.pk], "confirm": "1"}, follow=True
    )
    mer.refresh_from_db()
    assert mer.statut == S.INTERESSEE
    assert (mer.type_contrat, mer.date_debut, mer.date_fin, mer.salaire_brut) == ("", None, None, None)
    last = mer.history.order_by("-history_date", "-history_id").first()
    assert last.statut == S.INTERESSEE and last.history_user == op
    assert f"Recrutement annulé : {mer.conseiller}." in response.content.decode()
    assert response.context["cl"].result_count == 0  # left the queue


def test_recrutement_queue_quota_counts_a_pending_renewal_once(client, op):
    structure = StructureFactory(nombre_postes_accordes=2)
    ancienne = en_poste(structure)
    mise_en_relation(
        structure, ancienne.conseiller, S.RENOUVELLEMENT_INITIEE, poste=ancienne.poste, renouvelle=ancienne
    )
    mer = mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    response = client.get(reverse("admin:conseillers_recrutementavalider_changelist"))
    (row,) = response.context["cl"].result_list
    assert row.pk == mer.pk and response.context["cl"].model_admin.quota(row) == "1 / 2"


def test_rupture_queue_missing_documents_then_validate(client, op):
    structure = StructureFactory()
    mer = en_poste(structure)
    MiseEnRelation.objects.filter(pk=mer.pk).update(
        statut=S.NOUVELLE_RUPTURE, date_rupture=date(2025, 6, 30), motif_rupture=MotifRupture.DEMISSION
    )
    url = reverse("admin:conseillers_ruptureatraiter_changelist")
    response = client.post(url, {"action": "pieces_manquantes", "_selected_action": [mer.pk], "confirm": "1"})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    client.post(
        url,
        {
            "action": "pieces_manquantes",
            "_selected_action": [mer.pk],
            "confirm": "1",
            "pieces_manquantes": "Courrier",
        },
    )
    mer.refresh_from_db()
    assert mer.dossier_incomplet and mer.pieces_manquantes == "Courrier"
    client.post(url, {"action": "valider", "_selected_action": [mer.pk], "confirm": "1"})
    mer.refresh_from_db()
    assert mer.statut == S.FINALISEE_RUPTURE
    assert mer.poste.etat == PosteEtat.VACANT


def test_prolongation_queue(client, op):
    mer = en_poste(StructureFactory())
    prolongation = Prolongation.objects.create(
        mise_en_relation=mer, date_fin=date(2027, 12, 31), demandee_par=op
    )
    url = reverse("admin:conseillers_prolongationavalider_changelist")
    client.post(url, {"action": "valider", "_selected_action": [prolongation.pk], "confirm": "1"})
    prolongation.refresh_from_db()
    mer.refresh_from_db()
    assert prolongation.statut == ProlongationStatut.VALIDEE and mer.date_fin == date(2027, 12, 31)


def test_exports(client, op):
    structure = StructureFactory(siret="21690123400017")
    mer = en_poste(structure)
    MiseEnRelation.objects.filter(pk=mer.pk).update(
        statut=S.NOUVELLE_RUPTURE, date_rupture=date(2025, 6, 30), motif_rupture=MotifRupture.DEMISSION,
        commentaire_rupture="Départ",
    )  # fmt: skip
    response = client.post(
        reverse("admin:conseillers_conseiller_export"),
        {
            "format": "0",
            "resource": "0",
            **{
                f"conseillerresource_{f}": "on"
                for f in ["prenom", "nom", "siret", "type_contrat", "date_debut"]
            },
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "21690123400017" in content and "CDD" in content and mer.conseiller.nom in content
    response = client.post(
        reverse("admin:conseillers_ruptureatraiter_export"),
        {
            "format": "0",
            "resource": "0",
            **{
                f"ruptureresource_{f}": "on"
                for f in ["conseiller", "date_rupture", "motif_rupture", "commentaire_rupture", "valide_par"]
            },
        },
    )
    assert response.status_code == 200
    assert "2025-06-30" in response.content.decode() and "Départ" in response.content.decode()

    # Once validated, the rupture leaves the queue; the ruptures export of all recruitments
    # (second resource of the "Mises en relation" list) says who validated it.
    services.rupture_valider(mise_en_relation=mer, by=op)
    response = client.post(
        reverse("admin:conseillers_miseenrelation_export"),
        {
            "format": "0",
            "resource": "1",
            **{
                f"ruptureresource_{f}": "on"
                for f in ["conseiller", "date_rupture", "statut", "valide_par", "rupture_validated_at"]
            },
        },
    )
    assert response.status_code == 200
    header, *rows = response.content.decode().splitlines()
    assert "validée par" in header
    assert len(rows) == 1 and "2025-06-30" in rows[0] and op.email in rows[0]


CSV_OK = (
    "email,prenom,nom,telephone,code_postal,disponible,date_disponibilite,distance_max,situation,diplome_mediation,diplome_nom,legacy_id\n"
    "lea@example.fr,Léa,Durand,,69001,1,2026-01-01,40,demandeur_emploi,0,,L1\n"
    "marc@example.fr,Marc,Petit,,38000,1,,20,en_emploi,1,REMN,L2\n"
)


def test_candidate_import_dry_run_then_confirm(client, op):
    commune("69123"), commune("38185")
    url = reverse("admin:conseillers_candidat_import")
    response = client.post(
        url, {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("c.csv", CSV_OK.encode())}
    )
    assert response.status_code == 200
    assert not Conseiller.objects.exists()  # dry run
    confirm = response.context["confirm_form"]
    client.post(reverse("admin:conseillers_candidat_process_import"), {**confirm.initial, "resource": "0"})
    assert set(Conseiller.objects.values_list("user__email", flat=True)) == {
        "lea@example.fr",
        "marc@example.fr",
    }
    lea = Conseiller.objects.get(user__email="lea@example.fr")
    assert lea.departement_id == "69" and lea.latitude is not None and has_role(lea.user, Role.CANDIDAT)
    assert not lea.user.has_usable_password()


def test_candidate_import_reads_a_french_spreadsheet_csv(client, op):
    """Excel in French saves CSV with ';' and a byte-order mark; commas stay inside values."""
    commune("69123"), commune("38185")
    french = "\ufeff" + CSV_OK.replace(",", ";").replace("REMN", "REMN, niveau 2")
    response = client.post(
        reverse("admin:conseillers_candidat_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("c.csv", french.encode("utf-8"))},
    )
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    client.post(reverse("admin:conseillers_candidat_process_import"), {**confirm.initial, "resource": "0"})
    marc = Conseiller.objects.get(user__email="marc@example.fr")
    assert (marc.prenom, marc.diplome_nom) == ("Marc", "REMN, niveau 2")
    assert Conseiller.objects.count() == 2


def test_candidate_import_all_or_nothing_with_row_errors(client, op):
    commune("69123")
    bad = CSV_OK.replace("38000", "00000").replace("marc@example.fr", "pas-un-email")
    bad += "zoe@example.fr,Zoé,Roux,,69001,1,,40,demandeur_emploi,0,,L3\n"
    response = client.post(
        reverse("admin:conseillers_candidat_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("c.csv", bad.encode())},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    invalid_rows = [row.number for row in result.invalid_rows]
    assert invalid_rows == [2]
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Conseiller.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "conseiller",
        "candidat",
        "miseenrelation",
        "recrutementavalider",
        "ruptureatraiter",
        "prolongationavalider",
        "prolongation",
        "conge",
        "coordination",
    ],
)
def test_changelists_fixed_queries(client, op, name, django_assert_num_queries):
    def rows():
        structure = StructureFactory(nombre_postes_accordes=2)
        a, b = en_poste(structure), en_poste(structure)
        for mer in (a, b):
            Prolongation.objects.create(mise_en_relation=mer, date_fin=date(2028, 1, 1), demandee_par=op)
            mer.conseiller.conges.create(
                structure=structure,
                type="maladie",
                date_debut=date(2025, 1, 1),
                date_fin=date(2025, 1, 2),
                declare_par=op,
            )
            mer.conseiller.coordinations.create(coordinateur=op)
        ConseillerFactory()
        mise_en_relation(StructureFactory(), ConseillerFactory(), S.RECRUTEE)
        MiseEnRelation.objects.filter(pk=b.pk).update(statut=S.NOUVELLE_RUPTURE)

    url = reverse(f"admin:conseillers_{name}_changelist")
    rows()
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    rows()
    with CaptureQueriesContext(connection) as second:
        response = client.get(url)
    assert response.status_code == 200
    assert len(second) == len(first), [q["sql"] for q in second.captured_queries]
    with django_assert_num_queries(len(first)):
        client.get(url)
