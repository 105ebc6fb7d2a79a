"""HTTP load: concurrent users on the inbox and scoring pages under gunicorn (issue 8).

    python manage.py seed_demo --scale national     # once: the data (see README)
    python bench/load.py [--users 50] [--duration 30] [--workers 2]

Starts gunicorn with `--workers` sync workers on 127.0.0.1 in production settings (DEBUG
off, static files collected, WhiteNoise), then runs `wrk` (installed with apt when missing and
run as root) for `--duration` seconds with one connection per user: `--users` focal points of
this year's campaigns (the national program's, then the provinces'), each logged in with their own session, each request their
inbox or their unit's scoring workspace in turn. Prints the throughput, the error rate
(connection errors, timeouts and any status other than 200) and the latency percentiles.
Target: no errors.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import ROOT, machine, session_cookie
from django.conf import settings
from django.db import connection

PORT = 8765
SCRIPT = r"""
local users = {%(users)s}
local counter = 0
request = function()
  counter = counter + 1
  local user = users[(counter %% #users) + 1]
  local path = user.paths[(math.floor(counter / #users) %% #user.paths) + 1]
  return wrk.format("GET", path, {["Cookie"] = user.cookie, ["Accept-Language"] = "vi"})
end
non200 = 0
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
done = function(summary, latency, requests)
  local other = 0
  for _, thread in ipairs(threads) do other = other + thread:get("non200") end
  local out = string.format(
    '{"requests": %%d, "seconds": %%f, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "not200": %%d, "p50": %%f, "p95": %%f, "p99": %%f, ' ..
    '"max": %%f}',
    summary.requests, summary.duration / 1e6, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, other,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3)
  io.write("RESULT " .. out .. "\n")
end
"""


def users_and_paths(count: int) -> list[tuple[str, list[str]]]:
    """(cookie, [inbox, workspace]) of `count` focal points of this year's campaigns: the
    national program's first, then the provinces'."""
    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from django.db.models import Case, IntegerField, Value, When

    from appraisal.models import Campaign, RoleAssignment
    from appraisal.models.choices import Role
    from appraisal.models.states import CampaignState

    campaigns = Campaign.objects.filter(
        program__code__startswith="scale-", state=CampaignState.REVIEW
    ).order_by(
        Case(
            When(program__code="scale-par", then=Value(0)), default=1, output_field=IntegerField()
        ),
        "program__code",
    )
    chosen = []
    for campaign in campaigns:
        submissions = {s.unit_id: s.pk for s in campaign.submissions.all()}
        grants = RoleAssignment.objects.filter(
            program=campaign.program, role=Role.FOCAL_POINT, organisation_id__in=submissions
        ).select_related("user")
        chosen += [(g.user, submissions[g.organisation_id]) for g in grants.order_by("pk")]
        if len(chosen) >= count:
            break
    if len(chosen) < count:
        sys.exit("Not enough scale data: run `python manage.py seed_demo --scale national` first.")
    return [
        (session_cookie(user), ["/inbox/", f"/submissions/{pk}/workspace/"])
        for user, pk in chosen[:count]
    ]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"gunicorn did not answer {url}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=30, help="seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args()

    subprocess.run(["sh", "scripts/apt-ensure.sh", "wrk"], cwd=ROOT, check=True)
    # the server's key signs the sessions made here
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    users = users_and_paths(args.users)
    connection.close()
    env = dict(
        os.environ,
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    lua = ",\n".join(
        f"{{cookie = {json.dumps(cookie)}, paths = {{{', '.join(map(json.dumps, paths))}}}}}"
        for cookie, paths in users
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(SCRIPT % {"users": lua})
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
        run = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.users}",
                f"-d{args.duration}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                script.name,
                f"http://127.0.0.1:{PORT}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(script.name)
    line = next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    # any answer but 200 is an error: a redirect to the login page would be one
    errors = sum(result[key] for key in ("connect", "read", "write", "timeout", "not200"))
    print(
        f"{machine()}; gunicorn {args.workers} workers, wrk {args.users} connections "
        f"({args.users} users, inbox and scoring workspace in turn) for {args.duration} s"
    )
    print(
        f"requests: {result['requests']} in {result['seconds']:.1f} s = "
        f"{result['requests'] / result['seconds']:.1f} req/s; errors: {errors} "
        f"({100 * errors / max(1, result['requests']):.2f} %: connect {result['connect']}, "
        f"read {result['read']}, write {result['write']}, status ≠ 200 {result['not200']}, "
        f"timeout {result['timeout']})"
    )
    print(
        f"latency: p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, "
        f"p99 {result['p99']:.0f} ms, max {result['max']:.0f} ms"
    )
    print("target (no errors):", "met" if errors == 0 else "MISSED")


if __name__ == "__main__":
    main()
