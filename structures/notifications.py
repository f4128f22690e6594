"""Emails of the structures app, queued in the outbox (idempotent keys)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from conumapp.enums import Role
from conumapp.models import Habilitation
from conumapp.notifications import notify

from .models import Membre


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def _membres(structure_id: int) -> list[str]:
    return list(
        Membre.objects.filter(structure_id=structure_id, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _prefecture(departement_id: str) -> list[str]:
    return list(
        Habilitation.objects.filter(
            role=Role.PREFECTURE, departement_id=departement_id, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _url(name: str, *args) -> str:
    return _site_url() + reverse(name, args=args)


def candidature_recue(structure):
    return notify(
        to=[structure.contact_email],
        template="structures/emails/candidature_recue",
        context={"structure": structure, "url": _url("structures:detail", structure.pk)},
        key=f"structure-candidature-recue:{structure.pk}",
    )


def decision_coselec(decision):
    structure = decision.structure
    context = {"structure": structure, "decision": decision, "url": _url("structures:detail", structure.pk)}
    notify(
        to=_membres(structure.pk),
        template="structures/emails/decision_coselec",
        context=context,
        key=f"structure-decision:{decision.pk}",
    )
    notify(
        to=_prefecture(structure.departement_id),
        template="structures/emails/decision_coselec_prefecture",
        context={**context, "url": _url("structures:prefecture_detail", structure.pk)},
        key=f"structure-decision-prefecture:{decision.pk}",
    )


def demande_creee(demande):
    return notify(
        to=_prefecture(demande.structure.departement_id),
        template="structures/emails/demande_creee",
        context={"demande": demande, "url": _url("structures:prefecture_detail", demande.structure_id)},
        key=f"structure-demande-creee:{demande.pk}",
    )


def demande_decidee(demande):
    return notify(
        to=_membres(demande.structure_id),
        template="structures/emails/demande_decidee",
        context={"demande": demande, "url": _url("structures:detail", demande.structure_id)},
        key=f"structure-demande-decidee:{demande.pk}",
    )


def invitation(invitation):
    return notify(
        to=[invitation.email],
        template="structures/emails/invitation",
        context={"invitation": invitation, "url": _url("structures:invitation", invitation.token)},
        key=f"structure-invitation:{invitation.pk}",
    )
