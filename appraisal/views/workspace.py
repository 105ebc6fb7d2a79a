import base64
import hashlib
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal import permissions
from appraisal.imports.submission_sheet import export_submission
from appraisal.imports.submission_xlsx import import_changes
from appraisal.models import NotApplicableRequest, ScoreItem
from appraisal.problems import ProblemsError, problem_text
from appraisal.requests import AuthenticatedRequest, client_ip
from appraisal.scoring import PairIncomplete
from appraisal.selectors.workspace import FILTERS, item_after_save, workspace
from appraisal.views.item_forms import item_form
from appraisal.views.saving import save_answer, try_save
from workflow.services.applicability import na_decide, na_request
from workflow.services.scores import score_set_self
from workflow.services.scores_bulk import import_submission


@login_required
def submission_workspace(request: AuthenticatedRequest, pk: int) -> HttpResponse:
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
            "can_edit": permissions.can_change_report(request.user, submission),
        },
    )


@require_POST
@login_required
def item_save(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Save one item (htmx). A refused entry comes back with its message and the person's
    own input still in the fields; a save over someone else's newer one is refused (409)."""
    item = get_object_or_404(ScoreItem.objects.select_related("submission"), pk=pk)
    submission = permissions.get_submission_for_user(request, item.submission_id)
    entry = {
        key: request.POST.get(key, "")[:40]
        for key in ("score", "numerator", "denominator", "cases")
    }
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    explanation = request.POST.get("explanation", "")[:4000]

    def save() -> None:
        try:
            score_set_self(
                item=item,
                actor=request.user,
                entry=entry,
                explanation=explanation,
                expected_version=version,
                ip=client_ip(request),
            )
        except PairIncomplete:
            # one count typed, the other not yet: keep both as typed, judge nothing yet,
            # and save the explanation alone (the score stays as it was)
            current = ScoreItem.objects.get(pk=item.pk)
            score_set_self(
                item=item,
                actor=request.user,
                value=current.self_score,
                explanation=explanation,
                expected_version=version,
                ip=client_ip(request),
            )
            raise

    saved = try_save(save, waits=(PairIncomplete,), not_saved_yet=False)

    def fragment() -> str:
        fresh, domain, overall = item_after_save(submission, item.pk)
        context = {
            **saved.context(request),
            "item": fresh,
            "domain": domain,
            "overall": overall,
            "can_edit": permissions.can_change_report(request.user, submission),
            "submission": submission,
        }
        return render_to_string("appraisal/_item_saved.html", context, request=request)

    return save_answer(
        request, saved, back_to=f"{_workspace_url(submission.pk)}#item-{item.pk}", fragment=fragment
    )


def _workspace_url(pk: int) -> str:
    return reverse("submission_workspace", args=[pk])


@login_required
def submission_export_xlsx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    response = HttpResponse(
        export_submission(submission),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="cham-diem-{submission.unit.code}-{submission.campaign.year}.xlsx"'
    )
    return response


def _import_key(submission) -> str:
    return f"xlsx-import-{submission.pk}"


@login_required
def submission_import_xlsx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Import a filled template in two steps: the file is checked whole and what it would
    change is shown (scores set, changed, cleared; explanations); it is applied only when the
    person confirms. A bad row is named and nothing is written."""
    submission = permissions.get_submission_for_user(request, pk)
    permissions.require(permissions.can_change_report(request.user, submission))
    problems: list[str] = []
    changes = None
    digest = ""
    if request.method == "POST" and request.POST.get("confirm"):
        kept = request.session.get(_import_key(submission)) or {}
        if kept.get("sha") != request.POST["confirm"]:
            problems = [_("Tệp đã xem trước không còn: hãy chọn lại tệp.")]
        else:
            try:
                changed = import_submission(
                    submission=submission,
                    data=base64.b64decode(kept["data"]),
                    actor=request.user,
                    ip=client_ip(request),
                )
            except ProblemsError as exc:
                problems = [str(problem) for problem in exc.problems]
            except (ValidationError, PermissionDenied) as exc:
                problems = [problem_text(exc)]
            else:
                del request.session[_import_key(submission)]
                messages.success(
                    request, _("Đã nhập tệp Excel: %(n)s tiêu chí được cập nhật.") % {"n": changed}
                )
                return redirect("submission_workspace", pk=submission.pk)
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or (upload.size or 0) > settings.FRAMEWORK_UPLOAD_MAX_BYTES:
            problems = [
                _("Chọn tệp Excel (tối đa %(limit)s).")
                % {"limit": filesizeformat(settings.FRAMEWORK_UPLOAD_MAX_BYTES)}
            ]
        else:
            data = upload.read()
            try:
                changes = import_changes(submission, data)
            except ProblemsError as exc:
                problems = [str(problem) for problem in exc.problems]
            else:
                digest = hashlib.sha256(data).hexdigest()
                request.session[_import_key(submission)] = {
                    "sha": digest,
                    "data": base64.b64encode(data).decode("ascii"),
                }
    counts = Counter(change.kind for change in changes or [])
    return render(
        request,
        "appraisal/submission_import.html",
        {
            "submission": submission,
            "problems": problems,
            "changes": changes,
            "counts": counts,
            "explained": sum(change.explanation_changed for change in changes or []),
            "digest": digest,
        },
        status=400 if problems else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def item_not_applicable(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The unit asks that an item not apply to it (GET: the form, appraisal/views/item_forms)."""
    if request.method == "GET":
        return item_form(request, pk, _("Đề nghị không áp dụng"), "appraisal/_na_form.html")
    item = get_object_or_404(ScoreItem.objects.select_related("submission"), pk=pk)
    submission = permissions.get_submission_for_user(request, item.submission_id)
    try:
        na_request(
            item=item,
            reason=request.POST.get("reason", "")[:2000],
            actor=request.user,
            ip=client_ip(request),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Đã gửi đề nghị; cơ quan thường trực sẽ quyết định."))
    return redirect(f"{_workspace_url(submission.pk)}#item-{item.pk}")


@require_POST
@login_required
def na_request_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    na = get_object_or_404(NotApplicableRequest.objects.select_related("item"), pk=pk)
    submission = permissions.get_submission_for_user(request, na.item.submission_id)
    try:
        na_decide(
            request=na,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", "")[:2000],
            actor=request.user,
            ip=client_ip(request),
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, problem_text(exc))
    else:
        messages.success(request, _("Đã ghi nhận quyết định."))
    return redirect("submission_detail", pk=submission.pk)
