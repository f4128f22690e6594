"""Access table: statistiques (steering, CRA row exports, pages and exports of the figures)."""

from __future__ import annotations

from ._base import _LIGNES_CRA, _PILOTAGE, _STATS, LOGIN, ONLY, PUBLIC, Case, E, Url, _export_cra

# fmt: off
STATISTIQUES: dict[str, Url] = {
    # --- statistiques: steering and CRA row export (STATS-EXPORT) ------------------------------
    "statistiques:pilotage": Url(
        Case("-", get=_PILOTAGE),
        Case("csv", get=_PILOTAGE, query=lambda w: {"format": "csv"}),
        note="Opérateurs (national) et préfectures (leurs départements) ; les autres rôles : 403.",
    ),
    "statistiques:export_cras": Url(
        Case("-", get=E(403, anonyme=LOGIN, **{r: 200 for r in _LIGNES_CRA}),
             post=E(403, anonyme=LOGIN, **{r: 302 for r in _LIGNES_CRA}),
             data=lambda w: {"format": "csv"}, writers=set(_LIGNES_CRA)),
        Case("csv", get=E(403, anonyme=LOGIN, **{r: 200 for r in _LIGNES_CRA}),
             query=lambda w: {"format": "csv"}),
        note="Lignes de CRA : conseillers, membres de structure, coordinateurs, opérateurs. Préfectures, "
             "hubs et réseaux n'ont que les statistiques (403). Un POST lance un export en arrière-plan.",
    ),
    "statistiques:export_cras_statut": Url(
        Case("A", _export_cra("a"), get=ONLY("membre")),
        Case("B", _export_cra("b"), get=ONLY("autre_membre")),
        note="Un export n'est visible que de son auteur (404 pour tout autre, opérateurs compris).",
    ),
    "statistiques:export_cras_telecharger": Url(
        Case("A", _export_cra("a"), get=ONLY("membre")),
        Case("B", _export_cra("b"), get=ONLY("autre_membre")),
    ),

    # --- statistiques: pages and exports of the figures (STATS-PAGES) --------------------------
    "statistiques:tableau": Url(
        Case("-", get=_STATS),
        Case("B", get=E(404, anonyme=LOGIN, candidat=403, autre_membre=200),
             query=lambda w: {"perimetre": f"structure:{w.structure_b.pk}"}),
        note="Tout rôle qui a un périmètre de statistiques (les candidats n'en ont pas : 403). "
             "Un périmètre qui n'est pas le sien (clé devinée) : 404.",
    ),
    "statistiques:publiques": Url(Case("-", get=PUBLIC)),
    "statistiques:export": Url(
        *(Case(fmt, kwargs=lambda w, fmt=fmt: {"format": fmt}, get=_STATS) for fmt in ("csv", "xlsx", "pdf")),
        Case("B", kwargs=lambda w: {"format": "csv"},
             get=E(404, anonyme=LOGIN, candidat=403, autre_membre=200),
             query=lambda w: {"perimetre": f"structure:{w.structure_b.pk}"}),
        Case("public", kwargs=lambda w: {"format": "csv"}, get=PUBLIC, query=lambda w: {"perimetre": "public"}),
        note="Les exports prennent le même périmètre que la page ; le périmètre public sans connexion.",
    ),
}
# fmt: on
