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


SUBMISSION_SORTS = {
    "code": ("unit__code",),
    "-code": ("-unit__code",),
    "name": ("unit__name_vi", "unit__code"),
    "-name": ("-unit__name_vi", "unit__code"),
    "level": ("level", "unit__code"),
    "-level": ("-level", "unit__code"),
    "state": ("state", "unit__code"),
    "-state": ("-state", "unit__code"),
    "updated": ("updated_at", "unit__code"),
    "-updated": ("-updated_at", "unit__code"),
}


class SubmissionFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm đơn vị (mã hoặc tên)"), required=False, max_length=100)
    sort = forms.ChoiceField(
        required=False, choices=[(k, k) for k in SUBMISSION_SORTS], widget=forms.HiddenInput
    )
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


# Pickers: a text field with a search-as-you-type list (htmx fills a <datalist>) ----------


class PickerInput(forms.TextInput):
    """A text input that offers matches while one types: the server's search page fills the
    <datalist> (people by name, login or e-mail; organisations by code or name)."""

    def __init__(self, search_url: str = "", attrs=None):
        super().__init__(attrs)
        self.search_url = search_url

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html

        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id', name)}-options"
        attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "hx-get": self.search_url,
                "hx-trigger": "input changed delay:250ms, focus once",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
            }
        )
        return format_html(
            '{}<datalist id="{}"></datalist>', super().render(name, value, attrs, renderer), list_id
        )


class PersonField(forms.CharField):
    """A person, typed as login or e-mail (the picker offers both)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        found = list(
            get_user_model()
            .objects.filter(Q(username__iexact=text) | Q(email__iexact=text), is_active=True)
            .order_by("pk")[:2]
        )
        if len(found) != 1:
            raise forms.ValidationError(
                _("Không tìm thấy người dùng “%(name)s”: chọn trong danh sách gợi ý.")
                % {"name": text}
            )
        return found[0]


class OrganisationField(forms.CharField):
    """An organisation, typed as its code (the picker offers code and name)."""

    def __init__(self, *args, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.queryset = queryset if queryset is not None else Organisation.objects.all()

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        found = self.queryset.filter(code__iexact=text).first()
        if found is None:
            raise forms.ValidationError(
                _("Không có cơ quan mã “%(code)s”: chọn trong danh sách gợi ý.") % {"code": text}
            )
        return found


def program_organisations(program: Program):
    """The organisations a program deals with: the national bodies (no parent) and the
    program owner's own departments and communes — not every province's."""
    return Organisation.objects.filter(Q(parent__isnull=True) | Q(parent_id=program.owner_id))


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
        self.fields["organisation"].queryset = program_organisations(program).order_by(
            "kind", "code"
        )

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
    unit = forms.CharField(label=_("Đơn vị (mã hoặc tên)"), required=False, max_length=100)
    sort = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
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
    unit = forms.CharField(label=_("Đơn vị (mã hoặc tên)"), required=False, max_length=100)
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
        self.fields["organisation"].queryset = program_organisations(program)
        self.fields["organisation"].widget.search_url = search_url

    def clean(self):
        data = super().clean()
        if data.get("role") in ORGANISATION_ROLES and not data.get("organisation"):
            self.add_error("organisation", _("Vai trò này cần chỉ rõ cơ quan, đơn vị."))
        return data


def spreadsheet_upload(upload):
    """A CSV or XLSX upload within the size limit, or the reason it is refused."""
    if upload.size > settings.FRAMEWORK_UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            _("Tệp quá lớn (tối đa %(limit)s).")
            % {"limit": filesizeformat(settings.FRAMEWORK_UPLOAD_MAX_BYTES)}
        )
    if not upload.name.lower().endswith((".csv", ".xlsx")):
        raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
    return upload


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


class CampaignSetupForm(forms.Form):
    """A new year: per level, the framework and the units in scope (all the level's assessed
    units, or those ticked); each stage's length in working days."""

    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    name_vi = forms.CharField(label=_("Tên đợt (tiếng Việt)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Tên đợt (tiếng Anh)"), max_length=200, required=False)
    starts_on = forms.DateField(
        label=_("Ngày bắt đầu tự đánh giá"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, program: Program, candidates, frameworks_by_level, **kwargs):
        from appraisal.models.choices import Stage
        from appraisal.services.campaigns import STAGE_DAYS_DEFAULT

        super().__init__(*args, **kwargs)
        self.levels = []
        for stage, days in STAGE_DAYS_DEFAULT.items():
            self.fields[f"days_{stage}"] = forms.IntegerField(
                label=_("%(stage)s: số ngày làm việc") % {"stage": Stage(stage).label},
                min_value=1,
                max_value=250,
                initial=days,
            )
        for level, frameworks in frameworks_by_level.items():
            label = Level(level).label
            self.fields[f"framework_{level}"] = forms.ModelChoiceField(
                label=_("Bộ chỉ số — %(level)s") % {"level": label},
                queryset=frameworks,
                required=False,
                empty_label=_("— không đánh giá cấp này —"),
                initial=frameworks.first(),
            )
            self.fields[f"all_{level}"] = forms.BooleanField(
                label=_("Tất cả đơn vị được đánh giá của cấp này (%(n)s)")
                % {"n": len(candidates[level])},
                required=False,
                initial=True,
            )
            self.fields[f"units_{level}"] = forms.MultipleChoiceField(
                label=_("Hoặc chọn từng đơn vị"),
                required=False,
                choices=[(unit.code, f"{unit.code} — {unit.name}") for unit in candidates[level]],
                widget=forms.CheckboxSelectMultiple,
            )
            self.levels.append(level)
        self.candidates = candidates

    def level_fields(self):
        return [
            (self[f"framework_{level}"], self[f"all_{level}"], self[f"units_{level}"])
            for level in self.levels
        ]

    def stage_fields(self):
        return [self[name] for name in self.fields if name.startswith("days_")]

    def clean(self):
        data = super().clean()
        chosen_frameworks, units = [], []
        for level in self.levels:
            framework = data.get(f"framework_{level}")
            codes = data.get(f"units_{level}") or []
            if framework is None:
                if codes:
                    self.add_error(f"units_{level}", _("Cấp này chưa chọn bộ chỉ số."))
                continue
            chosen_frameworks.append(framework)
            by_code = {unit.code: unit for unit in self.candidates[level]}
            if data.get(f"all_{level}"):
                units += list(by_code.values())
            elif codes:
                units += [by_code[code] for code in codes]
            else:
                self.add_error(
                    f"units_{level}",
                    _("Chọn “tất cả đơn vị” hoặc đánh dấu từng đơn vị được đánh giá."),
                )
        if not chosen_frameworks:
            raise forms.ValidationError(_("Chọn bộ chỉ số cho ít nhất một cấp."))
        data["frameworks"], data["units"] = chosen_frameworks, units
        data["days"] = {
            name[5:]: data.get(name) for name in self.fields if name.startswith("days_")
        }
        return data


class CampaignUnitsForm(forms.Form):
    units = forms.MultipleChoiceField(
        label=_("Đơn vị"), widget=forms.CheckboxSelectMultiple, required=True
    )
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=500)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_code = {unit.code: unit for unit in units}
        self.fields["units"].choices = [(unit.code, f"{unit.code} — {unit.name}") for unit in units]

    def chosen(self):
        return [self.by_code[code] for code in self.cleaned_data["units"]]


class ResultsImportForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("Cấp"), choices=Level.choices)
    file = forms.FileField(
        label=_("Tệp kết quả (CSV hoặc XLSX)"),
        help_text=_(
            "Các cột: unit_code hoặc unit_name, appraisal_points, survey_points; tùy chọn max_points, domain_<mã> và domain_<mã>_max. Tệp được kiểm tra toàn bộ; nếu có lỗi, không có gì được ghi."
        ),
    )

    def clean_file(self):
        return spreadsheet_upload(self.cleaned_data["file"])
