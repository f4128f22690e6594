"""The advisors' export gets training dates (formation) and the CRA count (cra) through the
export-column registry, computed in bulk: a fixed number of queries whatever the row count."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conseillers.models import Conseiller
from conseillers.resources import ConseillerResource, export_columns
from cra.models import Cra
from formation.models import FormationInitiale
from tests.cra.factories import CraFactory

from .factories import StructureFactory, en_poste, operateur

pytestmark = pytest.mark.django_db


def _advisor_with_activity(structure, *, cras=0, supprimes=0, formation=None):
    mer = en_poste(structure)
    conseiller = mer.conseiller
    for _ in range(cras):
        CraFactory(conseiller=conseiller, structure=structure)
    for _ in range(supprimes):
        CraFactory(conseiller=conseiller, structure=structure, supprime=True)
    if formation:
        FormationInitiale.objects.create(conseiller=conseiller, **formation)
    return conseiller


def test_registered_columns():
    names = {c.name: c.header for c in export_columns()}
    assert names["formation_date_positionnement"] == "test de positionnement"
    assert names["formation_date_entree"] == "entrée en formation"
    assert names["formation_date_sortie"] == "sortie de formation"
    assert names["cra_nombre"] == "nombre de CRA"


def test_export_contains_training_dates_and_cra_count():
    structure = StructureFactory()
    avec = _advisor_with_activity(
        structure,
        cras=3,
        supprimes=1,
        formation={
            "date_positionnement": date(2025, 1, 10),
            "date_entree": date(2025, 2, 3),
            "date_sortie": date(2025, 5, 30),
        },
    )
    # An older training path: the latest one (by entry date) is exported.
    FormationInitiale.objects.create(
        conseiller=avec, date_positionnement=date(2022, 1, 1), date_entree=date(2022, 2, 1)
    )
    sans = _advisor_with_activity(structure)
    dataset = ConseillerResource().export(Conseiller.objects.all())
    rows = {str(row["id"]): row for row in dataset.dict}
    assert rows[str(avec.pk)]["test de positionnement"] == "2025-01-10"
    assert rows[str(avec.pk)]["entrée en formation"] == "2025-02-03"
    assert rows[str(avec.pk)]["sortie de formation"] == "2025-05-30"
    assert str(rows[str(avec.pk)]["nombre de CRA"]) == "3"  # the deleted CRA is not counted
    assert str(rows[str(sans.pk)]["nombre de CRA"]) == "0"
    assert rows[str(sans.pk)]["entrée en formation"] in ("", None)


def test_fixed_query_count():
    structure = StructureFactory()
    _advisor_with_activity(structure, cras=1, formation={"date_entree": date(2025, 2, 3)})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            ConseillerResource().export(Conseiller.objects.all())
        return len(ctx.captured_queries)

    small = count()
    for _ in range(4):
        _advisor_with_activity(structure, cras=2, formation={"date_entree": date(2025, 3, 1)})
    assert count() == small
    assert Cra.objects.count() == 9


def test_admin_export_file_has_the_columns(client):
    client.force_login(operateur())
    conseiller = _advisor_with_activity(
        StructureFactory(), cras=2, formation={"date_positionnement": date(2025, 1, 10)}
    )
    response = client.post(
        reverse("admin:conseillers_conseiller_export"),
        {
            "format": "0",
            "resource": "0",
            **{
                f"conseillerresource_{f}": "on"
                for f in ["id", "nom", "formation_date_positionnement", "cra_nombre"]
            },
        },
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["id"] == str(conseiller.pk))
    assert row["test de positionnement"] == "2025-01-10"
    assert row["nombre de CRA"] == "2"
