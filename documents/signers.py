"""Which certificate signs for whom: read from the JSON file that documents/signing.py
describes, without loading any signing library (pages and flows ask whether an issuer can
sign; only the workers sign)."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ROLES = ("person", "organisation")


@dataclass
class Placement:
    """Where a signature's widget goes: page index and box in PDF points (from the bottom
    left), as WeasyPrint laid out the element the document reserved for it."""

    page: int
    box: tuple[float, float, float, float]


class SigningNotConfigured(Exception):
    """No certificate is configured for an issuer and role."""


def config() -> dict:
    path = Path(settings.DOCUMENT_SIGNERS_FILE)
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def entry(issuer_code: str, role: str) -> tuple[dict, list[str], Path] | None:
    path = Path(settings.DOCUMENT_SIGNERS_FILE)
    issuer = config().get("issuers", {}).get(issuer_code, {})
    given = issuer.get(role)
    return (given, issuer.get("chain", []), path.parent) if given else None


def person_entry(username: str) -> tuple[dict, list[str], Path] | None:
    """A person's own certificate ("people": {username: {...}}), e.g. a council's chair."""
    path = Path(settings.DOCUMENT_SIGNERS_FILE)
    people = config().get("people", {})
    given = people.get(username)
    return (given, given.get("chain", []), path.parent) if given else None


def configured_roles(issuer_code: str) -> list[str]:
    """Which of the issuer's signatures ("person", "organisation") have a certificate."""
    return [role for role in ROLES if entry(issuer_code, role)]
