import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.models import NotApplicableRequest, Program
from appraisal.models.choices import ScoringMode, Stage
from appraisal.models.states import CampaignState, QueryState, SubmissionState
from appraisal.problems import problem_text
from appraisal.requests import AuthenticatedRequest, client_ip
from appraisal.selectors import consequences
from appraisal.selectors.deadlines import stage_due
from appraisal.selectors.workspace import workspace
from appraisal.views.audit import AuditFilterForm, audit_events
from appraisal.views.confirm import confirm_page, confirmed
from appraisal.views.downloads import csv_download
from documents.models import GeneratedReport
from documents.reports import fingerprint
from workflow import timeline
from workflow.audit import EXPORT_FIELDS
from workflow.flows import SubmissionFlow, incomplete_items
from workflow.labels import action_label
from workflow.models import AuditEvent, AuditKind
from workflow.services import submissions as submission_services
from workflow.services.base import offer

# The transitions a person starts from the submission page, and whether they need a reason.
PAGE_TRANSITIONS = {
    "send_for_approval": False,
    "approve": False,
    "return_to_draft": True,
    "withdraw": False,
    "return_incomplete": True,
    "start_review": False,
    "send_to_council": False,
    "appraise": False,
}


# transitions that show what they will do, in numbers, before they are made
CONFIRM_FIRST = {"appraise": consequences.appraise}


# the moves refused while items are missing (SubmissionFlow.is_complete)
INCOMPLETE_ACTIONS = ("send_for_approval", "approve")


def available_actions(user, submission) -> list[dict]:
    """The transitions from the current state that this user may make. One the service would
    refuse now (an unmet condition) is shown disabled with the service's own message; one
    the user may never make here is not shown."""
    actions = []
    for name, needs_reason in PAGE_TRANSITIONS.items():
        ok, why = offer(SubmissionFlow, submission, name, user, needs_reason=needs_reason)
        if ok or why:
            actions.append(
                {
                    "name": name,
                    "label": action_label("submission", name),
                    "needs_reason": needs_reason,
                    "refused": why,
                }
            )
    return actions


@login_required
def submission_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    counts = submission.items.aggregate(
        total=Count("id", filter=Q(scoring_mode="self", applicable=True)),
        scored=Count(
            "id", filter=Q(scoring_mode="self", applicable=True, self_score__isnull=False)
        ),
        explained=Count("id", filter=Q(scoring_mode="self", applicable=True) & ~Q(explanation="")),
    )
    domains, overall = workspace(submission)
    actions = available_actions(request.user, submission)
    report = GeneratedReport.objects.filter(
        submission=submission, kind=GeneratedReport.Kind.SELF_ASSESSMENT, superseded=False
    ).first()
    without_evidence = [
        item
        for domain in domains
        for item in domain.items
        if item.scoring_mode == ScoringMode.SELF and item.evidence_count == 0
    ]
    reviews = list(
        submission.reviews.select_related("domain", "organisation", "reviewer").annotate(
            open_queries=Count("queries", filter=Q(queries__state=QueryState.OPEN))
        )
    )
    for review in reviews:
        review.visible = permissions.can_see_review(request.user, review)
    return render(
        request,
        "appraisal/submission_detail.html",
        {
            "submission": submission,
            "counts": counts,
            "reviews": reviews,
            "domains": domains,
            "overall": overall,
            "without_evidence": without_evidence,
            "report": report,
            "na_requests": _pending_na(request.user, submission),
            "report_current": report is not None and report.fingerprint == fingerprint(submission),
            "actions": actions,
            # a refusal for missing items links to the workspace's filter that shows them
            "incomplete": any(a["refused"] and a["name"] in INCOMPLETE_ACTIONS for a in actions)
            and bool(incomplete_items(submission)),
            "incomplete_actions": INCOMPLETE_ACTIONS,
            "is_unit": permissions.can_edit_submission(request.user, submission),
            "query_count": sum(review.open_queries for review in reviews),
            "sees_appraisal": submission.state
            in (SubmissionState.IN_COUNCIL, SubmissionState.APPRAISED, SubmissionState.PUBLISHED)
            and (
                permissions.is_council_member_for(request.user, submission)
                or permissions.is_secretariat(request.user, submission.campaign.program_id)
            ),
            "sheet_key": f"sheet:{submission.unit.code}",
            "can_scope": permissions.is_secretariat(request.user, submission.campaign.program_id)
            and submission.campaign.state not in (CampaignState.PUBLISHED, CampaignState.ARCHIVED),
            "can_reopen_unit": permissions.can_reopen_self_assessment(request.user, submission),
            "own_due": stage_due(submission, Stage.SELF_ASSESSMENT),
        },
    )


@require_POST
@login_required
def submission_transition(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    if name not in PAGE_TRANSITIONS:
        return HttpResponse(status=404)
    if name in CONFIRM_FIRST and not confirmed(request):
        _ok, refused = offer(SubmissionFlow, submission, name, request.user)
        return confirm_page(
            request,
            refused=refused,
            campaign=submission.campaign,
            subject=submission.unit.name,
            title=action_label("submission", name),
            consequences=CONFIRM_FIRST[name](submission),
            action_url=request.path,
            cancel_url=reverse("submission_detail", args=[submission.pk]),
        )
    service = getattr(submission_services, f"submission_{name}")
    try:
        service(
            submission=submission,
            actor=request.user,
            comment=request.POST.get("comment", "")[:4000],
            ip=client_ip(request),
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))
        return redirect("submission_detail", pk=pk)
    except ValidationError as exc:
        messages.error(request, problem_text(exc))
        return redirect("submission_detail", pk=pk)
    messages.success(
        request, _("Đã thực hiện: %(action)s.") % {"action": action_label("submission", name)}
    )
    return redirect("submission_detail", pk=pk)


TIMELINE_PAGE = 50


@login_required
def submission_timeline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    events = AuditEvent.objects.filter(submission_id=submission.pk).order_by("seq")
    if not permissions.sees_internal_notes(request.user, submission):
        events = events.filter(internal=False)
    domains = timeline.domains_of(submission)
    kind = request.GET.get("kind", "")
    domain = next((d for d in domains if str(d.pk) == request.GET.get("domain")), None)
    events = timeline.filtered(events, submission, kind=kind, domain=domain)
    page = Paginator(events, TIMELINE_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appraisal/submission_timeline.html",
        {
            "submission": submission,
            "page": page,
            "rows": timeline.rows(page, submission.campaign.program_id),
            "kinds": AuditKind.choices,
            "kind": kind,
            "domains": domains,
            "domain": domain,
            "query": query.urlencode(),
        },
    )


CSV_COLUMNS = list(EXPORT_FIELDS)


@login_required
def audit_export(request: AuthenticatedRequest, program_pk: int) -> StreamingHttpResponse:
    program = get_object_or_404(Program, pk=program_pk)
    permissions.require(permissions.is_secretariat(request.user, program))

    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else None
    # the page's filters, oldest first (a file reads top down)
    events = (
        audit_events(program, {**data, "sort": "seq"} if data else None)
        .order_by("seq")
        .values_list(*CSV_COLUMNS)
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_download(
        itertools.chain([CSV_COLUMNS], events.iterator(chunk_size=2000)),
        f"audit-{program.code}-{stamp}.csv",
    )


def _pending_na(user, submission) -> list:
    """The not-applicable requests the secretariat has to decide (empty for everyone else)."""
    if not permissions.is_secretariat(user, submission.campaign.program_id):
        return []
    return list(
        NotApplicableRequest.objects.filter(
            item__submission=submission, state=NotApplicableRequest.State.PENDING
        )
        .select_related("item__node", "requested_by")
        .order_by("item__position")
    )
