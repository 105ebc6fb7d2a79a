"""A domain review's clock stops while a query waits on the unit; query deadlines count
working days; answers bring evidence into the locker, all or nothing."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from appraisal.demo.seed import demo_pdf
from appraisal.models import DomainReview
from appraisal.selectors.reviews import annotate_deadlines
from documents.models import Binding, Document, DocumentVersion, EvidenceManifest
from tests.conftest import reviews_started
from workflow.services.assignments import review_assign
from workflow.services.campaigns import campaign_set_deadline
from workflow.services.queries import default_due_on, query_answer, query_close, query_raise
from workflow.services.reviews import review_start

pytestmark = pytest.mark.django_db
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=HANOI)


@pytest.fixture
def review(cast, campaign, bac_ninh):
    campaign_set_deadline(
        campaign=campaign,
        stage="review",
        starts_on=datetime.date(2027, 1, 18),
        due_on=datetime.date(2027, 3, 5),
        actor=None,
    )
    reviews_started([bac_ninh], cast["secretariat"])
    review = DomainReview.objects.get(submission=bac_ninh, domain__code="6")
    review_assign(
        review=review, reviewer=cast["finance_reviewer"], actor=cast["finance_coordinator"]
    )
    return review_start(review=review, actor=cast["finance_reviewer"])


def due(review, today):
    review = DomainReview.objects.select_related("submission__campaign").get(pk=review.pk)
    annotate_deadlines([review], today)
    return review.due


def test_the_clock_pauses_while_a_query_waits_on_the_unit(cast, review):
    item = review.submission.items.filter(domain_id=review.domain_id).first()
    assert due(review, datetime.date(2027, 1, 19)) == datetime.date(2027, 3, 5)
    with time_machine.travel(at(2027, 1, 19), tick=False):  # Tuesday
        query = query_raise(
            review=review, items=[item], question="Bổ sung?", actor=cast["finance_reviewer"]
        )
    review.refresh_from_db()
    assert review.state == "awaiting_unit" and review.paused_since is not None
    # while it waits, each working day pushes the deadline back by one
    assert due(review, datetime.date(2027, 1, 22)) == datetime.date(2027, 3, 10)  # Fri: 3 days
    with time_machine.travel(at(2027, 1, 26), tick=False):  # the next Tuesday: 5 working days
        query_answer(query=query, answer="Đã bổ sung.", actor=cast["bacninh_focal"])
    review.refresh_from_db()
    assert review.state == "in_progress" and review.paused_since is None
    assert review.paused_days == 5
    assert due(review, datetime.date(2027, 2, 20)) == datetime.date(2027, 3, 12)  # 5 days later
    # a closed query does not pause the clock again
    with time_machine.travel(at(2027, 2, 1), tick=False):
        query_close(query=query, accepted=True, note="", actor=cast["finance_reviewer"])
    review.refresh_from_db()
    assert (review.state, review.paused_days) == ("in_progress", 5)


def test_a_pause_over_tet_counts_only_working_days(cast, review):
    item = review.submission.items.filter(domain_id=review.domain_id).first()
    with time_machine.travel(at(2027, 2, 3), tick=False):  # Wed before Tết (4–10/02 off)
        query = query_raise(
            review=review, items=[item], question="?", actor=cast["finance_reviewer"]
        )
    with time_machine.travel(at(2027, 2, 12), tick=False):  # Friday after Tết
        query_answer(query=query, answer="Đây.", actor=cast["bacninh_focal"])
    review.refresh_from_db()
    assert review.paused_days == 2  # Thu 11 and Fri 12 February


def test_query_deadline_defaults_to_the_campaigns_working_days(cast, review):
    item = review.submission.items.filter(domain_id=review.domain_id).first()
    with time_machine.travel(at(2026, 12, 29), tick=False):  # Tue; 1/1 is a holiday
        assert default_due_on(review) == datetime.date(2027, 1, 6)  # 5 working days
        query = query_raise(
            review=review, items=[item], question="?", actor=cast["finance_reviewer"]
        )
        assert query.due_on == datetime.date(2027, 1, 6)
        with pytest.raises(ValidationError, match="trước ngày hôm nay"):
            query_raise(
                review=review,
                items=[item],
                question="?",
                due_on=datetime.date(2026, 12, 1),
                actor=cast["finance_reviewer"],
            )


def test_an_answer_brings_evidence_bound_to_the_querys_items(cast, review):
    items = list(
        review.submission.items.filter(domain_id=review.domain_id).order_by("position")[:2]
    )
    query = query_raise(
        review=review, items=items, question="Bổ sung văn bản", actor=cast["finance_reviewer"]
    )
    manifests = EvidenceManifest.objects.filter(submission=review.submission).count()
    upload = SimpleUploadedFile("quyet-dinh.pdf", demo_pdf("quyet dinh 12"))
    query_answer(
        query=query, answer="Gửi kèm quyết định.", uploads=[upload], actor=cast["bacninh_focal"]
    )
    document = Document.objects.get(query=query)
    assert {b.item_id for b in Binding.objects.filter(document=document)} == {i.pk for i in items}
    assert document.current.sha256 and document.current.number == 1
    # the submission's manifest is renewed with the new file
    assert EvidenceManifest.objects.filter(submission=review.submission).count() == manifests + 1
    latest = EvidenceManifest.objects.filter(submission=review.submission).order_by("-pk").first()
    assert document.current.sha256 in {entry["sha256"] for entry in latest.entries}


def test_a_refused_file_leaves_the_query_unanswered_and_nothing_stored(cast, review):
    item = review.submission.items.filter(domain_id=review.domain_id).first()
    query = query_raise(review=review, items=[item], question="?", actor=cast["finance_reviewer"])
    good = SimpleUploadedFile("a.pdf", demo_pdf("good"))
    bad = SimpleUploadedFile("b.pdf", b"MZ not a pdf at all")
    versions = DocumentVersion.objects.count()
    folder = f"evidence/{review.submission_id}"
    stored = set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()
    with pytest.raises(ValidationError):
        query_answer(
            query=query, answer="Kèm hai tệp", uploads=[good, bad], actor=cast["bacninh_focal"]
        )
    query.refresh_from_db()
    assert query.state == "open" and query.answer == ""
    assert DocumentVersion.objects.count() == versions
    assert not Document.objects.filter(query=query).exists()
    left = set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()
    assert left == stored  # the good file, stored first, was removed again
