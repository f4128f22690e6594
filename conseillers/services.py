"""Every state change of candidates, recruitments (mises en relation), contracts, extensions,
contract ends (ruptures) and declared leave (DOMAIN.md §2.6–2.8, §3).

Each function takes keyword-only arguments, checks the current state and the actor, locks the
rows it changes (``select_for_update``), validates with ``full_clean()``, records who did it in
the history (``_history_user``), queues emails through the outbox and raises
:class:`DomainError` in French.

Post state changes (``occupe`` on validation, ``vacant`` on a validated rupture) are written
here against ``structures.Poste`` directly: ``structures/services.py`` did not exist when this
was written. The structures app may later take them over (``_poste_occuper``/``_poste_liberer``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from conumapp import permissions
from conumapp.enums import Role
from conumapp.models import User
from conumapp.services import DomainError
from conumapp.territories import clean_postcode, communes_for_postcode, departement_for_postcode
from structures.enums import PosteEtat, PosteType, StructureStatut
from structures.models import Membre, Poste, Structure

from . import notifications
from .enums import ConseillerStatut, MiseEnRelationStatut, ProlongationStatut, TypeContrat
from .models import Conge, Conseiller, MiseEnRelation, ParametreSalaire, Prolongation

S = MiseEnRelationStatut

#: Callables ``f(mise_en_relation) -> str | None`` that may forbid validating a rupture (a French
#: reason) — e.g. a pending renewal. Higher apps (conventions) register into it from their
#: ``AppConfig.ready`` (see ``conseillers/occupancy.py``), so conseillers never imports them.
RUPTURE_BLOCKERS: list[Callable[[MiseEnRelation], str | None]] = []

#: Statuses in which the advisor was recruited at some point (their account is then kept).
STATUTS_RECRUTE_UN_JOUR = [
    S.RECRUTEE,
    S.FINALISEE,
    S.NOUVELLE_RUPTURE,
    S.FINALISEE_RUPTURE,
    S.RENOUVELLEMENT_INITIEE,
    S.TERMINEE,
]


# --- helpers ---------------------------------------------------------------------------------


def _require_operator(user) -> None:
    if not permissions.is_operateur(user):
        raise DomainError("Seul un opérateur peut effectuer cette action.")


def _is_member(user, structure_id: int) -> bool:
    return Membre.objects.filter(structure_id=structure_id, user=user).exists()


def _require_member(user, structure_id: int) -> None:
    if not permissions.is_operateur(user) and not _is_member(user, structure_id):
        raise DomainError("Vous n'êtes pas membre de cette structure.")


def _save(obj, by, **kwargs) -> None:
    obj._history_user = by
    obj.full_clean()
    obj.save(**kwargs)


def _lock_mer(mise_en_relation: MiseEnRelation) -> MiseEnRelation:
    return (
        MiseEnRelation.objects.select_for_update()
        .select_related("conseiller__user", "structure")
        .get(pk=mise_en_relation.pk)
    )


def _check_salaire(salaire: Decimal | None) -> None:
    if salaire is None:
        raise DomainError("Le salaire brut mensuel est obligatoire.")
    smic = ParametreSalaire.smic_en_vigueur()
    if Decimal(salaire) < smic:
        raise DomainError(f"Le salaire brut mensuel doit être au moins égal au SMIC ({smic} €).")


def _emails_membres(structure_id: int) -> list[str]:
    return list(Membre.objects.filter(structure_id=structure_id).values_list("user__email", flat=True))


def _occupants(structure_id: int, *, exclude_pk: int | None = None) -> int:
    qs = MiseEnRelation.objects.filter(structure_id=structure_id).occupant_poste()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


# --- Candidate profile -----------------------------------------------------------------------


def localiser(conseiller: Conseiller, *, code_insee: str | None = None) -> None:
    """Commune, département and coordinates from the postcode (no save).

    The commune is the one chosen (``code_insee``) if the postcode serves it, else the most
    populated commune of the postcode; the coordinates are copied for fast distance filtering.
    """
    conseiller.code_postal = clean_postcode(conseiller.code_postal)
    communes = communes_for_postcode(conseiller.code_postal)
    commune = None
    if code_insee:
        commune = communes.filter(code_insee=code_insee).first()
    commune = commune or communes.first()
    if commune is None:
        raise DomainError("Code postal inconnu : vérifiez-le.")
    conseiller.commune = commune
    conseiller.departement = (
        commune.departement if commune else departement_for_postcode(conseiller.code_postal)
    )
    conseiller.latitude, conseiller.longitude = commune.latitude, commune.longitude


def candidature_creer(*, email: str, password: str, code_insee: str | None = None, **profil) -> Conseiller:
    """Public sign-up: the account (email to verify), the candidate profile and the role."""
    from allauth.account.models import EmailAddress

    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise DomainError("Un compte existe déjà avec cette adresse électronique : connectez-vous.")
        cv_nom = profil.pop("cv_nom", "")
        conseiller = Conseiller(**profil, cv_nom=cv_nom)
        localiser(conseiller, code_insee=code_insee)
        user = User(email=email, first_name=conseiller.prenom, last_name=conseiller.nom)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        conseiller.user = user
        _save(conseiller, user)
        permissions.grant_role(user, Role.CANDIDAT)
    return conseiller


def candidat_modifier(*, conseiller: Conseiller, by, code_insee: str | None = None, **champs) -> Conseiller:
    if conseiller.user_id != by.pk and not permissions.is_operateur(by):
        raise DomainError("Vous ne pouvez modifier que votre propre profil.")
    with transaction.atomic():
        locked = Conseiller.objects.select_for_update().get(pk=conseiller.pk)
        ancien_cv = locked.cv.name if locked.cv else ""
        for name, value in champs.items():
            setattr(locked, name, value)
        localiser(locked, code_insee=code_insee)
        _save(locked, by)
        if ancien_cv and locked.cv.name != ancien_cv:
            transaction.on_commit(lambda: locked.cv.storage.delete(ancien_cv))
    return locked


def candidat_disponibilite(*, conseiller: Conseiller, disponible: bool, by) -> Conseiller:
    if conseiller.user_id != by.pk and not permissions.is_operateur(by):
        raise DomainError("Vous ne pouvez modifier que votre propre profil.")
    with transaction.atomic():
        locked = Conseiller.objects.select_for_update().get(pk=conseiller.pk)
        if disponible and locked.statut == ConseillerStatut.RECRUTE:
            raise DomainError("Vous êtes en poste : vous ne pouvez pas vous déclarer disponible.")
        locked.disponible = disponible
        _save(locked, by)
    return locked


def candidat_supprimer(*, conseiller: Conseiller, by) -> None:
    """Erase a candidate's account and data (CV, history) — refused once recruited."""
    if conseiller.user_id != by.pk and not permissions.is_operateur(by):
        raise DomainError("Vous ne pouvez supprimer que votre propre compte.")
    with transaction.atomic():
        locked = Conseiller.objects.select_for_update().select_related("user").get(pk=conseiller.pk)
        if locked.statut or locked.mises_en_relation.filter(statut__in=STATUTS_RECRUTE_UN_JOUR).exists():
            raise DomainError(
                "Vous avez été recruté dans le dispositif : votre compte ne peut pas être supprimé. "
                "Contactez l'équipe du dispositif."
            )
        cv_name = locked.cv.name if locked.cv else ""
        storage = locked.cv.storage
        user = locked.user
        pk = locked.pk
        MiseEnRelation.history.filter(conseiller_id=pk).delete()
        locked.mises_en_relation.all().delete()
        locked.delete()
        Conseiller.history.filter(id=pk).delete()
        user_pk = user.pk
        user.delete()
        _oublier_utilisateur(user_pk)
        if cv_name:
            transaction.on_commit(lambda: storage.delete(cv_name))


def _oublier_utilisateur(user_pk: int) -> None:
    """After deleting an account: drop its habilitations' history, and its name as history author."""
    from django.apps import apps

    from conumapp.models import Habilitation

    Habilitation.history.filter(user_id=user_pk).delete()
    for model in apps.get_models():
        field = next((f for f in model._meta.fields if f.name == "history_user"), None)
        if field is not None:
            model._default_manager.filter(history_user_id=user_pk).update(history_user=None)


# --- Pipeline: structure side ----------------------------------------------------------------


def _structure_recrutant(structure: Structure) -> None:
    if structure.statut != StructureStatut.VALIDATION_COSELEC:
        raise DomainError("Votre structure n'est pas validée : elle ne peut pas recruter.")


def mise_en_relation_ouvrir(*, structure: Structure, conseiller: Conseiller, by) -> MiseEnRelation:
    """The structure's current (``nouvelle``/``interessee``/``nonInteressee``) link with a candidate."""
    from .selectors import candidats_pour

    _require_member(by, structure.pk)
    _structure_recrutant(structure)
    existing = MiseEnRelation.objects.filter(
        structure=structure, conseiller=conseiller, statut__in=[S.NOUVELLE, S.INTERESSEE, S.NON_INTERESSEE]
    ).first()
    if existing:
        return existing
    if not candidats_pour(structure).filter(pk=conseiller.pk).exists():
        raise DomainError("Ce candidat n'est pas disponible pour votre structure.")
    mer = MiseEnRelation(structure=structure, conseiller=conseiller, statut=S.NOUVELLE)
    try:
        with transaction.atomic():
            _save(mer, by)
    except IntegrityError:
        return MiseEnRelation.objects.get(
            structure=structure,
            conseiller=conseiller,
            statut__in=[S.NOUVELLE, S.INTERESSEE, S.NON_INTERESSEE],
        )
    return mer


def _decider(*, structure, conseiller, by, statut) -> MiseEnRelation:
    with transaction.atomic():
        mer = _lock_mer(mise_en_relation_ouvrir(structure=structure, conseiller=conseiller, by=by))
        if mer.statut not in (S.NOUVELLE, S.INTERESSEE, S.NON_INTERESSEE) or mer.statut == statut:
            raise DomainError(f"Cette candidature est déjà au statut « {mer.get_statut_display()} ».")
        mer.statut = statut
        _save(mer, by)
    return mer


def preselectionner(*, structure: Structure, conseiller: Conseiller, by) -> MiseEnRelation:
    """``nouvelle``/``nonInteressee`` → ``interessee`` (candidat présélectionné)."""
    return _decider(structure=structure, conseiller=conseiller, by=by, statut=S.INTERESSEE)


def ecarter(*, structure: Structure, conseiller: Conseiller, by) -> MiseEnRelation:
    """``nouvelle``/``interessee`` → ``nonInteressee`` (candidat non retenu)."""
    return _decider(structure=structure, conseiller=conseiller, by=by, statut=S.NON_INTERESSEE)


def contrat_declarer(
    *,
    mise_en_relation: MiseEnRelation,
    type_contrat: str,
    date_debut: date,
    date_fin: date | None,
    salaire_brut: Decimal,
    by,
) -> MiseEnRelation:
    """``interessee`` → ``recrutee``: the structure declares the employment contract."""
    _require_member(by, mise_en_relation.structure_id)
    if type_contrat not in TypeContrat.values:
        raise DomainError("Type de contrat inconnu.")
    if not date_debut:
        raise DomainError("La date de début du contrat est obligatoire.")
    if type_contrat != TypeContrat.CDI and not date_fin:
        raise DomainError("La date de fin est obligatoire pour un contrat autre qu'un CDI.")
    if date_fin and date_fin <= date_debut:
        raise DomainError("La date de fin du contrat doit être postérieure à sa date de début.")
    _check_salaire(salaire_brut)
    with transaction.atomic():
        # Lock the structure first: two tabs declaring at once are serialised on the quota.
        structure = Structure.objects.select_for_update().get(pk=mise_en_relation.structure_id)
        Conseiller.objects.select_for_update().get(pk=mise_en_relation.conseiller_id)
        mer = _lock_mer(mise_en_relation)
        if mer.statut != S.INTERESSEE:
            raise DomainError(
                "Seul un candidat présélectionné peut faire l'objet d'une déclaration de contrat."
            )
        _structure_recrutant(structure)
        if _occupants(structure.pk) >= structure.nombre_postes_accordes:
            raise DomainError(
                f"Votre structure a déjà autant de recrutements que de postes accordés "
                f"({structure.nombre_postes_accordes}) : vous ne pouvez pas en déclarer un de plus."
            )
        if MiseEnRelation.objects.filter(conseiller_id=mer.conseiller_id).occupant_poste().exists():
            raise DomainError("Ce candidat est déjà recruté par une structure.")
        mer.statut = S.RECRUTEE
        mer.type_contrat = type_contrat
        mer.date_debut = date_debut
        mer.date_fin = date_fin
        mer.salaire_brut = salaire_brut
        try:
            with transaction.atomic():
                _save(mer, by)
        except IntegrityError as error:  # concurrent recruitment of the same advisor
            raise DomainError("Ce candidat est déjà recruté par une structure.") from error
        notifications.recrutement_declare(mer)
    return mer


def recrutement_annuler(*, mise_en_relation: MiseEnRelation, by) -> MiseEnRelation:
    """``recrutee`` → ``interessee`` (the declared contract is withdrawn)."""
    _require_member(by, mise_en_relation.structure_id)
    with transaction.atomic():
        mer = _lock_mer(mise_en_relation)
        if mer.statut != S.RECRUTEE:
            raise DomainError("Seul un recrutement en attente de validation peut être annulé.")
        mer.statut = S.INTERESSEE
        mer.type_contrat, mer.date_debut, mer.date_fin, mer.salaire_brut = "", None, None, None
        _save(mer, by)
    return mer


# --- Pipeline: operator side -----------------------------------------------------------------


def _poste_occuper(structure: Structure, poste_id: int | None) -> Poste:
    """A free post of the structure becomes ``occupe`` (locked; prefer the one given)."""
    postes = Poste.objects.select_for_update().filter(structure=structure, etat=PosteEtat.VACANT)
    poste = None
    if poste_id:
        poste = postes.filter(pk=poste_id).first()
    poste = (
        poste or postes.filter(type=PosteType.CONUM).order_by("pk").first() or postes.order_by("pk").first()
    )
    if poste is None:
        raise DomainError("La structure n'a aucun poste vacant : le recrutement ne peut pas être validé.")
    poste.etat = PosteEtat.OCCUPE
    poste.vacant_depuis = None
    poste.full_clean()
    poste.save(update_fields=["etat", "vacant_depuis"])
    return poste


def _poste_liberer(poste_id: int | None, depuis: date) -> None:
    """The post becomes ``vacant`` from ``depuis`` (kept for the 6-month rule)."""
    if not poste_id:
        return
    poste = Poste.objects.select_for_update().get(pk=poste_id)
    if poste.etat == PosteEtat.OCCUPE:
        poste.etat = PosteEtat.VACANT
        poste.vacant_depuis = depuis
        poste.save(update_fields=["etat", "vacant_depuis"])


def recrutement_valider(*, mise_en_relation: MiseEnRelation, by) -> MiseEnRelation:
    """Operator: ``recrutee`` → ``finalisee``; the advisor gets the role, the post is occupied."""
    _require_operator(by)
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=mise_en_relation.structure_id)
        conseiller = (
            Conseiller.objects.select_for_update()
            .select_related("user")
            .get(pk=mise_en_relation.conseiller_id)
        )
        mer = _lock_mer(mise_en_relation)
        if mer.statut != S.RECRUTEE:
            raise DomainError("Seul un recrutement « Candidature validée » peut être validé.")
        if (
            not mer.type_contrat
            or not mer.date_debut
            or mer.salaire_brut is None
            or (mer.type_contrat != TypeContrat.CDI and not mer.date_fin)
        ):
            raise DomainError("Le contrat est incomplet (type, dates ou salaire manquant).")
        if structure.statut != StructureStatut.VALIDATION_COSELEC:
            raise DomainError("La structure n'est pas validée : le recrutement ne peut pas être validé.")
        en_poste = MiseEnRelation.objects.filter(structure=structure).en_poste().count()
        if en_poste >= structure.nombre_postes_accordes:
            raise DomainError(
                f"Le quota de la structure est atteint ({structure.nombre_postes_accordes} poste(s)) : "
                "le recrutement ne peut pas être validé."
            )
        if MiseEnRelation.objects.filter(conseiller=conseiller).en_poste().exclude(pk=mer.pk).exists():
            raise DomainError("Ce conseiller est déjà en poste dans une autre structure.")
        poste = _poste_occuper(structure, mer.poste_id)
        mer.poste = poste
        mer.statut = S.FINALISEE
        mer.validated_by = by
        mer.validated_at = timezone.now()
        _save(mer, by)
        conseiller.statut = ConseillerStatut.RECRUTE
        conseiller.disponible = False
        _save(conseiller, by)
        # Still open applications elsewhere are closed: the advisor is in post.
        for autre in MiseEnRelation.objects.select_for_update().filter(
            conseiller=conseiller, statut__in=[S.NOUVELLE, S.INTERESSEE]
        ):
            autre.statut = S.NON_INTERESSEE
            _save(autre, by)
        permissions.grant_role(conseiller.user, Role.CONSEILLER)
        notifications.recrutement_valide(mer)
    return mer


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
    from .enums import MotifRupture

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
        for blocker in RUPTURE_BLOCKERS:
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
