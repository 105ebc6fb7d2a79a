"""The confirmation page of every action that shuts people out or cannot be undone: what it
will do, in numbers, then the button (and the typed confirmation where it is needed)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from appraisal.selectors.consequences import Consequences


def confirmed(request: HttpRequest) -> bool:
    """The POST comes from the confirmation page (a first click only asks)."""
    return request.POST.get("confirmed") == "1"


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: Consequences,
    action_url: str,
    cancel_url: str,
    campaign=None,
    subject: str = "",
    hidden: tuple[tuple[str, str], ...] = (),
    needs_reason: bool = False,
    typed_expected: str = "",
    error: str = "",
    danger: bool = False,
    refused: str = "",
) -> HttpResponse:
    """`refused`: why the service would refuse the action now — then the page says so and
    offers no button."""
    return render(
        request,
        "appraisal/confirm.html",
        {
            "campaign": campaign,
            "subject": subject,
            "title": title,
            "consequences": consequences,
            "needs_reason": needs_reason,
            "typed_expected": typed_expected,
            "error": error,
            "entered": request.POST,
            "hidden": hidden,
            "action_url": action_url,
            "cancel_url": cancel_url,
            "danger": danger or bool(typed_expected),
            "refused": refused,
        },
        status=400 if error else 200,
    )
