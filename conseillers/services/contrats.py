"""Contracts in progress: extensions (prolongations), contract ends (ruptures) and declared
leave (congés)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from conumapp.services import DomainError

from .. import notifications
from ..enums import ConseillerStatut, ProlongationStatut, TypeContrat
from ..models import Conge, Conseiller, MiseEnRelation, Prolongation
from . import _commun
from ._commun import S, _check_salaire, _lock_mer, _poste_liberer, _require_member, _require_operator, _save

# --- Extensions ------------------------------------------------------------------------------


def prolongation_demander(
    *, mise_en_relation: MiseEnRelation, date_fin: date, salaire_brut: Decimal | None, by
) -> Prolongation:
    _require_member(by, mise_en_relation.structure_id)
    with transaction.atomic():
        mer = _lock_mer(mise_en_relation)
        if mer.statut != S.FINALISEE:
            raise DomainError("Seul le contrat d'un conseiller en activité peut être prolongé.")
        if mer.type_contrat == TypeContrat.CDI or not mer.date_fin:
            raise DomainError("Un CDI n'a pas de date de fin : il ne peut pas être prolongé.")
        if not date_fin or date_fin <= mer.date_fin:
            raise DomainError("La nouvelle date de fin doit être postérieure à la date de fin actuelle.")
        if salaire_brut is not None:
            _check_salaire(salaire_brut)
        if mer.prolongations.filter(statut=ProlongationStatut.INITIEE).exists():
            raise DomainError("Une demande de prolongation est déjà en attente pour ce contrat.")
        prolongation = Prolongation(
            mise_en_relation=mer, date_fin=date_fin, salaire_brut=salaire_brut, demandee_par=by
        )
        _save(prolongation, by)
    return prolongation


def prolongation_valider(*, prolongation: Prolongation, by) -> Prolongation:
    """Operator: ``initiee`` → ``validee``; the contract gets the new end date (and salary)."""
    _require_operator(by)
    with transaction.atomic():
        locked = Prolongation.objects.select_for_update().get(pk=prolongation.pk)
        if locked.statut != ProlongationStatut.INITIEE:
            raise DomainError("Cette prolongation a déjà été validée.")
        mer = _lock_mer(locked.mise_en_relation)
        if mer.statut != S.FINALISEE:
            raise DomainError("Le contrat n'est plus en cours : la prolongation ne peut pas être validée.")
        locked.statut = ProlongationStatut.VALIDEE
        locked.validee_par = by
        locked.validee_le = timezone.now()
        _save(locked, by)
        mer.date_fin = locked.date_fin
        if locked.salaire_brut is not None:
            mer.salaire_brut = locked.salaire_brut
        _save(mer, by)
        notifications.prolongation_validee(locked, mer)
    return locked


# --- Contract ends (ruptures) ----------------------------------------------------------------


def rupture_notifier(
    *, mise_en_relation: MiseEnRelation, date_rupture: date, motif: str, commentaire: str = "", by
) -> MiseEnRelation:
    """Structure: ``finalisee`` → ``nouvelle_rupture``."""
    from ..enums import MotifRupture

    _require_member(by, mise_en_relation.structure_id)
    if motif not in MotifRupture.values:
        raise DomainError("Choisissez un motif de rupture dans la liste.")
    with transaction.atomic():
        mer = _lock_mer(mise_en_relation)
        if mer.statut != S.FINALISEE:
            raise DomainError("Seul le contrat d'un conseiller en activité peut faire l'objet d'une rupture.")
        if not date_rupture:
            raise DomainError("La date de fin de contrat est obligatoire.")
        if mer.date_fin and date_rupture > mer.date_fin:
            raise DomainError(
                f"La date de rupture doit être antérieure ou égale à la fin du contrat ({mer.date_fin:%d/%m/%Y})."
            )
        if mer.date_debut and date_rupture < mer.date_debut:
            raise DomainError("La date de rupture ne peut pas précéder le début du contrat.")
        mer.statut = S.NOUVELLE_RUPTURE
        mer.date_rupture = date_rupture
        mer.motif_rupture = motif
        mer.commentaire_rupture = commentaire
        mer.dossier_incomplet = False
        mer.pieces_manquantes = ""
        _save(mer, by)
    return mer


def rupture_dossier_incomplet(
    *, mise_en_relation: MiseEnRelation, pieces_manquantes: str, by
) -> MiseEnRelation:
    """Operator flags the rupture file incomplete ("Pièces manquantes") and says what is missing."""
    _require_operator(by)
    if not (pieces_manquantes or "").strip():
        raise DomainError("Indiquez les pièces manquantes.")
    with transaction.atomic():
        mer = _lock_mer(mise_en_relation)
        if mer.statut != S.NOUVELLE_RUPTURE:
            raise DomainError("Seule une rupture notifiée peut être signalée incomplète.")
        mer.dossier_incomplet = True
        mer.pieces_manquantes = pieces_manquantes.strip()
        _save(mer, by)
        notifications.rupture_incomplete(mer)
    return mer


def rupture_valider(*, mise_en_relation: MiseEnRelation, by) -> MiseEnRelation:
    """Operator: ``nouvelle_rupture`` → ``finalisee_rupture``; advisor available, post vacant."""
    _require_operator(by)
    with transaction.atomic():
        mer = _lock_mer(mise_en_relation)
        if mer.statut != S.NOUVELLE_RUPTURE:
            raise DomainError("Seule une rupture notifiée peut être validée.")
        for blocker in _commun.RUPTURE_BLOCKERS:
            if reason := blocker(mer):
                raise DomainError(reason)
        conseiller = Conseiller.objects.select_for_update().get(pk=mer.conseiller_id)
        mer.statut = S.FINALISEE_RUPTURE
        mer.dossier_incomplet = False
        mer.rupture_validated_by = by
        mer.rupture_validated_at = timezone.now()
        _save(mer, by)
        _poste_liberer(mer.poste_id, mer.date_rupture)
        conseiller.statut = ConseillerStatut.RUPTURE
        conseiller.disponible = True
        _save(conseiller, by)
        notifications.rupture_validee(mer)
    return mer


# --- Declared leave --------------------------------------------------------------------------


def conge_declarer(
    *,
    mise_en_relation: MiseEnRelation,
    type: str,  # noqa: A002 - the model field's name
    date_debut: date,
    date_fin: date,
    justificatif=None,
    by,
) -> Conge:
    _require_member(by, mise_en_relation.structure_id)
    if not date_debut or not date_fin or date_fin < date_debut:
        raise DomainError("La date de fin du congé doit être postérieure ou égale à sa date de début.")
    with transaction.atomic():
        mer = _lock_mer(mise_en_relation)
        if mer.statut not in S.en_poste():
            raise DomainError("Un congé ne peut être déclaré que pour un conseiller en poste.")
        Conseiller.objects.select_for_update().get(pk=mer.conseiller_id)
        chevauche = Conge.objects.filter(
            conseiller_id=mer.conseiller_id, date_debut__lte=date_fin, date_fin__gte=date_debut
        ).first()
        if chevauche:
            raise DomainError(f"Cette période chevauche un congé déjà déclaré ({chevauche}).")
        conge = Conge(
            conseiller_id=mer.conseiller_id,
            structure_id=mer.structure_id,
            type=type,
            date_debut=date_debut,
            date_fin=date_fin,
            declare_par=by,
        )
        if justificatif:
            conge.justificatif = justificatif
        conge.full_clean()
        conge.save()
    return conge
