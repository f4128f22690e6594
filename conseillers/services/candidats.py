"""Candidate profile: location from the postcode, public sign-up, edits, availability and
account erasure."""

from __future__ import annotations

from django.db import transaction

from conumapp import permissions
from conumapp.enums import Role
from conumapp.models import User
from conumapp.services import DomainError
from conumapp.territories import clean_postcode, communes_for_postcode, departement_for_postcode

from ..enums import ConseillerStatut
from ..models import Conseiller, MiseEnRelation
from ._commun import STATUTS_RECRUTE_UN_JOUR, _save


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
