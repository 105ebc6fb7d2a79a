"""Fewer clicks for the daily work (issue 15): the reviewer agrees with the self score per
item or for every untouched item of a domain (one audit row each), picks a choice item's
level; the unit uploads evidence from an item's card; a refusal for missing items lists all
of them with a link to the filter that shows them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.demo.seed import demo_pdf
from appraisal.models import ScoreItem
from tests.appraisal.test_review_pages import HX
from tests.conftest import first_item
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db


def _domain_items(review):
    return ScoreItem.objects.filter(
        submission_id=review.submission_id, domain_id=review.domain_id, applicable=True
    ).exclude(scoring_mode="survey")


def test_agreeing_for_the_untouched_items_of_a_domain_audits_each(client, cast, started):
    items = list(_domain_items(started).order_by("position"))
    proposed = items[0]
    client.force_login(cast["finance_reviewer"])
    client.post(
        reverse("item_propose", args=[proposed.pk]),
        {"score": "0", "reason": "Thiếu văn bản"},
        **HX,
    )
    page = client.get(reverse("review_detail", args=[started.pk])).content.decode()
    untouched = len(items) - 1
    assert f"Đồng ý với điểm tự chấm ở {untouched} tiêu chí chưa đề xuất" in page
    before = AuditEvent.objects.filter(action="review_score").count()
    response = client.post(reverse("review_action", args=[started.pk, "agree"]))
    assert response.status_code == 302
    for item in _domain_items(started):
        if item.pk == proposed.pk:
            assert item.review_score == 0 and item.review_reason == "Thiếu văn bản"
        else:
            assert item.review_score == item.self_score and item.review_reason == ""
    rows = AuditEvent.objects.filter(action="review_score").order_by("seq")[before:]
    assert len(rows) == untouched
    assert {row.object_id for row in rows} == {i.pk for i in items[1:]}
    assert all(row.comment == "Đồng ý với điểm tự đánh giá" for row in rows)
    # nothing left: a second click changes nothing
    client.post(reverse("review_action", args=[started.pk, "agree"]))
    assert AuditEvent.objects.filter(action="review_score").count() == before + untouched


def test_only_the_assigned_reviewer_agrees_in_bulk(client, cast, started):
    client.force_login(cast["finance_coordinator"])
    client.post(reverse("review_action", args=[started.pk, "agree"]))
    assert not _domain_items(started).filter(review_score__isnull=False).exists()


def test_agreeing_on_one_item_needs_no_reason(client, cast, started):
    item = first_item(started)
    client.force_login(cast["finance_reviewer"])
    response = client.post(reverse("item_propose", args=[item.pk]), {"agree": "1"}, **HX)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.review_score == item.self_score and item.review_reason == ""


def test_a_choice_item_is_proposed_by_picking_its_level(client, cast, started):
    client.force_login(cast["finance_reviewer"])
    page = client.get(reverse("review_detail", args=[started.pk])).content.decode()
    choice = _domain_items(started).filter(node__scoring_method="choice").first()
    assert choice is not None  # the finance domain of the sample framework has some
    assert f'<select class="form-select form-select-sm" id="propose-{choice.pk}"' in page
    options = choice.node.method_params["options"]
    client.post(
        reverse("item_propose", args=[choice.pk]), {"score": str(options[0]["points"])}, **HX
    )
    choice.refresh_from_db()
    assert choice.review_score is not None


def test_evidence_uploaded_from_an_item_card_is_bound_to_it(client, cast, campaign):
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    item = submission.items.filter(scoring_mode="self").order_by("position").first()
    client.force_login(cast["bacninh_focal"])
    url = reverse("item_evidence_upload", args=[item.pk])
    response = client.post(
        url,
        {
            "files": [SimpleUploadedFile("quyet-dinh.pdf", demo_pdf("QĐ"), "application/pdf")],
            "reference": "trang 2",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    binding = item.bindings.get()
    assert binding.reference == "trang 2" and binding.document.current.name == "quyet-dinh.pdf"
    page = client.get(reverse("submission_workspace", args=[submission.pk])).content.decode()
    assert "quyet-dinh.pdf" in page and "Bacninh Daumoi" in page  # uploader shown
    # a bad file is refused with its reason, nothing is kept
    bad = client.post(
        url, {"files": [SimpleUploadedFile("virus.exe", b"MZ...", "application/octet-stream")]}
    )
    assert bad.status_code == 302 and item.bindings.count() == 1
    # someone else's unit may not
    client.force_login(cast["hanoi_focal"])
    assert client.post(
        url, {"files": [SimpleUploadedFile("a.pdf", demo_pdf("x"), "application/pdf")]}
    ).status_code in (403, 404)


def test_the_refusal_lists_every_missing_item_and_links_to_them(client, cast, campaign):
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    missing = submission.items.filter(scoring_mode="self", applicable=True).count()
    assert missing > 10
    client.force_login(cast["bacninh_focal"])
    page = client.get(reverse("submission_detail", args=[submission.pk])).content.decode()
    codes = list(
        submission.items.filter(scoring_mode="self", applicable=True)
        .order_by("position")
        .values_list("node__code", flat=True)
    )
    assert f"Còn {missing} tiêu chí" in page and codes[-1] in page
    assert "?filter=incomplete" in page
    listed = client.get(
        reverse("submission_workspace", args=[submission.pk]), {"filter": "incomplete"}
    ).context["domains"]
    assert sum(len(d.items) for d in listed) == missing


def _inbox(client, user):
    client.force_login(user)
    response = client.get(reverse("inbox"))
    return response.context["entries"], response.context["waiting"]


def test_the_inbox_shows_apart_what_waits_on_others(client, cast, campaign):
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    mine, waiting = _inbox(client, cast["bacninh_focal"])
    assert [e.what for e in mine] == ["Tự chấm điểm và trình lãnh đạo"] and not waiting
    mine, waiting = _inbox(client, cast["bacninh_leader"])
    assert not mine and waiting[0].waiting_on == "cán bộ đầu mối của đơn vị"
    submission.state = "pending_approval"
    submission.save(update_fields=["state"])
    mine, waiting = _inbox(client, cast["bacninh_focal"])
    assert not mine and waiting[0].waiting_on == "lãnh đạo đơn vị"
    mine, _waiting = _inbox(client, cast["bacninh_leader"])
    assert [e.what for e in mine] == ["Phê duyệt báo cáo tự đánh giá"]
    # the badge counts only what waits on the person
    client.force_login(cast["bacninh_focal"])
    assert client.get(reverse("inbox_count")).context["count"] == 0


def test_a_query_waits_on_the_unit_then_on_the_reviewer(client, cast, started):
    from workflow.services.queries import query_answer, query_raise

    item = first_item(started)
    query = query_raise(
        review=started, items=[item], question="Bổ sung?", actor=cast["finance_reviewer"]
    )
    mine, waiting = _inbox(client, cast["finance_reviewer"])
    assert not any(e.url.endswith(f"/queries/{query.pk}/") for e in mine)
    assert {e.waiting_on for e in waiting} == {"đơn vị được đánh giá"}
    mine, _waiting = _inbox(client, cast["bacninh_focal"])
    assert any(e.what == "Trả lời yêu cầu giải trình" for e in mine)
    query_answer(query=query, answer="Đã bổ sung.", actor=cast["bacninh_focal"])
    mine, _waiting = _inbox(client, cast["finance_reviewer"])
    assert any(e.what == "Xem trả lời, đóng yêu cầu" for e in mine)
    mine, waiting = _inbox(client, cast["bacninh_focal"])
    assert not any("yêu cầu" in str(e.what) for e in mine)
    assert any(e.waiting_on == "chuyên viên thẩm định" for e in waiting)
