"""The core's registries (demo data, periodic tasks) know every app of the project: an app added
later with a demo.py or PERIODIC_TASKS is never silently skipped."""

import importlib

from django.apps import apps
from django.conf import settings

from conumapp.periodic import CONUM_APPS


def test_every_project_app_is_in_the_registries():
    project = [
        config.name
        for config in apps.get_app_configs()
        if config.path.startswith(f"{settings.BASE_DIR}/")
        and "/.venv/" not in config.path
        and "." not in config.name
    ]
    assert sorted(project) == sorted(CONUM_APPS)


def test_statistics_periodic_tasks_and_demo_are_registered():
    tasks = importlib.import_module("statistiques.tasks")
    assert tasks.PERIODIC_TASKS, "statistiques déclare ses tâches planifiées"
    assert "statistiques" in CONUM_APPS
    assert importlib.util.find_spec("statistiques.demo") is not None
