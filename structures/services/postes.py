"""Posts: requests to add or return posts (prefecture's opinion, operator's decision) and transfers."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from conumapp.services import DomainError

from .. import hooks, notifications
from ..enums import (
    DecisionType,
    DemandePosteStatut,
    DemandePosteType,
    MotifAjout,
    MotifRetrait,
    PosteEtat,
    StructureStatut,
)
from ..models import AvisPrefet, DecisionCoselec, DemandePoste, Poste, Structure, TransfertPoste
from ._commun import _lock, _require_member, _require_operator, _require_prefecture, _save
from .coselec import _ajuster_postes, coselec_obtenir

# --- Post requests ---------------------------------------------------------------------------


def demande_creer(*, structure: Structure, by, type: str, nombre: int, motif: str) -> DemandePoste:
    _require_member(by, structure)
    if type == DemandePosteType.AJOUT and motif not in MotifAjout.values:
        raise DomainError("Choisissez un motif de demande de postes dans la liste.")
    if type == DemandePosteType.RETRAIT and motif not in MotifRetrait.values:
        raise DomainError("Choisissez un motif de restitution dans la liste.")
    if not nombre or nombre < 1:
        raise DomainError("Le nombre de postes doit être d'au moins 1.")
    with transaction.atomic():
        structure = _lock(structure)
        if structure.statut != StructureStatut.VALIDATION_COSELEC:
            raise DomainError("Seule une structure validée peut demander ou rendre des postes.")
        if structure.demandes_postes.en_cours().exists():
            raise DomainError(
                "Une demande est déjà en cours : attendez sa décision avant d'en faire une autre."
            )
        if type == DemandePosteType.RETRAIT:
            libres = structure.postes.vacants().count()
            if nombre > libres:
                raise DomainError(
                    f"Vous ne pouvez pas rendre plus de postes que vos postes libres ({libres})."
                )
        demande = DemandePoste(structure=structure, type=type, nombre=nombre, motif=motif, created_by=by)
        try:
            with transaction.atomic():
                _save(demande, by)
        except IntegrityError as error:
            raise DomainError("Une demande est déjà en cours pour cette structure.") from error
        notifications.demande_creee(demande)
    return demande


def demande_avis_prefet(*, demande: DemandePoste, by, avis: str, commentaire: str) -> AvisPrefet:
    _require_prefecture(by, demande.structure)
    with transaction.atomic():
        demande = DemandePoste.objects.select_for_update().get(pk=demande.pk)
        if demande.statut != DemandePosteStatut.EN_COURS or demande.type != DemandePosteType.AJOUT:
            raise DomainError("Cette demande n'attend pas d'avis de la préfecture.")
        if demande.avis_prefet.exists():
            raise DomainError("La préfecture a déjà donné son avis sur cette demande.")
        result = AvisPrefet(
            structure_id=demande.structure_id,
            demande=demande,
            avis=avis,
            commentaire=commentaire.strip(),
            auteur=by,
        )
        result.full_clean()
        result.save()
    return result


def demande_decider(
    *, demande: DemandePoste, by, accepter: bool, numero: int | None = None, commentaire: str = ""
) -> DemandePoste:
    """Operator decision on a post request. An addition needs the prefecture's opinion first."""
    _require_operator(by)
    with transaction.atomic():
        demande = DemandePoste.objects.select_for_update().get(pk=demande.pk)
        if demande.statut != DemandePosteStatut.EN_COURS:
            raise DomainError("Cette demande a déjà été traitée.")
        structure = _lock(demande.structure)
        today = timezone.localdate()
        if accepter:
            if demande.type == DemandePosteType.AJOUT:
                if not demande.avis_prefet.exists():
                    raise DomainError("La préfecture doit donner son avis avant la décision.")
                if not numero:
                    raise DomainError("Une demande de postes est décidée en COSELEC : indiquez son numéro.")
                total = structure.nombre_postes_accordes + demande.nombre
                _ajuster_postes(
                    structure, structure.postes.actifs().count() + demande.nombre, by, today=today
                )
                structure.nombre_postes_accordes = total
                decision_type = DecisionType.VALIDATION
            else:
                libres = structure.postes.vacants().count()
                if demande.nombre > libres:
                    raise DomainError(f"La structure n'a plus que {libres} poste(s) libre(s).")
                actifs = structure.postes.actifs().count()
                _ajuster_postes(structure, actifs - demande.nombre, by, today=today)
                structure.nombre_postes_accordes = max(structure.nombre_postes_accordes - demande.nombre, 0)
                decision_type = DecisionType.VALIDATION
                if not structure.postes.actifs().exists():
                    structure.statut = StructureStatut.ABANDON
                    decision_type = DecisionType.ABANDON
            _save(structure, by)
            DecisionCoselec.objects.create(
                structure=structure, demande=demande, type=decision_type,
                coselec=coselec_obtenir(numero=numero) if numero else None,
                nombre_postes=structure.nombre_postes_accordes, avis=commentaire[:500], operateur=by,
            )  # fmt: skip
        demande.statut = DemandePosteStatut.VALIDEE if accepter else DemandePosteStatut.REFUSEE
        demande.decided_by = by
        demande.decided_at = timezone.now()
        demande.commentaire_decision = commentaire
        _save(demande, by)
        notifications.demande_decidee(demande)
    return demande


# --- Transfer --------------------------------------------------------------------------------


def poste_transferer(*, poste: Poste, vers: Structure, by, motif: str = "", hors_departement: bool = False):
    _require_operator(by)
    with transaction.atomic():
        poste = Poste.objects.select_for_update().get(pk=poste.pk)
        depuis = _lock(poste.structure)
        vers = _lock(vers)
        if vers.pk == depuis.pk:
            raise DomainError("Le poste appartient déjà à cette structure.")
        if vers.statut != StructureStatut.VALIDATION_COSELEC:
            raise DomainError("Un poste ne peut être transféré qu'à une structure validée.")
        if poste.etat == PosteEtat.RENDU:
            raise DomainError("Un poste rendu ne peut pas être transféré.")
        autre_departement = vers.departement_id != depuis.departement_id
        if autre_departement and not hors_departement:
            raise DomainError("La structure d'accueil est dans un autre département : cochez l'exception.")
        if autre_departement and len(motif.strip()) < 10:
            raise DomainError("Un transfert hors département demande un motif (10 caractères au moins).")
        poste.structure = vers
        _save(poste, by)
        depuis.nombre_postes_accordes = max(depuis.nombre_postes_accordes - 1, 0)
        vers.nombre_postes_accordes += 1
        _save(depuis, by)
        _save(vers, by)
        today = timezone.localdate()
        hooks.postes_modifies(depuis, by=by, date_effet=today)
        hooks.postes_modifies(vers, by=by, date_effet=today)
        return TransfertPoste.objects.create(
            poste=poste,
            depuis=depuis,
            vers=vers,
            motif=motif,
            hors_departement=autre_departement,
            operateur=by,
        )
