"""Statistics emails, written to the outbox (``conumapp.notifications.notify``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from conumapp.notifications import notify


def export_cras_pret(job):
    """The prepared CRA export's download link, to its owner only; once per export (key)."""
    lien = settings.SITE_URL.rstrip("/") + reverse("statistiques:export_cras_telecharger", args=[job.pk])
    return notify(
        to=[job.user.email],
        template="statistiques/emails/export_cras_pret",
        context={"job": job, "lien": lien},
        key=f"statistiques-export-cras:{job.pk}",
    )
