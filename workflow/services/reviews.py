"""Domain reviews: routing, assignment (one or many at once), completion, reopening,
reminders."""

from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.models import UserObjectPermission

from appraisal import permissions
from appraisal.models import DomainReview, QueryMessage
from workflow.audit import AuditRow, audit_records
from workflow.flows import DomainReviewFlow, QueryFlow, SubmissionFlow
from workflow.models import AuditKind
from workflow.services.base import (
    TransitionInvalid,
    TransitionRefused,
    lock,
    run,
    transition_service,
)
from workflow.states import DomainReviewState, QueryState, SubmissionState

RELATED = ("submission", "submission__campaign", "submission__unit", "domain", "organisation")
ACTIVE = (
    DomainReviewState.ASSIGNED,
    DomainReviewState.IN_PROGRESS,
    DomainReviewState.AWAITING_UNIT,
)

# lazy: translated when refused, in the language of the person refused
REFUSALS = {
    "not_reviewer": gettext_lazy("%(name)s không phải chuyên viên thẩm định của chương trình này."),
    "conflict": gettext_lazy(
        "Xung đột lợi ích: %(name)s thuộc đơn vị được đánh giá, không được thẩm định hồ sơ của chính đơn vị mình."
    ),
    "other_ministry": gettext_lazy(
        "%(name)s không thuộc cơ quan được giao thẩm định lĩnh vực này."
    ),
    "other_ministry_reason": gettext_lazy(
        "%(name)s không thuộc cơ quan được giao thẩm định lĩnh vực này: giao cho chuyên viên cơ quan khác cần nêu lý do."
    ),
}


def _transition(name: str):
    return transition_service(DomainReviewFlow, DomainReview, name, *RELATED)


review_start = _transition("start")
review_await_unit = _transition("await_unit")
review_resume = _transition("resume")


@transaction.atomic
def review_reopen(
    *,
    review: DomainReview,
    actor: AbstractBaseUser | None,
    comment: str = "",
    ip: str | None = None,
) -> DomainReview:
    """Reopen one completed domain review, with a reason. A report already `reviewed` goes
    back under review with it; once before the council, only the council sends domains back
    (`submission_send_back_to_review`)."""
    from workflow.services.submissions import submission_reopen_review

    submission = review.submission
    submission.refresh_from_db(fields=["state"])
    if submission.state == SubmissionState.REVIEWED:
        submission_reopen_review(
            submission=submission, domains=[review.domain], actor=actor, comment=comment, ip=ip
        )
        return lock(DomainReview, review.pk, *RELATED)
    if submission.state != SubmissionState.UNDER_REVIEW:
        raise TransitionInvalid(
            _("Hồ sơ đã trình Hội đồng: chỉ Hội đồng trả lĩnh vực về thẩm định lại.")
        )
    locked = lock(DomainReview, review.pk, *RELATED)
    run(DomainReviewFlow, locked, "reopen", actor=actor, comment=comment, ip=ip)
    return locked


def _name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def _label(review: DomainReview) -> str:
    return f"{review.submission.unit.name} — {review.domain.code}"


def _review_row(
    review: DomainReview, kind: str, action: str, *, actor, ip: str | None, **fields
) -> AuditRow:
    """An audit row about a domain review (other than its transitions)."""
    return AuditRow(
        kind=kind,
        actor=actor,
        ip=ip,
        program_id=review.submission.campaign.program_id,
        submission_id=review.submission_id,
        obj_type="domain_review",
        obj_id=review.pk,
        action=action,
        stage="review",
        **fields,
    )


def _check_assignment(
    review: DomainReview, reviewer: AbstractBaseUser, actor: AbstractBaseUser, reason: str
) -> None:
    if not permissions.can_assign_review(actor, review):
        if permissions.conflict_of_interest(actor, review.submission):
            raise TransitionRefused(REFUSALS["conflict"] % {"name": _name(actor)})
        raise TransitionRefused(
            _("Bạn không có quyền phân công thẩm định %(review)s.") % {"review": _label(review)}
        )
    refusal = permissions.reviewer_refusal(actor, reviewer, review, reason=reason)
    if refusal:
        raise TransitionRefused(
            f"{REFUSALS[refusal] % {'name': _name(reviewer)}} ({_label(review)})"
        )
    if review.reviewer_id == reviewer.pk:
        raise TransitionInvalid(
            _("%(name)s đã được phân công %(review)s.")
            % {"name": _name(reviewer), "review": _label(review)}
        )


@transaction.atomic
def reviews_assign(
    *,
    plan: Sequence[tuple[DomainReview, AbstractBaseUser]],
    actor: AbstractBaseUser,
    ip: str | None = None,
    reason: str = "",
) -> list[DomainReview]:
    """Put reviewers on domain reviews — one, or sixty at once — all or nothing.

    Each review goes to a reviewer of the organisation routed to review its domain; the
    secretariat may cross ministries only with a `reason`, recorded on the assignment's
    audit row. The assignment is kept in our table (for lists) and granted as a guardian
    object permission; every change leaves a transition row and an assignment row (old and
    new reviewer), so reassignments keep their history. The number of queries does not
    grow with the number of reviews."""
    reason = reason.strip()
    wanted = {review.pk: reviewer for review, reviewer in plan}
    if not wanted:
        raise ValidationError(_("Chưa chọn lĩnh vực nào để phân công."))
    locked = list(
        DomainReview.objects.select_related(*RELATED, "reviewer")
        .select_for_update(of=("self",))
        .filter(pk__in=wanted)
        .order_by("pk")
    )
    rows: list[AuditRow] = []
    for review in locked:
        reviewer = wanted[review.pk]
        _check_assignment(review, reviewer, actor, reason)
        crossing = not permissions.is_reviewer_of(reviewer, review)
        previous = review.reviewer
        review.reviewer = reviewer
        name = (
            "assign"
            if review.state in (DomainReviewState.PENDING, DomainReviewState.ASSIGNED)
            else "reassign"
        )
        flow = run(
            DomainReviewFlow,
            review,
            name,
            actor=actor,
            comment=_("Phân công: %(name)s") % {"name": _name(reviewer)},
            ip=ip,
            deferred=True,
        )
        rows.append(flow.audit_row)
        rows.append(
            _review_row(
                review,
                AuditKind.ASSIGNMENT,
                "reviewer",
                actor=actor,
                ip=ip,
                field="reviewer",
                old_value=previous.get_username() if previous else "",
                new_value=reviewer.get_username(),
                comment=_("Giao cho chuyên viên cơ quan khác: %(reason)s") % {"reason": reason}
                if crossing
                else "",
            )
        )
    now = timezone.now()
    for review in locked:
        review.updated_at = now
    DomainReview.objects.bulk_update(locked, ["reviewer", "state", "updated_at"])
    grant_reviewers(locked)
    audit_records(rows)
    _tell_reviewers(locked)
    return locked


def _tell_reviewers(reviews: list[DomainReview]) -> None:
    from notifications.services import notify

    theirs: dict[int, list[DomainReview]] = {}
    for review in reviews:
        theirs.setdefault(review.reviewer_id, []).append(review)
    for batch in theirs.values():
        labels = [_label(r) for r in batch]
        title = "; ".join(labels[:3]) + (f" (+{len(labels) - 3})" if len(labels) > 3 else "")
        notify(
            recipient=batch[0].reviewer,
            kind="review_assigned",
            context={"title": title},
            url_name="review_list",
        )


def grant_reviewers(reviews: list[DomainReview]) -> None:
    """The guardian grant follows the assignment: only the current reviewer holds it (also
    used by the national-scale generator, `appraisal/scale.py`)."""
    content_type = ContentType.objects.get_for_model(DomainReview)
    codename = permissions.REVIEW_PERMISSION.split(".", 1)[1]
    permission = Permission.objects.get(content_type=content_type, codename=codename)
    object_pks = [str(review.pk) for review in reviews]
    UserObjectPermission.objects.filter(
        permission=permission, content_type=content_type, object_pk__in=object_pks
    ).delete()
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                permission=permission,
                content_type=content_type,
                object_pk=str(review.pk),
                user_id=review.reviewer_id,
            )
            for review in reviews
        ]
    )


def review_assign(
    *,
    review: DomainReview,
    reviewer: AbstractBaseUser,
    actor: AbstractBaseUser,
    ip: str | None = None,
    reason: str = "",
) -> DomainReview:
    """Put a reviewer on one domain review (or replace one); `reason` when the secretariat
    puts another ministry's reviewer on it."""
    return reviews_assign(plan=[(review, reviewer)], actor=actor, ip=ip, reason=reason)[0]


def reviewer_loads(reviewer_ids: Iterable[int]) -> dict[int, int]:
    """How many open domain reviews each reviewer holds now."""
    rows = (
        DomainReview.objects.filter(reviewer_id__in=list(reviewer_ids), state__in=ACTIVE)
        .values("reviewer_id")
        .annotate(n=Count("id"))
    )
    return {row["reviewer_id"]: row["n"] for row in rows}


def distribution_plan(
    reviews: Sequence[DomainReview], reviewers: Sequence[AbstractBaseUser]
) -> list[tuple[DomainReview, AbstractBaseUser]]:
    """Share the reviews evenly within each reviewing organisation: a review goes to the
    chosen reviewer *of the organisation routed to review its domain* with the least open
    work so far (their current load counted). A review none of the chosen reviewers may take
    is refused, naming it — nothing is assigned across ministries by sharing."""
    if not reviewers:
        raise ValidationError(_("Chọn ít nhất một chuyên viên để chia việc."))
    loads = reviewer_loads(r.pk for r in reviewers)
    load = {reviewer.pk: loads.get(reviewer.pk, 0) for reviewer in reviewers}
    order = {reviewer.pk: index for index, reviewer in enumerate(reviewers)}
    # one read for what routing and the messages need, however the reviews were loaded
    reviews = list(
        DomainReview.objects.select_related(*RELATED).filter(pk__in=[r.pk for r in reviews])
    )
    plan = []
    uncovered: list[str] = []
    for review in sorted(reviews, key=lambda r: (r.submission_id, r.domain_id)):
        theirs = [r for r in reviewers if permissions.is_reviewer_of(r, review)]
        if not theirs:
            uncovered.append(f"{_label(review)} ({review.organisation.name})")
            continue
        candidates = [r for r in theirs if r.pk != review.reviewer_id] or theirs
        chosen = min(candidates, key=lambda r: (load[r.pk], order[r.pk]))
        load[chosen.pk] += 1
        plan.append((review, chosen))
    if uncovered:
        raise ValidationError(
            _(
                "Không có chuyên viên nào đã chọn thuộc cơ quan thẩm định của: %(reviews)s. Chia đều chỉ giao trong từng cơ quan."
            )
            % {"reviews": "; ".join(uncovered[:10])}
        )
    return plan


def reviews_distribute(
    *,
    reviews: Sequence[DomainReview],
    reviewers: Sequence[AbstractBaseUser],
    actor: AbstractBaseUser,
    ip: str | None = None,
) -> list[DomainReview]:
    """Assign many reviews evenly over the chosen reviewers, by their current load."""
    return reviews_assign(plan=distribution_plan(reviews, reviewers), actor=actor, ip=ip)


@transaction.atomic
def review_complete(
    *, review: DomainReview, actor: AbstractBaseUser, override: str = "", ip: str | None = None
) -> DomainReview:
    """Complete a domain review; the submission becomes `reviewed` after its last one.

    With queries still open, the reviewer must say why (`override`): the reason is recorded
    and the queries are closed with it, so that the unit is not left answering them."""
    locked = lock(DomainReview, review.pk, *RELATED)
    locked.completion_override = override.strip()
    run(DomainReviewFlow, locked, "complete", actor=actor, comment=override.strip(), ip=ip)
    leftover = locked.queries.exclude(state=QueryState.CLOSED).select_for_update(of=("self",))
    for query in leftover.select_related("review__submission__campaign"):
        query.close_note = locked.completion_override
        run(QueryFlow, query, "close", actor=actor, comment=locked.completion_override, ip=ip)
        QueryMessage.objects.create(
            query=query,
            kind=QueryMessage.Kind.CLOSE,
            text=locked.completion_override,
            author=actor,
        )
    submission = locked.submission
    if not submission.reviews.exclude(state=DomainReviewState.COMPLETED).exists():
        from workflow.services.submissions import RELATED as SUBMISSION_RELATED

        locked_submission = lock(type(submission), submission.pk, *SUBMISSION_RELATED)
        if locked_submission.state == SubmissionState.UNDER_REVIEW:
            run(SubmissionFlow, locked_submission, "finish_review", actor=None, ip=ip)
    return locked


@transaction.atomic
def reviews_remind(
    *, reviews: Sequence[DomainReview], actor: AbstractBaseUser, ip: str | None = None
) -> int:
    """The secretariat reminds whoever the open reviews wait on: the reviewer, or the
    ministry's coordinators while no one is assigned. Returns how many people were told."""
    from notifications.services import notify

    ids = [review.pk for review in reviews]
    rows = list(
        DomainReview.objects.select_related(*RELATED, "reviewer")
        .filter(pk__in=ids)
        .exclude(state=DomainReviewState.COMPLETED)
    )
    if not rows:
        raise ValidationError(_("Không có lĩnh vực nào đang chờ thẩm định trong lựa chọn."))
    for review in rows:
        if not permissions.is_secretariat(actor, review.submission.campaign.program_id):
            raise TransitionRefused(_("Chỉ Thư ký Hội đồng mới gửi nhắc việc."))
    coordinators = _coordinators(
        {(r.submission.campaign.program_id, r.organisation_id) for r in rows}
    )
    waiting: dict[int, list[DomainReview]] = {}
    for review in rows:
        people = (
            [review.reviewer_id]
            if review.reviewer_id
            else coordinators.get(
                (review.submission.campaign.program_id, review.organisation_id), []
            )
        )
        for user_id in people:
            waiting.setdefault(user_id, []).append(review)
    users = get_user_model().objects.in_bulk(list(waiting))
    for user_id, theirs in waiting.items():
        notify(
            recipient=users[user_id],
            kind="review_reminder",
            context={"reviews": [_label(r) for r in theirs], "sender": _name(actor)},
            url_name="review_list",
        )
    audit_records(
        [
            _review_row(review, AuditKind.REMINDER, "remind", actor=actor, ip=ip, internal=True)
            for review in rows
        ]
    )
    return len(waiting)


def _coordinators(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
    from appraisal.models import RoleAssignment
    from appraisal.models.choices import Role

    query = Q(pk__in=[])
    for program_id, organisation_id in pairs:
        query |= Q(program_id=program_id, organisation_id=organisation_id)
    out: dict[tuple[int, int], list[int]] = {}
    for program_id, organisation_id, user_id in RoleAssignment.objects.filter(
        query, role=Role.COORDINATOR
    ).values_list("program_id", "organisation_id", "user_id"):
        out.setdefault((program_id, organisation_id), []).append(user_id)
    return out
