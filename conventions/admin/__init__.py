"""Back office: rate table, conventions (workflow views), tranche queue, documents, renewals, exports.

Importing this package registers every model admin of the app, one module a screen:

- ``baremes``: the rate table;
- ``conventions``: conventions (workflow views, exports), credit notes and amendments;
- ``tranches``: the tranche queue (payment, suspension, export);
- ``pieces``: supporting documents;
- ``reconventionnement``: renewals;
- ``forms`` and ``_commun``: the forms and the confirmation page those screens share.
"""

from ._commun import _confirm
from .baremes import BaremeAdmin
from .conventions import (
    ARegulariserFilter,
    AvenantAdmin,
    AvenantInline,
    AvoirAdmin,
    AvoirInline,
    ConventionAdmin,
    FinAvantFilter,
    TrancheInline,
    TranchesDuesFilter,
    call_kwargs,
)
from .forms import _AvoirForm, _DateForm, _FinForm, _MotifForm, _VersementForm
from .pieces import PieceJustificativeAdmin
from .reconventionnement import LigneInline, ReconventionnementAdmin
from .tranches import TrancheAdmin, TrancheStatutFilter, run_kwargs

__all__ = [
    "ARegulariserFilter",
    "AvenantAdmin",
    "AvenantInline",
    "AvoirAdmin",
    "AvoirInline",
    "BaremeAdmin",
    "ConventionAdmin",
    "FinAvantFilter",
    "LigneInline",
    "PieceJustificativeAdmin",
    "ReconventionnementAdmin",
    "TrancheAdmin",
    "TrancheInline",
    "TrancheStatutFilter",
    "TranchesDuesFilter",
    "_AvoirForm",
    "_DateForm",
    "_FinForm",
    "_MotifForm",
    "_VersementForm",
    "_confirm",
    "call_kwargs",
    "run_kwargs",
]
