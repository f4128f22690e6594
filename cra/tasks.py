from celery import shared_task

PERIODIC_TASKS = {
    "cra: conseillers sans CRA (30 et 45 jours)": {
        "task": "cra.tasks.detecter_inactivite",
        "crontab": {"minute": "15", "hour": "6"},
    },
}


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def detecter_inactivite() -> int:
    """Idempotent: an advisor is flagged (and emailed) once per threshold and episode."""
    from . import services

    return len(services.detecter_inactivite())
