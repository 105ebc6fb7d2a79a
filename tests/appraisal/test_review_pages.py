"""The review pages: the coordinator's queue, the reviewer's page with htmx saves, queries
from both sides, the secretariat's routing and matrix — and who may not reach them."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.demo.seed import demo_pdf
from appraisal.models import DomainOwner, DomainReview, ItemNote, Query
from notifications.models import Notification
from tests.conftest import first_item, make_user
from workflow.services.queries import query_raise

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def test_mutating_review_views_refuse_get_anonymous_and_outsiders(client, cast, started):
    item = first_item(started)
    posts = [
        reverse("review_action", args=[started.pk, "complete"]),
        reverse("query_raise", args=[started.pk]),
        reverse("item_propose", args=[item.pk]),
        reverse("item_note", args=[item.pk]),
        reverse("review_queue_assign", args=[started.submission.campaign_id]),
        reverse("review_matrix_action", args=[started.submission.campaign_id]),
    ]
    client.force_login(cast["finance_reviewer"])
    for url in posts:
        assert client.get(url).status_code == 405, url
    client.logout()
    for url in posts + [reverse("review_detail", args=[started.pk]), reverse("review_list")]:
        response = client.post(url) if url in posts else client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    client.force_login(cast["outsider"])
    assert client.get(reverse("review_detail", args=[started.pk])).status_code == 404
    assert client.post(reverse("item_propose", args=[item.pk]), {"score": "0"}).status_code == 404
    for name in ("review_queue", "review_matrix", "review_routing"):
        assert client.get(reverse(name, args=[started.submission.campaign_id])).status_code in (
            403,
            404,
        )


def test_coordinator_assigns_from_the_queue_and_sees_only_their_ministry(
    client, cast, program, orgs, finance_review
):
    second = make_user("thamdinh2.btc", ("reviewer", orgs["BTC"]), program=program)
    campaign_id = finance_review.submission.campaign_id
    client.force_login(cast["finance_coordinator"])
    page = client.get(reverse("review_queue", args=[campaign_id]))
    assert [r.pk for r in page.context["reviews"]] == [finance_review.pk]  # Finance's domain only
    assert {c.user.username for c in page.context["reviewers"]} == {"thamdinh.btc", "thamdinh2.btc"}
    other = DomainReview.objects.get(submission=finance_review.submission, domain__code="2")
    # a Justice review smuggled into the form is ignored, not assigned
    response = client.post(
        reverse("review_queue_assign", args=[campaign_id]),
        {"review": [finance_review.pk, other.pk], "reviewer": [second.pk], "mode": "single"},
    )
    assert response.status_code == 302
    assert DomainReview.objects.get(pk=finance_review.pk).reviewer == second
    assert DomainReview.objects.get(pk=other.pk).reviewer is None
    # two reviewers for "one by one" is refused with a message, nothing changes
    response = client.post(
        reverse("review_queue_assign", args=[campaign_id]),
        {
            "review": [finance_review.pk],
            "reviewer": [second.pk, cast["finance_reviewer"].pk],
            "mode": "single",
        },
        follow=True,
    )
    assert "đúng một chuyên viên" in response.content.decode()
    assert DomainReview.objects.get(pk=finance_review.pk).reviewer == second


def test_the_reviewer_proposes_with_a_reason_and_keeps_input_on_error(client, cast, started):
    item = first_item(started)
    url = reverse("item_propose", args=[item.pk])
    client.force_login(cast["finance_reviewer"])
    response = client.post(url, {"score": "0", "reason": ""}, **HX)
    assert response.status_code == 200  # waiting for its reason: kept, not refused
    assert "Cần nêu lý do" in response.content.decode()
    assert 'value="0"' in response.content.decode()  # what they typed is still there
    item.refresh_from_db()
    assert item.review_score is None
    response = client.post(url, {"score": "0", "reason": "Không có văn bản"}, **HX)
    assert response.status_code == 200 and "Đã lưu" in response.content.decode()
    item.refresh_from_db()
    assert (item.review_score, item.review_reason) == (0, "Không có văn bản")
    response = client.post(url, {"score": "abc"}, **HX)
    assert response.status_code == 422 and "phải là một số" in response.content.decode()
    # the unit cannot reach it; another ministry's reviewer is refused
    client.force_login(cast["bacninh_focal"])
    assert client.post(url, {"score": "1", "reason": "x"}, **HX).status_code == 404
    client.force_login(cast["home_reviewer"])
    assert client.post(url, {"score": "1", "reason": "x"}, **HX).status_code == 404


def test_internal_notes_are_written_by_the_reviewer(client, cast, started):
    item = first_item(started)
    client.force_login(cast["finance_reviewer"])
    response = client.post(reverse("item_note", args=[item.pk]), {"note": "Xem lại trang 3"}, **HX)
    assert response.status_code == 200
    assert ItemNote.objects.get(item=item).text == "Xem lại trang 3"
    client.force_login(cast["manager"])  # sees the page, may not write
    response = client.post(reverse("item_note", args=[item.pk]), {"note": "khác"}, **HX)
    assert response.status_code == 403
    assert ItemNote.objects.get(item=item).text == "Xem lại trang 3"


def test_query_round_trip_through_the_pages(client, cast, started):
    item = first_item(started)
    client.force_login(cast["finance_reviewer"])
    form = client.get(reverse("review_detail", args=[started.pk])).context["raise_form"]
    due = form.initial["due_on"]
    response = client.post(
        reverse("query_raise", args=[started.pk]),
        {"item": [item.pk], "question": "Đề nghị bổ sung quyết định", "due_on": due.isoformat()},
    )
    query = Query.objects.get(review=started)
    assert response["Location"] == reverse("query_detail", args=[query.pk])
    # the unit finds it in its inbox and answers with a file
    client.force_login(cast["bacninh_focal"])
    assert reverse("query_detail", args=[query.pk]) in client.get(reverse("inbox")).content.decode()
    url = reverse("query_action", args=[query.pk, "answer"])
    response = client.post(url, {"answer": ""})
    assert response.status_code == 422 and "Cần nhập nội dung trả lời" in response.content.decode()
    upload = SimpleUploadedFile("bo-sung.pdf", demo_pdf("bo sung"), content_type="application/pdf")
    response = client.post(url, {"answer": "Gửi kèm quyết định", "files": [upload]})
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.state == "answered" and query.documents.count() == 1
    # another unit neither sees nor reaches it
    client.force_login(cast["hanoi_focal"])
    assert client.get(reverse("query_detail", args=[query.pk])).status_code == 404
    assert (
        reverse("query_detail", args=[query.pk])
        not in client.get(reverse("inbox")).content.decode()
    )
    # the reviewer must say why an explanation is not accepted; the note is kept on refusal
    client.force_login(cast["finance_reviewer"])
    close = reverse("query_action", args=[query.pk, "close"])
    response = client.post(close, {"accepted": "no", "note": ""})
    assert response.status_code == 422
    query.refresh_from_db()
    assert query.state == "answered"
    response = client.post(close, {"accepted": "no", "note": "Quyết định ban hành chậm"})
    query.refresh_from_db()
    assert (query.state, query.accepted, query.close_note) == (
        "closed",
        False,
        "Quyết định ban hành chậm",
    )
    # follow up: open again with a new deadline
    response = client.post(
        reverse("query_action", args=[query.pk, "follow_up"]),
        {
            "note": "Cung cấp văn bản giải trình việc chậm",
            "due_on": (due + datetime.timedelta(days=7)).isoformat(),
        },
    )
    query.refresh_from_db()
    assert query.state == "open" and query.due_on == due + datetime.timedelta(days=7)
    started.refresh_from_db()
    assert started.state == "awaiting_unit"


def test_evidence_pdfs_are_shown_inline_to_those_who_may_see_them(client, cast, started):
    item = first_item(started)
    query = query_raise(review=started, items=[item], question="?", actor=cast["finance_reviewer"])
    client.force_login(cast["bacninh_focal"])
    client.post(
        reverse("query_action", args=[query.pk, "answer"]),
        {"answer": "Đây", "files": [SimpleUploadedFile("x.pdf", demo_pdf("x"))]},
    )
    version = query.documents.get().current
    client.force_login(cast["finance_reviewer"])
    response = client.get(reverse("evidence_view", args=[version.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(cast["hanoi_focal"])
    assert client.get(reverse("evidence_view", args=[version.pk])).status_code == 404


def test_the_secretariat_changes_routing_from_its_page(
    client, cast, campaign, ministry_framework, orgs
):
    from appraisal.models import FrameworkNode

    domain = FrameworkNode.objects.get(framework=ministry_framework, code="6", kind="domain")
    url = reverse("review_routing", args=[campaign.pk])
    client.force_login(cast["secretariat"])
    assert client.get(url).status_code == 200
    response = client.post(url, {f"domain-{domain.pk}": "999999", "query_days": "5"}, follow=True)
    assert "không hợp lệ" in response.content.decode()
    assert not DomainOwner.objects.exists()
    client.post(url, {f"domain-{domain.pk}": str(orgs["BTP"].pk), "query_days": "7"})
    assert DomainOwner.objects.get(campaign=campaign, domain=domain).organisation.code == "BTP"
    campaign.refresh_from_db()
    assert campaign.query_days == 7
    response = client.post(url, {"query_days": "0"}, follow=True)
    assert "từ 1 đến 60" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.query_days == 7


def test_matrix_filters_and_bulk_remind(
    client, cast, campaign, started, django_capture_on_commit_callbacks
):
    url = reverse("review_matrix", args=[campaign.pk])
    client.force_login(cast["secretariat"])
    page = client.get(url, {"state": "in_progress"})
    rows = page.context["matrix"].rows
    assert [row.submission.pk for row in rows] == [started.submission_id]
    pending = DomainReview.objects.get(submission=started.submission, domain__code="2")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review_matrix_action", args=[campaign.pk]),
            {"review": [started.pk, pending.pk], "action": "remind"},
            follow=True,
        )
    assert "Đã gửi nhắc việc tới 2 người" in response.content.decode()
    recipients = sorted(
        n.recipient.username for n in Notification.objects.filter(kind="review_reminder")
    )
    assert recipients == [
        "dieuphoi.btp",
        "thamdinh.btc",
    ]  # the reviewer; the coordinator of an unassigned one
    assert sorted(m.to[0] for m in mail.outbox) == [
        "dieuphoi.btp@example.invalid",
        "thamdinh.btc@example.invalid",
    ]
    client.force_login(cast["finance_coordinator"])
    assert client.get(url).status_code == 403


def test_the_queue_does_not_redirect_elsewhere(client, cast, finance_review):
    campaign_id = finance_review.submission.campaign_id
    client.force_login(cast["finance_coordinator"])
    response = client.post(
        reverse("review_queue_assign", args=[campaign_id]),
        {
            "review": [finance_review.pk],
            "reviewer": [cast["finance_reviewer"].pk],
            "next": "//evil.example/",
        },
    )
    assert response["Location"] == reverse("review_queue", args=[campaign_id])
