"""Forms of the review: the queue's and the matrix's filters, and the queries' forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.models import Organisation
from appraisal.models.choices import Level
from appraisal.models.states import DomainReviewState


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
