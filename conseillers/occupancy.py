"""The conseillers app's implementations of the conventions hooks (registered in ``apps.ready``).

``conventions`` sits below ``conseillers`` and never imports it; it asks, through
``conventions.occupancy``, for the periods with an advisor in post (pro rata of tranches) and
for the renewal of recruitments when a renewal (reconventionnement) is initiated and validated.
This module also registers a rupture blocker: a rupture cannot be validated while a renewal
including the recruitment awaits the operator. Finally it tells ``structures.hooks`` who occupies
each post (shown on the structure's page).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from conventions import occupancy as hooks

from .enums import MiseEnRelationStatut, TypeContrat
from .models import MiseEnRelation

STATUTS_AYANT_OCCUPE = [
    MiseEnRelationStatut.FINALISEE,
    MiseEnRelationStatut.NOUVELLE_RUPTURE,
    MiseEnRelationStatut.FINALISEE_RUPTURE,
    MiseEnRelationStatut.RENOUVELLEMENT_INITIEE,
    MiseEnRelationStatut.TERMINEE,
]


def periodes_occupees(
    structure_id: int, start: date, end: date
) -> dict[int | None, list[tuple[date, date | None]]]:
    """Per post, the contract periods (inclusive; None = open) overlapping [start, end)."""
    result: dict[int | None, list[tuple[date, date | None]]] = {}
    rows = (
        MiseEnRelation.objects.filter(
            structure_id=structure_id,
            statut__in=STATUTS_AYANT_OCCUPE,
            date_debut__isnull=False,
            date_debut__lt=end,
        )
        .values_list("poste_id", "date_debut", "date_fin", "date_rupture")
        .order_by("date_debut")
    )
    for poste_id, debut, fin, rupture in rows:
        last = rupture or fin
        if last is not None and last < start:
            continue
        result.setdefault(poste_id, []).append((debut, last))
    return result


class Renouvellement:
    """Renewed recruitments: ``renouvellement_initiee`` at initiation, ``finalisee`` at validation
    (the previous recruitment becomes ``terminee``)."""

    def candidats(self, structure_id: int) -> list[hooks.CandidatRenouvellement]:
        rows = (
            MiseEnRelation.objects.filter(structure_id=structure_id, statut=MiseEnRelationStatut.FINALISEE)
            .select_related("conseiller")
            .order_by("conseiller__nom", "conseiller__prenom")
        )
        return [
            hooks.CandidatRenouvellement(
                mise_en_relation_id=mer.pk,
                nom=str(mer.conseiller),
                type_contrat=mer.type_contrat,
                date_fin=mer.date_fin,
            )
            for mer in rows
        ]

    def initier(self, lignes) -> None:
        with transaction.atomic():
            for ligne in lignes:
                ancienne = MiseEnRelation.objects.select_for_update().get(pk=ligne.mise_en_relation_id)
                nouvelle = MiseEnRelation.objects.create(
                    conseiller_id=ancienne.conseiller_id,
                    structure_id=ancienne.structure_id,
                    poste_id=ancienne.poste_id,
                    statut=MiseEnRelationStatut.RENOUVELLEMENT_INITIEE,
                    type_contrat=ligne.type_contrat or TypeContrat.CDI,
                    date_debut=ligne.date_debut,
                    date_fin=ligne.date_fin,
                    salaire_brut=ancienne.salaire_brut,
                    renouvelle=ancienne,
                )
                ligne.nouvelle_mise_en_relation_id = nouvelle.pk
                ligne.save(update_fields=["nouvelle_mise_en_relation_id"])

    def valider(self, lignes) -> None:
        with transaction.atomic():
            for ligne in lignes:
                ancienne = MiseEnRelation.objects.select_for_update().get(pk=ligne.mise_en_relation_id)
                ancienne.statut = MiseEnRelationStatut.TERMINEE
                ancienne.save(update_fields=["statut", "updated_at"])
                if ligne.nouvelle_mise_en_relation_id:
                    nouvelle = MiseEnRelation.objects.select_for_update().get(
                        pk=ligne.nouvelle_mise_en_relation_id
                    )
                    nouvelle.statut = MiseEnRelationStatut.FINALISEE
                    nouvelle.save(update_fields=["statut", "updated_at"])


def bloque_rupture(mise_en_relation) -> str | None:
    """Rupture blocker: a renewal including this recruitment awaits the operator."""
    from conventions.services import renouvellement_en_attente

    if renouvellement_en_attente(mise_en_relation.pk):
        return "Une demande de reconventionnement incluant ce contrat est en attente : la rupture ne peut pas être validée."
    return None


def occupants_postes(poste_ids: list[int]) -> dict[int, str]:
    """For ``structures.hooks``: the advisor currently occupying each post, in one query."""
    rows = (
        MiseEnRelation.objects.occupant_poste()
        .filter(poste_id__in=poste_ids)
        .values_list("poste_id", "conseiller__prenom", "conseiller__nom")
    )
    return {poste_id: f"{prenom} {nom}".strip() for poste_id, prenom, nom in rows}


def register() -> None:
    from structures import hooks as structures_hooks

    from . import services

    hooks.register_provider(periodes_occupees)
    hooks.register_renewal_handler(Renouvellement())
    if bloque_rupture not in services.RUPTURE_BLOCKERS:
        services.RUPTURE_BLOCKERS.append(bloque_rupture)
    structures_hooks.register_occupants(occupants_postes)
