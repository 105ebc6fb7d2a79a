"""Extension requests: asked by the unit or the reviewer, decided by the secretariat,
applied to the right deadline, audited and notified."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from appraisal.models import DomainReview, ExtensionRequest
from appraisal.models.choices import Stage
from appraisal.selectors.deadlines import DUE_SOON, ON_TIME, OVERDUE, stage_due, status
from notifications.models import Notification
from tests.conftest import reviews_started
from workflow.models import AuditEvent
from workflow.services.assignments import review_assign
from workflow.services.extensions import extension_decide, extension_request
from workflow.services.queries import query_raise
from workflow.services.reviews import review_start

pytestmark = pytest.mark.django_db
D = datetime.date
NOON = datetime.time(12, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, NOON), tick=False)


def test_status_counts_working_days(settings):
    settings.DUE_SOON_WORKING_DAYS = 3
    due = D(2026, 12, 4)  # a Friday
    assert status(due, D(2026, 11, 27)) == ON_TIME  # 5 working days before
    assert status(due, D(2026, 12, 1)) == DUE_SOON  # 3 working days before
    assert status(due, D(2026, 12, 4)) == DUE_SOON
    assert status(due, D(2026, 12, 5)) == OVERDUE
    assert status(None) is None


def test_a_unit_asks_and_the_secretariat_extends_its_deadline(
    cast, bac_ninh, django_capture_on_commit_callbacks
):
    with at(D(2027, 1, 10)):
        assert stage_due(bac_ninh, Stage.SELF_ASSESSMENT) == D(2027, 1, 15)
        request = extension_request(
            submission=bac_ninh,
            target="stage",
            proposed_due=D(2027, 1, 22),
            reason="Sáp nhập tỉnh, chờ bàn giao hồ sơ",
            actor=cast["bacninh_focal"],
        )
        with pytest.raises(ValidationError, match="đang chờ"):
            extension_request(
                submission=bac_ninh,
                target="stage",
                proposed_due=D(2027, 1, 23),
                reason="x",
                actor=cast["bacninh_focal"],
            )
        with pytest.raises(PermissionDenied):
            extension_request(
                submission=bac_ninh,
                target="stage",
                proposed_due=D(2027, 1, 23),
                reason="x",
                actor=cast["hanoi_focal"],
            )
        with pytest.raises(PermissionDenied):
            extension_decide(request=request, grant=True, actor=cast["bacninh_leader"])
        with django_capture_on_commit_callbacks(execute=True):
            extension_decide(
                request=request, grant=True, new_due=D(2027, 1, 20), actor=cast["secretariat"]
            )
        assert stage_due(bac_ninh, Stage.SELF_ASSESSMENT) == D(2027, 1, 20)
    assert AuditEvent.objects.filter(action="extension_grant", new_value="2027-01-20").exists()
    assert Notification.objects.get(recipient=cast["bacninh_focal"]).kind == "extension_decided"
    with pytest.raises(ValidationError, match="đã được quyết định"):
        extension_decide(request=request, grant=False, note="x", actor=cast["secretariat"])


def test_refusal_needs_a_reason_and_changes_nothing(cast, bac_ninh):
    with at(D(2027, 1, 10)):
        request = extension_request(
            submission=bac_ninh,
            target="stage",
            proposed_due=D(2027, 1, 22),
            reason="Chậm",
            actor=cast["bacninh_focal"],
        )
        with pytest.raises(ValidationError, match="lý do"):
            extension_decide(request=request, grant=False, actor=cast["secretariat"])
        extension_decide(
            request=request, grant=False, note="Đã đủ thời gian", actor=cast["secretariat"]
        )
        assert stage_due(bac_ninh, Stage.SELF_ASSESSMENT) == D(2027, 1, 15)
    assert ExtensionRequest.objects.get().state == "refused"


def test_query_and_review_extensions_move_their_own_deadlines(cast, campaign, bac_ninh):
    from workflow.services.campaigns import campaign_set_deadline

    campaign_set_deadline(
        campaign=campaign,
        stage="review",
        starts_on=D(2027, 1, 18),
        due_on=D(2027, 3, 5),
        actor=None,
    )
    reviews_started([bac_ninh], cast["secretariat"])
    review = DomainReview.objects.get(submission=bac_ninh, domain__code="6")
    review_assign(
        review=review, reviewer=cast["finance_reviewer"], actor=cast["finance_coordinator"]
    )
    review = review_start(review=review, actor=cast["finance_reviewer"])
    with at(D(2027, 1, 20)):
        item = bac_ninh.items.filter(domain_id=review.domain_id).first()
        query = query_raise(
            review=review, items=[item], question="?", actor=cast["finance_reviewer"]
        )
        asked = extension_request(
            submission=bac_ninh,
            target="query",
            query=query,
            proposed_due=query.due_on + datetime.timedelta(days=7),
            reason="Chờ số liệu",
            actor=cast["bacninh_focal"],
        )
        extension_decide(request=asked, grant=True, actor=cast["secretariat"])
        query.refresh_from_db()
        assert query.due_on == asked.proposed_due
        more = extension_request(
            submission=bac_ninh,
            target="review",
            review=review,
            proposed_due=D(2027, 3, 19),
            reason="Nhiều hồ sơ",
            actor=cast["finance_reviewer"],
        )
        extension_decide(request=more, grant=True, actor=cast["secretariat"])
    review.refresh_from_db()
    assert review.due_override == D(2027, 3, 19)


def test_the_pages(client, cast, bac_ninh, campaign):
    with at(D(2027, 1, 10)):  # sessions expire: log in on the day
        client.force_login(cast["bacninh_focal"])
        response = client.post(
            reverse("extension_new", args=[bac_ninh.pk]),
            {"target": "stage", "proposed_due": "2027-01-25", "reason": "Bàn giao"},
            follow=True,
        )
        assert "Đã gửi đề nghị gia hạn" in response.content.decode()
        client.force_login(cast["secretariat"])
        page = client.get(reverse("extension_list", args=[campaign.pk]))
        assert len(page.context["pending"]) == 1
        assert (
            reverse("extension_list", args=[campaign.pk])
            in client.get(reverse("inbox")).content.decode()
        )
        client.post(
            reverse("extension_decide", args=[page.context["pending"][0].pk]),
            {"grant": "1", "new_due": "2027-01-22"},
        )
        assert stage_due(bac_ninh, Stage.SELF_ASSESSMENT) == D(2027, 1, 22)
        client.force_login(cast["bacninh_focal"])
        assert client.get(reverse("extension_list", args=[campaign.pk])).status_code == 403
