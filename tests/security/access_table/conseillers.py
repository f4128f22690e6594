"""Access table: conseillers (candidates, profile, recruitment, contracts, leave)."""

from __future__ import annotations

from ._base import ALL, ONLY, POST_ONLY, ROLES, Case, E, Url, _pk, _profil, pdf


def _candidature_conseiller(w):
    """A valid sign-up (new address, postcode of side A, a real PDF as CV)."""
    return {
        "email": "nouvelle.candidate@example.fr", "password1": "un-mot-de-passe-long",
        "password2": "un-mot-de-passe-long", "prenom": "Nina", "nom": "Nouvelle", "telephone": "0601020304",
        "code_postal": "69001", "disponible": "on", "date_disponibilite": "2026-01-05", "distance_max": "40",
        "situation": "demandeur_emploi", "pix_niveau": "", "cv": pdf("cv.pdf"),
    }  # fmt: skip


# fmt: off
CONSEILLERS: dict[str, Url] = {
    # --- conseillers --------------------------------------------------------------------------
    "conseillers:candidature": Url(
        Case("-", get=E(200, candidat=302, conseiller=302, autre_conseiller=302),
             post=E(302), data=_candidature_conseiller,
             writers={r for r in ROLES if r not in ("candidat", "conseiller", "autre_conseiller")}),
        note="Formulaire public : tout visiteur crée un compte de candidat (nouvelle adresse, jamais "
             "connecté d'office) ; qui a déjà un profil de candidat ou de conseiller est renvoyé "
             "vers son profil sans rien écrire. Détails testés dans tests/conseillers.",
    ),
    "conseillers:profil": Url(
        Case("-", get=ONLY("candidat", "conseiller", "autre_conseiller"),
             post=ONLY("candidat", "conseiller", "autre_conseiller", ok=302), data=_profil,
             writers={"candidat", "conseiller", "autre_conseiller"}),
    ),
    "conseillers:profil_disponibilite": Url(
        Case("-", get=POST_ONLY, post=ONLY("candidat", "conseiller", "autre_conseiller", ok=302),
             data=lambda w: {"disponible": "0"}, writers={"candidat", "conseiller", "autre_conseiller"}),
    ),
    "conseillers:profil_supprimer": Url(
        Case("-", get=ONLY("candidat", "conseiller", "autre_conseiller"),
             post=ONLY("candidat", "conseiller", "autre_conseiller", ok=302), writers={"candidat"}),
    ),
    "conseillers:mon_espace": Url(Case("-", get=ONLY("candidat", "conseiller", "autre_conseiller"))),
    "conseillers:cv": Url(
        Case("A", _pk("candidat_a"), get=ONLY("candidat", "membre", "operateur")),
        Case("B", _pk("candidat_b"), get=ONLY("autre_membre", "operateur")),
    ),
    "conseillers:candidats": Url(
        Case("A", lambda w: {"structure_pk": w.structure_a.pk}, get=ONLY("membre")),
        Case("B", lambda w: {"structure_pk": w.structure_b.pk}, get=ONLY("autre_membre")),
        Case("non validée", lambda w: {"structure_pk": w.candidature_c.pk}, get=ONLY("membre_non_valide")),
        note="Une structure non validée voit sa page, sans aucun candidat (message « Structure non validée »).",
    ),
    "conseillers:candidat": Url(
        Case("A", lambda w: {"structure_pk": w.structure_a.pk, "pk": w.candidat_a.pk}, get=ONLY("membre")),
        Case("B", lambda w: {"structure_pk": w.structure_b.pk, "pk": w.candidat_b.pk}, get=ONLY("autre_membre")),
        Case("A×B", lambda w: {"structure_pk": w.structure_a.pk, "pk": w.candidat_b.pk}, get=ONLY()),
        Case("non validée", lambda w: {"structure_pk": w.candidature_c.pk, "pk": w.candidat_a.pk}, get=ONLY()),
        note="Une structure non validée ne voit pas un candidat proche par son identifiant deviné (404).",
    ),
    "conseillers:preselectionner": Url(
        Case("A", lambda w: {"structure_pk": w.structure_a.pk, "pk": w.candidat_a.pk}, get=POST_ONLY,
             post=ONLY(membre=302), writers={"membre"}),
        Case("B", lambda w: {"structure_pk": w.structure_b.pk, "pk": w.candidat_b.pk}, get=POST_ONLY,
             post=ONLY(autre_membre=302), writers={"autre_membre"}),
        Case("A×B", lambda w: {"structure_pk": w.structure_a.pk, "pk": w.candidat_b.pk}, get=POST_ONLY,
             post=ONLY()),
        Case("non validée", lambda w: {"structure_pk": w.candidature_c.pk, "pk": w.candidat_a.pk},
             get=POST_ONLY, post=ONLY()),
    ),
    "conseillers:ecarter": Url(
        Case("A", lambda w: {"structure_pk": w.structure_a.pk, "pk": w.candidat_a.pk}, get=POST_ONLY,
             post=ONLY(membre=302), writers={"membre"}),
        Case("B", lambda w: {"structure_pk": w.structure_b.pk, "pk": w.candidat_b.pk}, get=POST_ONLY,
             post=ONLY(autre_membre=302), writers={"autre_membre"}),
    ),
    "conseillers:recrutements": Url(Case("-", get=ALL())),
    "conseillers:recrutement": Url(
        Case("A", _pk("mer_a"), get=ONLY("conseiller", "membre", "prefecture", "operateur")),
        Case("B", _pk("mer_b"), get=ONLY("autre_conseiller", "autre_membre", "autre_prefecture", "operateur")),
    ),
    "conseillers:contrat": Url(
        Case("A", _pk("mer_interessee_a"), get=ONLY("membre"), post=ONLY(membre=302), writers={"membre"},
             data=lambda w: {"type_contrat": "CDD", "date_debut": "2025-03-01", "date_fin": "2026-02-28",
                             "salaire_brut": "2000"}),
        Case("B", _pk("mer_interessee_b"), get=ONLY("autre_membre"), post=ONLY(autre_membre=302),
             writers={"autre_membre"},
             data=lambda w: {"type_contrat": "CDD", "date_debut": "2025-03-01", "date_fin": "2026-02-28",
                             "salaire_brut": "2000"}),
        note="Actions de recrutement : membres de la structure seulement (les opérateurs passent par l'admin).",
    ),
    "conseillers:annuler": Url(
        Case("A", _pk("mer_recrutee_a"), get=ONLY("membre"), post=ONLY(membre=302), writers={"membre"}),
        Case("B", _pk("mer_recrutee_b"), get=ONLY("autre_membre"), post=ONLY(autre_membre=302),
             writers={"autre_membre"}),
    ),
    "conseillers:prolongation": Url(
        Case("A", _pk("mer_a"), get=ONLY("membre"), post=ONLY(membre=302), writers={"membre"},
             data=lambda w: {"date_fin": "2028-06-30", "salaire_brut": ""}),
        Case("B", _pk("mer_b"), get=ONLY("autre_membre"), post=ONLY(autre_membre=302), writers={"autre_membre"},
             data=lambda w: {"date_fin": "2028-06-30", "salaire_brut": ""}),
    ),
    "conseillers:rupture": Url(
        Case("A", _pk("mer_a"), get=ONLY("membre"), post=ONLY(membre=302), writers={"membre"},
             data=lambda w: {"date_rupture": "2025-10-31", "motif": "demission"}),
        Case("B", _pk("mer_b"), get=ONLY("autre_membre"), post=ONLY(autre_membre=302), writers={"autre_membre"},
             data=lambda w: {"date_rupture": "2025-10-31", "motif": "demission"}),
    ),
    "conseillers:conge": Url(
        Case("A", _pk("mer_a"), get=ONLY("membre"), post=ONLY(membre=302), writers={"membre"},
             data=lambda w: {"type": "maternite", "date_debut": "2026-01-01", "date_fin": "2026-03-31",
                             "justificatif": pdf("certificat.pdf")}),
        Case("B", _pk("mer_b"), get=ONLY("autre_membre"), post=ONLY(autre_membre=302), writers={"autre_membre"},
             data=lambda w: {"type": "maternite", "date_debut": "2026-01-01", "date_fin": "2026-03-31",
                             "justificatif": pdf("certificat.pdf")}),
    ),
}
# fmt: on
