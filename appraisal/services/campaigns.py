import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import (
    Campaign,
    CampaignFramework,
    DomainOwner,
    DomainReview,
    Framework,
    FrameworkNode,
    Organisation,
    Program,
    ScoreItem,
    StageDeadline,
    Submission,
)
from appraisal.models.choices import NodeKind, OrganisationKind, ScoringMethod, Stage
from workflow.states import CampaignState


def _check_secretariat(actor: AbstractBaseUser | None, program_id: int) -> None:
    if actor is not None and not permissions.is_secretariat(actor, program_id):
        raise PermissionDenied(_("Chỉ cơ quan thường trực của chương trình mới được làm việc này."))


@transaction.atomic
def campaign_create(
    *,
    program: Program,
    year: int,
    name_vi: str,
    name_en: str = "",
    frameworks: Iterable[Framework],
    actor: AbstractBaseUser | None,
) -> Campaign:
    _check_secretariat(actor, program.pk)
    if Campaign.objects.filter(program=program, year=year).exists():
        raise ValidationError(
            _("Chương trình này đã có đợt đánh giá năm %(year)s.") % {"year": year}
        )
    campaign = Campaign.objects.create(program=program, year=year, name_vi=name_vi, name_en=name_en)
    for framework in frameworks:
        campaign_set_framework(campaign=campaign, framework=framework, actor=actor)
    return campaign


@transaction.atomic
def campaign_set_framework(
    *, campaign: Campaign, framework: Framework, actor: AbstractBaseUser | None
) -> None:
    _check_secretariat(actor, campaign.program_id)
    if framework.program_id != campaign.program_id:
        raise ValidationError(_("Bộ chỉ số không thuộc chương trình của đợt đánh giá."))
    if not framework.is_locked:
        raise ValidationError(_("Chỉ dùng được bộ chỉ số đã khóa."))
    if campaign.submissions.filter(level=framework.level).exists():
        raise ValidationError(_("Đã có hồ sơ ở cấp này: không thể đổi bộ chỉ số."))
    CampaignFramework.objects.update_or_create(
        campaign=campaign, level=framework.level, defaults={"framework": framework}
    )


@transaction.atomic
def campaign_set_deadline(
    *,
    campaign: Campaign,
    stage: str,
    starts_on: datetime.date,
    due_on: datetime.date,
    actor: AbstractBaseUser | None,
) -> StageDeadline:
    _check_secretariat(actor, campaign.program_id)
    if starts_on > due_on:
        raise ValidationError(_("Ngày bắt đầu phải trước hạn chót."))
    # the stages follow each other: none ends before an earlier one, nor after a later one
    order = list(Stage.values)
    for other in StageDeadline.objects.filter(campaign=campaign).exclude(stage=stage):
        earlier = order.index(other.stage) < order.index(stage)
        if (earlier and other.due_on > due_on) or (not earlier and other.due_on < due_on):
            raise ValidationError(
                _(
                    "Hạn chót của giai đoạn “%(stage)s” (%(due)s) phải sau hạn của giai đoạn trước và trước hạn của giai đoạn sau (“%(other)s”: %(other_due)s)."
                )
                % {
                    "stage": Stage(stage).label,
                    "due": due_on.strftime("%d/%m/%Y"),
                    "other": Stage(other.stage).label,
                    "other_due": other.due_on.strftime("%d/%m/%Y"),
                }
            )
    deadline, _created = StageDeadline.objects.update_or_create(
        campaign=campaign, stage=stage, defaults={"starts_on": starts_on, "due_on": due_on}
    )
    return deadline


@transaction.atomic
def campaign_add_units(
    *, campaign: Campaign, units: Iterable[Organisation], actor: AbstractBaseUser | None
) -> int:
    """Bring units into scope: one submission each, with a score item per scored node."""
    _check_secretariat(actor, campaign.program_id)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state not in (CampaignState.DRAFT, CampaignState.SELF_ASSESSMENT):
        raise ValidationError(
            _("Chỉ thêm đơn vị khi đợt đánh giá đang chuẩn bị hoặc đang tự đánh giá.")
        )
    frameworks = {cf.level: cf.framework for cf in campaign.frameworks.select_related("framework")}
    year_end = datetime.date(campaign.year, 12, 31)
    already = set(campaign.submissions.values_list("unit_id", flat=True))
    new_units = [unit for unit in units if unit.pk not in already]
    for unit in new_units:
        if not unit.assessed:
            raise ValidationError(_("%(unit)s không thuộc diện đánh giá.") % {"unit": unit.name_vi})
        if not unit.is_valid_on(year_end):
            raise ValidationError(
                _("%(unit)s không còn tồn tại vào cuối năm %(year)s.")
                % {"unit": unit.name_vi, "year": campaign.year}
            )
        if unit.kind not in frameworks:
            raise ValidationError(
                _("Đợt đánh giá chưa có bộ chỉ số cho cấp của %(unit)s.") % {"unit": unit.name_vi}
            )
    leaves_by_level = {
        level: _leaves_with_domains(framework) for level, framework in frameworks.items()
    }
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                campaign=campaign, unit=unit, level=unit.kind, framework=frameworks[unit.kind]
            )
            for unit in new_units
        ]
    )
    if any(s.pk is None for s in submissions):
        by_unit = dict(campaign.submissions.values_list("unit_id", "pk"))
        for submission in submissions:
            submission.pk = by_unit[submission.unit_id]
    ScoreItem.objects.bulk_create(
        [
            ScoreItem(
                submission=submission,
                node=node,
                domain_id=domain_id,
                position=node.position,
                max_points=node.max_points,
                scoring_mode=node.scoring_mode,
                is_deduction=node.scoring_method == ScoringMethod.DEDUCTION,
            )
            for submission in submissions
            for node, domain_id in leaves_by_level[submission.level]
        ],
        batch_size=2000,
    )
    return len(submissions)


def _leaves_with_domains(framework: Framework) -> list[tuple[FrameworkNode, int]]:
    """The scored nodes of a framework in order, each with the id of its domain."""
    nodes = list(FrameworkNode.objects.filter(framework=framework).order_by("position"))
    parent_of = {node.pk: node.parent_id for node in nodes}

    def domain_of(node_id: int) -> int:
        while parent_of[node_id] is not None:
            node_id = parent_of[node_id]
        return node_id

    return [(node, domain_of(node.pk)) for node in nodes if node.is_leaf]


@transaction.atomic
def campaign_route_domain(
    *,
    campaign: Campaign,
    domain: FrameworkNode,
    organisation: Organisation,
    actor: AbstractBaseUser | None,
    ip: str | None = None,
) -> int:
    """Set which organisation reviews `domain` in this campaign. Reviews of the domain that
    no one has been assigned to yet follow the change; assigned ones stay where they are
    (the secretariat reassigns them if it wants). Returns how many reviews moved."""
    from workflow.models import AuditKind
    from workflow.states import DomainReviewState

    _check_secretariat(actor, campaign.program_id)
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
        submission__campaign=campaign, domain=domain, state=DomainReviewState.PENDING
    ).update(organisation=organisation)
    _audit_campaign(
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
    *, campaign: Campaign, days: int, actor: AbstractBaseUser | None, ip: str | None = None
) -> Campaign:
    """How many working days units have to answer a query, by default."""
    from workflow.models import AuditKind

    _check_secretariat(actor, campaign.program_id)
    if not 1 <= days <= 60:
        raise ValidationError(_("Thời hạn trả lời phải từ 1 đến 60 ngày làm việc."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.query_days != days:
        _audit_campaign(
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


def _audit_campaign(campaign: Campaign, action: str, *, actor, ip: str | None, **fields) -> None:
    from workflow.audit import audit_record

    audit_record(
        actor=actor,
        ip=ip,
        program_id=campaign.program_id,
        obj_type="campaign",
        obj_id=campaign.pk,
        action=action,
        stage=campaign.state,
        **fields,
    )


# A new year, from a page or a command ------------------------------------------------------

# the stages whose length is set in working days when a campaign is created, in order
STAGE_DAYS_DEFAULT = {
    Stage.SELF_ASSESSMENT: 20,
    Stage.REVIEW: 15,
    Stage.COUNCIL: 10,
    Stage.PUBLICATION: 10,
}


def campaign_candidates(program: Program, level: str, year: int) -> list[Organisation]:
    """The units a campaign of `program` may put in scope at `level`: assessed, existing at
    the year's end; ministries and provinces for a national program, the owner's own
    departments and communes for a province's or ministry's program."""
    units = Organisation.objects.filter(kind=level, assessed=True)
    if level in (OrganisationKind.MINISTRY, OrganisationKind.PROVINCE):
        units = units.filter(parent__isnull=True)
    else:
        units = units.filter(parent_id=program.owner_id)
    year_end = datetime.date(year, 12, 31)
    return [unit for unit in units.order_by("code") if unit.is_valid_on(year_end)]


def stage_dates(
    starts_on: datetime.date, days: dict[str, int]
) -> dict[str, tuple[datetime.date, datetime.date]]:
    """Each stage's first day and deadline: the stages follow each other, each lasting its
    number of working days (the first starting on `starts_on`)."""
    from appraisal.workdays import add_working_days, is_working_day

    dates, start = {}, starts_on
    for stage in STAGE_DAYS_DEFAULT:
        length = days[stage]
        if not 1 <= length <= 250:
            raise ValidationError(
                _("Thời gian giai đoạn “%(stage)s” phải từ 1 đến 250 ngày làm việc.")
                % {"stage": Stage(stage).label}
            )
        # a stage lasting n working days from a working day ends n-1 working days later
        first = start if is_working_day(start) else add_working_days(start, 1)
        due = add_working_days(first, length - 1)
        dates[stage] = (start, due)
        start = add_working_days(due, 1)
    return dates


@transaction.atomic
def campaign_setup(
    *,
    program: Program,
    year: int,
    name_vi: str,
    name_en: str = "",
    frameworks: Iterable[Framework],
    units: Iterable[Organisation],
    starts_on: datetime.date,
    days: dict[str, int],
    actor: AbstractBaseUser | None,
    ip: str | None = None,
) -> Campaign:
    """A new year in one step, all or nothing: the campaign, its framework per level, its
    units in scope and the deadline of every stage (in working days). The campaign stays in
    preparation: the secretariat opens self-assessment when ready."""
    from workflow.models import AuditKind

    _check_secretariat(actor, program.pk)
    frameworks, units = list(frameworks), list(units)
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Năm đánh giá không hợp lệ."))
    if not frameworks:
        raise ValidationError(_("Chọn bộ chỉ số cho ít nhất một cấp."))
    if not units:
        raise ValidationError(_("Chọn ít nhất một đơn vị được đánh giá."))
    levels = {framework.level for framework in frameworks}
    outside = sorted({unit.code for unit in units if unit.kind not in levels})
    if outside:
        raise ValidationError(
            _("Các đơn vị sau không thuộc cấp nào có bộ chỉ số: %(codes)s.")
            % {"codes": ", ".join(outside)}
        )
    dates = stage_dates(starts_on, days)
    campaign = campaign_create(
        program=program,
        year=year,
        name_vi=name_vi.strip() or f"Chỉ số cải cách hành chính năm {year}",
        name_en=name_en.strip() or f"PAR Index {year}",
        frameworks=frameworks,
        actor=actor,
    )
    for stage, (first, due) in dates.items():
        campaign_set_deadline(
            campaign=campaign, stage=stage, starts_on=first, due_on=due, actor=actor
        )
    added = campaign_add_units(campaign=campaign, units=units, actor=actor)
    _audit_campaign(
        campaign,
        "create",
        actor=actor,
        ip=ip,
        kind=AuditKind.TRANSITION,
        field="units",
        new_value=str(added),
        comment=", ".join(f"{f.level}:{f.code}" for f in frameworks)[:500],
    )
    return campaign


@transaction.atomic
def campaign_remove_units(
    *,
    campaign: Campaign,
    units: Iterable[Organisation],
    reason: str,
    actor: AbstractBaseUser | None,
    ip: str | None = None,
) -> int:
    """Take units out of scope before self-assessment starts (their empty reports go)."""
    from workflow.models import AuditKind

    _check_secretariat(actor, campaign.program_id)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state != CampaignState.DRAFT:
        raise ValidationError(
            _("Chỉ bớt đơn vị khi đợt đánh giá đang chuẩn bị (trước khi mở tự đánh giá).")
        )
    if not reason.strip():
        raise ValidationError(_("Cần nêu lý do bớt đơn vị."))
    codes = sorted(unit.code for unit in units)
    submissions = campaign.submissions.filter(unit__in=list(units))
    if submissions.filter(documents__isnull=False).exists():
        raise ValidationError(_("Hồ sơ của đơn vị đã có tài liệu: không bớt được."))
    removed = submissions.count()
    submissions.delete()  # their score items and deadlines go with them (CASCADE)
    _audit_campaign(
        campaign,
        "remove_units",
        actor=actor,
        ip=ip,
        kind=AuditKind.TRANSITION,
        field="units",
        old_value=", ".join(codes)[:200],
        comment=reason.strip()[:500],
    )
    return removed


@transaction.atomic
def campaign_units_add(
    *,
    campaign: Campaign,
    units: Iterable[Organisation],
    actor: AbstractBaseUser | None,
    ip: str | None = None,
) -> int:
    """`campaign_add_units` from a page or a command, audited."""
    from workflow.models import AuditKind

    units = list(units)
    added = campaign_add_units(campaign=campaign, units=units, actor=actor)
    if added:
        _audit_campaign(
            campaign,
            "add_units",
            actor=actor,
            ip=ip,
            kind=AuditKind.TRANSITION,
            field="units",
            new_value=", ".join(sorted(unit.code for unit in units))[:200],
        )
    return added
