"""Members and invitations: invite a colleague, accept an invitation, remove a member."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from conumapp import permissions
from conumapp.enums import Role
from conumapp.services import DomainError

from .. import notifications
from ..models import Invitation, Membre, Structure
from ._commun import _lock, _require_member


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
