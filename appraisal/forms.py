from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from appraisal.models import Organisation, Program
from appraisal.models.choices import ORGANISATION_ROLES, Level, OrganisationKind, Role
from workflow.states import DomainReviewState, SubmissionState


class FrameworkUploadForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), label=_("Chương trình đánh giá")
    )
    file = forms.FileField(
        label=_("Tệp bộ chỉ số (YAML hoặc XLSX)"),
        help_text=_("Tệp được kiểm tra toàn bộ; nếu có lỗi, không có gì được ghi."),
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        if len(programs) == 1:
            self.fields["program"].initial = programs[0].pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.FRAMEWORK_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(limit)s).") % {"limit": filesizeformat(limit)}
            )
        name = upload.name.lower()
        if not name.endswith((".yaml", ".yml", ".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .yaml, .yml hoặc .xlsx."))
        return upload


class SubmissionFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Cấp"), required=False, choices=[("", _("Tất cả các cấp")), *Level.choices]
    )
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả trạng thái")), *SubmissionState.choices],
    )


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo mã hoặc tên"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("Tất cả")), *OrganisationKind.choices]
    )
    current = forms.BooleanField(label=_("Chỉ đơn vị đang tồn tại"), required=False)


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị"),
        queryset=Organisation.objects.order_by("kind", "code"),
        required=False,
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        # the organisations a grant in this program may name: the national bodies (no
        # parent) and the program owner's own departments and communes — not every
        # province's (thousands at national scale)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            Q(parent__isnull=True) | Q(parent_id=program.owner_id)
        ).order_by("kind", "code")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Không có người dùng “%(name)s”.") % {"name": username})
        self.cleaned_data["user"] = user
        return username

    def clean(self):
        data = super().clean()
        if data.get("role") in ORGANISATION_ROLES and not data.get("organisation"):
            self.add_error("organisation", _("Vai trò này cần chỉ rõ cơ quan, đơn vị."))
        return data


class RoleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên đăng nhập hoặc mã đơn vị"), required=False, max_length=100
    )
    role = forms.ChoiceField(
        label=_("Vai trò"), required=False, choices=[("", _("Tất cả")), *Role.choices]
    )


class _OrganisationFilter(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Cơ quan thẩm định"),
        empty_label=_("Tất cả"),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class QueueFilterForm(_OrganisationFilter):
    state = forms.ChoiceField(
        required=False,
        label=_("Hiển thị"),
        choices=[
            ("pending", _("Chờ phân công")),
            ("active", _("Đang thẩm định")),
            ("completed", _("Đã xong")),
            ("all", _("Tất cả")),
        ],
    )


class MatrixFilterForm(_OrganisationFilter):
    level = forms.ChoiceField(
        required=False, label=_("Cấp"), choices=[("", _("Tất cả"))] + Level.choices
    )
    state = forms.ChoiceField(
        required=False,
        label=_("Trạng thái"),
        choices=[("", _("Tất cả"))] + DomainReviewState.choices,
    )
    lateness = forms.ChoiceField(
        required=False,
        label=_("Thời hạn"),
        choices=[
            ("", _("Tất cả")),
            ("late", _("Quá hạn")),
            ("due_soon", _("Sắp đến hạn")),
            ("on_time", _("Trong hạn")),
        ],
    )


class _DueOn(forms.Form):
    due_on = forms.DateField(
        label=_("Hạn trả lời"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


class RaiseQueryForm(_DueOn):
    question = forms.CharField(
        label=_("Nội dung yêu cầu giải trình, bổ sung"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowUpForm(_DueOn):
    note = forms.CharField(
        label=_("Nội dung yêu cầu tiếp"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseQueryForm(forms.Form):
    accepted = forms.ChoiceField(
        label=_("Kết luận"),
        choices=[("yes", _("Chấp nhận giải trình")), ("no", _("Không chấp nhận"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Ghi chú (bắt buộc khi không chấp nhận)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
