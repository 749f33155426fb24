"""The Celery app. Tasks are enqueued by name from the web tier, which never imports torch."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("circuitscope")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["inference_worker.worker", "graphs.explanations"])
