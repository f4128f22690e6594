"""Pure money and date computations: schedules, allocation to the cent, pro rata of occupied months.

No database access here, so every rule is property-tested (tests/conventions/test_calculs.py).
Money is always ``Decimal`` with two decimal places; never float.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def allocate(total: Decimal, parts: int) -> list[Decimal]:
    """Split ``total`` into ``parts`` amounts that sum exactly to it.

    Each part is the floor to the cent; the remaining cents go one by one to the first parts
    (deterministic), so no part differs from another by more than one cent.
    """
    if parts <= 0:
        raise ValueError("parts must be positive")
    total = cents(total)
    if total < 0:
        raise ValueError("total must not be negative")
    total_cents = int(total * 100)
    base, remainder = divmod(total_cents, parts)
    return [Decimal(base + (1 if index < remainder else 0)) / 100 for index in range(parts)]


@dataclass(frozen=True)
class Echeance:
    numero: int
    date_prevue: date
    periode_debut: date
    periode_fin: date  # exclusive
    montant: Decimal


def echeancier_echeances(*, debut: date, offsets_mois: list[int], montant_total: Decimal) -> list[Echeance]:
    """Tranches at ``offsets_mois`` months after ``debut``; the total split equally to the cent.

    Each tranche's period runs from the previous tranche (or the start) to its own date.
    """
    offsets = sorted(set(offsets_mois))
    if not offsets or offsets[0] < 0:
        raise ValueError("offsets must be non-negative and non-empty")
    montants = allocate(montant_total, len(offsets))
    result = []
    previous = debut
    for index, (offset, montant) in enumerate(zip(offsets, montants, strict=True), start=1):
        day = add_months(debut, offset)
        result.append(Echeance(index, day, previous, day, montant))
        previous = day
    return result


def echeancier_annuel(*, debut: date, montants_annuels: list[Decimal]) -> list[Echeance]:
    """One tranche per year of convention, on each anniversary of ``debut`` (year 1 on ``debut``).

    A tranche is adjusted on the year before it (the first one has no past period).
    """
    result = []
    previous = debut
    for index, montant in enumerate(montants_annuels, start=1):
        day = add_months(debut, 12 * (index - 1))
        result.append(Echeance(index, day, previous, day, cents(montant)))
        previous = day
    return result


def mois_du_periode(debut: date, fin: date) -> list[tuple[date, date]]:
    """The monthly slots [start, end) covering [debut, fin); the last one may be shorter."""
    slots = []
    index = 0
    start = debut
    while start < fin:
        index += 1
        end = min(add_months(debut, index), fin)
        slots.append((start, end))
        start = end
    return slots


def jours_couverts(slot: tuple[date, date], periodes: list[tuple[date, date | None]]) -> int:
    """Days of ``slot`` [start, end) covered by the union of ``periodes`` (inclusive ends, None = open)."""
    start, end = slot
    covered: set[date] = set()
    for p_start, p_end in periodes:
        inclusive_end = (p_end + timedelta(days=1)) if p_end else end
        lo, hi = max(start, p_start), min(end, inclusive_end)
        day = lo
        while day < hi:
            covered.add(day)
            day += timedelta(days=1)
    return len(covered)


SEUIL_MOIS_POURVU = 15  # a month counts as filled with at least 15 days with an advisor in post


@dataclass(frozen=True)
class ProRata:
    montant: Decimal
    mois_total: int
    mois_pourvus: int
    lignes: list[str]


def prorata(
    *,
    montant: Decimal,
    periode_debut: date,
    periode_fin: date,
    periodes_occupees: list[tuple[date, date | None]],
) -> ProRata:
    """Adjust ``montant`` to the share of months of [periode_debut, periode_fin) with an advisor in post.

    A month counts as filled when at least 15 of its days (or all of a shorter last slot) are
    covered. The result is rounded down to the cent: never negative, never above ``montant``.
    """
    montant = cents(montant)
    slots = mois_du_periode(periode_debut, periode_fin)
    if not slots:
        return ProRata(montant, 0, 0, ["Aucune période écoulée avant cette tranche : montant plein."])
    lignes = []
    pourvus = 0
    for start, end in slots:
        days = (end - start).days
        covered = jours_couverts((start, end), periodes_occupees)
        needed = min(SEUIL_MOIS_POURVU, days)
        ok = covered >= needed
        pourvus += ok
        lignes.append(
            f"Du {start:%d/%m/%Y} au {end - timedelta(days=1):%d/%m/%Y} : {covered} jour(s) sur {days} "
            f"avec un conseiller en poste → {'mois pourvu' if ok else 'mois non pourvu'}"
        )
    adjusted = (montant * pourvus / len(slots)).quantize(CENT, rounding=ROUND_DOWN)
    lignes.append(f"{montant} € × {pourvus} mois pourvu(s) / {len(slots)} mois = {adjusted} €")
    return ProRata(adjusted, len(slots), pourvus, lignes)
