"""How an organisation issues documents, and the texts of a year's publication."""

from django import forms

from documents.models import IssuerProfile, Publication


class IssuerProfileForm(forms.ModelForm):
    class Meta:
        model = IssuerProfile
        fields = IssuerProfile.EDITABLE
        widgets = {
            "signer_position": forms.Textarea(attrs={"rows": 2}),
            "grounds": forms.Textarea(attrs={"rows": 4}),
            "implementers": forms.Textarea(attrs={"rows": 3}),
        }


class PublicationTextForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ("decision_text", "report_text")
        widgets = {
            "decision_text": forms.Textarea(attrs={"rows": 3}),
            "report_text": forms.Textarea(attrs={"rows": 8}),
        }
