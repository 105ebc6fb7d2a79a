"""The appraisal council: its members and sessions, and the appraisal page of a report."""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.forms.common import OrganisationField, PersonField, program_organisations
from appraisal.models import (
    CouncilMember,
    CouncilSession,
    DomainReview,
    FrameworkNode,
    ScoreItem,
    Submission,
)
from appraisal.models.choices import NodeKind, Role, ScoringMode
from appraisal.models.states import QueryState, SubmissionState
from appraisal.problems import problem_text
from appraisal.requests import AuthenticatedRequest, client_ip, posted_ids
from appraisal.selectors import consequences
from appraisal.views.confirm import confirm_page, confirmed
from appraisal.views.reviews import parse_score
from appraisal.views.saving import save_answer, try_save
from workflow.flows import SubmissionFlow
from workflow.services.base import offer
from workflow.services.council import (
    council_member_add,
    council_session_close,
    council_session_create,
    council_session_minutes,
)
from workflow.services.scores import score_finalise
from workflow.services.scores_bulk import scores_finalise_from_proposals
from workflow.services.submissions import submission_appraise, submission_send_back_to_review


def _council_viewer(request: AuthenticatedRequest, submission: Submission) -> None:
    program_id = submission.campaign.program_id
    permissions.require(
        permissions.is_council_member_for(request.user, submission)
        or permissions.is_secretariat(request.user, program_id)
    )


def _council_campaign(request: AuthenticatedRequest, pk: int):
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
def council_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
                agenda = campaign.submissions.filter(pk__in=posted_ids(request, "agenda"))
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
            messages.error(request, problem_text(exc))
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
def council_session(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(CouncilSession.objects.select_related("campaign__program"), pk=pk)
    campaign, secretariat = _council_campaign(request, session.campaign_id)
    if request.method == "POST":
        permissions.require(secretariat)
        try:
            times = {}
            for name in ("starts_at", "ends_at"):
                given = request.POST.get(name, "").strip()
                try:
                    times[name] = datetime.time.fromisoformat(given) if given else None
                except ValueError as exc:
                    raise ValidationError(_("Giờ không hợp lệ (giờ:phút).")) from exc
            council_session_minutes(
                session=session,
                minutes=request.POST.get("minutes", ""),
                actor=request.user,
                ip=client_ip(request),
                absent=CouncilMember.objects.filter(
                    campaign=campaign, pk__in=posted_ids(request, "absent")
                ),
                **times,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, problem_text(exc))
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
            "absent_ids": set(session.absent.values_list("pk", flat=True)),
            "secretariat": secretariat,
            "minutes_key": f"minutes:{session.number}",
        },
    )


@require_POST
@login_required
def council_session_close_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The secretariat closes the minutes: numbered, signed, never edited again."""
    session = get_object_or_404(CouncilSession.objects.select_related("campaign"), pk=pk)
    _campaign, secretariat = _council_campaign(request, session.campaign_id)
    permissions.require(secretariat)
    try:
        document = council_session_close(session=session, actor=request.user, ip=client_ip(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(
            request,
            _("Đã chốt biên bản số %(reference)s; bản ký số sẽ sẵn sàng sau ít phút.")
            % {"reference": document.reference},
        )
    return redirect("council_session", pk=session.pk)


def _appraisal_context(request: AuthenticatedRequest, submission: Submission) -> dict:
    user = request.user
    items = list(
        ScoreItem.objects.filter(submission=submission)
        .select_related("node")
        .annotate(open_queries=Count("queries", filter=~Q(queries__state=QueryState.CLOSED)))
        .order_by("position")
    )
    domains: dict[int, dict[str, Any]] = {
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
        if item.applicable and item.scoring_mode != ScoringMode.SURVEY:
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
            if i.applicable and i.scoring_mode != ScoringMode.SURVEY and i.final_score is None
        ),
    }


@login_required
def submission_appraisal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    _council_viewer(request, submission)
    return render(request, "appraisal/appraisal.html", _appraisal_context(request, submission))


@require_POST
@login_required
def item_finalise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ScoreItem.objects.select_related("submission"), pk=pk)
    submission = permissions.get_submission_for_user(request, item.submission_id)
    _council_viewer(request, submission)
    saved = try_save(
        lambda: score_finalise(
            item=item,
            actor=request.user,
            value=parse_score(request.POST.get("score", "")),
            reason=request.POST.get("reason", "")[:4000],
            ip=client_ip(request),
        )
    )

    def fragment() -> str:
        shown = (
            ScoreItem.objects.select_related("node")
            .annotate(open_queries=Count("queries", filter=~Q(queries__state=QueryState.CLOSED)))
            .get(pk=item.pk)
        )
        context = _appraisal_context(request, submission)
        html = render_to_string(
            "appraisal/_appraisal_item.html",
            {**context, **saved.context(request), "item": shown},
            request=request,
        )
        # the count of items still without a final score stays live (out of band)
        return html + render_to_string(
            "appraisal/_appraisal_summary.html", {**context, "oob": True}, request=request
        )

    back_to = f"{_appraisal_url(submission)}#final-{item.pk}"
    return save_answer(request, saved, back_to=back_to, fragment=fragment)


def _appraisal_url(submission: Submission) -> str:
    return reverse("submission_appraisal", args=[submission.pk])


@require_POST
@login_required
def appraisal_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
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
                pk__in=posted_ids(request, "domain"),
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
        messages.error(request, problem_text(exc))
    return redirect("submission_appraisal", pk=submission.pk)
