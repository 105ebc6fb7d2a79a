from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from appraisal.models.campaigns import Campaign
from appraisal.models.choices import Level
from appraisal.models.frameworks import POINTS
from appraisal.models.organisations import Organisation


class SurveyResult(models.Model):
    """A unit's survey points for a campaign (and per domain where the survey team gives them)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="survey_results")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("điểm điều tra xã hội học"), **POINTS)
    # domain code → points, as decimal strings ("3.25")
    domains = models.JSONField(_("điểm theo lĩnh vực"), default=dict, blank=True)
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kết quả điều tra xã hội học")
        verbose_name_plural = _("kết quả điều tra xã hội học")
        ordering = ["campaign", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="survey_unique_unit"),
            models.CheckConstraint(
                condition=models.Q(points__gte=0), name="survey_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit.code}: {self.points}"


class UnitResult(models.Model):
    """A unit's published result: stored when the year is published (or a past year is
    imported) and never computed again."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="results")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="results")
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    appraisal_points = models.DecimalField(_("điểm thẩm định"), max_digits=9, decimal_places=4)
    survey_points = models.DecimalField(_("điểm điều tra"), max_digits=9, decimal_places=4)
    total_points = models.DecimalField(_("tổng điểm"), max_digits=9, decimal_places=4)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=9, decimal_places=4)
    # unrounded (to eight places): shown with two, half up
    index = models.DecimalField(_("chỉ số (%)"), max_digits=14, decimal_places=8)
    group = models.CharField(_("nhóm"), max_length=1)
    ranked = models.BooleanField(_("được xếp hạng"), default=True)
    rank = models.PositiveSmallIntegerField(_("thứ hạng"), null=True, blank=True)
    previous_index = models.DecimalField(
        _("chỉ số năm trước"), max_digits=14, decimal_places=8, null=True, blank=True
    )
    # {"domains": [{"code", "name_vi", "name_en", "points", "max"}], "criteria": [...]}
    components = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("kết quả công bố")
        verbose_name_plural = _("kết quả công bố")
        ordering = ["campaign", "level", "rank", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="result_unique_unit"),
        ]
        indexes = [
            # the public ranking of a level, and a unit's history across years
            models.Index(fields=["campaign", "level", "rank"], name="result_ranking_idx"),
            models.Index(fields=["unit", "campaign"], name="result_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit.code}: {self.index}"


class SurveyUpload(models.Model):
    """A survey file as the secretariat uploaded it: previewed first, applied once confirmed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="survey_uploads")
    filename = models.CharField(_("tên tệp"), max_length=200)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("đã áp dụng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp kết quả điều tra")
        verbose_name_plural = _("tệp kết quả điều tra")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.filename}"
