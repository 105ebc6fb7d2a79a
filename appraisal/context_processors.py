from django.http import HttpRequest

from appraisal import permissions
from appraisal.models.choices import Role


def navigation(request: HttpRequest) -> dict:
    """Booleans for the menu: templates never compute roles themselves."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    secretariat_programs = permissions.secretariat_program_ids(user)
    led_programs = {g.program_id for g in permissions.grants(user) if g.role == Role.LEADER}
    people_programs = secretariat_programs or led_programs
    return {
        "nav": {
            "can_upload_framework": bool(secretariat_programs),
            "role_program_id": min(secretariat_programs) if secretariat_programs else None,
            "people_program_id": min(people_programs) if people_programs else None,
            "is_admin": permissions.is_admin(user),
            "is_reviewer": any(g.role == Role.REVIEWER for g in permissions.grants(user)),
            "two_factor": permissions.may_use_two_factor(user),
        }
    }
