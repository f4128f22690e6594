"""Territory referential: data loaded by migration 0003, helpers, autocomplete, admin, refresh."""

import importlib
import io

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from conumapp.models import CodePostal, Commune, Departement, Region, User
from conumapp.territories import (
    communes_for_postcode,
    departement_for_postcode,
    distance_km,
    filter_bounding_box,
    normalise,
    search_communes,
    within_radius,
)

pytestmark = pytest.mark.django_db

METROPOLE = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
DROM = {"971": "01", "972": "02", "973": "03", "974": "04", "976": "06"}
COLLECTIVITES = ["975", "977", "978", "986", "987", "988"]


# --- Régions and départements ------------------------------------------------------------------


def test_every_departement_is_loaded_with_its_region():
    departements = {d.code: d for d in Departement.objects.select_related("region")}
    expected = set(METROPOLE) | set(DROM) | set(COLLECTIVITES)
    assert set(departements) == expected
    assert len(METROPOLE) + len(DROM) == 101
    for code in [*METROPOLE, *DROM]:
        assert departements[code].region is not None, code
    for code, region in DROM.items():
        assert departements[code].region_id == region
    for code in COLLECTIVITES:
        assert departements[code].region is None, code


def test_regions_and_sample_links():
    assert Region.objects.count() == 18
    assert Departement.objects.get(code="69").region.nom == "Auvergne-Rhône-Alpes"
    assert Departement.objects.get(code="2A").region.nom == "Corse"
    assert Departement.objects.get(code="75").region.nom == "Île-de-France"
    assert Departement.objects.get(code="988").nom == "Nouvelle-Calédonie"
    # The demo seed needs these.
    assert Region.objects.filter(code="84").exists()


def test_communes_carry_postcodes_population_and_coordinates():
    assert Commune.objects.count() > 34_000
    assert not Commune.objects.filter(latitude__isnull=True).exists()
    lyon = Commune.objects.get(code_insee="69123")
    assert lyon.nom == "Lyon"
    assert lyon.departement_id == "69"
    assert lyon.codes_postaux.split() == [f"6900{n}" for n in range(1, 10)]
    assert lyon.population > 400_000
    assert 45.7 < lyon.latitude < 45.8 and 4.8 < lyon.longitude < 4.9
    assert set(lyon.postcodes.values_list("code", flat=True)) == set(lyon.codes_postaux.split())
    # Arrondissements are folded into their commune; overseas collectivités have communes.
    assert not Commune.objects.filter(code_insee="69381").exists()
    assert Commune.objects.get(code_insee="98818").nom == "Nouméa"
    assert Commune.objects.get(code_insee="2B033").nom_recherche == "bastia"


# --- Normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
        ("  SAINT  ÉTIENNE ", "saint etienne"),
        ("Villeneuve-d’Ascq", "villeneuve d ascq"),
        ("", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_nom_recherche_is_normalised_at_load():
    assert Commune.objects.get(code_insee="42218").nom_recherche == "saint etienne"
    assert Commune.objects.get(code_insee="94038").nom_recherche == "l hay les roses"


# --- Postcodes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "departement"),
    [
        ("75001", "75"),
        ("20000", "2A"),
        ("20200", "2B"),
        ("97100", "971"),
        ("97133", "977"),  # Saint-Barthélemy uses a Guadeloupe-like postcode
        ("97150", "978"),  # Saint-Martin too
        ("97500", "975"),
        ("98800", "988"),
        ("1000", "01"),  # leading zero lost by a spreadsheet
        ("69 001", "69"),
        ("75999", "75"),  # unknown postcode: its prefix decides
    ],
)
def test_departement_for_postcode(postcode, departement):
    assert departement_for_postcode(postcode).code == departement


@pytest.mark.parametrize("postcode", ["", "123", "abcde", "99999"])
def test_departement_for_postcode_unknown(postcode):
    assert departement_for_postcode(postcode) is None


def test_communes_for_postcode():
    assert [c.code_insee for c in communes_for_postcode("69001")] == ["69123"]
    assert "2B033" in {c.code_insee for c in communes_for_postcode("20200")}
    assert not communes_for_postcode("00000").exists()
    several = list(communes_for_postcode("01400"))
    assert len(several) > 1
    populations = [c.population or 0 for c in several]
    assert populations == sorted(populations, reverse=True)


# --- Search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["saint-etienne", "Saint-Étienne", "SAINT ETIENNE", "st etienne", "saint-éti"]
)
def test_search_by_name_is_accent_insensitive_and_ranked(query):
    results = search_communes(query)
    assert results[0].code_insee == "42218"
    assert results[0].nom == "Saint-Étienne"


def test_search_lyon_returns_the_commune_first():
    results = search_communes("Lyon")
    assert results[0].code_insee == "69123"


def test_search_by_postcode():
    assert [c.code_insee for c in search_communes("69001")] == ["69123"]
    prefix = search_communes("690", limit=50)
    assert prefix[0].code_insee == "69123"  # most populated first
    assert all(any(cp.startswith("690") for cp in c.codes_postaux.split()) for c in prefix)


def test_search_by_postcode_and_name():
    results = search_communes("42 saint-etienne")
    assert results[0].code_insee == "42218"
    assert all(c.departement_id == "42" for c in results)


def test_search_falls_back_to_contains_after_prefix():
    results = search_communes("etienne", limit=50)
    codes = [c.code_insee for c in results]
    assert "42218" in codes
    prefixed = [c for c in results if c.nom_recherche.startswith("etienne")]
    # Prefix matches come before the others.
    assert codes[: len(prefixed)] == [c.code_insee for c in prefixed]


def test_search_limits_and_empty_queries():
    assert len(search_communes("saint", limit=20)) == 20
    assert len(search_communes("saint", limit=5)) == 5
    assert search_communes("") == []
    assert search_communes("   -  ") == []
    assert search_communes("1234567") == []


@pytest.mark.usefixtures("postgres_only")
def test_prefix_search_uses_the_index_on_postgres():
    queryset = Commune.objects.filter(nom_recherche__startswith="saint eti")
    plan = queryset.explain()
    assert "nom_recherche" in plan and "Index" in plan, plan
    assert connection.vendor == "postgresql"


# --- Distances ----------------------------------------------------------------------------------


def test_distance_lyon_grenoble():
    lyon, grenoble = Commune.objects.get(code_insee="69123"), Commune.objects.get(code_insee="38185")
    assert 90 <= distance_km(lyon, grenoble) <= 100
    assert distance_km(lyon, grenoble) == pytest.approx(distance_km(grenoble, lyon))
    assert distance_km(lyon, lyon) == 0


def test_distance_without_coordinates():
    lyon = Commune.objects.get(code_insee="69123")
    nowhere = Commune(code_insee="00000", nom="Sans point", departement_id="69")
    assert distance_km(lyon, nowhere) is None


def test_within_radius():
    lyon = Commune.objects.get(code_insee="69123")
    nearby = within_radius(
        Commune.objects.all(), latitude=lyon.latitude, longitude=lyon.longitude, radius_km=10
    )
    codes = [item.obj.code_insee for item in nearby]
    assert codes[0] == "69123"
    assert "69266" in codes  # Villeurbanne
    assert "38185" not in codes  # Grenoble
    distances = [item.distance_km for item in nearby]
    assert distances == sorted(distances) and distances[-1] <= 10
    boxed = filter_bounding_box(
        Commune.objects.all(), latitude=lyon.latitude, longitude=lyon.longitude, radius_km=10
    )
    # The box holds the circle plus its corners.
    assert set(codes) < set(boxed.values_list("code_insee", flat=True))


def test_within_radius_through_a_relation():
    lyon = Commune.objects.get(code_insee="69123")
    nearby = within_radius(
        CodePostal.objects.select_related("commune"),
        latitude=lyon.latitude,
        longitude=lyon.longitude,
        radius_km=1,
        prefix="commune__",
    )
    assert {item.obj.code for item in nearby} == set(lyon.codes_postaux.split())


# --- Autocomplete view --------------------------------------------------------------------------


def test_autocomplete_is_public_and_returns_communes(client, django_assert_num_queries):
    # Prefix matches, then (fewer than 20 found) matches anywhere in the name: two queries.
    with django_assert_num_queries(2):
        response = client.get(reverse("core:communes"), {"q": "lyon"})
    assert response.status_code == 200
    assert response.json()["results"][0] == {
        "code_insee": "69123",
        "nom": "Lyon",
        "departement": "69",
        "codes_postaux": [f"6900{n}" for n in range(1, 10)],
    }
    assert reverse("core:communes") == "/communes/"


def test_autocomplete_by_postcode_and_limits(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/communes/", {"q": "69001"})
    assert [r["code_insee"] for r in response.json()["results"]] == ["69123"]
    assert len(client.get("/communes/", {"q": "saint"}).json()["results"]) == 20
    assert len(client.get("/communes/", {"q": "saint", "limit": "500"}).json()["results"]) == 20
    assert len(client.get("/communes/", {"q": "saint", "limit": "x"}).json()["results"]) == 20
    assert client.get("/communes/", {"q": "l"}).json() == {"results": []}
    assert client.get("/communes/").json() == {"results": []}
    assert client.post("/communes/", {"q": "lyon"}).status_code == 405


# --- Admin --------------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    user = User.objects.create_superuser(email="admin@example.fr", password="x")
    client.force_login(user)
    return client


@pytest.mark.parametrize(("model", "pk"), [("region", "84"), ("departement", "2A"), ("commune", "69123")])
def test_admin_referential_is_read_only(superuser_client, model, pk):
    changelist = superuser_client.get(reverse(f"admin:conumapp_{model}_changelist"))
    assert changelist.status_code == 200
    change = superuser_client.get(reverse(f"admin:conumapp_{model}_change", args=[pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert superuser_client.get(reverse(f"admin:conumapp_{model}_add")).status_code == 403


def test_admin_commune_search_is_accent_insensitive(superuser_client):
    response = superuser_client.get(reverse("admin:conumapp_commune_changelist"), {"q": "Saint-Étienne"})
    assert response.status_code == 200
    assert "42218" in response.content.decode()


# --- Loading and refreshing ---------------------------------------------------------------------


def test_load_territories_is_idempotent_and_repairs_drift():
    counts = (
        Region.objects.count(),
        Departement.objects.count(),
        Commune.objects.count(),
        CodePostal.objects.count(),
    )
    lyon = Commune.objects.get(code_insee="69123")
    lyon.nom, lyon.population = "Lugdunum", 1
    lyon.save()
    CodePostal.objects.filter(code="69001").delete()
    CodePostal.objects.create(code="69999", commune=lyon)
    Commune.objects.create(code_insee="69999", nom="Disparue", nom_recherche="disparue", departement_id="69")
    Departement.objects.filter(code="69").update(nom="Rhodanie")

    call_command("load_territories", stdout=io.StringIO())

    lyon.refresh_from_db()
    assert (lyon.nom, lyon.nom_recherche) == ("Lyon", "lyon")
    assert lyon.population > 400_000
    assert set(lyon.postcodes.values_list("code", flat=True)) == set(lyon.codes_postaux.split())
    assert not Commune.objects.filter(code_insee="69999").exists()
    assert Departement.objects.get(code="69").nom == "Rhône"
    after = (
        Region.objects.count(),
        Departement.objects.count(),
        Commune.objects.count(),
        CodePostal.objects.count(),
    )
    assert after == counts

    call_command("load_territories", stdout=io.StringIO())
    assert (
        Region.objects.count(),
        Departement.objects.count(),
        Commune.objects.count(),
        CodePostal.objects.count(),
    ) == counts


def test_migration_reverse_empties_and_forward_reloads():
    migration = importlib.import_module("conumapp.migrations.0003_territories")
    counts = (
        Region.objects.count(),
        Departement.objects.count(),
        Commune.objects.count(),
        CodePostal.objects.count(),
    )
    migration.unload(global_apps, None)
    assert not (Region.objects.exists() or Departement.objects.exists() or Commune.objects.exists())
    assert not CodePostal.objects.exists()
    migration.load(global_apps, None)
    assert (
        Region.objects.count(),
        Departement.objects.count(),
        Commune.objects.count(),
        CodePostal.objects.count(),
    ) == counts
