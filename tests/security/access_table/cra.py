"""Access table: CRA (activity reports)."""

from __future__ import annotations

from datetime import timedelta

from ._base import ALL, ONLY, POST_ONLY, TODAY, Case, Url, _cra_form, _pk, _structure

# fmt: off
CRA: dict[str, Url] = {
    # --- cra ----------------------------------------------------------------------------------
    "cra:saisir": Url(
        Case("-", get=ONLY("candidat", "conseiller", "autre_conseiller"),
             post=ONLY("candidat", conseiller=302, autre_conseiller=302),
             data=_cra_form, writers={"conseiller", "autre_conseiller"}),
    ),
    "cra:confirmation": Url(
        Case("A", _pk("cra_a"), get=ONLY("conseiller")),
        Case("B", _pk("cra_b"), get=ONLY("autre_conseiller")),
    ),
    "cra:modifier": Url(
        Case("A", _pk("cra_a"), get=ONLY("conseiller"), post=ONLY(conseiller=302), writers={"conseiller"},
             data=lambda w: _cra_form(w, date=(TODAY() - timedelta(days=1)).isoformat(), note="ZZA-modifie")),
        Case("B", _pk("cra_b"), get=ONLY("autre_conseiller"), post=ONLY(autre_conseiller=302),
             writers={"autre_conseiller"},
             data=lambda w: _cra_form(w, date=(TODAY() - timedelta(days=1)).isoformat(), note="ZZB-modifie")),
    ),
    "cra:supprimer": Url(
        Case("A", _pk("cra_a"), get=ONLY("conseiller"), post=ONLY(conseiller=302), writers={"conseiller"}),
        Case("B", _pk("cra_b"), get=ONLY("autre_conseiller"), post=ONLY(autre_conseiller=302),
             writers={"autre_conseiller"}),
    ),
    "cra:restaurer": Url(
        Case("A", _pk("cra_supprime_a"), get=POST_ONLY, post=ONLY(conseiller=302), writers={"conseiller"}),
        Case("B", _pk("cra_supprime_b"), get=POST_ONLY, post=ONLY(autre_conseiller=302),
             writers={"autre_conseiller"}),
    ),
    "cra:historique": Url(Case("-", get=ONLY("candidat", "conseiller", "autre_conseiller"))),
    "cra:structure": Url(
        Case("A", _structure("a"), get=ONLY("membre", "operateur")),
        Case("B", _structure("b"), get=ONLY("autre_membre", "operateur")),
    ),
    "cra:coordination": Url(Case("-", get=ONLY("coordinateur"))),
    "cra:export": Url(Case("-", get=ALL())),
}
# fmt: on
