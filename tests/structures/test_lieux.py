"""Ma structure → Lieux d'activité: model rules, services, pages (list, add, edit, delete)."""

import pytest
from django.urls import reverse

from conumapp.services import DomainError
from structures import services
from structures.enums import StructureStatut
from structures.forms import LieuActiviteForm, telephone_international
from structures.horaires import est_osm
from structures.models import LieuActivite

from .factories import StructureFactory, UserFactory, membre, operateur, prefecture
from .lieux_factories import commune, donnees, lieu

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure():
    return StructureFactory(statut=StructureStatut.VALIDATION_COSELEC)


@pytest.fixture
def member(structure):
    return membre(structure)


FORM = {
    "nom": "Espace numérique",
    "adresse": "3 place Bellecour",
    "code_postal": "69100",
    "commune": "",
    "services": ["Aide aux démarches administratives"],
    "itinerance": ["Fixe"],
    "frais_a_charge": ["Gratuit"],
    "horaires": "Mo-Fr 09:00-12:00",
    "presentation_resume": "Un lieu ouvert à tous.",
    "telephone": "04 72 00 00 00",
}


# --- Services and model ------------------------------------------------------------------------


def test_member_creates_and_coordinates_come_from_the_commune(structure, member):
    created = lieu(structure, by=member, latitude=None, longitude=None)
    assert created.latitude == pytest.approx(45.7676) and created.longitude == pytest.approx(4.8345)
    assert created.identifiant == f"conum-lieu-{created.pk}"
    assert created.history.first().history_user == member
    explicit = lieu(structure, by=member, latitude=45.75, longitude=4.85)
    assert (explicit.latitude, explicit.longitude) == (45.75, 4.85)


def test_non_member_cannot_create(structure):
    with pytest.raises(DomainError, match="pas membre"):
        lieu(structure, by=UserFactory())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"services": []}, "services"),
        ({"services": ["Cours de cuisine"]}, "services"),
        ({"itinerance": ["Volant"]}, "itinerance"),
        ({"frais_a_charge": ["Gratuit pour tous"]}, "frais_a_charge"),
        ({"typologies": ["XYZ"]}, "typologies"),
        ({"presentation_resume": "x" * 281}, "presentation_resume"),
        ({"code_postal": "75011"}, "commune"),
        ({"latitude": 95.0, "longitude": 4.0}, "latitude"),
    ],
)
def test_model_validation(structure, member, overrides, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        lieu(structure, by=member, **overrides)
    assert field in error.value.message_dict
    assert not LieuActivite.objects.exists()


def test_update_and_delete(structure, member):
    created = lieu(structure, by=member)
    updated = services.lieu_modifier(lieu=created, by=member, nom="Nouveau nom", itinerance=["Itinérant"])
    assert updated.nom == "Nouveau nom" and updated.itinerance == ["Itinérant"]
    with pytest.raises(DomainError, match="Champ inconnu"):
        services.lieu_modifier(lieu=created, by=member, structure_id=1)
    with pytest.raises(DomainError):
        services.lieu_supprimer(lieu=created, by=UserFactory())
    services.lieu_supprimer(lieu=created, by=member)
    assert not LieuActivite.objects.exists()


def test_visible_to(structure, member):
    created = lieu(structure, by=member)
    other = lieu(StructureFactory(statut=StructureStatut.VALIDATION_COSELEC))
    assert list(LieuActivite.objects.visible_to(member)) == [created]
    assert set(LieuActivite.objects.visible_to(operateur())) == {created, other}
    assert set(LieuActivite.objects.visible_to(prefecture("69"))) == {created, other}
    assert not LieuActivite.objects.visible_to(UserFactory()).exists()


# --- Forms ------------------------------------------------------------------------------------


def test_form_single_commune_postcode_and_phone():
    commune()
    form = LieuActiviteForm(FORM)
    assert form.is_valid(), form.errors
    data = form.donnees()
    assert data["commune"].code_insee == "69266" and data["telephone"] == "+33472000000"


def test_form_postcode_with_several_communes():
    commune("69290", "69", "69069", "Craponne", 45.745, 4.724)
    commune("69290", "69", "69094", "Grézieu-la-Varenne", 45.748, 4.690)
    form = LieuActiviteForm({**FORM, "code_postal": "69290"})
    assert not form.is_valid() and "Craponne" in form.errors["commune"][0]
    form = LieuActiviteForm({**FORM, "code_postal": "69290", "commune": "grezieu la varenne"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"].code_insee == "69094"
    form = LieuActiviteForm({**FORM, "code_postal": "69290", "commune": "Lyon"})
    assert not form.is_valid() and "desservie par le code postal 69290" in form.errors["commune"][0]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code_postal": "6900"}, "code_postal", "aucune commune connue"),
        ({"code_postal": "abc"}, "code_postal", "5 chiffres"),
        ({"services": []}, "services", "obligatoire"),
        ({"services": ["Cours de cuisine"]}, "services", "Sélectionnez un choix valide"),
        ({"itinerance": ["Volant"]}, "itinerance", "Sélectionnez un choix valide"),
        ({"presentation_resume": "x" * 281}, "presentation_resume", "280"),
        ({"telephone": "12"}, "telephone", "Numéro de téléphone invalide"),
        ({"latitude": "45.7"}, "longitude", "aucune des deux"),
        ({"latitude": "120", "longitude": "4"}, "latitude", "inférieure ou égale à 90"),
    ],
)
def test_form_errors_in_french(changes, field, message):
    commune()
    form = LieuActiviteForm({**FORM, **changes})
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


@pytest.mark.parametrize("field", ["nom", "adresse", "presentation_resume", "horaires"])
def test_form_refuses_spreadsheet_formulas(field):
    commune()
    form = LieuActiviteForm({**FORM, field: '=HYPERLINK("http://exemple.fr")'})
    assert not form.is_valid()
    assert "ne peut pas commencer par" in form.errors[field][0]


def test_demo_places_are_valid(structure):
    import random

    from structures.demo import _lieux

    commune()
    structures = [structure, StructureFactory(code_postal="69100")]
    structure.code_postal = "69100"
    lieux = _lieux(structures, random.Random(3), operateur())
    assert {lieu.structure_id for lieu in lieux} == {s.pk for s in structures}
    for saved in LieuActivite.objects.all():
        saved.full_clean()
    assert LieuActivite.objects.count() == len(lieux) and all(
        1 <= LieuActivite.objects.filter(structure=s).count() <= 3 for s in structures
    )


def test_phone_formats():
    assert telephone_international("04.72.00.00.00") == "+33472000000"
    assert telephone_international("0690 12 34 56", "971") == "+590690123456"
    assert telephone_international("+33 6 12 34 56 78") == "+33612345678"
    assert telephone_international("") == ""


def test_opening_hours_syntax():
    assert est_osm("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00")
    assert est_osm("Tu,Th 14:00-17:00; PH off")
    assert not est_osm("Le mardi de 14 h à 17 h")


# --- Pages ------------------------------------------------------------------------------------


def test_list_add_edit_delete_through_the_pages(client, structure, member):
    commune()
    client.force_login(member)
    liste = reverse("structures:lieux", args=[structure.pk])
    page = client.get(liste).content.decode()
    assert "Aucun lieu d'activité" in page and reverse("structures:lieu_ajouter", args=[structure.pk]) in page

    response = client.post(reverse("structures:lieu_ajouter", args=[structure.pk]), FORM)
    assert response.status_code == 302 and response.url == liste
    created = LieuActivite.objects.get()
    assert created.structure == structure and created.commune_id == "69266"
    assert created.telephone == "+33472000000" and created.latitude == pytest.approx(45.7676)

    edit = reverse("structures:lieu_modifier", args=[structure.pk, created.pk])
    page = client.get(edit).content.decode()
    assert 'value="Espace numérique"' in page and 'value="Villeurbanne"' in page
    response = client.post(edit, {**FORM, "nom": "Espace Bellecour", "horaires": "Le mardi de 14 h à 17 h"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.nom == "Espace Bellecour"
    page = client.get(liste).content.decode()
    assert "Espace Bellecour" in page and "(texte libre)" in page

    delete = reverse("structures:lieu_supprimer", args=[structure.pk, created.pk])
    page = client.get(delete).content.decode()
    assert "Confirmer la suppression" in page
    assert LieuActivite.objects.exists()  # nothing deleted before confirmation
    response = client.post(delete)
    assert response.status_code == 302 and not LieuActivite.objects.exists()


def test_bad_input_rerenders_with_values(client, structure, member):
    commune()
    client.force_login(member)
    response = client.post(
        reverse("structures:lieu_ajouter", args=[structure.pk]), {**FORM, "presentation_resume": "x" * 300}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "280" in page and 'value="Espace numérique"' in page
    assert not LieuActivite.objects.exists()


def test_access(client, structure, member):
    created = lieu(structure, by=member)
    liste = reverse("structures:lieux", args=[structure.pk])
    edit = reverse("structures:lieu_modifier", args=[structure.pk, created.pk])
    delete = reverse("structures:lieu_supprimer", args=[structure.pk, created.pk])
    add = reverse("structures:lieu_ajouter", args=[structure.pk])
    # Another structure's member: 404 everywhere.
    client.force_login(membre(StructureFactory()))
    assert [client.get(u).status_code for u in (liste, add, edit, delete)] == [404] * 4
    assert client.post(delete).status_code == 404 and LieuActivite.objects.exists()
    # The prefecture reads the list, cannot change anything.
    client.force_login(prefecture("69"))
    page = client.get(liste)
    assert page.status_code == 200 and created.nom in page.content.decode()
    assert add not in page.content.decode()
    assert [client.get(u).status_code for u in (add, edit, delete)] == [404] * 3
    # A place of another structure through this structure's URL: 404.
    client.force_login(member)
    other = lieu(StructureFactory())
    assert client.get(reverse("structures:lieu_modifier", args=[structure.pk, other.pk])).status_code == 404
    # Operators may edit.
    client.force_login(operateur())
    assert client.get(edit).status_code == 200


def test_list_query_count(client, structure, member, django_assert_max_num_queries):
    for n in range(5):
        lieu(structure, by=member, nom=f"Lieu {n}")
    client.force_login(member)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("structures:lieux", args=[structure.pk]))
    assert response.content.decode().count("Modifier<span") == 5


def test_admin_changelist_and_form(client, structure, member):
    created = lieu(structure, by=member)
    client.force_login(operateur())
    assert client.get(reverse("admin:structures_lieuactivite_changelist")).status_code == 200
    response = client.get(reverse("admin:structures_lieuactivite_change", args=[created.pk]))
    assert response.status_code == 200 and "Acquisition de matériel informatique à prix solidaire" in (
        response.content.decode()
    )


def test_donnees_helper_is_valid():
    assert donnees()["services"]
