"""The coordinators' and the secretariat's side of the review: routing domains to ministries, the
queue to assign, the matrix of every report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.forms.reviews import MatrixFilterForm, QueueFilterForm
from appraisal.models import DomainReview, Organisation
from appraisal.models.choices import Level
from appraisal.models.states import DomainReviewState
from appraisal.problems import problem_text
from appraisal.requests import MAX_BULK, AuthenticatedRequest, client_ip, posted_ids
from appraisal.selectors import reviews as review_selectors
from appraisal.selectors.review_matrix import Filters, matrix_export
from appraisal.selectors.review_matrix import review_matrix as matrix_of
from appraisal.views.downloads import csv_download
from workflow.services import assignments as assignment_services
from workflow.services import reviews as review_services
from workflow.services.routing import campaign_route_domain, campaign_set_query_days


@login_required
def review_routing(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
                problems.append(f"{route.domain.code}: {problem_text(exc)}")
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
            problems.append(problem_text(exc))
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


def _queue_context(request: AuthenticatedRequest, campaign) -> dict:
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
def review_queue(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user(request, pk)
    return render(request, "appraisal/review_queue.html", _queue_context(request, campaign))


@require_POST
@login_required
def review_queue_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Assign the selected reviews: all to one reviewer, or evenly over the chosen ones."""
    campaign = permissions.get_campaign_for_user(request, pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("review_queue", args=[campaign.pk])
    reviews = list(
        permissions.visible_reviews(request.user, campaign)
        .filter(pk__in=posted_ids(request, "review", MAX_BULK))
        .select_related(*review_selectors.REVIEW_RELATED)
    )
    if not reviews:
        messages.error(request, _("Chưa chọn lĩnh vực nào để phân công."))
        return redirect(back)
    candidates = review_selectors.assignable_reviewers(request.user, campaign)
    chosen = review_selectors.reviewers_by_ids(candidates, request.POST.getlist("reviewer"))
    try:
        if request.POST.get("mode") == "distribute":
            done = assignment_services.reviews_distribute(
                reviews=reviews, reviewers=chosen, actor=request.user, ip=client_ip(request)
            )
        else:
            if len(chosen) != 1:
                raise ValidationError(_("Chọn đúng một chuyên viên để giao các lĩnh vực đã chọn."))
            done = assignment_services.reviews_assign(
                plan=[(review, chosen[0]) for review in reviews],
                actor=request.user,
                ip=client_ip(request),
                reason=request.POST.get("reason", "")[:1000],
            )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc) + " " + _("Chưa phân công lĩnh vực nào."))
        return redirect(back)
    messages.success(request, _("Đã phân công %(n)s lĩnh vực.") % {"n": len(done)})
    return redirect(back)


def _matrix_filters(request: AuthenticatedRequest, campaign) -> tuple[MatrixFilterForm, Filters]:
    organisations = review_selectors.reviewing_organisations(campaign.program_id)
    form = MatrixFilterForm(request.GET or None, organisations=organisations)
    if not form.is_valid():
        return form, Filters()
    data = form.cleaned_data
    return form, Filters(
        level=data["level"],
        organisation_id=data["organisation"].pk if data["organisation"] else None,
        state=data["state"],
        lateness=data["lateness"],
        unit=data["unit"].strip(),
    )


@login_required
def review_matrix(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.can_manage_reviews(request.user, campaign.program_id))
    form, filters = _matrix_filters(request, campaign)
    matrix = matrix_of(campaign, filters, request.GET.get("page"))
    return render(
        request,
        "appraisal/review_matrix.html",
        {
            "campaign": campaign,
            "form": form,
            "matrix": matrix,
            "page": matrix.page,
            "reviewers": review_selectors.assignable_reviewers(request.user, campaign),
            "states": DomainReviewState.choices,
            "levels": Level.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def review_matrix_csv(request: AuthenticatedRequest, pk: int) -> StreamingHttpResponse:
    """The whole matrix under the page's filters, every report, as CSV."""
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.can_manage_reviews(request.user, campaign.program_id))
    _form, filters = _matrix_filters(request, campaign)
    return csv_download(
        matrix_export(campaign, filters),
        f"tham-dinh-{campaign.program.code}-{campaign.year}.csv",
    )


@require_POST
@login_required
def review_matrix_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.can_manage_reviews(request.user, campaign.program_id))
    back = reverse("review_matrix", args=[campaign.pk])
    query = request.POST.get("query", "")
    if query:
        back += "?" + query
    reviews = list(
        DomainReview.objects.filter(
            campaign=campaign, pk__in=posted_ids(request, "review", MAX_BULK)
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
            done = assignment_services.reviews_distribute(
                reviews=open_reviews, reviewers=chosen, actor=request.user, ip=client_ip(request)
            )
            messages.success(request, _("Đã phân công lại %(n)s lĩnh vực.") % {"n": len(done)})
        else:
            raise ValidationError(_("Thao tác không hợp lệ."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc))
    return redirect(back)
