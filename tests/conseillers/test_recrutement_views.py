"""Structure pages: pipeline, contract, extension, rupture, leave forms; lists; "Mon espace"."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conseillers import services
from conseillers.enums import MiseEnRelationStatut as S
from conseillers.models import Conge, MiseEnRelation, Prolongation

from .factories import (
    PDF_BYTES,
    ConseillerFactory,
    StructureFactory,
    en_poste,
    membre,
    mise_en_relation,
    operateur,
    prefecture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure():
    return StructureFactory(nombre_postes_accordes=2)


@pytest.fixture
def user(client, structure):
    user = membre(structure)
    client.force_login(user)
    return user


def test_preselect_then_declare_contract(client, structure, user):
    candidat = ConseillerFactory()
    response = client.post(reverse("conseillers:preselectionner", args=[structure.pk, candidat.pk]))
    mer = MiseEnRelation.objects.get(conseiller=candidat)
    assert response.url == reverse("conseillers:recrutement", args=[mer.pk]) and mer.statut == S.INTERESSEE
    page = client.get(response.url).content.decode()
    assert reverse("conseillers:contrat", args=[mer.pk]) in page
    response = client.post(
        reverse("conseillers:contrat", args=[mer.pk]),
        {"type_contrat": "CDD", "date_debut": "2025-03-01", "date_fin": "2026-02-28", "salaire_brut": "2000"},
    )
    assert response.status_code == 302
    mer.refresh_from_db()
    assert mer.statut == S.RECRUTEE and mer.date_fin == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date_fin": ""}, "La date de fin est obligatoire pour un contrat autre qu&#x27;un CDI"),
        ({"salaire_brut": "900"}, "au moins égal au SMIC"),
        ({"date_fin": "2024-01-01"}, "postérieure à la date de début"),
        ({"date_debut": "pas une date"}, "Saisissez une date valide"),
    ],
)
def test_contract_bad_input_rerenders(client, structure, user, data, message):
    mer = mise_en_relation(structure, ConseillerFactory())
    payload = {
        "type_contrat": "CDD",
        "date_debut": "2025-03-01",
        "date_fin": "2026-02-28",
        "salaire_brut": "2000",
    }
    response = client.post(reverse("conseillers:contrat", args=[mer.pk]), {**payload, **data})
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'value="CDD" selected' in content or 'value="CDD"selected' in content or "selected" in content
    mer.refresh_from_db()
    assert mer.statut == S.INTERESSEE


def test_contract_refused_by_service_shows_message(client, structure, user):
    structure.nombre_postes_accordes = 1
    structure.save()
    en_poste(structure)
    mer = mise_en_relation(structure, ConseillerFactory())
    response = client.post(
        reverse("conseillers:contrat", args=[mer.pk]),
        {"type_contrat": "CDI", "date_debut": "2025-03-01", "date_fin": "", "salaire_brut": "2000"},
    )
    assert response.status_code == 200
    assert "autant de recrutements que de postes accordés" in response.content.decode()


def test_cancel_with_confirmation(client, structure, user):
    mer = mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    url = reverse("conseillers:annuler", args=[mer.pk])
    assert "Confirmer l'annulation" in client.get(url).content.decode()
    client.post(url)
    mer.refresh_from_db()
    assert mer.statut == S.INTERESSEE


def test_extension_rupture_and_leave(client, structure, user):
    mer = en_poste(structure)
    client.post(
        reverse("conseillers:prolongation", args=[mer.pk]), {"date_fin": "2027-06-30", "salaire_brut": ""}
    )
    assert Prolongation.objects.get().date_fin == date(2027, 6, 30)
    response = client.post(
        reverse("conseillers:conge", args=[mer.pk]),
        {
            "type": "maternite",
            "date_debut": "2025-05-01",
            "date_fin": "2025-08-31",
            "justificatif": SimpleUploadedFile("certificat.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert Conge.objects.get().justificatif.name
    response = client.post(
        reverse("conseillers:conge", args=[mer.pk]),
        {
            "type": "maladie",
            "date_debut": "2025-08-01",
            "date_fin": "2025-09-30",
            "justificatif": SimpleUploadedFile("arret.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    assert "chevauche un congé déjà déclaré" in response.content.decode()
    response = client.post(
        reverse("conseillers:rupture", args=[mer.pk]), {"date_rupture": "2027-01-01", "motif": "demission"}
    )
    assert "antérieure ou égale à la fin du contrat" in response.content.decode()
    client.post(
        reverse("conseillers:rupture", args=[mer.pk]), {"date_rupture": "2025-10-31", "motif": "demission"}
    )
    mer.refresh_from_db()
    assert mer.statut == S.NOUVELLE_RUPTURE


def test_missing_documents_shown_on_the_structures_pages(client, structure, user):
    """Once the operator flags the rupture file incomplete, the structure sees the label and
    what is missing on the recruitment's page and in its list of recruitments."""
    mer = en_poste(structure)
    services.rupture_notifier(
        mise_en_relation=mer, date_rupture=date(2025, 6, 30), motif="demission", by=user
    )
    detail = client.get(reverse("conseillers:recrutement", args=[mer.pk])).content.decode()
    liste = client.get(reverse("conseillers:recrutements")).content.decode()
    assert "Pièces manquantes" not in detail and "Pièces manquantes" not in liste
    services.rupture_dossier_incomplet(
        mise_en_relation=mer, pieces_manquantes="Lettre de démission signée", by=operateur()
    )
    for url in (reverse("conseillers:recrutement", args=[mer.pk]), reverse("conseillers:recrutements")):
        page = client.get(url).content.decode()
        assert "Pièces manquantes" in page, url
        assert "Lettre de démission signée" in page, url


def test_no_candidates_when_every_post_is_filled(client, structure, user):
    """Two posts: one advisor in post, one recruitment awaiting validation (it takes its post)."""
    candidat = ConseillerFactory()
    url = reverse("conseillers:candidats", args=[structure.pk])
    assert client.get(url).context["page"].paginator.count == 1
    en_poste(structure)
    mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and response.context["page"].paginator.count == 0
    assert "Aucun poste libre" in page and "Tous les postes accordés à votre structure (2)" in page
    assert candidat.nom not in page
    detail = reverse("conseillers:candidat", args=[structure.pk, candidat.pk])
    assert client.get(detail).status_code == 404
    response = client.post(reverse("conseillers:preselectionner", args=[structure.pk, candidat.pk]))
    assert response.status_code == 404 and not MiseEnRelation.objects.filter(conseiller=candidat).exists()


def test_prefecture_reads_but_cannot_act(client, structure):
    mer = en_poste(structure)
    client.force_login(prefecture("69"))
    page = client.get(reverse("conseillers:recrutement", args=[mer.pk])).content.decode()
    assert reverse("conseillers:rupture", args=[mer.pk]) not in page
    assert (
        client.post(
            reverse("conseillers:rupture", args=[mer.pk]),
            {"date_rupture": "2025-10-31", "motif": "demission"},
        ).status_code
        == 404
    )


def test_recrutements_list_fixed_queries(client, structure, user, django_assert_num_queries):
    en_poste(structure)
    mise_en_relation(structure, ConseillerFactory())
    url = reverse("conseillers:recrutements")
    client.get(url)
    with django_assert_num_queries(14):
        response = client.get(url)
    assert response.context["page"].paginator.count == 2
    structure.nombre_postes_accordes = 30
    structure.save()
    for _ in range(5):
        mise_en_relation(structure, ConseillerFactory())
        en_poste(structure)
    with django_assert_num_queries(14):
        response = client.get(url, {"statut": "finalisee"})
    assert response.context["page"].paginator.count == 6


def test_mon_espace_shows_structure_contract_and_leave(client, structure):
    mer = en_poste(structure)
    mer.conseiller.conges.create(
        structure=structure,
        type="maladie",
        date_debut=date(2025, 1, 6),
        date_fin=date(2025, 2, 6),
        declare_par=mer.conseiller.user,
    )
    client.force_login(mer.conseiller.user)
    content = client.get(reverse("conseillers:mon_espace")).content.decode()
    assert structure.nom in content and "CDD" in content and "31/12/2026" in content
    assert "Arrêt maladie du 06/01/2025 au 06/02/2025" in content


def test_mon_espace_for_a_candidate(client):
    candidat = ConseillerFactory()
    client.force_login(candidat.user)
    content = client.get(reverse("conseillers:mon_espace")).content.decode()
    assert "Vous n'êtes pas en poste actuellement" in content
