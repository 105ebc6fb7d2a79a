"""Who may see and do what in the review: coordinators, reviewers, the queries they raise."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from guardian.core import ObjectPermissionChecker

from appraisal.models import (
    Campaign,
    DomainReview,
    Program,
    Query,
)
from appraisal.models.choices import Role
from appraisal.permissions.programs import (
    UNIT_ROLES,
    Person,
    can_edit_submission,
    conflict_of_interest,
    coordinated_organisation_ids,
    has_role,
    has_role_for,
    is_council_chair_for,
    is_council_member_for,
    is_secretariat,
    organisation_ids,
    program_id_of,
    review_scope,
    sees_all_units,
)


def visible_reviews(user: Person, campaign: Campaign) -> QuerySet[DomainReview]:
    """The domain reviews of a campaign this user may list (never a unit's people)."""
    reviews = DomainReview.objects.filter(campaign=campaign)
    if sees_all_units(user, campaign.program_id):
        return reviews
    return reviews.filter(review_scope(user, campaign.program_id)).exclude(
        submission__unit_id__in=organisation_ids(user, campaign.program_id)
    )


REVIEW_PERMISSION = "appraisal.review_domainreview"


def can_assign_review(user: Person | None, review: DomainReview) -> bool:
    """The secretariat, or the coordinator of the reviewing ministry when not conflicted."""
    if user is None:
        return False
    submission = review.submission
    if is_secretariat(user, program_id_of(submission)):
        return True
    return has_role_for(
        user, program_id_of(submission), {Role.COORDINATOR}, review.organisation_id
    ) and not conflict_of_interest(user, submission)


def is_reviewer_of(reviewer: Person, review: DomainReview) -> bool:
    """The reviewer belongs to the organisation that reviews this domain in this campaign."""
    return has_role_for(
        reviewer, program_id_of(review.submission), {Role.REVIEWER}, review.organisation_id
    )


def reviewer_refusal(
    assigner: Person, reviewer: Person, review: DomainReview, *, reason: str = ""
) -> str | None:
    """Why `reviewer` may not be put on `review` by `assigner` (None when they may). A review
    goes to a reviewer of the organisation routed to review its domain; only the secretariat
    may put another ministry's reviewer on it, and only with a reason (audited)."""
    submission = review.submission
    program_id = program_id_of(submission)
    if not has_role(reviewer, program_id, {Role.REVIEWER}):
        return "not_reviewer"
    if conflict_of_interest(reviewer, submission):
        return "conflict"
    if not is_reviewer_of(reviewer, review):
        if not is_secretariat(assigner, program_id):
            return "other_ministry"
        if not reason.strip():
            return "other_ministry_reason"
    return None


def is_assigned_reviewer(user: Person | None, review: DomainReview) -> bool:
    """The reviewer put on this review (our table), holding the object grant (guardian)."""
    return (
        user is not None
        and review.reviewer_id == user.pk
        and holds_review_grant(user, review)
        and not conflict_of_interest(user, review.submission)
    )


def holds_review_grant(user: Person, review: DomainReview) -> bool:
    """Guardian's grant of this review to this person. Grants go to people, never to groups
    (workflow.services.assignments.grant_reviewers), so this reads the people's grants
    alone: one query where `has_perm` makes two, on every review page and save."""
    if not user.is_active:
        return False
    codename = REVIEW_PERMISSION.split(".", 1)[1]
    return codename in ObjectPermissionChecker(user).get_user_perms(review)


def can_see_review(user: Person, review: DomainReview) -> bool:
    """The review page: the program-wide roles, the ministry's coordinators, the reviewer.
    Never the unit's people, whatever else they hold."""
    submission = review.submission
    program_id = program_id_of(submission)
    if has_role_for(user, program_id, UNIT_ROLES, submission.unit_id):
        return False
    if sees_all_units(user, program_id):
        return True
    return review.reviewer_id == user.pk or review.organisation_id in coordinated_organisation_ids(
        user, program_id
    )


def can_write_internal_note(user: Person | None, item) -> bool:
    submission = item.submission
    program_id = program_id_of(submission)
    if user is None or has_role_for(user, program_id, UNIT_ROLES, submission.unit_id):
        return False
    if is_secretariat(user, program_id) or is_council_member_for(user, submission):
        return True
    review = DomainReview.objects.filter(
        submission_id=submission.pk, domain_id=item.domain_id
    ).first()
    return review is not None and is_assigned_reviewer(user, review)


def can_manage_reviews(user: Person, program: Program | int) -> bool:
    """The secretariat's overview: routing, matrix, bulk reassign and remind."""
    return is_secretariat(user, program)


def get_review_for_user(request: HttpRequest, pk: int) -> DomainReview:
    review = get_object_or_404(
        DomainReview.objects.select_related(
            "submission",
            "submission__campaign",
            "submission__unit",
            "domain",
            "organisation",
            "reviewer",
        ),
        pk=pk,
    )
    if not can_see_review(request.user, review):
        raise Http404
    return review


def can_see_query(user: Person, query: Query) -> bool:
    """The unit it is addressed to, and whoever sees its review."""
    return can_edit_submission(user, query.review.submission) or can_see_review(user, query.review)


def get_query_for_user(request: HttpRequest, pk: int) -> Query:
    query = get_object_or_404(
        Query.objects.select_related(
            "review",
            "review__submission",
            "review__submission__campaign",
            "review__submission__campaign__program",
            "review__submission__unit",
            "review__domain",
            "review__reviewer",
            "raised_by",
        ),
        pk=pk,
    )
    if not can_see_query(request.user, query):
        raise Http404
    return query


def can_reopen_review(user: Person | None, review: DomainReview) -> bool:
    return user is not None and (
        is_secretariat(user, program_id_of(review.submission))
        or is_council_chair_for(user, review.submission)
    )
