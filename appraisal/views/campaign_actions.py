"""Moving a campaign from stage to stage, forward or one stage back, and reopening one
unit's self-assessment. Every move shows what it means in numbers first; a move that shuts
anyone out or cannot be undone asks for the campaign's year to be typed."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal import permissions
from appraisal.problems import problem_text
from appraisal.requests import AuthenticatedRequest, client_ip, posted_ids
from appraisal.selectors.consequences import campaign_move
from appraisal.views.confirm import confirm_page
from workflow.flows import CampaignFlow
from workflow.labels import action_label
from workflow.services import campaign_stages as campaign_services
from workflow.services import submissions as submission_services
from workflow.services.base import offer

FORWARD = ("open_self_assessment", "start_review", "start_council", "publish", "archive")
BACK = ("reopen_self_assessment", "reopen_review")
CAMPAIGN_ACTIONS = FORWARD + BACK


def campaign_actions(user, campaign) -> list[dict]:
    """The campaign's moves this user may make now. One the service would refuse now is
    shown disabled with the service's message; one the user may never make, not at all."""
    out = []
    for name in CAMPAIGN_ACTIONS:
        ok, why = offer(CampaignFlow, campaign, name, user, needs_reason=name in BACK)
        if ok or why:
            out.append(
                {
                    "name": name,
                    "label": action_label("campaign", name),
                    "back": name in BACK,
                    "refused": why,
                }
            )
    return out


@require_http_methods(["GET", "POST"])
@login_required
def campaign_transition(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    """GET: what the move means, in numbers, and the confirmation it needs. POST: the move."""
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.is_secretariat(request.user, campaign.program_id))
    if name not in CAMPAIGN_ACTIONS:
        raise Http404
    consequences = campaign_move(campaign, name)
    error = ""
    if request.method == "POST":
        comment = request.POST.get("comment", "").strip()[:4000]
        typed = request.POST.get("typed", "").strip()
        if consequences.needs_typing and typed != str(campaign.year):
            error = _("Gõ đúng năm của đợt đánh giá (%(year)s) để xác nhận.") % {
                "year": campaign.year
            }
        else:
            service = getattr(campaign_services, f"campaign_{name}")
            try:
                service(
                    campaign=campaign, actor=request.user, comment=comment, ip=client_ip(request)
                )
            except (ValidationError, PermissionDenied) as exc:
                error = problem_text(exc)
            else:
                messages.success(
                    request,
                    _("Đã thực hiện: %(action)s.") % {"action": action_label("campaign", name)},
                )
                return redirect("campaign_detail", pk=campaign.pk)
    _ok, refused = offer(CampaignFlow, campaign, name, request.user, needs_reason=name in BACK)
    return confirm_page(
        request,
        refused=refused if request.method == "GET" else "",
        campaign=campaign,
        title=action_label("campaign", name),
        consequences=consequences,
        needs_reason=name in BACK,
        typed_expected=str(campaign.year) if consequences.needs_typing else "",
        error=error,
        action_url=reverse("campaign_transition", args=[campaign.pk, name]),
        cancel_url=reverse("campaign_detail", args=[campaign.pk]),
        danger=name in BACK,
    )


@require_POST
@login_required
def submission_reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The secretariat reopens one unit's self-assessment with a new deadline."""
    submission = permissions.get_submission_for_user(request, pk)
    try:
        due_on = datetime.date.fromisoformat(request.POST.get("due_on", ""))
    except ValueError:
        due_on = None
    try:
        if due_on is None:
            raise ValidationError(_("Nhập hạn mới (ngày/tháng/năm)."))
        submission_services.submission_reopen_self_assessment(
            submission=submission,
            due_on=due_on,
            actor=request.user,
            comment=request.POST.get("comment", "")[:4000],
            ip=client_ip(request),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(
            request,
            _("Đã mở lại tự đánh giá cho đơn vị đến hết ngày %(date)s.")
            % {"date": due_on.strftime("%d/%m/%Y")},
        )
    return redirect("submission_detail", pk=submission.pk)


@require_POST
@login_required
def campaign_start_reviews(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The secretariat sends several submitted reports into review at once."""
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.is_secretariat(request.user, campaign.program_id))
    ids = posted_ids(request, "submission")
    chosen = list(campaign.submissions.filter(pk__in=ids).select_related("unit"))
    if not chosen:
        messages.error(request, _("Chưa chọn hồ sơ nào."))
    else:
        try:
            n = submission_services.submissions_start_review(
                submissions=chosen, actor=request.user, ip=client_ip(request)
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request,
                _("Chưa hồ sơ nào được chuyển thẩm định: %(why)s") % {"why": problem_text(exc)},
            )
        else:
            messages.success(request, _("Đã chuyển %(n)s hồ sơ sang thẩm định.") % {"n": n})
    return redirect(request.POST.get("next") or reverse("campaign_detail", args=[campaign.pk]))
