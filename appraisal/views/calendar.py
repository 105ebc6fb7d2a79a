"""The working-day calendar page: the package's holidays of a year and the days the
secretariat declared (Tết days, compensatory days off, make-up Saturdays)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import CalendarDay
from appraisal.requests import AuthenticatedRequest
from appraisal.workdays import holidays_of, today
from workflow.services.calendar import calendar_day_remove, calendar_day_set


def _year(value: str) -> int:
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else today().year


@login_required
def calendar_page(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request.GET.get("year", "") or request.POST.get("year", ""))
    can_edit = permissions.can_edit_calendar(request.user)
    if request.method == "POST":
        permissions.require(can_edit)
        try:
            day = datetime.date.fromisoformat(request.POST.get("day", ""))
        except ValueError:
            messages.error(request, _("Ngày không hợp lệ."))
            return redirect(f"{request.path}?year={year}")
        try:
            if request.POST.get("action") == "remove":
                calendar_day_remove(day=day, actor=request.user)
            else:
                calendar_day_set(
                    day=day,
                    kind=request.POST.get("kind", ""),
                    note=request.POST.get("note", ""),
                    actor=request.user,
                )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Đã cập nhật lịch."))
        return redirect(f"{request.path}?year={day.year}")
    language = "vi" if get_language() != "en" else "en_US"
    return render(
        request,
        "appraisal/calendar.html",
        {
            "year": year,
            "holidays": holidays_of(year, language),
            "days": CalendarDay.objects.filter(day__year=year),
            "kinds": CalendarDay.Kind.choices,
            "can_edit": can_edit,
            "years": range(year - 1, year + 3),
        },
    )
