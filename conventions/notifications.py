"""Emails of the conventions app, queued in the outbox (idempotent keys)."""

from __future__ import annotations

import hashlib

from django.conf import settings

from conumapp.notifications import notify
from structures.models import Membre


def _membres(structure_id: int) -> list[str]:
    return list(
        Membre.objects.filter(structure_id=structure_id, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _empreinte(pks) -> str:
    return hashlib.sha256(",".join(str(pk) for pk in sorted(pks)).encode()).hexdigest()[:16]


def _base_url() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def convention_envoyee(convention):
    return notify(
        to=_membres(convention.structure_id),
        template="conventions/emails/convention_envoyee",
        context={"convention": convention, "site_url": _base_url()},
        key=f"convention-envoyee:{convention.pk}",
    )


def convention_signee(convention):
    return notify(
        to=_membres(convention.structure_id),
        template="conventions/emails/convention_signee",
        context={"convention": convention, "site_url": _base_url()},
        key=f"convention-signee:{convention.pk}",
    )


def tranche_versee(tranche):
    return notify(
        to=_membres(tranche.convention.structure_id),
        template="conventions/emails/tranche_versee",
        context={"tranche": tranche, "convention": tranche.convention},
        key=f"tranche-versee:{tranche.pk}",
    )


def piece_refusee(piece):
    return notify(
        to=_membres(piece.structure_id),
        template="conventions/emails/piece_refusee",
        context={"piece": piece},
        key=f"piece-refusee:{piece.pk}",
    )


def reconventionnement_valide(reconventionnement, nouvelle):
    return notify(
        to=_membres(reconventionnement.convention.structure_id),
        template="conventions/emails/reconventionnement_valide",
        context={"ancienne": reconventionnement.convention, "nouvelle": nouvelle},
        key=f"reconventionnement-valide:{reconventionnement.pk}",
    )


def rappel_reconventionnement(convention, *, seuil: int, jours: int):
    return notify(
        to=_membres(convention.structure_id),
        template="conventions/emails/rappel_reconventionnement",
        context={"convention": convention, "jours": jours, "seuil": seuil, "site_url": _base_url()},
        key=f"rappel-reconventionnement:{convention.pk}:{seuil}",
    )


def rappel_justificatif(convention):
    return notify(
        to=_membres(convention.structure_id),
        template="conventions/emails/rappel_justificatif",
        context={"convention": convention, "site_url": _base_url()},
        key=f"rappel-justificatif:{convention.pk}",
    )


def digest_tranches_dues(*, today, tranches, to):
    return notify(
        to=to,
        template="conventions/emails/digest_tranches_dues",
        context={"today": today, "tranches": tranches, "nombre": len(tranches)},
        # One digest per set of tranches (each tranche is reported once, see digest_operateurs)
        key=f"digest-tranches-dues:{today.isoformat()}:{_empreinte(t.pk for t in tranches)}",
    )
