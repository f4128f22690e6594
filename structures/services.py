"""Every state change of structures, posts, post requests, members and invitations.

Each function takes keyword-only arguments, checks the current state and the actor, locks the
rows it changes (``select_for_update``), validates with ``full_clean()``, records who did it in
the history, queues emails through the outbox and raises :class:`DomainError` in French.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from conumapp import permissions
from conumapp.enums import Role
from conumapp.services import DomainError

from . import hooks, notifications
from .enums import (
    AvisPrefecture,
    DecisionType,
    DemandePosteStatut,
    DemandePosteType,
    MotifAjout,
    MotifRetrait,
    PosteEtat,
    PosteType,
    StructureStatut,
)
from .models import (
    AvisPrefet,
    Coselec,
    DecisionCoselec,
    DemandePoste,
    Invitation,
    LieuActivite,
    Membre,
    Poste,
    Structure,
    TransfertPoste,
)

STATUTS_AVIS_PREFET = (StructureStatut.CREEE, StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC)
STATUTS_DECIDABLES = (
    StructureStatut.CREEE,
    StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC,
    StructureStatut.VALIDATION_COSELEC,
)


# --- Helpers ---------------------------------------------------------------------------------


def _require_operator(user) -> None:
    if not permissions.is_operateur(user):
        raise DomainError("Seul un opérateur peut effectuer cette action.")


def _require_member(user, structure: Structure) -> None:
    if not Membre.objects.filter(structure=structure, user=user).exists():
        raise DomainError("Vous n'êtes pas membre de cette structure.")


def _require_prefecture(user, structure: Structure) -> None:
    if structure.departement_id not in permissions.prefecture_departements(user):
        raise DomainError("Seule la préfecture du département de la structure peut donner cet avis.")


def _save(obj, by, **kwargs) -> None:
    obj._history_user = by
    obj.full_clean()
    obj.save(**kwargs)


def _lock(structure: Structure) -> Structure:
    return Structure.objects.select_for_update().get(pk=structure.pk)


def siret_existe(siret: str, *, exclude_pk: int | None = None) -> bool:
    """A live candidature already uses this SIRET."""
    qs = Structure.objects.vivantes().filter(siret=siret)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return bool(siret) and qs.exists()


# --- Candidature -----------------------------------------------------------------------------


def candidature_deposer(*, structure: Structure, user) -> Structure:
    """Record a new candidature (status ``CREEE``) and make ``user`` its first member.

    ``structure`` is an unsaved instance filled by the form; ``user`` the contact's account.
    """
    with transaction.atomic():
        if structure.siret and siret_existe(structure.siret):
            raise DomainError(
                "Une candidature est déjà en cours pour ce SIRET. Contactez-nous si vous pensez qu'il s'agit d'une erreur."
            )
        structure.statut = StructureStatut.CREEE
        if structure.departement_id and not structure.region_id:
            structure.region_id = structure.departement.region_id
        _save(structure, user)
        Membre.objects.create(structure=structure, user=user)
        permissions.grant_role(user, Role.STRUCTURE)
        notifications.candidature_recue(structure)
    return structure


def avis_prefet_donner(*, structure: Structure, by, avis: str, commentaire: str) -> AvisPrefet:
    _require_prefecture(by, structure)
    if avis not in AvisPrefecture.values:
        raise DomainError("Avis inconnu : choisissez favorable ou défavorable.")
    with transaction.atomic():
        structure = _lock(structure)
        if structure.statut not in STATUTS_AVIS_PREFET:
            raise DomainError(
                f"La préfecture ne peut plus donner d'avis : la candidature est « {structure.get_statut_display()} »."
            )
        result = AvisPrefet(structure=structure, avis=avis, commentaire=commentaire.strip(), auteur=by)
        result.full_clean()
        result.save()
    return result


def marquer_doublon(*, structure: Structure, by) -> Structure:
    _require_operator(by)
    with transaction.atomic():
        structure = _lock(structure)
        if structure.statut not in STATUTS_DECIDABLES:
            raise DomainError("Seule une candidature en cours peut être marquée comme doublon.")
        if structure.postes.occupes().exists():
            raise DomainError("Cette structure a des postes occupés : elle ne peut pas être un doublon.")
        structure.statut = StructureStatut.DOUBLON
        _save(structure, by)
        DecisionCoselec.objects.create(
            structure=structure, type=DecisionType.DOUBLON, nombre_postes=0, operateur=by
        )
    return structure


# --- Coselec decisions -----------------------------------------------------------------------


def coselec_obtenir(*, numero: int, date_coselec: date | None = None) -> Coselec:
    if not numero or numero < 1:
        raise DomainError("Indiquez le numéro du comité de sélection (COSELEC).")
    coselec, _ = Coselec.objects.get_or_create(
        numero=numero, defaults={"date": date_coselec or timezone.localdate()}
    )
    return coselec


def _ajuster_postes(structure: Structure, nombre: int, by, *, today: date) -> None:
    """Bring the active posts to ``nombre``: create vacant posts, or return vacant ones. Higher
    apps hear of the change through ``structures.hooks`` (a signed convention gets an amendment)."""
    actifs = structure.postes.actifs()
    occupes = actifs.filter(etat=PosteEtat.OCCUPE).count()
    if nombre < occupes:
        raise DomainError(
            f"Le quota ne peut pas être inférieur au nombre de conseillers déjà recrutés ({occupes})."
        )
    courant = actifs.count()
    if nombre > courant:
        postes = [
            Poste(structure=structure, type=PosteType.CONUM, etat=PosteEtat.VACANT, vacant_depuis=today)
            for _ in range(nombre - courant)
        ]
        for poste in postes:
            poste._history_user = by
            poste.save()
    elif nombre < courant:
        for poste in list(structure.postes.vacants().order_by("-pk")[: courant - nombre]):
            poste.etat = PosteEtat.RENDU
            poste.rendu_le = today
            _save(poste, by)
    if nombre != courant:
        hooks.postes_modifies(structure, by=by, date_effet=today)


def coselec_decider(
    *,
    structure: Structure,
    by,
    numero: int,
    type: str,
    nombre_postes: int = 0,
    avis: str = "",
    statut_si_zero: str = StructureStatut.ABANDON,
    date_coselec: date | None = None,
) -> DecisionCoselec:
    """Record a committee decision on one structure (validation, refusal, complementary review)."""
    _require_operator(by)
    with transaction.atomic():
        return _decider(
            structure=structure,
            by=by,
            coselec=coselec_obtenir(numero=numero, date_coselec=date_coselec),
            type=type,
            nombre_postes=nombre_postes,
            avis=avis,
            statut_si_zero=statut_si_zero,
        )


def coselec_decider_en_masse(
    *,
    structures: list[Structure],
    by,
    numero: int,
    type: str,
    nombre_postes: int = 0,
    avis: str = "",
    statut_si_zero: str = StructureStatut.ABANDON,
) -> list[DecisionCoselec]:
    """Same decision for several structures in one committee; all or nothing."""
    _require_operator(by)
    if not structures:
        raise DomainError("Sélectionnez au moins une structure.")
    with transaction.atomic():
        coselec = coselec_obtenir(numero=numero)
        decisions = []
        for structure in sorted(structures, key=lambda s: s.pk):
            try:
                decisions.append(
                    _decider(
                        structure=structure,
                        by=by,
                        coselec=coselec,
                        type=type,
                        nombre_postes=nombre_postes,
                        avis=avis,
                        statut_si_zero=statut_si_zero,
                    )  # fmt: skip
                )
            except DomainError as error:
                raise DomainError(f"{structure.nom} : {error.message}") from error
        return decisions


def _decider(*, structure, by, coselec, type, nombre_postes, avis, statut_si_zero) -> DecisionCoselec:
    structure = _lock(structure)
    if structure.statut not in STATUTS_DECIDABLES:
        raise DomainError(
            f"Aucune décision possible : la candidature est « {structure.get_statut_display()} »."
        )
    if DecisionCoselec.objects.filter(structure=structure, coselec=coselec).exists():
        raise DomainError(f"Une décision a déjà été enregistrée pour cette structure en {coselec}.")
    today = timezone.localdate()
    if type == DecisionType.VALIDATION:
        if nombre_postes is None or nombre_postes < 0:
            raise DomainError("Le nombre de postes doit être positif.")
        if nombre_postes == 0:
            if structure.statut != StructureStatut.VALIDATION_COSELEC:
                raise DomainError("Une validation accorde au moins un poste.")
            if statut_si_zero not in (StructureStatut.ABANDON, StructureStatut.ANNULEE):
                raise DomainError("Un quota à 0 mène à « Abandonnée » ou « Annulée ».")
            _ajuster_postes(structure, 0, by, today=today)
            structure.statut = statut_si_zero
            type = DecisionType.ABANDON if statut_si_zero == StructureStatut.ABANDON else DecisionType.ANNULEE
        else:
            _ajuster_postes(structure, nombre_postes, by, today=today)
            structure.statut = StructureStatut.VALIDATION_COSELEC
        structure.nombre_postes_accordes = nombre_postes
    elif type == DecisionType.REFUS:
        if structure.statut == StructureStatut.VALIDATION_COSELEC:
            raise DomainError("Une structure validée ne peut pas être refusée : passez son quota à 0.")
        structure.statut = StructureStatut.REFUS_COSELEC
        nombre_postes = 0
    elif type == DecisionType.EXAMEN_COMPLEMENTAIRE:
        if structure.statut == StructureStatut.VALIDATION_COSELEC:
            raise DomainError("Une structure validée ne peut pas repasser en examen complémentaire.")
        structure.statut = StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC
        nombre_postes = 0
    else:
        raise DomainError("Décision inconnue.")
    _save(structure, by)
    decision = DecisionCoselec(
        structure=structure, coselec=coselec, type=type, nombre_postes=structure.nombre_postes_accordes,
        avis=avis[:500], operateur=by,
    )  # fmt: skip
    decision.full_clean()
    decision.save()
    notifications.decision_coselec(decision)
    return decision


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


# --- Members and invitations -----------------------------------------------------------------


def invitation_creer(*, structure: Structure, by, email: str) -> Invitation:
    _require_member(by, structure)
    email = email.strip().lower()
    if Membre.objects.filter(structure=structure, user__email__iexact=email).exists():
        raise DomainError("Cette personne est déjà membre de la structure.")
    with transaction.atomic():
        now = timezone.now()
        invitation = Invitation(
            structure=structure,
            email=email,
            invited_by=by,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
        )
        invitation.full_clean()
        invitation.save()
        notifications.invitation(invitation)
    return invitation


def invitation_accepter(*, invitation: Invitation, user) -> Membre:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise DomainError("Cette invitation a déjà été utilisée.")
        if invitation.expires_at <= timezone.now():
            raise DomainError(
                "Cette invitation a expiré : demandez à votre collègue de vous en envoyer une autre."
            )
        if invitation.email.lower() != user.email.lower():
            raise DomainError("Cette invitation a été envoyée à une autre adresse électronique.")
        membre, _ = Membre.objects.get_or_create(structure=invitation.structure, user=user)
        permissions.grant_role(user, Role.STRUCTURE)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membre


def membre_retirer(*, membre: Membre, by) -> None:
    if not permissions.is_operateur(by):
        _require_member(by, membre.structure)
    with transaction.atomic():
        structure = _lock(membre.structure)
        if structure.membres.count() <= 1:
            raise DomainError("Vous ne pouvez pas retirer le dernier membre de la structure.")
        user = membre.user
        membre._history_user = by
        membre.delete()
        if not Membre.objects.filter(user=user).exists():
            permissions.revoke_role(user, Role.STRUCTURE)


# --- Places of activity ----------------------------------------------------------------------

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
