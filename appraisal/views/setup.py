"""A new year from the secretariat's pages: create a campaign (frameworks, units in scope,
stage deadlines in working days), add or remove units before self-assessment starts, and
import a past year's published results."""

import base64
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.forms.campaigns import CampaignSetupForm, CampaignUnitsForm, ResultsImportForm
from appraisal.models import Campaign, Framework, Program
from appraisal.models.choices import Level, Stage
from appraisal.models.states import CampaignState
from appraisal.problems import ProblemsError, problem_text
from appraisal.requests import AuthenticatedRequest, client_ip
from appraisal.selectors.campaigns import campaign_candidates, stage_dates
from workflow.services.campaigns import campaign_remove_units, campaign_setup, campaign_units_add
from workflow.services.results import results_import


def _secretariat_program(request: AuthenticatedRequest, pk: int) -> Program:
    program = get_object_or_404(Program, pk=pk)
    permissions.require(permissions.is_secretariat(request.user, program))
    return program


def _frameworks_by_level(program: Program) -> dict:
    levels = (
        Framework.objects.filter(program=program, locked_at__isnull=False)
        .values_list("level", flat=True)
        .distinct()
    )
    return {
        level: Framework.objects.filter(
            program=program, level=level, locked_at__isnull=False
        ).order_by("-created_at", "-pk")
        for level in [value for value in Level.values if value in set(levels)]
    }


@login_required
def campaign_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    program = _secretariat_program(request, pk)
    frameworks = _frameworks_by_level(program)
    year = timezone.localdate().year + (1 if timezone.localdate().month >= 10 else 0)
    posted = request.POST.get("year", "")
    if posted.isdigit() and 2000 <= int(posted) <= 2100:
        year = int(posted)
    candidates = {level: campaign_candidates(program, level, year) for level in frameworks}
    form = CampaignSetupForm(
        request.POST or None,
        program=program,
        candidates=candidates,
        frameworks_by_level=frameworks,
        initial={"year": year, "starts_on": timezone.localdate()},
    )
    schedule = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule = stage_dates(data["starts_on"], data["days"])
            if request.POST.get("action") == "create":
                campaign = campaign_setup(
                    program=program,
                    year=data["year"],
                    name_vi=data["name_vi"],
                    name_en=data["name_en"],
                    frameworks=data["frameworks"],
                    units=data["units"],
                    starts_on=data["starts_on"],
                    days=data["days"],
                    actor=request.user,
                    ip=client_ip(request),
                )
                messages.success(
                    request,
                    _(
                        "Đã tạo đợt đánh giá năm %(year)s với %(n)s đơn vị. Kiểm tra rồi mở giai đoạn tự đánh giá."
                    )
                    % {"year": campaign.year, "n": campaign.submissions.count()},
                )
                return redirect("campaign_detail", pk=campaign.pk)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, problem_text(exc))
            schedule = None
    return render(
        request,
        "appraisal/campaign_new.html",
        {
            "program": program,
            "form": form,
            "no_frameworks": not frameworks,
            "schedule": [(Stage(stage).label, dates) for stage, dates in (schedule or {}).items()],
            "chosen": len(form.cleaned_data.get("units", [])) if schedule else 0,
        },
        status=400 if request.method == "POST" and not schedule else 200,
    )


@login_required
def campaign_units(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The units in scope of a campaign; the secretariat adds some (before review starts)
    or removes some (before self-assessment starts)."""
    campaign = get_object_or_404(Campaign.objects.select_related("program"), pk=pk)
    permissions.require(permissions.is_secretariat(request.user, campaign.program_id))
    in_scope = {
        s.unit.code: s.unit
        for s in campaign.submissions.select_related("unit").order_by("level", "unit__code")
    }
    levels = list(campaign.frameworks.values_list("level", flat=True))
    addable = [
        unit
        for level in levels
        for unit in campaign_candidates(campaign.program, level, campaign.year)
        if unit.code not in in_scope
    ]
    add_form = CampaignUnitsForm(units=addable, prefix="add")
    remove_form = CampaignUnitsForm(units=list(in_scope.values()), prefix="remove")
    if request.method == "POST":
        action = request.POST.get("action")
        form = (
            CampaignUnitsForm(request.POST, units=addable, prefix="add")
            if action == "add"
            else CampaignUnitsForm(request.POST, units=list(in_scope.values()), prefix="remove")
        )
        if action == "add":
            add_form = form
        else:
            remove_form = form
        if form.is_valid():
            try:
                if action == "add":
                    n = campaign_units_add(
                        campaign=campaign,
                        units=form.chosen(),
                        actor=request.user,
                        ip=client_ip(request),
                    )
                    messages.success(request, _("Đã thêm %(n)s đơn vị.") % {"n": n})
                else:
                    n = campaign_remove_units(
                        campaign=campaign,
                        units=form.chosen(),
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                        ip=client_ip(request),
                    )
                    messages.success(request, _("Đã bớt %(n)s đơn vị.") % {"n": n})
                return redirect("campaign_units", pk=campaign.pk)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, problem_text(exc))
    by_level = defaultdict(list)
    for unit in in_scope.values():
        by_level[unit.get_kind_display()].append(unit)
    return render(
        request,
        "appraisal/campaign_units.html",
        {
            "campaign": campaign,
            "add_form": add_form,
            "remove_form": remove_form,
            "by_level": dict(by_level),
            "may_add": campaign.state in (CampaignState.DRAFT, CampaignState.SELF_ASSESSMENT),
            "may_remove": campaign.state == CampaignState.DRAFT,
        },
        status=400 if request.method == "POST" else 200,
    )


class _DryRun(Exception):
    def __init__(self, result):
        self.result = result


SESSION_KEY = "results_import"


@login_required
def results_import_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A past year's published results: checked in full and shown before anything is
    written; written on confirmation, all or nothing."""
    program = _secretariat_program(request, pk)
    form = ResultsImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and request.POST.get("action") == "confirm":
        stored = request.session.pop(SESSION_KEY, None)
        if not stored or stored["program"] != program.pk:
            messages.error(request, _("Không còn tệp nào chờ xác nhận: tải tệp lên lại."))
            return redirect("results_import_page", pk=program.pk)
        try:
            result = results_import(
                program=program,
                year=stored["year"],
                level=stored["level"],
                data=base64.b64decode(stored["data"]),
                filename=stored["filename"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, problem_text(exc))
            return redirect("results_import_page", pk=program.pk)
        messages.success(
            request,
            _("Đã nhập kết quả năm %(year)s: %(n)s đơn vị.")
            % {"year": stored["year"], "n": result.stored},
        )
        return redirect("results_year", program=program.code, year=stored["year"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        content = data["file"].read()
        try:
            with transaction.atomic():
                result = results_import(
                    program=program,
                    year=data["year"],
                    level=data["level"],
                    data=content,
                    filename=data["file"].name,
                    actor=request.user,
                )
                raise _DryRun(result)
        except _DryRun as dry:
            preview = {
                "year": data["year"],
                "level": Level(data["level"]).label,
                "stored": dry.result.stored,
                "filename": data["file"].name,
            }
            request.session[SESSION_KEY] = {
                "program": program.pk,
                "year": data["year"],
                "level": data["level"],
                "filename": data["file"].name,
                "data": base64.b64encode(content).decode("ascii"),
            }
        except ProblemsError as exc:
            for problem in exc.problems:
                form.add_error(None, str(problem))
        except ValidationError as exc:
            form.add_error(None, problem_text(exc))
    imported = Campaign.objects.filter(program=program, imported=True).order_by("-year")
    return render(
        request,
        "appraisal/results_import.html",
        {"program": program, "form": form, "preview": preview, "imported": imported},
        status=400 if request.method == "POST" and preview is None else 200,
    )
