"""Emails of the conseillers app, queued in the outbox (idempotent keys)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from conumapp.notifications import notify
from structures.models import Membre


def _membres(structure_id: int) -> list[str]:
    return list(
        Membre.objects.filter(structure_id=structure_id, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def recrutement_declare(mer):
    """To the candidate: a structure declared their contract (awaiting the operator)."""
    return notify(
        to=[mer.conseiller.user.email],
        template="conseillers/emails/recrutement_declare",
        context={"mer": mer, "site_url": _site_url()},
        key=f"recrutement-declare:{mer.pk}:{mer.date_debut}",
    )


def recrutement_valide(mer):
    """To the structure and the advisor: the recruitment is validated (advisor: how to log in)."""
    user = mer.conseiller.user
    lien = _site_url() + (
        reverse("account_login") if user.has_usable_password() else reverse("account_reset_password")
    )
    notify(
        to=_membres(mer.structure_id),
        template="conseillers/emails/recrutement_valide_structure",
        context={"mer": mer, "site_url": _site_url()},
        key=f"recrutement-valide-structure:{mer.pk}",
    )
    return notify(
        to=[user.email],
        template="conseillers/emails/recrutement_valide_conseiller",
        context={"mer": mer, "lien": lien, "nouveau_compte": not user.has_usable_password()},
        key=f"recrutement-valide-conseiller:{mer.pk}",
    )


def prolongation_validee(prolongation, mer):
    return notify(
        to=_membres(mer.structure_id),
        template="conseillers/emails/prolongation_validee",
        context={"prolongation": prolongation, "mer": mer, "site_url": _site_url()},
        key=f"prolongation-validee:{prolongation.pk}",
    )


def rupture_incomplete(mer):
    return notify(
        to=_membres(mer.structure_id),
        template="conseillers/emails/rupture_incomplete",
        context={"mer": mer, "site_url": _site_url()},
        key=None,
    )


def rupture_validee(mer):
    notify(
        to=[mer.conseiller.user.email],
        template="conseillers/emails/rupture_validee_conseiller",
        context={"mer": mer},
        key=f"rupture-validee-conseiller:{mer.pk}",
    )
    return notify(
        to=_membres(mer.structure_id),
        template="conseillers/emails/rupture_validee_structure",
        context={"mer": mer, "site_url": _site_url()},
        key=f"rupture-validee-structure:{mer.pk}",
    )
