"""Statistics tasks. Every task is idempotent (a second run does nothing new)."""

from __future__ import annotations

from celery import shared_task

PERIODIC_TASKS: dict[str, dict] = {}


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def exporter_cras(export_id: int) -> str:
    """Prepare a large CRA export (``ExportCra``) and email its download link."""
    from .export_cras import executer_export

    return executer_export(export_id)
