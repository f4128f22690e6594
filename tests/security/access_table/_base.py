"""Types and helpers of the access table: roles, outcomes, ``E``/``ALL``/``ONLY``, ``Case``/``Url``,
and the world-object helpers the entries share (format: see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
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
    "membre_non_valide",
    "prefecture",
    "autre_prefecture",
    "coordinateur",
    "hub",
    "grand_reseau",
    "operateur",
)
# Which side's data each role may see; every other side's marker must never reach it. Side C is
# one structure still applying (not validated) in side A's département, with its own member.
SIDES = {
    "A": {
        "candidat",
        "conseiller",
        "membre",
        "prefecture",
        "coordinateur",
        "hub",
        "grand_reseau",
    },
    "B": {"autre_conseiller", "autre_membre", "autre_prefecture"},
    "C": {"membre_non_valide"},
}
MARKERS = {"A": "ZZA", "B": "ZZB", "C": "ZZC"}
# Roles that oversee side C's territory (its département, its région) besides their own side.
ALSO_SEES = {"prefecture": {"C"}, "hub": {"C"}}


def forbidden_markers(role: str) -> list[str]:
    """Markers that must never appear in a response to ``role`` (none for anonymous or operator)."""
    sides = {side for side, roles in SIDES.items() if role in roles}
    if not sides:
        return []
    allowed = sides | ALSO_SEES.get(role, set())
    return [marker for side, marker in MARKERS.items() if side not in allowed]


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
_LIGNES_CRA = (
    "conseiller", "autre_conseiller", "membre", "autre_membre", "membre_non_valide", "coordinateur", "operateur",
)  # fmt: skip


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


PREFIX_RULES = ("admin:", "account_", "socialaccount_", "mfa_", "proconnect_")


def today_str() -> str:
    return date.today().isoformat()
