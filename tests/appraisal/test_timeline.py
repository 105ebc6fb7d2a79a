"""Issue 14, 5: the timeline reads like a register — every event kind translated, people by
name and organisation, dates dd/mm/yyyy HH:MM — and filters by kind and domain."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from appraisal.models import Submission
from workflow.labels import action_label
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db
RAW = re.compile(
    r"\b(extension_request|self_score|review_score|final_score|na_request|"
    r"send_for_approval|assign|reviewer)\b"
)


@pytest.fixture
def demo(program, settings):
    settings.DEBUG = True
    call_command("seed_demo")


def test_the_demos_timeline_reads_like_a_register(client, demo):
    """One demo (it takes a while to seed) for three stories."""
    every_event_has_a_translated_label()
    names_dates_and_labels_not_codes(client)
    filters_by_kind_and_domain(client)


def every_event_has_a_translated_label() -> None:
    pairs = set(AuditEvent.objects.values_list("object_type", "action"))
    unlabelled = sorted(pair for pair in pairs if action_label(*pair) == pair[1])
    assert unlabelled == []


def names_dates_and_labels_not_codes(client) -> None:
    from django.contrib.auth import get_user_model

    health = Submission.objects.get(campaign__year=2026, unit__code="BYT")
    client.force_login(get_user_model().objects.get(username="thuky"))
    url = reverse("submission_timeline", args=[health.pk])
    pages = client.get(url).context["page"].paginator.num_pages
    cells = []
    for number in range(1, pages + 1):
        body = client.get(url, {"page": number}).content.decode()
        cells += re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
    text = " ".join(cells)
    assert not RAW.search(text), RAW.search(text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO dates
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", text)
    assert "Nguyễn Thị Thu Hà (Bộ Nội vụ)" in text  # the secretariat, by name
    assert "thuky" not in text  # never the username


def filters_by_kind_and_domain(client) -> None:
    from django.contrib.auth import get_user_model

    health = Submission.objects.get(campaign__year=2026, unit__code="BYT")
    client.force_login(get_user_model().objects.get(username="thuky"))
    url = reverse("submission_timeline", args=[health.pk])
    everything = client.get(url).context["page"].paginator.count
    scores = client.get(url, {"kind": "score"}).context["rows"]
    assert scores and all(row.event.kind == "score" for row in scores)
    domain = client.get(url).context["domains"][2]  # domain 3
    in_domain = client.get(url, {"domain": domain.pk})
    rows = in_domain.context["rows"]
    assert rows and in_domain.context["page"].paginator.count < everything
    for row in rows:
        event = row.event
        assert event.field.startswith(f"{domain.code}.") or event.object_type in (
            "domain_review",
            "query",
        )
