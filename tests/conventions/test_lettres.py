from decimal import Decimal

import pytest

from conventions.lettres import montant_en_lettres


@pytest.mark.parametrize(
    ("montant", "expected"),
    [
        ("50000", "cinquante mille euros"),
        ("42500", "quarante-deux mille cinq cents euros"),
        ("17500", "dix-sept mille cinq cents euros"),
        ("1", "un euro"),
        ("0", "zéro euro"),
        ("71", "soixante et onze euros"),
        ("80", "quatre-vingts euros"),
        ("81", "quatre-vingt-un euros"),
        ("99", "quatre-vingt-dix-neuf euros"),
        ("200", "deux cents euros"),
        ("201", "deux cent un euros"),
        ("1000", "mille euros"),
        ("21", "vingt et un euros"),
        ("80000", "quatre-vingt mille euros"),
        ("1000000", "un million d'euros"),
        ("2500000", "deux millions cinq cent mille euros"),
        ("16666.67", "seize mille six cent soixante-six euros et soixante-sept centimes"),
        ("100.01", "cent euros et un centime"),
    ],
)
def test_montant_en_lettres(montant, expected):
    assert montant_en_lettres(Decimal(montant)) == expected
