"""The evidence locker: files a unit submits as proof (tài liệu kiểm chứng)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models import ScoreItem, Submission


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"


def version_path(instance: "DocumentVersion", filename: str) -> str:
    # Never the user's name in the path: a random name under the submission's folder.
    return f"evidence/{instance.document.submission_id}/{uuid.uuid4().hex}.{instance.kind}"


class Document(models.Model):
    """One piece of evidence of a submission; its content lives in versions."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="documents")
    current = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # set when the file came with the unit's answer to a query (after submission)
    query = models.ForeignKey(
        "appraisal.Query",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("kèm trả lời yêu cầu"),
    )

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["submission", "pk"]

    def __str__(self) -> str:
        return self.current.name if self.current else f"#{self.pk}"


class DocumentVersion(models.Model):
    """The bytes of a document at one time. Never changed; replacing adds a version."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    file = models.FileField(upload_to=version_path, max_length=200)
    name = models.CharField(_("tên tệp"), max_length=180)
    kind = models.CharField(_("loại tệp"), max_length=10, choices=FileKind.choices)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản tài liệu")
        verbose_name_plural = _("phiên bản tài liệu")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_unique_number")
        ]
        indexes = [models.Index(fields=["sha256"], name="version_sha256_idx")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"


class Binding(models.Model):
    """A document proves an item, at a page or section."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="bindings")
    item = models.ForeignKey(ScoreItem, on_delete=models.CASCADE, related_name="bindings")
    reference = models.CharField(_("trang, mục"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("gắn tài liệu với tiêu chí")
        verbose_name_plural = _("gắn tài liệu với tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["document", "item"], name="binding_unique_pair")
        ]
        # `item` has its foreign key's index; a second one on it only slowed every write

    def __str__(self) -> str:
        return f"{self.document} → {self.item.node.code}"


class EvidenceManifest(models.Model):
    """What the evidence was when the submission was submitted: every file's hash."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="manifests")
    created_at = models.DateTimeField(auto_now_add=True)
    entries = models.JSONField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("bảng kê tài liệu")
        verbose_name_plural = _("bảng kê tài liệu")
        ordering = ["submission", "-created_at"]

    def __str__(self) -> str:
        return f"{self.submission} · {self.created_at:%Y-%m-%d %H:%M}"


class Issued(models.Model):
    """What an issued document records (Decree 30): its number and symbol in the issuer's
    register, date, verification code, the SHA-256 of its signed bytes, issuer and signer.
    A row without `issued_on` is a draft, marked "DỰ THẢO" on every page; an issued one's
    bytes never change again."""

    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=40, blank=True)
    code = models.CharField(_("mã tra cứu"), max_length=16, null=True, blank=True, unique=True)
    sha256 = models.CharField(max_length=64, blank=True)
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    certificate = models.CharField(_("chứng thư số"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def reference(self) -> str:
        """ "12/QĐ-BNV" once issued with a number; "" otherwise."""
        return f"{self.number}/{self.symbol}" if self.number else ""


def report_path(instance: "GeneratedReport", filename: str) -> str:
    return f"reports/{instance.submission_id}/{instance.kind}-{uuid.uuid4().hex}.pdf"


class GeneratedReport(Issued):
    """A PDF made from a submission's data; `fingerprint` says which data it shows."""

    class Kind(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Báo cáo tự đánh giá, chấm điểm")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    file = models.FileField(upload_to=report_path, max_length=200)
    fingerprint = models.CharField(max_length=64)
    generated_at = models.DateTimeField(auto_now=True)
    # an issued report a later one replaced (the self-assessment reopened and sent again):
    # kept, with its code and bytes, so that what was sent can still be checked
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("báo cáo PDF")
        verbose_name_plural = _("báo cáo PDF")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind"],
                condition=models.Q(superseded=False),
                name="report_unique_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.kind}"

    @property
    def title(self) -> str:
        """What the verification page calls it."""
        submission = self.submission
        return (
            f"Báo cáo kết quả tự đánh giá, chấm điểm Chỉ số CCHC năm {submission.campaign.year}"
            f" — {submission.unit.name_vi}"
        )


def campaign_document_path(instance: "CampaignDocument", filename: str) -> str:
    return f"publication/{instance.campaign_id}/{uuid.uuid4().hex}.pdf"


class CampaignDocument(Issued):
    """A PDF of a campaign: the publication decision, the year report, a unit's result sheet,
    a council session's minutes. `key` names it ("decision", "sheet:01", "minutes:2");
    `fingerprint` says which data it shows, so it is made once per version of that data."""

    campaign = models.ForeignKey(
        "appraisal.Campaign", on_delete=models.CASCADE, related_name="documents"
    )
    key = models.CharField(max_length=60)
    title = models.CharField(_("tên"), max_length=255)
    file = models.FileField(upload_to=campaign_document_path, max_length=200)
    fingerprint = models.CharField(max_length=64)
    generated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("văn bản của đợt đánh giá")
        verbose_name_plural = _("văn bản của đợt đánh giá")
        ordering = ["campaign", "key"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="campaign_document_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.key}"
