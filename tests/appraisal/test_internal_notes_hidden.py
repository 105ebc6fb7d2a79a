"""A unit never sees reviewers' internal notes (nor, before publication, their reasons):
checked on every page and download the unit's people can reach, by crawling them."""

import io
import re
from collections import deque

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from appraisal.models import DomainReview
from documents.reports import ensure_self_assessment_report
from tests.conftest import reviews_started
from workflow.services.assignments import review_assign
from workflow.services.queries import query_answer, query_raise
from workflow.services.reviews import review_start
from workflow.services.scores import item_note_set, score_propose

pytestmark = pytest.mark.django_db

NOTE = "GHICHUNOIBO7731"
REASON = "LYDODEXUAT7731"
LINK = re.compile(r'(?:href|hx-get|action)="(/[^"#]*)"')
SKIP = ("/accounts/logout", "/i18n/", "/admin/", "/static/", "/healthz")


@pytest.fixture
def reviewed_with_notes(noted_review):
    """…and the self-assessment report made, so that the crawl reaches the PDF too."""
    ensure_self_assessment_report(noted_review.submission_id)
    return noted_review


@pytest.fixture
def noted_review(cast, campaign, bac_ninh):
    reviews_started([bac_ninh], cast["secretariat"])
    review = DomainReview.objects.get(submission=bac_ninh, domain__code="6")
    reviewer = cast["finance_reviewer"]
    review_assign(review=review, reviewer=reviewer, actor=cast["finance_coordinator"])
    review_start(review=review, actor=reviewer)
    item = bac_ninh.items.filter(domain_id=review.domain_id, scoring_mode="self").first()
    score_propose(item=item, actor=reviewer, value=0, reason=f"Thiếu văn bản {REASON}")
    item_note_set(item=item, text=f"Đối chiếu lại {NOTE}", actor=reviewer)
    query = query_raise(review=review, items=[item], question="Đề nghị bổ sung.", actor=reviewer)
    query_answer(query=query, answer="Đã bổ sung.", actor=cast["bacninh_focal"])
    return review


def text_of(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in content_type:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheet" in content_type:
        book = load_workbook(io.BytesIO(body))
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return body.decode("utf-8", "replace")


def crawl(client, start="/", limit=400) -> dict[str, str]:
    """Every page and download reachable by following links from `start` (GET only)."""
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        if response.status_code != 200:
            seen[url] = ""
            continue
        seen[url] = text_of(response)
        if "text/html" in response.get("Content-Type", ""):
            for link in LINK.findall(seen[url]):
                link = link.replace("&amp;", "&")
                if link not in seen:
                    queue.append(link)
    return seen


@pytest.mark.parametrize("persona", ["bacninh_focal", "bacninh_leader"])
def test_no_page_or_download_a_unit_reaches_shows_internal_notes(
    client, cast, reviewed_with_notes, persona
):
    client.force_login(cast[persona])
    pages = crawl(client)
    submission = reviewed_with_notes.submission
    # the crawl did reach the pages that show the submission, its queries and downloads
    for must in (
        f"/submissions/{submission.pk}/",
        f"/submissions/{submission.pk}/workspace/",
        f"/submissions/{submission.pk}/queries/",
        f"/submissions/{submission.pk}/timeline/",
        f"/submissions/{submission.pk}/evidence/",
        f"/submissions/{submission.pk}/export.xlsx",
        f"/submissions/{submission.pk}/report.pdf",
    ):
        assert pages.get(must), must
    assert any(url.startswith("/queries/") and pages[url] for url in pages)
    leaks = [url for url, text in pages.items() if NOTE in text or REASON in text]
    assert leaks == []
    # and the review page itself is not theirs
    assert client.get(f"/reviews/{reviewed_with_notes.pk}/").status_code == 404


def test_the_reviewer_and_secretariat_do_see_them(client, cast, reviewed_with_notes):
    for persona in ("finance_reviewer", "secretariat"):
        client.force_login(cast[persona])
        body = client.get(f"/reviews/{reviewed_with_notes.pk}/").content.decode()
        assert NOTE in body and REASON in body


# Issue 14, 14: an allow-list — every role README names reads the notes, no other does.
NOTE_READERS = {
    "finance_reviewer": True,  # the reviewer of the domain
    "secretariat": True,
    "chair": True,
    "finance_member": True,  # a council member (not of the unit)
    "admin": True,
    "manager": False,  # reads progress and aggregates, never the notes
    "finance_coordinator": False,  # assigns reviewers; not named in README
    "bacninh_focal": False,
    "bacninh_leader": False,
    "outsider": False,
}


@pytest.mark.parametrize("persona", sorted(NOTE_READERS))
def test_who_reads_internal_notes_on_the_review_page_and_the_timeline(
    client, cast, noted_review, persona
):
    from appraisal.permissions import sees_internal_notes

    reviewed_with_notes = noted_review
    submission = reviewed_with_notes.submission
    user = cast[persona]
    assert sees_internal_notes(user, submission) is NOTE_READERS[persona]
    client.force_login(user)
    review = client.get(f"/reviews/{reviewed_with_notes.pk}/")
    timeline = client.get(f"/submissions/{submission.pk}/timeline/")
    shown = NOTE in review.content.decode() or NOTE in timeline.content.decode()
    assert shown is NOTE_READERS[persona]
