"""The secretariat's results work: survey points (upload, preview, apply) and the preview of
the year's index before publication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.models import SurveyResult, SurveyUpload
from appraisal.models.choices import Level
from appraisal.models.states import CampaignState
from appraisal.problems import ProblemsError, problem_text
from appraisal.requests import AuthenticatedRequest, client_ip
from appraisal.selectors.results import level_preview
from documents.models import CampaignDocument
from documents.publication import publication_keys
from workflow.services.results import submission_exclude
from workflow.services.survey import survey_apply, survey_upload

MAX_BYTES = 2 * 1024 * 1024


def _campaign(request: AuthenticatedRequest, pk: int):
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.is_secretariat(request.user, campaign.program_id))
    return campaign


@login_required
def survey_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    preview = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Chưa chọn tệp nào."))
        elif (upload.size or 0) > MAX_BYTES:
            messages.error(request, _("Tệp quá lớn (tối đa 2 MB)."))
        elif not (upload.name or "").lower().endswith((".csv", ".xlsx")):
            messages.error(request, _("Chỉ nhận tệp .csv hoặc .xlsx."))
        else:
            preview = survey_upload(
                campaign=campaign,
                data=upload.read(),
                filename=upload.name or "",
                actor=request.user,
            )
    return render(
        request,
        "appraisal/survey.html",
        {
            "campaign": campaign,
            "preview": preview,
            "results": SurveyResult.objects.filter(campaign=campaign).select_related("unit"),
            "uploads": SurveyUpload.objects.filter(campaign=campaign)
            .select_related("uploaded_by")
            .defer("data")[:10],
        },
    )


@require_POST
@login_required
def survey_confirm(request: AuthenticatedRequest, pk: int, upload_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    upload = get_object_or_404(SurveyUpload, pk=upload_pk, campaign=campaign)
    try:
        count = survey_apply(upload=upload, actor=request.user, ip=client_ip(request))
    except ProblemsError as exc:
        for problem in exc.problems[:50]:
            messages.error(request, str(problem))
    except ValidationError as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(request, _("Đã cập nhật điểm điều tra của %(n)s đơn vị.") % {"n": count})
    return redirect("survey_page", pk=campaign.pk)


# units per page of a level in the results preview
PREVIEW_PAGE = 100


@login_required
def results_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The index as it would be published now, level by level (not public, not stored)."""
    campaign = _campaign(request, pk)
    levels = []
    for level, label in Level.choices:
        if campaign.frameworks.filter(level=level).exists():
            results = level_preview(campaign, level, parts=False)
            # the whole level is ranked; a page of it is shown (its own page number per level)
            page = Paginator(results.results, PREVIEW_PAGE).get_page(request.GET.get(f"p-{level}"))
            levels.append((level, label, results, page))
    return render(
        request, "appraisal/results_preview.html", {"campaign": campaign, "levels": levels}
    )


@require_POST
@login_required
def submission_scope(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Leave a report out of the year's results with a reason, or take it back in."""
    submission = permissions.get_submission_for_user(request, pk)
    try:
        submission_exclude(
            submission=submission,
            reason=request.POST.get("reason", ""),
            actor=request.user,
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(request, _("Đã cập nhật phạm vi tính kết quả."))
    return redirect("submission_detail", pk=submission.pk)


def publication_progress(campaign) -> dict | None:
    """The published year's documents and how many of them the workers have made."""
    if campaign.state not in (CampaignState.PUBLISHED, CampaignState.ARCHIVED):
        return None

    keys = publication_keys(campaign)
    made = {d.key: d for d in CampaignDocument.objects.filter(campaign=campaign, key__in=keys)}
    return {
        "total": len(keys),
        "made": len(made),
        "decision": made.get("decision"),
        "year_report": made.get("year_report"),
    }
