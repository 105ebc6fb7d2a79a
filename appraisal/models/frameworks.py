from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.choices import (
    FrameworkStatus,
    Level,
    NodeKind,
    ScoringMethod,
    ScoringMode,
)
from appraisal.models.organisations import BilingualNameMixin, Organisation, Program

POINTS: dict[str, Any] = {"max_digits": 7, "decimal_places": 2}
LOCKED_MESSAGE = _("Bộ chỉ số đã khóa: không thể sửa hoặc xóa.")


class Framework(BilingualNameMixin):
    """A versioned criteria framework (bộ chỉ số) for one level of one program.

    Once locked it is immutable: the years that used it must stay reproducible.
    """

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="frameworks", verbose_name=_("chương trình")
    )
    code = models.SlugField(_("mã phiên bản"), max_length=60, unique=True)
    level = models.CharField(_("cấp áp dụng"), max_length=20, choices=Level.choices)
    version = models.CharField(_("phiên bản"), max_length=40)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500)
    notice = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=FrameworkStatus.choices,
        default=FrameworkStatus.DRAFT,
    )
    total_points = models.DecimalField(_("tổng điểm"), **POINTS)
    survey_points = models.DecimalField(_("điểm điều tra xã hội học"), **POINTS)
    appraised_points = models.DecimalField(_("điểm thẩm định"), **POINTS)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    locked_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        ordering = ["program__code", "level", "-version", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_points=models.F("survey_points") + models.F("appraised_points")),
                name="framework_points_add_up",
            ),
            models.CheckConstraint(
                condition=Q(survey_points__gte=0) & Q(appraised_points__gte=0),
                name="framework_points_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_locked(self) -> bool:
        return self.status == FrameworkStatus.LOCKED

    def _refuse_if_stored_locked(self) -> None:
        stored = Framework.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored == FrameworkStatus.LOCKED:
            raise ValidationError(LOCKED_MESSAGE)

    def save(self, *args, **kwargs) -> None:
        # A locked framework is immutable: the years that used it must stay reproducible.
        # (On PostgreSQL a trigger holds the same rule for any SQL.)
        if self.pk:
            self._refuse_if_stored_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_stored_locked()
        return super().delete(*args, **kwargs)


class FrameworkNode(BilingualNameMixin):
    """A domain, criterion or sub-criterion. A node without children is scored itself."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(_("cấp"), max_length=20, choices=NodeKind.choices)
    code = models.CharField(_("mã"), max_length=20)
    position = models.PositiveIntegerField(_("thứ tự"))
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    is_leaf = models.BooleanField(_("được chấm điểm"), default=False)
    scoring_mode = models.CharField(
        _("cách chấm"), max_length=10, choices=ScoringMode.choices, blank=True
    )
    scoring_method = models.CharField(
        _("phương pháp chấm"), max_length=10, choices=ScoringMethod.choices, blank=True
    )
    method_params = models.JSONField(_("tham số chấm điểm"), default=dict, blank=True)
    guidance = models.TextField(_("hướng dẫn chấm điểm, tài liệu kiểm chứng"), blank=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan thẩm định lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_domains",
    )

    class Meta:
        verbose_name = _("nội dung của bộ chỉ số")
        verbose_name_plural = _("nội dung của bộ chỉ số")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="node_code_unique"),
            models.UniqueConstraint(fields=["framework", "position"], name="node_position_unique"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="node_max_non_negative"),
            models.CheckConstraint(
                condition=Q(is_leaf=False) | ~Q(scoring_mode=""), name="leaf_has_mode"
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(kind=NodeKind.DOMAIN),
                name="only_domains_have_owner",
            ),
        ]
        indexes = [
            # framework browser and score item creation: the leaves of one framework in order
            models.Index(fields=["framework", "is_leaf", "position"], name="node_leaves_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    def _refuse_if_framework_locked(self) -> None:
        if Framework.objects.filter(pk=self.framework_id, status=FrameworkStatus.LOCKED).exists():
            raise ValidationError(LOCKED_MESSAGE)

    def save(self, *args, **kwargs) -> None:
        self._refuse_if_framework_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_framework_locked()
        return super().delete(*args, **kwargs)

    @property
    def is_deduction(self) -> bool:
        return self.scoring_method == ScoringMethod.DEDUCTION

    @property
    def counted_points(self) -> Decimal:
        """What the node adds to its parent's maximum: a deduction adds nothing."""
        return Decimal(0) if self.is_deduction else self.max_points
