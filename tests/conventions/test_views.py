"""Structure space: list, detail with tranches and totals, PDF, uploads, renewal forms."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conventions.calculs import add_months
from conventions.enums import ConventionStatut, PieceStatut
from conventions.models import PieceJustificative

from .factories import PDF_BYTES, StructureFactory, conseiller_recrute, convention_signee, membre, operateur

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_contains_amounts_in_figures_and_words_and_siret(client):
    structure = StructureFactory(siret="21690123400017")
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=3))
    client.force_login(membre(structure))
    response = client.get(reverse("conventions:pdf", args=[convention.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(response.content).split())
    assert "21690123400017" in text
    assert convention.numero in text
    assert "50 000,00 €" in text  # grouped by thousands (the split above turns no-break spaces into spaces)
    assert "cinquante mille euros" in text
    assert "16 666,67 €" in text  # first tranche of the schedule
    assert structure.nom in text


def test_pdf_gives_each_year_amount_in_words(client):
    op = operateur()
    structure = StructureFactory(postes=2)
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=3), by=op)
    client.force_login(op)
    text = " ".join(_pdf_text(client.get(reverse("conventions:pdf", args=[convention.pk])).content).split())
    assert "(24 mois)" in text
    # Per post and per year: 25 000 € twice; for two posts: 50 000 € a year; total 100 000 €
    assert text.count("25 000,00 €") == 2 and text.count("vingt-cinq mille euros") == 2
    assert text.count("cinquante mille euros") == 3  # two years for two posts, and the amount per post
    assert "cent mille euros" in text


def test_detail_shows_tranches_totals_and_identifier(client):
    structure = StructureFactory()
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=3))
    client.force_login(membre(structure))
    response = client.get(reverse("conventions:detail", args=[convention.pk]))
    content = response.content.decode()
    assert content.count('<tr class="tranche">') == 3
    assert structure.identifiant in content
    assert "50\xa0000,00 €" in content  # committed


def test_upload_refuses_bad_type_and_keeps_input(client):
    structure = StructureFactory()
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=3))
    client.force_login(membre(structure))
    fake = SimpleUploadedFile("contrat.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("conventions:piece_deposer", args=[convention.pk]),
        {
            "type": "contrat_travail",
            "poste": structure.postes.get().pk,
            "valide_du": "2024-01-15",
            "fichier": fake,
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Le contenu du fichier n&#x27;est pas un" in content
    assert 'value="2024-01-15"' in content
    assert not PieceJustificative.objects.exists()
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        reverse("conventions:piece_deposer", args=[convention.pk]), {"type": "avis_sirene", "fichier": exe}
    )
    assert "Le contenu du fichier n&#x27;est pas un" in response.content.decode()


def test_upload_contract_requires_a_post(client):
    structure = StructureFactory()
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=3))
    client.force_login(membre(structure))
    pdf = SimpleUploadedFile("contrat.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("conventions:piece_deposer", args=[convention.pk]),
        {"type": "contrat_travail", "fichier": pdf},
    )
    assert response.status_code == 400
    assert "Indiquez le poste auquel se rapporte ce contrat de travail." in response.content.decode()


def test_upload_valid_document_is_pending_review(client, settings):
    structure = StructureFactory()
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=3))
    client.force_login(membre(structure))
    png = SimpleUploadedFile("sirene.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    response = client.post(
        reverse("conventions:piece_deposer", args=[convention.pk]), {"type": "avis_sirene", "fichier": png}
    )
    assert response.status_code == 302
    piece = PieceJustificative.objects.get()
    assert piece.statut == PieceStatut.DEPOSEE and piece.nom_fichier == "sirene.png"
    settings.UPLOAD_MAX_BYTES = 10
    big = SimpleUploadedFile("gros.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("conventions:piece_deposer", args=[convention.pk]), {"type": "avis_sirene", "fichier": big}
    )
    assert "dépasse la taille maximale" in response.content.decode()


def _ending_soon(structure):
    return convention_signee(structure, signed_on=add_months(TODAY(), -24) + timedelta(days=60))


def test_renewal_form_preselects_cdi_and_keeps_input_on_error(client):
    structure = StructureFactory(postes=2)
    cdi, cdd = structure.postes.order_by("pk")
    mer_cdi = conseiller_recrute(structure, cdi, type_contrat="CDI")
    mer_cdd = conseiller_recrute(structure, cdd, type_contrat="CDD", fin=TODAY() + timedelta(days=100))
    convention = _ending_soon(structure)
    client.force_login(membre(structure))
    url = reverse("conventions:reconventionnement", args=[convention.pk])
    content = client.get(url).content.decode()
    assert f'value="{mer_cdi.pk}"' in content and f'value="{mer_cdd.pk}"' in content
    cdi_input = content[
        content.index(f'value="{mer_cdi.pk}"') - 200 : content.index(f'value="{mer_cdi.pk}"') + 60
    ]
    assert "checked" in cdi_input
    # Each advisor's new contract is CDI by default
    assert content.count('<option value="CDI" selected>') == 2
    cdd_row = f"contrat_{mer_cdd.pk}"
    response = client.post(
        url,
        {
            "ds_numero": "789456",
            "conseillers": [mer_cdd.pk],
            f"{cdd_row}_type_contrat": "CDD",
            f"{cdd_row}_date_debut": "2030-01-01",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Un contrat autre qu&#x27;un CDI doit avoir une date de fin." in content
    assert 'value="789456"' in content
    assert 'value="2030-01-01"' in content and '<option value="CDD" selected>' in content
    assert response.context["form"].errors[f"{cdd_row}_date_fin"]
    response = client.post(
        url,
        {
            "identifiant": structure.identifiant.lower(),
            "ds_numero": "789456",
            "conseillers": [mer_cdi.pk],
            f"contrat_{mer_cdi.pk}_type_contrat": "CDI",
            f"contrat_{mer_cdi.pk}_date_debut": "2030-01-01",
        },
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.statut == ConventionStatut.RECONVENTIONNEMENT_INITIE
    assert convention.reconventionnement.lignes.get().mise_en_relation_id == mer_cdi.pk


def test_renewal_with_a_different_contract_for_each_advisor(client):
    structure = StructureFactory(postes=2)
    first, second = structure.postes.order_by("pk")
    mer_cdi = conseiller_recrute(structure, first, type_contrat="CDI")
    mer_cdd = conseiller_recrute(structure, second, type_contrat="CDD", fin=TODAY() + timedelta(days=100))
    convention = _ending_soon(structure)
    client.force_login(membre(structure))
    url = reverse("conventions:reconventionnement", args=[convention.pk])
    data = {
        "identifiant": structure.identifiant,
        "ds_numero": "123456",
        "conseillers": [mer_cdi.pk, mer_cdd.pk],
        f"contrat_{mer_cdi.pk}_type_contrat": "CDI",
        f"contrat_{mer_cdi.pk}_date_debut": "2030-01-01",
        f"contrat_{mer_cdi.pk}_date_fin": "2031-01-01",  # ignored for a CDI
        f"contrat_{mer_cdd.pk}_type_contrat": "CDD",
        f"contrat_{mer_cdd.pk}_date_debut": "2030-02-01",
        f"contrat_{mer_cdd.pk}_date_fin": "2030-01-15",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "La fin du contrat doit suivre son début." in response.content.decode()
    assert 'value="2030-01-15"' in response.content.decode()
    response = client.post(url, {**data, f"contrat_{mer_cdd.pk}_date_fin": "2031-07-31"})
    assert response.status_code == 302
    lignes = {
        ligne.mise_en_relation_id: (
            ligne.type_contrat,
            str(ligne.date_debut),
            ligne.date_fin and str(ligne.date_fin),
        )
        for ligne in convention.reconventionnement.lignes.all()
    }
    assert lignes == {
        mer_cdi.pk: ("CDI", "2030-01-01", None),
        mer_cdd.pk: ("CDD", "2030-02-01", "2031-07-31"),
    }


def test_renewal_refuses_a_wrong_structure_identifier(client):
    structure = StructureFactory()
    convention = _ending_soon(structure)
    client.force_login(membre(structure))
    response = client.post(
        reverse("conventions:reconventionnement", args=[convention.pk]),
        {"identifiant": "STR-999999", "ds_numero": "123456"},
    )
    assert response.status_code == 400
    assert "Cet identifiant ne correspond pas à votre structure." in response.content.decode()
    assert 'value="STR-999999"' in response.content.decode()
    convention.refresh_from_db()
    assert convention.statut == ConventionStatut.CONVENTIONNEMENT_VALIDE


def test_not_interested_needs_a_reason(client):
    structure = StructureFactory()
    convention = _ending_soon(structure)
    client.force_login(membre(structure))
    response = client.post(reverse("conventions:non_interesse", args=[convention.pk]), {"motif": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    convention.refresh_from_db()
    assert convention.statut == ConventionStatut.CONVENTIONNEMENT_VALIDE


def test_list_query_count_is_fixed(client, django_assert_num_queries):
    """The page's queries do not depend on the number of conventions (the layout's menu, built by
    every app, is measured once and kept fixed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    op = operateur()
    for _ in range(2):
        convention_signee(StructureFactory(), signed_on=TODAY() - timedelta(days=3), by=op)
    client.force_login(op)
    url = reverse("conventions:liste")
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for _ in range(3):
        convention_signee(StructureFactory(), signed_on=TODAY() - timedelta(days=3), by=op)
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('href="/conventions/') >= 5
    conventions_queries = [q for q in two.captured_queries if "conventions_" in q["sql"]]
    assert len(conventions_queries) == 2  # count + page, totals aggregated in the same query


def test_detail_query_count_does_not_grow_with_tranches(client, django_assert_num_queries):
    structure = StructureFactory(postes=1)
    user = membre(structure)
    small = convention_signee(structure, signed_on=TODAY() - timedelta(days=3))
    big_structure = StructureFactory(postes=4)
    Membre = type(user.membres_structures.first())
    Membre.objects.create(structure=big_structure, user=user)
    big = convention_signee(big_structure, signed_on=TODAY() - timedelta(days=3))
    client.force_login(user)
    client.get(reverse("conventions:detail", args=[small.pk]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_ctx:
        client.get(reverse("conventions:detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as big_ctx:
        client.get(reverse("conventions:detail", args=[big.pk]))
    assert len(big_ctx.captured_queries) == len(small_ctx.captured_queries)


def test_prefecture_reads_the_convention_but_not_its_documents(client):
    from .factories import prefecture

    structure = StructureFactory()
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=3))
    structure.pieces_justificatives.create(
        type="avis_sirene", fichier="x.pdf", nom_fichier="secret.pdf", deposee_par=membre(structure)
    )
    client.force_login(prefecture("69"))
    content = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert convention.numero in content
    assert "secret.pdf" not in content and "Pièces justificatives" not in content
    assert "Télécharger la convention (PDF)" not in content


def test_documents_can_be_sent_while_the_convention_is_a_draft(client):
    from conventions import services

    structure = StructureFactory()
    draft = services.convention_rediger(structure=structure, by=operateur())
    client.force_login(membre(structure))
    pdf = SimpleUploadedFile("identite.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("conventions:piece_deposer", args=[draft.pk]),
        {"type": "identite_responsable", "fichier": pdf},
    )
    assert response.status_code == 302
    assert structure.pieces_justificatives.get().convention == draft
