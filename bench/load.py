"""HTTP load: 50 people of every role on the five pages each uses most, under gunicorn (issue 18).

    make bench-data                                  # once: the data (see README)
    python bench/load.py [--users 50] [--duration 30] [--workers 2]

Starts gunicorn with `--workers` sync workers on 127.0.0.1 in production settings (DEBUG
off, static files collected, WhiteNoise). Then each of `--users` people signs in through the
real login form (the login page, its CSRF token, the password: what a browser does), and
`wrk` (installed with apt when missing) runs for `--duration` seconds with one connection per
person, each requesting their role's five busiest pages in turn:

- focal point: inbox, their report's scoring workspace, its page, its timeline, home;
- reviewer: inbox, a review they are on, their reviews, the campaign's page, home;
- secretariat: inbox, the review matrix, the dashboard, the review queue, the campaign's page;
- manager: the dashboard, the campaign's page, notifications, inbox, home;
- the public (no sign-in): results index, a year's results, a unit's results, the year's CSV,
  the page that verifies an issued document.

People are taken from this year's campaigns (the national program's first), in the
proportions of a working day: 40 % focal points, 30 % reviewers, 10 % each of the
secretariat, managers and the public. Prints the sign-ins, the throughput, the error rate
(connection errors, timeouts and any status other than 200) and the latency percentiles.
Target: no errors.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from _common import ROOT, machine
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


SHARES = {"focal": 0.4, "reviewer": 0.3, "secretariat": 0.1, "manager": 0.1, "public": 0.1}


def people(count: int) -> list[tuple[str | None, list[str]]]:
    """(username or None for the public, [five paths]) of `count` people of every role."""
    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from django.db.models import Case, IntegerField, Value, When

    from appraisal.models import Campaign, DomainReview, RoleAssignment, UnitResult
    from appraisal.models.choices import Role
    from appraisal.models.states import CampaignState, DomainReviewState

    wanted = {role: max(1, round(share * count)) for role, share in SHARES.items()}
    wanted["focal"] += count - sum(wanted.values())
    campaigns = Campaign.objects.filter(
        program__code__startswith="scale-", state=CampaignState.REVIEW
    ).order_by(
        Case(
            When(program__code="scale-par", then=Value(0)), default=1, output_field=IntegerField()
        ),
        "program__code",
    )
    chosen: dict[str, list] = {role: [] for role in SHARES}
    for campaign in campaigns.select_related("program"):
        base = f"/campaigns/{campaign.pk}"
        slug = campaign.program.code.removeprefix("scale-")
        published = (
            Campaign.objects.filter(program=campaign.program, state=CampaignState.PUBLISHED)
            .order_by("-year")
            .first()
        )
        submissions = {s.unit_id: s.pk for s in campaign.submissions.all()}
        for grant in (
            RoleAssignment.objects.filter(
                program=campaign.program, role=Role.FOCAL_POINT, organisation_id__in=submissions
            )
            .select_related("user")
            .order_by("pk")[: wanted["focal"]]
        ):
            pk = submissions[grant.organisation_id]
            chosen["focal"].append(
                (
                    grant.user.username,
                    ["/inbox/", f"/submissions/{pk}/workspace/", f"/submissions/{pk}/"]
                    + [f"/submissions/{pk}/timeline/", "/"],
                )
            )
        seen = set()
        for review in (
            DomainReview.objects.filter(
                submission__campaign=campaign, state=DomainReviewState.IN_PROGRESS
            )
            .select_related("reviewer")
            .order_by("pk")[:1000]
        ):
            if review.reviewer_id in seen:
                continue
            seen.add(review.reviewer_id)
            chosen["reviewer"].append(
                (
                    review.reviewer.username,
                    ["/inbox/", f"/reviews/{review.pk}/", "/reviews/", f"{base}/", "/"],
                )
            )
        chosen["secretariat"].append(
            (
                f"{slug}.thuky",
                ["/inbox/", f"{base}/reviews/matrix/", f"{base}/dashboard/"]
                + [f"{base}/reviews/?state=all", f"{base}/"],
            )
        )
        chosen["manager"].append(
            (
                f"{slug}.quanly",
                [f"{base}/dashboard/", f"{base}/", "/notifications/", "/inbox/", "/"],
            )
        )
        if published is not None:
            unit = (
                UnitResult.objects.filter(campaign=published)
                .select_related("unit")
                .order_by("pk")
                .first()
            )
            year = f"/results/{campaign.program.code}/{published.year}"
            chosen["public"].append(
                (
                    None,
                    ["/results/", f"{year}/", f"{year}/{unit.unit.code}/", f"{year}.csv"]
                    + ["/verify/"],
                )
            )
        if all(len(chosen[role]) >= n for role, n in wanted.items()):
            break
    missing = {role: n for role, n in wanted.items() if len(chosen[role]) < n}
    if missing:
        sys.exit(f"Not enough scale data for {missing}: run `make bench-data` first.")
    return [person for role, n in wanted.items() for person in chosen[role][:n]]


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    """The cookies a response sets (read by hand: with DEBUG off they are marked Secure, and a
    client's cookie jar keeps them from plain http on the loopback)."""
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def sign_in(username: str, password: str) -> tuple[str, float]:
    """Through the login form, as a browser does (the page, its CSRF token, the password):
    the session cookie, and how long it took."""
    started = time.perf_counter()
    connection_ = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection_.request("GET", "/accounts/login/")
    response = connection_.getresponse()
    page = response.read().decode()
    cookies = _cookies(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    )
    connection_.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    response = connection_.getresponse()
    response.read()
    session = _cookies(response).get(settings.SESSION_COOKIE_NAME)
    connection_.close()
    if response.status != 302 or not session:
        sys.exit(f"{username} could not sign in through the form ({response.status})")
    return f"{settings.SESSION_COOKIE_NAME}={session}", time.perf_counter() - started


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
    parser.add_argument("--password", default="parcouncil-demo-2026", help="the demo's")
    args = parser.parse_args()

    subprocess.run(["sh", "scripts/apt-ensure.sh", "wrk"], cwd=ROOT, check=True)
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    chosen = people(args.users)
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
    script_path = None
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
        signed, took = [], []
        for username, paths in chosen:
            if username is None:  # the public: no session
                signed.append(("", paths))
                continue
            cookie, seconds = sign_in(username, args.password)
            signed.append((cookie, paths))
            took.append(seconds)
        lua = ",\n".join(
            f"{{cookie = {json.dumps(cookie)}, paths = {{{', '.join(map(json.dumps, paths))}}}}}"
            for cookie, paths in signed
        )
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(SCRIPT % {"users": lua})
            script_path = script.name
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
                script_path,
                f"http://127.0.0.1:{PORT}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if script_path:
            os.unlink(script_path)
    line = next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    # any answer but 200 is an error: a redirect to the login page would be one
    errors = sum(result[key] for key in ("connect", "read", "write", "timeout", "not200"))
    roles = ", ".join(f"{round(share * args.users)} {role}" for role, share in SHARES.items())
    print(
        f"{machine()}; gunicorn {args.workers} workers, wrk {args.users} connections "
        f"({roles}; five pages each in turn) for {args.duration} s"
    )
    print(
        f"sign-ins through the login form: {len(took)}, median {statistics.median(took):.2f} s, "
        f"max {max(took):.2f} s (the password hash is meant to be slow)"
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
