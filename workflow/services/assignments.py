"""Who reviews what: a coordinator's (or the secretariat's) assignment of domain reviews to
reviewers, one or many at once, and the even distribution of a batch."""

from collections.abc import Sequence

from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.models import UserObjectPermission

from appraisal import permissions
from appraisal.models import DomainReview
from appraisal.models.states import DomainReviewState
from appraisal.selectors.reviews import reviewer_loads
from notifications.services import notify
from workflow.audit import AuditRow, audit_records
from workflow.flows import DomainReviewFlow
from workflow.models import AuditKind
from workflow.services.base import (
    REVIEW_RELATED,
    TransitionInvalid,
    TransitionRefused,
    run,
)
from workflow.services.review_labels import person_name, review_audit_row, review_label

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


def _check_assignment(review: DomainReview, reviewer: User, actor: User, reason: str) -> None:
    if not permissions.can_assign_review(actor, review):
        if permissions.conflict_of_interest(actor, review.submission):
            raise TransitionRefused(REFUSALS["conflict"] % {"name": person_name(actor)})
        raise TransitionRefused(
            _("Bạn không có quyền phân công thẩm định %(review)s.")
            % {"review": review_label(review)}
        )
    refusal = permissions.reviewer_refusal(actor, reviewer, review, reason=reason)
    if refusal:
        raise TransitionRefused(
            f"{REFUSALS[refusal] % {'name': person_name(reviewer)}} ({review_label(review)})"
        )
    if review.reviewer_id == reviewer.pk:
        raise TransitionInvalid(
            _("%(name)s đã được phân công %(review)s.")
            % {"name": person_name(reviewer), "review": review_label(review)}
        )


@transaction.atomic
def reviews_assign(
    *,
    plan: Sequence[tuple[DomainReview, User]],
    actor: User,
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
        DomainReview.objects.select_related(*REVIEW_RELATED, "reviewer")
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
            comment=_("Phân công: %(name)s") % {"name": person_name(reviewer)},
            ip=ip,
            deferred=True,
        )
        if flow.audit_row is not None:  # a deferred run leaves its row to the caller
            rows.append(flow.audit_row)
        rows.append(
            review_audit_row(
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
    theirs: dict[int, list[DomainReview]] = {}
    for review in reviews:
        if review.reviewer_id is not None:
            theirs.setdefault(review.reviewer_id, []).append(review)
    for batch in theirs.values():
        labels = [review_label(r) for r in batch]
        title = "; ".join(labels[:3]) + (f" (+{len(labels) - 3})" if len(labels) > 3 else "")
        reviewer = batch[0].reviewer
        if reviewer is None:
            continue
        notify(
            recipient=reviewer,
            kind="review_assigned",
            context={"title": title},
            url_name="review_list",
        )


def grant_reviewers(reviews: list[DomainReview]) -> None:
    """The guardian grant follows the assignment: only the current reviewer holds it (also
    used by the national-scale generator, `appraisal/demo/scale_reviews.py`)."""
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
            if review.reviewer_id is not None
        ]
    )


def review_assign(
    *,
    review: DomainReview,
    reviewer: User,
    actor: User,
    ip: str | None = None,
    reason: str = "",
) -> DomainReview:
    """Put a reviewer on one domain review (or replace one); `reason` when the secretariat
    puts another ministry's reviewer on it."""
    return reviews_assign(plan=[(review, reviewer)], actor=actor, ip=ip, reason=reason)[0]


def distribution_plan(
    reviews: Sequence[DomainReview], reviewers: Sequence[User]
) -> list[tuple[DomainReview, User]]:
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
        DomainReview.objects.select_related(*REVIEW_RELATED).filter(pk__in=[r.pk for r in reviews])
    )
    plan = []
    uncovered: list[str] = []
    for review in sorted(reviews, key=lambda r: (r.submission_id, r.domain_id)):
        theirs = [r for r in reviewers if permissions.is_reviewer_of(r, review)]
        if not theirs:
            uncovered.append(f"{review_label(review)} ({review.organisation.name})")
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
    reviewers: Sequence[User],
    actor: User,
    ip: str | None = None,
) -> list[DomainReview]:
    """Assign many reviews evenly over the chosen reviewers, by their current load."""
    return reviews_assign(plan=distribution_plan(reviews, reviewers), actor=actor, ip=ip)
