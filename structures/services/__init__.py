"""Every state change of structures, posts, post requests, members and invitations.

Each function takes keyword-only arguments, checks the current state and the actor, locks the
rows it changes (``select_for_update``), validates with ``full_clean()``, records who did it in
the history, queues emails through the outbox and raises :class:`DomainError` in French.

The services are split by flow; import them from this package (``structures.services``):

- ``candidature``: SIRET check, filing, the prefecture's opinion, duplicates;
- ``coselec``: committee decisions (one structure or several) and the posts following the quota;
- ``postes``: requests to add or return posts (opinion, decision) and post transfers;
- ``membres``: invitations and members;
- ``lieux``: places of activity;
- ``_commun``: helpers shared by the modules above (actor checks, validated saves, row locks).
"""

from conumapp.services import DomainError

from ._commun import (
    STATUTS_DECIDABLES,
    _lock,
    _require_member,
    _require_operator,
    _require_prefecture,
    _save,
    est_membre,
)
from .candidature import (
    STATUTS_AVIS_PREFET,
    avis_prefet_donner,
    candidature_deposer,
    marquer_doublon,
    siret_existe,
)
from .coselec import _ajuster_postes, _decider, coselec_decider, coselec_decider_en_masse, coselec_obtenir
from .lieux import (
    LIEU_CHAMPS,
    _remplir_lieu,
    _require_member_or_operator,
    lieu_creer,
    lieu_modifier,
    lieu_supprimer,
)
from .membres import invitation_accepter, invitation_creer, membre_retirer
from .postes import demande_avis_prefet, demande_creer, demande_decider, poste_transferer

__all__ = [
    "est_membre",
    "LIEU_CHAMPS",
    "STATUTS_AVIS_PREFET",
    "STATUTS_DECIDABLES",
    "DomainError",
    "_ajuster_postes",
    "_decider",
    "_lock",
    "_remplir_lieu",
    "_require_member",
    "_require_member_or_operator",
    "_require_operator",
    "_require_prefecture",
    "_save",
    "avis_prefet_donner",
    "candidature_deposer",
    "coselec_decider",
    "coselec_decider_en_masse",
    "coselec_obtenir",
    "demande_avis_prefet",
    "demande_creer",
    "demande_decider",
    "invitation_accepter",
    "invitation_creer",
    "lieu_creer",
    "lieu_modifier",
    "lieu_supprimer",
    "marquer_doublon",
    "membre_retirer",
    "poste_transferer",
    "siret_existe",
]
