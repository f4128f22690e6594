"""THE access table: every URL of the project × every role × GET/POST → expected outcome.

``tests/security/test_access_matrix.py`` walks the whole URL conf (``get_resolver()``,
recursively, namespaces included) and fails for any pattern without an entry here:
« URL sans entrée dans la table d'accès : … ». Adding a URL = adding its line to the
module of its app below (``structures.py``, ``conseillers.py``, …); ``TABLE`` is their
union, in this order, and a URL listed in two modules fails at import.

Roles (``ROLES``, users built in ``tests/security/conftest.py``)
-----------------------------------------------------------------
``anonyme``; ``candidat`` (a candidate near structure A); ``conseiller`` (advisor in post at A);
``autre_conseiller`` (advisor in post at B); ``membre`` (member of structure A);
``autre_membre`` (member of B); ``membre_non_valide`` (side C: member of ``candidature_c``, a
structure still applying in A's département: not validated, it may not recruit);
``prefecture`` (département of A, 69); ``autre_prefecture``
(département of B, 75); ``coordinateur`` (coordinates A's advisor; no territory); ``hub``
(région of A, 84); ``grand_reseau`` (A's network); ``operateur`` (staff, the back office).
A is in Rhône (69, région 84), B in Paris (75, région 11): two départements, two régions.

The world (objects, by name: ``w.structure_a``, ``w.mer_a``, ``w.cra_b``, …) is documented
in ``conftest.py``. Every visible datum of side A carries ``ZZA``, of side B ``ZZB``, of side C
``ZZC``: any response to a role of one side containing another side's marker fails (except
``ALSO_SEES``: the prefecture and the hub oversee side C's territory), including file
downloads, PDFs (text extracted), spreadsheets and JSON.

Format of an entry
------------------
::

    "app:name": Url(
        Case("A", kwargs=lambda w: {"pk": w.structure_a.pk},
             get=E(404, anonyme=LOGIN, membre=200, operateur=200),
             post=E(404, anonyme=LOGIN, membre=302),
             data=lambda w: {"nombre": "1", "motif": "forte_demande"},
             writers={"membre"}),
        Case("B", kwargs=lambda w: {"pk": w.structure_b.pk}, get=E(404, ...)),
        note="why, when it is not obvious",
    ),

* ``E(default, **per_role)``: the expected outcome for each role: an HTTP status (``200``,
  ``302`` = redirect elsewhere than the login page, ``400``, ``403``, ``404``, ``405``) or
  ``LOGIN`` (redirect to the login page: ``account_login`` or the admin's). Objects of another
  scope must give 403 or 404 — never 200.
* ``kwargs``: URL arguments built from the world; one ``Case`` per object tried (usually "A"
  = objects of side A, "B" = objects of side B; "-" for URLs without arguments).
* ``get``: ``None`` only if GET is meaningless — then say why in ``note``. ``query``: GET
  parameters (``lambda w: {...}``).
* ``post``/``data``: for views that accept POST. ``data`` must be a VALID submission: every
  role in ``writers`` must write to the database (proves the data is good), every other
  role's POST must write nothing at all (no INSERT/UPDATE/DELETE outside sessions) and must
  not leave a new private file behind.
* Whole third-party namespaces are covered by ``PREFIX_RULES`` (Django admin, allauth); the
  project's own admin views are listed in ``ADMIN_CUSTOM``.
"""

from __future__ import annotations

from ._base import (
    _LIGNES_CRA,
    _PILOTAGE,
    _SEES_A,
    _SEES_B,
    _STATS,
    ALL,
    ALSO_SEES,
    LOGIN,
    MARKERS,
    ONLY,
    OUTCOMES,
    POST_ONLY,
    PREFIX_RULES,
    PUBLIC,
    ROLES,
    SIDES,
    TODAY,
    Case,
    E,
    Url,
    _cra_form,
    _export_cra,
    _lieu,
    _lieu_data,
    _lieu_objet,
    _pk,
    _profil,
    _reconventionnement,
    _structure,
    forbidden_markers,
    pdf,
    today_str,
)
from .admin import ADMIN_CUSTOM, ADMIN_DEFAULT, ADMIN_EXCEPTIONS
from .comptes import ALLAUTH, USER, _pub
from .conseillers import CONSEILLERS
from .conumapp import CONUMAPP
from .conventions import CONVENTIONS
from .cra import CRA
from .formation import FORMATION
from .opendata import OPENDATA
from .statistiques import STATISTIQUES
from .structures import STRUCTURES


def _merge(*parts: dict[str, Url]) -> dict[str, Url]:
    """One dict, in the order of ``parts``; a URL present in two parts is an error, not an override."""
    table: dict[str, Url] = {}
    for part in parts:
        duplicates = table.keys() & part.keys()
        if duplicates:
            raise AssertionError(f"URL en double dans la table d'accès : {sorted(duplicates)}")
        table.update(part)
    return table


TABLE: dict[str, Url] = _merge(
    CONUMAPP, STRUCTURES, CONVENTIONS, CONSEILLERS, FORMATION, CRA, STATISTIQUES, OPENDATA
)

__all__ = [
    "ROLES",
    "SIDES",
    "ALSO_SEES",
    "forbidden_markers",
    "MARKERS",
    "LOGIN",
    "OUTCOMES",
    "E",
    "ALL",
    "ONLY",
    "PUBLIC",
    "POST_ONLY",
    "Case",
    "Url",
    "pdf",
    "_cra_form",
    "_profil",
    "_reconventionnement",
    "_pk",
    "_STATS",
    "_structure",
    "TODAY",
    "_SEES_A",
    "_SEES_B",
    "_lieu_objet",
    "_lieu",
    "_lieu_data",
    "_PILOTAGE",
    "_LIGNES_CRA",
    "_export_cra",
    "PREFIX_RULES",
    "today_str",
    "ADMIN_CUSTOM",
    "ADMIN_DEFAULT",
    "ADMIN_EXCEPTIONS",
    "ALLAUTH",
    "USER",
    "_pub",
    "CONUMAPP",
    "STRUCTURES",
    "CONVENTIONS",
    "CONSEILLERS",
    "FORMATION",
    "CRA",
    "STATISTIQUES",
    "OPENDATA",
    "TABLE",
]
