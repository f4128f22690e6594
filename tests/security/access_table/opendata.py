"""Access table: OPEN-DATA — places of activity (structures), leave documents (conseillers),
open data (statistiques, donnees_ouvertes). One module, to keep the table's order of URLs."""

from __future__ import annotations

from ._base import ONLY, PUBLIC, Case, E, Url, _lieu, _lieu_data, _pk, _structure

# fmt: off
OPENDATA: dict[str, Url] = {
    # --- OPEN-DATA: places of activity (structures), leave documents, open data ---------------
    "structures:lieux": Url(
        Case("A", _structure("a"), get=ONLY("membre", "prefecture", "hub", "grand_reseau", "operateur")),
        Case("B", _structure("b"), get=ONLY("autre_membre", "autre_prefecture", "operateur")),
    ),
    "structures:lieu_ajouter": Url(
        Case("A", _structure("a"), get=ONLY("membre", "operateur"), post=ONLY("membre", "operateur", ok=302),
             data=lambda w: _lieu_data(w, "a"), writers={"membre", "operateur"}),
        Case("B", _structure("b"), get=ONLY("autre_membre", "operateur"),
             post=ONLY("autre_membre", "operateur", ok=302), data=lambda w: _lieu_data(w, "b"),
             writers={"autre_membre", "operateur"}),
        note="Lecture de la liste par qui voit la structure ; seuls ses membres (et les opérateurs) la modifient.",
    ),
    "structures:lieu_modifier": Url(
        Case("A", _lieu("a"), get=ONLY("membre", "operateur"), post=ONLY("membre", "operateur", ok=302),
             data=lambda w: _lieu_data(w, "a"), writers={"membre", "operateur"}),
        Case("B", _lieu("b"), get=ONLY("autre_membre", "operateur"),
             post=ONLY("autre_membre", "operateur", ok=302), data=lambda w: _lieu_data(w, "b"),
             writers={"autre_membre", "operateur"}),
    ),
    "structures:lieu_supprimer": Url(
        Case("A", _lieu("a"), get=ONLY("membre", "operateur"), post=ONLY("membre", "operateur", ok=302),
             writers={"membre", "operateur"}),
        Case("B", _lieu("b"), get=ONLY("autre_membre", "operateur"),
             post=ONLY("autre_membre", "operateur", ok=302), writers={"autre_membre", "operateur"}),
    ),
    "conseillers:conge_justificatif": Url(
        Case("A", _pk("conge_a"), get=ONLY("membre", "operateur")),
        Case("B", _pk("conge_b"), get=ONLY("autre_membre", "operateur")),
        note="Justificatif d'un congé : opérateurs et membres de la structure qui l'a déclaré ; 404 sinon.",
    ),
    "statistiques:donnees_ouvertes": Url(Case("-", get=E(302)), note="Redirige vers /donnees-ouvertes/."),
    "donnees_ouvertes:index": Url(Case("-", get=PUBLIC)),
    "donnees_ouvertes:statistiques_national": Url(Case("-", get=PUBLIC)),
    "donnees_ouvertes:statistiques_departements": Url(Case("-", get=PUBLIC)),
    "donnees_ouvertes:lieux": Url(
        Case("2A", get=PUBLIC, query=lambda w: {"territoire": "2A"}),
        note="Données publiques par nature (lieux des structures validées) : le fichier national montre "
             "les lieux des deux côtés, d'où un département sans lieu du monde de test ; le contenu est "
             "testé dans tests/statistiques/test_opendata_lieux.py.",
    ),
}
# fmt: on
