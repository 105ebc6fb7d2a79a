import ipaddress

from django.conf import settings
from django.http import HttpRequest


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
