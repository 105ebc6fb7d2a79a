"""What the parts of the national-scale demo share: the path a report takes, the states this
year's reports are left in, the people and the tally of what was built."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import (
    DecimalField,
    F,
    Value,
)
from django.db.models.functions import Mod, Round

from appraisal.models.choices import ScoringMode, Stage
from appraisal.models.states import DomainReviewState, SubmissionState

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


ORDER: list[str] = [S.DRAFT, *(target for _n, _s, target, _st in PATH)]


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
    secretariat: User
    reviewers: dict[int, list[User]]  # organisation id → reviewers
    coordinators: dict[int, User]
    focal: dict[int, User]  # unit id → focal point
    leader: dict[int, User]


def every(queryset, n: int, rest: int = 0):
    """The rows whose id leaves `rest` when divided by `n`: a spread that is the same on every
    run and every database."""
    return queryset.alias(spread=Mod(F("pk"), Value(n))).filter(spread=rest)


# reports per bulk update: a bounded list of ids keeps every statement's plan small
BATCH = 500


def chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def at_least(states: dict[int, str], state: str) -> list[int]:
    return [pk for pk, s in states.items() if ORDER.index(s) >= ORDER.index(state)]


def propose(items) -> None:
    own = items.filter(scoring_mode=ScoringMode.SELF)
    lower = every(own.exclude(self_score=0), 8).values("pk")
    own.exclude(pk__in=lower).update(review_score=F("self_score"))
    own.filter(pk__in=lower).update(
        review_score=Round(F("self_score") * Value(Decimal("0.9")), 2, output_field=POINTS),
        review_reason=Value("Tài liệu kiểm chứng chưa chứng minh đầy đủ kết quả tự chấm."),
    )
    items.filter(scoring_mode=ScoringMode.CENTRAL).update(
        review_score=Round(F("max_points") * Value(Decimal("0.8")), 2, output_field=POINTS)
    )
