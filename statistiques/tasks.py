"""Statistics tasks. Every task is idempotent (a second run does nothing new)."""

from __future__ import annotations

from celery import shared_task

PERIODIC_TASKS: dict[str, dict] = {
    "Statistiques : cumuls des CRA modifiés (recalcul des jours touchés)": {
        "task": "statistiques.tasks.rafraichir_cumuls",
        "crontab": {"minute": "*"},
    },
    "Statistiques : relance des exports de CRA restés en attente": {
        "task": "statistiques.tasks.relancer_exports_cras",
        "crontab": {"minute": "*/10"},
    },
    "Statistiques : suppression des exports de CRA de plus de 7 jours": {
        "task": "statistiques.tasks.purger_exports_cras",
        "crontab": {"minute": "30", "hour": "3"},
    },
}


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def exporter_cras(export_id: int) -> str:
    """Prepare a large CRA export (``ExportCra``) and email its download link."""
    from .export_fond import executer_export

    return executer_export(export_id)


@shared_task
def relancer_exports_cras() -> int:
    """Queue again the CRA exports left waiting (broker down at the request, worker lost)."""
    from .export_fond import relancer_exports

    return relancer_exports()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def purger_exports_cras() -> int:
    """Delete prepared CRA exports past their retention (files included)."""
    from .export_fond import purger_exports

    return purger_exports()


@shared_task
def rafraichir_cumuls() -> bool:
    """Recompute the statistics rollup for the days whose CRAs changed (reads do it too)."""
    from .cumuls import rafraichir

    return rafraichir()
