"""Who may see and do what. Views, services and templates ask here and nowhere else."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from appraisal.models import Campaign, Framework, Program, RoleAssignment, Submission
from appraisal.models.choices import Role

# Roles that see every unit of a program (the others see their own organisation's work).
PROGRAM_WIDE_ROLES = frozenset(
    {
        Role.SECRETARIAT,
        Role.MANAGER,
        Role.COUNCIL_MEMBER,
        Role.COUNCIL_CHAIR,
        Role.COORDINATOR,
        Role.REVIEWER,
    }
)
UNIT_ROLES = frozenset({Role.FOCAL_POINT, Role.LEADER})

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Grant:
    program_id: int
    role: str
    organisation_id: int | None


def grants(user: User) -> frozenset[Grant]:
    """The user's role grants, read once per request and kept on the user object."""
    if not user.is_authenticated:
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


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


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
    return submissions.filter(unit_id__in=own_organisation_ids(user, campaign.program_id))


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
