from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.models import ScoreItem
from appraisal.requests import client_ip
from appraisal.workspace import FILTERS, bindings_queryset, summary_for, workspace
from workflow.services.scores import VersionConflict, score_set_self
from workflow.states import SubmissionState


@login_required
def submission_workspace(request: HttpRequest, pk: int) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    wanted = request.GET.get("filter", "")
    domains, overall = workspace(submission, wanted)
    return render(
        request,
        "appraisal/workspace.html",
        {
            "submission": submission,
            "domains": domains,
            "overall": overall,
            "filter": wanted if wanted in FILTERS else "",
            "can_edit": _can_edit(request.user, submission),
        },
    )


def _can_edit(user, submission) -> bool:
    return submission.state == SubmissionState.DRAFT and permissions.can_edit_submission(
        user, submission
    )


@require_POST
@login_required
def item_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one item (htmx). A refused entry comes back with its message and the person's
    own input still in the fields; a save over someone else's newer one is refused (409)."""
    item = get_object_or_404(ScoreItem.objects.select_related("submission"), pk=pk)
    submission = permissions.get_submission_for_user(request, item.submission_id)
    entry = {key: request.POST.get(key, "")[:40] for key in ("score", "numerator", "denominator")}
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    status, error, entered = 200, "", None
    try:
        score_set_self(
            item=item,
            actor=request.user,
            entry=entry,
            explanation=request.POST.get("explanation", "")[:4000],
            expected_version=version,
            ip=client_ip(request),
        )
    except VersionConflict as exc:
        status, error, entered = 409, " ".join(exc.messages), request.POST
    except ValidationError as exc:
        status, error, entered = 422, " ".join(exc.messages), request.POST
    except PermissionDenied as exc:
        status, error = 403, str(exc)
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect(f"{_workspace_url(submission.pk)}#item-{item.pk}")
    fresh = (
        ScoreItem.objects.select_related("node", "node__parent")
        .annotate(evidence_count=Count("bindings"))
        .prefetch_related(Prefetch("bindings", queryset=bindings_queryset()))
        .get(pk=item.pk)
    )
    domain, overall = summary_for(submission, fresh.domain_id)
    return render(
        request,
        "appraisal/_item_saved.html",
        {
            "item": fresh,
            "error": error,
            "entered": entered,
            "saved": not error,
            "domain": domain,
            "overall": overall,
            "can_edit": _can_edit(request.user, submission),
            "submission": submission,
        },
        status=status,
    )


def _workspace_url(pk: int) -> str:
    return reverse("submission_workspace", args=[pk])
