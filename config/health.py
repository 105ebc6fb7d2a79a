"""GET /healthz: is the database answering, and is the task queue's broker answering?"""

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any failure means "not answering"
        logger.warning("healthz: database check failed: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}


def _check_queue() -> dict:
    try:
        # django-q2 is loaded on the first check only: a page that never asks pays nothing
        from django_q.brokers import get_broker
        from django_q.status import Stat

        broker = get_broker()
        broker.ping()
        # queue_size reads the broker's store (the ORM table or the Redis list): it proves
        # the queue answers, not just that a client object exists.
        pending = broker.queue_size()
        clusters = len(Stat.get_all(broker=broker))
        return {"ok": True, "broker": broker.info(), "pending": pending, "clusters": clusters}
    except Exception as exc:
        logger.warning("healthz: task queue check failed: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _check_database()
    queue = _check_queue()
    ok = database["ok"] and queue["ok"]
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "database": database, "queue": queue},
        status=200 if ok else 503,
    )
