from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import permissions
from appraisal.forms.campaigns import (
    SUBMISSION_SORTS,
    FrameworkUploadForm,
    OrganisationFilterForm,
    SubmissionFilterForm,
)
from appraisal.imports.frameworks import read_file, write_xlsx, write_yaml
from appraisal.models import (
    CampaignFramework,
    Organisation,
    OrganisationLineage,
    Program,
    RoleAssignment,
)
from appraisal.models.choices import Stage
from appraisal.models.states import CampaignState
from appraisal.problems import Problem, ProblemsError
from appraisal.requests import AuthenticatedRequest
from appraisal.selectors.campaigns import campaigns_with_counts, state_counts
from appraisal.selectors.frameworks import framework_to_spec, framework_tree
from appraisal.views.campaign_actions import campaign_actions
from appraisal.views.results import publication_progress
from workflow.services.frameworks import framework_import
from workflow.services.frameworks import framework_lock as framework_lock_service

PAGE_SIZE = 100


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    roles = (
        RoleAssignment.objects.filter(user=request.user)
        .select_related("program", "organisation")
        .order_by("program__code", "role")
    )
    campaigns = campaigns_with_counts(permissions.visible_campaigns(request.user)).order_by(
        "-year", "program__code", "pk"
    )[:10]
    return render(request, "appraisal/home.html", {"roles": roles, "campaigns": campaigns})


@login_required
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(
        campaigns_with_counts(permissions.visible_campaigns(request.user)).order_by(
            "-year", "program__code", "pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    for campaign in page:
        campaign.show_counts = permissions.sees_all_units(request.user, campaign.program_id)
    programs = Program.objects.filter(
        pk__in=permissions.secretariat_program_ids(request.user)
    ).order_by("code")
    return render(
        request,
        "appraisal/campaign_list.html",
        {"campaigns": page, "page": page, "secretariat_programs": programs},
    )


@login_required
def campaign_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user(request, pk)
    submissions = permissions.visible_submissions(request.user, campaign)
    counts = state_counts(submissions)
    form = SubmissionFilterForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["level"]:
            submissions = submissions.filter(level=form.cleaned_data["level"])
        if form.cleaned_data["state"]:
            submissions = submissions.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["q"]:
            text = form.cleaned_data["q"].strip()
            submissions = submissions.filter(
                Q(unit__code__icontains=text)
                | Q(unit__name_vi__icontains=text)
                | Q(unit__name_en__icontains=text)
            )
    order = SUBMISSION_SORTS.get(form.cleaned_data.get("sort") or "" if form.is_valid() else "")
    submissions = submissions.select_related("unit").order_by(
        *(order or ("level", "unit__code")), "pk"
    )
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    frameworks = CampaignFramework.objects.filter(campaign=campaign).select_related("framework")
    # in the order of the lifecycle, whatever their dates
    stages = list(Stage.values)
    deadlines = sorted(campaign.deadlines.all(), key=lambda d: stages.index(d.stage))
    return render(
        request,
        "appraisal/campaign_detail.html",
        {
            "campaign": campaign,
            "frameworks": frameworks,
            "deadlines": deadlines,
            "page": page,
            "counts": counts,
            "total": sum(counts.values()),
            "form": form,
            "sees_all_units": permissions.sees_all_units(request.user, campaign.program_id),
            "today": timezone.localdate(),
            "can_manage_reviews": permissions.can_manage_reviews(request.user, campaign.program_id),
            "secretariat": permissions.is_secretariat(request.user, campaign.program_id),
            "can_start_reviews": permissions.is_secretariat(request.user, campaign.program_id)
            and campaign.state in (CampaignState.REVIEW, CampaignState.COUNCIL)
            and counts.get("submitted", 0) > 0,
            "campaign_actions": campaign_actions(request.user, campaign),
            "sees_council": permissions.is_secretariat(request.user, campaign.program_id)
            or permissions.has_role(
                request.user, campaign.program_id, {"council_chair", "council_member"}
            ),
            "publication": publication_progress(campaign),
            "sees_dashboard": permissions.is_secretariat(request.user, campaign.program_id)
            or permissions.has_role(
                request.user, campaign.program_id, {"manager", "council_chair"}
            ),
            "can_assign_reviews": bool(
                permissions.coordinated_organisation_ids(request.user, campaign.program_id)
            ),
        },
    )


@login_required
def framework_list(request: AuthenticatedRequest) -> HttpResponse:
    frameworks = permissions.visible_frameworks(request.user).annotate(
        scored_count=Count("nodes", filter=Q(nodes__is_leaf=True)),
        domain_count=Count("nodes", filter=Q(nodes__kind="domain")),
    )
    return render(
        request,
        "appraisal/framework_list.html",
        {"frameworks": frameworks},
    )


@login_required
def framework_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    framework = permissions.get_framework_for_user(request, pk)
    return render(
        request,
        "appraisal/framework_detail.html",
        {
            "framework": framework,
            "tree": framework_tree(framework),
            "can_lock": permissions.can_lock_framework(request.user, framework),
        },
    )


@login_required
def framework_upload(request: AuthenticatedRequest) -> HttpResponse:
    program_ids = permissions.secretariat_program_ids(request.user)
    if not program_ids:
        raise PermissionDenied
    programs = Program.objects.filter(pk__in=program_ids)
    problems: list[Problem] = []
    form = FrameworkUploadForm(request.POST or None, request.FILES or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        spec, problems = read_file(upload.read(), upload.name)
        if spec is not None:
            program = form.cleaned_data["program"]
            if spec.program != program.code:
                spec.program = program.code
            try:
                framework = framework_import(spec=spec, actor=request.user, program=program)
            except ProblemsError as exc:
                problems = exc.problems
            else:
                messages.success(
                    request,
                    _("Đã nhập bộ chỉ số %(code)s (dự thảo). Kiểm tra lại rồi khóa để sử dụng.")
                    % {"code": framework.code},
                )
                return redirect("framework_detail", pk=framework.pk)
    return render(
        request,
        "appraisal/framework_upload.html",
        {"form": form, "problems": problems},
        status=400 if problems or form.errors else 200,
    )


@require_POST
@login_required
def framework_lock(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    framework = permissions.get_framework_for_user(request, pk)
    permissions.require(permissions.is_secretariat(request.user, framework.program_id))
    if framework.is_locked:
        messages.error(request, _("Bộ chỉ số này đã được khóa."))
    else:
        framework_lock_service(framework=framework, actor=request.user)
        messages.success(request, _("Đã khóa bộ chỉ số: từ nay không thể sửa."))
    return redirect("framework_detail", pk=framework.pk)


@login_required
def framework_export(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    framework = permissions.get_framework_for_user(request, pk)
    spec = framework_to_spec(framework)
    if fmt == "yaml":
        body, content_type = write_yaml(spec), "application/yaml; charset=utf-8"
    elif fmt == "xlsx":
        body = write_xlsx(spec)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{framework.code}.{fmt}"'
    return response


@login_required
def organisation_list(request: AuthenticatedRequest) -> HttpResponse:
    organisations = Organisation.objects.all()
    form = OrganisationFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            organisations = organisations.filter(
                Q(code__icontains=data["q"])
                | Q(name_vi__icontains=data["q"])
                | Q(name_en__icontains=data["q"])
            )
        if data["kind"]:
            organisations = organisations.filter(kind=data["kind"])
        if data["current"]:
            today = timezone.localdate()
            organisations = organisations.filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=today),
                Q(valid_to__isnull=True) | Q(valid_to__gte=today),
            )
    organisations = organisations.select_related("parent").prefetch_related(
        Prefetch("predecessor_links", queryset=_links().select_related("predecessor")),
        Prefetch("successor_links", queryset=_links().select_related("successor")),
    )
    sorts = {
        "code": ("code",),
        "name": ("name_vi", "code"),
        "kind": ("kind", "code"),
        "region": ("region", "code"),
    }
    wanted = request.GET.get("sort", "")
    order = sorts.get(wanted.lstrip("-"), ("kind", "code"))
    if wanted.startswith("-") and wanted[1:] in sorts:
        order = tuple(f"-{field}" for field in order[:1]) + order[1:]
    page = Paginator(organisations.order_by(*order, "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    scope = permissions.issuer_profile_scope(request.user)
    issuing_all, issuing_ids = scope is None, scope or set()
    return render(
        request,
        "appraisal/organisation_list.html",
        {"page": page, "form": form, "issuing_all": issuing_all, "issuing_ids": issuing_ids},
    )


def _links():
    return OrganisationLineage.objects.order_by("effective_on", "predecessor__code")
