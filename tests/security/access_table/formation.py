"""Access table: formation (sessions, registrations, absences)."""

from __future__ import annotations

from ._base import ALL, ONLY, Case, Url, _pk, pdf

# fmt: off
FORMATION: dict[str, Url] = {
    # --- formation ----------------------------------------------------------------------------
    "formation:accueil": Url(Case("-", get=ALL(conseiller=302, autre_conseiller=302))),
    "formation:conseiller": Url(
        Case("A", _pk("conseiller_a"), get=ONLY("conseiller", "membre", "prefecture", "coordinateur", "operateur")),
        Case("B", _pk("conseiller_b"), get=ONLY("autre_conseiller", "autre_membre", "autre_prefecture", "operateur")),
    ),
    "formation:sessions": Url(
        Case("A", _pk("conseiller_a"), get=ONLY("conseiller", "membre", "prefecture", "coordinateur", "operateur")),
        Case("B", _pk("conseiller_b"), get=ONLY("autre_conseiller", "autre_membre", "autre_prefecture", "operateur")),
    ),
    "formation:inscrire": Url(
        Case("A", lambda w: {"pk": w.conseiller_a.pk, "session_pk": w.session2.pk},
             get=ONLY("conseiller", "membre", "prefecture", "coordinateur", "operateur"),
             post=ONLY("prefecture", "coordinateur", conseiller=302, membre=302, operateur=302),
             writers={"conseiller", "membre", "operateur"}),
        Case("B", lambda w: {"pk": w.conseiller_b.pk, "session_pk": w.session2.pk},
             get=ONLY("autre_conseiller", "autre_membre", "autre_prefecture", "operateur"),
             post=ONLY("autre_prefecture", autre_conseiller=302, autre_membre=302, operateur=302),
             writers={"autre_conseiller", "autre_membre", "operateur"}),
    ),
    "formation:justifier_absence": Url(
        Case("A", _pk("inscription_a"), get=ONLY("conseiller", "membre", "prefecture", "coordinateur", "operateur"),
             post=ONLY("prefecture", "coordinateur", conseiller=302, membre=302, operateur=302),
             data=lambda w: {"motif": "Malade ce jour-là", "justificatif": pdf()},
             writers={"conseiller", "membre", "operateur"}),
        Case("B", _pk("inscription_b"),
             get=ONLY("autre_conseiller", "autre_membre", "autre_prefecture", "operateur"),
             post=ONLY("autre_prefecture", autre_conseiller=302, autre_membre=302, operateur=302),
             data=lambda w: {"motif": "Malade ce jour-là", "justificatif": pdf()},
             writers={"autre_conseiller", "autre_membre", "operateur"}),
    ),
}
# fmt: on
