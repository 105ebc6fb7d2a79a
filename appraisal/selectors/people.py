"""People as the secretariat sees them: where each account stands, and the lists it reads."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy
from django_stubs_ext import WithAnnotations

from appraisal import permissions
from appraisal.models import CouncilMember, Invitation, Organisation, Program, RoleAssignment
from appraisal.models.choices import Role


class PersonState:
    INVITED = "invited"
    ACTIVE = "active"
    DISABLED = "disabled"
    LABELS = {
        INVITED: gettext_lazy("Đã mời, chưa đặt mật khẩu"),
        ACTIVE: gettext_lazy("Đang hoạt động"),
        DISABLED: gettext_lazy("Đã khóa"),
    }


# the states in their sorting order; the same reading as person_state, done by the database
STATE_ORDER = {PersonState.INVITED: 0, PersonState.ACTIVE: 1, PersonState.DISABLED: 2}


def state_order() -> Case:
    """person_state as a query expression (an unusable password starts with "!")."""
    return Case(
        When(is_active=False, then=Value(STATE_ORDER[PersonState.DISABLED])),
        When(password__startswith="!", then=Value(STATE_ORDER[PersonState.INVITED])),
        default=Value(STATE_ORDER[PersonState.ACTIVE]),
        output_field=IntegerField(),
    )


def person_state(user: User) -> str:
    if not user.is_active:
        return PersonState.DISABLED
    if not user.has_usable_password():
        return PersonState.INVITED
    return PersonState.ACTIVE


def leader_organisations(user: User, program: Program) -> list[Organisation]:
    ids = {
        g.organisation_id
        for g in permissions.grants(user)
        if g.program_id == program.pk and g.role == Role.LEADER and g.organisation_id is not None
    }
    return list(Organisation.objects.filter(pk__in=ids).order_by("code"))


def people_queryset(
    program: Program, led: list[Organisation] | None = None
) -> QuerySet[WithAnnotations[User]]:
    """Everyone with a role or an invitation in the program (for a leader: in their units),
    with their roles here and their state's order for sorting."""
    if led is None:
        scope = Q(role_assignments__program=program) | Q(invitations__program=program)
    else:
        scope = Q(role_assignments__program=program, role_assignments__organisation__in=led)
    ids = get_user_model().objects.filter(scope).values("pk")
    return (
        get_user_model()
        .objects.filter(pk__in=ids)
        .annotate(state_order=state_order())
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.filter(program=program)
                .select_related("organisation")
                .order_by("role"),
                to_attr="roles_here",
            ),
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(program=program, state=Invitation.State.SENT),
                to_attr="open_invitations",
            ),
        )
    )


def positions(program: Program, users: Iterable[int]) -> dict[int, str]:
    """Each council member's position (the vice-chair holds the chair's rights, and is
    shown as what they are)."""
    seats = (
        CouncilMember.objects.filter(campaign__program=program, user__in=users)
        .order_by("campaign__year")
        .values_list("user_id", "position")
    )
    labels = dict(CouncilMember.Position.choices)
    return {user_id: str(labels[position]) for user_id, position in seats}
