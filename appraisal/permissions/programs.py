"""Who may see and do what in a program: its roles, campaigns, frameworks and reports."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from appraisal.models import (
    Campaign,
    DomainReview,
    Framework,
    Organisation,
    Program,
    Query,
    RoleAssignment,
    Submission,
)
from appraisal.models.choices import Role
from appraisal.models.states import CampaignState, SubmissionState

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

Person = User | AnonymousUser


@dataclass(frozen=True)
class Grant:
    program_id: int
    role: str
    organisation_id: int | None


def grants(user: Person) -> frozenset[Grant]:
    """The user's role grants, read once per request and kept on the user object."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_parcouncil_grants", None)
    if cached is None:
        cached = frozenset(
            Grant(program_id, role, organisation_id)
            for program_id, role, organisation_id in RoleAssignment.objects.filter(user=user)
            .order_by()  # a set: the default ordering would join programs and users
            .values_list("program_id", "role", "organisation_id")
        )
        user.__dict__["_parcouncil_grants"] = cached  # kept on the object for the request
    return cached


def forget_grants(user: Person) -> None:
    if hasattr(user, "_parcouncil_grants"):
        del user._parcouncil_grants


def is_admin(user: Person | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


# the roles that may protect their account with a second factor (TOTP): those who decide
TWO_FACTOR_ROLES = frozenset({Role.SECRETARIAT, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER})


def may_use_two_factor(user: Person) -> bool:
    return is_admin(user) or any(g.role in TWO_FACTOR_ROLES for g in grants(user))


def has_role(user: Person, program: Program | int, roles: Iterable[str]) -> bool:
    program_id = program if isinstance(program, int) else program.pk
    wanted = set(roles)
    return any(g.program_id == program_id and g.role in wanted for g in grants(user))


def program_ids(user: Person) -> set[int]:
    return {g.program_id for g in grants(user)}


def is_secretariat(user: Person, program: Program | int) -> bool:
    return is_admin(user) or has_role(user, program, {Role.SECRETARIAT})


def secretariat_program_ids(user: Person) -> set[int]:
    if is_admin(user):
        return set(Program.objects.values_list("pk", flat=True))
    return {g.program_id for g in grants(user) if g.role == Role.SECRETARIAT}


def issuer_profile_scope(user: Person) -> set[int] | None:
    """Whose issuing data (how its documents name it, who signs them) the user keeps: None
    for every organisation (the secretariat of any program), else the organisations the user
    leads."""
    if secretariat_program_ids(user):
        return None
    return {g.organisation_id for g in grants(user) if g.role == Role.LEADER and g.organisation_id}


def can_edit_issuer_profile(user: Person, organisation: Organisation) -> bool:
    scope = issuer_profile_scope(user)
    return scope is None or organisation.pk in scope


def can_edit_calendar(user: Person) -> bool:
    """The working-day calendar is national: any program's secretariat keeps it."""
    return is_admin(user) or any(g.role == Role.SECRETARIAT for g in grants(user))


def can_view_program(user: Person, program: Program | int) -> bool:
    program_id = program if isinstance(program, int) else program.pk
    return is_admin(user) or program_id in program_ids(user)


def can_manage_frameworks(user: Person, program: Program | int) -> bool:
    return is_secretariat(user, program)


def can_lock_framework(user: Person, framework: Framework) -> bool:
    return not framework.is_locked and is_secretariat(user, framework.program_id)


def sees_all_units(user: Person, program: Program | int) -> bool:
    return is_admin(user) or has_role(user, program, PROGRAM_WIDE_ROLES)


def own_organisation_ids(user: Person, program: Program | int) -> set[int]:
    program_id = program if isinstance(program, int) else program.pk
    return {
        g.organisation_id
        for g in grants(user)
        if g.program_id == program_id and g.role in UNIT_ROLES and g.organisation_id
    }


# Loaders -----------------------------------------------------------------------------


def visible_campaigns(user: Person) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.select_related("program")
    if is_admin(user):
        return campaigns
    return campaigns.filter(program_id__in=program_ids(user))


def visible_frameworks(user: Person) -> QuerySet[Framework]:
    frameworks = Framework.objects.select_related("program")
    if is_admin(user):
        return frameworks
    return frameworks.filter(program_id__in=program_ids(user))


def visible_submissions(user: Person, campaign: Campaign) -> QuerySet[Submission]:
    submissions = Submission.objects.filter(campaign=campaign)
    if sees_all_units(user, campaign.program_id):
        return submissions
    own = Q(unit_id__in=own_organisation_ids(user, campaign.program_id))
    if has_role(user, campaign.program_id, REVIEW_ROLES):
        reviewed = DomainReview.objects.filter(campaign=campaign).filter(
            review_scope(user, campaign.program_id)
        )
        own |= Q(pk__in=reviewed.values("submission_id"))
    return submissions.filter(own)


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


def organisation_ids(user: Person, program: Program | int) -> set[int]:
    """Every organisation the user acts for in a program, whatever the role."""
    program_id = program if isinstance(program, int) else program.pk
    return {
        g.organisation_id for g in grants(user) if g.program_id == program_id and g.organisation_id
    }


def has_role_for(user: Person, program_id: int, roles: Iterable[str], organisation_id: int) -> bool:
    wanted = set(roles)
    return any(
        g.program_id == program_id and g.role in wanted and g.organisation_id == organisation_id
        for g in grants(user)
    )


def conflict_of_interest(user: Person, submission: Submission) -> bool:
    """Nobody reviews or appraises their own organisation's submission."""
    return submission.unit_id in organisation_ids(user, submission.campaign.program_id)


def program_id_of(submission: Submission) -> int:
    return submission.campaign.program_id


def can_edit_submission(user: Person | None, submission: Submission) -> bool:
    return user is not None and has_role_for(
        user, program_id_of(submission), UNIT_ROLES, submission.unit_id
    )


def can_change_report(user: Person | None, submission: Submission) -> bool:
    """The unit's people may change its report while it is a draft: scores, explanations,
    evidence, not-applicable requests."""
    return submission.state == SubmissionState.DRAFT and can_edit_submission(user, submission)


def is_unit_leader(user: Person | None, submission: Submission) -> bool:
    return user is not None and has_role_for(
        user, program_id_of(submission), {Role.LEADER}, submission.unit_id
    )


def is_system_or_secretariat(user: Person | None, program_id: int) -> bool:
    return user is None or is_secretariat(user, program_id)


def is_council_chair_for(user: Person | None, submission: Submission) -> bool:
    return (
        user is not None
        and has_role(user, program_id_of(submission), {Role.COUNCIL_CHAIR})
        and not conflict_of_interest(user, submission)
    )


def is_council_member_for(user: Person | None, submission: Submission) -> bool:
    return (
        user is not None
        and has_role(user, program_id_of(submission), {Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER})
        and not conflict_of_interest(user, submission)
    )


def can_reopen_self_assessment(user: Person, submission: Submission) -> bool:
    """The secretariat reopens one unit's self-assessment (new deadline) while the report has
    not gone to review and the campaign has not ended."""
    return (
        is_secretariat(user, program_id_of(submission))
        and submission.state
        in (SubmissionState.DRAFT, SubmissionState.PENDING_APPROVAL, SubmissionState.SUBMITTED)
        and submission.campaign.state
        in (CampaignState.SELF_ASSESSMENT, CampaignState.REVIEW, CampaignState.COUNCIL)
    )


def can_answer_query(user: Person | None, query: Query) -> bool:
    return can_edit_submission(user, query.review.submission)


def can_see_submission(user: Person, submission: Submission) -> bool:
    program_id = program_id_of(submission)
    if is_admin(user) or has_role(
        user, program_id, {Role.SECRETARIAT, Role.MANAGER, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}
    ):
        return True
    if has_role_for(user, program_id, UNIT_ROLES, submission.unit_id):
        return True
    # reviewers and coordinators: only submissions with a domain review of theirs
    if not has_role(user, program_id, REVIEW_ROLES):
        return False
    return submission.reviews.filter(review_scope(user, program_id)).exists()


# Who reads reviewers' internal notes (README: reviewers, the secretariat and the council).
# An allow-list: a role not named here — the manager, a coordinator, the unit — never does.
INTERNAL_NOTE_ROLES = frozenset({Role.SECRETARIAT, Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR})


def sees_internal_notes(user: Person, submission: Submission) -> bool:
    """Reviewers' internal notes: the secretariat, the council, and the reviewers of a
    ministry reviewing this report; never the unit's own people, whatever else they hold."""
    program_id = program_id_of(submission)
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


def review_scope(user: Person, program_id: int) -> Q:
    """The domain reviews a reviewer or coordinator works on: their own, and their
    ministry's when they coordinate it."""
    return Q(reviewer_id=user.pk) | Q(
        organisation_id__in=coordinated_organisation_ids(user, program_id)
    )


def coordinated_organisation_ids(user: Person, program: Program | int) -> set[int]:
    program_id = program if isinstance(program, int) else program.pk
    return {
        g.organisation_id
        for g in grants(user)
        if g.program_id == program_id and g.role == Role.COORDINATOR and g.organisation_id
    }
