"""The line-ministry review: routing, the assignment queue, the reviewer's pages, queries,
and the secretariat's matrix."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import consequences, permissions, review_selectors
from appraisal.forms import (
    CloseQueryForm,
    FollowUpForm,
    MatrixFilterForm,
    QueueFilterForm,
    RaiseQueryForm,
)
from appraisal.models import DomainReview, Organisation, ScoreItem
from appraisal.models.choices import Level
from appraisal.problems import problem_text
from appraisal.requests import client_ip
from appraisal.services.campaigns import campaign_route_domain, campaign_set_query_days
from appraisal.views.confirm import confirm_page, confirmed
from appraisal.workdays import today
from workflow.flows import DomainReviewFlow
from workflow.services import queries as query_services
from workflow.services import reviews as review_services
from workflow.services.base import ReasonNeeded, offer
from workflow.services.scores import item_note_set, score_propose, scores_agree_with_self
from workflow.states import DomainReviewState, QueryState

MAX_BULK = 500


_problem = problem_text


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name)[:MAX_BULK] if v.isdigit()]


# Routing -------------------------------------------------------------------------------


@login_required
def review_routing(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat sets which organisation reviews each domain in this campaign."""
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.can_manage_reviews(request.user, campaign.program_id))
    organisations = list(review_selectors.reviewing_organisations(campaign.program_id))
    if request.method == "POST":
        changed, problems = 0, []
        by_pk = {org.pk: org for org in organisations}
        for route in review_selectors.domain_routes(campaign):
            value = request.POST.get(f"domain-{route.domain.pk}", "")
            if not value:
                continue
            organisation = by_pk.get(int(value)) if value.isdigit() else None
            if organisation is None:
                problems.append(
                    _("Lĩnh vực %(code)s: cơ quan không hợp lệ.") % {"code": route.domain.code}
                )
                continue
            try:
                campaign_route_domain(
                    campaign=campaign,
                    domain=route.domain,
                    organisation=organisation,
                    actor=request.user,
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                problems.append(f"{route.domain.code}: {_problem(exc)}")
            else:
                changed += route.organisation is None or route.organisation.pk != organisation.pk
        days = request.POST.get("query_days", "")
        try:
            campaign_set_query_days(
                campaign=campaign,
                days=int(days) if days.strip().isdigit() else -1,
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            problems.append(_problem(exc))
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            messages.success(
                request, _("Đã lưu; %(n)s lĩnh vực đổi cơ quan thẩm định.") % {"n": changed}
            )
        return redirect("review_routing", pk=campaign.pk)
    return render(
        request,
        "appraisal/review_routing.html",
        {
            "campaign": campaign,
            "routes": review_selectors.domain_routes(campaign),
            "organisations": organisations,
        },
    )


# The coordinator's queue ---------------------------------------------------------------


def _queue_context(request: HttpRequest, campaign) -> dict:
    user = request.user
    program_id = campaign.program_id
    secretariat = permissions.can_manage_reviews(user, program_id)
    coordinated = permissions.coordinated_organisation_ids(user, program_id)
    permissions.require(secretariat or bool(coordinated))
    organisations = (
        review_selectors.reviewing_organisations(program_id)
        if secretariat
        else Organisation.objects.filter(pk__in=coordinated).order_by("code")
    )
    form = QueueFilterForm(request.GET or None, organisations=organisations)
    organisation_id, state, unit, sort = None, "pending", "", ""
    if form.is_valid():
        organisation_id = form.cleaned_data["organisation"] and form.cleaned_data["organisation"].pk
        state = form.cleaned_data["state"] or "pending"
        unit, sort = form.cleaned_data["unit"].strip(), form.cleaned_data["sort"]
    return {
        "campaign": campaign,
        "form": form,
        "state": state,
        "reviews": review_selectors.review_queue(
            user,
            campaign,
            organisation_id=organisation_id,
            state=state,
            page=request.GET.get("page"),
            unit=unit,
            sort=sort,
        ),
        "reviewers": review_selectors.assignable_reviewers(
            user, campaign, {organisation_id} if organisation_id else None
        ),
        "secretariat": secretariat,
    }


@login_required
def review_queue(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user(request, pk)
    return render(request, "appraisal/review_queue.html", _queue_context(request, campaign))


@require_POST
@login_required
def review_queue_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign the selected reviews: all to one reviewer, or evenly over the chosen ones."""
    campaign = permissions.get_campaign_for_user(request, pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("review_queue", args=[campaign.pk])
    reviews = list(
        permissions.visible_reviews(request.user, campaign)
        .filter(pk__in=_ids(request, "review"))
        .select_related(*review_selectors.REVIEW_RELATED)
    )
    if not reviews:
        messages.error(request, _("Chưa chọn lĩnh vực nào để phân công."))
        return redirect(back)
    candidates = review_selectors.assignable_reviewers(request.user, campaign)
    chosen = review_selectors.reviewers_by_ids(candidates, request.POST.getlist("reviewer"))
    try:
        if request.POST.get("mode") == "distribute":
            done = review_services.reviews_distribute(
                reviews=reviews, reviewers=chosen, actor=request.user, ip=client_ip(request)
            )
        else:
            if len(chosen) != 1:
                raise ValidationError(_("Chọn đúng một chuyên viên để giao các lĩnh vực đã chọn."))
            done = review_services.reviews_assign(
                plan=[(review, chosen[0]) for review in reviews],
                actor=request.user,
                ip=client_ip(request),
                reason=request.POST.get("reason", "")[:1000],
            )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc) + " " + _("Chưa phân công lĩnh vực nào."))
        return redirect(back)
    messages.success(request, _("Đã phân công %(n)s lĩnh vực.") % {"n": len(done)})
    return redirect(back)


# The secretariat's matrix --------------------------------------------------------------


@login_required
def review_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.can_manage_reviews(request.user, campaign.program_id))
    organisations = review_selectors.reviewing_organisations(campaign.program_id)
    form = MatrixFilterForm(request.GET or None, organisations=organisations)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "level": data["level"],
            "organisation_id": data["organisation"].pk if data["organisation"] else None,
            "state": data["state"],
            "lateness": data["lateness"],
            "unit": data["unit"].strip(),
        }
    matrix = review_selectors.review_matrix(campaign, **filters)
    return render(
        request,
        "appraisal/review_matrix.html",
        {
            "campaign": campaign,
            "form": form,
            "matrix": matrix,
            "reviewers": review_selectors.assignable_reviewers(request.user, campaign),
            "states": DomainReviewState.choices,
            "levels": Level.choices,
            "query": request.GET.urlencode(),
        },
    )


@require_POST
@login_required
def review_matrix_action(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.can_manage_reviews(request.user, campaign.program_id))
    back = reverse("review_matrix", args=[campaign.pk])
    query = request.POST.get("query", "")
    if query:
        back += "?" + query
    reviews = list(
        DomainReview.objects.filter(
            submission__campaign=campaign, pk__in=_ids(request, "review")
        ).select_related(*review_selectors.REVIEW_RELATED)
    )
    if not reviews:
        messages.error(request, _("Chưa chọn ô nào trong bảng."))
        return redirect(back)
    action = request.POST.get("action")
    try:
        if action == "remind":
            told = review_services.reviews_remind(
                reviews=reviews, actor=request.user, ip=client_ip(request)
            )
            messages.success(request, _("Đã gửi nhắc việc tới %(n)s người.") % {"n": told})
        elif action == "reassign":
            candidates = review_selectors.assignable_reviewers(request.user, campaign)
            chosen = review_selectors.reviewers_by_ids(candidates, request.POST.getlist("reviewer"))
            if not chosen:
                raise ValidationError(_("Chọn chuyên viên nhận việc."))
            open_reviews = [r for r in reviews if r.state != DomainReviewState.COMPLETED]
            if len(open_reviews) != len(reviews):
                raise ValidationError(
                    _("Lĩnh vực đã thẩm định xong không phân công lại được: mở lại trước.")
                )
            done = review_services.reviews_distribute(
                reviews=open_reviews, reviewers=chosen, actor=request.user, ip=client_ip(request)
            )
            messages.success(request, _("Đã phân công lại %(n)s lĩnh vực.") % {"n": len(done)})
        else:
            raise ValidationError(_("Thao tác không hợp lệ."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc))
    return redirect(back)


# The reviewer --------------------------------------------------------------------------


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
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


def _review_context(request: HttpRequest, review: DomainReview) -> dict:
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
            and item.scoring_mode != "survey"
            and item.review_score is None
            and item.self_score is not None
        ),
    }


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = permissions.get_review_for_user(request, pk)
    return render(request, "appraisal/review_detail.html", _review_context(request, review))


SIMPLE_ACTIONS = {
    "start": review_services.review_start,
    "reopen": review_services.review_reopen,
}


@require_POST
@login_required
def review_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
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
            chosen = review_selectors.reviewers_by_ids(candidates, [request.POST.get("reviewer")])
            if not chosen:
                raise ValidationError(_("Chọn chuyên viên nhận việc."))
            review_services.review_assign(
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
        messages.error(request, _problem(exc))
    else:
        messages.success(request, _("Đã cập nhật lĩnh vực thẩm định."))
    return redirect("review_detail", pk=review.pk)


def _item_for_review(request: HttpRequest, pk: int) -> tuple[ScoreItem, DomainReview]:
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
def item_propose(request: HttpRequest, pk: int) -> HttpResponse:
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
def item_note(request: HttpRequest, pk: int) -> HttpResponse:
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


def _item_save(request: HttpRequest, pk: int, save) -> HttpResponse:
    item, review = _item_for_review(request, pk)
    status, error, awaiting = 200, "", ""
    try:
        save(item)
    except ReasonNeeded as exc:  # the pair is not complete yet: kept, not refused
        awaiting = _("Chưa lưu: %(why)s") % {"why": _problem(exc)}
    except ValidationError as exc:
        status, error = 422, _problem(exc)
    except PermissionDenied as exc:
        status, error = 403, _problem(exc)
    if not request.headers.get("HX-Request"):
        if error or awaiting:
            messages.error(request, error or awaiting)
        return redirect(reverse("review_detail", args=[review.pk]) + f"#item-{item.pk}")
    context = _review_context(request, review)
    shown = next(i for i in context["page"].items if i.pk == item.pk)
    changed = {
        **context,
        "item": shown,
        "error": error,
        "awaiting": awaiting,
        "entered": request.POST if error or awaiting else None,
        "saved": not (error or awaiting),
    }
    # the item, and the page's counts swapped out of band: every count on the page stays live
    html = render_to_string("appraisal/_review_item.html", changed, request=request)
    html += render_to_string(
        "appraisal/_review_summary.html", {**context, "oob": True}, request=request
    )
    return HttpResponse(html, status=status)


# Queries -------------------------------------------------------------------------------


@require_POST
@login_required
def query_raise(request: HttpRequest, pk: int) -> HttpResponse:
    review = permissions.get_review_for_user(request, pk)
    form = RaiseQueryForm(request.POST)
    items = ScoreItem.objects.filter(
        submission_id=review.submission_id, domain_id=review.domain_id, pk__in=_ids(request, "item")
    )
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("review_detail", pk=review.pk)
    try:
        query = query_services.query_raise(
            review=review,
            items=items,
            question=form.cleaned_data["question"],
            due_on=form.cleaned_data["due_on"],
            actor=request.user,
            ip=client_ip(request),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(
            request,
            _problem(exc)
            + " "
            + _("Nội dung yêu cầu: %(text)s") % {"text": form.cleaned_data["question"][:300]},
        )
        return redirect("review_detail", pk=review.pk)
    messages.success(request, _("Đã gửi yêu cầu giải trình tới đơn vị."))
    return redirect("query_detail", pk=query.pk)


@login_required
def query_detail(request: HttpRequest, pk: int) -> HttpResponse:
    query = permissions.get_query_for_user(request, pk)
    return render(request, "appraisal/query_detail.html", _query_context(request, query))


def _query_context(request: HttpRequest, query, **extra) -> dict:
    user = request.user
    review = query.review
    reviewer = permissions.is_assigned_reviewer(user, review)
    active = review.state in (DomainReviewState.IN_PROGRESS, DomainReviewState.AWAITING_UNIT)
    return {
        "query": query,
        "review": review,
        "submission": review.submission,
        "items": query.items.select_related("node").order_by("position"),
        "messages_": query.messages.select_related("author"),
        "documents": query.documents.select_related("current").order_by("pk"),
        "can_answer": query.state == QueryState.OPEN and permissions.can_answer_query(user, query),
        "can_close": reviewer and active and query.state != QueryState.CLOSED,
        "can_follow_up": reviewer and active and query.state != QueryState.OPEN,
        "is_unit": permissions.can_edit_submission(user, review.submission),
        "close_form": extra.get("close_form") or CloseQueryForm(),
        "follow_up_form": extra.get("follow_up_form")
        or FollowUpForm(initial={"due_on": query_services.default_due_on(review)}),
        "answer_text": extra.get("answer_text", ""),
    }


@require_POST
@login_required
def query_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Answer (the unit, with files), close or follow up (the reviewer). A refusal shows the
    page again with what the person wrote still in the form."""
    query = permissions.get_query_for_user(request, pk)
    ip = client_ip(request)
    extra: dict = {}
    try:
        if name == "answer":
            extra["answer_text"] = request.POST.get("answer", "")[:4001]
            uploads = request.FILES.getlist("files")[:20]
            query_services.query_answer(
                query=query, answer=extra["answer_text"], uploads=uploads, actor=request.user, ip=ip
            )
            done = _("Đã gửi trả lời.")
        elif name == "close":
            form = extra["close_form"] = CloseQueryForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Chọn chấp nhận hoặc không chấp nhận giải trình."))
            query_services.query_close(
                query=query,
                accepted=form.cleaned_data["accepted"] == "yes",
                note=form.cleaned_data["note"],
                actor=request.user,
                ip=ip,
            )
            done = _("Đã đóng yêu cầu.")
        elif name == "follow_up":
            form = extra["follow_up_form"] = FollowUpForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    " ".join(e for errors in form.errors.values() for e in errors)
                )
            query_services.query_reopen(
                query=query,
                note=form.cleaned_data["note"],
                due_on=form.cleaned_data["due_on"],
                actor=request.user,
                ip=ip,
            )
            done = _("Đã gửi yêu cầu tiếp; yêu cầu mở lại.")
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _problem(exc))
        if name == "answer" and request.FILES:
            messages.warning(
                request, _("Nội dung trả lời được giữ lại; hãy chọn lại tệp đính kèm.")
            )
        query = permissions.get_query_for_user(request, pk)
        return render(
            request,
            "appraisal/query_detail.html",
            _query_context(request, query, **extra),
            status=422 if not isinstance(exc, PermissionDenied) else 403,
        )
    messages.success(request, done)
    return redirect("query_detail", pk=query.pk)


@login_required
def submission_queries(request: HttpRequest, pk: int) -> HttpResponse:
    """The queries addressed to a unit's submission (the unit's view: no internal notes, no
    proposals, no other unit)."""
    submission = permissions.get_submission_for_user(request, pk)
    queries = review_selectors.queries_for_unit(submission)
    if not permissions.can_edit_submission(request.user, submission):
        queries = [q for q in queries if permissions.can_see_review(request.user, q.review)]
    return render(
        request,
        "appraisal/submission_queries.html",
        {"submission": submission, "queries": queries, "today": today()},
    )
