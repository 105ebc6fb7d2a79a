import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from appraisal.models.choices import OrganisationKind, Ranked, Region


class BilingualNameMixin(models.Model):
    """Vietnamese name always; English where known, shown to English readers."""

    name_vi = models.CharField(_("tên tiếng Việt"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_vi


class Organisation(BilingualNameMixin):
    """A ministry, province, department or commune: an assessed unit or a reviewer."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.CharField(_("vùng"), max_length=10, choices=Region.choices, blank=True)
    assessed = models.BooleanField(_("được đánh giá"), default=True)
    ranked = models.CharField(
        _("xếp hạng"), max_length=10, choices=Ranked.choices, default=Ranked.YES
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="organisation_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def name_in(self, year: int, language: str | None = None) -> str:
        """The name the unit bore in `year` (at its end): a unit renamed without a merger
        keeps its former names with their dates. Reads `former_names` (prefetch it on
        lists)."""
        end = datetime.date(year, 12, 31)
        former = [n for n in self.former_names.all() if end <= n.valid_until]
        holder = min(former, key=lambda n: n.valid_until) if former else self
        if (language or get_language()) == "en" and holder.name_en:
            return holder.name_en
        return holder.name_vi


class OrganisationName(BilingualNameMixin):
    """A name a unit bore until `valid_until` (renamed without a merger: Tỉnh Thừa Thiên
    Huế became Thành phố Huế on 01/01/2025, keeping its code)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="former_names"
    )
    valid_until = models.DateField(_("dùng đến ngày"))

    class Meta:
        verbose_name = _("tên cũ của đơn vị")
        verbose_name_plural = _("tên cũ của đơn vị")
        ordering = ["organisation", "valid_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "valid_until"], name="organisation_name_unique_until"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_vi} (≤ {self.valid_until:%d/%m/%Y})"


class OrganisationLineage(models.Model):
    """`predecessor` became part of `successor` on `effective_on` (merger or absorption)."""

    successor = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    predecessor = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="successor_links"
    )
    effective_on = models.DateField(_("ngày hiệu lực"))

    class Meta:
        verbose_name = _("quan hệ kế thừa")
        verbose_name_plural = _("quan hệ kế thừa")
        ordering = ["successor__code", "predecessor__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["successor", "predecessor"], name="lineage_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("predecessor")), name="lineage_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor.code} → {self.successor.code} ({self.effective_on})"


class Program(BilingualNameMixin):
    """An index program: the national PAR Index, or a province's or ministry's internal one."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan chủ trì"),
        on_delete=models.PROTECT,
        related_name="owned_programs",
    )
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("chương trình đánh giá")
        verbose_name_plural = _("chương trình đánh giá")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
