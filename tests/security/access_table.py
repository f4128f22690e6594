"""THE access table: every URL of the project × every role × GET/POST → expected outcome.

``tests/security/test_access_matrix.py`` walks the whole URL conf (``get_resolver()``,
recursively, namespaces included) and fails for any pattern without an entry here:
« URL sans entrée dans la table d'accès : … ». Adding a URL = adding its line below.

Roles (``ROLES``, users built in ``tests/security/conftest.py``)
-----------------------------------------------------------------
``anonyme``; ``candidat`` (a candidate near structure A); ``conseiller`` (advisor in post at A);
``autre_conseiller`` (advisor in post at B); ``membre`` (member of structure A);
``autre_membre`` (member of B); ``prefecture`` (département of A, 69); ``autre_prefecture``
(département of B, 75); ``coordinateur`` (coordinates A's advisor; no territory); ``hub``
(région of A, 84); ``grand_reseau`` (A's network); ``operateur`` (staff, the back office).
A is in Rhône (69, région 84), B in Paris (75, région 11): two départements, two régions.

The world (objects, by name: ``w.structure_a``, ``w.mer_a``, ``w.cra_b``, …) is documented
in ``conftest.py``. Every visible datum of side A carries ``ZZA``, of side B ``ZZB``: any
response to a role of ``SIDES["A"]`` containing ``ZZB`` (or the reverse) fails, including file
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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

ROLES = (
    "anonyme",
    "candidat",
    "conseiller",
    "autre_conseiller",
    "membre",
    "autre_membre",
    "prefecture",
    "autre_prefecture",
    "coordinateur",
    "hub",
    "grand_reseau",
    "operateur",
)
# Which side's data each role may see; the other side's marker must never reach it.
SIDES = {
    "A": {"candidat", "conseiller", "membre", "prefecture", "coordinateur", "hub", "grand_reseau"},
    "B": {"autre_conseiller", "autre_membre", "autre_prefecture"},
}
MARKERS = {"A": "ZZA", "B": "ZZB"}

LOGIN = "login"
OUTCOMES = {200, 302, 400, 401, 403, 404, 405, LOGIN}


def E(default, **per_role) -> dict[str, Any]:
    unknown = set(per_role) - set(ROLES)
    if unknown:
        raise ValueError(f"rôles inconnus dans la table d'accès : {sorted(unknown)}")
    expected = {role: per_role.get(role, default) for role in ROLES}
    bad = {role: value for role, value in expected.items() if value not in OUTCOMES}
    if bad:
        raise ValueError(f"issues inconnues dans la table d'accès : {bad}")
    return expected


# Shorthands for the most common rows.
def ALL(outcome=200, **per_role):
    """Every logged-in role gets ``outcome``; anonymous goes to the login page."""
    return E(outcome, **{"anonyme": LOGIN, **per_role})


def ONLY(*roles, ok=200, other=404, **per_role):
    """``roles`` get ``ok``; every other logged-in role ``other``; anonymous: login page."""
    return E(other, **{"anonyme": LOGIN, **{role: ok for role in roles}, **per_role})


PUBLIC = E(200)
POST_ONLY = ALL(405)  # require_POST views: GET refused (anonymous: login page first)


@dataclass
class Case:
    label: str
    kwargs: Callable | None = None
    get: dict | None = None
    post: dict | None = None
    data: Callable | None = None
    writers: set = field(default_factory=set)
    query: Callable | None = None
    # True only where showing the object to anyone who holds the URL is the point (a secret
    # token link): the leak check is then skipped for this case. Say why in the Url's note.
    shows_to_token_holder: bool = False


@dataclass
class Url:
    cases: list
    note: str = ""

    def __init__(self, *cases, note=""):
        self.cases, self.note = list(cases), note


def pdf(name="justificatif.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


def _cra_form(w, **overrides):
    from tests.cra.factories import form_data

    return form_data(**overrides)


def _profil(w):
    return {"prenom": "Camille", "nom": "ZZAModifie", "code_postal": "69001", "distance_max": "20",
            "situation": "en_emploi"}  # fmt: skip


def _reconventionnement(side):
    def data(w):
        structure = getattr(w, f"structure_{side}")
        return {
            "identifiant": structure.identifiant.lower(),
            "ds_numero": "789456",
            "conseillers": [getattr(w, f"mer_{side}").pk],
            "type_contrat": "CDI",
            "date_debut": "2030-01-01",
        }

    return data


def _pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


# Statistics pages: every role with a statistics scope (perimetres_de); candidates have none.
_STATS = ALL(candidat=403)


def _structure(side):
    return lambda w: {"pk": getattr(w, f"structure_{side}").pk}


TODAY = timezone.localdate


# Roles that see structure A (or B) without being its members: 403 on member-only actions.
_SEES_A = {"prefecture": 403, "hub": 403, "grand_reseau": 403, "operateur": 403}
_SEES_B = {"autre_prefecture": 403, "operateur": 403}


def _lieu_objet(w, side):
    """A place of activity of the side's structure (created once, carrying the side's marker)."""
    from structures.models import LieuActivite

    structure = getattr(w, f"structure_{side}")
    lieu, _ = LieuActivite.objects.get_or_create(
        structure=structure, nom=f"Lieu ZZ{side.upper()}",
        defaults={"adresse": "1 place ZZ" + side.upper(), "code_postal": structure.code_postal,
                  "commune": structure.commune, "services": ["Aide aux démarches administratives"]},
    )  # fmt: skip
    return lieu


def _lieu(side):
    return lambda w: {"pk": getattr(w, f"structure_{side}").pk, "lieu_pk": _lieu_objet(w, side).pk}


def _lieu_data(w, side):
    structure = getattr(w, f"structure_{side}")
    return {"nom": f"Lieu ZZ{side.upper()} bis", "adresse": "2 rue de la Paix", "code_postal": structure.code_postal,
            "commune": structure.commune.nom, "services": ["Aide aux démarches administratives"]}  # fmt: skip


# Statistics (STATS-EXPORT): steering for operators and prefectures; CRA rows for these roles.
_PILOTAGE = E(403, anonyme=LOGIN, prefecture=200, autre_prefecture=200, operateur=200)
_LIGNES_CRA = ("conseiller", "autre_conseiller", "membre", "autre_membre", "coordinateur", "operateur")


def _export_cra(side):
    """A finished CRA export of the side's structure member, its file carrying the side's marker."""

    def kwargs(w):
        from django.core.files.base import ContentFile

        from statistiques.models import ExportCra

        user = w.users["membre" if side == "a" else "autre_membre"]
        job = ExportCra.objects.filter(user=user).first()
        if job is None:
            job = ExportCra.objects.create(user=user, format="csv", statut="termine", lignes=1, total=1,
                                           progression=100)  # fmt: skip
            job.fichier.save("export.csv", ContentFile(f"ZZ{side.upper()}-EXPORT\r\n".encode()), save=True)
        return {"pk": job.pk}

    return kwargs


# fmt: off
TABLE: dict[str, Url] = {
    # --- conumapp -----------------------------------------------------------------------------
    "home": Url(Case("-", get=PUBLIC)),
    "espace": Url(Case("-", get=ALL())),
    "core:communes": Url(Case("-", get=PUBLIC, query=lambda w: {"q": "lyon"})),
    "core:favicon": Url(Case("-", get=E(302)), note="Redirection publique vers l'icône du DSFR."),
    "core:accessibilite": Url(Case("-", get=PUBLIC), note="Déclaration d'accessibilité, publique."),

    # --- structures ---------------------------------------------------------------------------
    "structures:candidature": Url(
        Case("-", get=PUBLIC),
        note="Formulaire public (limité par IP) : l'envoi est testé dans tests/structures.",
    ),
    "structures:candidature_merci": Url(Case("-", get=PUBLIC)),
    "structures:ma_structure": Url(Case("-", get=ONLY("membre", "autre_membre", ok=302))),
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

    # --- conseillers --------------------------------------------------------------------------
    "conseillers:candidature": Url(
        Case("-", get=E(200, candidat=302, conseiller=302, autre_conseiller=302)),
        note="Formulaire public : l'envoi est testé dans tests/conseillers.",
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
    ),
    "conseillers:candidat": Url(
        Case("A", lambda w: {"structure_pk": w.structure_a.pk, "pk": w.candidat_a.pk}, get=ONLY("membre")),
        Case("B", lambda w: {"structure_pk": w.structure_b.pk, "pk": w.candidat_b.pk}, get=ONLY("autre_membre")),
        Case("A×B", lambda w: {"structure_pk": w.structure_a.pk, "pk": w.candidat_b.pk}, get=ONLY()),
    ),
    "conseillers:preselectionner": Url(
        Case("A", lambda w: {"structure_pk": w.structure_a.pk, "pk": w.candidat_a.pk}, get=POST_ONLY,
             post=ONLY(membre=302), writers={"membre"}),
        Case("B", lambda w: {"structure_pk": w.structure_b.pk, "pk": w.candidat_b.pk}, get=POST_ONLY,
             post=ONLY(autre_membre=302), writers={"autre_membre"}),
        Case("A×B", lambda w: {"structure_pk": w.structure_a.pk, "pk": w.candidat_b.pk}, get=POST_ONLY,
             post=ONLY()),
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


# --- Django admin ----------------------------------------------------------------------------
# Rule for every ``admin:*`` URL (and the admin's unnamed redirects): everybody but operators
# is sent to a login page (anonymous: the site's; logged-in users without staff status: the
# admin's), GET and POST, nothing written — every admin URL for ``anonyme`` and ``membre``,
# every changelist/add/change page for the other roles (the admin's gate is the staff flag).
# Operators: the index, every changelist and ADMIN_CUSTOM here (200); every other admin page
# of theirs is loaded by tests/conumapp/test_admin_smoke.py. Exceptions are declared here.
ADMIN_DEFAULT = E(LOGIN, operateur=200)
ADMIN_EXCEPTIONS: dict[str, dict] = {
    # Anonymous: sent to the site's login page; logged in without staff status: refused.
    "admin:login": E(403, anonyme=LOGIN, operateur=302),
    # Django's admin sends a non-staff user's logout back to the admin index (then to login).
    "admin:logout": E(302, anonyme=LOGIN, operateur=405),
}
# The project's own admin views (get_urls): kwargs and expected outcome for GET.
ADMIN_CUSTOM: dict[str, Url] = {
    "admin:conventions_convention_rediger": Url(Case("-", get=ADMIN_DEFAULT)),
    "admin:conventions_convention_envoyer": Url(Case("A", _pk("convention_a"), get=ADMIN_DEFAULT)),
    "admin:conventions_convention_signer": Url(Case("A", _pk("convention_a"), get=ADMIN_DEFAULT)),
    "admin:conventions_convention_avenant": Url(Case("A", _pk("convention_a"), get=ADMIN_DEFAULT)),
    "admin:conventions_convention_avoir": Url(Case("A", _pk("convention_a"), get=ADMIN_DEFAULT)),
    "admin:conventions_convention_terminer": Url(Case("A", _pk("convention_a"), get=ADMIN_DEFAULT)),
    "admin:formation_formationinitiale_import": Url(Case("-", get=ADMIN_DEFAULT)),
    "admin:cra_importcra_importer": Url(Case("-", get=ADMIN_DEFAULT)),
    "admin:cra_importcra_rapport": Url(Case("A", lambda w: {"pk": w.import_cra.pk}, get=ADMIN_DEFAULT)),
}


# --- allauth (account_*, socialaccount_*, mfa_*), ProConnect ----------------------------------
# Public pages (login, sign-up, password reset…) answer everybody; account pages need a login.
def _pub(get, kwargs=None, note=""):
    return Url(Case("-", kwargs, get=get), note=note)


# Observed and accepted behaviour of allauth (65) and of the ProConnect entry points: nothing
# of an account is given to anonymous visitors; logged-in users are sent away from the
# login/sign-up pages; MFA pages outside a login or set-up flow redirect or answer 404.
USER = E(200, anonyme=LOGIN)
ALLAUTH: dict[str, Url] = {
    "account_login": _pub(E(302, anonyme=200)),
    "account_logout": _pub(E(200, anonyme=302)),
    "account_inactive": _pub(E(200)),
    "account_signup": _pub(E(302, anonyme=200)),
    "account_reauthenticate": _pub(USER),
    "account_email": _pub(USER),
    "account_email_verification_sent": _pub(E(200)),
    "account_change_password": _pub(USER),
    "account_set_password": _pub(E(302, anonyme=LOGIN), note="Les comptes ont déjà un mot de passe."),
    "account_reset_password": _pub(E(200)),
    "account_confirm_login_code": _pub(E(302, anonyme=LOGIN), note="Hors d'une connexion par code en cours."),
    "account_confirm_email": _pub(E(200), lambda w: {"key": "cle-invalide"}),
    "account_reset_password_from_key_done": _pub(E(200)),
    "account_reset_password_from_key": _pub(E(200), lambda w: {"uidb36": "1", "key": "cle-invalide"}),
    "account_reset_password_done": _pub(E(200)),
    "mfa_index": _pub(USER),
    "mfa_authenticate": _pub(E(302, anonyme=LOGIN), note="Hors d'une connexion en cours."),
    "mfa_reauthenticate": _pub(E(302, anonyme=LOGIN)),
    "mfa_activate_totp": _pub(E(302, anonyme=LOGIN)),
    "mfa_deactivate_totp": _pub(E(404, anonyme=LOGIN), note="Aucun TOTP activé dans le monde de test."),
    "mfa_view_recovery_codes": _pub(E(404, anonyme=LOGIN)),
    "mfa_generate_recovery_codes": _pub(E(302, anonyme=LOGIN)),
    "mfa_download_recovery_codes": _pub(E(404, anonyme=LOGIN)),
    "socialaccount_login_cancelled": _pub(E(200)),
    "socialaccount_login_error": _pub(E(401, anonyme=LOGIN)),
    "socialaccount_signup": _pub(E(LOGIN), note="Hors d'une inscription ProConnect en cours."),
    "socialaccount_connections": _pub(USER),
    "proconnect_login": _pub(E(404), note="ProConnect n'est pas configuré dans les tests."),
    "proconnect_callback": _pub(E(404)),
    "accounts/social/login/cancelled/": _pub(E(302, anonyme=LOGIN)),
    "accounts/social/login/error/": _pub(E(302, anonyme=LOGIN)),
    "accounts/social/signup/": _pub(E(302, anonyme=LOGIN)),
    "accounts/social/connections/": _pub(E(302, anonyme=LOGIN)),
}

PREFIX_RULES = ("admin:", "account_", "socialaccount_", "mfa_", "proconnect_")


def today_str() -> str:
    return date.today().isoformat()
