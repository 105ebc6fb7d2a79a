"""Anyone can check a document: the page its QR code and short code lead to says what was
issued under that code (type, number, date, issuing body, signer, SHA-256) and offers the
issued file; a PDF uploaded there is compared byte for byte with it."""

import hashlib

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from documents.issuers import CODE_ALPHABET
from documents.models import CampaignDocument, GeneratedReport

MAX_UPLOAD = 30 * 1024 * 1024


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã tra cứu"), max_length=16)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper().replace(" ", "").replace("-", "")
        if len(code) != 10 or any(ch not in CODE_ALPHABET for ch in code):
            raise forms.ValidationError(
                _("Mã tra cứu gồm 10 chữ và số, in trên văn bản cạnh mã QR.")
            )
        return code


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp PDF cần kiểm tra"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 30 MB)."))
        return upload


def _issued(code: str) -> CampaignDocument | GeneratedReport:
    """The issued document under a code: a campaign's document or a unit's report."""
    document: CampaignDocument | GeneratedReport | None = (
        CampaignDocument.objects.select_related("campaign", "campaign__program")
        .filter(code=code, issued_on__isnull=False)
        .exclude(sha256="")
        .first()
    ) or (
        GeneratedReport.objects.select_related("submission__campaign", "submission__unit")
        .filter(code=code, issued_on__isnull=False)
        .exclude(sha256="")
        .first()
    )
    if document is None:
        raise Http404
    return document


def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The code typed from paper."""
    form = CodeForm(request.GET or None)
    if form.is_valid():
        return redirect("verify_document", code=form.cleaned_data["code"])
    return render(request, "documents/verify_lookup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify_document(request: HttpRequest, code: str) -> HttpResponse:
    document = _issued(code)
    form = UploadForm()
    outcome = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            digest = hashlib.sha256()
            for chunk in form.cleaned_data["file"].chunks():
                digest.update(chunk)
            uploaded = digest.hexdigest()
            outcome = {"same": uploaded == document.sha256, "sha256": uploaded}
    return render(
        request,
        "documents/verify.html",
        {"document": document, "form": form, "outcome": outcome},
        status=400 if form.errors else 200,
    )


def verify_download(request: HttpRequest, code: str) -> FileResponse:
    document = _issued(code)
    name = f"{document.reference.replace('/', '-') or document.code}.pdf"
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)
