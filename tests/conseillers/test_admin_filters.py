"""Back office lists of advisors, candidates and recruitments: what each filter and the search
return (status, département, région, structure, contract type, coordinator, rupture status)."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from conseillers import services
from conseillers.enums import ConseillerStatut, MotifRupture, Situation, TypeContrat
from conseillers.enums import MiseEnRelationStatut as S
from conseillers.models import Coordination
from conumapp.enums import Role
from conumapp.permissions import grant_role

from .factories import (
    ConseillerFactory,
    StructureFactory,
    UserFactory,
    commune,
    en_poste,
    mise_en_relation,
    operateur,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    """Lyon (69) and Grenoble (38) in Auvergne-Rhône-Alpes (84), Paris (75) in Île-de-France (11).

    - ``alpha``: in post at Lyon (CDD), coordinated by ``coord_1``;
    - ``beta``: Grenoble advisor in post at Grenoble (CDI), rupture notified, file incomplete;
    - ``gamma``: Paris advisor formerly at Lyon (rupture validated), coordinated by ``coord_2``;
    - candidates: ``lea`` (Lyon, available, diploma), ``marc`` (Paris, unavailable),
      ``zoe`` (Grenoble, available, in employment), preselected by the Paris structure.
    """
    op = operateur()
    client.force_login(op)
    lyon = StructureFactory(nom="Mairie de Lyon", siret="21690123400017", nombre_postes_accordes=2)
    grenoble = StructureFactory(nom="Mairie de Grenoble", a_grenoble=True)
    paris = StructureFactory(
        nom="Mairie de Paris", commune=commune("75056"), code_postal="75001", siret="21750001600019"
    )
    alpha = en_poste(lyon, ConseillerFactory(nom="Alpha", recrute=True))
    beta = en_poste(
        grenoble,
        ConseillerFactory(nom="Beta", recrute=True, a_grenoble=True),
        type_contrat=TypeContrat.CDI,
        date_fin=None,
    )
    services.rupture_notifier(
        mise_en_relation=beta, date_rupture=date(2025, 6, 30), motif=MotifRupture.DEMISSION, by=op
    )
    services.rupture_dossier_incomplet(mise_en_relation=beta, pieces_manquantes="Courrier", by=op)
    gamma = en_poste(lyon, ConseillerFactory(nom="Gamma", recrute=True, a_paris=True))
    services.rupture_notifier(
        mise_en_relation=gamma, date_rupture=date(2025, 5, 31), motif=MotifRupture.LICENCIEMENT, by=op
    )
    services.rupture_valider(mise_en_relation=gamma, by=op)
    coord_1, coord_2 = UserFactory(last_name="Coordo-Un"), UserFactory(last_name="Coordo-Deux")
    for coordinateur, mer in ((coord_1, alpha), (coord_2, gamma)):
        grant_role(coordinateur, Role.COORDINATEUR)
        Coordination.objects.create(coordinateur=coordinateur, conseiller=mer.conseiller)
    lea = ConseillerFactory(nom="Lea", diplome_mediation=True)
    marc = ConseillerFactory(nom="Marc", a_paris=True, disponible=False)
    zoe = ConseillerFactory(nom="Zoe", a_grenoble=True, situation=Situation.EN_EMPLOI)
    preselection = mise_en_relation(paris, zoe, S.INTERESSEE)
    return SimpleNamespace(
        lyon=lyon, grenoble=grenoble, paris=paris, alpha=alpha, beta=beta, gamma=gamma,
        coord_1=coord_1, coord_2=coord_2, lea=lea, marc=marc, zoe=zoe, preselection=preselection,
    )  # fmt: skip


def _id(value) -> str:
    """A stable test id: sets sorted (their order varies between xdist workers)."""
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(value)) + "}"
    return str(value)


def _noms(client, name, params):
    response = client.get(reverse(f"admin:conseillers_{name}_changelist"), params)
    assert response.status_code == 200, (name, params, response.get("Location"))
    return {
        str(obj.nom if hasattr(obj, "nom") else obj.conseiller.nom)
        for obj in response.context["cl"].result_list
    }


CONSEILLERS = [
    ({}, {"Alpha", "Beta", "Gamma"}),
    ({"statut__exact": ConseillerStatut.RECRUTE}, {"Alpha", "Beta"}),
    ({"statut__exact": ConseillerStatut.RUPTURE}, {"Gamma"}),
    ({"departement__code__exact": "38"}, {"Beta"}),
    ({"departement__region__code__exact": "11"}, {"Gamma"}),
    ({"departement__region__code__exact": "84"}, {"Alpha", "Beta"}),
    ({"mises_en_relation__type_contrat__exact": TypeContrat.CDI}, {"Beta"}),
    ({"mises_en_relation__type_contrat__exact": TypeContrat.CDD}, {"Alpha", "Gamma"}),
    ({"mises_en_relation__statut__exact": S.NOUVELLE_RUPTURE}, {"Beta"}),
    ({"mises_en_relation__statut__exact": S.FINALISEE_RUPTURE}, {"Gamma"}),
    ({"mises_en_relation__statut__exact": S.FINALISEE}, {"Alpha"}),
    ({"coordonne": "oui"}, {"Alpha", "Gamma"}),
    ({"coordonne": "non"}, {"Beta"}),
    ({"coordonne": "coord_1"}, {"Alpha"}),
    ({"coordonne": "coord_2"}, {"Gamma"}),
    ({"mises_en_relation__structure__id__exact": "lyon"}, {"Alpha", "Gamma"}),
    ({"mises_en_relation__structure__id__exact": "grenoble"}, {"Beta"}),
    ({"q": "alpha"}, {"Alpha"}),
    ({"q": "38000"}, {"Beta"}),
    ({"q": "Lea"}, set()),  # candidates are not in the advisors' list
]

CANDIDATS = [
    ({}, {"Lea", "Marc", "Zoe"}),
    ({"disponible__exact": "1"}, {"Lea", "Zoe"}),
    ({"disponible__exact": "0"}, {"Marc"}),
    ({"departement__code__exact": "38"}, {"Zoe"}),
    ({"departement__region__code__exact": "11"}, {"Marc"}),
    ({"situation__exact": Situation.EN_EMPLOI}, {"Zoe"}),
    ({"diplome_mediation__exact": "1"}, {"Lea"}),
    ({"q": "marc"}, {"Marc"}),
    ({"q": "75001"}, {"Marc"}),
    ({"q": "Alpha"}, set()),  # advisors are not in the candidates' list
]

RECRUTEMENTS = [
    ({}, {"Alpha", "Beta", "Gamma", "Zoe"}),
    ({"statut__exact": S.FINALISEE}, {"Alpha"}),
    ({"statut__exact": S.NOUVELLE_RUPTURE}, {"Beta"}),
    ({"statut__exact": S.FINALISEE_RUPTURE}, {"Gamma"}),
    ({"type_contrat__exact": TypeContrat.CDI}, {"Beta"}),
    ({"dossier_incomplet__exact": "1"}, {"Beta"}),
    ({"motif_rupture__exact": MotifRupture.LICENCIEMENT}, {"Gamma"}),
    ({"structure__departement__code__exact": "38"}, {"Beta"}),
    ({"structure__region__code__exact": "11"}, {"Zoe"}),
    ({"structure__id__exact": "lyon"}, {"Alpha", "Gamma"}),
    ({"coordonne": "coord_2"}, {"Gamma"}),
    ({"coordonne": "non"}, {"Beta", "Zoe"}),
    ({"q": "Mairie de Grenoble"}, {"Beta"}),
    ({"q": "21750001600019"}, {"Zoe"}),
    ({"q": "gamma"}, {"Gamma"}),
]


def _resolve(world, params):
    """Fixture names in the parameters ("lyon", "coord_1") become the rows' ids."""
    return {
        key: str(getattr(world, value).pk) if key != "q" and hasattr(world, str(value)) else value
        for key, value in params.items()
    }


@pytest.mark.parametrize(("params", "expected"), CONSEILLERS, ids=_id)
def test_advisors_list_filters_and_search(client, world, params, expected):
    assert _noms(client, "conseiller", _resolve(world, params)) == expected


@pytest.mark.parametrize(("params", "expected"), CANDIDATS, ids=_id)
def test_candidates_list_filters_and_search(client, world, params, expected):
    assert _noms(client, "candidat", _resolve(world, params)) == expected


@pytest.mark.parametrize(("params", "expected"), RECRUTEMENTS, ids=_id)
def test_recruitments_list_filters_and_search(client, world, params, expected):
    assert _noms(client, "miseenrelation", _resolve(world, params)) == expected


def test_coordinator_filter_offers_each_coordinator(client, world):
    response = client.get(reverse("admin:conseillers_conseiller_changelist"))
    content = response.content.decode()
    assert f"?coordonne={world.coord_1.pk}" in content and "Coordonné par Alex Coordo-Un" in content
    assert f"?coordonne={world.coord_2.pk}" in content
    # An unknown value is refused like any wrong filter parameter (Django's "?e=1"), not a 500.
    for unknown in ("x", "²", "١٢"):  # "²" and Arabic-Indic digits pass str.isdigit()
        response = client.get(reverse("admin:conseillers_conseiller_changelist"), {"coordonne": unknown})
        assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Lyonnais", "Grenoblois"}),
        ({"structure__departement__code__exact": "38"}, {"Grenoblois"}),
        ({"type_contrat__exact": TypeContrat.CDD}, {"Lyonnais"}),
        ({"q": "Mairie de Grenoble"}, {"Grenoblois"}),
    ],
    ids=_id,
)
def test_recruitments_queue_filters_and_search(client, params, expected):
    client.force_login(operateur())
    mise_en_relation(StructureFactory(nom="Mairie de Lyon"), ConseillerFactory(nom="Lyonnais"), S.RECRUTEE)
    mise_en_relation(
        StructureFactory(nom="Mairie de Grenoble", a_grenoble=True),
        ConseillerFactory(nom="Grenoblois", a_grenoble=True),
        S.RECRUTEE,
        type_contrat=TypeContrat.CDI,
        date_fin=None,
    )
    mise_en_relation(StructureFactory(), ConseillerFactory(nom="Preselectionne"), S.INTERESSEE)  # not queued
    assert _noms(client, "recrutementavalider", params) == expected
