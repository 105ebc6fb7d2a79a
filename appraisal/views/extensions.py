"""Asking for more time (units, reviewers) and deciding it (the secretariat)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.models import DomainReview, ExtensionRequest, Query
from appraisal.problems import problem_text
from appraisal.requests import AuthenticatedRequest
from workflow.services.extensions import extension_decide, extension_request

T = ExtensionRequest.Target


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@require_POST
@login_required
def extension_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    target = request.POST.get("target", T.STAGE)
    query = review = None
    back = reverse("submission_detail", args=[submission.pk])
    if target == T.QUERY:
        query = get_object_or_404(
            Query.objects.select_related("review"),
            pk=request.POST.get("query") or 0,
            review__submission=submission,
        )
        back = reverse("query_detail", args=[query.pk])
    elif target == T.REVIEW:
        review = get_object_or_404(
            DomainReview, pk=request.POST.get("review") or 0, submission=submission
        )
        back = reverse("review_detail", args=[review.pk])
    elif target != T.STAGE:
        return HttpResponse(status=404)
    proposed = _date(request.POST.get("proposed_due", ""))
    try:
        if proposed is None:
            raise ValidationError(_("Ngày đề nghị không hợp lệ."))
        extension_request(
            submission=submission,
            target=target,
            proposed_due=proposed,
            reason=request.POST.get("reason", "")[:2000],
            actor=request.user,
            query=query,
            review=review,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(request, _("Đã gửi đề nghị gia hạn tới cơ quan thường trực."))
    return redirect(back)


@login_required
def extension_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.is_secretariat(request.user, campaign.program_id))
    requests = ExtensionRequest.objects.filter(submission__campaign=campaign).select_related(
        "submission__unit", "requested_by", "decided_by", "query", "review__domain"
    )
    return render(
        request,
        "appraisal/extensions.html",
        {
            "campaign": campaign,
            "pending": [r for r in requests if r.state == ExtensionRequest.State.PENDING],
            "decided": [r for r in requests if r.state != ExtensionRequest.State.PENDING][:200],
        },
    )


@require_POST
@login_required
def extension_decide_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(ExtensionRequest.objects.select_related("submission"), pk=pk)
    campaign = permissions.get_campaign_for_user(request, extension.submission.campaign_id)
    try:
        grant = request.POST.get("grant") == "1"
        new_due = _date(request.POST.get("new_due", "")) if grant else None
        extension_decide(
            request=extension,
            grant=grant,
            new_due=new_due,
            note=request.POST.get("note", "")[:2000],
            actor=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(request, _("Đã quyết định đề nghị gia hạn."))
    return redirect("extension_list", pk=campaign.pk)
