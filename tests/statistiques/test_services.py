"""Figures of the fixed data set (tests/statistiques/conftest.py), computed by hand."""

from datetime import date

import pytest

from statistiques import cumuls
from statistiques.perimetres import PERIMETRE_NATIONAL, PERIMETRE_PUBLIC, Perimetre
from statistiques.services import Mois, agreger, calculer


def lignes(items):
    return {ligne.code: ligne.valeur for ligne in items if ligne.valeur}


def parts(items):
    return {ligne.code: ligne.part for ligne in items if ligne.valeur}


@pytest.fixture(params=["cumul", "brut"])
def source(request, jeu):
    """Run each national / territorial check on the rollup and on the raw rows."""
    if request.param == "cumul":
        cumuls.rafraichir()
    return request.param


def national(source, jeu, **filtres):
    f = jeu.periode.remplacer(**filtres)
    if source == "brut":
        # A structure-or-advisor-free filter that forces the raw path: every structure.
        return calculer(Perimetre("structure", (jeu.s1.pk, jeu.s2.pk, jeu.s3.pk)), f)
    stats = calculer(PERIMETRE_NATIONAL, f)
    assert stats.source == "cumul"
    return stats


def test_national_headline_figures(jeu, source):
    s = national(source, jeu)
    assert (s.cras, s.accompagnements, s.individuels, s.ateliers, s.participants_ateliers) == (
        7,
        20,
        5,
        2,
        15,
    )
    assert s.minutes == 20 + 90 + 45 + 60 + 120 + 30 + 240
    assert s.heures == round(605 / 60, 1)
    assert s.conseillers_actifs == 3  # a1 (c3), a3 (c6), a4 (c9) in June
    assert s.conseillers_en_poste == 5  # a6's contract ended


def test_national_lists(jeu, source):
    s = national(source, jeu)
    assert lignes(s.thematiques) == {
        "email": 4, "sante": 1, "banque_et_achats_en_ligne": 1, "diagnostic_numerique": 1,
        "securite_numerique": 1, "aide_aux_demarches_administratives": 1, "logement": 1,
    }  # fmt: skip
    assert parts(s.thematiques)["email"] == round(400 / 7, 1)
    assert len(s.thematiques) == 30
    assert lignes(s.lieux) == {"lieu_activite": 4, "a_distance": 1, "domicile": 1, "autre": 1}
    assert [(d.libelle, d.valeur) for d in s.durees] == [
        ("Moins de 30 min", 1), ("30 min à 1 h", 2), ("1 h à 2 h", 2), ("2 h et plus", 2),
    ]  # fmt: skip
    assert lignes(s.materiel) == {"ordinateur": 5, "tablette": 1, "telephone": 1, "aucun": 1}
    # Public: shares of the 20 people.
    assert lignes(s.ages) == {
        "vingt_cinq_trente_neuf": 1, "soixante_soixante_neuf": 6, "soixante_dix_plus": 5,
        "quarante_cinquante_neuf": 1, "non_communique": 1, "douze_dix_huit": 5, "dix_huit_vingt_quatre": 1,
    }  # fmt: skip
    assert parts(s.ages)["soixante_soixante_neuf"] == 30.0
    assert sum(ligne.valeur for ligne in s.ages) == 20
    assert lignes(s.genres) == {"feminin": 12, "masculin": 7, "non_communique": 1}
    assert parts(s.genres)["feminin"] == 60.0
    assert lignes(s.statuts) == {
        "en_emploi": 1,
        "retraite": 11,
        "sans_emploi": 2,
        "non_communique": 1,
        "scolarise": 5,
    }
    assert lignes(s.autonomie) == {"autonome": 2, "partiellement_autonome": 1, "entierement_accompagne": 2}
    assert parts(s.autonomie)["autonome"] == 40.0
    assert lignes(s.orientations) == {"oui": 3, "non": 2}
    assert lignes(s.redirections) == {"aide_sociale": 1, "administration": 1, "autre": 1}


def test_monthly_curve_has_every_month(jeu, source):
    s = national(source, jeu)
    assert s.mensuel == [
        Mois(date(2026, 1, 1), 1, 1), Mois(date(2026, 2, 1), 1, 1), Mois(date(2026, 3, 1), 1, 10),
        Mois(date(2026, 4, 1), 1, 1), Mois(date(2026, 5, 1), 0, 0), Mois(date(2026, 6, 1), 3, 7),
    ]  # fmt: skip


def test_filters_type_and_territory(jeu, source):
    s = national(source, jeu, type="collectif")
    assert (s.cras, s.accompagnements, s.ateliers, s.individuels) == (2, 15, 2, 0)
    s = national(source, jeu, departement="75")
    assert (s.cras, s.accompagnements, s.conseillers_actifs, s.conseillers_en_poste) == (2, 2, 1, 2)
    s = national(source, jeu, region="84")
    assert (s.cras, s.accompagnements, s.conseillers_actifs, s.conseillers_en_poste) == (5, 18, 2, 3)


def test_period_filter(jeu, source):
    s = national(source, jeu, debut=date(2025, 11, 1), fin=date(2025, 12, 31))
    assert (s.cras, s.minutes) == (2, 45)  # c7 and c10
    assert s.conseillers_actifs == 1  # a3 on 2025-12-15
    assert s.conseillers_en_poste == 6  # a6 still employed on 2025-12-31


def test_theme_and_tag_filters(jeu):
    s = calculer(PERIMETRE_NATIONAL, jeu.periode.remplacer(thematique="email"))
    assert s.source == "brut"
    assert (s.cras, s.accompagnements) == (4, 17)
    assert lignes(s.thematiques)["sante"] == 1
    s = calculer(PERIMETRE_NATIONAL, jeu.periode.remplacer(tag="senior"))
    assert (s.cras, s.accompagnements) == (2, 11)
    s = calculer(PERIMETRE_NATIONAL, jeu.periode.remplacer(tag="Numérique"))
    assert s.cras == 1
    s = calculer(PERIMETRE_NATIONAL, jeu.periode.remplacer(tag="sen"))
    assert s.cras == 0


def test_structure_and_advisor_filters(jeu):
    s = calculer(PERIMETRE_NATIONAL, jeu.periode.remplacer(structure=jeu.s1.pk))
    assert (s.cras, s.accompagnements, s.conseillers_actifs, s.conseillers_en_poste) == (4, 13, 1, 2)
    s = calculer(PERIMETRE_NATIONAL, jeu.periode.remplacer(conseiller=jeu.a4.pk))
    assert (s.cras, s.minutes, s.conseillers_actifs, s.conseillers_en_poste) == (2, 270, 1, 1)


def test_scopes(jeu):
    f = jeu.periode
    assert calculer(Perimetre("structure", (jeu.s1.pk,)), f).cras == 4
    assert calculer(Perimetre("structure", (jeu.s3.pk,)), f).cras == 2
    assert calculer(Perimetre("departement", ("69",)), f).cras == 5
    assert calculer(Perimetre("region", ("11",)), f).cras == 2
    assert calculer(Perimetre("conseiller", (jeu.a1.pk,)), f).accompagnements == 12
    coord = calculer(Perimetre("coordinateur", (jeu.a1.pk, jeu.a4.pk)), f)
    assert (coord.cras, coord.conseillers_en_poste, coord.conseillers_actifs) == (5, 2, 2)
    gr = calculer(Perimetre("grand_reseau", ("la_poste",)), f)
    assert (gr.cras, gr.accompagnements, gr.conseillers_en_poste) == (1, 5, 1)
    # A structure's filter cannot leave its scope: another structure's id gives nothing.
    assert calculer(Perimetre("structure", (jeu.s1.pk,)), f.remplacer(structure=jeu.s3.pk)).cras == 0


def test_public_small_cells(jeu):
    # National: shown. Département 69 has 3 advisors with CRAs: hidden.
    assert calculer(PERIMETRE_PUBLIC, jeu.periode).cras == 7
    hidden = calculer(PERIMETRE_PUBLIC, jeu.periode.remplacer(departement="69"))
    assert hidden.secret and hidden.cras == 0 and hidden.tableaux() == []
    # Structure / advisor filters are ignored on the public page.
    s = calculer(PERIMETRE_PUBLIC, jeu.periode.remplacer(structure=jeu.s1.pk, conseiller=jeu.a1.pk))
    assert s.cras == 7 and s.filtres.structure is None


def test_agreger(jeu):
    cumuls.rafraichir()
    rows = agreger(PERIMETRE_NATIONAL, jeu.periode, ("departement",))
    assert [(r["departement"], r["cras"], r["accompagnements"]) for r in rows] == [
        ("69", 5, 18),
        ("75", 2, 2),
    ]
    rows = agreger(PERIMETRE_NATIONAL, jeu.periode, ("mois", "type"))
    assert {(r["mois"], r["type"]): r["cras"] for r in rows} == {
        (date(2026, 1, 1), "individuel"): 1, (date(2026, 2, 1), "individuel"): 1,
        (date(2026, 3, 1), "collectif"): 1, (date(2026, 4, 1), "individuel"): 1,
        (date(2026, 6, 1), "individuel"): 2, (date(2026, 6, 1), "collectif"): 1,
    }  # fmt: skip
    rows = agreger(Perimetre("departement", ("69",)), jeu.periode, ("structure",))
    assert {r["structure"]: r["cras"] for r in rows} == {jeu.s1.pk: 4, jeu.s2.pk: 1}
    public = agreger(PERIMETRE_PUBLIC, jeu.periode, ("departement",))
    assert all(r["secret"] and r["cras"] is None for r in public)


def test_tableaux_single_source(jeu):
    s = calculer(PERIMETRE_NATIONAL, jeu.periode)
    tableaux = {t.cle: t for t in s.tableaux()}
    assert list(tableaux) == [
        "chiffres", "thematiques", "lieux", "durees", "ages", "genres", "statuts", "autonomie",
        "orientations", "redirections", "materiel", "mensuel",
    ]  # fmt: skip
    assert tableaux["chiffres"].lignes[0] == ["CRA", 7]
    assert tableaux["durees"].lignes[0] == ["Moins de 30 min", 1, round(100 / 7, 1)]
    assert tableaux["mensuel"].graphique == "ligne"
    assert tableaux["mensuel"].lignes[2] == [date(2026, 3, 1), 1, 10]


def test_rollup_follows_cra_services_and_import(jeu):
    """Filing, edit, delete and restore through cra.services, and the import's bulk write
    (COPY on PostgreSQL), keep the rollup exact."""
    from cra import importer
    from cra.models import Cra
    from cra.services import cra_creer, cra_modifier, cra_restaurer, cra_supprimer
    from statistiques.models import CleSale
    from tests.cra.factories import CraFactory
    from tests.cra.test_import import v1 as v1_line

    cumuls.rafraichir()
    f = jeu.periode

    def national_cras():
        return calculer(PERIMETRE_NATIONAL, f).cras

    assert national_cras() == 7
    new = CraFactory.build(conseiller=jeu.a4, date=date(2026, 6, 1), structure=None)
    cra_creer(conseiller=jeu.a4, by=jeu.a4.user, cra=new)
    assert CleSale.objects.exists()
    assert national_cras() == 8
    new.date = date(2025, 12, 1)  # moved out of the period: both days are recomputed
    cra_modifier(cra=new, by=jeu.a4.user)
    assert national_cras() == 7
    new.date = date(2026, 2, 1)
    cra_modifier(cra=new, by=jeu.a4.user)
    cra_supprimer(cra=new, by=jeu.a4.user)
    assert national_cras() == 7
    cra_restaurer(cra=new, by=jeu.a4.user)
    assert national_cras() == 8
    lines = [v1_line(f"b{d}", dateAccompagnement={"$date": f"2026-04-0{d}T10:00:00.000Z"}) for d in (1, 2)]
    assert importer.import_lines(lines, fmt="v1", dry_run=False).importees == 2
    assert Cra.objects.filter(source="v1").count() == 2
    s = calculer(PERIMETRE_NATIONAL, f)
    assert s.source == "cumul" and s.cras == 10
    # The imported CRAs' département comes from their postcode (69001).
    assert calculer(Perimetre("departement", ("69",)), f).cras == 5 + 2


def test_periodic_task_and_demo_rebuild(jeu):
    from statistiques import demo, tasks
    from statistiques.models import CleSale, CumulJour

    assert "statistiques.tasks.rafraichir_cumuls" in {t["task"] for t in tasks.PERIODIC_TASKS.values()}
    assert tasks.rafraichir_cumuls.delay().get() is True
    assert not CleSale.objects.exists()
    assert tasks.rafraichir_cumuls.delay().get() is False  # idempotent: nothing left to do
    CumulJour.objects.all().delete()
    demo.seed(None)  # after bulk inserts (seed_demo): rebuilt from the rows
    assert calculer(PERIMETRE_NATIONAL, jeu.periode).cras == 7
