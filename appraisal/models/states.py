"""The states of the lifecycles (DOMAIN.md §6): the models' `state` fields take their choices
here, and the flow classes of `workflow/flows/` move rows between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    REVIEW = "review", _("Thẩm định của bộ, ngành")
    COUNCIL = "council", _("Hội đồng thẩm định")
    PUBLISHED = "published", _("Đã công bố")
    ARCHIVED = "archived", _("Lưu trữ")


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Đang tự chấm")
    PENDING_APPROVAL = "pending_approval", _("Chờ lãnh đạo phê duyệt")
    SUBMITTED = "submitted", _("Đã gửi")
    UNDER_REVIEW = "under_review", _("Đang thẩm định")
    REVIEWED = "reviewed", _("Đã thẩm định")
    IN_COUNCIL = "in_council", _("Hội đồng đang xem xét")
    APPRAISED = "appraised", _("Hội đồng đã chốt điểm")
    PUBLISHED = "published", _("Đã công bố")


class DomainReviewState(models.TextChoices):
    PENDING = "pending", _("Chờ phân công")
    ASSIGNED = "assigned", _("Đã phân công")
    IN_PROGRESS = "in_progress", _("Đang thẩm định")
    AWAITING_UNIT = "awaiting_unit", _("Chờ đơn vị giải trình")
    COMPLETED = "completed", _("Hoàn thành")


class QueryState(models.TextChoices):
    OPEN = "open", _("Chờ đơn vị trả lời")
    ANSWERED = "answered", _("Đơn vị đã trả lời")
    CLOSED = "closed", _("Đã đóng")
