"""Celery application: Redis when REDIS_URL is set, kombu's filesystem transport otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conumapp.settings")

app = Celery("conum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
