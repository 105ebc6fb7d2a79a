from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from appraisal.models import Organisation, Program
from appraisal.models.choices import ORGANISATION_ROLES, Level, OrganisationKind, Role
from workflow.states import SubmissionState


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
