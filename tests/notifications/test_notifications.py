"""Notifications: e-mails in each person's language, at once or in a daily digest, reminders
sent once however often the scan runs, escalation to the right people, the bell."""

import datetime

import pytest
from django.core import mail
from django.test.utils import override_settings
from django.urls import reverse

from appraisal.models import DomainReview
from notifications import reminders
from notifications.models import Notification, ReminderLog
from notifications.services import KINDS, notify, preference_set, render_message
from notifications.tasks import send_digests, send_email

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_renders_in_both_languages(personas, kind, bac_ninh):
    from appraisal.models import ExtensionRequest

    extension = ExtensionRequest(
        submission=bac_ninh,
        target="stage",
        proposed_due=D(2027, 1, 20),
        new_due=D(2027, 1, 20),
        reason="x",
    )
    context = {
        "recipient": personas["bacninh_focal"],
        "title": "Tỉnh Bắc Ninh — 2026",
        "reviews": ["Tỉnh Bắc Ninh — 6"],
        "sender": "Thư ký",
        "request": extension,
        "granted": True,
        "url": "/x/",
        "site": "https://cchc.example",
    }
    vi = render_message(kind, context, "vi")
    en = render_message(kind, context, "en")
    for subject, text, html in (vi, en):
        assert subject and text.strip() and "<p>" in html and "https://cchc.example/x/" in text
    assert vi[0] != en[0] and "Kính gửi" in vi[1] and "Dear" in en[1]


def test_immediate_emails_follow_the_recipients_language(
    personas, django_capture_on_commit_callbacks
):
    user = personas["bacninh_focal"]
    preference_set(user=user, email_mode="immediate", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=user, kind="published", context={"title": "2026"})
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("[PAR Index]")


def test_the_digest_gathers_a_days_notifications_into_one_email(
    personas, django_capture_on_commit_callbacks
):
    user = personas["bacninh_focal"]
    preference_set(user=user, email_mode="digest", language="vi")
    with django_capture_on_commit_callbacks(execute=True):
        for kind in ("query_raised", "query_closed", "published"):
            notify(recipient=user, kind=kind, context={"title": "Bắc Ninh"})
    assert mail.outbox == []  # nothing at once
    assert send_digests() == 1
    assert len(mail.outbox) == 1 and "3 thông báo" in mail.outbox[0].subject
    assert send_digests() == 0 and len(mail.outbox) == 1  # not twice


def test_a_refused_email_is_released_for_the_retry(personas, monkeypatch):
    notification = notify(
        recipient=personas["bacninh_focal"], kind="published", context={"title": "x"}
    )

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        send_email(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert send_email(notification.pk) is True and send_email(notification.pk) is False
    assert len(mail.outbox) == 1


@pytest.fixture
def bn_only(campaign_factory, orgs):
    """A campaign of Bắc Ninh alone, its self-assessment due on Fri 15/01/2027."""
    return campaign_factory(units=[orgs["T34-bac-ninh"]]).submissions.get()


@override_settings(REMINDER_OFFSETS=[5, 2, 1])
def test_a_reminder_scan_run_twice_sends_one_email(
    personas, bn_only, django_capture_on_commit_callbacks
):
    bac_ninh = bn_only
    # the self-assessment is due on Fri 15/01/2027: Mon 11/01 is 4 working days before → the
    # 5-day reminder to the unit's focal point and leader
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.scan(D(2027, 1, 11)) == 2
        assert reminders.scan(D(2027, 1, 11)) == 0
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.filter(key__endswith=":r5").count() == 1
    # a worker down for days: on Thu 14/01 only the 1-day reminder goes, not 2 and 1
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.scan(D(2027, 1, 14)) == 2
    assert set(ReminderLog.objects.values_list("key", flat=True)) == {
        f"submission:{bac_ninh.pk}:2027-01-15:r5",
        f"submission:{bac_ninh.pk}:2027-01-15:r1",
    }


def test_escalation_reaches_the_right_people(cast, bn_only, program):
    manager = cast["manager"]
    # 1 working day late: the leader; 3: the secretariat; 5: the managers — once each
    assert reminders.scan(D(2027, 1, 18)) == 1
    assert Notification.objects.get(kind="deadline_escalation").recipient == cast["bacninh_leader"]
    assert reminders.scan(D(2027, 1, 20)) == 1
    assert Notification.objects.filter(
        kind="deadline_escalation", recipient=cast["secretariat"]
    ).exists()
    assert reminders.scan(D(2027, 1, 22)) == 1
    assert Notification.objects.filter(kind="deadline_escalation", recipient=manager).exists()
    assert reminders.scan(D(2027, 1, 22)) == 0


def test_a_unit_whose_deadline_runs_is_reminded_after_the_campaign_moved_on(
    personas, bn_only, django_capture_on_commit_callbacks
):
    from workflow.services.campaign_stages import campaign_start_review

    campaign_start_review(campaign=bn_only.campaign, actor=personas["secretariat"])
    # due Fri 15/01/2027 (its stage's deadline): still reminded before it...
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.scan(D(2027, 1, 11)) == 2
    # ...but not chased once it can no longer send: the secretariat reopens it if need be
    assert reminders.scan(D(2027, 1, 18)) == 0


def test_the_bell_counts_lists_and_marks_read(client, personas):
    user = personas["bacninh_focal"]
    first = notify(recipient=user, kind="published", context={"title": "2026"}, url_name="inbox")
    notify(recipient=user, kind="query_raised", context={"title": "BN"})
    notify(recipient=personas["hanoi_focal"], kind="published", context={"title": "x"})
    client.force_login(user)
    assert ">2<" in client.get(reverse("notification_count")).content.decode()
    page = client.get(reverse("notification_list"))
    assert len(page.context["page"].object_list) == 2
    response = client.post(reverse("notification_open", args=[first.pk]))
    assert response["Location"] == reverse("inbox")
    assert ">1<" in client.get(reverse("notification_count")).content.decode()
    other = Notification.objects.get(recipient=personas["hanoi_focal"])
    assert client.post(reverse("notification_open", args=[other.pk])).status_code == 404
    client.post(reverse("notification_read_all"))
    assert "badge" not in client.get(reverse("notification_count")).content.decode()
    client.post(reverse("notification_preferences"), {"email_mode": "digest", "language": "en"})
    user.refresh_from_db()
    assert user.notification_preference.email_mode == "digest"


def test_assignment_and_queries_tell_people(cast, bac_ninh):
    from tests.conftest import reviews_started
    from workflow.services.assignments import review_assign
    from workflow.services.queries import query_raise
    from workflow.services.reviews import review_start

    reviews_started([bac_ninh], cast["secretariat"])
    review = DomainReview.objects.get(submission=bac_ninh, domain__code="6")
    review_assign(
        review=review, reviewer=cast["finance_reviewer"], actor=cast["finance_coordinator"]
    )
    assert Notification.objects.filter(
        recipient=cast["finance_reviewer"], kind="review_assigned"
    ).exists()
    review = review_start(review=review, actor=cast["finance_reviewer"])
    query_raise(
        review=review,
        items=[bac_ninh.items.filter(domain_id=review.domain_id).first()],
        question="?",
        actor=cast["finance_reviewer"],
    )
    told = set(
        Notification.objects.filter(kind="query_raised").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"bacninh.daumoi", "bacninh.lanhdao"}


def test_a_late_review_escalates_to_its_ministrys_coordinator_then_the_secretariat(
    cast, bn_only, campaign_factory
):
    from tests.conftest import reviews_started
    from workflow.services.assignments import review_assign
    from workflow.services.campaigns import campaign_set_deadline

    campaign = bn_only.campaign
    campaign_set_deadline(
        campaign=campaign,
        stage="review",
        starts_on=D(2027, 1, 18),
        due_on=D(2027, 3, 5),
        actor=None,
    )
    reviews_started([bn_only], cast["secretariat"])
    DomainReview.objects.filter(submission=bn_only).exclude(domain__code="6").update(
        state="completed"
    )
    review = DomainReview.objects.get(submission=bn_only, domain__code="6")
    review_assign(
        review=review, reviewer=cast["finance_reviewer"], actor=cast["finance_coordinator"]
    )
    Notification.objects.all().delete()
    reminders.scan(D(2027, 3, 4))  # 1 working day before: the reviewer
    assert set(Notification.objects.values_list("recipient__username", "kind")) == {
        ("thamdinh.btc", "deadline_reminder")
    }
    reminders.scan(D(2027, 3, 8))  # 1 working day late: Finance's coordinator
    assert Notification.objects.filter(
        kind="deadline_escalation", recipient=cast["finance_coordinator"]
    ).exists()
    reminders.scan(D(2027, 3, 10))  # 3 late: the secretariat
    assert Notification.objects.filter(
        kind="deadline_escalation", recipient=cast["secretariat"]
    ).exists()
