"""Which ministry reviews each domain of a year, and how long a query gives the unit."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.models import (
    Campaign,
    DomainOwner,
    DomainReview,
    FrameworkNode,
    Organisation,
)
from appraisal.models.choices import NodeKind
from appraisal.models.states import DomainReviewState
from workflow.audit import audit_campaign
from workflow.models import AuditKind
from workflow.services.base import require_secretariat


@transaction.atomic
def campaign_route_domain(
    *,
    campaign: Campaign,
    domain: FrameworkNode,
    organisation: Organisation,
    actor: User | None,
    ip: str | None = None,
) -> int:
    """Set which organisation reviews `domain` in this campaign. Reviews of the domain that
    no one has been assigned to yet follow the change; assigned ones stay where they are
    (the secretariat reassigns them if it wants). Returns how many reviews moved."""
    require_secretariat(actor, campaign.program_id)
    if (
        domain.kind != NodeKind.DOMAIN
        or not campaign.frameworks.filter(framework_id=domain.framework_id).exists()
    ):
        raise ValidationError(_("Lĩnh vực không thuộc bộ chỉ số của đợt đánh giá."))
    if not organisation.is_valid_on(datetime.date(campaign.year, 12, 31)):
        raise ValidationError(
            _("%(name)s không còn hoạt động trong năm đánh giá.") % {"name": organisation.name}
        )
    current = DomainOwner.objects.filter(campaign=campaign, domain=domain).first()
    old = current.organisation if current else domain.owner
    if old is not None and old.pk == organisation.pk:
        return 0
    if organisation.pk == domain.owner_id:
        if current is not None:
            current.delete()
    else:
        DomainOwner.objects.update_or_create(
            campaign=campaign, domain=domain, defaults={"organisation": organisation}
        )
    moved = DomainReview.objects.filter(
        campaign=campaign, domain=domain, state=DomainReviewState.PENDING
    ).update(organisation=organisation)
    audit_campaign(
        campaign,
        "route_domain",
        actor=actor,
        ip=ip,
        kind=AuditKind.ASSIGNMENT,
        field=f"{domain.framework.code}.{domain.code}",
        old_value=old.code if old else "",
        new_value=organisation.code,
        comment=_("%(n)s lĩnh vực chưa phân công được chuyển theo.") % {"n": moved},
    )
    return moved


@transaction.atomic
def campaign_set_query_days(
    *, campaign: Campaign, days: int, actor: User | None, ip: str | None = None
) -> Campaign:
    """How many working days units have to answer a query, by default."""
    require_secretariat(actor, campaign.program_id)
    if not 1 <= days <= 60:
        raise ValidationError(_("Thời hạn trả lời phải từ 1 đến 60 ngày làm việc."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.query_days != days:
        audit_campaign(
            campaign,
            "set_query_days",
            actor=actor,
            ip=ip,
            kind=AuditKind.TRANSITION,
            field="query_days",
            old_value=str(campaign.query_days),
            new_value=str(days),
        )
        campaign.query_days = days
        campaign.save(update_fields=["query_days"])
    return campaign
