"""GET /healthz: 200 when the database and the task queue answer, 503 otherwise."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.django_db
def test_healthy_with_the_orm_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["queue"]["ok"]
    assert body["queue"]["broker"].startswith("ORM")


@pytest.mark.django_db
def test_unavailable_when_the_database_does_not_answer(client):
    with mock.patch("config.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}


@pytest.mark.django_db
def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405


def healthz_with_redis(url: str) -> tuple[int, dict]:
    """Run /healthz in a fresh process: django-q2 reads its broker once, at import."""
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code); print(r.content.decode())"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
        ALLOWED_HOSTS="testserver",
        REDIS_URL=url,
        DATABASE_URL="sqlite:///:memory:",
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    status, body = out.stdout.strip().split("\n", 1)
    return int(status), json.loads(body)


def test_healthy_with_a_redis_broker():
    status, body = healthz_with_redis(REDIS_URL)
    assert status == 200, body
    assert body["queue"]["broker"].startswith("Redis")


def test_unavailable_when_redis_does_not_answer():
    status, body = healthz_with_redis("redis://127.0.0.1:1/0")
    assert status == 503
    assert body["queue"]["ok"] is False and body["database"]["ok"] is True
