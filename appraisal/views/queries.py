"""Queries between a reviewer and the unit: raised, answered, closed; a report's list of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.forms.reviews import CloseQueryForm, FollowUpForm, RaiseQueryForm
from appraisal.models import ScoreItem
from appraisal.models.states import DomainReviewState, QueryState
from appraisal.problems import form_problems, problem_text
from appraisal.requests import MAX_BULK, AuthenticatedRequest, client_ip, posted_ids
from appraisal.selectors import reviews as review_selectors
from appraisal.workdays import today
from documents import letters
from workflow.services import queries as query_services


@require_POST
@login_required
def query_raise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    review = permissions.get_review_for_user(request, pk)
    form = RaiseQueryForm(request.POST)
    items = ScoreItem.objects.filter(
        submission_id=review.submission_id,
        domain_id=review.domain_id,
        pk__in=posted_ids(request, "item", MAX_BULK),
    )
    if not form.is_valid():
        messages.error(request, form_problems(form))
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
            problem_text(exc)
            + " "
            + _("Nội dung yêu cầu: %(text)s") % {"text": form.cleaned_data["question"][:300]},
        )
        return redirect("review_detail", pk=review.pk)
    messages.success(request, _("Đã gửi yêu cầu giải trình tới đơn vị."))
    return redirect("query_detail", pk=query.pk)


@login_required
def query_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    query = permissions.get_query_for_user(request, pk)
    return render(request, "appraisal/query_detail.html", _query_context(request, query))


@login_required
def query_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The query as the reviewing body's official letter (PDF), for those who see it."""
    query = permissions.get_query_for_user(request, pk)
    response = HttpResponse(letters.query_letter(query), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="yeu-cau-{query.pk}.pdf"'
    return response


def _query_context(request: AuthenticatedRequest, query, **extra) -> dict:
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
def query_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
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
            follow_up = extra["follow_up_form"] = FollowUpForm(request.POST)
            if not follow_up.is_valid():
                raise ValidationError(form_problems(follow_up))
            query_services.query_reopen(
                query=query,
                note=follow_up.cleaned_data["note"],
                due_on=follow_up.cleaned_data["due_on"],
                actor=request.user,
                ip=ip,
            )
            done = _("Đã gửi yêu cầu tiếp; yêu cầu mở lại.")
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc))
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
def submission_queries(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
