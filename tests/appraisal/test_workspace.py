"""The scoring workspace: per-item saves (htmx), version checks, and a constant query count."""

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import ScoreItem
from documents.services import evidence_bind, evidence_upload
from tests.documents.test_evidence_locker import pdf, upload
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(campaign):
    return campaign.submissions.get(unit__code="T34-bac-ninh")


def choice_item(submission) -> ScoreItem:
    return (
        ScoreItem.objects.filter(submission=submission, node__scoring_method="choice")
        .order_by("position")
        .first()
    )


def test_a_focal_point_saves_an_item(client, cast, draft):
    item = choice_item(draft)
    top = item.node.method_params["options"][0]["points"]
    client.force_login(cast["bacninh_focal"])
    response = client.post(
        reverse("item_save", args=[item.pk]),
        {"score": top, "explanation": "Có kế hoạch", "version": item.version},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đã lưu." in body and 'hx-swap-oob="true"' in body and "Đã chấm 1/" in body
    item.refresh_from_db()
    assert (str(item.self_score.normalize()), item.explanation, item.version) == (
        top,
        "Có kế hoạch",
        1,
    )
    assert AuditEvent.objects.filter(
        kind="score", object_id=item.pk, actor_name="bacninh.daumoi"
    ).exists()


def test_bad_input_is_refused_and_the_entry_kept(client, cast, draft):
    item = choice_item(draft)
    client.force_login(cast["bacninh_focal"])
    response = client.post(
        reverse("item_save", args=[item.pk]),
        {"score": "0.3", "explanation": "ghi chú dài của tôi", "version": 0},
        **HTMX,
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert (
        "Chọn một trong các mức" in body and "ghi chú dài của tôi" in body
    )  # nothing typed is lost
    item.refresh_from_db()
    assert item.self_score is None and item.explanation == "" and item.version == 0


def test_a_second_focal_point_does_not_overwrite_the_first(client, cast, draft, program, orgs):
    from tests.conftest import make_user

    second = make_user("bacninh.daumoi2", ("focal_point", orgs["T34-bac-ninh"]), program=program)
    item = choice_item(draft)
    options = [o["points"] for o in item.node.method_params["options"]]
    client.force_login(cast["bacninh_focal"])
    client.post(reverse("item_save", args=[item.pk]), {"score": options[0], "version": 0}, **HTMX)
    client.force_login(second)
    response = client.post(
        reverse("item_save", args=[item.pk]), {"score": options[1], "version": 0}, **HTMX
    )
    assert response.status_code == 409
    assert "vừa được người khác cập nhật" in response.content.decode()
    item.refresh_from_db()
    assert str(item.self_score.normalize()) == options[0] and item.version == 1


def test_who_may_save(client, cast, draft):
    item = choice_item(draft)
    url = reverse("item_save", args=[item.pk])
    assert client.post(url, {"score": "0", "version": 0}).status_code == 302  # anonymous → login
    client.force_login(cast["bacninh_focal"])
    assert client.get(url).status_code == 405
    client.force_login(cast["hanoi_focal"])
    assert client.post(url, {"score": "0", "version": 0}, **HTMX).status_code == 404
    client.force_login(cast["manager"])
    assert client.post(url, {"score": "0", "version": 0}, **HTMX).status_code == 403
    item.refresh_from_db()
    assert item.self_score is None


def test_the_workspace_filters(client, cast, draft):
    client.force_login(cast["bacninh_focal"])
    url = reverse("submission_workspace", args=[draft.pk])
    all_items = client.get(url).context["domains"]
    todo = client.get(url, {"filter": "todo"}).context["domains"]
    assert sum(len(d.items) for d in all_items) == draft.items.count()
    assert sum(len(d.items) for d in todo) == draft.items.filter(scoring_mode="self").count()
    assert client.get(url, {"filter": "<script>"}).status_code == 200


@pytest.fixture(params=[(3, 3), (30, 40)], ids=["few-documents", "many-documents"])
def loaded(request, cast, draft):
    documents, bindings = request.param
    items = list(draft.items.filter(scoring_mode="self").order_by("position"))
    for n in range(documents):
        document = evidence_upload(
            submission=draft,
            upload=upload(f"tl-{n}.pdf", pdf(f"ws{n}")),
            actor=cast["bacninh_focal"],
        )
        for item in items[n : n + bindings // documents + 1]:
            evidence_bind(
                document=document, item=item, reference="tr. 1", actor=cast["bacninh_focal"]
            )
    return draft


def test_workspace_queries_do_not_grow_with_items_or_documents(
    client, cast, loaded, django_assert_num_queries
):
    client.force_login(cast["bacninh_focal"])
    # session, user, submission with campaign/program/unit/framework, role grants, domains,
    # items with nodes and evidence counts, their bindings with documents, pending
    # not-applicable requests
    with django_assert_num_queries(8):
        response = client.get(reverse("submission_workspace", args=[loaded.pk]))
    assert response.status_code == 200


def test_one_persons_quick_successive_saves_do_not_conflict(client, cast, draft):
    item = choice_item(draft)
    top = item.node.method_params["options"][0]["points"]
    client.force_login(cast["bacninh_focal"])
    url = reverse("item_save", args=[item.pk])
    assert client.post(url, {"score": top, "version": 0}, **HTMX).status_code == 200
    # the explanation's save left the page before the score's answer came back: same version
    assert (
        client.post(url, {"score": top, "explanation": "Đủ", "version": 0}, **HTMX).status_code
        == 200
    )
    item.refresh_from_db()
    assert (item.explanation, item.version) == ("Đủ", 2)


# Issue 14, 11 and 12: entry that helps the user ------------------------------------------


def item_of(submission, method: str) -> ScoreItem:
    return (
        ScoreItem.objects.filter(submission=submission, node__scoring_method=method)
        .select_related("node")
        .order_by("position")
        .first()
    )


def test_a_ratio_waits_for_its_second_count_and_then_shows_the_percentage(client, cast, draft):
    item = item_of(draft, "ratio")
    client.force_login(cast["bacninh_focal"])
    url = reverse("item_save", args=[item.pk])
    first = client.post(
        url, {"numerator": "17", "explanation": "Theo báo cáo", "version": item.version}, **HTMX
    )
    body = first.content.decode()
    assert first.status_code == 200  # not a refusal: the pair is not complete yet
    assert "Nhập cả" in body and "alert-danger" not in body and 'value="17"' in body
    item.refresh_from_db()
    assert item.self_score is None and item.explanation == "Theo báo cáo"  # nothing typed lost
    second = client.post(
        url,
        {
            "numerator": "17",
            "denominator": "20",
            "explanation": "Theo báo cáo",
            "version": item.version,
        },
        **HTMX,
    )
    body = second.content.decode()
    assert "Đã lưu." in body and "85,0%" in body
    item.refresh_from_db()
    assert (item.ratio_numerator, item.ratio_denominator) == (17, 20)
    assert item.self_score is not None


def test_a_deduction_asks_for_the_cases_its_guidance_counts(client, cast, draft):
    item = item_of(draft, "deduction")
    client.force_login(cast["bacninh_focal"])
    page = client.get(reverse("submission_workspace", args=[draft.pk])).content.decode()
    assert f'id="cases-{item.pk}"' in page and "Số trường hợp" in page
    response = client.post(
        reverse("item_save", args=[item.pk]), {"cases": "2", "version": item.version}, **HTMX
    )
    body = response.content.decode()
    assert "Đã lưu." in body
    item.refresh_from_db()
    step = Decimal(item.node.method_params["step"])
    assert item.self_score == -min(2 * step, item.max_points)
    assert item.ratio_numerator == 2  # the cases as typed
    assert 'value="2"' in body


@pytest.mark.parametrize(
    "name, field, button",
    [
        ("item_evidence_upload", 'name="files"', "Tải lên"),
        ("item_not_applicable", 'name="reason"', "Gửi đề nghị"),
    ],
)
def test_an_items_occasional_forms_come_when_opened(client, cast, draft, name, field, button):
    """The workspace carries a link per item; opening the card fetches the form (htmx), or
    the link opens it as a page; only those who may change the report get either."""
    item = choice_item(draft)
    url = reverse(name, args=[item.pk])
    client.force_login(cast["bacninh_focal"])
    workspace = client.get(reverse("submission_workspace", args=[draft.pk])).content.decode()
    assert f'hx-get="{url}"' in workspace and f'href="{url}"' in workspace
    assert field not in workspace  # the form itself is not in the page
    fragment = client.get(url, **HTMX).content.decode()
    assert field in fragment and button in fragment and "<html" not in fragment
    page = client.get(url).content.decode()
    assert field in page and "<html" in page and item.node.code in page
    assert reverse("submission_workspace", args=[draft.pk]) in page  # the way back
    client.force_login(cast["hanoi_focal"])
    assert client.get(url, **HTMX).status_code == 404
    client.force_login(cast["manager"])
    assert client.get(url, **HTMX).status_code == 403
    draft.state = "submitted"
    draft.save(update_fields=["state"])
    client.force_login(cast["bacninh_focal"])
    assert client.get(url, **HTMX).status_code == 403
    assert (
        f'hx-get="{url}"'
        not in client.get(reverse("submission_workspace", args=[draft.pk])).content.decode()
    )
