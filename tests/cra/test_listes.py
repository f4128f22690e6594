"""History, structure and coordinator lists: filters, totals, indicators, fixed query counts;
the La Coop export's cursor pagination; the admin changelists."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conseillers.enums import TypeConge
from conseillers.models import Conge
from cra.enums import Thematique, bits_of
from cra.importer import import_lines

from .factories import (
    CraFactory,
    StructureFactory,
    conseiller_en_poste,
    coordinateur,
    membre,
    operateur,
)
from .test_import import V1_FILE

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def advisor(client):
    conseiller = conseiller_en_poste(debut=date(2023, 1, 1))
    client.force_login(conseiller.user)
    return conseiller


def test_history_filters_and_totals(client, advisor):
    CraFactory(conseiller=advisor, date=TODAY - timedelta(days=2), duree=60)
    CraFactory(conseiller=advisor, date=TODAY - timedelta(days=40), collectif=True, duree=120,
               thematiques=bits_of(["sante", "email"], Thematique))  # fmt: skip
    CraFactory(conseiller=advisor, supprime=True)
    CraFactory(conseiller=conseiller_en_poste())
    response = client.get(reverse("cra:historique"))
    assert response.context["totaux"] == {"cras": 2, "participants": 13, "heures": 3.0}
    response = client.get(reverse("cra:historique"), {"thematique": "sante"})
    assert response.context["totaux"]["cras"] == 1
    response = client.get(
        reverse("cra:historique"), {"du": (TODAY - timedelta(days=10)).isoformat(), "type": "individuel"}
    )
    assert response.context["totaux"] == {"cras": 1, "participants": 1, "heures": 1.0}
    assert len(response.context["supprimes"]) == 1


def assert_fixed_queries(client, url, add_rows, django_assert_num_queries):
    """Measure with the rows present (≥ 2), add more, and require the same number of queries
    (the layout's menu, built by every app, is measured, not hard-coded)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    add_rows()
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200
    return first.captured_queries


def test_history_query_count_is_fixed(client, advisor, django_assert_num_queries):
    CraFactory.create_batch(2, conseiller=advisor)
    queries = assert_fixed_queries(
        client,
        reverse("cra:historique"),
        lambda: CraFactory.create_batch(25, conseiller=advisor, supprime=False),
        django_assert_num_queries,
    )
    assert len([q for q in queries if "cra_cra" in q["sql"]]) == 4  # count, page, totals, deleted


def test_structure_view_indicators(client):
    structure = StructureFactory()
    a = conseiller_en_poste(structure, debut=date(2023, 1, 1))
    b = conseiller_en_poste(structure, debut=date(2023, 1, 1))
    CraFactory(conseiller=a, date=TODAY - timedelta(days=3))
    Conge.objects.create(conseiller=b, structure=structure, type=TypeConge.MATERNITE, date_debut=TODAY - timedelta(days=5),
                         date_fin=TODAY + timedelta(days=60), declare_par=membre(structure))  # fmt: skip
    client.force_login(membre(structure))
    response = client.get(reverse("cra:structure", args=[structure.pk]))
    rows = {row["conseiller"]: row for row in response.context["indicateurs"]}
    assert rows[a]["dernier"] == TODAY - timedelta(days=3) and not rows[a]["conge"]
    assert rows[b]["dernier"] is None and rows[b]["conge"]
    html = response.content.decode()
    assert "En congé déclaré" in html and "il y a 3 jours" in html


def test_structure_view_query_count_is_fixed(client, django_assert_num_queries):
    structure = StructureFactory()
    advisors = [conseiller_en_poste(structure, debut=date(2023, 1, 1)) for _ in range(2)]
    CraFactory(conseiller=advisors[0])
    CraFactory(conseiller=advisors[1])
    client.force_login(membre(structure))

    def more():
        third = conseiller_en_poste(structure, debut=date(2023, 1, 1))
        for conseiller in [*advisors, third]:
            CraFactory.create_batch(5, conseiller=conseiller)

    assert_fixed_queries(
        client, reverse("cra:structure", args=[structure.pk]), more, django_assert_num_queries
    )


def test_coordination_view_query_count_is_fixed(client, django_assert_num_queries):
    advisors = [conseiller_en_poste(debut=date(2023, 1, 1)) for _ in range(2)]
    for conseiller in advisors:
        CraFactory(conseiller=conseiller)
    client.force_login(coordinateur(*advisors))
    assert client.get(reverse("cra:coordination")).context["totaux"]["cras"] == 2
    assert_fixed_queries(
        client, reverse("cra:coordination"),
        lambda: [CraFactory.create_batch(6, conseiller=c) for c in advisors], django_assert_num_queries,
    )  # fmt: skip


def test_export_is_cursor_paginated_la_coop_shape(client, advisor):
    cras = CraFactory.create_batch(3, conseiller=advisor)
    page = client.get(reverse("cra:export"), {"page_size": 2}).json()
    assert [r["id"] for r in page["data"]] == [f"conum-{c.pk}" for c in cras[:2]]
    attributes = page["data"][0]["attributes"]
    assert attributes["thematiques"] == ["email"] and attributes["materiel"] == ["ordinateur"]
    assert attributes["beneficiaires"]["tranches_age"]["non_communique"] == 1
    assert attributes["type_lieu"] == "lieu_activite" and attributes["duree"] == 30
    following = client.get(page["links"]["next"]).json()
    assert [r["id"] for r in following["data"]] == [f"conum-{cras[2].pk}"] and "next" not in following[
        "links"
    ]
    assert client.get(reverse("cra:export"), {"cursor": "x"}).status_code == 400


@pytest.mark.parametrize("model", ["cra", "importcra", "alerteinactivite"])
def test_admin_changelists_fixed_queries(client, django_assert_num_queries, model):
    from cra import services

    import_lines(V1_FILE, fmt="v1", dry_run=False)
    import_lines(V1_FILE, fmt="v1", dry_run=True)
    from cra.importer import import_file

    import_file(iter(V1_FILE), fmt="v1", dry_run=True, nom_fichier="a.jsonl")
    import_file(iter(V1_FILE), fmt="v1", dry_run=True, nom_fichier="b.jsonl")
    for _ in range(2):
        conseiller_en_poste(debut=TODAY - timedelta(days=60))
    services.detecter_inactivite()
    client.force_login(operateur())
    url = reverse(f"admin:cra_{model}_changelist")

    def more():
        import_lines([line.replace('"a', '"z') for line in V1_FILE], fmt="v1", dry_run=False)
        import_file(iter(V1_FILE), fmt="v1", dry_run=True, nom_fichier="c.jsonl")
        conseiller_en_poste(debut=TODAY - timedelta(days=60))
        services.detecter_inactivite()

    assert_fixed_queries(client, url, more, django_assert_num_queries)
    # add/change pages open
    from cra.models import AlerteInactivite, Cra, ImportCra

    obj = {"cra": Cra, "importcra": ImportCra, "alerteinactivite": AlerteInactivite}[model].objects.first()
    assert client.get(reverse(f"admin:cra_{model}_change", args=[obj.pk])).status_code == 200
