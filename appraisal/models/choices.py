from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ, cơ quan ngang bộ")
    PROVINCE = "province", _("Tỉnh, thành phố trực thuộc Trung ương")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    COMMUNE = "commune", _("Xã, phường, đặc khu")


class Level(models.TextChoices):
    """The level a framework applies to: the kind of the assessed units."""

    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    DEPARTMENT = "department", _("Cấp sở, ban, ngành")
    COMMUNE = "commune", _("Cấp xã")


class Region(models.TextChoices):
    DBSH = "DBSH", _("Đồng bằng sông Hồng")
    TDMNPB = "TDMNPB", _("Trung du và miền núi phía Bắc")
    BTB_DHMT = "BTB-DHMT", _("Bắc Trung Bộ và duyên hải miền Trung")
    TN = "TN", _("Tây Nguyên")
    DNB = "DNB", _("Đông Nam Bộ")
    DBSCL = "DBSCL", _("Đồng bằng sông Cửu Long")


class Ranked(models.TextChoices):
    YES = "yes", _("Được xếp hạng")
    NO = "no", _("Không xếp hạng")
    UNKNOWN = "unknown", _("Chưa xác định (theo quyết định của đợt đánh giá)")


class NodeKind(models.TextChoices):
    DOMAIN = "domain", _("Lĩnh vực")
    CRITERION = "criterion", _("Tiêu chí")
    SUB_CRITERION = "sub_criterion", _("Tiêu chí thành phần")


class ScoringMode(models.TextChoices):
    SELF = "self", _("Tự đánh giá, thẩm định")
    SURVEY = "survey", _("Điều tra xã hội học")
    CENTRAL = "central", _("Cơ quan thường trực chấm")


class ScoringMethod(models.TextChoices):
    CHOICE = "choice", _("Chọn mức điểm")
    RATIO = "ratio", _("Tỷ lệ")
    NUMBER = "number", _("Số điểm")
    DEDUCTION = "deduction", _("Điểm trừ")


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    LOCKED = "locked", _("Đã khóa")


class Stage(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    REVIEW = "review", _("Thẩm định của bộ, ngành")
    COUNCIL = "council", _("Hội đồng thẩm định")
    PUBLICATION = "publication", _("Công bố")


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Cơ quan thường trực (thư ký)")
    COORDINATOR = "coordinator", _("Đầu mối bộ, ngành thẩm định")
    REVIEWER = "reviewer", _("Chuyên viên thẩm định")
    FOCAL_POINT = "focal_point", _("Cán bộ đầu mối của đơn vị")
    LEADER = "leader", _("Lãnh đạo đơn vị")
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng")
    COUNCIL_CHAIR = "council_chair", _("Chủ trì Hội đồng (Chủ tịch, Phó Chủ tịch)")
    MANAGER = "manager", _("Lãnh đạo, người theo dõi")


# Roles that act for one organisation and must name it.
ORGANISATION_ROLES = frozenset({Role.COORDINATOR, Role.REVIEWER, Role.FOCAL_POINT, Role.LEADER})
