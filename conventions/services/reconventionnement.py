"""Renewal (reconventionnement): initiated by the structure, validated by an operator."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from conumapp.services import DomainError

from .. import notifications, occupancy
from ..enums import ConventionEtat, ConventionStatut, Phase, ReconventionnementStatut
from ..models import Convention, Reconventionnement, ReconventionnementConseiller
from ._commun import _lock, _require_member, _require_operator, _save
from .conventionnement import convention_rediger


def candidats_renouvellement(convention: Convention):
    handler = occupancy.renewal_handler()
    return handler.candidats(convention.structure_id) if handler else []


def reconventionnement_initier(
    *, convention: Convention, by, ds_numero: str, lignes: list[dict], today: date | None = None
) -> Reconventionnement:
    """The structure starts its renewal: advisors renewed (with their new contracts), DS number."""
    _require_member(by, convention.structure_id)
    today = today or timezone.localdate()
    if not ds_numero.strip():
        raise DomainError("Indiquez le numéro de votre dossier Démarches Simplifiées.")
    with transaction.atomic():
        convention = _lock(convention)
        if not convention.peut_etre_renouvelee(today):
            raise DomainError(
                "Le reconventionnement s'ouvre six mois avant la fin d'une convention de phase 1 signée, "
                "sans décision déjà prise."
            )
        allowed = {c.mise_en_relation_id: c for c in candidats_renouvellement(convention)}
        for ligne in lignes:
            if ligne["mise_en_relation_id"] not in allowed:
                raise DomainError("Un des conseillers sélectionnés n'est pas en poste dans votre structure.")
            if ligne["type_contrat"] != "CDI" and not ligne.get("date_fin"):
                raise DomainError("Un contrat autre qu'un CDI doit avoir une date de fin.")
        reconv = Reconventionnement(
            convention=convention,
            statut=ReconventionnementStatut.INITIE,
            ds_numero=ds_numero.strip(),
            nombre_postes=max(len(lignes), 1),
            initie_par=by,
        )
        _save(reconv, by)
        created = [
            ReconventionnementConseiller.objects.create(
                reconventionnement=reconv,
                mise_en_relation_id=ligne["mise_en_relation_id"],
                conseiller_nom=allowed[ligne["mise_en_relation_id"]].nom,
                type_contrat=ligne["type_contrat"],
                date_debut=ligne["date_debut"],
                date_fin=ligne.get("date_fin"),
            )
            for ligne in lignes
        ]
        convention.statut = ConventionStatut.RECONVENTIONNEMENT_INITIE
        _save(convention, by)
        handler = occupancy.renewal_handler()
        if handler and created:
            handler.initier(created)
    return reconv


def reconventionnement_non_interesse(*, convention: Convention, by, motif: str) -> Reconventionnement:
    _require_member(by, convention.structure_id)
    with transaction.atomic():
        convention = _lock(convention)
        if (
            convention.etat != ConventionEtat.SIGNEE
            or convention.statut != ConventionStatut.CONVENTIONNEMENT_VALIDE
        ):
            raise DomainError("Une décision de reconventionnement a déjà été prise pour cette convention.")
        if not motif:
            raise DomainError("Indiquez pourquoi vous ne souhaitez pas vous reconventionner.")
        reconv = Reconventionnement(
            convention=convention,
            statut=ReconventionnementStatut.NON_INTERESSE,
            motif_non_interesse=motif,
            initie_par=by,
        )
        _save(reconv, by)
        convention.statut = ConventionStatut.NON_INTERESSE
        _save(convention, by)
    return reconv


def reconventionnement_valider(*, reconventionnement: Reconventionnement, by) -> Convention:
    """Operator validates: phase-2 convention drafted, renewed recruitments finalised."""
    _require_operator(by)
    with transaction.atomic():
        reconv = Reconventionnement.objects.select_for_update().get(pk=reconventionnement.pk)
        if reconv.statut != ReconventionnementStatut.INITIE:
            raise DomainError("Seul un reconventionnement initié peut être validé.")
        ancienne = _lock(reconv.convention)
        reconv.statut = ReconventionnementStatut.VALIDE
        reconv.valide_par, reconv.valide_le = by, timezone.now()
        _save(reconv, by)
        ancienne.statut = ConventionStatut.RECONVENTIONNEMENT_VALIDE
        _save(ancienne, by)
        nouvelle = convention_rediger(
            structure=ancienne.structure,
            by=by,
            date_debut=ancienne.date_fin + timedelta(days=1),
            phase=Phase.PHASE_2,
            precedente=ancienne,
        )
        nouvelle.ds_numero = reconv.ds_numero
        _save(nouvelle, by)
        handler = occupancy.renewal_handler()
        lignes = list(reconv.lignes.all())
        if handler and lignes:
            handler.valider(lignes)
        notifications.reconventionnement_valide(reconv, nouvelle)
    return nouvelle


def renouvellement_en_attente(mise_en_relation_id: int) -> bool:
    """True while a renewal including this recruitment awaits the operator (blocks its rupture)."""
    return ReconventionnementConseiller.objects.filter(
        mise_en_relation_id=mise_en_relation_id, reconventionnement__statut=ReconventionnementStatut.INITIE
    ).exists()
