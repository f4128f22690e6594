"""Access table: the site's own pages (home, personal space, core)."""

from __future__ import annotations

from ._base import ALL, PUBLIC, Case, E, Url

# fmt: off
CONUMAPP: dict[str, Url] = {
    # --- conumapp -----------------------------------------------------------------------------
    "home": Url(Case("-", get=PUBLIC)),
    "espace": Url(Case("-", get=ALL())),
    "core:communes": Url(Case("-", get=PUBLIC, query=lambda w: {"q": "lyon"})),
    "core:favicon": Url(Case("-", get=E(302)), note="Redirection publique vers l'icône du DSFR."),
    "core:accessibilite": Url(Case("-", get=PUBLIC), note="Déclaration d'accessibilité, publique."),
}
# fmt: on
