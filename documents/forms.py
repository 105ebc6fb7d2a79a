from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    # the field is named as the request names it (`request.FILES.getlist("files")`)
    files = forms.FileField(  # type: ignore[assignment]
        label=_("Tệp tài liệu kiểm chứng"),
        widget=MultipleFileInput(
            attrs={"multiple": True, "accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}
        ),
        help_text=_("PDF, DOCX, XLSX, JPEG, PNG; có thể chọn hoặc kéo thả nhiều tệp."),
    )


class BindForm(forms.Form):
    document = forms.IntegerField(widget=forms.HiddenInput)
    code = forms.CharField(label=_("Mã tiêu chí"), max_length=20)
    reference = forms.CharField(label=_("Trang, mục"), max_length=200, required=False)
