"""What the forms share: the pickers that find a person or an organisation as one types, and
the spreadsheet upload check."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from appraisal.models import Organisation, Program

# Pickers: a text field with a search-as-you-type list (htmx fills a <datalist>) ----------


class PickerInput(forms.TextInput):
    """A text input that offers matches while one types: the server's search page fills the
    <datalist> (people by name, login or e-mail; organisations by code or name)."""

    def __init__(self, search_url: str = "", attrs=None):
        super().__init__(attrs)
        self.search_url = search_url

    def render(self, name, value, attrs=None, renderer=None):
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
