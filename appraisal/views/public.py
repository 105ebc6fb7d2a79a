"""Published results, open to everyone (no login)."""

import csv
import io
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from appraisal.charts import bar_chart, line_chart
from appraisal.models import Program
from appraisal.selectors import public


def results_index(request: HttpRequest) -> HttpResponse:
    """What the public looks for first: each program's latest year in figures, a search for
    a unit, every published year."""
    campaigns = public.published_campaigns().order_by("program__code", "-year")
    programs: dict[int, tuple[Program, list]] = {}
    for campaign in campaigns:
        programs.setdefault(campaign.program_id, (campaign.program, []))[1].append(campaign)
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "results/index.html",
        {
            "programs": list(programs.values()),
            "headlines": public.headlines(),
            "query": query,
            "found": public.find_units(query) if query else None,
        },
    )


# units per page of a level on the public year page
YEAR_PAGE = 100


def results_year(request: HttpRequest, program: str, year: int) -> HttpResponse:
    campaign = public.get_published(program, year)
    levels = public.level_summaries(campaign)
    for level in levels:
        # the figures are the whole level's; its table and chart show a page of it
        level.page = public.level_page(
            campaign, level.level, request.GET.get(f"p-{level.level}"), YEAR_PAGE
        )
        level.page_ranked = [row for row in level.page if row.result.rank is not None]
        level.page_unranked = [row for row in level.page if row.result.rank is None]
        level.ranking_chart = bar_chart(
            [(row.name, row.index, row.result.group) for row in level.page_ranked],
            title=_("Chỉ số CCHC %(year)s — %(level)s") % {"year": year, "level": level.label},
            reference=level.average,
            reference_label=_("Trung bình"),
        )
        level.domain_chart = bar_chart(
            [(f"{code}. {name}", value, "") for code, name, value in level.domains],
            title=_("Chỉ số thành phần trung bình theo lĩnh vực"),
        )
    return render(
        request,
        "results/year.html",
        {"campaign": campaign, "levels": levels, "documents": public.year_documents(campaign)},
    )


def results_unit(request: HttpRequest, program: str, year: int, unit: str) -> HttpResponse:
    campaign = public.get_published(program, year)
    result = public.get_unit_result(campaign, unit)
    history = public.unit_history(campaign.program, result.unit_id)
    return render(
        request,
        "results/unit.html",
        {
            "campaign": campaign,
            "result": result,
            "row": public.Row(result, campaign.year),
            "sheet": public.year_documents(campaign, f"sheet:{result.unit.code}"),
            "history": history,
            "history_chart": line_chart(
                [(str(past.campaign.year), past.index) for past in history],
                title=_("Chỉ số CCHC qua các năm"),
            ),
            "comparison": public.region_comparison(campaign, result),
            "documents": public.year_documents(campaign),
        },
    )


def _filename(campaign, extension: str) -> str:
    return f"chi-so-cchc-{campaign.program.code}-{campaign.year}.{extension}"


def results_csv(request: HttpRequest, program: str, year: int) -> HttpResponse:
    campaign = public.get_published(program, year)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(public.CSV_COLUMNS)
    writer.writerows(public.export_rows(public.published_levels(campaign)))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign, "csv")}"'
    return response


def results_excel_csv(request: HttpRequest, program: str, year: int) -> HttpResponse:
    """The results as a CSV that a Vietnamese Excel opens by double click: UTF-8 with a byte
    order mark (the accents), a semicolon between fields and a decimal comma (the Vietnamese
    regional settings), Vietnamese headers and values. The machine-readable CSV is the other
    one (results_csv), unchanged."""
    campaign = public.get_published(program, year)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(public.VI_COLUMNS)
    for row in public.vietnamese_rows(public.published_levels(campaign)):
        writer.writerow(
            [
                ""
                if value is None
                else (str(value).replace(".", ",") if i in public.NUMERIC_COLUMNS else value)
                for i, value in enumerate(row)
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign, "excel.csv")}"'
    return response


def results_xlsx(request: HttpRequest, program: str, year: int) -> HttpResponse:
    """The results as a workbook in Vietnamese (headers, level names, numbers as numbers)."""
    campaign = public.get_published(program, year)
    book = Workbook()
    sheet = book.active
    sheet.title = str(campaign.year)
    sheet.append(list(public.VI_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in public.vietnamese_rows(public.published_levels(campaign)):
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, float):
                cell.number_format = "0" if cell.column == 2 else "0.00"
    widths = (22, 9, 12, 36, 12, 12, 10, 10, 12, 7, 10, 14)
    for letter, width in zip("ABCDEFGHIJKL", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "E2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(campaign, "xlsx")}"'
    return response
