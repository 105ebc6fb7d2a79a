"""The demo's stories: what some units have already done, played through the real services
by the demo personas, so that every state and timeline in the demo is made by real code."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from appraisal.models import Campaign, DomainReview, ExtensionRequest, ScoreItem, Submission
from appraisal.models.choices import ScoringMethod, ScoringMode, Stage
from appraisal.models.states import SubmissionState
from appraisal.selectors.deadlines import stage_due
from appraisal.workdays import add_working_days, today
from documents.services import evidence_bind, evidence_upload
from workflow.services.assignments import review_assign
from workflow.services.extensions import extension_decide, extension_request
from workflow.services.queries import query_answer, query_close, query_raise
from workflow.services.reviews import review_complete, review_start
from workflow.services.scores import item_note_set, score_propose, score_set_self
from workflow.services.submissions import (
    submission_approve,
    submission_return_to_draft,
    submission_send_for_approval,
    submission_start_review,
)

EXPLANATION = "Đã thực hiện theo kế hoạch; tài liệu kiểm chứng gửi kèm (bản scan văn bản đã ký)."


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _self_value(item: ScoreItem, index: int) -> Decimal:
    """A plausible self score that the item's method allows."""
    if item.is_deduction:
        return Decimal(0) if index % 4 else Decimal("-0.25")
    if item.node.scoring_method == ScoringMethod.CHOICE:
        options = [Decimal(o["points"]) for o in item.node.method_params["options"]]
        return options[0] if index % 5 else options[1]
    return item.max_points


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF standing for a scanned document."""
    text = title.encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Times-Roman>>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj" + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    out += b"".join(f"{offset:010} 00000 n \n".encode() for offset in offsets)
    out += b"trailer<</Size " + str(len(objects) + 1).encode() + b"/Root 1 0 R>>\nstartxref\n"
    out += str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


def score_items(
    submission: Submission, username: str, limit: int | None = None, with_files: bool = True
) -> None:
    """Score items as the focal point would; every third item is proven by a scanned file
    instead of an explanation (or, without files, explained)."""
    actor = _user(username)
    items = (
        submission.items.filter(scoring_mode=ScoringMode.SELF)
        .select_related("node")
        .order_by("position")
    )
    for index, item in enumerate(items[:limit] if limit else items):
        with_evidence = with_files and index % 3 == 0
        explanation = "" if with_evidence else EXPLANATION
        score_set_self(
            item=item, actor=actor, value=_self_value(item, index), explanation=explanation
        )
        if with_evidence:
            name = f"{submission.unit.code}-{item.node.code}.pdf"
            content = demo_pdf(f"{submission.unit.code} {item.node.code} - van ban kiem chung")
            document = evidence_upload(
                submission=submission, upload=SimpleUploadedFile(name, content), actor=actor
            )
            evidence_bind(
                document=document, item=item, reference=f"tr. {index % 7 + 1}", actor=actor
            )


def _people(users: list[dict], code: str, role: str) -> str:
    """The demo persona holding `role` for unit `code` (demo.yaml)."""
    return next(
        u["username"] for u in users if [role, code] in [[r, str(c)] for r, c in u.get("roles", [])]
    )


def play(submission: Submission, story: str, users: list[dict]) -> None:
    code = submission.unit.code
    focal, leader = _people(users, code, "focal_point"), _people(users, code, "leader")
    if story in ("partly_scored", "mostly_scored"):
        score_items(submission, focal, limit=25 if story == "partly_scored" else 45)
        return
    score_items(submission, focal)
    submission_send_for_approval(submission=submission, actor=_user(focal))
    if story == "pending_approval":
        return
    if story == "returned":
        submission_return_to_draft(
            submission=submission,
            actor=_user(leader),
            comment="Đề nghị bổ sung tài liệu kiểm chứng cho lĩnh vực cải cách thủ tục hành chính.",
        )
        return
    submission_approve(submission=submission, actor=_user(leader))
    if story == "submitted":
        return
    submission_start_review(submission=submission, actor=_user("thuky"))
    if story == "reviewed":
        _reviewed_story(submission)
    else:
        _review_story(submission)


@dataclass(frozen=True)
class DemoReview:
    """How far one of Health's domains has gone in the demo."""

    coordinator: str
    reviewer: str
    question: str
    items: int = 1  # the query is on the domain's first `items` items
    answer: str = ""
    filename: str = ""  # a file sent with the answer
    accepted: bool | None = None  # closed, accepted or not; None: still open or answered
    note: str = ""
    complete: bool = False


HEALTH_REVIEWS = {
    "2": DemoReview(
        "dieuphoi.btp",
        "thamdinh.btp",
        "Đề nghị cung cấp quyết định ban hành kế hoạch và báo cáo kết quả thực hiện.",
    ),
    "3": DemoReview(
        "dieuphoi.vpcp",
        "thamdinh.vpcp",
        "Đề nghị bổ sung báo cáo rà soát thủ tục hành chính có chữ ký, đóng dấu.",
        items=2,
        answer="Bộ gửi bổ sung Báo cáo rà soát số 125/BC-BYT kèm theo.",
        filename="bao-cao-ra-soat-bo-sung.pdf",
    ),
    "6": DemoReview(
        "dieuphoi.btc",
        "thamdinh.btc",
        "Đề nghị làm rõ số liệu giải ngân vốn đầu tư công năm 2026.",
        answer="Số liệu theo báo cáo quyết toán gửi Bộ Tài chính ngày 15/01/2027.",
        accepted=True,
        complete=True,
    ),
    "7": DemoReview(
        "dieuphoi.bkhcn",
        "thamdinh.bkhcn",
        "Đề nghị cung cấp số liệu hồ sơ trực tuyến toàn trình.",
        answer="Số liệu đang được tổng hợp.",
        accepted=False,
        note="Không có số liệu kiểm chứng; giữ điểm đề xuất.",
    ),
}


def _review_story(submission: Submission) -> None:
    """A ministry's report in the middle of review, one domain in each state:
    1 assigned, not started · 2 waiting on the unit (open query) · 3 in progress with an
    answered query and a file sent with the answer · 4, 5 waiting for assignment ·
    6 completed after an accepted query · 7 in progress, a query not accepted, a note."""
    reviews = _reviews(submission)
    review_assign(review=reviews["1"], reviewer=_user("thamdinh.bnv"), actor=_user("dieuphoi.bnv"))
    focal = _user("byt.daumoi")
    for code, story in HEALTH_REVIEWS.items():
        reviewer = _user(story.reviewer)
        review = review_assign(
            review=reviews[code], reviewer=reviewer, actor=_user(story.coordinator)
        )
        review_start(review=review, actor=reviewer)
        items = propose_all(review, reviewer, adjust=True)
        query = query_raise(
            review=review, items=items[: story.items], question=story.question, actor=reviewer
        )
        if story.answer:
            uploads = []
            if story.filename:
                content = demo_pdf(f"{submission.unit.code} {story.filename}")
                uploads = [SimpleUploadedFile(story.filename, content)]
            query_answer(query=query, answer=story.answer, uploads=uploads, actor=focal)
        if story.accepted is not None:
            query_close(query=query, accepted=story.accepted, note=story.note, actor=reviewer)
        if story.complete:
            review_complete(review=review, actor=reviewer)
        if story.accepted is False:
            item_note_set(
                item=items[0],
                text="Đối chiếu với số liệu của Cổng Dịch vụ công quốc gia trước khi trình Hội đồng.",
                actor=reviewer,
            )


def _reviews(submission: Submission) -> dict[str, DomainReview]:
    return {
        r.domain.code: r
        for r in DomainReview.objects.filter(submission=submission).select_related("domain")
    }


def propose_all(review: DomainReview, reviewer, *, adjust: bool) -> list[ScoreItem]:
    """Propose a score for every item; with `adjust`, the second one is lowered, with why."""
    items = list(
        review.submission.items.filter(domain_id=review.domain_id, applicable=True)
        .exclude(scoring_mode=ScoringMode.SURVEY)
        .select_related("node")
        .order_by("position")
    )
    for index, item in enumerate(items):
        value, reason = item.self_score, ""
        if value is None:  # scored centrally, not by the unit
            value, reason = item.max_points, "Theo số liệu theo dõi của cơ quan thẩm định."
        if adjust and index == 1 and not item.is_deduction and value > 0:
            value, reason = Decimal(0), "Chưa có văn bản chứng minh việc ban hành đúng hạn."
        score_propose(item=item, actor=reviewer, value=value, reason=reason)
    return items


# The ministry that reviews each domain of the demo frameworks, and its people.
MINISTRY_PEOPLE = {
    "BNV": ("dieuphoi.bnv", "thamdinh.bnv"),
    "BTP": ("dieuphoi.btp", "thamdinh.btp"),
    "VPCP": ("dieuphoi.vpcp", "thamdinh.vpcp"),
    "BTC": ("dieuphoi.btc", "thamdinh.btc"),
    "BKHCN": ("dieuphoi.bkhcn", "thamdinh.bkhcn"),
}


def _reviewed_story(submission: Submission) -> None:
    """Every domain assigned, proposed and completed: the report is `reviewed`."""
    for review in _reviews(submission).values():
        coordinator, reviewer = MINISTRY_PEOPLE[review.organisation.code]
        review = review_assign(review=review, reviewer=_user(reviewer), actor=_user(coordinator))
        review_start(review=review, actor=_user(reviewer))
        propose_all(review, _user(reviewer), adjust=review.domain.code == "2")
        review_complete(review=review, actor=_user(reviewer))


def play_stories(campaign: Campaign, stories: dict[str, str], users: list[dict]) -> int:
    """Play each story once: a submission that has moved or been scored is left alone."""
    played = 0
    for code, story in stories.items():
        submission = Submission.objects.select_related("unit", "campaign").get(
            campaign=campaign, unit__code=str(code)
        )
        untouched = (
            submission.state == SubmissionState.DRAFT
            and not submission.items.filter(self_score__isnull=False).exists()
        )
        if untouched:
            with transaction.atomic():
                play(submission, story, users)
            played += 1
    return played


def play_extensions(campaign: Campaign, extensions: list) -> None:
    """Extension requests of the demo, asked by the unit and decided by the secretariat."""
    for code, username, decision, reason in extensions:
        submission = Submission.objects.select_related("campaign").get(
            campaign=campaign, unit__code=str(code)
        )
        if ExtensionRequest.objects.filter(submission=submission).exists():
            continue
        if submission.state != SubmissionState.DRAFT:
            continue

        due = stage_due(submission, Stage.SELF_ASSESSMENT) or today()
        request = extension_request(
            submission=submission,
            target="stage",
            proposed_due=add_working_days(max(due, today()), 10),
            reason=reason,
            actor=_user(username),
        )
        if decision == "granted":
            extension_decide(request=request, grant=True, actor=_user("thuky"))
        else:
            extension_decide(
                request=request,
                grant=False,
                note="Thời hạn chung đã đủ; đề nghị tập trung hoàn thành đúng hạn.",
                actor=_user("thuky"),
            )
