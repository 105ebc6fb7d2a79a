"""Who may see and do what. Views, services and templates ask here and nowhere else."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from appraisal.models import (
    Campaign,
    DomainReview,
    Framework,
    Program,
    Query,
    RoleAssignment,
    Submission,
)
from appraisal.models.choices import Role

# Roles that see every unit of a program (the others see their own organisation's work).
PROGRAM_WIDE_ROLES = frozenset(
    {
        Role.SECRETARIAT,
        Role.MANAGER,
        Role.COUNCIL_MEMBER,
        Role.COUNCIL_CHAIR,
    }
)
# Roles that see the submissions their ministry reviews (and nothing else of the others).
REVIEW_ROLES = frozenset({Role.COORDINATOR, Role.REVIEWER})
UNIT_ROLES = frozenset({Role.FOCAL_POINT, Role.LEADER})

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Grant:
    program_id: int
    role: str
    organisation_id: int | None


def grants(user: User) -> frozenset[Grant]:
    """The user's role grants, read once per request and kept on the user object."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_parcouncil_grants", None)
    if cached is None:
        cached = frozenset(
            Grant(program_id, role, organisation_id)
            for program_id, role, organisation_id in RoleAssignment.objects.filter(
                user=user
            ).values_list("program_id", "role", "organisation_id")
        )
        user._parcouncil_grants = cached
    return cached


def forget_grants(user: User) -> None:
    if hasattr(user, "_parcouncil_grants"):
        del user._parcouncil_grants


def is_admin(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


# the roles that may protect their account with a second factor (TOTP): those who decide
TWO_FACTOR_ROLES = frozenset({Role.SECRETARIAT, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER})


def may_use_two_factor(user: User) -> bool:
    return is_admin(user) or any(g.role in TWO_FACTOR_ROLES for g in grants(user))


def has_role(user: User, program: Program | int, roles: Iterable[str]) -> bool:
    program_id = program if isinstance(program, int) else program.pk
    wanted = set(roles)
    return any(g.program_id == program_id and g.role in wanted for g in grants(user))


def program_ids(user: User) -> set[int]:
    return {g.program_id for g in grants(user)}


def is_secretariat(user: User, program: Program | int) -> bool:
    return is_admin(user) or has_role(user, program, {Role.SECRETARIAT})


def secretariat_program_ids(user: User) -> set[int]:
    if is_admin(user):
        return set(Program.objects.values_list("pk", flat=True))
    return {g.program_id for g in grants(user) if g.role == Role.SECRETARIAT}


def can_edit_calendar(user: User) -> bool:
    """The working-day calendar is national: any program's secretariat keeps it."""
    return is_admin(user) or any(g.role == Role.SECRETARIAT for g in grants(user))


def can_view_program(user: User, program: Program | int) -> bool:
    program_id = program if isinstance(program, int) else program.pk
    return is_admin(user) or program_id in program_ids(user)


def can_manage_frameworks(user: User, program: Program | int) -> bool:
    return is_secretariat(user, program)


def can_lock_framework(user: User, framework: Framework) -> bool:
    return not framework.is_locked and is_secretariat(user, framework.program_id)


def sees_all_units(user: User, program: Program | int) -> bool:
    return is_admin(user) or has_role(user, program, PROGRAM_WIDE_ROLES)


def own_organisation_ids(user: User, program: Program | int) -> set[int]:
    program_id = program if isinstance(program, int) else program.pk
    return {
        g.organisation_id
        for g in grants(user)
        if g.program_id == program_id and g.role in UNIT_ROLES and g.organisation_id
    }


# Loaders -----------------------------------------------------------------------------


def visible_campaigns(user: User) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.select_related("program")
    if is_admin(user):
        return campaigns
    return campaigns.filter(program_id__in=program_ids(user))


def visible_frameworks(user: User) -> QuerySet[Framework]:
    frameworks = Framework.objects.select_related("program")
    if is_admin(user):
        return frameworks
    return frameworks.filter(program_id__in=program_ids(user))


def visible_submissions(user: User, campaign: Campaign) -> QuerySet[Submission]:
    submissions = Submission.objects.filter(campaign=campaign)
    if sees_all_units(user, campaign.program_id):
        return submissions
    own = Q(unit_id__in=own_organisation_ids(user, campaign.program_id))
    if has_role(user, campaign.program_id, REVIEW_ROLES):
        reviewed = DomainReview.objects.filter(submission__campaign=campaign).filter(
            _review_scope(user, campaign.program_id)
        )
        own |= Q(pk__in=reviewed.values("submission_id"))
    return submissions.filter(own)


def _review_scope(user: User, program_id: int) -> Q:
    """The domain reviews a reviewer or coordinator works on: their own, and their
    ministry's when they coordinate it."""
    return Q(reviewer_id=user.pk) | Q(
        organisation_id__in=coordinated_organisation_ids(user, program_id)
    )


def coordinated_organisation_ids(user: User, program: Program | int) -> set[int]:
    program_id = program if isinstance(program, int) else program.pk
    return {
        g.organisation_id
        for g in grants(user)
        if g.program_id == program_id and g.role == Role.COORDINATOR and g.organisation_id
    }


def visible_reviews(user: User, campaign: Campaign) -> QuerySet[DomainReview]:
    """The domain reviews of a campaign this user may list (never a unit's people)."""
    reviews = DomainReview.objects.filter(submission__campaign=campaign)
    if sees_all_units(user, campaign.program_id):
        return reviews
    return reviews.filter(_review_scope(user, campaign.program_id)).exclude(
        submission__unit_id__in=organisation_ids(user, campaign.program_id)
    )


def get_campaign_for_user(request: HttpRequest, pk: int) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("program", "program__owner"), pk=pk
    )
    if not can_view_program(request.user, campaign.program_id):
        # 404, not 403: an outsider does not learn which campaigns exist.
        raise Http404
    return campaign


def get_framework_for_user(request: HttpRequest, pk: int) -> Framework:
    framework = get_object_or_404(Framework.objects.select_related("program"), pk=pk)
    if not can_view_program(request.user, framework.program_id):
        raise Http404
    return framework


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Lifecycles ---------------------------------------------------------------------------
#
# `user` None means the system acting on its own (a consequence of another transition, a
# scheduled job): only the predicates that say so accept it.


def organisation_ids(user: User, program: Program | int) -> set[int]:
    """Every organisation the user acts for in a program, whatever the role."""
    program_id = program if isinstance(program, int) else program.pk
    return {
        g.organisation_id for g in grants(user) if g.program_id == program_id and g.organisation_id
    }


def has_role_for(user: User, program_id: int, roles: Iterable[str], organisation_id: int) -> bool:
    wanted = set(roles)
    return any(
        g.program_id == program_id and g.role in wanted and g.organisation_id == organisation_id
        for g in grants(user)
    )


def conflict_of_interest(user: User, submission: Submission) -> bool:
    """Nobody reviews or appraises their own organisation's submission."""
    return submission.unit_id in organisation_ids(user, submission.campaign.program_id)


def _program_id(submission: Submission) -> int:
    return submission.campaign.program_id


def can_edit_submission(user: User | None, submission: Submission) -> bool:
    return user is not None and has_role_for(
        user, _program_id(submission), UNIT_ROLES, submission.unit_id
    )


def is_unit_leader(user: User | None, submission: Submission) -> bool:
    return user is not None and has_role_for(
        user, _program_id(submission), {Role.LEADER}, submission.unit_id
    )


def is_system_or_secretariat(user: User | None, program_id: int) -> bool:
    return user is None or is_secretariat(user, program_id)


def is_council_chair_for(user: User | None, submission: Submission) -> bool:
    return (
        user is not None
        and has_role(user, _program_id(submission), {Role.COUNCIL_CHAIR})
        and not conflict_of_interest(user, submission)
    )


def is_council_member_for(user: User | None, submission: Submission) -> bool:
    return (
        user is not None
        and has_role(user, _program_id(submission), {Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER})
        and not conflict_of_interest(user, submission)
    )


REVIEW_PERMISSION = "appraisal.review_domainreview"


def can_assign_review(user: User | None, review: DomainReview) -> bool:
    """The secretariat, or the coordinator of the reviewing ministry when not conflicted."""
    if user is None:
        return False
    submission = review.submission
    if is_secretariat(user, _program_id(submission)):
        return True
    return has_role_for(
        user, _program_id(submission), {Role.COORDINATOR}, review.organisation_id
    ) and not conflict_of_interest(user, submission)


def can_reopen_self_assessment(user: User, submission: Submission) -> bool:
    """The secretariat reopens one unit's self-assessment (new deadline) while the report has
    not gone to review and the campaign has not ended."""
    return (
        is_secretariat(user, _program_id(submission))
        and submission.state in ("draft", "pending_approval", "submitted")
        and submission.campaign.state in ("self_assessment", "review", "council")
    )


def is_reviewer_of(reviewer: User, review: DomainReview) -> bool:
    """The reviewer belongs to the organisation that reviews this domain in this campaign."""
    return has_role_for(
        reviewer, _program_id(review.submission), {Role.REVIEWER}, review.organisation_id
    )


def reviewer_refusal(
    assigner: User, reviewer: User, review: DomainReview, *, reason: str = ""
) -> str | None:
    """Why `reviewer` may not be put on `review` by `assigner` (None when they may). A review
    goes to a reviewer of the organisation routed to review its domain; only the secretariat
    may put another ministry's reviewer on it, and only with a reason (audited)."""
    submission = review.submission
    program_id = _program_id(submission)
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


def is_assigned_reviewer(user: User | None, review: DomainReview) -> bool:
    """The reviewer put on this review (our table), holding the object grant (guardian)."""
    return (
        user is not None
        and review.reviewer_id == user.pk
        and user.has_perm(REVIEW_PERMISSION, review)
        and not conflict_of_interest(user, review.submission)
    )


def can_see_review(user: User, review: DomainReview) -> bool:
    """The review page: the program-wide roles, the ministry's coordinators, the reviewer.
    Never the unit's people, whatever else they hold."""
    submission = review.submission
    program_id = _program_id(submission)
    if has_role_for(user, program_id, UNIT_ROLES, submission.unit_id):
        return False
    if sees_all_units(user, program_id):
        return True
    return review.reviewer_id == user.pk or review.organisation_id in coordinated_organisation_ids(
        user, program_id
    )


def can_write_internal_note(user: User | None, item) -> bool:
    submission = item.submission
    program_id = _program_id(submission)
    if user is None or has_role_for(user, program_id, UNIT_ROLES, submission.unit_id):
        return False
    if is_secretariat(user, program_id) or is_council_member_for(user, submission):
        return True
    review = DomainReview.objects.filter(
        submission_id=submission.pk, domain_id=item.domain_id
    ).first()
    return review is not None and is_assigned_reviewer(user, review)


def can_manage_reviews(user: User, program: Program | int) -> bool:
    """The secretariat's overview: routing, matrix, bulk reassign and remind."""
    return is_secretariat(user, program)


def get_review_for_user(request: HttpRequest, pk: int) -> DomainReview:
    review = get_object_or_404(
        DomainReview.objects.select_related(
            "submission",
            "submission__campaign",
            "submission__campaign__program",
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


def can_see_query(user: User, query: Query) -> bool:
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


def can_reopen_review(user: User | None, review: DomainReview) -> bool:
    return user is not None and (
        is_secretariat(user, _program_id(review.submission))
        or is_council_chair_for(user, review.submission)
    )


def can_answer_query(user: User | None, query: Query) -> bool:
    return can_edit_submission(user, query.review.submission)


def can_see_submission(user: User, submission: Submission) -> bool:
    program_id = _program_id(submission)
    if is_admin(user) or has_role(
        user, program_id, {Role.SECRETARIAT, Role.MANAGER, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}
    ):
        return True
    if has_role_for(user, program_id, UNIT_ROLES, submission.unit_id):
        return True
    # reviewers and coordinators: only submissions with a domain review of theirs
    if not has_role(user, program_id, REVIEW_ROLES):
        return False
    return submission.reviews.filter(_review_scope(user, program_id)).exists()


# Who reads reviewers' internal notes (README: reviewers, the secretariat and the council).
# An allow-list: a role not named here — the manager, a coordinator, the unit — never does.
INTERNAL_NOTE_ROLES = frozenset({Role.SECRETARIAT, Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR})


def sees_internal_notes(user: User, submission: Submission) -> bool:
    """Reviewers' internal notes: the secretariat, the council, and the reviewers of a
    ministry reviewing this report; never the unit's own people, whatever else they hold."""
    program_id = _program_id(submission)
    if has_role_for(user, program_id, UNIT_ROLES, submission.unit_id):
        return False
    if is_admin(user) or has_role(user, program_id, INTERNAL_NOTE_ROLES):
        return True
    return has_role(user, program_id, {Role.REVIEWER}) and can_see_submission(user, submission)


def get_submission_for_user(request: HttpRequest, pk: int) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("campaign", "campaign__program", "unit", "framework"),
        pk=pk,
    )
    if not can_see_submission(request.user, submission):
        raise Http404
    return submission
