"""Every write to the evidence locker. Files change only while the submission is a draft;
when it is submitted, a manifest of hashes freezes what was sent."""

import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import ScoreItem, Submission
from appraisal.models.states import SubmissionState
from documents.files import check_upload
from documents.models import Binding, Document, DocumentVersion, EvidenceManifest
from workflow.audit import audit_record
from workflow.models import AuditKind


def _check_editable(submission: Submission, actor: User) -> None:
    if not permissions.can_edit_submission(actor, submission):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị mới được cập nhật tài liệu kiểm chứng."))
    if submission.state != SubmissionState.DRAFT:
        raise ValidationError(_("Hồ sơ đã gửi: tài liệu kiểm chứng không thể thay đổi."))


def _audit(
    submission: Submission,
    actor,
    action: str,
    obj_id: int,
    value: str,
    ip: str | None,
    old: str = "",
    stage: str = "self_assessment",
) -> None:
    audit_record(
        kind=AuditKind.EVIDENCE,
        actor=actor,
        ip=ip,
        program_id=submission.campaign.program_id,
        submission_id=submission.pk,
        obj_type="document",
        obj_id=obj_id,
        action=action,
        old_value=old,
        new_value=value,
        stage=stage,
    )


def _digest(upload: UploadedFile) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    for chunk in upload.chunks():
        sha.update(chunk)
        size += len(chunk)
        if size > settings.EVIDENCE_MAX_FILE_BYTES:
            raise ValidationError(
                _("“%(name)s” quá lớn (tối đa %(limit)s một tệp).")
                % {"name": upload.name, "limit": filesizeformat(settings.EVIDENCE_MAX_FILE_BYTES)}
            )
    upload.seek(0)
    return sha.hexdigest(), size


def _store(
    document: Document,
    number: int,
    upload: UploadedFile,
    actor,
    *,
    replacing: Document | None = None,
):
    """Check, hash and store one upload as version `number` of `document`."""
    name, kind = check_upload(upload.name or "", upload)
    sha256, size = _digest(upload)
    submission = document.submission
    current = DocumentVersion.objects.filter(
        document__submission=submission, document__current_id=F("pk")
    )
    duplicate = (
        current.filter(sha256=sha256).exclude(document=replacing).select_related("document").first()
    )
    if duplicate is not None:
        raise ValidationError(
            _("“%(name)s” trùng nội dung với tài liệu đã có “%(existing)s”.")
            % {"name": name, "existing": duplicate.name}
        )
    used = current.exclude(document=replacing).aggregate(total=Sum("size"))["total"] or 0
    if used + size > settings.EVIDENCE_MAX_SUBMISSION_BYTES:
        raise ValidationError(
            _("Vượt dung lượng tài liệu của hồ sơ (tối đa %(limit)s).")
            % {"limit": filesizeformat(settings.EVIDENCE_MAX_SUBMISSION_BYTES)}
        )
    version = DocumentVersion(
        document=document,
        number=number,
        name=name,
        kind=kind,
        size=size,
        sha256=sha256,
        uploaded_by=actor,
    )
    try:
        version.file.save(name, upload, save=False)
    except OSError as exc:  # a full disk, a refused object store
        raise ValidationError(
            _("Không lưu được “%(name)s”: lỗi lưu trữ, vui lòng thử lại sau.") % {"name": name}
        ) from exc
    try:
        version.save()
        document.current = version
        document.save(update_fields=["current"])
    except Exception:
        if version.file.name:  # no orphan file behind a failed write
            version.file.storage.delete(version.file.name)
        raise
    return version


@transaction.atomic
def evidence_upload(
    *, submission: Submission, upload: UploadedFile, actor: User, ip: str | None = None
) -> Document:
    submission = (
        Submission.objects.select_related("campaign")
        .select_for_update(of=("self",))
        .get(pk=submission.pk)
    )
    _check_editable(submission, actor)
    document = Document.objects.create(submission=submission, created_by=actor)
    version = _store(document, 1, upload, actor)
    _audit(submission, actor, "upload", document.pk, f"{version.name} sha256:{version.sha256}", ip)
    return document


@transaction.atomic
def evidence_replace(
    *, document: Document, upload: UploadedFile, actor: User, ip: str | None = None
) -> DocumentVersion:
    """A new version; the old one stays in the history."""
    document = (
        Document.objects.select_related("submission__campaign", "current")
        .select_for_update(of=("self",))
        .get(pk=document.pk)
    )
    _check_editable(document.submission, actor)
    previous = document.current  # every document is made with its first version
    number = previous.number + 1 if previous else 1
    version = _store(document, number, upload, actor, replacing=document)
    _audit(
        document.submission,
        actor,
        "replace",
        document.pk,
        f"{version.name} sha256:{version.sha256}",
        ip,
        old=f"{previous.name} sha256:{previous.sha256}" if previous else "",
    )
    return version


@transaction.atomic
def evidence_bind(
    *,
    document: Document,
    item: ScoreItem,
    reference: str,
    actor: User,
    ip: str | None = None,
) -> Binding:
    document = Document.objects.select_related("submission__campaign", "current").get(
        pk=document.pk
    )
    _check_editable(document.submission, actor)
    if item.submission_id != document.submission_id:
        raise ValidationError(_("Tiêu chí không thuộc hồ sơ này."))
    reference = reference.strip()[:200]
    binding, created = Binding.objects.update_or_create(
        document=document, item=item, defaults={"reference": reference}
    )
    _audit(
        document.submission, actor, "bind", document.pk, f"{item.node.code} {reference}".strip(), ip
    )
    return binding


@transaction.atomic
def evidence_unbind(*, binding: Binding, actor: User, ip: str | None = None) -> None:
    binding = Binding.objects.select_related("document__submission__campaign", "item__node").get(
        pk=binding.pk
    )
    _check_editable(binding.document.submission, actor)
    _audit(
        binding.document.submission,
        actor,
        "unbind",
        binding.document_id,
        "",
        ip,
        old=binding.item.node.code,
    )
    binding.delete()


def evidence_add_to_answer(
    *,
    query,
    items: list[ScoreItem],
    upload: UploadedFile,
    actor: User,
    ip: str | None = None,
) -> Document:
    """A file that comes with a unit's answer to a query, after the submission was frozen:
    stored in the locker, bound to the query's items, recorded in a new manifest by the
    caller. Runs inside the answering transaction."""
    submission = query.review.submission
    if not permissions.can_answer_query(actor, query):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị mới được trả lời yêu cầu."))
    document = Document.objects.create(submission=submission, created_by=actor, query=query)
    version = _store(document, 1, upload, actor)
    Binding.objects.bulk_create(
        [Binding(document=document, item=item, reference="") for item in items]
    )
    codes = ", ".join(item.node.code for item in items)
    _audit(
        submission,
        actor,
        "answer_upload",
        document.pk,
        f"{version.name} sha256:{version.sha256} → {codes}",
        ip,
        stage="review",
    )
    return document


def evidence_freeze(*, submission: Submission) -> EvidenceManifest:
    """Record what was submitted: every current file's name, version, size and SHA-256.
    Runs inside the submitting transition's transaction."""
    rows = (
        DocumentVersion.objects.filter(
            document__submission=submission, document__current_id=F("pk")
        )
        .order_by("document_id")
        .values("document_id", "number", "name", "size", "sha256")
    )
    entries = [dict(row) for row in rows]
    digest = hashlib.sha256(
        json.dumps(entries, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    return EvidenceManifest.objects.create(submission=submission, entries=entries, sha256=digest)


@transaction.atomic
def evidence_upload_for_item(
    *,
    item: ScoreItem,
    uploads: list[UploadedFile],
    reference: str,
    actor: User,
    ip: str | None = None,
) -> list[Document]:
    """Files uploaded from an item's own card, each bound to that item: all or none (a bad
    file refuses the whole upload, with its reason)."""
    if not uploads:
        raise ValidationError(_("Chưa chọn tệp nào."))
    documents = []
    for upload in uploads:
        document = evidence_upload(submission=item.submission, upload=upload, actor=actor, ip=ip)
        evidence_bind(document=document, item=item, reference=reference, actor=actor, ip=ip)
        documents.append(document)
    return documents
