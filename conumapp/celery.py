"""Celery application: Redis when REDIS_URL is set, kombu's filesystem transport otherwise.

Configuration lives in settings.py (``CELERY_*``): the broker (Redis, or folders under
``var/celery`` that need no server, so ``make run`` starts a real worker and beat), late
acknowledgement, JSON only, django-celery-beat's database scheduler. Periodic tasks are
declared in code (``PERIODIC_TASKS`` in each app's tasks.py, installed by
``setup_periodic_tasks``). In tests tasks run eagerly (tests/conftest.py); real-worker tests
start ``celery -A conumapp worker`` themselves (tests/celery_helpers.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conumapp.settings")

app = Celery("conum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
