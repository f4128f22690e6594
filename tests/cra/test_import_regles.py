"""The import checks rows without model instances (speed): ``importer._check`` must apply
exactly the rules and messages of ``Cra.clean``. Random rows, both checks, same outcome."""

from datetime import date

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from cra.enums import COMPTES, StructureRedirection, TypeCra
from cra.importer import LigneCra, Refus, _check
from cra.models import Cra

COUNT_COLUMNS = [f"{prefix}_{m.value}" for prefix, enum in COMPTES for m in enum]
TODAY = date(2026, 6, 1)

rows = st.fixed_dictionaries(
    {
        "date": st.dates(min_value=date(2020, 1, 1), max_value=TODAY),
        "type": st.sampled_from([m.value for m in TypeCra]),
        "duree": st.integers(-5, 600),
        "thematiques": st.sampled_from([0, 1, 6, 1 << 29]),
        "participants": st.integers(0, 120),
        "participants_recurrents": st.integers(0, 120),
        "oriente": st.sampled_from([True, False, None]),
        "structure_redirection": st.sampled_from(["", *StructureRedirection.values]),
        "note": st.sampled_from(["", "court", "x" * 501]),
        **{column: st.integers(0, 4) for column in COUNT_COLUMNS},
    }
)


def model_outcome(values):
    cra = Cra(**values)
    try:
        cra.clean()
    except ValidationError as error:
        return " ".join(error.messages), cra.structure_redirection
    return None, cra.structure_redirection


def import_outcome(values):
    row = LigneCra()
    row.__dict__.update(values)
    try:
        _check(row, TODAY)
    except Refus as refus:
        return str(refus), row.structure_redirection
    return None, row.structure_redirection


@settings(max_examples=300, deadline=None)
@given(values=rows)
def test_import_check_equals_model_clean(values):
    assert import_outcome(values) == model_outcome(values)


@settings(max_examples=50, deadline=None)
@given(values=rows, participants=st.integers(1, 30))
def test_import_check_equals_model_clean_with_consistent_counts(values, participants):
    # Rows whose counts add up (the import fills « non communiqué »): the other rules decide.
    values = {**values, "participants": participants, **dict.fromkeys(COUNT_COLUMNS, 0)}
    for prefix, _enum in COMPTES:
        values[f"{prefix}_non_communique"] = participants
    assert import_outcome(values) == model_outcome(values)
