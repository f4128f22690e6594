"""Filing flow through the views: defaults, validation with input kept, duplicates, Dupliquer,
session expiry."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cra.models import Cra

from .factories import CraFactory, conseiller_en_poste, counts, form_data

pytestmark = pytest.mark.django_db
URL = reverse("cra:saisir")


@pytest.fixture
def conseiller(client):
    obj = conseiller_en_poste(debut=timezone.localdate() - timedelta(days=365))
    client.force_login(obj.user)
    return obj


def test_form_shows_type_first_and_defaults(client, conseiller):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('name="type"') < html.index('name="date"')
    assert 'data-cra-pour="collectif"' in html and "cra.js" in html
    assert response.context["form"].initial["duree"] == "30"
    assert "N'écrivez aucune donnée personnelle" in html


def test_individual_common_case_in_one_submit(client, conseiller):
    response = client.post(URL, form_data())
    cra = Cra.objects.get()
    assert response.status_code == 302 and response.url == reverse("cra:confirmation", args=[cra.pk])
    assert (
        cra.participants,
        cra.age_non_communique,
        cra.genre_non_communique,
        cra.statut_non_communique,
    ) == (1, 1, 1, 1)
    assert (cra.commune_code, cra.code_postal, cra.thematiques_codes, cra.materiel_codes) == (
        "69123", "69001", ["email"], ["ordinateur"])  # fmt: skip
    page = client.get(response.url).content.decode()
    assert "Saisir un autre CRA" in page and f"?dupliquer={cra.pk}" in page


def test_collective_with_twelve_participants(client, conseiller):
    data = form_data(type="collectif", titre_atelier="Découvrir l'e-mail", niveau="debutant", participants="12",
                     participants_recurrents="4", public_defaut=None, duree="autre", duree_autre="135",
                     **counts({"age_soixante_dix_plus": 7, "age_non_communique": 5, "genre_feminin": 12,
                               "statut_retraite": 12}))  # fmt: skip
    response = client.post(URL, data)
    assert response.status_code == 302, response.context["form"].errors
    cra = Cra.objects.get()
    assert (cra.type, cra.participants, cra.participants_recurrents, cra.duree) == ("collectif", 12, 4, 135)
    assert (cra.age_soixante_dix_plus, cra.genre_feminin, cra.autonomie) == (7, 12, "")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": (timezone.localdate() + timedelta(days=1)).isoformat()}, None, "dans le futur"),
        ({"type": "collectif", "participants": "1", "titre_atelier": "Atelier", "public_defaut": None,
          **counts({"age_non_communique": 1, "genre_non_communique": 1, "statut_non_communique": 1})},
         "participants", "entre 2 et 100 participants"),
        ({"type": "collectif", "participants": "5", "participants_recurrents": "6", "titre_atelier": "Atelier",
          "public_defaut": None, **counts({"age_non_communique": 5, "genre_non_communique": 5, "statut_non_communique": 5})},
         "participants_recurrents", "ne peuvent pas dépasser"),
        ({"type": "collectif", "participants": "5", "titre_atelier": "Atelier", "public_defaut": None,
          **counts({"age_non_communique": 4, "genre_non_communique": 5, "statut_non_communique": 5})},
         "age_non_communique", "La somme des tranches d&#x27;âge (4) doit être égale"),
        ({"note": "n" * 501}, "note", "500 caractères"),
        ({"thematiques_numeriques": ["theme_inconnu"]}, "thematiques_numeriques", "Sélectionnez un choix valide"),
        ({"thematiques_numeriques": []}, "thematiques_numeriques", "au moins une thématique"),
        ({"duree": "autre", "duree_autre": "37"}, "duree_autre", "pas de 5 minutes"),
        ({"lieu": "Zzzzville"}, "lieu", "Commune introuvable"),
    ],
)  # fmt: skip
def test_bad_input_rerenders_with_french_errors_and_keeps_input(
    client, conseiller, overrides, field, message
):
    data = form_data(tags="quartier nord", **overrides)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not Cra.objects.exists()
    html = response.content.decode()
    assert message in html
    assert "Le CRA n'a pas été enregistré" in html
    assert 'value="quartier nord"' in html  # what was typed is kept
    if field:
        assert field in response.context["form"].errors


def test_duplicate_asks_for_confirmation(client, conseiller):
    client.post(URL, form_data())
    response = client.post(URL, form_data())
    assert response.status_code == 200
    assert "moins de 10 minutes" in response.content.decode()
    assert "Enregistrer quand même" in response.content.decode()
    assert Cra.objects.count() == 1
    response = client.post(URL, form_data(confirmer_doublon="on"))
    assert response.status_code == 302 and Cra.objects.count() == 2


def test_dupliquer_prefills_with_today(client, conseiller):
    source = CraFactory(
        conseiller=conseiller, collectif=True, duree=90, date=timezone.localdate() - timedelta(days=3)
    )
    response = client.get(URL, {"dupliquer": source.pk})
    initial = response.context["form"].initial
    assert initial["date"] == timezone.localdate()
    assert (initial["type"], initial["duree"], initial["participants"], initial["titre_atelier"]) == (
        "collectif", "90", 12, "Atelier e-mail")  # fmt: skip


def test_dupliquer_someone_elses_cra_is_404(client, conseiller):
    other = CraFactory(conseiller=conseiller_en_poste())
    assert client.get(URL, {"dupliquer": other.pk}).status_code == 404


def test_session_expiry_keeps_the_typed_form(client, conseiller):
    client.logout()
    response = client.post(URL, form_data(duree="45", tags="permanence mairie"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Cra.objects.exists()
    client.force_login(conseiller.user)  # keeps the session's data, as a real login does
    response = client.get(URL + "?reprise=1")
    html = response.content.decode()
    assert "Votre saisie a été conservée" in html
    assert 'value="permanence mairie"' in html
    assert response.context["form"].data["duree"] == "45"
    assert client.post(URL, response.context["form"].data).status_code == 302
    assert Cra.objects.get().duree == 45


def test_edit_and_delete_from_history(client, conseiller):
    cra = CraFactory(conseiller=conseiller)
    response = client.post(reverse("cra:modifier", args=[cra.pk]), form_data(duree="60"))
    assert response.status_code == 302
    cra.refresh_from_db()
    assert cra.duree == 60
    assert client.get(reverse("cra:supprimer", args=[cra.pk])).status_code == 200
    client.post(reverse("cra:supprimer", args=[cra.pk]))
    cra.refresh_from_db()
    assert cra.deleted_at is not None
    assert "Restaurer" in client.get(reverse("cra:historique")).content.decode()
    client.post(reverse("cra:restaurer", args=[cra.pk]))
    cra.refresh_from_db()
    assert cra.deleted_at is None


def test_edit_after_window_is_read_only(client, conseiller, settings):
    cra = CraFactory(
        conseiller=conseiller, created_at=timezone.now() - timedelta(days=settings.CRA_EDIT_WINDOW_DAYS + 1)
    )
    response = client.get(reverse("cra:modifier", args=[cra.pk]), follow=True)
    assert "n&#x27;est plus modifiable" in response.content.decode()
    assert "Non modifiable (délai dépassé)" in client.get(reverse("cra:historique")).content.decode()


def test_filing_costs_a_bounded_number_of_queries(client, conseiller):
    """The filing hot path (make bench: 50 clients) asks nine statements at most: session, user,
    advisor, commune, employer with its territory (one query), advisor lock, duplicate check, the
    CRA, the statistics' dirty key. No SELECT for the constraints (the database checks them), no
    second look at the contracts, no history row (written at the CRA's first change)."""
    client.get(URL)  # session and CSRF cookie, as a real client has them
    with CaptureQueriesContext(connection) as captured:
        response = client.post(URL, form_data())
    assert response.status_code == 302
    statements = [
        query["sql"] for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))
    ]  # fmt: skip
    assert len(statements) <= 9, "\n".join(statements)
    sql = " ".join(statements)
    assert 'AS "_check"' not in sql  # Model.validate_constraints' SELECT 1
    assert sql.count('FROM "conseillers_miseenrelation"') == 1
    assert "cra_historicalcra" not in sql
