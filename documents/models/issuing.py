"""What makes a PDF an issued administrative document (Decree 30/2020/NĐ-CP): who issues it
(each organisation's issuing data, kept in the app), the outgoing register that numbers it,
and the campaign's publication record that freezes that data for the year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuerProfile(models.Model):
    """How an organisation appears on the documents it issues. An organisation without a
    row uses the defaults of `documents.issuers.default_profile` (from its kind and name)."""

    organisation = models.OneToOneField(
        "appraisal.Organisation", on_delete=models.CASCADE, related_name="issuer_profile"
    )
    formal_name = models.CharField(
        _("tên cơ quan ban hành"),
        max_length=200,
        help_text=_(
            "Viết như trong câu, ví dụ: Ủy ban nhân dân thành phố Hà Nội (văn bản tự in hoa)."
        ),
    )
    superior_body = models.CharField(
        _("tên cơ quan chủ quản"),
        max_length=200,
        blank=True,
        help_text=_("Dòng trên tên cơ quan ban hành; để trống với bộ và UBND cấp tỉnh."),
    )
    symbol = models.CharField(
        _("chữ viết tắt tên cơ quan"),
        max_length=30,
        help_text=_("Phần sau loại văn bản trong ký hiệu, ví dụ: BNV trong QĐ-BNV, UBND."),
    )
    place = models.CharField(_("địa danh"), max_length=80, help_text=_("Ví dụ: Hà Nội, Bắc Ninh."))
    authority = models.CharField(
        _("thẩm quyền ban hành quyết định"),
        max_length=200,
        help_text=_("Viết như trong câu, ví dụ: Bộ trưởng Bộ Nội vụ (in hoa trước phần căn cứ)."),
    )
    signer_position = models.CharField(
        _("quyền hạn, chức vụ người ký"),
        max_length=200,
        help_text=_("Mỗi dòng một dòng trên văn bản, ví dụ: KT. BỘ TRƯỞNG ↵ THỨ TRƯỞNG."),
    )
    signer_name = models.CharField(_("họ và tên người ký"), max_length=120, blank=True)
    grounds = models.TextField(
        _("căn cứ ban hành"),
        blank=True,
        help_text=_("Mỗi căn cứ một dòng, không cần chữ “Căn cứ” ở đầu."),
    )
    proposer = models.CharField(
        _("người đề nghị"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Vụ trưởng Vụ Cải cách hành chính."),
    )
    implementers = models.TextField(
        _("cơ quan, đơn vị thi hành"),
        blank=True,
        help_text=_("Điều cuối của quyết định: ai chịu trách nhiệm thi hành, mỗi dòng một."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # what the secretariat or the leader edits, in the order the form shows it
    EDITABLE = (
        "formal_name",
        "superior_body",
        "symbol",
        "place",
        "authority",
        "signer_position",
        "signer_name",
        "grounds",
        "proposer",
        "implementers",
    )

    class Meta:
        verbose_name = _("thông tin ban hành văn bản")
        verbose_name_plural = _("thông tin ban hành văn bản")

    def __str__(self) -> str:
        return self.formal_name


class Register(models.Model):
    """The outgoing register (sổ đăng ký văn bản đi) of an issuing body for one year: the
    last number given. Numbers come from `documents.issuers.next_number` under a row lock,
    inside the transaction that issues, so they are gap-free."""

    issuer = models.ForeignKey(
        "appraisal.Organisation", on_delete=models.PROTECT, related_name="registers"
    )
    year = models.PositiveIntegerField(_("năm"))
    last_number = models.PositiveIntegerField(_("số cuối cùng đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản đi")
        verbose_name_plural = _("sổ đăng ký văn bản đi")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="register_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id} · {self.year} · {self.last_number}"


class Publication(models.Model):
    """A campaign's publication record: the narratives the secretariat writes before issue,
    and, from publication on, the issuing data as it was then (`snapshot`), so that the
    year's documents never change afterwards."""

    campaign = models.OneToOneField(
        "appraisal.Campaign", on_delete=models.CASCADE, related_name="publication"
    )
    decision_text = models.TextField(
        _("nội dung bổ sung của quyết định"),
        blank=True,
        help_text=_("Đoạn văn thêm vào Điều 2 (nếu cần)."),
    )
    report_text = models.TextField(_("nội dung báo cáo"), blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("hồ sơ công bố")
        verbose_name_plural = _("hồ sơ công bố")

    def __str__(self) -> str:
        return str(self.campaign_id)
