"""Every state change of conventions, tranches, documents and renewals.

Each function takes keyword-only arguments, checks the current state and the actor, locks the
rows it changes (``select_for_update``), validates with ``full_clean()``, records who did it in
the history, queues emails through the outbox and raises :class:`DomainError` in French.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from conumapp import permissions
from conumapp.files import clean_filename
from conumapp.services import DomainError
from structures.enums import StructureStatut
from structures.models import Membre, Structure

from . import notifications, occupancy
from .calculs import Echeance, add_months, echeancier_annuel, echeancier_echeances, prorata
from .enums import (
    AvenantType,
    ConventionEtat,
    ConventionStatut,
    Nature,
    Phase,
    PieceStatut,
    PieceType,
    ReconventionnementStatut,
    RegleTranches,
    TrancheStatut,
)
from .models import (
    ZERO,
    Avenant,
    Avoir,
    Bareme,
    Convention,
    PieceJustificative,
    Reconventionnement,
    ReconventionnementConseiller,
    Tranche,
)


def _require_operator(user) -> None:
    if not permissions.is_operateur(user):
        raise DomainError("Seul un opérateur peut effectuer cette action.")


def _require_member(user, structure_id: int) -> None:
    if (
        not permissions.is_operateur(user)
        and not Membre.objects.filter(structure_id=structure_id, user=user).exists()
    ):
        raise DomainError("Vous n'êtes pas membre de cette structure.")


def _save(obj, by, **kwargs) -> None:
    obj._history_user = by
    obj.full_clean()
    obj.save(**kwargs)


def _lock(convention: Convention) -> Convention:
    return Convention.objects.select_for_update().select_related("bareme", "structure").get(pk=convention.pk)


# --- Drafting, sending, signing --------------------------------------------------------------


def bareme_pour(*, structure: Structure, phase: int) -> Bareme:
    nature = Nature.PUBLIQUE if structure.est_publique else Nature.PRIVEE
    bareme = Bareme.objects.filter(phase=phase, nature=nature, actif=True).order_by("-pk").first()
    if bareme is None:
        raise DomainError(f"Aucun barème actif pour la phase {phase} et une structure {structure.nature}.")
    return bareme


def _freeze(convention: Convention) -> None:
    """Copy the barème's amounts onto the convention (a later barème change never alters it)."""
    bareme = convention.bareme
    structure = convention.structure
    convention.bonus_applique = bool(structure.qpv or structure.zrr) and any(b > 0 for b in bareme.bonus())
    convention.montant_annee_1, convention.montant_annee_2, convention.montant_annee_3 = bareme.montants()
    convention.bonus_annee_1, convention.bonus_annee_2, convention.bonus_annee_3 = bareme.bonus()
    convention.montant_total = convention.montant_par_poste() * convention.nombre_postes


def _postes_couverts(structure: Structure):
    return list(structure.postes.actifs().order_by("pk"))


def convention_rediger(*, structure: Structure, by, **kwargs) -> Convention:
    """Draft a convention for a validated structure, in one action."""
    _require_operator(by)
    with transaction.atomic():
        return _rediger(structure=structure, by=by, **kwargs)


def _rediger(
    *,
    structure: Structure,
    by,
    date_debut: date | None = None,
    phase: int = Phase.PHASE_1,
    precedente: Convention | None = None,
) -> Convention:
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    if structure.statut != StructureStatut.VALIDATION_COSELEC:
        raise DomainError("Seule une structure validée en comité de sélection peut être conventionnée.")
    if (
        Convention.objects.filter(structure=structure, phase=phase)
        .exclude(etat__in=[ConventionEtat.TERMINEE, ConventionEtat.RESILIEE])
        .exists()
    ):
        raise DomainError("Cette structure a déjà une convention en cours pour cette phase.")
    postes = _postes_couverts(structure)
    if not postes:
        raise DomainError("La structure n'a aucun poste actif à conventionner.")
    bareme = bareme_pour(structure=structure, phase=phase)
    debut = date_debut or timezone.localdate()
    convention = Convention(
        structure=structure,
        phase=phase,
        bareme=bareme,
        precedente=precedente,
        statut=(
            ConventionStatut.CONVENTIONNEMENT_VALIDE_PHASE_2
            if phase == Phase.PHASE_2
            else ConventionStatut.CONVENTIONNEMENT_EN_COURS
        ),
        date_debut=debut,
        date_fin=add_months(debut, bareme.duree_mois) - timedelta(days=1),
        nombre_postes=len(postes),
        created_by=by,
    )
    _freeze(convention)
    _save(convention, by)
    convention.numero = f"CN-{debut.year}-{convention.pk:05d}"
    convention._history_user = by
    convention.save(update_fields=["numero"])
    return convention


def convention_envoyer(*, convention: Convention, by) -> Convention:
    _require_operator(by)
    with transaction.atomic():
        convention = _lock(convention)
        if convention.etat != ConventionEtat.BROUILLON:
            raise DomainError("Seule une convention en brouillon peut être envoyée.")
        _freeze(convention)
        convention.etat = ConventionEtat.ENVOYEE
        convention.envoyee_le = timezone.localdate()
        _save(convention, by)
        notifications.convention_envoyee(convention)
    return convention


def echeancier_poste(convention: Convention, debut: date) -> list[Echeance]:
    bareme = convention.bareme
    if bareme.regle_tranches == RegleTranches.ECHEANCES:
        return echeancier_echeances(
            debut=debut, offsets_mois=bareme.offsets(), montant_total=convention.montant_par_poste()
        )
    return echeancier_annuel(debut=debut, montants_annuels=convention.montants_annuels_par_poste())


def convention_signer(*, convention: Convention, by, date_signature: date) -> Convention:
    """Record the signature: amounts frozen, period set, tranche schedule computed per post."""
    _require_operator(by)
    with transaction.atomic():
        convention = _lock(convention)
        if convention.etat != ConventionEtat.ENVOYEE:
            raise DomainError("Seule une convention envoyée à la structure peut être signée.")
        if date_signature > timezone.localdate():
            raise DomainError("La date de signature ne peut pas être dans le futur.")
        postes = _postes_couverts(convention.structure)
        if not postes:
            raise DomainError("La structure n'a plus aucun poste actif à conventionner.")
        convention.nombre_postes = len(postes)
        _freeze(convention)
        if convention.phase == Phase.PHASE_1:
            convention.date_debut = date_signature
        convention.date_fin = add_months(convention.date_debut, convention.bareme.duree_mois) - timedelta(
            days=1
        )
        convention.date_signature = date_signature
        convention.etat = ConventionEtat.SIGNEE
        convention.statut = (
            ConventionStatut.CONVENTIONNEMENT_VALIDE_PHASE_2
            if convention.phase == Phase.PHASE_2
            else ConventionStatut.CONVENTIONNEMENT_VALIDE
        )
        _save(convention, by)
        debut_echeancier = date_signature if convention.phase == Phase.PHASE_1 else convention.date_debut
        for poste in postes:
            for echeance in echeancier_poste(convention, debut_echeancier):
                Tranche.objects.create(
                    convention=convention,
                    poste=poste,
                    numero=echeance.numero,
                    date_prevue=echeance.date_prevue,
                    periode_debut=echeance.periode_debut,
                    periode_fin=echeance.periode_fin,
                    montant_prevu=echeance.montant,
                )
        notifications.convention_signee(convention)
    tranches_marquer_dues(today=timezone.localdate(), convention_id=convention.pk)
    return convention


# --- Tranches -----------------------------------------------------------------------------------


def motif_blocage(tranche: Tranche) -> str:
    """Why a tranche cannot become due yet ('' when it can)."""
    if tranche.poste_id is None:
        return ""
    contrats = PieceJustificative.objects.acceptees().filter(
        structure_id=tranche.convention.structure_id,
        type=PieceType.CONTRAT_TRAVAIL,
        poste_id=tranche.poste_id,
    )
    contrats = contrats.exclude(valide_du__gt=tranche.date_prevue).exclude(
        valide_au__lt=tranche.periode_debut
    )
    if not contrats.exists():
        return f"Aucun contrat de travail validé pour le poste n° {tranche.poste_id} sur la période."
    return ""


def calcul_tranche(tranche: Tranche):
    """The amount due for a tranche, with its computation line by line."""
    convention = tranche.convention
    if not convention.bareme.prorata or tranche.periode_debut >= tranche.periode_fin:
        return tranche.montant_prevu, ["Pas d'ajustement au prorata pour cette tranche : montant plein."]
    if not occupancy.has_provider():
        return tranche.montant_prevu, ["Données d'occupation des postes indisponibles : montant plein."]
    periods = occupancy.occupied_periods(convention.structure_id, tranche.periode_debut, tranche.periode_fin)
    result = prorata(
        montant=tranche.montant_prevu,
        periode_debut=tranche.periode_debut,
        periode_fin=tranche.periode_fin,
        periodes_occupees=periods.get(tranche.poste_id, []),
    )
    return result.montant, result.lignes


def tranches_marquer_dues(*, today: date, convention_id: int | None = None) -> list[Tranche]:
    """Make due every planned tranche whose date has come (idempotent; catches up after downtime)."""
    made_due = []
    candidates = Tranche.objects.echues(today)
    if convention_id:
        candidates = candidates.filter(convention_id=convention_id)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            tranche = (
                Tranche.objects.select_for_update(of=("self",))
                .select_related("convention__bareme")
                .filter(pk=pk, statut=TrancheStatut.PREVUE)
                .first()
            )
            if tranche is None:
                continue
            blocage = motif_blocage(tranche)
            if blocage:
                if tranche.motif_blocage != blocage:
                    tranche.motif_blocage = blocage
                    tranche.save(update_fields=["motif_blocage"])
                continue
            montant, lignes = calcul_tranche(tranche)
            tranche.montant = montant
            tranche.detail_calcul = "\n".join(lignes)
            tranche.motif_blocage = ""
            tranche.statut = TrancheStatut.DUE
            tranche.due_le = today
            tranche.save()
            made_due.append(tranche)
    return made_due


def tranche_verser(*, tranche: Tranche, by, date_versement: date, montant: Decimal | None = None) -> Tranche:
    _require_operator(by)
    with transaction.atomic():
        tranche = (
            Tranche.objects.select_for_update(of=("self",))
            .select_related("convention__structure")
            .get(pk=tranche.pk)
        )
        if tranche.statut != TrancheStatut.DUE:
            raise DomainError("Seule une tranche due peut être versée.")
        montant = tranche.montant if montant is None else Decimal(montant)
        if montant < 0 or montant > tranche.montant or (montant == 0 and tranche.montant > 0):
            raise DomainError(f"Le montant versé doit être positif et au plus de {tranche.montant} €.")
        if date_versement > timezone.localdate():
            raise DomainError("La date de versement ne peut pas être dans le futur.")
        tranche.statut = TrancheStatut.VERSEE
        tranche.date_versement = date_versement
        tranche.montant_verse = montant
        _save(tranche, by)
        notifications.tranche_versee(tranche)
    return tranche


def tranche_suspendre(*, tranche: Tranche, by, motif: str) -> Tranche:
    _require_operator(by)
    if not motif.strip():
        raise DomainError("Indiquez le motif de la suspension.")
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
        if tranche.statut not in (TrancheStatut.PREVUE, TrancheStatut.DUE):
            raise DomainError("Seule une tranche prévue ou due peut être suspendue.")
        tranche.statut = TrancheStatut.SUSPENDUE
        tranche.motif_suspension = motif.strip()
        _save(tranche, by)
    return tranche


def tranche_reprendre(*, tranche: Tranche, by) -> Tranche:
    """Lift a suspension: the tranche is planned again (the daily task makes it due)."""
    _require_operator(by)
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
        if tranche.statut != TrancheStatut.SUSPENDUE:
            raise DomainError("Cette tranche n'est pas suspendue.")
        tranche.statut = TrancheStatut.PREVUE
        tranche.montant = None
        _save(tranche, by)
    return tranche


def avoir_enregistrer(
    *, convention: Convention, by, montant: Decimal, motif: str, date_avoir: date | None = None
) -> Avoir:
    _require_operator(by)
    with transaction.atomic():
        convention = _lock(convention)
        totaux = convention.totaux()
        montant = Decimal(montant)
        if montant <= 0:
            raise DomainError("Le montant de l'avoir doit être positif.")
        if montant > totaux["verse"] - totaux["avoirs"]:
            raise DomainError("L'avoir ne peut pas dépasser le montant versé (déduction faite des avoirs).")
        avoir = Avoir(
            convention=convention,
            montant=montant,
            motif=motif,
            created_by=by,
            date=date_avoir or timezone.localdate(),
        )
        _save(avoir, by)
    return avoir


# --- Amendments and ends ------------------------------------------------------------------------


def convention_avenant_postes(
    *, convention: Convention, by, date_effet: date, description: str = ""
) -> Avenant:
    """Align a signed convention on the structure's posts: new posts funded from ``date_effet``,
    returned posts' later tranches cancelled. The amendment carries the change of amount."""
    _require_operator(by)
    with transaction.atomic():
        convention = _lock(convention)
        if convention.etat != ConventionEtat.SIGNEE:
            raise DomainError("Seule une convention signée peut être modifiée par avenant.")
        if not convention.date_debut <= date_effet <= convention.date_fin:
            raise DomainError("La date d'effet doit être comprise dans la période de la convention.")
        couverts = set(
            convention.tranches.filter(statut__in=TrancheStatut.engagees()).values_list("poste_id", flat=True)
        )
        actifs = {p.pk: p for p in _postes_couverts(convention.structure)}
        ajoutes = [actifs[pk] for pk in sorted(set(actifs) - couverts)]
        retires = sorted(pk for pk in couverts - set(actifs) if pk is not None)
        if not ajoutes and not retires:
            raise DomainError(
                "Les postes de la structure correspondent déjà à la convention : aucun avenant à faire."
            )
        numero = (convention.avenants.count() or 0) + 1
        avenant = Avenant(
            convention=convention,
            numero=numero,
            type=AvenantType.POSTES,
            date_effet=date_effet,
            postes_ajoutes=len(ajoutes),
            postes_retires=len(retires),
            description=description,
            created_by=by,
        )
        _save(avenant, by)
        delta = ZERO
        debut = convention.date_signature if convention.phase == Phase.PHASE_1 else convention.date_debut
        for poste in ajoutes:
            for echeance in echeancier_poste(convention, debut):
                if echeance.date_prevue < date_effet:
                    continue
                Tranche.objects.create(
                    convention=convention,
                    poste=poste,
                    avenant=avenant,
                    numero=echeance.numero,
                    date_prevue=echeance.date_prevue,
                    periode_debut=max(echeance.periode_debut, date_effet),
                    periode_fin=echeance.periode_fin,
                    montant_prevu=echeance.montant,
                )
                delta += echeance.montant
        for tranche in convention.tranches.filter(
            poste_id__in=retires, statut=TrancheStatut.PREVUE, date_prevue__gte=date_effet
        ):
            tranche.statut = TrancheStatut.ANNULEE
            tranche.motif_suspension = f"Poste restitué (avenant n° {numero})."
            tranche.avenant = avenant
            _save(tranche, by)
            delta -= tranche.montant_prevu
        avenant.montant = delta
        avenant.save(update_fields=["montant"])
        convention.nombre_postes = len(actifs)
        _save(convention, by)
    return avenant


def postes_modifies(structure: Structure, *, by, date_effet: date) -> Avenant | None:
    """Registered with ``structures.hooks``: the posts of ``structure`` just changed (inside the
    caller's transaction). A signed convention in force on ``date_effet`` gets its amendment; a
    draft or sent convention is re-aligned on the posts (amounts are frozen at signature)."""
    en_vigueur = (
        Convention.objects.filter(
            structure=structure,
            etat=ConventionEtat.SIGNEE,
            date_debut__lte=date_effet,
            date_fin__gte=date_effet,
        )
        .order_by("-date_debut")
        .first()
    )
    for brouillon in Convention.objects.filter(
        structure=structure, etat__in=[ConventionEtat.BROUILLON, ConventionEtat.ENVOYEE]
    ):
        brouillon.nombre_postes = len(_postes_couverts(structure))
        _freeze(brouillon)
        _save(brouillon, by)
    if en_vigueur is None:
        return None
    couverts = set(
        en_vigueur.tranches.filter(statut__in=TrancheStatut.engagees()).values_list("poste_id", flat=True)
    )
    if couverts == {p.pk for p in _postes_couverts(structure)}:
        return None
    return convention_avenant_postes(
        convention=en_vigueur,
        by=by,
        date_effet=date_effet,
        description="Avenant établi automatiquement à la suite de la modification des postes.",
    )


def convention_terminer(
    *, convention: Convention, by, date_fin: date, motif: str, anticipee: bool
) -> Convention:
    """Natural end (not renewed) or early termination: tranches planned after ``date_fin`` are cancelled."""
    _require_operator(by)
    if not motif.strip():
        raise DomainError("Indiquez le motif de la fin de la convention.")
    with transaction.atomic():
        convention = _lock(convention)
        if convention.etat != ConventionEtat.SIGNEE:
            raise DomainError("Seule une convention signée peut prendre fin.")
        if date_fin < convention.date_debut:
            raise DomainError("La date de fin ne peut pas précéder le début de la convention.")
        if anticipee and date_fin >= convention.date_fin:
            raise DomainError(
                "Une résiliation anticipée doit intervenir avant la fin prévue de la convention."
            )
        for tranche in convention.tranches.filter(statut=TrancheStatut.PREVUE, date_prevue__gt=date_fin):
            tranche.statut = TrancheStatut.ANNULEE
            tranche.motif_suspension = "Fin du financement : convention " + (
                "résiliée." if anticipee else "terminée."
            )
            _save(tranche, by)
        convention.etat = ConventionEtat.RESILIEE if anticipee else ConventionEtat.TERMINEE
        convention.date_fin_effective = date_fin
        convention.motif_fin = motif.strip()
        _save(convention, by)
    return convention


# --- Documents ----------------------------------------------------------------------------------


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


# --- Renewal (reconventionnement) ---------------------------------------------------------------


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


# --- Reminders (daily task) ---------------------------------------------------------------------

SEUILS_RAPPEL = (120, 90, 60, 30)


def rappels_reconventionnement(*, today: date) -> int:
    """Remind members at 120/90/60/30 days before the end; each threshold at most once.

    After downtime only the most urgent threshold reached is sent (the older ones are moot).
    """
    sent = 0
    for convention in Convention.objects.a_renouveler(
        within_days=max(SEUILS_RAPPEL), today=today
    ).select_related("structure"):
        days_left = (convention.date_fin - today).days
        seuil = min(s for s in SEUILS_RAPPEL if days_left <= s)
        if notifications.rappel_reconventionnement(convention, seuil=seuil, jours=days_left):
            sent += 1
    return sent


def rappels_justificatif(*, today: date) -> int:
    """Once the convention has ended, remind members to send the proof of use of the subsidy."""
    sent = 0
    conventions = (
        Convention.objects.filter(
            etat__in=[ConventionEtat.SIGNEE, ConventionEtat.TERMINEE, ConventionEtat.RESILIEE],
            date_fin__lt=today,
        )
        .exclude(
            structure__pieces_justificatives__type=PieceType.JUSTIFICATIF_UTILISATION,
            structure__pieces_justificatives__statut__in=[PieceStatut.DEPOSEE, PieceStatut.ACCEPTEE],
        )
        .select_related("structure")
    )
    for convention in conventions.distinct():
        if notifications.rappel_justificatif(convention):
            sent += 1
    return sent


def digest_operateurs(*, today: date) -> bool:
    """One email a day to the operators' mailbox listing the tranches that became due that day."""
    tranches = list(
        Tranche.objects.filter(statut=TrancheStatut.DUE, due_le=today)
        .select_related("convention")
        .order_by("convention__numero", "numero", "poste_id")
    )
    if not tranches:
        return False
    return bool(
        notifications.digest_tranches_dues(today=today, tranches=tranches, to=[settings.OPERATORS_EMAIL])
    )
