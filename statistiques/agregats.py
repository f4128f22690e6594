"""The counters every statistic is built from, defined once.

Each counter is a name and an aggregate expression over ``cra.Cra`` rows. The same names are
the columns of the daily rollup (``CumulJour``): the rollup stores, per (day, département,
région, type), the raw aggregate of each counter, and reading the rollup sums them. So raw and
rollup figures come from one definition (and a test checks they agree on random data).
"""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from cra.enums import (
    COMPTES,
    Autonomie,
    Materiel,
    StructureRedirection,
    Thematique,
    TypeCra,
    TypeLieu,
)

# Duration buckets (minutes): [min, max) — DOMAIN.md §7.
DUREES = (
    ("moins_30", "Moins de 30 min", 0, 30),
    ("30_60", "30 min à 1 h", 30, 60),
    ("60_120", "1 h à 2 h", 60, 120),
    ("120_plus", "2 h et plus", 120, None),
)
ORIENTATIONS = (("oui", "Orienté vers une autre structure"), ("non", "Non orienté"))

# Headline counters (also what ``agreger`` returns).
PRINCIPAUX = ("cras", "accompagnements", "individuels", "ateliers", "participants_ateliers", "minutes")


def _sum(expression):
    return Coalesce(Sum(expression), Value(0), output_field=IntegerField())


def _count(condition: Q):
    return Count("id", filter=condition)


def _bit(field: str, index: int):
    return _sum(F(field).bitrightshift(index).bitand(1))


def familles() -> dict[str, list[tuple[str, str, str]]]:
    """{family: [(code, label, counter name)]} for the list figures."""
    out = {
        "thematiques": [(m.value, m.label, f"theme_{m.value}") for m in Thematique],
        "lieux": [(m.value, m.label, f"lieu_{m.value}") for m in TypeLieu],
        "durees": [(code, label, f"duree_{code}") for code, label, _a, _b in DUREES],
        "autonomie": [(m.value, m.label, f"autonomie_{m.value}") for m in Autonomie],
        "orientations": [(code, label, f"oriente_{code}") for code, label in ORIENTATIONS],
        "redirections": [(m.value, m.label, f"redirection_{m.value}") for m in StructureRedirection],
        "materiel": [(m.value, m.label, f"materiel_{m.value}") for m in Materiel],
    }
    for prefix, enum in COMPTES:
        family = {"age": "ages", "genre": "genres", "statut": "statuts"}[prefix]
        out[family] = [(m.value, m.label, f"{prefix}_{m.value}") for m in enum]
    return out


def expressions() -> dict[str, object]:
    """{counter name: aggregate over Cra rows}, in a stable order (the rollup's columns)."""
    collectif = Q(type=TypeCra.COLLECTIF)
    exprs: dict[str, object] = {
        "cras": Count("id"),
        "accompagnements": _sum(
            Case(When(collectif, then=F("participants")), default=Value(1), output_field=IntegerField())
        ),
        "individuels": _count(Q(type=TypeCra.INDIVIDUEL)),
        "ateliers": _count(collectif),
        "participants_ateliers": _sum(
            Case(When(collectif, then=F("participants")), default=Value(0), output_field=IntegerField())
        ),
        "minutes": _sum("duree"),
    }
    for code, _label, low, high in DUREES:
        condition = Q(duree__gte=low) if high is None else Q(duree__gte=low, duree__lt=high)
        exprs[f"duree_{code}"] = _count(condition)
    for m in TypeLieu:
        exprs[f"lieu_{m.value}"] = _count(Q(type_lieu=m.value))
    for index, m in enumerate(Thematique):
        exprs[f"theme_{m.value}"] = _bit("thematiques", index)
    for index, m in enumerate(Materiel):
        exprs[f"materiel_{m.value}"] = _bit("materiel", index)
    for prefix, enum in COMPTES:
        for m in enum:
            exprs[f"{prefix}_{m.value}"] = _sum(f"{prefix}_{m.value}")
    for m in Autonomie:
        exprs[f"autonomie_{m.value}"] = _count(Q(autonomie=m.value))
    exprs["oriente_oui"] = _count(Q(oriente=True))
    exprs["oriente_non"] = _count(Q(oriente=False))
    for m in StructureRedirection:
        exprs[f"redirection_{m.value}"] = _count(Q(oriente=True, structure_redirection=m.value))
    return exprs


COMPTEURS = tuple(expressions())
