from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal import permissions
from appraisal.models import ScoreItem, Submission
from appraisal.models.choices import Role
from appraisal.models.states import CampaignState
from appraisal.problems import problem_text
from appraisal.requests import AuthenticatedRequest, client_ip
from appraisal.selectors.public import get_published
from appraisal.views.item_forms import item_form
from documents.builders import builder
from documents.files import CONTENT_TYPES
from documents.forms import BindForm, UploadForm
from documents.models import Binding, CampaignDocument, Document, DocumentVersion, GeneratedReport
from documents.services import (
    evidence_bind,
    evidence_replace,
    evidence_unbind,
    evidence_upload,
    evidence_upload_for_item,
)
from documents.tasks import enqueue_campaign_documents, enqueue_self_assessment_report


@login_required
def evidence_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    documents = (
        Document.objects.filter(submission=submission)
        .select_related("current")
        .annotate(version_count=Count("versions", distinct=True))
        .prefetch_related(
            Prefetch(
                "bindings",
                queryset=Binding.objects.select_related("item__node").order_by("item__position"),
            )
        )
        .order_by("pk")
    )
    can_edit = permissions.can_change_report(request.user, submission)
    return render(
        request,
        "documents/evidence_list.html",
        {
            "submission": submission,
            "documents": documents,
            "can_edit": can_edit,
            "upload_form": UploadForm(),
        },
    )


@require_POST
@login_required
def evidence_upload_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Each file on its own: a bad file is refused with its reason, the good ones are kept."""
    submission = permissions.get_submission_for_user(request, pk)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, _("Chưa chọn tệp nào."))
    for upload in files:
        try:
            evidence_upload(
                submission=submission, upload=upload, actor=request.user, ip=client_ip(request)
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, problem_text(exc))
        else:
            messages.success(request, _("Đã tải lên “%(name)s”.") % {"name": upload.name})
    return redirect("evidence_list", pk=submission.pk)


@require_http_methods(["GET", "POST"])
@login_required
def item_evidence_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Evidence uploaded from an item's card in the workspace, bound to that item (GET: the
    form, appraisal/views/item_forms)."""
    if request.method == "GET":
        form = "documents/_item_upload_form.html"
        return item_form(request, pk, _("Tải tài liệu cho tiêu chí này"), form)
    item = get_object_or_404(ScoreItem.objects.select_related("node", "submission"), pk=pk)
    submission = permissions.get_submission_for_user(request, item.submission_id)
    files = request.FILES.getlist("files")
    try:
        evidence_upload_for_item(
            item=item,
            uploads=files,
            reference=request.POST.get("reference", ""),
            actor=request.user,
            ip=client_ip(request),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(
            request,
            _("Tiêu chí %(code)s: không tải lên được — %(why)s")
            % {"code": item.node.code, "why": problem_text(exc)},
        )
    else:
        messages.success(
            request,
            _("Đã tải lên và gắn %(n)s tệp vào tiêu chí %(code)s.")
            % {"n": len(files), "code": item.node.code},
        )
    return redirect(reverse("submission_workspace", args=[submission.pk]) + f"#item-{item.pk}")


def _document_for_user(request: AuthenticatedRequest, pk: int) -> Document:
    document = get_object_or_404(Document.objects.select_related("submission", "current"), pk=pk)
    permissions.get_submission_for_user(request, document.submission_id)
    return document


@require_POST
@login_required
def evidence_replace_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document_for_user(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Chưa chọn tệp nào."))
    else:
        try:
            evidence_replace(
                document=document, upload=upload, actor=request.user, ip=client_ip(request)
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, problem_text(exc))
        else:
            messages.success(request, _("Đã thay bằng phiên bản mới; phiên bản cũ vẫn được lưu."))
    return redirect("evidence_list", pk=document.submission_id)


@require_POST
@login_required
def evidence_bind_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _document_for_user(request, pk)
    form = BindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nhập mã tiêu chí, ví dụ 1.2.3."))
        return redirect("evidence_list", pk=document.submission_id)
    item = ScoreItem.objects.filter(
        submission_id=document.submission_id, node__code=form.cleaned_data["code"].strip()
    ).first()
    if item is None:
        messages.error(
            request, _("Hồ sơ không có tiêu chí “%(code)s”.") % {"code": form.cleaned_data["code"]}
        )
        return redirect("evidence_list", pk=document.submission_id)
    try:
        evidence_bind(
            document=document,
            item=item,
            reference=form.cleaned_data["reference"],
            actor=request.user,
            ip=client_ip(request),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc))
    return redirect("evidence_list", pk=document.submission_id)


@require_POST
@login_required
def evidence_unbind_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    binding = get_object_or_404(Binding.objects.select_related("document"), pk=pk)
    permissions.get_submission_for_user(request, binding.document.submission_id)
    try:
        evidence_unbind(binding=binding, actor=request.user, ip=client_ip(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, problem_text(exc))
    return redirect("evidence_list", pk=binding.document.submission_id)


@login_required
def evidence_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Served only here, after the permission check, as an attachment the browser will not sniff."""
    return _serve_version(request, pk, inline=False)


@login_required
def evidence_view(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """A PDF or an image shown in the browser (other kinds are downloaded), after the same
    permission check as the download."""
    return _serve_version(request, pk, inline=True)


INLINE_KINDS = ("pdf", "jpeg", "png")


def _serve_version(request: AuthenticatedRequest, pk: int, *, inline: bool) -> HttpResponseBase:
    version = get_object_or_404(DocumentVersion.objects.select_related("document"), pk=pk)
    permissions.get_submission_for_user(request, version.document.submission_id)
    if inline and version.kind not in INLINE_KINDS:
        return redirect("evidence_download", pk=version.pk)
    response = _file_response(
        version.file, filename=version.name, content_type=CONTENT_TYPES[version.kind], inline=inline
    )
    if not inline:
        # a sandboxed document cannot run anything; the browsers' PDF viewers refuse it
        response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    submission = permissions.get_submission_for_user(request, pk)
    report = GeneratedReport.objects.filter(
        submission=submission, kind=GeneratedReport.Kind.SELF_ASSESSMENT, superseded=False
    ).first()
    # numbered at the approval but not yet rendered by the worker: nothing to give yet
    if report is None or not report.file or (report.issued_on and not report.sha256):
        raise Http404
    return _file_response(
        report.file,
        filename=f"bao-cao-tu-danh-gia-{submission.unit.code}-{submission.campaign.year}.pdf",
        content_type="application/pdf",
        inline=False,
    )


@require_POST
@login_required
def report_generate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = permissions.get_submission_for_user(request, pk)
    permissions.require(
        permissions.can_edit_submission(request.user, submission)
        or permissions.is_secretariat(request.user, submission.campaign.program_id)
    )
    with transaction.atomic():
        enqueue_self_assessment_report(submission.pk)
    messages.success(request, _("Đang tạo báo cáo; tải về sau ít phút."))
    return redirect("submission_detail", pk=submission.pk)


def _serve_document(document: CampaignDocument) -> FileResponse:
    return _file_response(
        document.file,
        filename=f"{document.key.replace(':', '-')}.pdf",
        content_type="application/pdf",
        inline=True,
    )


def _file_response(file, *, filename: str, content_type: str, inline: bool) -> FileResponse:
    """A stored file, never sniffed by the browser; 404 when the storage has lost it."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_decision(request: HttpRequest, program: str, year: int) -> HttpResponseBase:
    """The publication decision of a published year, for everyone."""
    return public_document(request, program, year, "decision")


PUBLIC_KEYS = ("decision", "year_report")


def public_document(request: HttpRequest, program: str, year: int, key: str) -> HttpResponseBase:
    """A published year's documents, for everyone: the decision, the year report and each
    unit's result sheet. A year imported from earlier publications says plainly that its
    documents are not held here; one still being made says so."""
    campaign = get_published(program, year)
    if key not in PUBLIC_KEYS and not key.startswith("sheet:"):
        raise Http404
    document = CampaignDocument.objects.filter(campaign=campaign, key=key).first()
    if document is not None:
        return _serve_document(document)
    return render(
        request,
        "results/document_missing.html",
        {"campaign": campaign, "imported": campaign.imported},
        status=404,
    )


@login_required
def campaign_document(request: AuthenticatedRequest, pk: int, key: str) -> HttpResponseBase:
    """A campaign's PDF for those who may read it: the decision and year report once
    published; a unit's result sheet for that unit (after publication) and program-wide
    roles; a session's minutes for the council and the secretariat. Made on request by a
    worker when missing or out of date."""
    campaign = permissions.get_campaign_for_user(request, pk)
    kind, _sep, rest = key.partition(":")
    program_id = campaign.program_id
    wide = permissions.sees_all_units(request.user, program_id)
    published = campaign.state in (CampaignState.PUBLISHED, CampaignState.ARCHIVED)
    if kind in ("decision", "year_report"):
        allowed = published or permissions.is_secretariat(request.user, program_id)
    elif kind == "sheet":
        submission = Submission.objects.filter(campaign=campaign, unit__code=rest).first()
        own = submission is not None and permissions.can_edit_submission(request.user, submission)
        allowed = published and (wide or own)
    elif kind == "minutes":
        allowed = permissions.is_secretariat(request.user, program_id) or permissions.has_role(
            request.user, program_id, {Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}
        )
    else:
        raise Http404
    if not allowed:
        raise Http404
    document = CampaignDocument.objects.filter(campaign=campaign, key=key).first()
    try:
        current = builder(key)(campaign, key).fingerprint
    except Exception as exc:  # no such unit or session
        raise Http404 from exc
    # an issued document is what was issued, whatever the data says now
    if document is not None and (document.issued_on or document.fingerprint == current):
        return _serve_document(document)

    with transaction.atomic():
        enqueue_campaign_documents(campaign.pk, [key])
    messages.info(request, _("Văn bản đang được tạo; vui lòng mở lại sau ít phút."))
    return redirect("campaign_detail", pk=campaign.pk)
