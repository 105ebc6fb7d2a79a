"""Page latency at scale through the WSGI stack, each page beside a fair reference (issue 18).

    make bench-data                                  # the national data, then the large
    python manage.py seed_demo --scale province --provinces 1 --units 600 --years 2
    python manage.py seed_demo --scale province --provinces 1 --units 2100 --years 2
    python bench/pages.py [--runs 10] [--program scale-par --program scale-01-600 ...]

Each page is requested as its user sees it — the same WSGI application gunicorn serves,
middleware, session, templates — with a session cookie, and timed `--runs` times after a
warm-up. Beside each, in the same run, its reference: a Django admin changelist showing the
same rows — the same campaign, the same filter, the same order, the same number per page
(no full count, no filter sidebar) — served by the same stack to a superuser from an admin
site that only this script mounts. What each reference does that its page does not, and the
other way round, is in bench/RESULTS.md.

The statistics of the database are stated first; the script refuses to measure on stale
ones (`manage.py refresh_statistics`), unless `--allow-stale` (to measure that case).

Targets: every page ≤ 1.0× its reference, ≤ 30 queries, ≤ 300 KB of HTML; the matrix and
the dashboard of a 2,100-unit campaign under 300 ms.
"""

import argparse
import io
import sys
from urllib.parse import urlencode, urlsplit

from _common import machine, measure, print_rows, session_cookie  # noqa: I001
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.urls import include, path

from config.wsgi import application

PAGE_KB = 300
REFERENCE = "/bench-admin/"


# The reference site ----------------------------------------------------------------------


class Plain(admin.ModelAdmin):
    """A changelist at its plainest: no sidebar, no full count, any lookup in the URL."""

    show_full_result_count = False
    actions = None

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        return True

    def has_change_permission(self, request, obj=None) -> bool:
        return True


def reference_site():
    from appraisal.models import DomainReview, ScoreItem, Submission, UnitResult

    site = admin.AdminSite(name="bench")
    site.register(
        Submission,
        type(
            "SubmissionRef",
            (Plain,),
            {
                "list_display": ["unit", "level", "state", "updated_at"],
                "list_select_related": ["unit"],
                "ordering": ["level", "unit__code"],
            },
        ),
    )
    site.register(
        ScoreItem,
        type(
            "ScoreItemRef",
            (Plain,),
            {
                "list_display": ["node__code", "node__name_vi", "max_points", "self_score"]
                + ["review_score", "explanation"],
                "list_select_related": ["node"],
                "ordering": ["position"],
            },
        ),
    )
    site.register(
        DomainReview,
        type(
            "DomainReviewRef",
            (Plain,),
            {
                "list_display": ["submission__unit__name_vi", "domain__code", "state"]
                + ["reviewer", "organisation__code"],
                "list_select_related": ["submission__unit", "domain", "reviewer", "organisation"],
                "ordering": ["submission__level", "submission__unit__code", "domain__position"],
            },
        ),
    )
    site.register(
        UnitResult,
        type(
            "UnitResultRef",
            (Plain,),
            {
                "list_display": ["unit", "level", "index", "group", "rank"],
                "list_select_related": ["unit"],
                "ordering": ["level", "rank", "unit__code"],
            },
        ),
    )
    return site


SITE = None
urlpatterns: list = []


def mount_reference() -> None:
    """Serve the product's URLs and the reference site from this module."""
    global SITE, urlpatterns
    SITE = reference_site()
    urlpatterns = [path(REFERENCE.strip("/") + "/", SITE.urls), path("", include("config.urls"))]
    settings.ROOT_URLCONF = __name__


def set_per_page(model, rows: int) -> None:
    SITE._registry[model].list_per_page = max(1, rows)


# Requests ----------------------------------------------------------------------------------


def get(path_: str, cookie: str | None) -> tuple[str, bytes]:
    url = urlsplit(path_)
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


def admin_url(model, **lookups) -> str:
    meta = model._meta
    return f"{REFERENCE}{meta.app_label}/{meta.model_name}/?{urlencode(lookups)}"


# The pages of one program ------------------------------------------------------------------


def cases(program: str) -> list[tuple]:
    """(label, path, username, rows shown, reference model, rows of the reference, lookups)
    of each page of `program`, each measured where its stage ends."""
    # imported here, once Django is set up (bench/_common.py sets it up on import)
    from appraisal.models import Campaign, DomainReview, ScoreItem, Submission, UnitResult
    from appraisal.models.states import CampaignState, DomainReviewState, SubmissionState
    from appraisal.selectors.dashboard import PAGE_SIZE as DASHBOARD_PAGE
    from appraisal.selectors.inbox import inbox_entries
    from appraisal.selectors.review_matrix import PAGE_SIZE as MATRIX_PAGE
    from appraisal.views.public import YEAR_PAGE

    live = Campaign.objects.filter(program__code=program, state=CampaignState.REVIEW).first()
    published = (
        Campaign.objects.filter(program__code=program, state=CampaignState.PUBLISHED)
        .order_by("-year")
        .first()
    )
    if live is None or published is None:
        sys.exit(f"No live and published year of {program}: build it first (see --help).")
    slug = program.removeprefix("scale-")
    secretariat = get_user_model().objects.get(username=f"{slug}.thuky")
    # the scoring workspace at the end of self-assessment: the draft with most items scored
    draft = (
        Submission.objects.filter(campaign=live, state=SubmissionState.DRAFT)
        .select_related("unit")
        .annotate(n=Count("items"))
        .order_by("-n", "pk")
        .first()
    )
    review = (
        DomainReview.objects.filter(submission__campaign=live, state=DomainReviewState.IN_PROGRESS)
        .select_related("reviewer")
        .order_by("pk")
        .first()
    )
    review_items = ScoreItem.objects.filter(
        submission_id=review.submission_id, domain_id=review.domain_id
    ).count()
    # the matrix at the end of the review stage: every report × domain has its review (last
    # year's campaign has them all); its first page
    reports = published.submissions.count()
    first_page = list(
        published.submissions.order_by("level", "unit__code").values_list("pk", flat=True)[
            :MATRIX_PAGE
        ]
    )
    cells = DomainReview.objects.filter(submission_id__in=first_page).count()
    entries = len(inbox_entries(secretariat))
    ranked = UnitResult.objects.filter(campaign=published).count()
    return [
        (
            f"inbox, secretariat ({entries} lines)",
            "/inbox/",
            secretariat.username,
            Submission,
            entries,
            {"campaign__id__exact": live.pk, "state__in": "submitted,reviewed"},
        ),
        (
            f"scoring workspace ({draft.n} items)",
            f"/submissions/{draft.pk}/workspace/",
            f"{slug}.{draft.unit.code.lower()}.daumoi",
            ScoreItem,
            draft.n,
            {"submission__id__exact": draft.pk},
        ),
        (
            f"review page ({review_items} items)",
            f"/reviews/{review.pk}/",
            review.reviewer.username,
            ScoreItem,
            review_items,
            {"submission__id__exact": review.submission_id, "domain__id__exact": review.domain_id},
        ),
        (
            f"matrix, {reports} reports ({min(reports, MATRIX_PAGE)} shown, {cells} cells)",
            f"/campaigns/{published.pk}/reviews/matrix/",
            secretariat.username,
            DomainReview,
            cells,
            {"submission__campaign__id__exact": published.pk},
        ),
        (
            f"dashboard, {live.submissions.count()} reports ({DASHBOARD_PAGE} shown)",
            f"/campaigns/{live.pk}/dashboard/",
            f"{slug}.quanly",
            Submission,
            min(DASHBOARD_PAGE, live.submissions.count()),
            {"campaign__id__exact": live.pk},
        ),
        (
            f"public results {published.year}, {ranked} units ({min(ranked, YEAR_PAGE)} shown)",
            f"/results/{program}/{published.year}/",
            None,
            UnitResult,
            min(ranked, YEAR_PAGE),
            {"campaign__id__exact": published.pk},
        ),
    ]


# Statistics --------------------------------------------------------------------------------


def statistics(allow_stale: bool) -> str:
    from workflow.statistics import stale_tables

    if connection.vendor != "postgresql":
        return "SQLite (statistics as sqlite_stat1 holds them)"
    stale = stale_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(COALESCE(last_analyze, last_autoanalyze)), sum(n_mod_since_analyze) "
            "FROM pg_stat_user_tables WHERE n_live_tup >= 10000"
        )
        oldest, changed = cursor.fetchone()
    state = (
        f"statistics of the large tables: oldest analysed {oldest:%Y-%m-%d %H:%M}, "
        f"{changed} rows changed since"
        if oldest
        else "statistics: some large table was never analysed"
    )
    if stale:
        state += f"; STALE: {', '.join(stale)}"
        if not allow_stale:
            sys.exit(
                f"{state}.\nRefusing to measure plans made blind: run "
                "`python manage.py refresh_statistics` first (or --allow-stale to measure that)."
            )
    return state


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--program", action="append", help="a program made by seed_demo --scale")
    parser.add_argument("--allow-stale", action="store_true")
    parser.add_argument("--only", help="measure only the pages whose label contains this")
    args = parser.parse_args()
    programs = args.program or ["scale-par", "scale-01-600", "scale-01-2100"]

    state = statistics(args.allow_stale)
    mount_reference()
    users = get_user_model().objects
    admin_cookie = session_cookie(users.filter(is_superuser=True).order_by("pk").first())
    verdicts = []
    print(f"{machine()}; {state}; {args.runs} runs each")
    for program in programs:
        rows = []
        for label, url, username, model, per_page, lookups in cases(program):
            if args.only and args.only not in label:
                continue
            cookie = session_cookie(users.get(username=username)) if username else None
            status, body = get(url, cookie)
            assert status.startswith("200"), (url, status)
            page = measure(label, lambda u=url, c=cookie: get(u, c), args.runs)
            page["KB"] = f"{len(body) / 1024:6.0f}"
            set_per_page(model, per_page)
            reference_url = admin_url(model, **lookups)
            status, reference_body = get(reference_url, admin_cookie)
            assert status.startswith("200"), (reference_url, status)
            reference = measure(
                f"  reference: {model._meta.model_name} changelist, {per_page} rows",
                lambda r=reference_url: get(r, admin_cookie),
                args.runs,
            )
            reference["KB"] = f"{len(reference_body) / 1024:6.0f}"
            ratio = page["median"] / reference["median"]
            ok = ratio <= 1.0 and page["queries"] <= 30 and len(body) <= PAGE_KB * 1024
            if "2100" in program and ("matrix" in label or "dashboard" in label):
                ok = ok and page["median"] < 0.3
            page["vs reference"] = f"{ratio:5.2f}×  {'ok' if ok else 'MISSED'}"
            rows += [page, reference]
            verdicts.append(ok)
        print(f"\n{program}")
        print_rows(rows, extra=["KB", "vs reference"])
    print(
        "\ntargets (≤ 1.0× the reference, ≤ 30 queries, ≤ 300 KB; matrix and dashboard of "
        "2,100 units < 300 ms):",
        "all met" if all(verdicts) else f"{verdicts.count(False)} missed",
    )
    connection.close()


if __name__ == "__main__":
    main()
