"""The audit trail: append-only, each row chained to the previous one by its hash."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    TRANSITION = "transition", _("Chuyển trạng thái")
    SCORE = "score", _("Thay đổi điểm")
    ROLE_GRANT = "role_grant", _("Cấp quyền")
    ROLE_REVOKE = "role_revoke", _("Thu hồi quyền")
    ASSIGNMENT = "assignment", _("Phân công")
    EVIDENCE = "evidence", _("Tài liệu kiểm chứng")
    NOTE = "note", _("Ghi chú nội bộ")
    REMINDER = "reminder", _("Nhắc việc")
    ACCOUNT = "account", _("Tài khoản")
    DOCUMENT = "document", _("Văn bản ban hành")


class AuditEvent(models.Model):
    """One thing that happened. Never updated or deleted by the application.

    `hash` = SHA-256 over this row's content and the previous row's hash, so changing or
    removing any row breaks the chain from that row on (`manage.py verify_audit`).
    """

    seq = models.PositiveBigIntegerField(_("số thứ tự"), unique=True)
    created_at = models.DateTimeField(_("thời điểm"))
    kind = models.CharField(_("loại"), max_length=20, choices=AuditKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    program_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(_("đối tượng"), max_length=40)
    object_id = models.BigIntegerField()
    submission_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(_("thao tác"), max_length=60)
    from_state = models.CharField(_("từ trạng thái"), max_length=30, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=30, blank=True)
    field = models.CharField(_("trường"), max_length=40, blank=True)
    old_value = models.TextField(_("giá trị cũ"), blank=True)
    new_value = models.TextField(_("giá trị mới"), blank=True)
    comment = models.TextField(_("ghi chú, lý do"), blank=True)
    stage = models.CharField(_("giai đoạn"), max_length=30, blank=True)
    internal = models.BooleanField(_("nội bộ (đơn vị không xem)"), default=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["seq"]
        indexes = [
            # the timeline of one submission, in order
            models.Index(fields=["submission_id", "seq"], name="audit_submission_idx"),
            # CSV export of one program
            models.Index(fields=["program_id", "seq"], name="audit_program_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """A single row holding the last sequence number and hash; locking it orders the appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")
        ]

    def __str__(self) -> str:
        return f"audit head #{self.seq}"
