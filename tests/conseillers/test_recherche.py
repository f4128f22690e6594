"""Candidate search: distance within each candidate's own maximum, overseas, filters, order."""

from datetime import date

import pytest
from django.urls import reverse

from conseillers.enums import MiseEnRelationStatut as S
from conseillers.selectors import Filtres, candidats_pour

from .factories import ConseillerFactory, StructureFactory, commune, membre, mise_en_relation

pytestmark = pytest.mark.django_db


def test_lyon_candidate_reaches_grenoble_only_with_100_km():
    grenoble = StructureFactory(a_grenoble=True)
    a20 = ConseillerFactory(distance_max=20)
    a100 = ConseillerFactory(distance_max=100)
    a2000 = ConseillerFactory(distance_max=2000)
    found = {c.pk: c.distance for c in candidats_pour(grenoble)}
    assert set(found) == {a100.pk, a2000.pk}
    assert 90 < found[a100.pk] < 100  # Lyon–Grenoble ≈ 95 km as the crow flies
    assert a20.pk not in found


def test_sorted_by_distance_and_own_distance_max():
    lyon = StructureFactory()
    villeurbanne = ConseillerFactory(commune=commune("69266"), code_postal="69100", distance_max=5)
    grenoblois = ConseillerFactory(a_grenoble=True, distance_max=100)
    sur_place = ConseillerFactory(distance_max=5)
    parisien = ConseillerFactory(a_paris=True, distance_max=100)  # 390 km: out of reach
    assert [c.pk for c in candidats_pour(lyon)] == [sur_place.pk, villeurbanne.pk, grenoblois.pk]
    assert parisien.pk not in [c.pk for c in candidats_pour(lyon)]


def test_overseas_candidates_stay_in_their_territory():
    reunionnais = ConseillerFactory(a_la_reunion=True)  # 2000 km
    metropole = ConseillerFactory(distance_max=2000)
    assert reunionnais not in candidats_pour(StructureFactory())
    assert metropole in candidats_pour(StructureFactory())
    reunion = StructureFactory(a_la_reunion=True)
    assert list(candidats_pour(reunion)) == [reunionnais]


def test_unavailable_recruited_and_pending_candidates_are_hidden():
    lyon = StructureFactory()
    ConseillerFactory(disponible=False)
    ConseillerFactory(recrute=True)
    pending = ConseillerFactory()
    mise_en_relation(StructureFactory(), pending, S.RECRUTEE)
    visible = ConseillerFactory()
    mise_en_relation(lyon, visible, S.INTERESSEE)
    found = list(candidats_pour(lyon))
    assert found == [visible] and found[0].statut_structure == S.INTERESSEE


def test_filters():
    lyon = StructureFactory()
    pix = ConseillerFactory(pix_niveau=3, pix_partage=True)
    ConseillerFactory(pix_niveau=3, pix_partage=False)  # not shared: not filterable
    diplome = ConseillerFactory(diplome_mediation=True, diplome_nom="REMN")
    ccp1 = ConseillerFactory(ccp1_obtenu=True)
    avec_cv = ConseillerFactory(cv="cv/x.pdf")
    tard = ConseillerFactory(date_disponibilite=date(2030, 1, 1))
    assert list(candidats_pour(lyon, Filtres(pix_niveau=2))) == [pix]
    assert list(candidats_pour(lyon, Filtres(diplome=True))) == [diplome]
    assert list(candidats_pour(lyon, Filtres(ccp1=True))) == [ccp1]
    assert list(candidats_pour(lyon, Filtres(avec_cv=True))) == [avec_cv]
    assert tard not in candidats_pour(lyon, Filtres(disponible_le=date(2026, 1, 1)))
    assert len(candidats_pour(lyon, Filtres(disponible_le=date(2026, 1, 1)))) == 5


def test_candidate_page_filters_and_paginates(client):
    lyon = StructureFactory()
    client.force_login(membre(lyon))
    ConseillerFactory.create_batch(3, ccp1_obtenu=True)
    ConseillerFactory.create_batch(2)
    url = reverse("conseillers:candidats", args=[lyon.pk])
    response = client.get(url, {"ccp1": "on"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    assert "3 candidat(s) disponible(s)" in response.content.decode()


def test_candidate_page_fixed_queries(client, django_assert_num_queries):
    lyon = StructureFactory()
    client.force_login(membre(lyon))
    url = reverse("conseillers:candidats", args=[lyon.pk])
    ConseillerFactory.create_batch(2)
    client.get(url)  # warm caches (session, site config)
    with django_assert_num_queries(15) as captured:  # 14 + the free posts' count
        response = client.get(url)
    assert response.context["page"].paginator.count == 2
    n = len(captured.captured_queries)
    ConseillerFactory.create_batch(25, cv="cv/x.pdf", ccp1_obtenu=True)
    with django_assert_num_queries(n):
        client.get(url)
