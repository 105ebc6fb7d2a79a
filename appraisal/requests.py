import ipaddress

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedRequest(HttpRequest):
    """A request that `login_required` let through: its user is a person, never anonymous
    (how the pages tell the type checker so)."""

    user: User


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the audit trail.

    Behind the TLS proxy (TRUST_PROXY, on in production) the first X-Forwarded-For entry
    is the client; otherwise that header is anyone's to forge and REMOTE_ADDR is used.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.PARCOUNCIL_TRUST_PROXY and request.META.get("HTTP_X_FORWARDED_FOR"):
        candidate = request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


# the most rows one bulk action on reviews or items takes
MAX_BULK = 500


def posted_ids(request: HttpRequest, name: str, limit: int = 2000) -> list[int]:
    """The ids a form posted under `name` (checkboxes, multiple selects): whole numbers only,
    at most `limit` of them."""
    return [int(v) for v in request.POST.getlist(name)[:limit] if v.isdigit()]
