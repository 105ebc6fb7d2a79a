"""Who holds a role: the one lookup behind every message, reminder and routing that goes to
"the coordinators of this ministry" or "the secretariat of this program"."""

from collections.abc import Iterable

from django.contrib.auth.models import User

from appraisal.models import RoleAssignment


class RoleHolders:
    """The holders of some roles, read in one query, then asked by program, roles and
    (optionally) organisation as often as needed."""

    def __init__(self, roles: Iterable[str], program_ids: Iterable[int] | None = None) -> None:
        grants = RoleAssignment.objects.filter(role__in=list(roles))
        if program_ids is not None:
            grants = grants.filter(program_id__in=list(program_ids))
        self.grants: dict[tuple[int, str], list[tuple[int | None, User]]] = {}
        for grant in grants.select_related("user").order_by("user_id"):
            self.grants.setdefault((grant.program_id, grant.role), []).append(
                (grant.organisation_id, grant.user)
            )

    def __call__(
        self, program_id: int, roles: Iterable[str], organisation_id: int | None = None
    ) -> list[User]:
        """Each person once, in the order of their accounts."""
        found = {
            user.pk: user
            for role in roles
            for organisation, user in self.grants.get((program_id, role), [])
            if organisation_id is None or organisation == organisation_id
        }
        return [found[pk] for pk in sorted(found)]


def role_holders(
    program_id: int, roles: Iterable[str], organisation_id: int | None = None
) -> list[User]:
    """The people holding some roles in a program (in an organisation, if given)."""
    roles = list(roles)
    return RoleHolders(roles, program_ids=[program_id])(program_id, roles, organisation_id)
