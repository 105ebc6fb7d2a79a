"""The line-ministry review: routing, the assignment queue, the reviewer's pages, queries,
and the secretariat's matrix."""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.forms.reviews import RaiseQueryForm
from appraisal.models import DomainReview, ScoreItem
from appraisal.models.choices import ScoringMode
from appraisal.models.states import DomainReviewState, QueryState
from appraisal.problems import problem_text
from appraisal.requests import AuthenticatedRequest, client_ip
from appraisal.selectors import consequences
from appraisal.selectors import reviews as review_selectors
from appraisal.views.confirm import confirm_page, confirmed
from appraisal.views.saving import save_answer, try_save
from workflow.flows import DomainReviewFlow
from workflow.services import assignments as assignment_services
from workflow.services import queries as query_services
from workflow.services import reviews as review_services
from workflow.services.base import offer
from workflow.services.scores import item_note_set, score_propose
from workflow.services.scores_bulk import scores_agree_with_self

# Routing -------------------------------------------------------------------------------


# The coordinator's queue ---------------------------------------------------------------


# The secretariat's matrix --------------------------------------------------------------


# The reviewer --------------------------------------------------------------------------


@login_required
def review_list(request: AuthenticatedRequest) -> HttpResponse:
    show = "all" if request.GET.get("show") == "all" else "open"
    return render(
        request,
        "appraisal/review_list.html",
        {
            "reviews": review_selectors.my_reviews(
                request.user, show=show, page=request.GET.get("page")
            ),
            "show": show,
        },
    )


def _review_context(request: AuthenticatedRequest, review: DomainReview) -> dict:
    user = request.user
    assigned = permissions.is_assigned_reviewer(user, review)
    active = review.state in (DomainReviewState.IN_PROGRESS, DomainReviewState.AWAITING_UNIT)
    can_see_notes = permissions.sees_internal_notes(user, review.submission)
    page = review_selectors.review_page(review, with_notes=can_see_notes)
    review_selectors.annotate_deadlines([review])
    return {
        "review": review,
        "submission": review.submission,
        "page": page,
        "can_propose": assigned and active,
        "can_start": assigned and review.state == DomainReviewState.ASSIGNED,
        "can_complete": assigned and active,
        "can_reopen": review.state == DomainReviewState.COMPLETED
        and permissions.can_reopen_review(user, review),
        "can_see_notes": can_see_notes,
        "can_note": can_see_notes
        and (
            assigned
            or permissions.is_secretariat(user, review.submission.campaign.program_id)
            or permissions.is_council_member_for(user, review.submission)
        ),
        "can_assign": permissions.can_assign_review(user, review)
        and review.state != DomainReviewState.COMPLETED,
        "reviewers": review_selectors.assignable_reviewers(
            user, review.submission.campaign, {review.organisation_id}
        )
        if permissions.can_assign_review(user, review)
        else [],
        "raise_form": RaiseQueryForm(initial={"due_on": query_services.default_due_on(review)}),
        "open_queries": sum(q.state != QueryState.CLOSED for q in page.queries),
        "untouched": sum(
            1
            for item in page.items
            if item.applicable
            and item.scoring_mode != ScoringMode.SURVEY
            and item.review_score is None
            and item.self_score is not None
        ),
    }


@login_required
def review_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = permissions.get_review_for_user(request, pk)
    return render(request, "appraisal/review_detail.html", _review_context(request, review))


SIMPLE_ACTIONS = {
    "start": review_services.review_start,
    "reopen": review_services.review_reopen,
}


@require_POST
@login_required
def review_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    review = permissions.get_review_for_user(request, pk)
    comment = request.POST.get("comment", "")[:4000]
    if name == "complete" and not confirmed(request):
        review.completion_override = comment.strip()  # as the service will take it
        _ok, refused = offer(DomainReviewFlow, review, "complete", request.user)
        return confirm_page(
            request,
            refused=refused,
            campaign=review.submission.campaign,
            subject=f"{review.submission.unit.name} — {review.domain.code}. {review.domain.name}",
            title=_("Hoàn thành thẩm định lĩnh vực"),
            consequences=consequences.review_complete(review),
            action_url=request.path,
            cancel_url=reverse("review_detail", args=[review.pk]),
            hidden=(("comment", comment),),
        )
    try:
        if name == "complete":
            review_services.review_complete(
                review=review, actor=request.user, override=comment, ip=client_ip(request)
            )
        elif name == "assign":
            candidates = review_selectors.assignable_reviewers(
                request.user, review.submission.campaign
            )
            chosen = review_selectors.reviewers_by_ids(
                candidates, [request.POST.get("reviewer", "")]
            )
            if not chosen:
                raise ValidationError(_("Chọn chuyên viên nhận việc."))
            assignment_services.review_assign(
                review=review,
                reviewer=chosen[0],
                actor=request.user,
                ip=client_ip(request),
                reason=request.POST.get("reason", "")[:1000],
            )
        elif name == "agree":
            n = scores_agree_with_self(review=review, actor=request.user, ip=client_ip(request))
            messages.success(
                request,
                _("Đã đồng ý với điểm tự đánh giá ở %(n)s tiêu chí chưa đề xuất.") % {"n": n},
            )
            return redirect("review_detail", pk=review.pk)
        elif name in SIMPLE_ACTIONS:
            SIMPLE_ACTIONS[name](
                review=review, actor=request.user, comment=comment, ip=client_ip(request)
            )
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(request, _("Đã cập nhật lĩnh vực thẩm định."))
    return redirect("review_detail", pk=review.pk)


def _item_for_review(request: AuthenticatedRequest, pk: int) -> tuple[ScoreItem, DomainReview]:
    item = get_object_or_404(
        ScoreItem.objects.select_related("node", "node__parent", "submission__campaign"), pk=pk
    )
    review = DomainReview.objects.filter(
        submission_id=item.submission_id, domain_id=item.domain_id
    ).first()
    if review is None:
        raise Http404
    return item, permissions.get_review_for_user(request, review.pk)


@require_POST
@login_required
def item_propose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The reviewer's proposal for one item (htmx): a refused one comes back with its message
    and the person's input kept."""

    def save(item: ScoreItem) -> None:
        agree = request.POST.get("agree") == "1"
        score_propose(
            item=item,
            actor=request.user,
            # "agree with the self score": the unit's own score, no reason needed
            value=item.self_score if agree else parse_score(request.POST.get("score", "")),
            reason="" if agree else request.POST.get("reason", "")[:4000],
            ip=client_ip(request),
        )

    return _item_save(request, pk, save)


@require_POST
@login_required
def item_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def save(item: ScoreItem) -> None:
        item_note_set(
            item=item,
            text=request.POST.get("note", "")[:4001],
            actor=request.user,
            ip=client_ip(request),
        )

    return _item_save(request, pk, save)


def parse_score(raw: str) -> Decimal | None:
    """A score as typed (a decimal comma or point); empty is no score."""
    raw = raw.strip().replace(",", ".")[:20]
    try:
        return Decimal(raw) if raw else None
    except InvalidOperation as exc:
        raise ValidationError(_("Điểm phải là một số.")) from exc


def _item_save(
    request: AuthenticatedRequest, pk: int, save: Callable[[ScoreItem], None]
) -> HttpResponse:
    item, review = _item_for_review(request, pk)
    saved = try_save(lambda: save(item))

    def fragment() -> str:
        context = _review_context(request, review)
        shown = next(i for i in context["page"].items if i.pk == item.pk)
        changed = {**context, **saved.context(request), "item": shown}
        # the item, and the page's counts swapped out of band: every count on the page stays live
        html = render_to_string("appraisal/_review_item.html", changed, request=request)
        return html + render_to_string(
            "appraisal/_review_summary.html", {**context, "oob": True}, request=request
        )

    back_to = reverse("review_detail", args=[review.pk]) + f"#item-{item.pk}"
    return save_answer(request, saved, back_to=back_to, fragment=fragment)


# Queries -------------------------------------------------------------------------------
