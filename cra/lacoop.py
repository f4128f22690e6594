"""La Coop API shape (DOMAIN.md §6 "Exchange formats", v2): serialise a Cra as a JSON:API
``activite`` resource. The legacy import reads the same shape back (``cra.importer``)."""

from __future__ import annotations

from .enums import COMPTES, Materiel, Thematique, TypeCra, codes_of
from .models import Cra

SOURCE_PREFIX = "conum-"


def _iso(value):
    return value.isoformat() if value else None


def attributes(cra: Cra) -> dict:
    comptes = {prefix: cra.comptes(prefix) for prefix, _enum in COMPTES}
    return {
        "type": cra.type,
        "mediateur_id": str(cra.conseiller_id),
        "user_id": str(cra.conseiller_id),
        "accompagnements": cra.accompagnements,
        "date": cra.date.isoformat(),
        "duree": cra.duree,
        "type_lieu": cra.type_lieu,
        "structure_id": str(cra.structure_id) if cra.structure_id else None,
        "lieu_code_postal": cra.code_postal or None,
        "lieu_commune": None,
        "lieu_code_insee": cra.commune_code or None,
        "creation": _iso(cra.created_at),
        "modification": _iso(cra.updated_at),
        "suppression": _iso(cra.deleted_at),
        "autonomie": cra.autonomie or None,
        "oriente_vers_structure": cra.oriente,
        "structure_de_redirection": cra.structure_redirection or None,
        "materiel": codes_of(cra.materiel, Materiel),
        "thematiques": codes_of(cra.thematiques, Thematique),
        "tags": [t.strip() for t in cra.tags.split(",") if t.strip()],
        "precisions_demarche": None,
        "titre_atelier": cra.titre_atelier or None,
        "niveau_atelier": cra.niveau or None,
        "participants_recurrents": cra.participants_recurrents if cra.type == TypeCra.COLLECTIF else None,
        "notes": cra.note or None,
        "beneficiaires": {
            "total": cra.participants,
            "genres": comptes["genre"],
            "tranches_age": comptes["age"],
            "statuts": comptes["statut"],
        },
    }


def resource(cra: Cra) -> dict:
    # A CRA imported from La Coop keeps its original id, so a re-import finds it again.
    ident = cra.source_id if cra.source == "v2" and cra.source_id else f"{SOURCE_PREFIX}{cra.pk}"
    return {"type": "activite", "id": ident, "attributes": attributes(cra)}
