import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils.translation import gettext as _

from appraisal.models import (
    Campaign,
    CampaignFramework,
    Framework,
    FrameworkNode,
    Organisation,
    Program,
    ScoreItem,
    StageDeadline,
    Submission,
)
from appraisal.models.choices import ScoringMethod, Stage
from appraisal.models.states import CampaignState
from appraisal.selectors.campaigns import stage_dates
from workflow.audit import audit_campaign
from workflow.bulk import insert_values
from workflow.models import AuditKind
from workflow.services.base import require_secretariat
from workflow.statistics import after_bulk_write


@transaction.atomic
def campaign_create(
    *,
    program: Program,
    year: int,
    name_vi: str,
    name_en: str = "",
    frameworks: Iterable[Framework],
    actor: User | None,
) -> Campaign:
    require_secretariat(actor, program.pk)
    if Campaign.objects.filter(program=program, year=year).exists():
        raise ValidationError(
            _("Chương trình này đã có đợt đánh giá năm %(year)s.") % {"year": year}
        )
    campaign = Campaign.objects.create(program=program, year=year, name_vi=name_vi, name_en=name_en)
    for framework in frameworks:
        campaign_set_framework(campaign=campaign, framework=framework, actor=actor)
    return campaign


@transaction.atomic
def campaign_set_framework(*, campaign: Campaign, framework: Framework, actor: User | None) -> None:
    require_secretariat(actor, campaign.program_id)
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
    actor: User | None,
) -> StageDeadline:
    require_secretariat(actor, campaign.program_id)
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
    *, campaign: Campaign, units: Iterable[Organisation], actor: User | None
) -> int:
    """Bring units into scope: one submission each, with a score item per scored node."""
    require_secretariat(actor, campaign.program_id)
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
    items = _insert_items(submissions, leaves_by_level)
    after_bulk_write([Submission, ScoreItem], items)
    return len(submissions)


def _insert_items(
    submissions: list[Submission], leaves_by_level: dict[str, list[tuple[FrameworkNode, int]]]
) -> int:
    """A score item for every scored node of each submission, inserted as plain values.

    The items of one level differ only in their submission, so each node's values are
    prepared for the database once, not once per unit: preparing them per item, as
    `bulk_create` does, was most of the time it took to bring 63 provinces into a year.
    PostgreSQL receives them through COPY (workflow/bulk.py)."""
    connection = connections[router.db_for_write(ScoreItem)]
    fields = [field for field in ScoreItem._meta.concrete_fields if not field.primary_key]
    submission_at = fields.index(ScoreItem._meta.get_field("submission"))
    prepared: dict[str, list[list[Any]]] = {}
    for level, leaves in leaves_by_level.items():
        prepared[level] = []
        for node, domain_id in leaves:
            item = ScoreItem(
                node=node,
                domain_id=domain_id,
                position=node.position,
                max_points=node.max_points,
                scoring_mode=node.scoring_mode,
                is_deduction=node.scoring_method == ScoringMethod.DEDUCTION,
            )
            prepared[level].append(
                [field.get_db_prep_save(field.pre_save(item, True), connection) for field in fields]
            )
    rows = []
    for submission in submissions:
        for values in prepared[submission.level]:
            row = list(values)
            row[submission_at] = submission.pk
            rows.append(row)
    insert_values(
        connection,
        ScoreItem._meta.db_table,
        [field.get_attname_column()[1] or "" for field in fields],
        rows,
    )
    return len(rows)


def _leaves_with_domains(framework: Framework) -> list[tuple[FrameworkNode, int]]:
    """The scored nodes of a framework in order, each with the id of its domain."""
    nodes = list(FrameworkNode.objects.filter(framework=framework).order_by("position"))
    parent_of = {node.pk: node.parent_id for node in nodes}

    def domain_of(node_id: int) -> int:
        parent = parent_of[node_id]
        while parent is not None:
            node_id, parent = parent, parent_of[parent]
        return node_id

    return [(node, domain_of(node.pk)) for node in nodes if node.is_leaf]


# A new year, from a page or a command ------------------------------------------------------


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
    actor: User | None,
    ip: str | None = None,
) -> Campaign:
    """A new year in one step, all or nothing: the campaign, its framework per level, its
    units in scope and the deadline of every stage (in working days). The campaign stays in
    preparation: the secretariat opens self-assessment when ready."""
    require_secretariat(actor, program.pk)
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
    audit_campaign(
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
    actor: User | None,
    ip: str | None = None,
) -> int:
    """Take units out of scope before self-assessment starts (their empty reports go)."""
    require_secretariat(actor, campaign.program_id)
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
    audit_campaign(
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
    actor: User | None,
    ip: str | None = None,
) -> int:
    """`campaign_add_units` from a page or a command, audited."""
    units = list(units)
    added = campaign_add_units(campaign=campaign, units=units, actor=actor)
    if added:
        audit_campaign(
            campaign,
            "add_units",
            actor=actor,
            ip=ip,
            kind=AuditKind.TRANSITION,
            field="units",
            new_value=", ".join(sorted(unit.code for unit in units))[:200],
        )
    return added
