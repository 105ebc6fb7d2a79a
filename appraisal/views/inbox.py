from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from appraisal.requests import AuthenticatedRequest
from appraisal.selectors.inbox import inbox_entries, my_entries


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    entries = inbox_entries(request.user)
    return render(
        request,
        "appraisal/inbox.html",
        {
            "entries": [entry for entry in entries if not entry.waiting_on],
            "waiting": [entry for entry in entries if entry.waiting_on],
            "today": timezone.localdate(),
        },
    )


@login_required
def inbox_count(request: AuthenticatedRequest) -> HttpResponse:
    """The badge in the navigation, loaded by htmx after the page so no page pays for it."""
    return render(request, "appraisal/_inbox_count.html", {"count": len(my_entries(request.user))})
