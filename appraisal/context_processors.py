from django.http import HttpRequest

from appraisal import permissions


def navigation(request: HttpRequest) -> dict:
    """Booleans for the menu: templates never compute roles themselves."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "can_upload_framework": bool(permissions.secretariat_program_ids(user)),
            "is_admin": permissions.is_admin(user),
        }
    }
