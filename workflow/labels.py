"""What each transition is called on screen and in the timeline."""

from django.utils.translation import gettext_lazy as _

from appraisal.models.states import CampaignState, DomainReviewState, QueryState, SubmissionState

TRANSITION_LABELS = {
    ("campaign", "open_self_assessment"): _("Mở tự đánh giá"),
    ("campaign", "start_review"): _("Chuyển sang thẩm định"),
    ("campaign", "start_council"): _("Chuyển sang Hội đồng"),
    ("campaign", "publish"): _("Công bố"),
    ("campaign", "archive"): _("Lưu trữ"),
    ("campaign", "reopen_self_assessment"): _("Quay lại giai đoạn tự đánh giá"),
    ("campaign", "reopen_review"): _("Quay lại giai đoạn thẩm định"),
    ("submission", "reopen_self_assessment"): _("Mở lại tự đánh giá cho đơn vị"),
    ("submission", "send_for_approval"): _("Trình lãnh đạo phê duyệt"),
    ("submission", "approve"): _("Phê duyệt và gửi"),
    ("submission", "return_to_draft"): _("Trả lại để chỉnh sửa"),
    ("submission", "withdraw"): _("Rút hồ sơ"),
    ("submission", "return_incomplete"): _("Trả hồ sơ chưa đầy đủ"),
    ("submission", "start_review"): _("Bắt đầu thẩm định"),
    ("submission", "finish_review"): _("Hoàn thành thẩm định"),
    ("submission", "send_to_council"): _("Trình Hội đồng"),
    ("submission", "reopen_review"): _("Mở lại thẩm định"),
    ("submission", "appraise"): _("Hội đồng chốt điểm"),
    ("submission", "send_back_to_review"): _("Trả về thẩm định lại"),
    ("submission", "publish"): _("Công bố kết quả"),
    ("domain_review", "assign"): _("Phân công thẩm định"),
    ("domain_review", "reassign"): _("Phân công lại"),
    ("domain_review", "start"): _("Bắt đầu thẩm định lĩnh vực"),
    ("domain_review", "await_unit"): _("Chờ đơn vị giải trình"),
    ("domain_review", "resume"): _("Tiếp tục thẩm định"),
    ("domain_review", "complete"): _("Hoàn thành thẩm định lĩnh vực"),
    ("domain_review", "reopen"): _("Mở lại thẩm định lĩnh vực"),
    ("query", "raise"): _("Gửi yêu cầu giải trình"),
    ("query", "answer"): _("Trả lời yêu cầu"),
    ("query", "close"): _("Đóng yêu cầu"),
    ("query", "reopen"): _("Yêu cầu giải trình tiếp"),
    ("role", "grant"): _("Cấp quyền"),
    ("role", "revoke"): _("Thu hồi quyền"),
    ("score_item", "self_score"): _("Tự chấm điểm"),
    ("score_item", "review_score"): _("Đề xuất điểm thẩm định"),
    ("score_item", "final_score"): _("Hội đồng chốt điểm"),
    ("score_item", "internal_note"): _("Ghi chú nội bộ"),
    ("domain_review", "reviewer"): _("Chuyên viên thẩm định"),
    ("domain_review", "remind"): _("Nhắc việc"),
    ("campaign", "route_domain"): _("Đổi cơ quan thẩm định lĩnh vực"),
    ("campaign", "set_query_days"): _("Đổi thời hạn trả lời yêu cầu"),
    ("document", "upload"): _("Tải lên tài liệu"),
    ("document", "replace"): _("Thay phiên bản tài liệu"),
    ("document", "bind"): _("Gắn tài liệu với tiêu chí"),
    ("document", "unbind"): _("Bỏ gắn tài liệu"),
    ("document", "answer_upload"): _("Tài liệu kèm trả lời yêu cầu"),
    ("extension", "extension_request"): _("Đề nghị gia hạn"),
    ("extension", "extension_grant"): _("Đồng ý gia hạn"),
    ("extension", "extension_refuse"): _("Không đồng ý gia hạn"),
    ("score_item", "na_request"): _("Đề nghị tiêu chí không áp dụng"),
    ("score_item", "na_approve"): _("Chấp thuận tiêu chí không áp dụng"),
    ("score_item", "na_refuse"): _("Không chấp thuận tiêu chí không áp dụng"),
    ("submission", "exclude"): _("Không tính vào kết quả năm"),
    ("submission", "include"): _("Tính lại vào kết quả năm"),
    ("campaign", "council_member"): _("Thành viên Hội đồng"),
    ("campaign", "council_session"): _("Phiên họp Hội đồng"),
    ("campaign", "council_minutes"): _("Biên bản phiên họp"),
    ("campaign", "council_minutes_close"): _("Chốt và ký biên bản phiên họp"),
    ("campaign", "import_results"): _("Nhập kết quả năm trước"),
    ("survey_result", "survey_import"): _("Nhập điểm điều tra xã hội học"),
    ("calendar", "calendar_day"): _("Khai báo ngày làm việc, ngày nghỉ"),
    ("user", "invite"): _("Mời tham gia"),
    ("user", "accept"): _("Nhận lời mời, đặt mật khẩu"),
    ("user", "resend"): _("Gửi lại lời mời"),
    ("user", "disable"): _("Khóa tài khoản"),
    ("user", "enable"): _("Mở khóa tài khoản"),
    ("invitation", "propose"): _("Đề xuất cán bộ đầu mối"),
    ("invitation", "reject"): _("Không phê duyệt đề xuất"),
    ("campaign", "create"): _("Tạo đợt đánh giá"),
    ("campaign", "issue"): _("Cấp số văn bản công bố"),
    ("campaign", "publication_text"): _("Sửa nội dung văn bản công bố"),
    ("campaign_document", "issue"): _("Ban hành văn bản"),
    ("generated_report", "issue"): _("Ban hành báo cáo tự đánh giá"),
    ("issuer_profile", "edit"): _("Sửa thông tin ban hành văn bản"),
    ("campaign", "add_units"): _("Thêm đơn vị được đánh giá"),
    ("campaign", "remove_units"): _("Bớt đơn vị được đánh giá"),
    ("user", "two_factor_on"): _("Bật xác thực hai lớp"),
    ("user", "two_factor_off"): _("Tắt xác thực hai lớp"),
}

# What a changed field is called on screen (the audit keeps "<item code>.<field>").
FIELD_LABELS = {
    "self_score": _("Điểm tự chấm"),
    "review_score": _("Điểm đề xuất"),
    "final_score": _("Điểm chốt"),
    "internal_note": _("Ghi chú nội bộ"),
    "applicable": _("Áp dụng"),
    "explanation": _("Giải trình"),
    "reviewer": _("Chuyên viên thẩm định"),
    "due_on": _("Hạn"),
    "exclusion_reason": _("Lý do không tính vào kết quả"),
    "stage": _("Thời hạn tự đánh giá"),
    "query": _("Hạn trả lời yêu cầu"),
    "review": _("Hạn thẩm định"),
}


def field_label(field: str) -> tuple[str, str]:
    """(item code or "", the field's label) of an audit row's field."""
    code, _dot, name = field.rpartition(".") if "." in field else ("", "", field)
    return code, str(FIELD_LABELS.get(name, name))


def action_label(object_type: str, action: str) -> str:
    return str(TRANSITION_LABELS.get((object_type, action), action))


STATES = {
    "campaign": CampaignState,
    "submission": SubmissionState,
    "domain_review": DomainReviewState,
    "query": QueryState,
}


def state_label(object_type: str, value: str) -> str:
    choices = STATES.get(object_type)
    if not value or choices is None or value not in choices.values:
        return value
    return str(choices(value).label)
