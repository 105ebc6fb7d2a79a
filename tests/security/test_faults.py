"""Faults (issue 9): a disk that is full on upload, an e-mail server that refuses, a worker
that dies in the middle of publication. Each ends in a clear error or a retry, with nothing
half-written, no orphan record or file, nothing lost and nothing made twice.

A real worker killed mid-publication (the cluster killed with SIGKILL, then restarted) is
`python bench/pdfs.py --kill-after 10`: it checks every PDF is stored exactly once."""

import errno

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Binding, CampaignDocument, Document, DocumentVersion
from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import send_email

pytestmark = pytest.mark.django_db
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def full_disk(monkeypatch):
    """Every file write fails as a full disk does."""

    def no_space(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    default_storage.exists("x")  # the lazy storage is set up, so that its class is known
    monkeypatch.setattr(type(default_storage._wrapped), "_save", no_space)


def test_a_full_disk_on_upload_is_a_clear_error_and_leaves_nothing(
    client, personas, campaign, full_disk
):
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    client.force_login(personas["bacninh_focal"])
    before = (Document.objects.count(), DocumentVersion.objects.count(), Binding.objects.count())
    response = client.post(
        reverse("evidence_upload", args=[submission.pk]),
        {"files": [SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf")]},
        follow=True,
    )
    assert response.status_code == 200
    assert "lỗi lưu trữ" in response.content.decode()
    after = (Document.objects.count(), DocumentVersion.objects.count(), Binding.objects.count())
    assert after == before


def test_a_full_disk_while_answering_a_query_leaves_it_unanswered(cast, campaign, full_disk):
    from django.core.exceptions import ValidationError

    from appraisal.models import DomainReview, Query
    from tests.conftest import reviews_started
    from workflow.services.assignments import reviews_assign
    from workflow.services.queries import query_answer, query_raise
    from workflow.services.reviews import review_start

    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    reviews_started([submission], cast["secretariat"])
    review = DomainReview.objects.filter(submission=submission, organisation__code="BTC").first()
    reviews_assign(plan=[(review, cast["finance_reviewer"])], actor=cast["secretariat"])
    review = review_start(
        review=DomainReview.objects.get(pk=review.pk), actor=cast["finance_reviewer"]
    )
    item = submission.items.filter(domain_id=review.domain_id).first()
    query = query_raise(review=review, items=[item], question="?", actor=cast["finance_reviewer"])
    with pytest.raises(ValidationError) as refused:
        query_answer(
            query=query,
            answer="Đã bổ sung.",
            actor=cast["bacninh_focal"],
            uploads=[SimpleUploadedFile("bo-sung.pdf", PDF, "application/pdf")],
        )
    assert "lỗi lưu trữ" in " ".join(refused.value.messages)
    query = Query.objects.get(pk=query.pk)
    assert query.state == "open" and query.answer == ""
    assert not Document.objects.filter(query=query).exists()


def test_a_refusing_mail_server_loses_no_notification(personas, settings):
    """The real SMTP backend against a port where nothing listens: the send fails, the
    notification is released, and the task's retry sends it once the server is back."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed when the block ends: nothing listens there
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    notification = notify(
        recipient=personas["bacninh_focal"], kind="published", context={"title": "2026"}
    )
    for _attempt in range(3):  # django-q2 retries a failed task (max_attempts)
        with pytest.raises(OSError):
            send_email(notification.pk)
        assert Notification.objects.get(pk=notification.pk).emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # back up
    assert send_email(notification.pk) is True
    assert send_email(notification.pk) is False  # a duplicate delivery of the task
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


def test_publication_tasks_run_again_after_a_crash_make_each_pdf_once(
    program, tmp_path, monkeypatch
):
    """A worker dies half-way through the batch and django-q2 delivers every task again
    (those done and those not): each document is rendered once, stored once."""
    from django.core.management import call_command

    from appraisal.models import Campaign
    from documents import publication
    from documents.tasks import make_campaign_document

    path = tmp_path / "2025.csv"
    path.write_text(
        "unit_code,appraisal_points,survey_points\n01,60,25\nT34-bac-ninh,58,24\n04,55,20\n",
        encoding="utf-8",
    )
    call_command(
        "import_results",
        "--program",
        program.code,
        "--year",
        "2025",
        "--level",
        "province",
        str(path),
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    campaign = Campaign.objects.get(program=program, year=2025)
    keys = publication.publication_keys(campaign)
    rendered = []
    real_render = publication.render

    def counting(campaign, built):
        rendered.append(built.fingerprint)
        return real_render(campaign, built)

    monkeypatch.setattr(publication, "render", counting)

    def crash(campaign, built):
        raise SystemExit("worker killed")  # what SIGKILL looks like from inside: nothing more

    half = len(keys) // 2
    for key in keys[:half]:
        make_campaign_document(campaign.pk, key)
    monkeypatch.setattr(publication, "render", crash)
    with pytest.raises(SystemExit):
        make_campaign_document(campaign.pk, keys[half])
    assert CampaignDocument.objects.filter(campaign=campaign).count() == half
    monkeypatch.setattr(publication, "render", counting)
    for key in keys:  # every task delivered again after the restart
        make_campaign_document(campaign.pk, key)
    for key in keys:  # and once more, as a late duplicate delivery would
        make_campaign_document(campaign.pk, key)
    assert CampaignDocument.objects.filter(campaign=campaign).count() == len(keys)
    assert len(rendered) == len(keys) == len(set(rendered))
