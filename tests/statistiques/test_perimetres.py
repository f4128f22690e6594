"""Scopes by role (perimetres_de) and the filters form."""

from datetime import date

from conumapp.enums import Role
from conumapp.permissions import grant_role
from statistiques.filtres import Filtres, FiltresForm, periode_par_defaut
from statistiques.perimetres import PERIMETRE_PUBLIC, Perimetre, perimetre_par_cle, perimetres_de
from statistiques.services import calculer
from tests.conventions.factories import UserFactory


def cles(user):
    return [p.cle for p in perimetres_de(user)]


def test_scopes_by_role(jeu):
    u = jeu.users
    assert cles(u.operateur)[0] == "national"
    assert cles(u.prefecture_69) == ["departement:69"]
    assert cles(u.hub_84) == ["region:84"]
    assert cles(u.membre_s1) == [f"structure:{jeu.s1.pk}"]
    assert cles(u.coordinateur) == ["coordinateur"]
    assert perimetres_de(u.coordinateur)[0].codes == tuple(sorted((jeu.a1.pk, jeu.a4.pk)))
    assert cles(u.grand_reseau) == ["grand_reseau:la_poste"]
    assert cles(u.conseiller_a1) == [f"conseiller:{jeu.a1.pk}"]
    assert perimetres_de(u.anonyme) == []
    assert perimetres_de(UserFactory()) == []  # no role: no statistics (403)


def test_several_roles_give_several_scopes(jeu):
    user = jeu.users.membre_s1
    grant_role(user, Role.PREFECTURE, departement=jeu.s3.departement)
    grant_role(user, Role.COORDINATEUR, departement=jeu.s1.departement)
    assert cles(user) == ["departement:69", "departement:75", f"structure:{jeu.s1.pk}"]


def test_scope_by_key_never_widens(jeu):
    user = jeu.users.membre_s1
    assert perimetre_par_cle(user, "").cle == f"structure:{jeu.s1.pk}"
    assert perimetre_par_cle(user, f"structure:{jeu.s3.pk}") is None
    assert perimetre_par_cle(user, "national") is None
    assert perimetre_par_cle(jeu.users.operateur, "national").niveau == "national"


def test_each_role_sees_exactly_its_data(jeu):
    """CRAs of each scope == the rows the role may read; a structure never sees another's."""
    f, c = jeu.periode, jeu.cras
    dans_periode = {k for k, v in c.items() if v.deleted_at is None and f.debut <= v.date <= f.fin}
    attendu = {
        "operateur": dans_periode,
        "prefecture_69": {1, 2, 3, 4, 6},
        "hub_84": {1, 2, 3, 4, 6},
        "membre_s1": {1, 2, 3, 4},
        "membre_s3": {8, 9},
        "coordinateur": {1, 2, 3, 8, 9},
        "grand_reseau": {6},
        "conseiller_a1": {1, 2, 3},
    }
    for role, numeros in attendu.items():
        perimetre = perimetres_de(getattr(jeu.users, role))[0]
        ids = set(perimetre.cras().filter(date__gte=f.debut, date__lte=f.fin).values_list("pk", flat=True))
        assert ids == {c[n].pk for n in numeros}, role
        stats = calculer(perimetre, f)
        assert stats.cras == len(numeros), role
        assert stats.accompagnements == sum(c[n].accompagnements for n in numeros), role


def test_advisors_in_post_by_scope(jeu):
    jour = date(2026, 6, 30)
    assert set(perimetres_de(jeu.users.membre_s3)[0].conseillers_en_poste(jour)) == {jeu.a4, jeu.a5}
    assert set(Perimetre("national").conseillers_en_poste(date(2025, 12, 31))) == {
        jeu.a1, jeu.a2, jeu.a3, jeu.a4, jeu.a5, jeu.a6,
    }  # fmt: skip


# --- filters ---------------------------------------------------------------------------------


def test_default_period_is_last_twelve_months():
    assert periode_par_defaut(date(2026, 11, 23)) == (date(2025, 12, 1), date(2026, 11, 23))
    assert periode_par_defaut(date(2026, 1, 5)) == (date(2025, 2, 1), date(2026, 1, 5))
    f = Filtres()
    assert (f.debut, f.fin) == periode_par_defaut()


def test_querystring_round_trip(jeu):
    f = Filtres(
        debut=date(2026, 1, 1), fin=date(2026, 6, 30), departement="69", structure=jeu.s1.pk, tag="senior"
    )
    assert (
        f.querystring() == f"debut=2026-01-01&fin=2026-06-30&departement=69&structure={jeu.s1.pk}&tag=senior"
    )
    perimetre = perimetres_de(jeu.users.operateur)[0]
    from urllib.parse import parse_qs

    data = {k: v[0] for k, v in parse_qs(f.querystring()).items()}
    assert FiltresForm(data, perimetre=perimetre).filtres() == f


def test_form_choices_are_restricted_to_the_scope(jeu):
    form = FiltresForm(perimetre=perimetres_de(jeu.users.prefecture_69)[0])
    assert [c for c, _ in form.fields["departement"].choices] == ["", "69"]
    assert [c for c, _ in form.fields["region"].choices] == ["", "84"]
    assert {c for c, _ in form.fields["structure"].choices} == {"", jeu.s1.pk, jeu.s2.pk}
    assert {c for c, _ in form.fields["conseiller"].choices} == {"", jeu.a1.pk, jeu.a2.pk, jeu.a3.pk}
    form = FiltresForm(perimetre=perimetres_de(jeu.users.coordinateur)[0])
    assert {c for c, _ in form.fields["conseiller"].choices} == {"", jeu.a1.pk, jeu.a4.pk}
    assert {c for c, _ in form.fields["departement"].choices} == {"", "69", "75"}


def test_form_refuses_out_of_scope_values_in_french(jeu):
    perimetre = perimetres_de(jeu.users.membre_s1)[0]
    form = FiltresForm(
        {"structure": str(jeu.s3.pk), "conseiller": str(jeu.a4.pk), "departement": "75", "type": "x"},
        perimetre=perimetre,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"structure", "conseiller", "departement", "type"}
    assert "Sélectionnez un choix valide" in form.errors["structure"][0]
    # Invalid values keep their defaults.
    assert form.filtres() == Filtres()


def test_form_period_errors(jeu):
    perimetre = perimetres_de(jeu.users.operateur)[0]
    form = FiltresForm({"debut": "2026-06-01", "fin": "2026-01-01"}, perimetre=perimetre)
    assert form.errors["fin"] == ["La date de fin doit être postérieure à la date de début."]
    assert form.filtres() == Filtres()
    form = FiltresForm({"debut": "pas une date"}, perimetre=perimetre)
    assert form.errors["debut"] == ["Saisissez une date valide."]
    form = FiltresForm({"region": "11", "departement": "69"}, perimetre=perimetre)
    assert form.errors["departement"] == ["Ce département n'appartient pas à la région choisie."]
    assert form.filtres() == Filtres(region="11")


def test_large_scopes_use_a_number_field_checked_against_the_scope(jeu, monkeypatch):
    from statistiques import filtres as module

    monkeypatch.setattr(module, "CHOIX_MAX", 1)
    form = FiltresForm({"structure": str(jeu.s3.pk)}, perimetre=perimetres_de(jeu.users.prefecture_69)[0])
    assert form.errors["structure"] == ["Cette structure n'est pas dans votre périmètre."]
    form = FiltresForm({"structure": str(jeu.s2.pk)}, perimetre=perimetres_de(jeu.users.prefecture_69)[0])
    assert form.filtres().structure == jeu.s2.pk
    # A number too large for the database is the form's French error, not a failed query.
    form = FiltresForm({"structure": str(10**30)}, perimetre=perimetres_de(jeu.users.prefecture_69)[0])
    assert form.errors["structure"] == ["Assurez-vous que cette valeur est inférieure ou égale à 2147483647."]
    assert form.filtres().structure is None


def test_public_form_has_nothing_below_departement(jeu):
    form = FiltresForm({"structure": str(jeu.s1.pk), "departement": "69"}, perimetre=PERIMETRE_PUBLIC)
    assert {"structure", "conseiller", "tag"}.isdisjoint(form.fields)
    assert form.filtres() == Filtres(departement="69")
