"""Schedules, allocation to the cent and pro rata: examples and properties (hypothesis)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conventions.calculs import (
    add_months,
    allocate,
    echeancier_annuel,
    echeancier_echeances,
    prorata,
)

money = st.decimals(
    min_value=Decimal("0"), max_value=Decimal("10000000"), places=2, allow_nan=False, allow_infinity=False
)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
    ],
)
def test_add_months_across_month_ends_and_leap_years(start, months, expected):
    assert add_months(start, months) == expected


def test_guide_2021_schedule_signed_on_31_january():
    schedule = echeancier_echeances(
        debut=date(2024, 1, 31), offsets_mois=[1, 6, 12], montant_total=Decimal("50000")
    )
    assert [e.date_prevue for e in schedule] == [date(2024, 2, 29), date(2024, 7, 31), date(2025, 1, 31)]
    assert [e.montant for e in schedule] == [Decimal("16666.67"), Decimal("16666.67"), Decimal("16666.66")]
    assert sum(e.montant for e in schedule) == Decimal("50000.00")
    assert schedule[0].periode_debut == date(2024, 1, 31)
    assert schedule[1].periode_debut == date(2024, 2, 29)


def test_annual_schedule_signed_on_29_february():
    schedule = echeancier_annuel(
        debut=date(2024, 2, 29), montants_annuels=[Decimal("20000"), Decimal("17500"), Decimal("12500")]
    )
    assert [e.date_prevue for e in schedule] == [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28)]
    assert schedule[0].periode_debut == schedule[0].periode_fin  # nothing to adjust for the first one


@settings(deadline=None)  # no timing assertion: correctness only
@given(total=money, parts=st.integers(min_value=1, max_value=40))
def test_allocate_preserves_the_sum_to_the_cent(total, parts):
    amounts = allocate(total, parts)
    assert sum(amounts) == total
    assert all(a >= 0 for a in amounts)
    assert max(amounts) - min(amounts) <= Decimal("0.01")
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts)


@settings(deadline=None)  # no timing assertion: correctness only
@given(
    total=money, debut=days, offsets=st.lists(st.integers(min_value=0, max_value=48), min_size=1, max_size=8)
)
def test_schedule_sum_equals_committed_and_dates_are_ordered(total, debut, offsets):
    schedule = echeancier_echeances(debut=debut, offsets_mois=offsets, montant_total=total)
    assert sum(e.montant for e in schedule) == total
    dates = [e.date_prevue for e in schedule]
    assert dates == sorted(dates)
    assert all(e.periode_debut <= e.periode_fin == e.date_prevue for e in schedule)


@settings(deadline=None)  # no timing assertion: correctness only
@given(debut=days, montants=st.lists(money, min_size=1, max_size=3))
def test_annual_schedule_one_tranche_per_year_sum_preserved_dates_in_order(debut, montants):
    schedule = echeancier_annuel(debut=debut, montants_annuels=montants)
    assert len(schedule) == len(montants)
    assert sum(e.montant for e in schedule) == sum(montants)
    assert all(e.montant >= 0 and e.montant == e.montant.quantize(Decimal("0.01")) for e in schedule)
    assert [e.numero for e in schedule] == list(range(1, len(montants) + 1))
    dates = [e.date_prevue for e in schedule]
    assert dates[0] == debut and dates == sorted(dates) and len(set(dates)) == len(dates)
    assert all(e.periode_debut <= e.periode_fin == e.date_prevue for e in schedule)
    # Each tranche is adjusted on the year before it: the periods follow each other without a gap
    assert all(a.periode_fin == b.periode_debut for a, b in zip(schedule, schedule[1:], strict=False))
    assert all(add_months(debut, 12 * (e.numero - 1)) == e.date_prevue for e in schedule)


periods = st.lists(
    st.tuples(days, st.one_of(st.none(), st.integers(min_value=0, max_value=900))).map(
        lambda t: (t[0], None if t[1] is None else t[0] + timedelta(days=t[1]))
    ),
    max_size=4,
)


@settings(deadline=None)  # no timing assertion: correctness only
@given(montant=money, debut=days, length=st.integers(min_value=0, max_value=400), occupied=periods)
def test_prorata_never_negative_never_above_planned(montant, debut, length, occupied):
    result = prorata(
        montant=montant,
        periode_debut=debut,
        periode_fin=debut + timedelta(days=length),
        periodes_occupees=occupied,
    )
    assert Decimal("0") <= result.montant <= montant
    assert 0 <= result.mois_pourvus <= result.mois_total
    assert result.lignes


@settings(deadline=None)  # no timing assertion: correctness only
@given(montant=money, debut=days, length=st.integers(min_value=1, max_value=400))
def test_prorata_full_when_always_occupied_and_zero_when_never(montant, debut, length):
    fin = debut + timedelta(days=length)
    full = prorata(
        montant=montant,
        periode_debut=debut,
        periode_fin=fin,
        periodes_occupees=[(debut - timedelta(days=5), None)],
    )
    assert full.montant == montant
    empty = prorata(montant=montant, periode_debut=debut, periode_fin=fin, periodes_occupees=[])
    assert empty.montant == Decimal("0.00")


def test_prorata_example_with_lines():
    # 6 months funded; the advisor left on 10 April: Jan, Feb, Mar filled, Apr (10 days) not.
    result = prorata(
        montant=Decimal("12500.00"),
        periode_debut=date(2024, 1, 1),
        periode_fin=date(2024, 7, 1),
        periodes_occupees=[(date(2023, 6, 1), date(2024, 4, 10))],
    )
    assert (result.mois_pourvus, result.mois_total) == (3, 6)
    assert result.montant == Decimal("6250.00")
    assert result.lignes[-1] == "12500.00 € × 3 mois pourvu(s) / 6 mois = 6250.00 €"
    assert "10 jour(s) sur 30" in result.lignes[3]
