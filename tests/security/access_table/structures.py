"""Access table: structures (application, members, prefecture review)."""

from __future__ import annotations

from datetime import timedelta

from ._base import _SEES_A, _SEES_B, ONLY, POST_ONLY, PUBLIC, ROLES, TODAY, Case, E, Url, _pk, _structure


def _candidature_structure(w):
    """A valid application: new SIRET and contact address, postcode of side A, start in 10 days."""
    from tests.structures.factories import valid_siret

    return {
        "siret": valid_siret(4242), "ridet": "", "nom": "Mairie candidate", "type": "COMMUNE",
        "adresse": "1 place de la Comédie", "code_postal": "69001", "contact_prenom": "Claire",
        "contact_nom": "Dupont", "contact_fonction": "Directrice", "contact_telephone": "0472000000",
        "contact_email": "claire.candidate@mairie.example.fr", "password": "un-mot-de-passe-long",
        "nombre_conseillers_souhaites": "2", "date_debut_mission": (TODAY() + timedelta(days=10)).isoformat(),
        "motivation": "Accompagner les habitants dans leurs démarches en ligne.", "zrr": "", "qpv": "on",
        "label_france_services": "on", "grand_reseau": "", "engagement_confirme": "on", "site_web": "",
    }  # fmt: skip


# fmt: off
STRUCTURES: dict[str, Url] = {
    # --- structures ---------------------------------------------------------------------------
    "structures:candidature": Url(
        Case("-", get=PUBLIC, post=E(302), data=_candidature_structure, writers=set(ROLES)),
        note="Formulaire public (limité par IP, limite levée pour la matrice dans conftest) : toute "
             "personne, connectée ou non, dépose une candidature avec un nouveau compte de contact. "
             "Détails testés dans tests/structures.",
    ),
    "structures:candidature_merci": Url(Case("-", get=PUBLIC)),
    "structures:ma_structure": Url(Case("-", get=ONLY("membre", "autre_membre", "membre_non_valide", ok=302))),
    "structures:detail": Url(
        Case("A", _structure("a"), get=ONLY("membre", "prefecture", "hub", "grand_reseau", "operateur")),
        Case("B", _structure("b"), get=ONLY("autre_membre", "autre_prefecture", "operateur")),
    ),
    "structures:demande_ajout": Url(
        Case("A", _structure("a"), get=ONLY("membre", **_SEES_A),
             post=ONLY("membre", ok=302, **_SEES_A),
             data=lambda w: {"nombre": "1", "motif": "forte_demande"}, writers={"membre"}),
        Case("B", _structure("b"), get=ONLY("autre_membre", **_SEES_B),
             post=ONLY("autre_membre", ok=302, **_SEES_B),
             data=lambda w: {"nombre": "1", "motif": "forte_demande"}, writers={"autre_membre"}),
        note="Réservé aux membres de la structure : 403 pour qui la voit sans en être membre.",
    ),
    "structures:demande_retrait": Url(
        Case("A", _structure("a"), get=ONLY("membre", **_SEES_A),
             post=ONLY("membre", ok=302, **_SEES_A),
             data=lambda w: {"nombre": "1", "motif": "besoin_non_justifie"}, writers={"membre"}),
        Case("B", _structure("b"), get=ONLY("autre_membre", **_SEES_B),
             post=ONLY("autre_membre", ok=302, **_SEES_B),
             data=lambda w: {"nombre": "1", "motif": "besoin_non_justifie"}, writers={"autre_membre"}),
    ),
    "structures:inviter": Url(
        Case("A", _structure("a"), get=POST_ONLY,
             post=ONLY("membre", ok=302, **_SEES_A),
             data=lambda w: {"email": "nouvelle.collegue@example.fr"}, writers={"membre"}),
        Case("B", _structure("b"), get=POST_ONLY,
             post=ONLY("autre_membre", ok=302, **_SEES_B),
             data=lambda w: {"email": "nouvelle.collegue@example.fr"}, writers={"autre_membre"}),
    ),
    "structures:retirer_membre": Url(
        Case("A", lambda w: {"pk": w.structure_a.pk, "membre_pk": w.membre_obj_a2.pk},
             get=ONLY("membre", "operateur", prefecture=403, hub=403, grand_reseau=403),
             post=ONLY("membre", "operateur", ok=302, prefecture=403, hub=403, grand_reseau=403),
             writers={"membre", "operateur"}),
        Case("B", lambda w: {"pk": w.structure_b.pk, "membre_pk": w.membre_obj_b2.pk},
             get=ONLY("autre_membre", "operateur", autre_prefecture=403),
             post=ONLY("autre_membre", "operateur", ok=302, autre_prefecture=403),
             writers={"autre_membre", "operateur"}),
        note="Un membre de A ne peut pas retirer un membre de B via l'identifiant (404).",
    ),
    "structures:invitation": Url(
        Case("A", lambda w: {"token": w.invitation_a.token}, get=PUBLIC,
             post=E(200, candidat=302), writers={"candidat"}, shows_to_token_holder=True),
        Case("B", lambda w: {"token": w.invitation_b.token}, get=PUBLIC, post=E(200),
             shows_to_token_holder=True),
        note="Le jeton (secret, envoyé par courriel) montre le nom de la structure à qui le détient ; "
             "l'acceptation exige la même adresse.",
    ),
    "structures:prefecture_liste": Url(Case("-", get=ONLY("prefecture", "autre_prefecture", "operateur"))),
    "structures:prefecture_detail": Url(
        Case("A", _pk("candidature_a"), get=ONLY("prefecture", "operateur"),
             post=ONLY("operateur", prefecture=302),
             data=lambda w: {"cible": "candidature", "avis-avis": "POSITIF", "avis-commentaire": "Bon projet local"},
             writers={"prefecture"}),
        Case("B", _pk("candidature_b"), get=ONLY("autre_prefecture", "operateur"),
             post=ONLY("operateur", autre_prefecture=302),
             data=lambda w: {"cible": "candidature", "avis-avis": "POSITIF", "avis-commentaire": "Bon projet local"},
             writers={"autre_prefecture"}),
    ),
}
# fmt: on
