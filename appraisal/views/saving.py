"""The one way an item's autosave answers (the workspace, the review, the council): the save
is tried, a refusal comes back with its message and the person's input kept, a pair not yet
complete waits calmly; htmx gets the fragment, a page without script goes back with a
message."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from appraisal.problems import problem_text
from workflow.services.base import ReasonNeeded
from workflow.services.scores import VersionConflict


@dataclass
class Saved:
    """What one save came to: its status, a refusal's message or what it waits for."""

    status: int = 200
    error: str = ""
    awaiting: str = ""

    def context(self, request: HttpRequest) -> dict:
        """What the item's fragment shows: a message, and the input as typed unless saved."""
        unsaved = bool(self.error or self.awaiting)
        return {
            "error": self.error,
            "awaiting": self.awaiting,
            "entered": request.POST if unsaved else None,
            "saved": not unsaved,
        }


def try_save(
    save: Callable[[], object],
    *,
    waits: tuple[type[ValidationError], ...] = (ReasonNeeded,),
    not_saved_yet: bool = True,
) -> Saved:
    """Run `save`. What `waits` for the rest of a pair is not a refusal; someone else's save
    since the page loaded is a conflict (409), bad input is refused (422), so is a missing
    permission (403). `not_saved_yet`: the waiting message says that nothing was saved."""
    try:
        save()
    except waits as exc:
        why = problem_text(exc)
        return Saved(awaiting=_("Chưa lưu: %(why)s") % {"why": why} if not_saved_yet else why)
    except VersionConflict as exc:
        return Saved(409, problem_text(exc))
    except ValidationError as exc:
        return Saved(422, problem_text(exc))
    except PermissionDenied as exc:
        return Saved(403, problem_text(exc))
    return Saved()


def save_answer(
    request: HttpRequest, saved: Saved, *, back_to: str, fragment: Callable[[], str]
) -> HttpResponse:
    """htmx: the fragment (with out-of-band parts) and the save's status; without script:
    back to the item on its page, the message shown there."""
    if not request.headers.get("HX-Request"):
        if saved.error or saved.awaiting:
            messages.error(request, saved.error or saved.awaiting)
        return redirect(back_to)
    return HttpResponse(fragment(), status=saved.status)
