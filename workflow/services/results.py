"""Writing results: the snapshot of a level at publication, past years' published results,
and the survey points. Every import is checked as a whole and written all or nothing."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.imports.tables import domain_parts, first_time, name_key, read_points, read_table
from appraisal.index import LevelResults, UnitInput, compute_level
from appraisal.models import (
    Campaign,
    Organisation,
    Program,
    Submission,
    UnitResult,
)
from appraisal.models.choices import Level, Ranked
from appraisal.models.states import CampaignState
from appraisal.problems import Problem, ProblemsError
from appraisal.selectors.results import previous_indices, result_rows
from workflow.audit import audit_record
from workflow.models import AuditKind
from workflow.statistics import after_bulk_write


def results_store(*, campaign: Campaign, level: str, results: LevelResults) -> int:
    """Store a level's results as published: replaces that level's rows of this campaign
    (so running it twice gives the same rows). Runs in the caller's transaction."""
    UnitResult.objects.filter(campaign=campaign, level=level).delete()
    rows = result_rows(campaign, level, results)
    UnitResult.objects.bulk_create(rows)
    after_bulk_write([UnitResult], len(rows))
    return len(rows)


# Reading tables (CSV or XLSX) -----------------------------------------------------------


@dataclass
class UnitMatcher:
    """Finds the units of a level that existed in a year, by code or by name."""

    level: str
    year: int
    by_code: dict[str, Organisation] = field(default_factory=dict)
    by_name: dict[str, list[Organisation]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        day = datetime.date(self.year, 12, 31)
        units = Organisation.objects.filter(kind=self.level, assessed=True).prefetch_related(
            "former_names"
        )
        for org in units:
            if not org.is_valid_on(day):
                continue
            self.by_code[org.code.casefold()] = org
            # its names of today and those it bore before (a renamed unit keeps its code)
            names = {org.name_vi, org.name_en}
            for former in org.former_names.all():
                names |= {former.name_vi, former.name_en}
            for name in names:
                if name:
                    self.by_name.setdefault(name_key(name), []).append(org)

    def find(self, row: dict[str, str], where: str, problems: list[Problem]) -> Organisation | None:
        code, name = row.get("unit_code", ""), row.get("unit_name", "")
        if code:
            org = self.by_code.get(code.casefold())
            if org is None:
                problems.append(
                    Problem(
                        where,
                        _("Không có đơn vị mã “%(code)s” trong năm %(year)s.")
                        % {"code": code[:40], "year": self.year},
                    )
                )
            return org
        if not name:
            problems.append(Problem(where, _("Cần cột unit_code hoặc unit_name.")))
            return None
        found = self.by_name.get(name_key(name), [])
        if len(found) != 1:
            problems.append(
                Problem(
                    where,
                    (
                        _("Không tìm thấy đơn vị “%(name)s” trong năm %(year)s.")
                        if not found
                        else _("Tên “%(name)s” ứng với nhiều đơn vị; dùng unit_code.")
                    )
                    % {"name": name[:80], "year": self.year},
                )
            )
            return None
        return found[0]


@dataclass
class PastResults:
    campaign: Campaign
    level: str
    stored: int


@transaction.atomic
def results_import(
    *,
    program: Program,
    year: int,
    level: str,
    data: bytes,
    filename: str,
    actor: User | None,
) -> PastResults:
    """Load a past year's published results of one level as a published campaign, so that
    year-on-year comparison works from the first year. Columns: `unit_code` or `unit_name`,
    `appraisal_points`, `survey_points`, optional `max_points` (default 100), optional
    `domain_<code>` points with `domain_<code>_max`. The same computation as live results."""
    if actor is not None and not permissions.is_secretariat(actor, program.pk):
        raise ValidationError(_("Chỉ cơ quan thường trực của chương trình mới được làm việc này."))
    if level not in Level.values:
        raise ValidationError(_("Cấp “%(level)s” không hợp lệ.") % {"level": level})
    rows, problems = read_table(data, filename)
    matcher = UnitMatcher(level=level, year=year)
    inputs: list[UnitInput] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(rows, start=2):
        where = _("dòng %(n)s") % {"n": number}
        org = matcher.find(row, where, problems)
        appraisal = read_points(
            row.get("appraisal_points", ""), where, "appraisal_points", problems
        )
        survey = read_points(row.get("survey_points", ""), where, "survey_points", problems)
        maximum = read_points(
            row.get("max_points", ""), where, "max_points", problems, required=False
        )
        maximum = Decimal(100) if maximum is None else maximum
        domains = domain_parts(row, where, problems)
        if org is None or appraisal is None or survey is None:
            continue
        if not first_time(org, number, seen, where, problems):
            continue
        if maximum <= 0 or appraisal + survey > maximum:
            problems.append(
                Problem(where, _("Tổng điểm vượt điểm tối đa (%(max)s).") % {"max": maximum})
            )
            continue
        inputs.append(
            UnitInput(
                unit_id=org.pk,
                code=org.code,
                name_vi=org.name_vi,
                name_en=org.name_en,
                region=org.region,
                ranked=org.ranked != Ranked.NO,
                appraisal_points=appraisal,
                survey_points=survey,
                max_points=maximum,
                domains=domains,
            )
        )
    if not rows and not problems:
        problems.append(Problem("", _("Tệp không có dòng dữ liệu nào.")))
    campaign = Campaign.objects.filter(program=program, year=year).first()
    if campaign is not None and not campaign.imported:
        problems.append(
            Problem(
                "",
                _("Năm %(year)s đã có đợt đánh giá trong hệ thống: không nhập đè kết quả.")
                % {"year": year},
            )
        )
    if problems:
        raise ProblemsError(problems)
    if campaign is None:
        campaign = Campaign.objects.create(
            program=program,
            year=year,
            name_vi=f"Chỉ số cải cách hành chính năm {year}",
            name_en=f"PAR Index {year}",
            state=CampaignState.PUBLISHED,
            imported=True,
            # published elsewhere, on a day not known here: the import day is not it
            published_at=None,
        )
    results = compute_level(inputs, previous_indices(campaign, level))
    stored = results_store(campaign=campaign, level=level, results=results)
    audit_record(
        kind=AuditKind.TRANSITION,
        actor=actor,
        program_id=program.pk,
        obj_type="campaign",
        obj_id=campaign.pk,
        action="import_results",
        field=level,
        new_value=f"{stored} {filename}"[:200],
        stage=CampaignState.PUBLISHED,
    )
    return PastResults(campaign, level, stored)


# Survey points --------------------------------------------------------------------------


@transaction.atomic
def submission_exclude(
    *, submission: Submission, reason: str, actor: User, ip: str | None = None
) -> Submission:
    """Leave a report out of the year's results (or, with an empty reason, take it back in)."""
    submission = (
        Submission.objects.select_related("campaign", "unit")
        .select_for_update(of=("self",))
        .get(pk=submission.pk)
    )
    if not permissions.is_secretariat(actor, submission.campaign.program_id):
        raise ValidationError(_("Chỉ cơ quan thường trực của chương trình mới được làm việc này."))
    if submission.campaign.state in (CampaignState.PUBLISHED, CampaignState.ARCHIVED):
        raise ValidationError(_("Kết quả đã công bố: không thay đổi phạm vi tính kết quả."))
    reason = reason.strip()[:2000]
    if reason == submission.exclusion_reason:
        return submission
    audit_record(
        kind=AuditKind.TRANSITION,
        actor=actor,
        ip=ip,
        program_id=submission.campaign.program_id,
        submission_id=submission.pk,
        obj_type="submission",
        obj_id=submission.pk,
        action="exclude" if reason else "include",
        field="exclusion_reason",
        old_value=submission.exclusion_reason,
        new_value=reason,
        comment=reason,
        stage=submission.campaign.state,
    )
    submission.exclusion_reason = reason
    submission.save(update_fields=["exclusion_reason", "updated_at"])
    return submission
