from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.models import DomainReview, FrameworkNode, Submission
from appraisal.models.choices import NodeKind
from workflow.flows import SubmissionFlow
from workflow.services.base import lock, run, transition_service

RELATED = ("campaign", "campaign__program", "unit")


def _transition(name: str):
    return transition_service(SubmissionFlow, Submission, name, *RELATED)


submission_send_for_approval = _transition("send_for_approval")
submission_return_to_draft = _transition("return_to_draft")
submission_withdraw = _transition("withdraw")
submission_return_incomplete = _transition("return_incomplete")
submission_finish_review = _transition("finish_review")
submission_send_to_council = _transition("send_to_council")
submission_appraise = _transition("appraise")
submission_publish = _transition("publish")


@transaction.atomic
def submission_approve(
    *,
    submission: Submission,
    actor: AbstractBaseUser | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The leader submits the report: its evidence is frozen in a manifest of hashes."""
    from documents.services import evidence_freeze

    locked = lock(Submission, submission.pk, *RELATED)
    run(SubmissionFlow, locked, "approve", actor=actor, comment=comment, ip=ip)
    evidence_freeze(submission=locked)
    return locked


@transaction.atomic
def submission_start_review(
    *,
    submission: Submission,
    actor: AbstractBaseUser | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """Start the review: one domain review per domain, routed to the organisation that
    reviews the domain in this campaign (the secretariat's mapping, else the framework's)."""
    from appraisal.review_selectors import routing_map

    locked = lock(Submission, submission.pk, *RELATED)
    routes = routing_map(locked.campaign)
    domains = FrameworkNode.objects.filter(
        framework_id=locked.framework_id, kind=NodeKind.DOMAIN
    ).order_by("position")
    run(SubmissionFlow, locked, "start_review", actor=actor, comment=comment, ip=ip)
    unrouted = [domain.code for domain in domains if not routes.get(domain.pk)]
    if unrouted:
        raise ValidationError(
            _("Chưa có cơ quan thẩm định cho lĩnh vực %(codes)s: cần phân công trước.")
            % {"codes": ", ".join(unrouted)}
        )
    existing = set(locked.reviews.values_list("domain_id", flat=True))
    DomainReview.objects.bulk_create(
        [
            DomainReview(submission=locked, domain=domain, organisation_id=routes[domain.pk])
            for domain in domains
            if domain.pk not in existing
        ]
    )
    return locked


@transaction.atomic
def submission_send_back_to_review(
    *,
    submission: Submission,
    domains: Iterable[FrameworkNode],
    actor: AbstractBaseUser | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The council sends the named domains back to their reviewers, with its reason."""
    return _reopen_domains(
        "send_back_to_review", submission, domains, actor=actor, comment=comment, ip=ip
    )


@transaction.atomic
def submission_reopen_review(
    *,
    submission: Submission,
    domains: Iterable[FrameworkNode],
    actor: AbstractBaseUser | None,
    comment: str = "",
    ip: str | None = None,
) -> Submission:
    """The secretariat reopens named domains of a reviewed report, before the council."""
    return _reopen_domains(
        "reopen_review", submission, domains, actor=actor, comment=comment, ip=ip
    )


def _reopen_domains(
    transition: str,
    submission: Submission,
    domains: Iterable[FrameworkNode],
    *,
    actor: AbstractBaseUser | None,
    comment: str,
    ip: str | None,
) -> Submission:
    """Move the report back under review, then reopen each named domain's review."""
    from workflow.flows import DomainReviewFlow
    from workflow.services.reviews import RELATED as REVIEW_RELATED

    domain_ids = {domain.pk for domain in domains}
    if not domain_ids:
        raise ValidationError(_("Chọn ít nhất một lĩnh vực để thẩm định lại."))
    locked = lock(Submission, submission.pk, *RELATED)
    run(SubmissionFlow, locked, transition, actor=actor, comment=comment, ip=ip)
    reviews = DomainReview.objects.filter(submission=locked, domain_id__in=domain_ids)
    for review in reviews.select_related(*REVIEW_RELATED).select_for_update(of=("self",)):
        run(DomainReviewFlow, review, "reopen", actor=actor, comment=comment, ip=ip)
    return locked
