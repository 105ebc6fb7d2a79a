"""Fault: PostgreSQL restarted under load (issue 9). Requests must fail cleanly while the
database is away — an answer (the error page, 500) or a refused connection, never a hang or a
traceback — the service must recover by itself, and nothing may be half-written: every score
saved has its audit row, and the audit chain verifies.

    sudo .venv/bin/python scripts/fault_db_restart.py [--clients 8] [--duration 40]

Needs root and the local PostgreSQL cluster (`pg_ctlcluster`): it restarts it. It builds its
own database (`parcouncil_fault`, the demo), serves it with gunicorn (2 workers, production
settings), runs `--clients` threads of focal points saving scores (htmx POSTs) and reading
their workspace, restarts PostgreSQL at `--restart-at` seconds, then checks. Not part of the
test suite, which the restart would cut off; README → Security documents it.
"""

import argparse
import collections
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "parcouncil_fault"
PORT = 8766


def sh(*command: str, env: dict | None = None) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def cluster() -> tuple[str, str]:
    line = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    version, name = line.stdout.split()[:2]
    return version, name


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=int, default=40, help="seconds of load")
    parser.add_argument("--restart-at", type=int, default=12, help="seconds into the load")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("Run as root: the script restarts the local PostgreSQL cluster.")
    version, name = cluster()
    server = "postgres://postgres@127.0.0.1:5432"
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE])
    sh("createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE)
    secret = secrets.token_urlsafe(50)
    env = dict(os.environ, DATABASE_URL=f"{server}/{DATABASE}", SECRET_KEY=secret)
    env.pop("REDIS_URL", None)
    python = sys.executable
    sh(python, "manage.py", "migrate", "-v0", env=env)
    sh(python, "manage.py", "createcachetable", env=env)
    sh(python, "manage.py", "seed_demo", "--force", env={**env, "DEBUG": "1"})

    os.environ.update(DATABASE_URL=env["DATABASE_URL"], SECRET_KEY=secret, DEBUG="1")
    sys.path.insert(0, str(ROOT / "bench"))
    from _common import session_cookie  # sets Django up on that database
    from django.conf import settings
    from django.utils.crypto import get_random_string

    from appraisal.imports.frameworks.spec import fmt_decimal
    from appraisal.models import RoleAssignment, ScoreItem, Submission
    from workflow.audit import verify_chain
    from workflow.models import AuditEvent

    settings.SECRET_KEY = secret
    drafts = list(Submission.objects.filter(state="draft").select_related("unit"))
    plans = []
    for submission in drafts:
        focal = (
            RoleAssignment.objects.filter(role="focal_point", organisation=submission.unit)
            .select_related("user")
            .first()
        )
        items = [
            (pk, fmt_decimal(maximum))
            for pk, maximum in submission.items.filter(
                scoring_mode="self", node__scoring_method="number"
            ).values_list("pk", "max_points")[:20]
        ]
        if focal and items:
            plans.append((session_cookie(focal.user), submission.pk, items))
    if not plans:
        sys.exit("The demo has no draft with number-scored items.")

    gunicorn = subprocess.Popen(
        [
            str(Path(python).with_name("gunicorn")),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "30",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env={**env, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0"},
    )
    statuses: collections.Counter = collections.Counter()
    problems: list[str] = []
    touched: set[int] = set()
    stop = time.monotonic() + args.duration
    lock = threading.Lock()

    def client(number: int) -> None:
        cookie, submission_id, items = plans[number % len(plans)]
        token = get_random_string(32)
        headers = {"Cookie": f"{cookie}; csrftoken={token}", "X-CSRFToken": token}
        turn = 0
        while time.monotonic() < stop:
            turn += 1
            item, maximum = items[(number + turn) % len(items)]
            if turn % 3:  # the score goes between 0 and the maximum: each save is audited
                score = maximum if turn % 2 else "0"
                body = f"score={score}&version=-1&explanation=Lan+{number}-{turn}".encode()
                request = urllib.request.Request(
                    f"http://127.0.0.1:{PORT}/items/{item}/self-score/",
                    data=body,
                    headers={
                        **headers,
                        "HX-Request": "true",
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
            else:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{PORT}/submissions/{submission_id}/workspace/",
                    headers=headers,
                )
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=15) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
                page = error.read().decode(errors="replace")
                if status >= 500 and "Traceback" in page:
                    problems.append(f"a traceback was served ({status})")
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                status = type(getattr(error, "reason", error)).__name__
            if time.monotonic() - started > 14:
                problems.append("a request hung")
            with lock:
                statuses[status] += 1
                if request.data is not None and status == 200:
                    touched.add(item)
            time.sleep(0.02)

    try:
        time.sleep(2)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in threads:
            thread.start()
        time.sleep(args.restart_at)
        before = dict(statuses)
        restart = time.monotonic()
        sh("pg_ctlcluster", version, name, "restart", "-m", "fast")
        print(f"PostgreSQL {version}/{name} restarted in {time.monotonic() - restart:.1f} s")
        for thread in threads:
            thread.join()
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    # imported here, once Django is set up on the database made above
    from django.db import connection

    connection.close()  # the restart cut this process's connection too
    half_written = 0
    for item in ScoreItem.objects.filter(pk__in=touched):
        last = (
            AuditEvent.objects.filter(
                object_type="score_item", object_id=item.pk, field__endswith=".self_score"
            )
            .order_by("-seq")
            .first()
        )
        if last is None or last.new_value != fmt_decimal(item.self_score):
            half_written += 1
    breaks = list(verify_chain())
    after_restart = {k: v - before.get(k, 0) for k, v in statuses.items()}
    print(f"requests by answer: {dict(statuses)}")
    print(f"after the restart began: {after_restart}")
    print(
        f"items saved under load: {len(touched)}; saved without their audit row: "
        f"{half_written}; audit chain: {'intact' if not breaks else breaks[0]}"
    )
    recovered = sum(v for k, v in after_restart.items() if k == 200) > 0
    print(f"service recovered by itself: {recovered}")
    ok = not problems and not half_written and not breaks and recovered
    print("fault test:", "passed" if ok else f"FAILED {sorted(set(problems))}")
    connection.close()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
