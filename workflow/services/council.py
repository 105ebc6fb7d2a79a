"""The appraisal council of a campaign: its members and sessions."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import Campaign, CouncilMember, CouncilSession, Organisation, Submission
from appraisal.models.choices import Role
from documents.issuers import number
from documents.models import CampaignDocument
from documents.tasks import enqueue_campaign_documents
from workflow.audit import audit_campaign
from workflow.models import AuditKind
from workflow.services.base import require_secretariat
from workflow.services.roles import role_grant

# the council role each position is granted with: the vice-chair holds the chair's rights
# (and confirms the reports the chair must recuse from); the secretary keeps the minutes
POSITION_ROLES: dict[str, str] = {
    CouncilMember.Position.CHAIR: Role.COUNCIL_CHAIR,
    CouncilMember.Position.VICE_CHAIR: Role.COUNCIL_CHAIR,
    CouncilMember.Position.MEMBER: Role.COUNCIL_MEMBER,
}


def _check(actor: User | None, campaign: Campaign) -> None:
    require_secretariat(actor, campaign.program_id, _("Chỉ cơ quan thường trực mới lập Hội đồng."))


@transaction.atomic
def council_member_add(
    *,
    campaign: Campaign,
    user: User,
    position: str,
    organisation: Organisation,
    actor: User | None,
    ip: str | None = None,
) -> CouncilMember:
    """Seat a member (with the council role that goes with the position)."""
    _check(actor, campaign)
    if position not in CouncilMember.Position.values:
        raise ValidationError(_("Chức danh không hợp lệ."))
    try:
        with transaction.atomic():
            member = CouncilMember.objects.create(
                campaign=campaign, user=user, position=position, organisation=organisation
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s đã là thành viên, hoặc Hội đồng đã có Chủ tịch.")
            % {"name": user.get_full_name() or user.get_username()}
        ) from exc
    if position in POSITION_ROLES:
        role_grant(
            user=user,
            program=campaign.program,
            role=POSITION_ROLES[position],
            organisation=organisation,
            actor=actor,
            ip=ip,
        )
    audit_campaign(
        campaign,
        "council_member",
        kind=AuditKind.ASSIGNMENT,
        actor=actor,
        ip=ip,
        field=position,
        new_value=f"{user.get_username()}@{organisation.code}",
    )
    return member


@transaction.atomic
def council_session_create(
    *,
    campaign: Campaign,
    held_on: datetime.date,
    place: str,
    agenda: Iterable[Submission],
    actor: User,
    ip: str | None = None,
) -> CouncilSession:
    _check(actor, campaign)
    agenda = list(agenda)
    if any(s.campaign_id != campaign.pk for s in agenda):
        raise ValidationError(_("Chương trình họp có hồ sơ không thuộc đợt đánh giá."))
    number = (
        CouncilSession.objects.select_for_update()
        .filter(campaign=campaign)
        .aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    session = CouncilSession.objects.create(
        campaign=campaign,
        number=number,
        held_on=held_on,
        place=place.strip()[:200],
        created_by=actor,
    )
    session.agenda.set(agenda)
    audit_campaign(
        campaign,
        "council_session",
        kind=AuditKind.ASSIGNMENT,
        actor=actor,
        ip=ip,
        field=str(number),
        new_value=held_on.isoformat(),
    )
    return session


@transaction.atomic
def council_session_minutes(
    *,
    session: CouncilSession,
    minutes: str,
    actor: User,
    ip: str | None = None,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    absent: Iterable[CouncilMember] | None = None,
) -> CouncilSession:
    """Record the minutes of a session (the text of the Biên bản), when the meeting began
    and ended, and which members were absent; every change in the audit trail."""
    session = (
        CouncilSession.objects.select_for_update().select_related("campaign").get(pk=session.pk)
    )
    _check(actor, session.campaign)
    if session.closed_at is not None:
        raise ValidationError(_("Biên bản đã chốt và ký: không sửa được nữa."))
    minutes = minutes.strip()
    if len(minutes) > 20000:
        raise ValidationError(_("Biên bản dài quá 20000 ký tự."))
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError(_("Giờ kết thúc phải sau giờ bắt đầu."))
    absent = list(absent) if absent is not None else list(session.absent.all())
    if any(member.campaign_id != session.campaign_id for member in absent):
        raise ValidationError(_("Người vắng mặt phải là thành viên Hội đồng của đợt này."))
    before = {
        "minutes": session.minutes,
        "starts_at": str(session.starts_at or ""),
        "ends_at": str(session.ends_at or ""),
        "absent": ",".join(str(m.pk) for m in session.absent.order_by("pk")),
    }
    after = {
        "minutes": minutes,
        "starts_at": str(starts_at or ""),
        "ends_at": str(ends_at or ""),
        "absent": ",".join(str(m.pk) for m in sorted(absent, key=lambda m: m.pk)),
    }
    for name, value in after.items():
        if value != before[name]:
            audit_campaign(
                session.campaign,
                "council_minutes",
                kind=AuditKind.ASSIGNMENT,
                actor=actor,
                ip=ip,
                field=f"{session.number}:{name}" if name != "minutes" else str(session.number),
                old_value=before[name],
                new_value=value,
            )
    session.minutes, session.starts_at, session.ends_at = minutes, starts_at, ends_at
    session.save(update_fields=["minutes", "starts_at", "ends_at"])
    session.absent.set(absent)
    return session


# the minutes' symbol (Decree 30, Appendix III: BB for biên bản; the council's abbreviation)
MINUTES_SYMBOL = "BB-HĐTĐ"


@transaction.atomic
def council_session_close(
    *, session: CouncilSession, actor: User | None, ip: str | None = None
) -> CampaignDocument:
    """Close a session's minutes: they take the next number of the program owner's
    register, the secretary and the chair sign them (with their own certificates, where
    they have one) and they are never edited again. Refused, naming it, while the meeting's
    start or end, the chair or the secretary is missing."""
    session = (
        CouncilSession.objects.select_for_update()
        .select_related("campaign__program__owner")
        .get(pk=session.pk)
    )
    campaign = session.campaign
    _check(actor, campaign)
    if session.closed_at is not None:
        raise ValidationError(_("Biên bản đã chốt."))
    positions = set(
        CouncilMember.objects.filter(campaign=campaign).values_list("position", flat=True)
    )
    gaps = [
        label
        for label, present in (
            (_("giờ bắt đầu"), session.starts_at),
            (_("giờ kết thúc"), session.ends_at),
            (_("Chủ tịch Hội đồng"), CouncilMember.Position.CHAIR in positions),
            (_("Thư ký Hội đồng"), CouncilMember.Position.SECRETARY in positions),
        )
        if not present
    ]
    if gaps:
        raise ValidationError(
            _("Chưa thể chốt biên bản: còn thiếu %(what)s.") % {"what": ", ".join(gaps)}
        )
    document, _created = CampaignDocument.objects.select_for_update().get_or_create(
        campaign=campaign,
        key=f"minutes:{session.number}",
        defaults={"fingerprint": "", "title": f"Biên bản phiên họp số {session.number}"},
    )
    number(document, campaign.program.owner, MINUTES_SYMBOL).save()
    session.closed_at = timezone.now()
    session.save(update_fields=["closed_at"])
    audit_campaign(
        campaign,
        "council_minutes_close",
        kind=AuditKind.DOCUMENT,
        actor=actor,
        ip=ip,
        field=str(session.number),
        new_value=document.reference,
    )
    enqueue_campaign_documents(campaign.pk, [document.key])
    return document
