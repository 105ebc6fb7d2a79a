"""The data documents are issued with: an organisation's issuing data (the secretariat, or
the organisation's leader), and the texts of a year's decision and report (the
secretariat, until publication freezes them)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appraisal import permissions
from appraisal.forms.issuing import IssuerProfileForm, PublicationTextForm
from appraisal.models import Organisation
from appraisal.problems import problem_text
from appraisal.requests import AuthenticatedRequest, client_ip
from documents.issuers import default_or_saved, issue_problem, missing
from documents.models import Publication
from workflow.services.issuers import issuer_profile_save, publication_texts_save


def _form_page(
    request: AuthenticatedRequest,
    form: ModelForm,
    save: Callable[[dict], object],
    done: str,
    template: str,
    context: dict,
) -> HttpResponse:
    """The page with its form; a valid form saved through its service (a refusal shown on
    the form, nothing written), then the page again with a message."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, problem_text(exc))
        else:
            messages.success(request, done)
            return redirect(request.path)
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_issuing(request: AuthenticatedRequest, code: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, code=code)
    permissions.require(permissions.can_edit_issuer_profile(request.user, organisation))
    profile = default_or_saved(organisation)
    return _form_page(
        request,
        IssuerProfileForm(request.POST or None, instance=profile),
        lambda data: issuer_profile_save(
            organisation=organisation, data=data, actor=request.user, ip=client_ip(request)
        ),
        _("Đã lưu thông tin ban hành văn bản."),
        "appraisal/organisation_issuing.html",
        {
            "organisation": organisation,
            "saved": profile.pk is not None,
            "missing": missing(profile),
            "problem": issue_problem(organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_publication(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user(request, pk)
    permissions.require(permissions.is_secretariat(request.user, campaign.program_id))
    publication = Publication.objects.filter(campaign=campaign).first() or Publication(
        campaign=campaign
    )
    return _form_page(
        request,
        PublicationTextForm(request.POST or None, instance=publication),
        lambda data: publication_texts_save(
            campaign=campaign, data=data, actor=request.user, ip=client_ip(request)
        ),
        _("Đã lưu nội dung văn bản công bố."),
        "appraisal/campaign_publication.html",
        {
            "campaign": campaign,
            "frozen": bool(publication.snapshot),
            "owner": campaign.program.owner,
            "problem": issue_problem(campaign.program.owner),
        },
    )
