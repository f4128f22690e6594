"""The number of SQL queries of a statistics computation is fixed: it does not grow with
advisors, structures or months."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from statistiques import cumuls
from statistiques.filtres import Filtres
from statistiques.perimetres import PERIMETRE_NATIONAL, PERIMETRE_PUBLIC, Perimetre
from statistiques.services import agreger, calculer

from .conftest import conseiller_dans, cra, structure


def _count(perimetre, filtres):
    with CaptureQueriesContext(connection) as ctx:
        calculer(perimetre, filtres)
    return len(ctx.captured_queries)


def _cases(jeu):
    f = jeu.periode
    return [
        (PERIMETRE_NATIONAL, f),
        (Perimetre("departement", ("69",)), f.remplacer(type="individuel")),
        (PERIMETRE_NATIONAL, f.remplacer(thematique="email", tag="senior")),
        (Perimetre("structure", (jeu.s1.pk,)), f),
        (Perimetre("coordinateur", (jeu.a1.pk, jeu.a4.pk)), f.remplacer(conseiller=jeu.a1.pk)),
        (PERIMETRE_PUBLIC, f),
    ]


def test_query_count_is_fixed(jeu):
    cumuls.rafraichir()
    before = [_count(p, f) for p, f in _cases(jeu)]
    # rollup: refresh check, whole months, partial months, active advisors, advisors in post
    assert before[0] == 5
    assert before[2] == 3  # theme / tag: CRA rows by month, active advisors, advisors in post
    assert before[3] == 4  # structure: refresh check, CRA rows by month, active advisors, in post
    # Public page, département 69 (3 advisors): the advisors' count only, figures hidden.
    assert _count(PERIMETRE_PUBLIC, jeu.periode.remplacer(departement="69")) == 2
    # More structures, advisors and months.
    for dep in ("69", "75", "69"):
        s = structure(dep)
        for _ in range(3):
            a = conseiller_dans(s)
            for month in range(1, 13):
                cra(a, date(2025, month, 3))
                cra(a, date(2026, month if month <= 6 else 6, 20), type="collectif", participants=4)
    jeu.a1.mises_en_relation.update(structure=jeu.s3)  # an advisor changed structure
    cumuls.rafraichir()
    wider = [(p, f.remplacer(debut=date(2024, 1, 1))) for p, f in _cases(jeu)]
    assert [_count(p, f) for p, f in _cases(jeu)] == before
    assert [_count(p, f) for p, f in wider] == before
    # Département 69 now has 9 advisors with CRAs: the advisors' count, then the figures.
    assert _count(PERIMETRE_PUBLIC, jeu.periode.remplacer(departement="69")) == 1 + before[1]


def test_dirty_keys_are_refreshed_in_a_fixed_number_of_queries(jeu):
    cumuls.rafraichir()
    f = Filtres(debut=date(2026, 1, 1), fin=date(2026, 6, 30))
    clean = _count(PERIMETRE_NATIONAL, f)
    cra(jeu.a1, date(2026, 1, 1))
    one_key = _count(PERIMETRE_NATIONAL, f)
    for month in range(1, 7):
        cra(jeu.a1, date(2026, month, 1))
        cra(jeu.a4, date(2026, month, 2))
    with CaptureQueriesContext(connection) as ctx:
        stats = calculer(PERIMETRE_NATIONAL, f)
    assert stats.cras == 7 + 13
    assert one_key > clean
    assert len(ctx.captured_queries) == one_key  # 12 dirty keys in 2 départements: same queries
    assert not cumuls.rafraichir()


def test_agreger_is_one_query(jeu):
    cumuls.rafraichir()
    for perimetre, par in (
        (PERIMETRE_NATIONAL, ("mois", "departement")),
        (PERIMETRE_NATIONAL, ("structure",)),
        (PERIMETRE_PUBLIC, ("departement",)),
    ):
        with CaptureQueriesContext(connection) as ctx:
            agreger(perimetre, jeu.periode, par)
        # (+ the rollup's refresh check; + the advisors per cell on the public scope)
        assert len(ctx.captured_queries) <= 3
