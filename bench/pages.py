"""Page latency at national scale, through the WSGI stack (issue 8).

    python manage.py seed_demo --scale national     # once: the data (see README)
    python bench/pages.py [--runs 20]

Each page is requested as its user would see it — the same WSGI application gunicorn serves,
middleware, session, templates — with a session cookie, and timed `--runs` times after a
warm-up. Beside each, in the same run, the reference: the Django admin changelist of
submissions showing the same number of rows (the page a user would otherwise use),
as a superuser. Targets: every page within 1.5× of its reference and under 30 queries.

Pages: the secretariat's inbox, a unit's scoring workspace, a reviewer's review page, the
secretariat's units × domains matrix, the managers' dashboard, the public results page (no
login) — in the live year of the national program (`scale-par`; `--program scale-01` for a
provincial one).
"""

import argparse
import io
import sys
from urllib.parse import urlsplit

from _common import machine, measure, print_rows, session_cookie  # noqa: I001
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count

from config.wsgi import application


def get(path: str, cookie: str | None) -> tuple[str, bytes]:
    url = urlsplit(path)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": url.path,
        "QUERY_STRING": url.query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_LANGUAGE": "vi",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    status = []
    body = b"".join(application(environ, lambda s, headers, exc=None: status.append(s)))
    return status[0], body


def pages(program: str) -> tuple:
    """The live campaign, and (label, path, username) of each page in it."""
    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from appraisal.models import Campaign, DomainReview, ScoreItem, Submission, UnitResult
    from appraisal.models.states import CampaignState, DomainReviewState, SubmissionState
    from appraisal.selectors.inbox import inbox_entries

    campaign = Campaign.objects.filter(program__code=program, state=CampaignState.REVIEW).first()
    if campaign is None:
        sys.exit(
            f"No live campaign of {program}: run `python manage.py seed_demo --scale national` first."
        )
    draft = (
        Submission.objects.filter(campaign=campaign, state=SubmissionState.DRAFT)
        .select_related("unit")
        .annotate(n_items=Count("items"))
        .order_by("-n_items", "pk")
        .first()
    )
    review = (
        DomainReview.objects.filter(
            submission__campaign=campaign, state=DomainReviewState.IN_PROGRESS
        )
        .select_related("reviewer")
        .order_by("pk")
        .first()
    )
    published = (
        Campaign.objects.filter(program__code=program, state=CampaignState.PUBLISHED)
        .order_by("-year")
        .first()
    )
    slug = program.removeprefix("scale-")
    secretariat = get_user_model().objects.get(username=f"{slug}.thuky")
    units = campaign.submissions.count()
    return campaign, [
        ("inbox (secretariat)", "/inbox/", secretariat.username, len(inbox_entries(secretariat))),
        (
            "scoring workspace",
            f"/submissions/{draft.pk}/workspace/",
            f"{slug}.{draft.unit.code.lower()}.daumoi",
            draft.n_items,
        ),
        (
            "review page",
            f"/reviews/{review.pk}/",
            review.reviewer.username,
            ScoreItem.objects.filter(
                submission_id=review.submission_id, domain_id=review.domain_id
            ).count(),
        ),
        (
            "units × domains matrix",
            f"/campaigns/{campaign.pk}/reviews/matrix/",
            secretariat.username,
            units,
        ),
        (
            "managers' dashboard",
            f"/campaigns/{campaign.pk}/dashboard/",
            f"{slug}.quanly",
            units,
        ),
        (
            "public results",
            f"/results/{program}/{published.year}/",
            None,
            UnitResult.objects.filter(campaign=published).count(),
        ),
    ]


def seq_scans(node: dict) -> list[str]:
    """The large tables a plan reads whole."""
    found = []
    read = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
    if node["Node Type"] == "Seq Scan" and read > 5000:
        found.append(f"{node['Relation Name']} ({read} rows read)")
    for child in node.get("Plans", []):
        found += seq_scans(child)
    return found


def explain(label: str, path: str, cookie: str | None) -> None:
    """PostgreSQL: the plan of every query of the page, flagging sequential scans of large
    tables (the sign of a missing index)."""
    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get(path, cookie)
    print(f"-- {label}: {len(captured.captured_queries)} queries")
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0][0]
        scans = seq_scans(plan["Plan"])
        flag = "  SEQ SCAN " + ", ".join(scans) if scans else ""
        print(f"   {plan['Execution Time']:7.2f} ms  {sql[:110]}{flag}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--explain", action="store_true", help="PostgreSQL: print each query's plan time"
    )
    parser.add_argument(
        "--program", default="scale-par", help="a program made by seed_demo --scale"
    )
    args = parser.parse_args()

    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from django.contrib import admin

    from appraisal.models import Submission

    users = get_user_model().objects
    campaign, cases = pages(args.program)
    changelist = admin.site._registry[Submission]
    admin_cookie = session_cookie(users.filter(is_superuser=True).order_by("pk").first())
    reference_url = "/admin/appraisal/submission/"
    rows, verdicts = [], []
    for label, path, username, shown in cases:
        cookie = session_cookie(users.get(username=username)) if username else None
        status, _body = get(path, cookie)
        assert status.startswith("200"), (path, status)
        if args.explain:
            explain(label, path, cookie)
            continue
        page = measure(f"{label} ({shown} rows)", lambda p=path, c=cookie: get(p, c), args.runs)
        changelist.list_per_page = max(1, shown)
        status, body = get(reference_url, admin_cookie)
        assert status.startswith("200"), (reference_url, status)
        reference = measure(
            "  admin changelist, same rows",
            lambda: get(reference_url, admin_cookie),
            args.runs,
        )
        ratio = page["median"] / reference["median"]
        ok = ratio <= 1.5 and page["queries"] < 30
        page["vs reference"] = f"{ratio:5.2f}×  {'ok' if ok else 'MISSED'}"
        rows += [page, reference]
        verdicts.append(ok)
    if args.explain:
        return
    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from appraisal.models import ScoreItem

    print(
        f"{machine()}; {Submission.objects.count()} reports, "
        f"{ScoreItem.objects.count()} score items in the database; {args.runs} runs each"
    )
    print_rows(rows, extra=["vs reference"])
    print(
        "targets (≤ 1.5× the reference, < 30 queries):",
        "all met" if all(verdicts) else f"{verdicts.count(False)} missed",
    )
    connection.close()


if __name__ == "__main__":
    main()
