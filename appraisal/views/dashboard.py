"""The managers' dashboard and its Excel export."""

import io
from typing import TypedDict

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from appraisal import permissions
from appraisal.imports.tables import spreadsheet_safe
from appraisal.models import Campaign
from appraisal.models.choices import Level, Region, Role, Stage
from appraisal.requests import AuthenticatedRequest
from appraisal.selectors.dashboard import Dashboard, all_unit_rows, dashboard
from appraisal.selectors.deadlines import LABELS
from appraisal.selectors.reviews import reviewing_organisations
from appraisal.selectors.unit_stages import DONE, STAGES


class Filters(TypedDict):
    level: str
    region: str
    organisation_id: int | None


def _load(request: AuthenticatedRequest, pk: int) -> tuple[Campaign, Filters, Dashboard]:
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(
        permissions.is_secretariat(request.user, campaign.program_id)
        or permissions.has_role(
            request.user, campaign.program_id, {Role.MANAGER, Role.COUNCIL_CHAIR}
        )
    )
    level = request.GET.get("level", "")
    region = request.GET.get("region", "")
    organisation = request.GET.get("organisation", "")
    filters = Filters(
        level=level if level in Level.values else "",
        region=region if region in Region.values else "",
        organisation_id=int(organisation) if organisation.isdigit() else None,
    )
    return campaign, filters, dashboard(campaign, **filters, page=request.GET.get("page"))


@login_required
def campaign_dashboard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign, filters, board = _load(request, pk)
    return render(
        request,
        "appraisal/dashboard.html",
        {
            "campaign": campaign,
            "board": board,
            "filters": filters,
            "levels": Level.choices,
            "regions": Region.choices,
            "organisations": reviewing_organisations(campaign.program_id),
            "stages": [(stage, Stage(stage).label) for stage in STAGES],
            "funnel_max": max([count for _s, _l, count in board.funnel] + [1]),
            "page": board.page,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def campaign_dashboard_xlsx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign, filters, board = _load(request, pk)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Đơn vị")[:31]
    sheet.append(
        [_("Mã"), _("Đơn vị"), _("Trạng thái")] + [str(Stage(stage).label) for stage in STAGES]
    )
    for row in all_unit_rows(campaign, level=filters["level"], region=filters["region"]):
        sheet.append(
            [
                row.submission.unit.code,
                spreadsheet_safe(row.submission.unit.name),
                str(row.submission.get_state_display()),
            ]
            + [
                (_("Xong") if state == DONE else str(LABELS.get(state or "", "")))
                + (f" ({due:%d/%m/%Y})" if due and state not in (DONE, None) else "")
                for _stage, state, due in row.cells
            ]
        )
    loads = book.create_sheet(_("Bộ, ngành thẩm định")[:31])
    loads.append(
        [
            _("Cơ quan"),
            _("Tổng"),
            _("Đang thẩm định"),
            _("Chờ đơn vị"),
            _("Quá hạn"),
            _("Hoàn thành"),
        ]
    )
    for load in board.ministries:
        loads.append(
            [
                load.organisation.name,
                load.total,
                load.open,
                load.waiting_unit,
                load.late,
                load.completed,
            ]
        )
    risks = book.create_sheet(_("Rủi ro trong tuần")[:31])
    risks.append([_("Việc"), _("Hạn"), _("Tình trạng")])
    for risk in board.risks:
        risks.append(
            [spreadsheet_safe(risk.title), risk.due, str(LABELS.get(risk.status or "", ""))]
        )
    if board.risk_count > len(board.risks):
        risks.append(
            [
                _("… và %(n)s việc khác (xem bảng theo dõi thẩm định và danh sách đơn vị)")
                % {"n": board.risk_count - len(board.risks)}
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="tien-do-{campaign.program.code}-{campaign.year}.xlsx"'
    )
    return response
