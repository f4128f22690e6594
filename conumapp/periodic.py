"""Periodic tasks declared in code, installed into django-celery-beat's tables.

Each app's ``tasks.py`` may define ``PERIODIC_TASKS``: a dict name -> {"task": dotted name,
"crontab": {minute, hour, day_of_week, day_of_month, month_of_year}}. The
``setup_periodic_tasks`` command (run by ``make run`` and at deploy) creates or updates them;
operators see and can pause them in the admin.
"""

from importlib import import_module

from django.apps import apps

CONUM_APPS = ["conumapp", "structures", "conventions", "conseillers", "formation", "cra"]


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


def install_periodic_tasks() -> list[str]:
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    names = []
    for name, spec in declared_tasks().items():
        cron = {"minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
        cron.update(spec.get("crontab", {}))
        schedule, _ = CrontabSchedule.objects.get_or_create(timezone="Europe/Paris", **cron)
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": spec["task"], "crontab": schedule, "interval": None}
        )
        names.append(name)
    return names
