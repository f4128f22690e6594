"""Periodic tasks declared in code, installed into django-celery-beat's tables.

Each app's ``tasks.py`` may define ``PERIODIC_TASKS``: a dict name -> {"task": dotted name,
"crontab": {minute, hour, day_of_week, day_of_month, month_of_year}}. The
``setup_periodic_tasks`` command (run by ``make run`` and at deploy) creates or updates them;
operators see and can pause them in the admin.
"""

from importlib import import_module

from django.apps import apps

CONUM_APPS = ["conumapp", "structures", "conventions", "conseillers", "formation", "cra", "statistiques"]


def declared_tasks() -> dict[str, dict]:
    found = {}
    for name in CONUM_APPS:
        if not apps.is_installed(name):
            continue
        try:
            module = import_module(f"{name}.tasks")
        except ModuleNotFoundError as error:
            if error.name != f"{name}.tasks":
                raise
            continue
        found.update(getattr(module, "PERIODIC_TASKS", {}))
    return found


DECLARED_IN_CODE = "Déclarée dans le code (setup_periodic_tasks) : modifier le code pour la changer."


def install_periodic_tasks() -> list[str]:
    """Create or update the declared tasks; disable those the code no longer declares.

    An operator may pause a task in the admin (``enabled``): reinstalling keeps that choice.
    """
    from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

    declared = declared_tasks()
    names = []
    for name, spec in declared.items():
        cron = {"minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
        cron.update({key: str(value) for key, value in spec.get("crontab", {}).items()})
        schedule, _ = CrontabSchedule.objects.get_or_create(timezone="Europe/Paris", **cron)
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={
                "task": spec["task"],
                "crontab": schedule,
                "interval": None,
                "description": DECLARED_IN_CODE,
            },
        )
        names.append(name)
    if (
        PeriodicTask.objects.filter(description=DECLARED_IN_CODE)
        .exclude(name__in=declared)
        .update(enabled=False)
    ):
        PeriodicTasks.update_changed()  # a bulk update sends no signal: tell a running beat
    return names
