"""Forms of a year's set-up: frameworks, campaigns, their units, past results, and the lists'
filters."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from appraisal.forms.common import spreadsheet_upload
from appraisal.models import Program
from appraisal.models.choices import Level, OrganisationKind, Stage
from appraisal.models.states import SubmissionState
from appraisal.selectors.campaigns import STAGE_DAYS_DEFAULT


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
