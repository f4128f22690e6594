"""Places of activity: create, edit and delete a structure's places (members and operators)."""

from __future__ import annotations

from django.db import transaction

from conumapp import permissions
from conumapp.services import DomainError

from ..models import LieuActivite, Structure
from ._commun import _require_member, _save

LIEU_CHAMPS = (
    "nom", "adresse", "complement_adresse", "code_postal", "commune", "latitude", "longitude", "typologies",
    "telephone", "courriel", "site_web", "horaires", "presentation_resume", "presentation_detail",
    "itinerance", "services", "publics_specifiquement_adresses", "prise_en_charge_specifique",
    "frais_a_charge", "modalites_acces", "modalites_accompagnement", "prise_rdv",
)  # fmt: skip


def _require_member_or_operator(user, structure: Structure) -> None:
    if not permissions.is_operateur(user):
        _require_member(user, structure)


def _remplir_lieu(lieu: LieuActivite, data: dict) -> None:
    unknown = set(data) - set(LIEU_CHAMPS)
    if unknown:
        raise DomainError(f"Champ inconnu : {', '.join(sorted(unknown))}.")
    for name, value in data.items():
        setattr(lieu, name, value)
    if lieu.commune_id and (lieu.latitude is None or lieu.longitude is None):
        # Coordinates default to the commune's (the referential's) when not given.
        lieu.latitude, lieu.longitude = lieu.commune.latitude, lieu.commune.longitude


def lieu_creer(*, structure: Structure, by, **data) -> LieuActivite:
    """Add a place of activity to ``structure`` (members and operators)."""
    _require_member_or_operator(by, structure)
    with transaction.atomic():
        lieu = LieuActivite(structure=structure)
        _remplir_lieu(lieu, data)
        _save(lieu, by)
    return lieu


def lieu_modifier(*, lieu: LieuActivite, by, **data) -> LieuActivite:
    _require_member_or_operator(by, lieu.structure)
    with transaction.atomic():
        lieu = LieuActivite.objects.select_for_update().get(pk=lieu.pk)
        _remplir_lieu(lieu, data)
        _save(lieu, by)
    return lieu


def lieu_supprimer(*, lieu: LieuActivite, by) -> None:
    _require_member_or_operator(by, lieu.structure)
    with transaction.atomic():
        lieu._history_user = by
        lieu.delete()
