"""Steering table per territory (statistiques/pilotage.py), figures computed by hand.

Today is 2026-06-30 (module year 2026). Territories: 69 Rhône and 38 Isère (région 84),
75 Paris (région 11).

| structure | dép. | posts                        | convention (tranches)                                     |
| --------- | ---- | ---------------------------- | --------------------------------------------------------- |
| s1        | 69   | 3: 1 occupied, 1 vacant, 1 returned | signed: planned 10,000.00; paid 5,000.50; cancelled 3,000 |
| s2        | 69   | 1 occupied                   | draft (not "under convention")                            |
| s3        | 75   | 2 vacant                     | signed: due 2,500.25; + an ended one: paid 1,000.00       |
| s4        | 38   | none                         | none                                                      |

| advisor | struct. | recruitment (from)           | last CRA                | module 2026            |
| ------- | ------- | ---------------------------- | ----------------------- | ---------------------- |
| a1      | s1      | finalisee (2023-01-01)       | 2026-06-20 (10 days)    | 1 attended: met        |
| a2      | s2      | nouvelle_rupture (2023)      | 2026-05-20 (41 days)    | 2025 only: not met     |
| a4      | s1      | finalisee (2026-06-10)       | none (20 days)          | first year 2026: 1 of 2 |
| a5      | s1      | finalisee (2023)             | none (years)            | 2 attended: met        |
| a6      | s1      | finalisee (2023)             | none, but on leave      | none                   |
| a7      | s3      | finalisee (2023)             | 2026-05-01 (60 days; a deleted one on 06-25) | confirmed only |
| a3      | s3      | recrutee (awaiting validation: not in post) | —        | —                      |
| a8      | s2      | terminee (ended 2025-12-31)  | —                       | —                      |
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conseillers.enums import MiseEnRelationStatut
from conseillers.models import Conge
from conventions.enums import ConventionEtat, ConventionStatut, TrancheStatut
from conventions.models import Bareme, Convention, Tranche
from formation.enums import StatutInscription
from formation.models import FormationInitiale, Inscription
from statistiques import pilotage
from structures.enums import PosteEtat
from tests.conventions.factories import (
    StructureFactory,
    UserFactory,
    departement,
    membre,
    operateur,
    prefecture,
)
from tests.cra.factories import CraFactory, conseiller, recruter
from tests.formation.factories import SessionFactory

TODAY = date(2026, 6, 30)
S = MiseEnRelationStatut


def _structure(dep: str, postes: int):
    dep_obj = departement(
        dep, {"69": "Rhône", "38": "Isère", "75": "Paris"}[dep], "11" if dep == "75" else "84"
    )
    return StructureFactory(departement=dep_obj, region=dep_obj.region, nombre_postes_accordes=postes)


def _convention(structure, etat, phase=1, by=None):
    return Convention.objects.create(
        numero=f"TEST-{structure.pk}-{etat}-{phase}", structure=structure, bareme=Bareme.objects.first(), etat=etat, phase=phase,
        statut=ConventionStatut.CONVENTIONNEMENT_VALIDE, date_debut=date(2024, 1, 1),
        date_fin=date(2026, 12, 31), nombre_postes=1, created_by=by or UserFactory(),
    )  # fmt: skip


def _tranche(convention, numero, statut, prevu, verse=None):
    return Tranche.objects.create(
        convention=convention, numero=numero, date_prevue=date(2024, 1, 1), periode_debut=date(2024, 1, 1),
        periode_fin=date(2025, 1, 1), montant_prevu=Decimal(prevu), statut=statut,
        montant_verse=Decimal(verse) if verse else None,
    )  # fmt: skip


def _advisor(structure, *, debut=date(2023, 1, 1), statut=S.FINALISEE, **kwargs):
    obj = conseiller()
    mer = recruter(obj, structure, debut=debut, statut=statut, **kwargs)
    mer.poste = None
    mer.save(update_fields=["poste"])
    return obj


def _suivie(conseiller_obj, annee, statut=StatutInscription.SUIVIE, module_nom=None):
    from tests.formation.factories import module

    session = SessionFactory(
        date_debut=date(annee, 3, 1), module=module(module_nom or f"Module {annee} {conseiller_obj.pk}")
    )
    return Inscription.objects.create(
        session=session,
        conseiller=conseiller_obj,
        annee=annee,
        statut=statut,
        demandee_par=conseiller_obj.user,
    )


@pytest.fixture
def monde(db):
    s1, s2, s3, s4 = _structure("69", 3), _structure("69", 1), _structure("75", 2), _structure("38", 0)
    postes = list(s1.postes.order_by("pk"))
    postes[0].etat = PosteEtat.OCCUPE
    postes[0].save()
    postes[2].etat, postes[2].rendu_le = PosteEtat.RENDU, date(2025, 1, 1)
    postes[2].save()
    s2.postes.update(etat=PosteEtat.OCCUPE)

    c1 = _convention(s1, ConventionEtat.SIGNEE)
    _tranche(c1, 1, TrancheStatut.PREVUE, "10000.00")
    _tranche(c1, 2, TrancheStatut.VERSEE, "5000.50", "5000.50")
    _tranche(c1, 3, TrancheStatut.ANNULEE, "3000.00")
    _convention(s2, ConventionEtat.BROUILLON)
    _tranche(_convention(s3, ConventionEtat.SIGNEE, phase=2), 1, TrancheStatut.DUE, "2500.25")
    _tranche(_convention(s3, ConventionEtat.TERMINEE), 1, TrancheStatut.VERSEE, "1000.00", "1000.00")

    a1 = _advisor(s1)
    a2 = _advisor(s2, statut=S.NOUVELLE_RUPTURE, rupture=date(2026, 12, 31))
    a4 = _advisor(s1, debut=date(2026, 6, 10))
    a5 = _advisor(s1)
    a6 = _advisor(s1)
    a7 = _advisor(s3)
    _advisor(s3, statut=S.RECRUTEE)  # a3
    _advisor(s2, statut=S.TERMINEE, fin=date(2025, 12, 31))  # a8
    Conge.objects.create(conseiller=a6, structure=s1, type="maladie", date_debut=date(2026, 6, 1),
                         date_fin=date(2026, 7, 31), declare_par=a6.user)  # fmt: skip

    CraFactory(conseiller=a1, date=date(2026, 6, 20))
    CraFactory(conseiller=a1, date=date(2026, 1, 5))
    CraFactory(conseiller=a2, date=date(2026, 5, 20))
    CraFactory(conseiller=a7, date=date(2026, 5, 1))
    CraFactory(conseiller=a7, date=date(2026, 6, 25), deleted_at=timezone.now())

    _suivie(a1, 2026)
    _suivie(a2, 2025)
    FormationInitiale.objects.create(conseiller=a4, date_entree=date(2026, 6, 15))
    _suivie(a4, 2026)
    _suivie(a5, 2026)
    _suivie(a5, 2026, module_nom="Second module a5")
    _suivie(a7, 2026, statut=StatutInscription.CONFIRMEE)
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4}


def _figures(ligne):
    return {name: getattr(ligne, name) for name, _label in pilotage.COLONNES}


RHONE = {
    "postes_accordes": 3, "postes_occupes": 2, "conseillers_recrutes": 5, "structures_conventionnees": 1,
    "subvention_engagee": Decimal("15000.50"), "subvention_versee": Decimal("5000.50"),
    "sans_cra_30": 2, "sans_cra_45": 1, "obligation_module": 2,
}  # fmt: skip
PARIS = {
    "postes_accordes": 2, "postes_occupes": 0, "conseillers_recrutes": 1, "structures_conventionnees": 1,
    "subvention_engagee": Decimal("3500.25"), "subvention_versee": Decimal("1000.00"),
    "sans_cra_30": 1, "sans_cra_45": 1, "obligation_module": 0,
}  # fmt: skip
ZEROS = {name: 0 for name, _label in pilotage.COLONNES}


def test_national_figures_by_departement_region_and_total(monde):
    table = pilotage.calculer(today=TODAY)
    assert table.national and table.annee == 2026
    assert _figures(table.ligne("69")) == RHONE
    assert _figures(table.ligne("75")) == PARIS
    assert _figures(table.ligne("38")) == ZEROS
    assert _figures(table.total) == {k: RHONE[k] + PARIS[k] for k in RHONE}
    assert table.total.subvention_engagee == Decimal("18500.75")
    # Every département of the referential has a row, grouped by région with a subtotal.
    regions = [ligne for ligne in table.lignes if ligne.niveau == "region"]
    ara = next(ligne for ligne in regions if ligne.code == "84")
    assert _figures(ara) == RHONE  # 69 + 38 + the région's other (empty) départements
    idf = next(ligne for ligne in regions if ligne.code == "11")
    assert _figures(idf) == PARIS
    position = {(ligne.niveau, ligne.code): i for i, ligne in enumerate(table.lignes)}
    assert position[("departement", "38")] < position[("departement", "69")] < position[("region", "84")]
    assert all(
        ligne.region_code == "84"
        for ligne in table.lignes[position[("region", "84")] - 2 : position[("region", "84")]]
    )


def test_departement_and_region_selection(monde):
    table = pilotage.calculer(departements={"69"}, today=TODAY)
    assert [ligne.code for ligne in table.lignes] == ["69"]  # one département: no subtotal
    assert _figures(table.total) == RHONE
    table = pilotage.calculer(region="11", today=TODAY)
    assert {ligne.code for ligne in table.departements} >= {"75"}
    assert _figures(table.total) == PARIS


def test_money_is_decimal_to_the_cent(monde):
    ligne = pilotage.calculer(departements={"75"}, today=TODAY).ligne("75")
    assert isinstance(ligne.subvention_engagee, Decimal)
    assert str(ligne.subvention_engagee) == "3500.25" and str(ligne.subvention_versee) == "1000.00"


def test_fixed_number_of_queries_whatever_the_number_of_departements(monde):
    with CaptureQueriesContext(connection) as one:
        pilotage.calculer(departements={"69"}, today=TODAY)
    with CaptureQueriesContext(connection) as many:
        pilotage.calculer(departements={"69", "75", "38"}, today=TODAY)
    with CaptureQueriesContext(connection) as national:
        pilotage.calculer(today=TODAY)
    assert len(one) == len(many) == len(national) <= 10


# --- The page ----------------------------------------------------------------------------


def test_operator_sees_every_territory_and_filters(client, monde):
    client.force_login(operateur())
    response = client.get(reverse("statistiques:pilotage"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "69 - Rhône" in body and "75 - Paris" in body and "Total Auvergne-Rhône-Alpes" in body
    assert "15\xa0000,50 €" in body  # French grouping (no-break space), comma decimals
    response = client.get(reverse("statistiques:pilotage"), {"departement": "75"})
    assert [ligne.code for ligne in response.context["pilotage"].lignes] == ["75"]


def test_prefecture_sees_only_its_departement(client, monde):
    client.force_login(prefecture("69"))
    response = client.get(reverse("statistiques:pilotage"))
    assert response.status_code == 200
    assert [ligne.code for ligne in response.context["pilotage"].lignes] == ["69"]
    assert "region" not in response.context["form"].fields
    # A forged département outside its own is ignored: still only 69.
    response = client.get(reverse("statistiques:pilotage"), {"departement": "75"})
    assert [ligne.code for ligne in response.context["pilotage"].lignes] == ["69"]
    assert "Paris" not in response.content.decode()


def test_others_are_refused(client, monde):
    url = reverse("statistiques:pilotage")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(membre(monde["s1"]))
    assert client.get(url).status_code == 403
    client.force_login(conseiller().user)
    assert client.get(url).status_code == 403


def test_page_queries_do_not_grow_with_territories(client, monde, django_assert_max_num_queries):
    client.force_login(prefecture("69"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("statistiques:pilotage"))
    client.force_login(operateur())
    with CaptureQueriesContext(connection) as national:
        client.get(reverse("statistiques:pilotage"))
    assert len(national) <= len(one) + 2  # the operator's form lists régions too


def test_csv_export_of_the_table(client, monde):
    client.force_login(prefecture("69"))
    response = client.get(reverse("statistiques:pilotage"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Région", "Département", "Postes accordés"]
    assert rows[1][:2] == ["Auvergne-Rhône-Alpes", "69 - Rhône"]
    assert rows[1][2:8] == ["3", "2", "5", "1", "15000,50", "5000,50"]
    today = pilotage.calculer(departements={"69"}).ligne("69")  # the page computes for today
    assert rows[1][8:] == [str(today.sans_cra_30), str(today.sans_cra_45), str(today.obligation_module)]
    assert rows[-1][0] == "Total" and len(rows) == 3


def test_xlsx_export_of_the_table(client, monde):
    from openpyxl import load_workbook

    client.force_login(operateur())
    response = client.get(reverse("statistiques:pilotage"), {"departement": "69", "format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[1][1] == "69 - Rhône"
    assert rows[1][2:8] == (3, 2, 5, 1, 15000.5, 5000.5)
