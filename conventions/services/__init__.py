"""Every state change of conventions, tranches, documents and renewals.

Each function takes keyword-only arguments, checks the current state and the actor, locks the
rows it changes (``select_for_update``), validates with ``full_clean()``, records who did it in
the history, queues emails through the outbox and raises :class:`DomainError` in French.

The services are split by flow; import them from this package (``conventions.services``):

- ``conventionnement``: barème lookup, frozen amounts, draft, send, sign, tranche schedule;
- ``tranches``: blocking reason, computation, due marking, payment, suspension, credit notes;
- ``avenants``: amendments on the posts (by hand or automatic) and convention ends;
- ``pieces``: supporting documents;
- ``reconventionnement``: renewal;
- ``rappels``: reminders and the operators' digest;
- ``_commun``: helpers shared by the modules above.
"""

from conumapp.services import DomainError

from ._commun import _lock, _postes_couverts, _require_member, _require_operator, _save
from .avenants import convention_avenant_postes, convention_terminer, postes_modifies
from .conventionnement import (
    _freeze,
    _rediger,
    bareme_pour,
    convention_envoyer,
    convention_rediger,
    convention_signer,
    echeancier_poste,
)
from .pieces import piece_accepter, piece_deposer, piece_refuser
from .rappels import SEUILS_RAPPEL, digest_operateurs, rappels_justificatif, rappels_reconventionnement
from .reconventionnement import (
    candidats_renouvellement,
    reconventionnement_initier,
    reconventionnement_non_interesse,
    reconventionnement_valider,
    renouvellement_en_attente,
)
from .tranches import (
    avoir_enregistrer,
    calcul_tranche,
    motif_blocage,
    tranche_reprendre,
    tranche_suspendre,
    tranche_verser,
    tranches_marquer_dues,
)

__all__ = [
    "SEUILS_RAPPEL",
    "DomainError",
    "_freeze",
    "_lock",
    "_postes_couverts",
    "_rediger",
    "_require_member",
    "_require_operator",
    "_save",
    "avoir_enregistrer",
    "bareme_pour",
    "calcul_tranche",
    "candidats_renouvellement",
    "convention_avenant_postes",
    "convention_envoyer",
    "convention_rediger",
    "convention_signer",
    "convention_terminer",
    "digest_operateurs",
    "echeancier_poste",
    "motif_blocage",
    "piece_accepter",
    "piece_deposer",
    "piece_refuser",
    "postes_modifies",
    "rappels_justificatif",
    "rappels_reconventionnement",
    "reconventionnement_initier",
    "reconventionnement_non_interesse",
    "reconventionnement_valider",
    "renouvellement_en_attente",
    "tranche_reprendre",
    "tranche_suspendre",
    "tranche_verser",
    "tranches_marquer_dues",
]
