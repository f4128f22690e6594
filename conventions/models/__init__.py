"""Conventions and subsidies: rate table (barème), conventions, amendments, tranches, credit notes,
documents, renewals.

Statuses are owned by ``conventions.services``: never set them by hand.

One module a concern, every name importable from ``conventions.models``:

- ``_commun``: money fields and sums, the structure scope, the months parser;
- ``bareme``: the rate table;
- ``convention``: conventions, amendments, tranches, credit notes;
- ``pieces``: supporting documents and renewals.
"""

from ._commun import MONEY, ZERO, _money_sum, _structure_scope, parse_echeances
from .bareme import Bareme
from .convention import Avenant, Avoir, Convention, ConventionQuerySet, Tranche, TrancheQuerySet
from .pieces import (
    PieceJustificative,
    PieceQuerySet,
    Reconventionnement,
    ReconventionnementConseiller,
    ReconventionnementQuerySet,
)

__all__ = [
    "MONEY",
    "ZERO",
    "Avenant",
    "Avoir",
    "Bareme",
    "Convention",
    "ConventionQuerySet",
    "PieceJustificative",
    "PieceQuerySet",
    "Reconventionnement",
    "ReconventionnementConseiller",
    "ReconventionnementQuerySet",
    "Tranche",
    "TrancheQuerySet",
    "_money_sum",
    "_structure_scope",
    "parse_echeances",
]
