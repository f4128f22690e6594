"""Every state change of candidates, recruitments (mises en relation), contracts, extensions,
contract ends (ruptures) and declared leave (DOMAIN.md §2.6–2.8, §3).

Each function takes keyword-only arguments, checks the current state and the actor, locks the
rows it changes (``select_for_update``), validates with ``full_clean()``, records who did it in
the history (``_history_user``), queues emails through the outbox and raises
:class:`DomainError` in French.

The services are split by flow; import them from this package (``conseillers.services``):

- ``candidats``: candidate profile (location, sign-up, edits, availability, erasure);
- ``recrutement``: recruitment pipeline, structure side (shortlist, contract) and operator side
  (validation);
- ``contrats``: extensions, contract ends (ruptures) and declared leave;
- ``_commun``: constants (``S``, ``RUPTURE_BLOCKERS``, ``STATUTS_RECRUTE_UN_JOUR``) and helpers
  shared by the modules above, including the post state changes.

``RUPTURE_BLOCKERS`` is defined in ``_commun`` and re-exported here as the same list: append to
it from either place, but replace it (tests) on ``conseillers.services._commun``.
"""

from conumapp.services import DomainError

from .. import notifications
from ._commun import (
    RUPTURE_BLOCKERS,
    STATUTS_RECRUTE_UN_JOUR,
    S,
    _check_salaire,
    _emails_membres,
    _is_member,
    _lock_mer,
    _occupants,
    _poste_liberer,
    _poste_occuper,
    _require_member,
    _require_operator,
    _save,
)
from .candidats import (
    _oublier_utilisateur,
    candidat_disponibilite,
    candidat_modifier,
    candidat_supprimer,
    candidature_creer,
    localiser,
)
from .contrats import (
    conge_declarer,
    prolongation_demander,
    prolongation_valider,
    rupture_dossier_incomplet,
    rupture_notifier,
    rupture_valider,
)
from .recrutement import (
    _decider,
    _structure_recrutant,
    contrat_declarer,
    ecarter,
    mise_en_relation_ouvrir,
    preselectionner,
    recrutement_annuler,
    recrutement_valider,
)

__all__ = [
    "RUPTURE_BLOCKERS",
    "STATUTS_RECRUTE_UN_JOUR",
    "DomainError",
    "S",
    "_check_salaire",
    "_decider",
    "_emails_membres",
    "_is_member",
    "_lock_mer",
    "_occupants",
    "_oublier_utilisateur",
    "_poste_liberer",
    "_poste_occuper",
    "_require_member",
    "_require_operator",
    "_save",
    "_structure_recrutant",
    "candidat_disponibilite",
    "candidat_modifier",
    "candidat_supprimer",
    "candidature_creer",
    "conge_declarer",
    "contrat_declarer",
    "ecarter",
    "localiser",
    "mise_en_relation_ouvrir",
    "notifications",
    "preselectionner",
    "prolongation_demander",
    "prolongation_valider",
    "recrutement_annuler",
    "recrutement_valider",
    "rupture_dossier_incomplet",
    "rupture_notifier",
    "rupture_valider",
]
