"""The structure's page shows who occupies each post, through the structures hook registered by
the conseillers app (structures never imports conseillers), in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from structures.enums import PosteEtat
from structures.hooks import occupants
from tests.conventions.factories import StructureFactory, conseiller_recrute, membre

pytestmark = pytest.mark.django_db


def _occuper(structure, n):
    recrutements = []
    for poste in list(structure.postes.order_by("pk"))[:n]:
        poste.etat = PosteEtat.OCCUPE
        poste.save()
        recrutements.append(conseiller_recrute(structure, poste))
    return recrutements


def test_structure_page_names_the_advisor_of_each_occupied_post(client):
    structure = StructureFactory(postes=2)
    (recrutement,) = _occuper(structure, 1)
    client.force_login(membre(structure))
    page = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    conseiller = recrutement.conseiller
    assert '<th scope="col">Conseiller</th>' in page
    assert f"{conseiller.prenom} {conseiller.nom}" in page
    assert occupants([recrutement.poste_id]) == {
        recrutement.poste_id: f"{conseiller.prenom} {conseiller.nom}"
    }


def test_a_post_freed_by_a_rupture_has_no_occupant():
    from conseillers.enums import MiseEnRelationStatut

    structure = StructureFactory(postes=1)
    (recrutement,) = _occuper(structure, 1)
    recrutement.statut = MiseEnRelationStatut.FINALISEE_RUPTURE
    recrutement.save()
    assert occupants([recrutement.poste_id]) == {}


def test_occupants_cost_one_query_whatever_the_number_of_posts(client):
    petite = StructureFactory(postes=1)
    _occuper(petite, 1)
    grande = StructureFactory(postes=6)
    _occuper(grande, 6)
    counts = []
    for structure in (petite, grande):
        client.force_login(membre(structure))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("structures:detail", args=[structure.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
