"""Prefecture: list of its département's candidatures (filters, search), opinion, history."""

import pytest
from django.urls import reverse

from structures import services
from structures.enums import AvisPrefecture, DecisionType, DemandePosteType, MotifAjout
from structures.models import AvisPrefet

from .factories import StructureFactory, membre, operateur, prefecture

pytestmark = pytest.mark.django_db
LIST = "/structures/prefecture/"


def test_list_only_own_departement_with_filters(client):
    prefet = prefecture("69")
    a = StructureFactory(nom="Mairie de Villeurbanne")
    b = StructureFactory(nom="Association Lien", type="PRIVATE", validee=True)
    StructureFactory(nom="Mairie de Paris", paris=True)
    services.avis_prefet_donner(
        structure=a, by=prefet, avis=AvisPrefecture.POSITIF, commentaire="Très bon projet"
    )
    client.force_login(prefet)
    page = client.get(LIST).content.decode()
    assert "Villeurbanne" in page and "Association Lien" in page and "Paris" not in page
    assert "Villeurbanne" not in client.get(LIST, {"statut": "VALIDATION_COSELEC"}).content.decode()
    assert "Association Lien" not in client.get(LIST, {"type": "COMMUNE"}).content.decode()
    sans = client.get(LIST, {"avis": "sans"}).content.decode()
    assert "Association Lien" in sans and "Villeurbanne" not in sans
    assert "Villeurbanne" in client.get(LIST, {"avis": "avec"}).content.decode()
    assert "Villeurbanne" in client.get(LIST, {"q": a.siret}).content.decode()
    assert "Villeurbanne" not in client.get(LIST, {"q": "lien"}).content.decode()
    assert b


def test_list_query_count(client, django_assert_num_queries):
    prefet = prefecture("69")
    for _ in range(3):
        StructureFactory()
    client.force_login(prefet)
    client.get(LIST)
    with django_assert_num_queries(14):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 3
    for _ in range(3):
        StructureFactory()
    with django_assert_num_queries(14):
        client.get(LIST)


def test_give_opinion_through_the_form(client):
    structure = StructureFactory()
    client.force_login(prefecture("69"))
    url = reverse("structures:prefecture_detail", args=[structure.pk])
    response = client.post(
        url, {"cible": "candidature", "avis-avis": "POSITIF", "avis-commentaire": "Bon projet local"}
    )
    assert response.status_code == 302
    avis = AvisPrefet.objects.get()
    assert avis.avis == AvisPrefecture.POSITIF
    page = client.get(url).content.decode()
    assert "Favorable" in page and "Bon projet local" in page


def test_opinion_comment_too_short_kept(client):
    structure = StructureFactory()
    client.force_login(prefecture("69"))
    url = reverse("structures:prefecture_detail", args=[structure.pk])
    response = client.post(url, {"cible": "candidature", "avis-avis": "NÉGATIF", "avis-commentaire": "Trop"})
    assert response.status_code == 200
    assert "au moins 10 caractères" in response.content.decode().replace("\xa0", " ")
    assert "Trop</textarea>" in response.content.decode()
    assert not AvisPrefet.objects.exists()


def test_no_opinion_form_once_decided_and_history_visible(client):
    structure = StructureFactory()
    op = operateur()
    services.coselec_decider(structure=structure, by=op, numero=3, type=DecisionType.REFUS)
    client.force_login(prefecture("69"))
    url = reverse("structures:prefecture_detail", args=[structure.pk])
    page = client.get(url).content.decode()
    assert "Donner un avis sur la candidature" not in page
    assert "COSELEC 3" in page and "Refus" in page
    response = client.post(
        url, {"cible": "candidature", "avis-avis": "POSITIF", "avis-commentaire": "Bon projet local"}
    )
    assert "ne peut plus donner d&#x27;avis" in response.content.decode()


def test_opinion_on_post_request(client):
    structure = StructureFactory(validee=True)
    services.demande_creer(structure=structure, by=membre(structure), type=DemandePosteType.AJOUT, nombre=1,
                           motif=MotifAjout.RENFORCER)  # fmt: skip
    client.force_login(prefecture("69"))
    url = reverse("structures:prefecture_detail", args=[structure.pk])
    assert "Donner un avis sur la demande" in client.get(url).content.decode()
    client.post(
        url, {"cible": "demande", "demande-avis": "POSITIF", "demande-commentaire": "Besoin confirmé ici"}
    )
    assert AvisPrefet.objects.get().demande is not None
