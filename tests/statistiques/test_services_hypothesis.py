"""Random data: statistics == a naive Python computation, and rollup == raw rows (hypothesis)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cra.enums import (
    COMPTES,
    Autonomie,
    Materiel,
    StructureRedirection,
    Thematique,
    TypeCra,
    TypeLieu,
    bits_of,
)
from cra.models import Cra
from cra.services import cra_ecrits_en_masse
from statistiques import cumuls
from statistiques.agregats import DUREES, expressions
from statistiques.filtres import Filtres
from statistiques.models import CumulJour
from statistiques.perimetres import PERIMETRE_NATIONAL, Perimetre
from statistiques.services import agreger, calculer

from .conftest import public

HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
JOURS = st.dates(date(2025, 10, 1), date(2026, 8, 31))
TAGS = ("senior", "jeunes", "Numérique", "emploi")
ADVISORS = ("a1", "a2", "a3", "a4", "a6")


@st.composite
def cra_specs(draw):
    type_ = draw(
        st.sampled_from([TypeCra.INDIVIDUEL, TypeCra.INDIVIDUEL, TypeCra.COLLECTIF, TypeCra.PONCTUEL])
    )
    n = draw(st.integers(2, 40)) if type_ == TypeCra.COLLECTIF else 1
    comptes = {}
    for prefix, enum in COMPTES:
        code = draw(st.sampled_from(enum.values))
        k = draw(st.integers(0, n))
        comptes[f"{prefix}_{code}"] = comptes.get(f"{prefix}_{code}", 0) + k
        comptes[f"{prefix}_non_communique"] = comptes.get(f"{prefix}_non_communique", 0) + n - k
    individuel = type_ != TypeCra.COLLECTIF
    oriente = draw(st.sampled_from([None, True, False])) if individuel else None
    return {
        "adv": draw(st.sampled_from(ADVISORS)),
        "jour": draw(JOURS),
        "type": type_,
        "duree": draw(st.integers(1, 480) | st.sampled_from([29, 30, 59, 60, 119, 120])),
        "lieu": draw(st.sampled_from(TypeLieu.values)),
        "themes": sorted(draw(st.sets(st.sampled_from(Thematique.values), min_size=1, max_size=4))),
        "materiel": sorted(draw(st.sets(st.sampled_from(Materiel.values), max_size=3))),
        "participants": n,
        "comptes": comptes,
        "autonomie": draw(st.sampled_from(["", *Autonomie.values])) if individuel else "",
        "oriente": oriente,
        "redirection": draw(st.sampled_from(StructureRedirection.values)) if oriente else "",
        "tags": ", ".join(draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))),
        "supprime": draw(st.integers(0, 9)) == 0,
    }


@st.composite
def filtres_specs(draw):
    d1, d2 = sorted([draw(JOURS), draw(JOURS)])
    return {
        "debut": d1,
        "fin": d2,
        "region": draw(st.sampled_from(["", "", "84", "11"])),
        "departement": draw(st.sampled_from(["", "", "69", "75"])),
        "structure": draw(st.sampled_from([None, None, "s1", "s3"])),
        "conseiller": draw(st.sampled_from([None, None, "a1", "a4"])),
        "type": draw(st.sampled_from(["", "", TypeCra.INDIVIDUEL, TypeCra.COLLECTIF])),
        "thematique": draw(st.sampled_from(["", "", "email", "sante", "logement"])),
        "tag": draw(st.sampled_from(["", "", "senior", "numérique"])),
    }


PERIMETRES = (
    "national",
    "region:84",
    "departement:75",
    "structure:s1",
    "conseiller:a1",
    "coordinateur",
    "la_poste",
)


def _perimetre(jeu, cle):
    if cle == "national":
        return PERIMETRE_NATIONAL
    if cle == "coordinateur":
        return Perimetre("coordinateur", (jeu.a1.pk, jeu.a4.pk))
    if cle == "la_poste":
        return Perimetre("grand_reseau", ("la_poste",))
    niveau, code = cle.split(":")
    if niveau == "structure":
        return Perimetre(niveau, (getattr(jeu, code).pk,))
    if niveau == "conseiller":
        return Perimetre(niveau, (getattr(jeu, code).pk,))
    return Perimetre(niveau, (code,))


def _row(jeu, spec) -> Cra:
    conseiller = getattr(jeu, spec["adv"])
    structure = {"a1": jeu.s1, "a2": jeu.s1, "a3": jeu.s2, "a4": jeu.s3, "a6": jeu.s3}[spec["adv"]]
    values = public(spec["participants"])
    values.update({k: 0 for k in values})
    values.update(spec["comptes"])
    return Cra(
        conseiller=conseiller, structure=structure, departement_code=structure.departement_id,
        region_code=structure.region_id, date=spec["jour"], type=spec["type"], duree=spec["duree"],
        type_lieu=spec["lieu"], thematiques=bits_of(spec["themes"], Thematique),
        materiel=bits_of(spec["materiel"], Materiel), participants=spec["participants"],
        autonomie=spec["autonomie"], oriente=spec["oriente"], structure_redirection=spec["redirection"],
        tags=spec["tags"], deleted_at=spec["jour"] and (None if not spec["supprime"] else _now()), **values,
    )  # fmt: skip


def _now():
    from django.utils import timezone

    return timezone.now()


# --- the naive computation -------------------------------------------------------------------


def _naive(jeu, rows, perimetre, f):
    def in_scope(r):
        n = perimetre.niveau
        if n == "national":
            return True
        if n == "region":
            return r.region_code in perimetre.codes
        if n == "departement":
            return r.departement_code in perimetre.codes
        if n == "structure":
            return r.structure_id in perimetre.codes
        if n in ("conseiller", "coordinateur"):
            return r.conseiller_id in perimetre.codes
        return r.structure_id == jeu.s2.pk  # La Poste

    def matches(r, debut):
        tags = [t.strip().lower() for t in r.tags.split(",")]
        return (
            r.deleted_at is None and in_scope(r) and debut <= r.date <= f.fin
            and (not f.region or r.region_code == f.region)
            and (not f.departement or r.departement_code == f.departement)
            and (not f.structure or r.structure_id == f.structure)
            and (not f.conseiller or r.conseiller_id == f.conseiller)
            and (not f.type or r.type == f.type)
            and (not f.thematique or f.thematique in r.thematiques_codes)
            and (not f.tag or f.tag.lower() in tags)
        )  # fmt: skip

    sel = [r for r in rows if matches(r, f.debut)]
    out = {
        "cras": len(sel),
        "accompagnements": sum(r.participants if r.type == TypeCra.COLLECTIF else 1 for r in sel),
        "individuels": sum(r.type == TypeCra.INDIVIDUEL for r in sel),
        "ateliers": sum(r.type == TypeCra.COLLECTIF for r in sel),
        "participants_ateliers": sum(r.participants for r in sel if r.type == TypeCra.COLLECTIF),
        "minutes": sum(r.duree for r in sel),
        "thematiques": Counter(c for r in sel for c in r.thematiques_codes),
        "materiel": Counter(c for r in sel for c in r.materiel_codes),
        "lieux": Counter(r.type_lieu for r in sel),
        "durees": Counter(
            label
            for r in sel
            for _c, label, lo, hi in DUREES
            if r.duree >= lo and (hi is None or r.duree < hi)
        ),
        "autonomie": Counter(r.autonomie for r in sel if r.autonomie),
        "orientations": Counter({True: "oui", False: "non"}[r.oriente] for r in sel if r.oriente is not None),
        "redirections": Counter(r.structure_redirection for r in sel if r.oriente),
        "mensuel": Counter(r.date.replace(day=1) for r in sel),
    }
    for prefix, family in (("age", "ages"), ("genre", "genres"), ("statut", "statuts")):
        enum = dict(COMPTES)[prefix]
        out[family] = Counter({m.value: sum(getattr(r, f"{prefix}_{m.value}") for r in sel) for m in enum})
    debut_actifs = max(f.debut, f.fin - timedelta(days=29))
    out["conseillers_actifs"] = len({r.conseiller_id for r in rows if matches(r, debut_actifs)})
    return out


def _observed(s):
    def counter(items, key="code"):
        return Counter({getattr(i, key): i.valeur for i in items if i.valeur})

    return {
        "cras": s.cras, "accompagnements": s.accompagnements, "individuels": s.individuels,
        "ateliers": s.ateliers, "participants_ateliers": s.participants_ateliers, "minutes": s.minutes,
        "thematiques": counter(s.thematiques), "materiel": counter(s.materiel), "lieux": counter(s.lieux),
        "durees": counter(s.durees, "libelle"), "autonomie": counter(s.autonomie),
        "orientations": counter(s.orientations), "redirections": counter(s.redirections),
        "mensuel": Counter({m.mois: m.cras for m in s.mensuel if m.cras}),
        "ages": counter(s.ages), "genres": counter(s.genres), "statuts": counter(s.statuts),
        "conseillers_actifs": s.conseillers_actifs,
    }  # fmt: skip


def _clean(counter_or_value):
    if isinstance(counter_or_value, Counter):
        return Counter({k: v for k, v in counter_or_value.items() if v})
    return counter_or_value


@HYPOTHESIS
@given(
    specs=st.lists(cra_specs(), max_size=30),
    requetes=st.lists(st.tuples(st.sampled_from(PERIMETRES), filtres_specs()), min_size=1, max_size=4),
)
def test_statistics_equal_naive_computation(jeu, specs, requetes):
    with transaction.atomic():
        Cra.objects.all().delete()
        rows = Cra.objects.bulk_create([_row(jeu, spec) for spec in specs])
        cumuls.reconstruire()
        for cle, fspec in requetes:
            perimetre = _perimetre(jeu, cle)
            fspec = dict(fspec)
            for name in ("structure", "conseiller"):
                if fspec[name]:
                    fspec[name] = getattr(jeu, fspec[name]).pk
            f = Filtres(**fspec)
            stats = calculer(perimetre, f)
            expected = {k: _clean(v) for k, v in _naive(jeu, rows, perimetre, f).items()}
            assert _observed(stats) == expected, (cle, f, stats.source)
            # agreger: the same months (whole-month periods read the monthly rollup).
            for whole in (False, True):
                g = (
                    f.remplacer(debut=f.debut.replace(day=1), fin=f.fin.replace(day=1) - timedelta(days=1))
                    if whole
                    else f
                )
                if g.debut > g.fin:
                    continue
                monthly = {r["mois"]: r["cras"] for r in agreger(perimetre, g, ("mois",)) if r["cras"]}
                naive = _clean(_naive(jeu, rows, perimetre, g)["mensuel"])
                assert Counter(monthly) == naive, (cle, g)
            # Shares: of CRAs for themes, of the public for ages.
            if stats.cras:
                email = next(t for t in stats.thematiques if t.code == "email")
                assert email.part == round(100 * email.valeur / stats.cras, 1)
        transaction.set_rollback(True)


# --- rollup maintenance ----------------------------------------------------------------------


def _cumul_table():
    keys = ("jour", "departement_code", "region_code", "type")
    names = list(expressions())
    return {
        tuple(r[k] for k in keys): tuple(r[n] for n in names) for r in CumulJour.objects.values(*keys, *names)
    }


def _raw_table():
    names = list(expressions())
    qs = Cra.objects.actifs().order_by().values("date", "departement_code", "region_code", "type")
    return {
        (r["date"], r["departement_code"], r["region_code"], r["type"]): tuple(r[n] for n in names)
        for r in qs.annotate(**expressions())
    }


def _mois_tables():
    from django.db.models.functions import TruncMonth

    from statistiques.models import CumulMois

    names = list(expressions())
    keys = ("departement_code", "region_code", "type")
    rollup = {
        (str(r["mois"])[:10], *(r[k] for k in keys)): tuple(r[n] for n in names)
        for r in CumulMois.objects.values("mois", *keys, *names)
    }
    qs = Cra.objects.actifs().order_by().annotate(m=TruncMonth("date")).values("m", *keys)
    raw = {
        (str(r["m"])[:10], *(r[k] for k in keys)): tuple(r[n] for n in names)
        for r in qs.annotate(**expressions())
    }
    return rollup, raw


def _activite_tables():
    from django.db.models import Count

    from statistiques.models import ActiviteJour

    keys = ("conseiller_id", "structure_id", "departement_code", "region_code", "type")
    rollup = {
        (r["jour"], *(r[k] for k in keys)): r["cras"]
        for r in ActiviteJour.objects.values("jour", *keys, "cras")
    }
    qs = Cra.objects.actifs().order_by().values("date", *keys).annotate(n=Count("id"))
    return rollup, {(r["date"], *(r[k] for k in keys)): r["n"] for r in qs}


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("creer"), cra_specs()),
        st.tuples(st.just("modifier"), st.integers(0, 50), JOURS, st.sampled_from(["s1", "s3"])),
        st.tuples(st.just("supprimer"), st.integers(0, 50)),
        st.tuples(st.just("restaurer"), st.integers(0, 50)),
        st.tuples(st.just("effacer"), st.integers(0, 50)),
        st.tuples(st.just("importer"), st.lists(cra_specs(), max_size=5)),
        st.tuples(st.just("rafraichir")),
    ),
    max_size=25,
)


@HYPOTHESIS
@given(operations=OPERATIONS)
def test_rollup_equals_raw_after_any_writes(jeu, operations):
    """Filing, edits (date, structure), soft deletes, restores, deletions and imports mark keys
    dirty; after a refresh the rollup equals the raw aggregate, and so do the statistics."""
    with transaction.atomic():
        cumuls.reconstruire()
        assert _cumul_table() == _raw_table()
        for op in operations:
            existing = list(Cra.objects.order_by("pk"))
            if op[0] == "creer":
                _row(jeu, op[1]).save()
            elif op[0] == "importer":
                rows = Cra.objects.bulk_create([_row(jeu, spec) for spec in op[1]])
                cra_ecrits_en_masse.send(sender=Cra, rows=rows)
            elif op[0] == "rafraichir":
                cumuls.rafraichir()
            elif existing:
                obj = existing[op[1] % len(existing)]
                if op[0] == "modifier":
                    structure = getattr(jeu, op[3])
                    obj.date, obj.structure = op[2], structure
                    obj.departement_code, obj.region_code = structure.departement_id, structure.region_id
                    obj.save()
                elif op[0] == "supprimer":
                    obj.deleted_at = _now()
                    obj.save(update_fields=["deleted_at", "updated_at"])
                elif op[0] == "restaurer":
                    obj.deleted_at = None
                    obj.save(update_fields=["deleted_at", "updated_at"])
                else:
                    obj.delete()
        cumuls.rafraichir()
        assert _cumul_table() == _raw_table()
        rollup, raw = _mois_tables()
        assert rollup == raw
        rollup, raw = _activite_tables()
        assert rollup == raw
        f = Filtres(debut=date(2025, 10, 1), fin=date(2026, 8, 31))
        rollup = calculer(PERIMETRE_NATIONAL, f)
        raw = calculer(Perimetre("structure", (jeu.s1.pk, jeu.s2.pk, jeu.s3.pk)), f)
        assert rollup.source == "cumul" and raw.source == "brut"
        assert _observed(rollup) == _observed(raw)
        transaction.set_rollback(True)
