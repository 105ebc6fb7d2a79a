"""Forms of the people pages: invitations, lists from a file, proposals, roles and their filters."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.forms.common import (
    OrganisationField,
    PersonField,
    PickerInput,
    program_organisations,
    spreadsheet_upload,
)
from appraisal.models import Organisation, Program
from appraisal.models.choices import ORGANISATION_ROLES, Role


class RoleGrantForm(forms.Form):
    username = PersonField(
        label=_("Người dùng"),
        help_text=_("Gõ tên, tên đăng nhập hoặc thư điện tử để chọn."),
        widget=PickerInput(),
    )
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị"),
        queryset=Organisation.objects.order_by("kind", "code"),
        required=False,
    )

    def __init__(self, *args, program: Program, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.search_url = search_url
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = program_organisations(program).order_by("kind", "code")

    def clean(self):
        data = super().clean()
        if data.get("username") is not None:
            data["user"] = data["username"]
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


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"))
    # no role chosen by default: a slip must not make someone the secretariat
    role = forms.ChoiceField(
        label=_("Vai trò"), choices=[("", _("— chọn vai trò —")), *Role.choices]
    )
    organisation = OrganisationField(
        label=_("Cơ quan, đơn vị"),
        required=False,
        help_text=_("Gõ mã hoặc tên để chọn; cần cho đầu mối, chuyên viên, lãnh đạo đơn vị."),
        widget=PickerInput(),
    )

    def __init__(self, *args, program: Program, search_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = program_organisations(program)
        organisation.widget.search_url = search_url

    def clean(self):
        data = super().clean()
        if data.get("role") in ORGANISATION_ROLES and not data.get("organisation"):
            self.add_error("organisation", _("Vai trò này cần chỉ rõ cơ quan, đơn vị."))
        return data


class PeopleFileForm(forms.Form):
    file = forms.FileField(
        label=_("Danh sách (CSV hoặc XLSX)"),
        help_text=_(
            "Các cột: họ và tên, thư điện tử, mã cơ quan, vai trò. Tệp được kiểm tra toàn bộ; nếu có lỗi, không ai được mời."
        ),
    )

    def clean_file(self):
        return spreadsheet_upload(self.cleaned_data["file"])


class ProposeForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"))
    organisation = forms.ModelChoiceField(
        label=_("Đơn vị"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[org.pk for org in organisations]
        )


PEOPLE_SORTS = {
    "name": ("first_name", "username"),
    "-name": ("-first_name", "-username"),
    "login": ("username",),
    "-login": ("-username",),
    "last_login": ("last_login", "username"),
    "-last_login": ("-last_login", "username"),
    "state": ("state_order", "username"),
    "-state": ("-state_order", "username"),
}


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên, tên đăng nhập, thư điện tử"), required=False)
    role = forms.ChoiceField(
        label=_("Vai trò"), required=False, choices=[("", _("Tất cả")), *Role.choices]
    )
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("invited", _("Đã mời, chưa đặt mật khẩu")),
            ("active", _("Đang hoạt động")),
            ("disabled", _("Đã khóa")),
        ],
    )
    organisation = forms.CharField(label=_("Mã cơ quan"), required=False, max_length=40)
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[
            ("name", _("Họ tên (A–Z)")),
            ("-name", _("Họ tên (Z–A)")),
            ("login", _("Tên đăng nhập (A–Z)")),
            ("-login", _("Tên đăng nhập (Z–A)")),
            ("-last_login", _("Đăng nhập gần nhất trước")),
            ("last_login", _("Đăng nhập lâu nhất trước")),
            ("state", _("Trạng thái")),
            ("-state", _("Trạng thái (ngược)")),
        ],
    )
