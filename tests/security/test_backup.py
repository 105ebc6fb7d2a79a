"""Backups (issue 9): a dump of the database restored into an empty one holds every report,
every evidence file's hash and every audit row, and the audit chain verifies there. On
PostgreSQL with pg_dump / pg_restore as README documents them; on SQLite with its online
backup."""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CHECKS = {
    "reports": "SELECT id, campaign_id, unit_id, state FROM appraisal_submission ORDER BY id",
    "evidence": "SELECT id, document_id, sha256, size FROM documents_documentversion ORDER BY id",
    "audit": "SELECT seq, prev_hash, hash FROM workflow_auditevent ORDER BY seq",
    "scores": "SELECT id, self_score, review_score, final_score FROM appraisal_scoreitem "
    "ORDER BY id",
}


def _read(cursor) -> dict[str, list[tuple]]:
    out = {}
    for name, sql in CHECKS.items():
        cursor.execute(sql)
        out[name] = [tuple(str(value) for value in row) for row in cursor.fetchall()]
    return out


def _verify_audit(database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_restored_dump_holds_everything_and_its_audit_verifies(program, settings, tmp_path):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        before = _read(cursor)
    assert all(before.values()), {name: len(rows) for name, rows in before.items()}

    if connection.vendor == "postgresql":
        params = connection.settings_dict
        server = [
            "-h",
            params["HOST"] or "127.0.0.1",
            "-p",
            str(params["PORT"] or 5432),
            "-U",
            params["USER"] or "postgres",
        ]
        dump = tmp_path / "parcouncil.dump"
        subprocess.run(["pg_dump", *server, "-Fc", "-f", str(dump), params["NAME"]], check=True)
        restored = f"parcouncil_restore_{uuid.uuid4().hex[:8]}"
        subprocess.run(["createdb", *server, restored], check=True)
        try:
            subprocess.run(
                ["pg_restore", *server, "--no-owner", "-d", restored, str(dump)], check=True
            )
            import psycopg

            with psycopg.connect(
                host=server[1], port=server[3], user=server[5], dbname=restored
            ) as other:
                after = _read(other.cursor())
            url = f"postgres://{server[5]}@{server[1]}:{server[3]}/{restored}"
            verified = _verify_audit(url)
        finally:
            subprocess.run(["dropdb", *server, "--if-exists", restored], check=True)
    else:
        copy = tmp_path / "parcouncil-backup.sqlite3"
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        with sqlite3.connect(copy) as other:
            after = _read(other.cursor())
        verified = _verify_audit(f"sqlite:///{copy}")

    assert after == before
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"{len(before['audit'])} rows" in verified.stdout
