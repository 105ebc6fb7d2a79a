"""Shared fixtures: the reference data once per session, personas per test.

Everything is set up through the real services, as the demo and the UI do it.
"""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db.models import Case, F, Value, When

from appraisal.imports.frameworks import read_yaml
from appraisal.models import Framework, Organisation, Program, ScoreItem, Submission
from workflow.services.accounts import user_ensure
from workflow.services.campaign_stages import campaign_open_self_assessment
from workflow.services.campaigns import (
    campaign_add_units,
    campaign_create,
    campaign_set_deadline,
)
from workflow.services.frameworks import framework_import, framework_lock
from workflow.services.issuers import issuer_profiles_load
from workflow.services.programs import program_ensure
from workflow.services.roles import role_grant
from workflow.services.units import unit_names_load, units_load

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server browser tests

DATA_DIR = Path(settings.PARCOUNCIL_DATA_DIR)
PASSWORD = "correct-horse-battery-staple"
SAMPLE_MINISTRY = DATA_DIR / "frameworks" / "ministry-876-sample.yaml"
SAMPLE_PROVINCE = DATA_DIR / "frameworks" / "province-876-sample.yaml"


def import_sample(path: Path, program: Program, lock: bool = True) -> Framework:
    spec, problems = read_yaml(path.read_bytes())
    assert not problems, problems
    framework = framework_import(spec=spec, actor=None, program=program)
    return framework_lock(framework=framework, actor=None) if lock else framework


def load_reference_data() -> Program:
    """Units, the national program and both sample frameworks."""
    units_load(data=(DATA_DIR / "units.csv").read_bytes())
    unit_names_load(data=(DATA_DIR / "unit_names.csv").read_bytes())
    program = program_ensure(
        code="national",
        name_vi="Chỉ số CCHC quốc gia",
        name_en="National PAR Index",
        owner=Organisation.objects.get(code="BNV"),
        actor=None,
    )
    import_sample(SAMPLE_MINISTRY, program)
    import_sample(SAMPLE_PROVINCE, program)
    # the owner's issuing data as the demo keeps it: publication needs it complete
    demo = yaml.safe_load((DATA_DIR / "demo.yaml").read_text(encoding="utf-8"))
    issuer_profiles_load(demo["issuers"])
    return program


def pytest_collection_modifyitems(items):
    """Browser tests are slow tests too: `pytest` alone (the daily default) leaves them out."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once for the whole session (tests roll back over it)."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def program(db) -> Program:
    # A transactional (live server) test empties the tables when it ends: reload then.
    return Program.objects.filter(code="national").first() or load_reference_data()


@pytest.fixture
def orgs(program) -> dict[str, Organisation]:
    return {org.code: org for org in Organisation.objects.all()}


@pytest.fixture
def ministry_framework(program) -> Framework:
    return Framework.objects.get(code="bo-876-mau")


@pytest.fixture
def province_framework(program) -> Framework:
    return Framework.objects.get(code="tinh-876-mau")


def make_user(
    username: str, *roles: tuple[str, Organisation | None], program: Program, superuser=False
):
    user = user_ensure(
        username=username,
        full_name=username.replace(".", " ").title(),
        email=f"{username}@example.invalid",
        password=PASSWORD,
        is_superuser=superuser,
    )
    for role, organisation in roles:
        role_grant(user=user, program=program, role=role, organisation=organisation, actor=None)
    return user


@pytest.fixture
def personas(db, program, orgs):
    """The named cast of DOMAIN.md: who is who in the national program."""
    return {
        "secretariat": make_user("thuky", ("secretariat", orgs["BNV"]), program=program),
        "manager": make_user("quanly", ("manager", orgs["BNV"]), program=program),
        "chair": make_user("chutich", ("council_chair", orgs["BNV"]), program=program),
        "finance_reviewer": make_user("thamdinh.btc", ("reviewer", orgs["BTC"]), program=program),
        "bacninh_focal": make_user(
            "bacninh.daumoi", ("focal_point", orgs["T34-bac-ninh"]), program=program
        ),
        "bacninh_leader": make_user(
            "bacninh.lanhdao", ("leader", orgs["T34-bac-ninh"]), program=program
        ),
        "hanoi_focal": make_user("hanoi.daumoi", ("focal_point", orgs["01"]), program=program),
        "outsider": make_user("nguoingoai", program=program),
        "admin": make_user("quantri", program=program, superuser=True),
    }


def current_units(kinds=("ministry", "province")) -> list[Organisation]:
    year_end = datetime.date(2026, 12, 31)
    return [
        org
        for org in Organisation.objects.filter(kind__in=kinds, assessed=True).order_by("code")
        if org.is_valid_on(year_end)
    ]


@pytest.fixture
def campaign_factory(db, program, ministry_framework, province_framework):
    def make(year=2026, units=None, open_=True):
        campaign = campaign_create(
            program=program,
            year=year,
            name_vi=f"Chỉ số CCHC năm {year}",
            name_en=f"PAR Index {year}",
            frameworks=[ministry_framework, province_framework],
            actor=None,
        )
        campaign_set_deadline(
            campaign=campaign,
            stage="self_assessment",
            starts_on=datetime.date(year, 11, 2),
            due_on=datetime.date(year + 1, 1, 15),
            actor=None,
        )
        campaign_add_units(
            campaign=campaign, units=units if units is not None else current_units(), actor=None
        )
        if open_:
            campaign = campaign_open_self_assessment(campaign=campaign, actor=None)
        return campaign

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright cannot download its own browser here: use Debian's chromium.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# The review stages' cast, and submissions made ready for them -----------------------


@pytest.fixture
def cast(personas, program, orgs):
    """The personas of tests/conftest.py plus the review and council people."""
    return {
        **personas,
        "finance_coordinator": make_user(
            "dieuphoi.btc", ("coordinator", orgs["BTC"]), program=program
        ),
        "justice_coordinator": make_user(
            "dieuphoi.btp", ("coordinator", orgs["BTP"]), program=program
        ),
        "justice_reviewer": make_user("thamdinh.btp", ("reviewer", orgs["BTP"]), program=program),
        "home_reviewer": make_user("thamdinh.bnv", ("reviewer", orgs["BNV"]), program=program),
        "finance_member": make_user(
            "hoidong.btc", ("council_member", orgs["BTC"]), program=program
        ),
        "justice_focal": make_user("btp.daumoi", ("focal_point", orgs["BTP"]), program=program),
        "justice_leader": make_user("btp.lanhdao", ("leader", orgs["BTP"]), program=program),
    }


def fill_self_scores(submission: Submission) -> None:
    """Setup shortcut: every self-scored item gets its maximum (0 for a deduction) and an
    explanation, as a focal point would have done through the workspace."""
    ScoreItem.objects.filter(submission=submission, scoring_mode="self").update(
        self_score=Case(When(is_deduction=True, then=Value(Decimal(0))), default=F("max_points")),
        explanation="Có văn bản kèm theo.",
    )


@pytest.fixture
def campaign(campaign_factory):
    return campaign_factory()


@pytest.fixture
def bac_ninh(campaign) -> Submission:
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    fill_self_scores(submission)
    return submission


@pytest.fixture
def justice(campaign) -> Submission:
    submission = campaign.submissions.get(unit__code="BTP")
    fill_self_scores(submission)
    return submission


def reviews_started(submissions, secretariat) -> None:
    """Setup shortcut: reports already self-scored and submitted (as the unit would have),
    then sent into review by the secretariat through the real service."""
    from workflow.services.submissions import submission_start_review

    for submission in submissions:
        fill_self_scores(submission)
    Submission.objects.filter(pk__in=[s.pk for s in submissions]).update(state="submitted")
    for submission in submissions:
        submission_start_review(submission=submission, actor=secretariat)


@pytest.fixture
def finance_review(cast, bac_ninh):
    from appraisal.models import DomainReview

    reviews_started([bac_ninh], cast["secretariat"])
    return DomainReview.objects.get(submission=bac_ninh, domain__code="6")


@pytest.fixture
def started(cast, finance_review):
    from workflow.services.assignments import review_assign
    from workflow.services.reviews import review_start

    review_assign(
        review=finance_review, reviewer=cast["finance_reviewer"], actor=cast["finance_coordinator"]
    )
    return review_start(review=finance_review, actor=cast["finance_reviewer"])


def first_item(review):
    return (
        review.submission.items.filter(domain_id=review.domain_id, scoring_mode="self")
        .order_by("position")
        .first()
    )


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test reads the edited days afresh (the process keeps a copy for a while)."""
    from appraisal.workdays import forget_overrides

    forget_overrides()
    yield
    forget_overrides()


@pytest.fixture
def page(page):
    """Every browser test also checks the Content Security Policy: a page that breaks it (an
    inline script or style, a foreign resource) fails the test that loaded it."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    assert not violations, violations
