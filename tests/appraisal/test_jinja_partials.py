"""The rows a page repeats by the hundred are Jinja2 partials (appraisal/jinja.py): they must
show the same thing in both languages, escape what people typed, and carry a CSRF token that
the server accepts, on the page and in the fragments an autosave sends back."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from appraisal.models import ScoreItem
from tests.conftest import first_item

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def strict_client(user, language: str = "vi") -> Client:
    """A browser that must send the CSRF token of the page it read."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["parcouncil_language"] = language
    return client


def items_of(submission, method: str) -> ScoreItem:
    return (
        ScoreItem.objects.filter(submission=submission, node__scoring_method=method)
        .select_related("node")
        .order_by("position")
        .first()
    )


def test_the_workspace_cards_save_with_the_pages_token(cast, bac_ninh):
    item = items_of(bac_ninh, "choice")
    client = strict_client(cast["bacninh_focal"])
    page = client.get(reverse("submission_workspace", args=[bac_ninh.pk])).content.decode()
    tokens = set(TOKEN.findall(page))
    assert len(tokens) == 1  # one token for the page, not one masked anew per card
    token = tokens.pop()
    data = {"score": item.node.method_params["options"][0]["points"], "version": item.version}
    refused = client.post(reverse("item_save", args=[item.pk]), data, **HX)
    assert refused.status_code == 403  # without the token
    saved = client.post(
        reverse("item_save", args=[item.pk]), {**data, "csrfmiddlewaretoken": token}, **HX
    )
    assert saved.status_code == 200 and "Đã lưu." in saved.content.decode()
    # the card sent back carries a token of its own that the server takes as well
    again = TOKEN.search(saved.content.decode()).group(1)
    item.refresh_from_db()
    data = {"score": "", "explanation": "Bỏ điểm", "version": item.version}
    response = client.post(
        reverse("item_save", args=[item.pk]), {**data, "csrfmiddlewaretoken": again}, **HX
    )
    assert response.status_code == 200


def test_the_workspace_cards_in_both_languages_and_escaped(cast, bac_ninh):
    deduction = items_of(bac_ninh, "deduction")
    ratio = items_of(bac_ninh, "ratio")
    ScoreItem.objects.filter(pk=ratio.pk).update(explanation="<script>alert(1)</script> & co")
    url = reverse("submission_workspace", args=[bac_ninh.pk])
    vietnamese = strict_client(cast["bacninh_focal"]).get(url).content.decode()
    english = strict_client(cast["bacninh_focal"], "en").get(url).content.decode()
    step = deduction.node.method_params["step"].replace(".", ",")
    assert f"Trừ {step} điểm mỗi trường hợp" in vietnamese
    assert "Hướng dẫn chấm điểm" in vietnamese and "Mở mẫu tải tài liệu" in vietnamese
    assert f"{step.replace(',', '.')} points off per case" in english
    assert "Scoring guidance" in english and "Hướng dẫn chấm điểm" not in english
    for body in (vietnamese, english):
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in body
        assert "<script>alert(1)" not in body
        assert f'id="num-{ratio.pk}"' in body and f'id="cases-{deduction.pk}"' in body


def test_a_report_under_review_has_no_forms_to_open(cast, bac_ninh, finance_review):
    client = strict_client(cast["bacninh_focal"])
    body = client.get(reverse("submission_workspace", args=[bac_ninh.pk])).content.decode()
    assert " disabled" in body
    assert reverse("item_evidence_upload", args=[items_of(bac_ninh, "choice").pk]) not in body


def test_the_review_items_propose_with_the_pages_token(cast, started):
    item = first_item(started)
    client = strict_client(cast["finance_reviewer"], "en")
    page = client.get(reverse("review_detail", args=[started.pk])).content.decode()
    assert "Internal note (never shown to the unit)" in page
    token = TOKEN.search(page).group(1)
    response = client.post(
        reverse("item_propose", args=[item.pk]),
        {"score": "0", "reason": "No <b>document</b>", "csrfmiddlewaretoken": token},
        **HX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Saved." in body
    assert "No &lt;b&gt;document&lt;/b&gt;" in body and TOKEN.search(body)
    item.refresh_from_db()
    assert item.review_reason == "No <b>document</b>"
