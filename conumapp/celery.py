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
if os.environ.get("REDIS_URL") and os.environ.get("CELERY_VISIBILITY_TIMEOUT"):
    # Seconds before Redis hands an unacknowledged task (its worker died) to another worker;
    # one hour by default (settings.py). Lowered by the fault tests (tests/faults/).
    app.conf.broker_transport_options = {"visibility_timeout": int(os.environ["CELERY_VISIBILITY_TIMEOUT"])}
app.autodiscover_tasks()
