"""`seed_demo --scale national|province`: ten years of a whole country's appraisals, for the
benchmarks of bench/ (issue 8).

What it builds, beside the ordinary demo:
- the national program (`scale-par`): every ministry and province of units.csv in scope each
  year (the 63 former provinces until 2024, the 34 of today from 2025), both sample frameworks;
- `--provinces` provincial programs (`scale-<province>`: 34 for `national`, 1 for
  `province`), each over `--units` generated departments and communes of that province
  (60 by default; five of its departments review the domains: Nội vụ, Tư pháp, Văn phòng
  UBND, Tài chính, Khoa học và Công nghệ);
- for each program, `--years` campaigns ending with this year: the past ones published (every
  report reviewed, appraised, surveyed, results stored), this year's under review (reports in
  every state from self-scoring to reviewed, reviews in every state, open queries);
- per report: a score item per sub-criterion with self, proposed and final scores as the year
  got, two evidence files per item on average (small generated PDFs, bound to the item), one
  query on one item in ten (question, answer, closing), the evidence manifest of submission,
  the reviews with their guardian grants, and the audit rows of every report transition;
- the people: a secretariat, a manager and a council chair per program, a coordinator and two
  reviewers per reviewing organisation, a focal point and a leader per unit (all with the
  demo password; usernames in the printed summary).

Campaigns and their units are made by the real services (`campaign_create`,
`campaign_add_units`); what the flows would then write one row at a time is written here in
bulk — the same rows, states and audit rows, with these differences, on purpose: the evidence
files are a pool of distinct generated PDFs shared between versions (4 million files would be
the disk, not the database, under test), the per-item score audit rows are not written, and no
notification or PDF is made (bench/pdfs.py measures those).
"""

import datetime
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Mod, Round
from django.utils import timezone

from appraisal.models import (
    Campaign,
    DomainOwner,
    DomainReview,
    Framework,
    FrameworkNode,
    Organisation,
    Program,
    Query,
    QueryMessage,
    RoleAssignment,
    ScoreItem,
    StageDeadline,
    Submission,
    SurveyResult,
)
from appraisal.models.choices import NodeKind, OrganisationKind, Role, ScoringMode, Stage
from workflow.audit import AuditRow, audit_records
from workflow.models import AuditKind
from workflow.states import CampaignState, DomainReviewState, QueryState, SubmissionState

S = SubmissionState
R = DomainReviewState
POINTS = DecimalField(max_digits=7, decimal_places=2)
NATIONAL = "scale-par"
REVIEWING = ("BNV", "BTP", "VPCP", "BTC", "BKHCN")
# the provincial department that reviews what the ministry reviews nationally
PROVINCIAL_REVIEWERS = {
    "BNV": ("Sở Nội vụ", "Department of Home Affairs"),
    "BTP": ("Sở Tư pháp", "Department of Justice"),
    "VPCP": ("Văn phòng Ủy ban nhân dân", "Office of the People's Committee"),
    "BTC": ("Sở Tài chính", "Department of Finance"),
    "BKHCN": ("Sở Khoa học và Công nghệ", "Department of Science and Technology"),
}
EVIDENCE_POOL = 40
# the path a report took, transition by transition (the audit rows of each state)
PATH = [
    ("send_for_approval", S.DRAFT, S.PENDING_APPROVAL, Stage.SELF_ASSESSMENT),
    ("approve", S.PENDING_APPROVAL, S.SUBMITTED, Stage.SELF_ASSESSMENT),
    ("start_review", S.SUBMITTED, S.UNDER_REVIEW, Stage.REVIEW),
    ("finish_review", S.UNDER_REVIEW, S.REVIEWED, Stage.REVIEW),
    ("send_to_council", S.REVIEWED, S.IN_COUNCIL, Stage.COUNCIL),
    ("appraise", S.IN_COUNCIL, S.APPRAISED, Stage.COUNCIL),
    ("publish", S.APPRAISED, S.PUBLISHED, Stage.PUBLICATION),
]
ORDER = [S.DRAFT] + [target for _n, _s, target, _st in PATH]
# this year's reports, by their place in the campaign (out of 20, interleaved so that a few
# units show every state): 15 % still self-scoring, 10 % waiting for approval, 10 % submitted,
# 50 % under review, 15 % reviewed
D, P, SU, UR, RE = S.DRAFT, S.PENDING_APPROVAL, S.SUBMITTED, S.UNDER_REVIEW, S.REVIEWED
LIVE_STATES = [D, P, SU, UR, RE, UR, D, UR, P, UR, SU, RE, UR, UR, D, UR, RE, UR, UR, UR]
LIVE_REVIEW_STATES = [R.PENDING, R.ASSIGNED, R.IN_PROGRESS, R.AWAITING_UNIT, R.COMPLETED]


@dataclass
class Built:
    programs: int = 0
    campaigns: int = 0
    submissions: int = 0
    items: int = 0
    documents: int = 0
    reviews: int = 0
    queries: int = 0
    users: int = 0
    audit_rows: int = 0
    seconds: float = 0.0
    samples: list[str] = field(default_factory=list)


@dataclass
class People:
    secretariat: object
    reviewers: dict[int, list]  # organisation id → reviewers
    coordinators: dict[int, object]
    focal: dict[int, object]  # unit id → focal point
    leader: dict[int, object]


def build(
    *,
    scale: str,
    years: int,
    provinces: int | None,
    units: int,
    password: str,
    say: Callable[[str], None] = print,
) -> Built:
    started = time.monotonic()
    built = Built()
    password_hash = make_password(password)
    pool = _evidence_pool()
    last_year = timezone.localdate().year
    span = range(last_year - years + 1, last_year + 1)
    plans = []
    if scale == "national":
        plans.append(_national_plan())
    chosen = list(
        Organisation.objects.filter(
            kind=OrganisationKind.PROVINCE, assessed=True, valid_to__isnull=True
        ).order_by("code")
    )
    count = provinces if provinces is not None else (len(chosen) if scale == "national" else 1)
    plans += [_province_plan(province, units) for province in chosen[:count]]
    for make_program in plans:
        step = time.monotonic()
        program, frameworks, reviewing, in_scope = make_program()
        if program.campaigns.exists():
            say(f"{program.code}: already built, left as it is")
            continue
        everyone = {unit.pk: unit for year in span for unit in in_scope(year)}
        people = _people(program, reviewing, list(everyone.values()), password_hash, built)
        for year in span:
            with transaction.atomic():
                _campaign_year(
                    program,
                    frameworks,
                    reviewing,
                    in_scope(year),
                    year,
                    span[-1],
                    people,
                    pool,
                    built,
                )
        built.programs += 1
        say(
            f"{program.code}: {len(span)} years, {built.submissions} reports so far "
            f"({time.monotonic() - step:.1f} s)"
        )
    built.seconds = time.monotonic() - started
    return built


# Programs ----------------------------------------------------------------------------------


def _framework(yaml_name: str, code: str, level: str, program: Program) -> Framework:
    """A sample framework under this program's own code and level."""
    from django.conf import settings

    from appraisal.framework_files import read_yaml
    from appraisal.services.frameworks import framework_ensure_locked

    path = settings.PARCOUNCIL_DATA_DIR / "frameworks" / yaml_name
    spec, problems = read_yaml(path.read_bytes())
    assert not problems, problems
    spec.code, spec.program, spec.level = code, program.code, level
    return framework_ensure_locked(spec=spec, program=program)


def _national_plan():
    def make():
        from appraisal.services.programs import program_ensure

        program = program_ensure(
            code=NATIONAL,
            name_vi="Chỉ số cải cách hành chính (dữ liệu quy mô quốc gia)",
            name_en="PAR Index (national-scale data)",
            owner=Organisation.objects.get(code="BNV"),
            actor=None,
        )
        frameworks = [
            _framework("ministry-876-sample.yaml", "scale-ministry", "ministry", program),
            _framework("province-876-sample.yaml", "scale-province", "province", program),
        ]
        reviewing = {code: Organisation.objects.get(code=code) for code in REVIEWING}
        candidates = list(
            Organisation.objects.filter(
                kind__in=[OrganisationKind.MINISTRY, OrganisationKind.PROVINCE], assessed=True
            ).order_by("code")
        )

        def in_scope(year: int) -> list[Organisation]:
            return [org for org in candidates if org.is_valid_on(datetime.date(year, 12, 31))]

        return program, frameworks, reviewing, in_scope

    return make


def _province_plan(province: Organisation, units: int):
    def make():
        from appraisal.services.programs import program_ensure

        program = program_ensure(
            code=f"scale-{province.code.lower()}",
            name_vi=f"Chỉ số CCHC các sở, ngành, xã — {province.name_vi}",
            name_en=f"PAR Index of departments and communes — {province.name_en or province.name_vi}",
            owner=province,
            actor=None,
        )
        frameworks = [
            _framework("ministry-876-sample.yaml", f"{program.code}-so", "department", program),
            _framework("province-876-sample.yaml", f"{program.code}-xa", "commune", program),
        ]
        orgs = _province_units(province, units)
        reviewing = {code: orgs[n] for n, code in enumerate(PROVINCIAL_REVIEWERS)}
        return program, frameworks, reviewing, lambda year: orgs

    return make


def _province_units(province: Organisation, units: int) -> list[Organisation]:
    prefix = f"{province.code}-"
    existing = list(Organisation.objects.filter(code__startswith=prefix).order_by("code"))
    if existing:
        return existing
    departments = max(len(PROVINCIAL_REVIEWERS), units // 3)
    rows = []
    for n in range(units):
        if n < len(PROVINCIAL_REVIEWERS):
            name_vi, name_en = list(PROVINCIAL_REVIEWERS.values())[n]
        elif n < departments:
            name_vi, name_en = f"Sở, ngành số {n + 1}", f"Department no. {n + 1}"
        else:
            name_vi, name_en = f"Xã số {n + 1 - departments}", f"Commune no. {n + 1 - departments}"
        rows.append(
            Organisation(
                code=f"{prefix}{'S' if n < departments else 'X'}{n + 1:03}",
                name_vi=f"{name_vi} ({province.name_vi})",
                name_en=f"{name_en} ({province.name_en or province.name_vi})",
                kind=OrganisationKind.DEPARTMENT if n < departments else OrganisationKind.COMMUNE,
                parent=province,
                region=province.region,
            )
        )
    Organisation.objects.bulk_create(rows)
    return list(Organisation.objects.filter(code__startswith=prefix).order_by("code"))


# People ------------------------------------------------------------------------------------


def _people(program, reviewing, units, password_hash: str, built: Built) -> People:
    user_model = get_user_model()
    slug = program.code.removeprefix("scale-")
    wanted: list[tuple[str, str, str, Organisation | None]] = [
        (f"{slug}.thuky", "Thư ký", Role.SECRETARIAT, None),
        (f"{slug}.quanly", "Lãnh đạo theo dõi", Role.MANAGER, None),
        (f"{slug}.chutich", "Chủ tịch Hội đồng", Role.COUNCIL_CHAIR, None),
    ]
    for code, org in reviewing.items():
        tag = code.lower()
        wanted.append((f"{slug}.dieuphoi.{tag}", f"Điều phối {org.name_vi}", Role.COORDINATOR, org))
        for n in (1, 2):
            wanted.append(
                (f"{slug}.thamdinh.{tag}{n}", f"Thẩm định {n} {org.name_vi}", Role.REVIEWER, org)
            )
    for unit in units:
        tag = unit.code.lower()
        wanted.append((f"{slug}.{tag}.daumoi", f"Đầu mối {unit.name_vi}", Role.FOCAL_POINT, unit))
        wanted.append((f"{slug}.{tag}.lanhdao", f"Lãnh đạo {unit.name_vi}", Role.LEADER, unit))
    users = user_model.objects.bulk_create(
        [
            user_model(
                username=username,
                first_name=name,
                email=f"{username}@scale.parcouncil.invalid",
                password=password_hash,
            )
            for username, name, _role, _org in wanted
        ]
    )
    users = {u.username: u for u in user_model.objects.filter(username__startswith=f"{slug}.")}
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=users[username], program=program, role=role, organisation=org)
            for username, _name, role, org in wanted
        ]
    )
    built.users += len(wanted)
    built.samples += [
        f"{slug}.thuky",
        f"{slug}.thamdinh.bnv1",
        f"{slug}.{units[-1].code.lower()}.daumoi",
    ]
    by_role: dict = {}
    for username, _name, role, org in wanted:
        by_role.setdefault(role, []).append((users[username], org))
    reviewers: dict[int, list] = {}
    for user, org in by_role[Role.REVIEWER]:
        reviewers.setdefault(org.pk, []).append(user)
    return People(
        secretariat=users[f"{slug}.thuky"],
        reviewers=reviewers,
        coordinators={org.pk: user for user, org in by_role[Role.COORDINATOR]},
        focal={org.pk: user for user, org in by_role[Role.FOCAL_POINT]},
        leader={org.pk: user for user, org in by_role[Role.LEADER]},
    )


# One year ------------------------------------------------------------------------------------


def _deadlines(campaign: Campaign, live: bool) -> None:
    year = campaign.year
    if live:  # the review stage runs now: self-assessment over, council ahead
        from appraisal.workdays import add_working_days, today, working_days_before

        now = today()
        spans = {
            Stage.SELF_ASSESSMENT: (working_days_before(now, 40), working_days_before(now, 10)),
            Stage.REVIEW: (working_days_before(now, 9), add_working_days(now, 10)),
            Stage.COUNCIL: (add_working_days(now, 11), add_working_days(now, 20)),
            Stage.PUBLICATION: (add_working_days(now, 21), add_working_days(now, 25)),
        }
    else:
        spans = {
            Stage.SELF_ASSESSMENT: (datetime.date(year, 9, 1), datetime.date(year, 10, 15)),
            Stage.REVIEW: (datetime.date(year, 10, 16), datetime.date(year, 11, 20)),
            Stage.COUNCIL: (datetime.date(year, 11, 21), datetime.date(year, 12, 10)),
            Stage.PUBLICATION: (datetime.date(year, 12, 11), datetime.date(year, 12, 31)),
        }
    StageDeadline.objects.bulk_create(
        [
            StageDeadline(campaign=campaign, stage=stage, starts_on=start, due_on=due)
            for stage, (start, due) in spans.items()
        ]
    )


def _campaign_year(
    program, frameworks, reviewing, units, year: int, last_year: int, people, pool, built: Built
) -> None:
    from appraisal.services.campaigns import campaign_add_units, campaign_create

    live = year == last_year
    campaign = campaign_create(
        program=program,
        year=year,
        name_vi=f"{program.name_vi} năm {year}",
        name_en=f"{program.name_en} {year}",
        frameworks=frameworks,
        actor=None,
    )
    _deadlines(campaign, live)
    campaign_add_units(campaign=campaign, units=units, actor=None)
    submissions = list(campaign.submissions.order_by("unit__code"))
    states = {
        s.pk: (LIVE_STATES[n % len(LIVE_STATES)] if live else S.PUBLISHED)
        for n, s in enumerate(submissions)
    }
    _route(campaign, frameworks, reviewing)
    _scores(campaign, states)
    built.documents += _evidence(submissions, states, people, pool)
    reviews = _reviews(campaign, submissions, states, frameworks, reviewing, people, live)
    built.reviews += len(reviews)
    built.queries += _queries(campaign, reviews, people, live)
    _states(campaign, submissions, states, people, live, built)
    if live:
        Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.REVIEW)
    else:
        _publish(campaign, submissions)
    built.campaigns += 1
    built.submissions += len(submissions)
    built.items += ScoreItem.objects.filter(submission__campaign=campaign).count()


def _route(campaign, frameworks, reviewing) -> None:
    """Each domain goes to the reviewing organisation of its owner (provincial departments in
    a provincial program), as `campaign_route_domain` records it."""
    domains = FrameworkNode.objects.filter(
        framework__in=frameworks, kind=NodeKind.DOMAIN
    ).select_related("owner")
    DomainOwner.objects.bulk_create(
        [
            DomainOwner(campaign=campaign, domain=domain, organisation=reviewing[domain.owner.code])
            for domain in domains
            if domain.owner and reviewing[domain.owner.code].pk != domain.owner_id
        ]
    )


def _every(queryset, n: int, rest: int = 0):
    """The rows whose id leaves `rest` when divided by `n`: a spread that is the same on every
    run and every database."""
    return queryset.alias(spread=Mod(F("pk"), Value(n))).filter(spread=rest)


def _at_least(states: dict[int, str], state: str) -> list[int]:
    return [pk for pk, s in states.items() if ORDER.index(s) >= ORDER.index(state)]


def _scores(campaign, states: dict[int, str]) -> None:
    """Self scores on every self-scored item (a third left blank while a report is still a
    draft); proposals once a report is reviewed (one in eight a tenth lower, with the
    reason); final scores once appraised."""
    items = ScoreItem.objects.filter(submission__campaign=campaign)
    drafts = [pk for pk, state in states.items() if state == S.DRAFT]
    spread = Cast(Mod(F("pk") * Value(7) + F("submission_id"), Value(6)), IntegerField())
    share = ExpressionWrapper(
        Value(Decimal("0.5")) + spread * Value(Decimal("0.1")), output_field=POINTS
    )
    scored = items.filter(scoring_mode=ScoringMode.SELF, is_deduction=False)
    blank = _every(scored.filter(submission_id__in=drafts), 3).values("pk")
    scored.exclude(pk__in=blank).update(
        self_score=Round(F("max_points") * share, 2, output_field=POINTS),
        explanation=Value(
            "Đơn vị đã thực hiện đầy đủ theo kế hoạch; chi tiết tại tài liệu kiểm chứng."
        ),
    )
    items.filter(scoring_mode=ScoringMode.SELF, is_deduction=True).update(self_score=Value(0))
    proposals = items.filter(submission_id__in=_at_least(states, S.REVIEWED))
    _propose(proposals)
    items.filter(submission_id__in=_at_least(states, S.APPRAISED)).exclude(
        scoring_mode=ScoringMode.SURVEY
    ).update(final_score=F("review_score"))


def _propose(items) -> None:
    own = items.filter(scoring_mode=ScoringMode.SELF)
    lower = _every(own.exclude(self_score=0), 8).values("pk")
    own.exclude(pk__in=lower).update(review_score=F("self_score"))
    own.filter(pk__in=lower).update(
        review_score=Round(F("self_score") * Value(Decimal("0.9")), 2, output_field=POINTS),
        review_reason=Value("Tài liệu kiểm chứng chưa chứng minh đầy đủ kết quả tự chấm."),
    )
    items.filter(scoring_mode=ScoringMode.CENTRAL).update(
        review_score=Round(F("max_points") * Value(Decimal("0.8")), 2, output_field=POINTS)
    )


# Evidence ------------------------------------------------------------------------------------


@dataclass
class PoolFile:
    name: str
    size: int
    sha256: str


def _pdf(text: str) -> bytes:
    """A small, valid one-page PDF showing `text` (ASCII)."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _evidence_pool() -> list[PoolFile]:
    pool = []
    for n in range(EVIDENCE_POOL):
        data = _pdf(f"Tai lieu kiem chung so {n + 1} - du lieu quy mo quoc gia")
        name = f"evidence/scale/{n + 1:03}.pdf"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(data))
        pool.append(PoolFile(name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest()))
    return pool


def _evidence(submissions, states, people: People, pool: list[PoolFile]) -> int:
    """One to three files per self-scored item (two on average), each a document with one
    version bound to the item; the manifest of what was submitted."""
    from documents.models import Binding, Document, DocumentVersion, EvidenceManifest

    unit_of = {s.pk: s.unit_id for s in submissions}
    items = list(
        ScoreItem.objects.filter(
            submission_id__in=unit_of, scoring_mode=ScoringMode.SELF
        ).values_list("pk", "submission_id", "node__code")
    )
    plan = [(pk, sub, code, k) for pk, sub, code in items for k in range(1 + pk % 3)]
    documents = Document.objects.bulk_create(
        [
            Document(submission_id=sub, created_by=people.focal[unit_of[sub]])
            for _p, sub, _c, _k in plan
        ],
        batch_size=5000,
    )
    versions = []
    for (pk, _sub, code, k), document in zip(plan, documents, strict=True):
        source = pool[(pk + k) % len(pool)]
        versions.append(
            DocumentVersion(
                document=document,
                number=1,
                file=source.name,
                name=f"{code}-minh-chung-{k + 1}.pdf",
                kind="pdf",
                size=source.size,
                sha256=source.sha256,
                uploaded_by_id=document.created_by_id,
            )
        )
    DocumentVersion.objects.bulk_create(versions, batch_size=5000)
    Document.objects.filter(submission_id__in=unit_of).update(
        current=Subquery(DocumentVersion.objects.filter(document=OuterRef("pk")).values("pk")[:1])
    )
    Binding.objects.bulk_create(
        [
            Binding(document=document, item_id=pk)
            for (pk, _s, _c, _k), document in zip(plan, documents, strict=True)
        ],
        batch_size=5000,
    )
    entries: dict[int, list] = {}
    for version in versions:
        entries.setdefault(version.document.submission_id, []).append(
            {
                "document_id": version.document_id,
                "number": 1,
                "name": version.name,
                "size": version.size,
                "sha256": version.sha256,
            }
        )
    submitted = set(_at_least(states, S.SUBMITTED))
    EvidenceManifest.objects.bulk_create(
        [
            EvidenceManifest(
                submission_id=sub,
                entries=rows,
                sha256=hashlib.sha256(
                    json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()
                ).hexdigest(),
            )
            for sub, rows in entries.items()
            if sub in submitted
        ]
    )
    return len(documents)


# Reviews and queries ---------------------------------------------------------------------------


def _reviewer(people: People, organisation: Organisation, unit_id: int, n: int):
    """One of the organisation's reviewers in turn; another organisation's when the report is
    the reviewers' own organisation's (conflict of interest)."""
    if organisation.pk != unit_id:
        own = people.reviewers[organisation.pk]
        return own[n % len(own)]
    other = next(org for org in people.reviewers if org != unit_id)
    return people.reviewers[other][0]


def _reviews(campaign, submissions, states, frameworks, reviewing, people, live: bool) -> list:
    domains = {
        framework.pk: list(
            FrameworkNode.objects.filter(framework=framework, kind=NodeKind.DOMAIN)
            .select_related("owner")
            .order_by("position")
        )
        for framework in frameworks
    }
    now = timezone.now()
    rows = []
    for n, submission in enumerate(submissions):
        state = states[submission.pk]
        if ORDER.index(state) < ORDER.index(S.UNDER_REVIEW):
            continue
        for d, domain in enumerate(domains[submission.framework_id]):
            if state == S.UNDER_REVIEW:
                review_state = LIVE_REVIEW_STATES[(n + d) % len(LIVE_REVIEW_STATES)]
            else:
                review_state = R.COMPLETED
            organisation = reviewing[domain.owner.code]
            reviewer = None
            if review_state != R.PENDING:
                reviewer = _reviewer(people, organisation, submission.unit_id, n + d)
            rows.append(
                DomainReview(
                    submission=submission,
                    domain=domain,
                    organisation=organisation,
                    reviewer=reviewer,
                    state=review_state,
                    paused_since=now - datetime.timedelta(days=2)
                    if review_state == R.AWAITING_UNIT
                    else None,
                )
            )
    reviews = DomainReview.objects.bulk_create(rows, batch_size=5000)
    from workflow.services.reviews import grant_reviewers

    grant_reviewers([review for review in reviews if review.reviewer_id])
    if live:  # what the reviewers have proposed so far in the reports under review
        done = Q(pk__in=[])
        for review in reviews:
            if states[review.submission_id] == S.UNDER_REVIEW and review.state in (
                R.IN_PROGRESS,
                R.AWAITING_UNIT,
                R.COMPLETED,
            ):
                done |= Q(submission_id=review.submission_id, domain_id=review.domain_id)
        _propose(ScoreItem.objects.filter(done))
    return reviews


QUESTION = (
    "Đề nghị đơn vị bổ sung văn bản chứng minh kết quả thực hiện và giải trình cách tính điểm."
)
ANSWER = "Đơn vị đã bổ sung văn bản và giải trình cách tính điểm theo yêu cầu."


def _queries(campaign, reviews, people: People, live: bool) -> int:
    """One query on one item in ten of every review that started: closed (accepted) when the
    review is completed, answered while it is in progress, open while it waits on the unit."""
    state_of = {
        R.COMPLETED: QueryState.CLOSED,
        R.IN_PROGRESS: QueryState.ANSWERED,
        R.AWAITING_UNIT: QueryState.OPEN,
    }
    by_pair = {(r.submission_id, r.domain_id): r for r in reviews if r.state in state_of}
    unit_of = dict(campaign.submissions.values_list("pk", "unit_id"))
    items = _every(
        ScoreItem.objects.filter(submission__campaign=campaign).exclude(
            scoring_mode=ScoringMode.SURVEY
        ),
        10,
    ).values_list("pk", "submission_id", "domain_id")
    now = timezone.now()
    due = datetime.date(campaign.year, 11, 20) if not live else timezone.localdate()
    plan, queries = [], []
    for pk, submission_id, domain_id in items:
        review = by_pair.get((submission_id, domain_id))
        if review is None:
            continue
        state = state_of[review.state]
        focal = people.focal[unit_of[submission_id]]
        answered = state != QueryState.OPEN
        plan.append((pk, review, focal))
        queries.append(
            Query(
                review=review,
                question=QUESTION,
                due_on=due + datetime.timedelta(days=7) if state == QueryState.OPEN else due,
                state=state,
                raised_by_id=review.reviewer_id,
                answer=ANSWER if answered else "",
                answered_at=now if answered else None,
                answered_by=focal if answered else None,
                accepted=True if state == QueryState.CLOSED else None,
                closed_at=now if state == QueryState.CLOSED else None,
            )
        )
    queries = Query.objects.bulk_create(queries, batch_size=5000)
    Query.items.through.objects.bulk_create(
        [
            Query.items.through(query_id=query.pk, scoreitem_id=pk)
            for query, (pk, _r, _f) in zip(queries, plan, strict=True)
        ],
        batch_size=5000,
    )
    messages = []
    for query, (_pk, review, focal) in zip(queries, plan, strict=True):
        messages.append(
            QueryMessage(
                query=query,
                kind=QueryMessage.Kind.QUESTION,
                text=QUESTION,
                author_id=review.reviewer_id,
            )
        )
        if query.state != QueryState.OPEN:
            messages.append(
                QueryMessage(query=query, kind=QueryMessage.Kind.ANSWER, text=ANSWER, author=focal)
            )
        if query.state == QueryState.CLOSED:
            messages.append(
                QueryMessage(
                    query=query,
                    kind=QueryMessage.Kind.CLOSE,
                    text="Chấp nhận giải trình.",
                    author_id=review.reviewer_id,
                )
            )
    QueryMessage.objects.bulk_create(messages, batch_size=5000)
    return len(queries)


# States, audit, publication ---------------------------------------------------------------------


def _states(campaign, submissions, states, people: People, live: bool, built: Built) -> None:
    """Each report in its state, with the audit row of every transition that took it there."""
    actors = {
        "send_for_approval": lambda s: people.focal[s.unit_id],
        "approve": lambda s: people.leader[s.unit_id],
        "start_review": lambda s: people.secretariat,
        "finish_review": lambda s: None,
        "send_to_council": lambda s: people.secretariat,
        "appraise": lambda s: people.secretariat,
        "publish": lambda s: None,
    }
    submitted_at = (
        timezone.now()
        if live
        else timezone.make_aware(datetime.datetime(campaign.year, 10, 10, 9, 0))
    )
    rows = []
    for target in set(states.values()):
        chosen = [pk for pk, s in states.items() if s == target]
        Submission.objects.filter(pk__in=chosen).update(
            state=target,
            submitted_at=submitted_at if ORDER.index(target) >= ORDER.index(S.SUBMITTED) else None,
        )
    for submission in submissions:
        reached = ORDER.index(states[submission.pk])
        for name, source, target, stage in PATH[:reached]:
            rows.append(
                AuditRow(
                    kind=AuditKind.TRANSITION,
                    actor=actors[name](submission),
                    program_id=campaign.program_id,
                    submission_id=submission.pk,
                    obj_type="submission",
                    obj_id=submission.pk,
                    action=name,
                    from_state=source,
                    to_state=target,
                    stage=stage,
                )
            )
    audit_records(rows)
    built.audit_rows += len(rows)


def _publish(campaign, submissions) -> None:
    """Survey points for every unit, the results stored as publication stores them."""
    from appraisal.results import level_preview
    from appraisal.services.results import results_store, survey_maxima

    maxima = survey_maxima(campaign)
    SurveyResult.objects.bulk_create(
        [
            SurveyResult(
                campaign=campaign,
                unit_id=submission.unit_id,
                points=(
                    maxima[submission.level][0]
                    * Decimal(70 + (submission.unit_id * 7 + campaign.year) % 25)
                    / 100
                ).quantize(Decimal("0.01")),
            )
            for submission in submissions
        ]
    )
    for level in {submission.level for submission in submissions}:
        results_store(campaign=campaign, level=level, results=level_preview(campaign, level))
    Campaign.objects.filter(pk=campaign.pk).update(
        state=CampaignState.PUBLISHED,
        published_at=timezone.make_aware(datetime.datetime(campaign.year, 12, 28, 9, 0)),
    )
