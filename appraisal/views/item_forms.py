"""An item's occasional forms — evidence for this item, a request that it not apply — come to
the scoring workspace when their card is opened: htmx fetches the form; without script the
card holds a link that opens it as a page. A workspace of a hundred items then carries one
form per item, not three (bench/RESULTS.md: a third of its HTML)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from appraisal import permissions
from appraisal.models import ScoreItem
from appraisal.requests import AuthenticatedRequest


def item_form(
    request: AuthenticatedRequest, pk: int, heading: str, form_template: str
) -> HttpResponse:
    """`form_template` for item `pk`: the bare form for htmx, a page of its own otherwise."""
    item = get_object_or_404(ScoreItem.objects.select_related("node"), pk=pk)
    submission = permissions.get_submission_for_user(request, item.submission_id)
    if not permissions.can_change_report(request.user, submission):
        raise PermissionDenied(
            _("Hồ sơ không ở trạng thái tự chấm hoặc bạn không thuộc đơn vị: chỉ xem.")
        )
    if request.headers.get("HX-Request"):
        return render(request, form_template, {"item": item})
    return render(
        request,
        "appraisal/item_form_page.html",
        {
            "item": item,
            "submission": submission,
            "heading": heading,
            "form_template": form_template,
        },
    )
