"""An item may not apply to a unit: the unit asks, the secretariat decides, and the item
leaves both the score and the maximum."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from appraisal.models import NotApplicableRequest, ScoreItem
from appraisal.selectors.workspace import workspace
from workflow.flows import incomplete_items
from workflow.models import AuditEvent
from workflow.services.applicability import na_decide, na_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(bac_ninh):
    return (
        ScoreItem.objects.filter(submission=bac_ninh, scoring_mode="self", is_deduction=False)
        .order_by("position")
        .first()
    )


def test_the_secretariat_approves_and_the_item_leaves_score_and_maximum(cast, bac_ninh, item):
    _d, before = workspace(bac_ninh)
    request = na_request(
        item=item, reason="Đơn vị không có thủ tục hành chính", actor=cast["bacninh_focal"]
    )
    with pytest.raises(ValidationError, match="đang chờ"):
        na_request(item=item, reason="lần nữa", actor=cast["bacninh_focal"])
    with pytest.raises(PermissionDenied):
        na_decide(request=request, approve=True, note="", actor=cast["bacninh_leader"])
    na_decide(request=request, approve=True, note="Đồng ý", actor=cast["secretariat"])
    item.refresh_from_db()
    assert (item.applicable, item.self_score) == (False, None)
    _d, after = workspace(bac_ninh)
    assert after.maximum == before.maximum - item.max_points and after.total == before.total - 1
    assert item.node.code not in incomplete_items(bac_ninh)
    actions = AuditEvent.objects.filter(object_type="score_item", object_id=item.pk).values_list(
        "action", flat=True
    )
    assert list(actions) == ["na_request", "na_approve"]


def test_a_refusal_keeps_the_item(cast, item):
    request = na_request(item=item, reason="Không phát sinh", actor=cast["bacninh_leader"])
    na_decide(request=request, approve=False, note="Vẫn phải thực hiện", actor=cast["secretariat"])
    item.refresh_from_db()
    assert item.applicable and NotApplicableRequest.objects.get(pk=request.pk).state == "refused"


def test_requests_need_a_reason_and_the_unit(cast, item):
    with pytest.raises(ValidationError, match="lý do"):
        na_request(item=item, reason="  ", actor=cast["bacninh_focal"])
    with pytest.raises(PermissionDenied):
        na_request(item=item, reason="x", actor=cast["hanoi_focal"])


def test_the_pages(client, cast, bac_ninh, item):
    client.force_login(cast["bacninh_focal"])
    url = reverse("item_not_applicable", args=[item.pk])
    assert "Lý do tiêu chí không áp dụng" in client.get(url).content.decode()  # its form
    assert client.put(url).status_code == 405
    assert client.post(url, {"reason": "Không có"}).status_code == 302
    assert (
        "Đang chờ quyết định không áp dụng"
        in client.get(reverse("submission_workspace", args=[bac_ninh.pk])).content.decode()
    )
    request = NotApplicableRequest.objects.get(item=item)
    decide = reverse("na_request_decide", args=[request.pk])
    assert client.post(decide, {"approve": "1"}).status_code == 403
    client.force_login(cast["secretariat"])
    assert (
        "Đề nghị tiêu chí không áp dụng"
        in client.get(reverse("submission_detail", args=[bac_ninh.pk])).content.decode()
    )
    assert client.post(decide, {"approve": "1", "note": "OK"}).status_code == 302
    item.refresh_from_db()
    assert not item.applicable
