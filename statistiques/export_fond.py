"""Large CRA exports in the background (``ExportCra``): request, the task's work, purge.

The rows, their scope and the file formats are ``export_cras``'; this module only runs them
outside the request (claimed once, idempotent, retried by the task on failure).
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from conumapp.files import random_name

from .export_cras import CLAIM_TIMEOUT, ecrire_csv, ecrire_xlsx
from .export_selection import selection

logger = logging.getLogger(__name__)


RELANCE_APRES = timedelta(minutes=10)  # a waiting export older than this is queued again


def export_demander(*, user, format: str, parametres: str):
    """Record the request and start the task after commit (call inside a transaction)."""
    from .models import ExportCra

    job = ExportCra.objects.create(user=user, format=format, parametres=parametres)
    transaction.on_commit(lambda: lancer(job.pk))
    return job


def lancer(export_id: int) -> None:
    """Hand the export to a worker. If the broker is down, the request still succeeds: the
    periodic ``relancer_exports`` queues the export once the broker is back."""
    from kombu.exceptions import OperationalError

    from .tasks import exporter_cras

    try:
        exporter_cras.delay(export_id)
    except (OperationalError, ConnectionError) as error:
        logger.warning("export CRA %s : courtier injoignable (%s), relancé plus tard", export_id,
                       type(error).__name__)  # fmt: skip


def relancer_exports(*, now=None) -> int:
    """Queue again the exports still waiting after ``RELANCE_APRES`` (their task was never
    queued: broker down at the request) and those whose claim has expired (worker lost).
    Safe to run twice: ``executer_export`` claims each export once and never emails twice."""
    from django.db.models import Q

    from .models import ExportCra

    now = now or timezone.now()
    ids = list(
        ExportCra.objects.filter(
            Q(statut=ExportCra.Statut.EN_ATTENTE, created_at__lt=now - RELANCE_APRES)
            | Q(statut=ExportCra.Statut.EN_COURS, started_at__lt=now - CLAIM_TIMEOUT)
        ).values_list("pk", flat=True)
    )
    for export_id in ids:
        lancer(export_id)
    return len(ids)


def executer_export(export_id: int) -> str:
    """Write the file of an ``ExportCra``, then email its link. Idempotent: a finished export
    (or one another worker is writing) is left alone; the email has a key (sent once)."""
    from . import notifications
    from .models import ExportCra

    now = timezone.now()
    with transaction.atomic():
        job = ExportCra.objects.select_for_update().select_related("user").filter(pk=export_id).first()
        if job is None or job.statut == ExportCra.Statut.TERMINE:
            return "deja_fait"
        if (
            job.statut == ExportCra.Statut.EN_COURS
            and job.started_at
            and job.started_at > now - CLAIM_TIMEOUT
        ):
            return "en_cours_ailleurs"
        job.statut, job.started_at, job.progression, job.erreur = ExportCra.Statut.EN_COURS, now, 0, ""
        job.save(update_fields=["statut", "started_at", "progression", "erreur"])
    claimed = ExportCra.objects.filter(pk=job.pk, statut=ExportCra.Statut.EN_COURS, started_at=now)
    choix = selection(job.user, QueryDict(job.parametres))
    if choix is None:
        claimed.update(statut=ExportCra.Statut.ECHEC, erreur="Vous n'avez plus accès à ces données.",
                       finished_at=timezone.now())  # fmt: skip
        return "refuse"
    total = choix.cras.count()
    claimed.update(total=total)

    def progression(done: int) -> None:
        claimed.update(lignes=done, progression=min(99, done * 100 // total) if total else 99)

    write = ecrire_csv if job.format == "csv" else ecrire_xlsx
    try:
        with tempfile.TemporaryFile() as handle:
            rows = write(choix.cras, handle, progression=progression)
            handle.seek(0)
            with transaction.atomic():
                job = ExportCra.objects.select_for_update().get(pk=job.pk)
                if job.statut != ExportCra.Statut.EN_COURS or job.started_at != now:
                    return "en_cours_ailleurs"  # a stale claim was taken over meanwhile
                job.fichier.save(random_name(f".{job.format}"), File(handle), save=False)
                job.statut, job.progression, job.lignes = ExportCra.Statut.TERMINE, 100, rows
                job.total, job.finished_at = rows, timezone.now()
                job.save()
                notifications.export_cras_pret(job)
    except Exception as error:
        logger.warning("export CRA %s : échec (%s)", export_id, type(error).__name__)
        claimed.update(statut=ExportCra.Statut.ECHEC, erreur="L'export a échoué ; il sera relancé.",
                       finished_at=timezone.now())  # fmt: skip
        raise
    return "termine"


def purger_exports(*, now=None) -> int:
    """Delete prepared exports (rows and files) older than ``ExportCra.CONSERVATION_JOURS``.

    Idempotent: a second run finds nothing left to delete."""
    from .models import ExportCra

    limite = (now or timezone.now()) - timedelta(days=ExportCra.CONSERVATION_JOURS)
    supprimes = 0
    for job in ExportCra.objects.filter(created_at__lt=limite).exclude(
        statut__in=[ExportCra.Statut.EN_ATTENTE, ExportCra.Statut.EN_COURS]
    ):
        if job.fichier:
            job.fichier.delete(save=False)
        job.delete()
        supprimes += 1
    return supprimes
