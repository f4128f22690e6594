"""Open data: the places of activity in the national standard "lieux de médiation numérique"
(LaMednum/standard-mediation-num): header order, required fields, value lists, ``|``
separators, ISO dates, numeric coordinates; only validated structures are published."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from statistiques import opendata
from structures import services
from structures.enums import StructureStatut
from tests.structures.factories import StructureFactory, operateur
from tests.structures.lieux_factories import commune, lieu

pytestmark = pytest.mark.django_db

# The schema's fields, in its order (schema.json of the standard), and its value lists.
SCHEMA = [
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse", "latitude",
    "longitude", "typologie", "telephone", "courriels", "site_web", "horaires", "presentation_resume",
    "presentation_detail", "source", "itinerance", "structure_parente", "date_maj", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels", "modalites_acces",
    "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
]  # fmt: skip
REQUIS = ["id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj", "services"]
SERVICES = {
    "Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique", "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique", "Loisirs et créations numériques",
    "Compréhension du monde numérique", "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
}  # fmt: skip
ITINERANCE = {"Itinérant", "Fixe"}
FRAIS = {"Gratuit", "Gratuit sous condition", "Payant"}
DISPOSITIFS = {
    "Aidants Connect", "Bibliothèques numérique de référence", "Certification PIX", "Conseillers numériques",
    "Emmaüs Connect", "France Services", "Grande école du numérique", "La Croix Rouge",
    "Point d'accès numérique CAF", "Promeneurs du net", "Relais numérique (Emmaüs Connect)",
}  # fmt: skip
# data.inclusion's typology codes (the vocabulary the standard points to), those Conum uses.
TYPOLOGIES = {"MUNI", "EPCI", "CD", "REG", "CCAS", "BIB", "EPN", "RFS", "TIERS_LIEUX", "CS", "MQ", "MJC", "ASSO",
              "PIMMS", "LA_POSTE", "Autre"}  # fmt: skip
TELEPHONE = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)\d{6,9}$")
CODE_INSEE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")


def _lire(client, **query):
    response = client.get(reverse("donnees_ouvertes:lieux"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    contenu = response.content.decode("utf-8")
    reader = csv.reader(io.StringIO(contenu), delimiter=",")
    header = next(reader)
    rows = [dict(zip(header, values, strict=True)) for values in reader]
    nom = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
    return header, rows, nom


@pytest.fixture
def lieux():
    op = operateur()
    valide = StructureFactory(
        statut=StructureStatut.VALIDATION_COSELEC, siret="21690123400017", nom="Mairie A"
    )
    fixe = lieu(
        valide, by=op, nom="Médiathèque, centre", services=["Aide aux démarches administratives",
        "Loisirs et créations numériques"], frais_a_charge=["Gratuit", "Gratuit sous condition"],
    )  # fmt: skip
    libre = lieu(
        valide, by=op, nom="Bus numérique", itinerance=["Itinérant"], typologies=[],
        horaires="Le mardi de 14 h à 17 h", presentation_detail="Un bus qui sillonne le canton.",
    )  # fmt: skip
    paris = commune("75011", "75", "75056", "Paris", 48.8534, 2.3488)
    a_paris = lieu(
        StructureFactory(statut=StructureStatut.VALIDATION_COSELEC, label_france_services=True),
        by=op, code_postal="75011", commune=paris, latitude=None, longitude=None,
    )  # fmt: skip
    caches = [
        lieu(StructureFactory(statut=statut), by=op, nom=f"Caché {statut}")
        for statut in (StructureStatut.CREEE, StructureStatut.ABANDON, StructureStatut.ANNULEE,
                       StructureStatut.REFUS_COSELEC)
    ]  # fmt: skip
    caches.append(
        lieu(StructureFactory(statut=StructureStatut.VALIDATION_COSELEC, siret=""), by=op, nom="Sans SIRET")
    )
    return {"fixe": fixe, "libre": libre, "paris": a_paris, "caches": caches}


def test_file_follows_the_standard(client, lieux):
    header, rows, nom = _lire(client)
    assert header == SCHEMA
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_conum_lieux-de-mediation-numerique_france\.csv", nom)
    assert len(rows) == 3
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == 3
    for row in rows:
        for name in REQUIS:
            assert row[name], f"champ obligatoire vide : {name}"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date_maj"])
        assert re.fullmatch(r"\d{5}", row["code_postal"]) and CODE_INSEE.match(row["code_insee"])
        assert -90 <= float(row["latitude"]) <= 90 and -180 <= float(row["longitude"]) <= 180
        assert set(row["services"].split("|")) <= SERVICES
        assert set(row["itinerance"].split("|")) <= ITINERANCE
        assert not row["frais_a_charge"] or set(row["frais_a_charge"].split("|")) <= FRAIS
        assert set(row["typologie"].split("|")) <= TYPOLOGIES
        assert "Conseillers numériques" in row["dispositif_programmes_nationaux"].split("|")
        assert set(row["dispositif_programmes_nationaux"].split("|")) <= DISPOSITIFS
        assert not row["telephone"] or TELEPHONE.match(row["telephone"])
        assert len(row["presentation_resume"]) <= 280
        assert ";" not in row["services"]


def test_values_and_separators(client, lieux):
    _header, rows, _nom = _lire(client)
    by_id = {row["id"]: row for row in rows}
    fixe = by_id[f"conum-lieu-{lieux['fixe'].pk}"]
    assert fixe["pivot"] == "21690123400017" and fixe["nom"] == "Médiathèque, centre"
    assert fixe["services"] == "Aide aux démarches administratives|Loisirs et créations numériques"
    assert fixe["frais_a_charge"] == "Gratuit|Gratuit sous condition"
    assert fixe["horaires"] == "Mo-Fr 09:00-12:00,14:00-18:00"
    assert fixe["commune"] == "Villeurbanne" and fixe["code_insee"] == "69266"
    assert fixe["structure_parente"] == "Mairie A"
    assert fixe["date_maj"] == lieux["fixe"].updated_at.date().isoformat()
    libre = by_id[f"conum-lieu-{lieux['libre'].pk}"]
    assert libre["itinerance"] == "Itinérant"
    assert libre["horaires"] == ""  # free text is not OSM syntax…
    assert "Horaires : Le mardi de 14 h à 17 h" in libre["presentation_detail"]  # …it stays readable
    assert libre["typologie"] == "MUNI"  # from the structure's type (a commune)
    paris = by_id[f"conum-lieu-{lieux['paris'].pk}"]
    assert (float(paris["latitude"]), float(paris["longitude"])) == (48.8534, 2.3488)  # the commune's
    assert paris["dispositif_programmes_nationaux"] == "Conseillers numériques|France Services"


def test_unvalidated_closed_or_without_siret_not_published(client, lieux):
    _header, rows, _nom = _lire(client)
    ids = {row["id"] for row in rows}
    for cache in lieux["caches"]:
        assert cache.identifiant not in ids
    assert not any(row["nom"].startswith("Caché") or row["nom"] == "Sans SIRET" for row in rows)


def test_id_is_stable(client, lieux):
    _h, before, _n = _lire(client)
    services.lieu_modifier(lieu=lieux["fixe"], by=operateur(), nom="Médiathèque rénovée")
    _h, after, _n = _lire(client)
    assert {r["id"] for r in before} == {r["id"] for r in after}
    assert {r["id"]: r["nom"] for r in after}[lieux["fixe"].identifiant] == "Médiathèque rénovée"


def test_per_departement(client, lieux):
    _header, rows, nom = _lire(client, territoire="75")
    assert [row["id"] for row in rows] == [lieux["paris"].identifiant]
    assert nom.endswith("_conum_lieux-de-mediation-numerique_75-paris.csv")
    _header, rows, _nom = _lire(client, territoire="69")
    assert {row["code_postal"] for row in rows} == {"69100"}
    assert client.get(reverse("donnees_ouvertes:lieux"), {"territoire": "ZZ"}).status_code == 404


def test_fixed_query_count(client, lieux):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            _lire(client)
        return len(ctx.captured_queries)

    before = count()
    for n in range(5):
        lieu(lieux["fixe"].structure, nom=f"Autre lieu {n}")
    assert count() == before


def test_header_constant_matches_the_schema():
    assert list(opendata.CHAMPS_LIEUX) == SCHEMA
