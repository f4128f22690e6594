"""Supporting documents: deposit by a member, acceptance or refusal by an operator."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from conumapp.files import clean_filename
from conumapp.services import DomainError
from structures.models import Structure

from .. import notifications
from ..enums import PieceStatut, PieceType
from ..models import Convention, PieceJustificative
from ._commun import _require_member, _require_operator, _save


def piece_deposer(
    *,
    structure: Structure,
    by,
    type: str,
    fichier,
    convention: Convention | None = None,
    poste_id: int | None = None,
    valide_du: date | None = None,
    valide_au: date | None = None,
) -> PieceJustificative:
    _require_member(by, structure.pk)
    if type == PieceType.CONTRAT_TRAVAIL and not poste_id:
        raise DomainError("Indiquez le poste auquel se rapporte ce contrat de travail.")
    if poste_id and not structure.postes.filter(pk=poste_id).exists():
        raise DomainError("Ce poste n'appartient pas à la structure.")
    if valide_du and valide_au and valide_au < valide_du:
        raise DomainError("La fin de validité doit suivre son début.")
    piece = PieceJustificative(
        structure=structure,
        convention=convention,
        poste_id=poste_id,
        type=type,
        fichier=fichier,
        nom_fichier=clean_filename(getattr(fichier, "original_name", None) or getattr(fichier, "name", None))[
            :255
        ],
        valide_du=valide_du,
        valide_au=valide_au,
        deposee_par=by,
    )
    _save(piece, by)
    return piece


def piece_accepter(*, piece: PieceJustificative, by) -> PieceJustificative:
    _require_operator(by)
    with transaction.atomic():
        piece = PieceJustificative.objects.select_for_update().get(pk=piece.pk)
        if piece.statut != PieceStatut.DEPOSEE:
            raise DomainError("Cette pièce a déjà été vérifiée.")
        piece.statut = PieceStatut.ACCEPTEE
        piece.verifiee_par, piece.verifiee_le = by, timezone.now()
        _save(piece, by)
    return piece


def piece_refuser(*, piece: PieceJustificative, by, motif: str) -> PieceJustificative:
    _require_operator(by)
    if not motif.strip():
        raise DomainError("Indiquez le motif du refus de la pièce.")
    with transaction.atomic():
        piece = PieceJustificative.objects.select_for_update().get(pk=piece.pk)
        if piece.statut != PieceStatut.DEPOSEE:
            raise DomainError("Cette pièce a déjà été vérifiée.")
        piece.statut = PieceStatut.REFUSEE
        piece.motif_refus = motif.strip()
        piece.verifiee_par, piece.verifiee_le = by, timezone.now()
        _save(piece, by)
        notifications.piece_refusee(piece)
    return piece
