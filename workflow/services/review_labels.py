"""How a review is named in messages, and the audit row of something done to it."""

from typing import Any

from django.contrib.auth.models import User

from appraisal.models import DomainReview
from workflow.audit import AuditRow


def person_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def review_label(review: DomainReview) -> str:
    return f"{review.submission.unit.name} — {review.domain.code}"


def review_audit_row(
    review: DomainReview,
    kind: str,
    action: str,
    *,
    actor: User | None,
    ip: str | None,
    **fields: Any,
) -> AuditRow:
    """An audit row about a domain review (other than its transitions)."""
    return AuditRow(
        kind=kind,
        actor=actor,
        ip=ip,
        program_id=review.submission.campaign.program_id,
        submission_id=review.submission_id,
        obj_type="domain_review",
        obj_id=review.pk,
        action=action,
        stage="review",
        **fields,
    )
