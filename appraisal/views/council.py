"""The appraisal council: its members and sessions, and the appraisal page of a report."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import consequences, permissions
from appraisal.forms import OrganisationField, PersonField, program_organisations
from appraisal.models import (
    CouncilMember,
    CouncilSession,
    DomainReview,
    FrameworkNode,
    ScoreItem,
    Submission,
)
from appraisal.models.choices import NodeKind, Role
from appraisal.problems import problem_text
from appraisal.requests import client_ip
from appraisal.services.council import (
    council_member_add,
    council_session_create,
    council_session_minutes,
)
from appraisal.views.confirm import confirm_page, confirmed
from appraisal.views.reviews import parse_score
from workflow.flows import SubmissionFlow
from workflow.services.base import ReasonNeeded, offer
from workflow.services.scores import score_finalise, scores_finalise_from_proposals
from workflow.services.submissions import submission_appraise, submission_send_back_to_review
from workflow.states import QueryState, SubmissionState

_problem = problem_text


def _council_viewer(request: HttpRequest, submission: Submission) -> None:
    program_id = submission.campaign.program_id
    permissions.require(
        permissions.is_council_member_for(request.user, submission)
        or permissions.is_secretariat(request.user, program_id)
    )


def _council_campaign(request: HttpRequest, pk: int):
    """The campaign, for the secretariat (who may change its council) and council members."""
    campaign = permissions.get_campaign_for_user(request, pk)
    secretariat = permissions.is_secretariat(request.user, campaign.program_id)
    permissions.require(
        secretariat
        or permissions.has_role(
            request.user, campaign.program_id, {Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}
        )
    )
    return campaign, secretariat


@login_required
def council_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Members and sessions of a campaign's council; the secretariat sets them up."""
    campaign, secretariat = _council_campaign(request, pk)
    if request.method == "POST":
        permissions.require(secretariat)
        try:
            if request.POST.get("form") == "member":
                user = PersonField(required=False).clean(request.POST.get("username", ""))
                organisation = OrganisationField(
                    required=False, queryset=program_organisations(campaign.program)
                ).clean(request.POST.get("organisation", ""))
                if user is None or organisation is None:
                    raise ValidationError(_("Chọn người và cơ quan trong danh sách gợi ý."))
                council_member_add(
                    campaign=campaign,
                    user=user,
                    position=request.POST.get("position", ""),
                    organisation=organisation,
                    actor=request.user,
                    ip=client_ip(request),
                )
                messages.success(request, _("Đã thêm thành viên Hội đồng."))
            else:
                try:
                    held_on = datetime.date.fromisoformat(request.POST.get("held_on", ""))
                except ValueError as exc:
                    raise ValidationError(_("Ngày họp không hợp lệ.")) from exc
                agenda = campaign.submissions.filter(
                    pk__in=[int(v) for v in request.POST.getlist("agenda") if v.isdigit()]
                )
                session = council_session_create(
                    campaign=campaign,
                    held_on=held_on,
                    place=request.POST.get("place", ""),
                    agenda=agenda,
                    actor=request.user,
                    ip=client_ip(request),
                )
                messages.success(request, _("Đã tạo phiên họp số %(n)s.") % {"n": session.number})
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _problem(exc))
        return redirect("council_page", pk=campaign.pk)
    return render(
        request,
        "appraisal/council.html",
        {
            "campaign": campaign,
            "members": CouncilMember.objects.filter(campaign=campaign).select_related(
                "user", "organisation"
            ),
            "sessions": CouncilSession.objects.filter(campaign=campaign).annotate(
                reports=Count("agenda")
            ),
            "positions": CouncilMember.Position.choices,
            "in_council": campaign.submissions.filter(
                state=SubmissionState.IN_COUNCIL
            ).select_related("unit"),
            "secretariat": secretariat,
        },
    )


@login_required
def council_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(CouncilSession.objects.select_related("campaign__program"), pk=pk)
    campaign, secretariat = _council_campaign(request, session.campaign_id)
    if request.method == "POST":
        permissions.require(secretariat)
        try:
            council_session_minutes(
                session=session,
                minutes=request.POST.get("minutes", ""),
                actor=request.user,
                ip=client_ip(request),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _problem(exc))
        else:
            messages.success(request, _("Đã lưu biên bản."))
        return redirect("council_session", pk=session.pk)
    return render(
        request,
        "appraisal/council_session.html",
        {
            "session": session,
            "campaign": campaign,
            "agenda": session.agenda.select_related("unit").order_by("level", "unit__code"),
            "members": CouncilMember.objects.filter(campaign=campaign).select_related(
                "user", "organisation"
            ),
            "secretariat": secretariat,
            "minutes_key": f"minutes:{session.number}",
        },
    )


def _appraisal_context(request: HttpRequest, submission: Submission) -> dict:
    user = request.user
    items = list(
        ScoreItem.objects.filter(submission=submission)
        .select_related("node")
        .annotate(open_queries=Count("queries", filter=~Q(queries__state=QueryState.CLOSED)))
        .order_by("position")
    )
    domains = {
        node.pk: {
            "node": node,
            "items": [],
            "self": Decimal(0),
            "review": Decimal(0),
            "final": Decimal(0),
        }
        for node in FrameworkNode.objects.filter(
            framework_id=submission.framework_id, kind=NodeKind.DOMAIN
        ).order_by("position")
    }
    reviews = {
        r.domain_id: r
        for r in DomainReview.objects.filter(submission=submission).select_related("reviewer")
    }
    for item in items:
        domain = domains[item.domain_id]
        domain["items"].append(item)
        if item.applicable and item.scoring_mode != "survey":
            domain["self"] += item.self_score or 0
            domain["review"] += item.review_score or 0
            domain["final"] += item.final_score or 0
    for domain_id, domain in domains.items():
        domain["review_obj"] = reviews.get(domain_id)
    in_council = submission.state == SubmissionState.IN_COUNCIL
    member = permissions.is_council_member_for(user, submission)
    return {
        "submission": submission,
        "domains": list(domains.values()),
        "can_finalise": in_council and member,
        "is_chair": in_council and permissions.is_council_chair_for(user, submission),
        "missing": sum(
            1
            for i in items
            if i.applicable and i.scoring_mode != "survey" and i.final_score is None
        ),
    }


@login_required
def submission_appraisal(request: HttpRequest, pk: int) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    _council_viewer(request, submission)
    return render(request, "appraisal/appraisal.html", _appraisal_context(request, submission))


@require_POST
@login_required
def item_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ScoreItem.objects.select_related("submission"), pk=pk)
    submission = permissions.get_submission_for_user(request, item.submission_id)
    _council_viewer(request, submission)
    status, error, awaiting = 200, "", ""
    try:
        score_finalise(
            item=item,
            actor=request.user,
            value=parse_score(request.POST.get("score", "")),
            reason=request.POST.get("reason", "")[:4000],
            ip=client_ip(request),
        )
    except ReasonNeeded as exc:  # the pair is not complete yet: kept, not refused
        awaiting = _("Chưa lưu: %(why)s") % {"why": _problem(exc)}
    except ValidationError as exc:
        status, error = 422, _problem(exc)
    except PermissionDenied as exc:
        status, error = 403, _problem(exc)
    if not request.headers.get("HX-Request"):
        if error or awaiting:
            messages.error(request, error or awaiting)
        return redirect(f"{_appraisal_url(submission)}#final-{item.pk}")
    item = (
        ScoreItem.objects.select_related("node")
        .annotate(open_queries=Count("queries", filter=~Q(queries__state=QueryState.CLOSED)))
        .get(pk=item.pk)
    )
    context = _appraisal_context(request, submission)
    html = render_to_string(
        "appraisal/_appraisal_item.html",
        {
            **context,
            "item": item,
            "error": error,
            "awaiting": awaiting,
            "entered": request.POST if error or awaiting else None,
            "saved": not (error or awaiting),
        },
        request=request,
    )
    # the count of items still without a final score stays live (out of band)
    html += render_to_string(
        "appraisal/_appraisal_summary.html", {**context, "oob": True}, request=request
    )
    return HttpResponse(html, status=status)


def _appraisal_url(submission: Submission) -> str:
    from django.urls import reverse

    return reverse("submission_appraisal", args=[submission.pk])


@require_POST
@login_required
def appraisal_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    _council_viewer(request, submission)
    ip = client_ip(request)
    if name in ("accept_proposals", "appraise") and not confirmed(request):
        refused = ""
        if name == "appraise":
            _ok, refused = offer(SubmissionFlow, submission, "appraise", request.user)
        return confirm_page(
            request,
            refused=refused,
            campaign=submission.campaign,
            subject=submission.unit.name,
            title=_("Lấy điểm đề xuất làm điểm chốt")
            if name == "accept_proposals"
            else _("Chủ tịch xác nhận kết quả"),
            consequences=consequences.accept_proposals(submission)
            if name == "accept_proposals"
            else consequences.appraise(submission),
            action_url=request.path,
            cancel_url=_appraisal_url(submission),
        )
    try:
        if name == "accept_proposals":
            count = scores_finalise_from_proposals(submission=submission, actor=request.user, ip=ip)
            messages.success(request, _("Đã chốt %(n)s tiêu chí theo điểm đề xuất.") % {"n": count})
        elif name == "appraise":
            submission_appraise(submission=submission, actor=request.user, ip=ip)
            messages.success(request, _("Hội đồng đã chốt điểm hồ sơ."))
        elif name == "send_back":
            domains = FrameworkNode.objects.filter(
                framework_id=submission.framework_id,
                kind=NodeKind.DOMAIN,
                pk__in=[int(v) for v in request.POST.getlist("domain") if v.isdigit()],
            )
            submission_send_back_to_review(
                submission=submission,
                domains=domains,
                actor=request.user,
                comment=request.POST.get("comment", "")[:4000],
                ip=ip,
            )
            messages.success(request, _("Đã trả các lĩnh vực đã chọn về thẩm định lại."))
        else:
            return HttpResponse(status=404)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc))
    return redirect("submission_appraisal", pk=submission.pk)
