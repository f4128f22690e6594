"""Mapping and checking of legacy rows: the v1 and v2 code tables (docs/cra-import.md),
``map_v1``/``map_v2`` (one source document to a checked ``Ligne``, no query) and ``_check``
(the import's date bounds, then the rules and messages of ``Cra.clean``)."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import timezone

from ..enums import (
    COMPTES,
    DUREE_MAX,
    Autonomie,
    Materiel,
    Niveau,
    StructureRedirection,
    Thematique,
    TypeCra,
    TypeLieu,
)
from .rows import Ligne, LigneCra, Refus, _ligne

V1_CANAL = {"rattachement": "lieu_activite", "autre lieu": "autre", "autre": "autre", "distance": "a_distance",
            "domicile": "domicile"}  # fmt: skip
V1_ACTIVITE = {"individuel": "individuel", "collectif": "collectif", "ponctuel": "ponctuel"}
V1_THEMES = {
    "equipement informatique": "prendre_en_main_du_materiel",
    "smartphone": "prendre_en_main_du_materiel",
    "vocabulaire": "culture_numerique",
    "internet": "navigation_sur_internet",
    "securite": "securite_numerique",
    "fraude et harcelement": "securite_numerique",
    "courriel": "email",
    "echanger": "reseaux_sociaux",
    "traitement texte": "bureautique",
    "contenus numeriques": "gere_ses_contenus_numeriques",
    "trouver emploi": "insertion_professionnelle",
    "tpe/pme": "entrepreneuriat",
    "accompagner enfant": "parentalite",
    "scolaire": "scolarite_et_numerique",
    "demarche en ligne": "aide_aux_demarches_administratives",
    "sante": "sante",
    "budget": "banque_et_achats_en_ligne",
    "diagnostic": "diagnostic_numerique",
    "autre": "culture_numerique",
}
V1_DUREE = {"0-30": 15, "30-60": 45, "60": 60}
V1_AGE = {"moins12ans": "moins_de_douze", "de12a18ans": "douze_dix_huit", "de18a35ans": "vingt_cinq_trente_neuf",
          "de35a60ans": "quarante_cinquante_neuf", "plus60ans": "soixante_soixante_neuf"}  # fmt: skip
V1_STATUT = {"etudiant": "scolarise", "sansEmploi": "sans_emploi", "enEmploi": "en_emploi",
             "retraite": "retraite", "heterogene": "non_communique"}  # fmt: skip
V1_ORGANISMES = {
    "mairie": "administration", "prefecture": "administration", "préfecture": "administration",
    "ants": "operateur_ou_organisme_en_charge", "caf": "operateur_ou_organisme_en_charge",
    "carsat": "operateur_ou_organisme_en_charge", "cpam": "operateur_ou_organisme_en_charge",
    "dgfip": "operateur_ou_organisme_en_charge", "pôle emploi": "operateur_ou_organisme_en_charge",
    "pole emploi": "operateur_ou_organisme_en_charge", "ccas": "aide_sociale",
    "france services": "aide_aux_demarches_administratives", "mission locale": "insertion_professionnelle",
}  # fmt: skip

_TYPES = {m.value for m in TypeCra}
_LIEUX = {m.value for m in TypeLieu}
_THEMES = {m.value for m in Thematique}
_MATERIEL = {m.value for m in Materiel}
_AUTONOMIE = {m.value for m in Autonomie}
_REDIRECTION = {m.value for m in StructureRedirection}
_NIVEAUX = {m.value for m in Niveau}
DATE_MIN = date(2020, 1, 1)
# Bit of each multi-valued code, and the count columns per prefix (computed once, not per row).
_THEME_BITS = {m.value: 1 << i for i, m in enumerate(Thematique)}
_MATERIEL_BITS = {m.value: 1 << i for i, m in enumerate(Materiel)}
_COUNT_COLUMNS = {prefix: [(m.value, f"{prefix}_{m.value}") for m in enum] for prefix, enum in COMPTES}
_COUNT_CODES = {prefix: {m.value for m in enum} for prefix, enum in COMPTES}
_COUNT_LABELS = {"age": "tranches d'âge", "genre": "genres", "statut": "statuts"}


def _bits(codes, table: dict[str, int]) -> int:
    value = 0
    for code in codes or ():
        value |= table[code]
    return value


# --- helpers ---------------------------------------------------------------------------------


def _oid(value) -> str:
    if isinstance(value, dict):
        return str(value.get("$oid") or value.get("$numberLong") or "")
    return "" if value is None else str(value)


def _date(value) -> date:
    if isinstance(value, dict):
        value = value.get("$date")
        if isinstance(value, dict):  # {"$date": {"$numberLong": "..."}}
            value = int(value.get("$numberLong"))
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=timezone.get_current_timezone()).date()
    if not value:
        raise Refus("date absente")
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as error:
        raise Refus(f"date illisible : {value}") from error


def _code5(value) -> str:
    digits = re.sub(r"[^0-9AB]", "", str(value or "").upper())
    return digits.zfill(5) if len(digits) == 4 else digits[:5]


def _int(value, what) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, dict):
        value = value.get("$numberInt") or value.get("$numberLong") or value.get("$numberDouble")
    try:
        number = int(float(value))
    except (TypeError, ValueError) as error:
        raise Refus(f"{what} illisible : {value}") from error
    if number < 0:
        raise Refus(f"{what} négatif : {number}")
    return number


def _fill_counts(cra: LigneCra, prefix: str, counts: dict[str, int]) -> None:
    """Set counts; put what is missing to reach the participants in « non communiqué »."""
    total = sum(counts.values())
    if total > cra.participants:
        raise Refus(f"la somme des {prefix} ({total}) dépasse le nombre de participants ({cra.participants})")
    counts["non_communique"] = counts.get("non_communique", 0) + cra.participants - total
    values = cra.__dict__
    for code, column in _COUNT_COLUMNS[prefix]:
        values[column] = counts.get(code, 0)


def _check(cra: LigneCra, today: date | None = None) -> None:
    """The import's date bounds, then exactly the rules and messages of ``Cra.clean`` (same
    order; count errors share the non-field slot, as there) — kept in step by a test that
    compares both on random rows (tests/cra/test_import_regles.py)."""
    if cra.date < DATE_MIN:
        raise Refus("date antérieure au 1er janvier 2020")
    if cra.date > (today or timezone.localdate()):
        raise Refus("date dans le futur")
    errors: dict[str, str] = {}
    if cra.duree is not None and not 1 <= cra.duree <= DUREE_MAX:
        errors["duree"] = "La durée doit être comprise entre 1 minute et 8 heures."
    if not cra.thematiques:
        errors["thematiques"] = "Choisissez au moins une thématique."
    participants = cra.participants
    if cra.type == TypeCra.COLLECTIF:
        if not 2 <= (participants or 0) <= 100:
            errors["participants"] = "Un atelier collectif compte entre 2 et 100 participants."
        elif cra.participants_recurrents > participants:
            errors["participants_recurrents"] = (
                "Les participants récurrents ne peuvent pas dépasser le nombre de participants."
            )
    elif cra.type == TypeCra.INDIVIDUEL and participants != 1:
        errors["participants"] = "Un accompagnement individuel concerne une seule personne."
    if participants and "participants" not in errors:
        values = cra.__dict__
        for prefix, columns in _COUNT_COLUMNS.items():
            total = sum(values.get(column, 0) for _code, column in columns)
            if total != participants:
                errors["__all__"] = (
                    f"La somme des {_COUNT_LABELS[prefix]} ({total}) doit être égale au nombre "
                    f"de participants ({participants})."
                )
    if cra.oriente is not True and cra.structure_redirection:
        cra.structure_redirection = ""
    if len(cra.note or "") > 500:
        errors["note"] = "La note ne doit pas dépasser 500 caractères."
    if errors:
        raise Refus(" ".join(errors.values()))


# --- v1 --------------------------------------------------------------------------------------


def map_v1(doc: dict, raw: str | None = None, today: date | None = None) -> Ligne:
    """``raw``: the line's JSON text (kept as ``source_data`` as is); ``today``: the date bound."""
    source_id = _oid(doc.get("_id"))
    if not source_id:
        raise Refus("identifiant _id absent")
    data = doc.get("cra") or {}
    cra = _ligne(source="v1", source_id=source_id, source_data=doc, raw=raw)
    cra.date = _date(data.get("dateAccompagnement"))
    activite = str(data.get("activite") or "").strip().lower()
    if activite not in V1_ACTIVITE:
        raise Refus(f"activité inconnue : {data.get('activite')!r}")
    cra.type = V1_ACTIVITE[activite]
    canal = str(data.get("canal") or "").strip().lower()
    if canal not in V1_CANAL:
        raise Refus(f"canal inconnu : {data.get('canal')!r}")
    cra.type_lieu = V1_CANAL[canal]
    themes = data.get("themes") or []
    if not themes:
        raise Refus("aucune thématique")
    unknown = [t for t in themes if str(t).strip().lower() not in V1_THEMES]
    if unknown:
        raise Refus(f"thématique inconnue : {', '.join(map(str, unknown))}")
    cra.thematiques = _bits({V1_THEMES[str(t).strip().lower()] for t in themes}, _THEME_BITS)
    duree = data.get("duree")
    if isinstance(duree, str) and duree.strip() in V1_DUREE:
        cra.duree = V1_DUREE[duree.strip()]
    else:
        cra.duree = _int(duree, "durée")
        if not 1 <= cra.duree <= DUREE_MAX:
            raise Refus(f"durée hors bornes : {duree}")
    cra.participants = _int(data.get("nbParticipants"), "nombre de participants")
    if cra.participants == 0:
        raise Refus("0 participant")
    if cra.type == TypeCra.INDIVIDUEL and cra.participants > 1:
        cra.type = TypeCra.COLLECTIF  # the legacy tool allowed it: it was a group session
    cra.participants_recurrents = _int(data.get("nbParticipantsRecurrents"), "participants récurrents")
    ages = {}
    for key, value in (data.get("age") or {}).items():
        if key not in V1_AGE:
            raise Refus(f"tranche d'âge inconnue : {key}")
        ages[V1_AGE[key]] = ages.get(V1_AGE[key], 0) + _int(value, "âge")
    _fill_counts(cra, "age", ages)
    statuts = {}
    for key, value in (data.get("statut") or {}).items():
        if key not in V1_STATUT:
            raise Refus(f"statut inconnu : {key}")
        statuts[V1_STATUT[key]] = statuts.get(V1_STATUT[key], 0) + _int(value, "statut")
    _fill_counts(cra, "statut", statuts)
    _fill_counts(cra, "genre", {})
    cra.commune_code = _code5(data.get("codeCommune"))
    cra.code_postal = _code5(data.get("codePostal"))
    organismes = data.get("organismes") or []
    accompagnement = data.get("accompagnement") or {}
    if organismes or _int(accompagnement.get("redirection"), "redirection"):
        cra.oriente = True
        names = [str(name).strip().lower() for item in organismes if isinstance(item, dict) for name in item]
        cra.structure_redirection = next((V1_ORGANISMES[n] for n in names if n in V1_ORGANISMES), "autre")
    _check(cra, today)
    return Ligne(0, source_id, _oid(doc.get("conseiller")), _oid(doc.get("structure")), cra)


# --- v2 --------------------------------------------------------------------------------------


def map_v2(resource: dict, raw: str | None = None, today: date | None = None) -> Ligne:
    source_id = str(resource.get("id") or "")
    if not source_id:
        raise Refus("identifiant absent")
    a = resource.get("attributes") or {}
    cra = _ligne(source="v2", source_id=source_id, source_data=resource)
    cra.date = _date(a.get("date"))
    if a.get("type") not in _TYPES:
        raise Refus(f"type inconnu : {a.get('type')!r}")
    cra.type = a["type"]
    if a.get("type_lieu") not in _LIEUX:
        raise Refus(f"type de lieu inconnu : {a.get('type_lieu')!r}")
    cra.type_lieu = a["type_lieu"]
    cra.duree = _int(a.get("duree"), "durée")
    if not 1 <= cra.duree <= DUREE_MAX:
        raise Refus(f"durée hors bornes : {a.get('duree')}")
    themes = a.get("thematiques") or []
    if not themes:
        raise Refus("aucune thématique")
    if unknown := [t for t in themes if t not in _THEMES]:
        raise Refus(f"thématique inconnue : {', '.join(map(str, unknown))}")
    cra.thematiques = _bits(themes, _THEME_BITS)
    materiel = a.get("materiel") or []
    if unknown := [m for m in materiel if m not in _MATERIEL]:
        raise Refus(f"matériel inconnu : {', '.join(map(str, unknown))}")
    cra.materiel = _bits(materiel, _MATERIEL_BITS)
    for name, allowed, attr in (("autonomie", _AUTONOMIE, "autonomie"), ("niveau_atelier", _NIVEAUX, "niveau"),
                                ("structure_de_redirection", _REDIRECTION, "structure_redirection")):  # fmt: skip
        value = a.get(name) or ""
        if value and value not in allowed:
            raise Refus(f"{name} inconnu : {value!r}")
        setattr(cra, attr, value)
    cra.oriente = a.get("oriente_vers_structure")
    cra.titre_atelier = (a.get("titre_atelier") or "")[:150]
    benef = a.get("beneficiaires") or {}
    cra.participants = _int(benef.get("total", a.get("accompagnements")), "nombre de participants")
    if cra.participants == 0:
        raise Refus("0 participant")
    cra.participants_recurrents = _int(a.get("participants_recurrents"), "participants récurrents")
    for prefix, key in (("genre", "genres"), ("age", "tranches_age"), ("statut", "statuts")):
        counts = {}
        allowed = _COUNT_CODES[prefix]
        for code, value in (benef.get(key) or {}).items():
            if code not in allowed:
                raise Refus(f"{key} : code inconnu {code!r}")
            counts[code] = _int(value, key)
        _fill_counts(cra, prefix, counts)
    cra.commune_code = _code5(a.get("lieu_code_insee"))
    cra.code_postal = _code5(a.get("lieu_code_postal"))
    cra.tags = ", ".join(a.get("tags") or [])[:200]
    cra.note = (a.get("notes") or "")[:500]
    if a.get("suppression"):
        cra.deleted_at = datetime.fromisoformat(a["suppression"])
    _check(cra, today)
    return Ligne(0, source_id, str(a.get("mediateur_id") or ""), str(a.get("structure_id") or ""), cra)
