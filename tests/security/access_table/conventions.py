"""Access table: conventions (detail, PDF, documents, renewal)."""

from __future__ import annotations

from ._base import ALL, ONLY, POST_ONLY, Case, Url, _pk, _reconventionnement, pdf

# fmt: off
CONVENTIONS: dict[str, Url] = {
    # --- conventions --------------------------------------------------------------------------
    "conventions:liste": Url(Case("-", get=ALL())),
    "conventions:detail": Url(
        Case("A", _pk("convention_a"), get=ONLY("membre", "prefecture", "hub", "operateur")),
        Case("B", _pk("convention_b"), get=ONLY("autre_membre", "autre_prefecture", "operateur")),
    ),
    "conventions:pdf": Url(
        Case("A", _pk("convention_a"), get=ONLY("membre", "operateur")),
        Case("B", _pk("convention_b"), get=ONLY("autre_membre", "operateur")),
    ),
    "conventions:piece_deposer": Url(
        Case("A", _pk("convention_a"), get=POST_ONLY, post=ONLY(membre=302),
             data=lambda w: {"type": "avis_sirene", "fichier": pdf()}, writers={"membre"}),
        Case("B", _pk("convention_b"), get=POST_ONLY, post=ONLY(autre_membre=302),
             data=lambda w: {"type": "avis_sirene", "fichier": pdf()}, writers={"autre_membre"}),
    ),
    "conventions:reconventionnement": Url(
        Case("A", _pk("convention_a"), get=ONLY("membre"), post=ONLY(membre=302),
             data=_reconventionnement("a"), writers={"membre"}),
        Case("B", _pk("convention_b"), get=ONLY("autre_membre"), post=ONLY(autre_membre=302),
             data=_reconventionnement("b"), writers={"autre_membre"}),
    ),
    "conventions:non_interesse": Url(
        Case("A", _pk("convention_a"), get=POST_ONLY, post=ONLY(membre=302),
             data=lambda w: {"motif": "besoin_non_justifie"}, writers={"membre"}),
        Case("B", _pk("convention_b"), get=POST_ONLY, post=ONLY(autre_membre=302),
             data=lambda w: {"motif": "besoin_non_justifie"}, writers={"autre_membre"}),
    ),
    "conventions:piece": Url(
        Case("A", _pk("piece_a"), get=ONLY("membre", "operateur")),
        Case("B", _pk("piece_b"), get=ONLY("autre_membre", "operateur")),
        note="Pièces justificatives : membres et opérateurs seulement (pas les préfectures).",
    ),
}
# fmt: on
