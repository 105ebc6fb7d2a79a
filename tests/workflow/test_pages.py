"""The submission page, its transitions, the timeline, the inbox and the role pages."""

import pytest
from django.urls import reverse

from appraisal.models import RoleAssignment, ScoreItem, Submission
from appraisal.selectors.inbox import EACH_SHOWN
from tests.conftest import make_user
from workflow.models import AuditEvent
from workflow.services.scores import score_set_self
from workflow.services.units import units_load

pytestmark = pytest.mark.django_db


def test_the_leader_approves_from_the_submission_page(client, cast, bac_ninh):
    url = reverse("submission_detail", args=[bac_ninh.pk])
    client.force_login(cast["bacninh_focal"])
    body = client.get(url).content.decode()
    assert "Trình lãnh đạo phê duyệt" in body and "Phê duyệt và gửi" not in body
    response = client.post(
        reverse("submission_transition", args=[bac_ninh.pk, "send_for_approval"])
    )
    assert response.status_code == 302
    client.force_login(cast["bacninh_leader"])
    body = client.get(url).content.decode()
    assert "Phê duyệt và gửi" in body and "Trả lại để chỉnh sửa" in body
    response = client.post(
        reverse("submission_transition", args=[bac_ninh.pk, "approve"]), follow=True
    )
    assert "Đã thực hiện" in response.content.decode()
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "submitted"


def test_transition_negative_cases(client, cast, bac_ninh):
    url = reverse("submission_transition", args=[bac_ninh.pk, "send_for_approval"])
    assert (
        client.post(url).status_code == 302 and "login" in client.post(url)["Location"]
    )  # anonymous
    client.force_login(cast["bacninh_focal"])
    assert client.get(url).status_code == 405
    assert (
        client.post(
            reverse("submission_transition", args=[bac_ninh.pk, "finish_review"])
        ).status_code
        == 404
    )
    client.force_login(cast["hanoi_focal"])
    assert client.post(url).status_code == 404  # another unit does not learn it exists
    client.force_login(cast["manager"])
    response = client.post(url, follow=True)
    assert "không có quyền" in response.content.decode()
    client.force_login(cast["bacninh_leader"])
    response = client.post(
        reverse("submission_transition", args=[bac_ninh.pk, "approve"]), follow=True
    )
    assert "trạng thái" in response.content.decode()  # wrong state: a message, no change
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "draft"
    assert not AuditEvent.objects.filter(submission_id=bac_ninh.pk).exists()


def test_unit_people_do_not_see_internal_rows_of_their_timeline(client, cast, bac_ninh):
    from django.db import transaction

    from workflow.audit import audit_record

    with transaction.atomic():
        audit_record(
            kind="score",
            actor=cast["secretariat"],
            obj_type="score_item",
            obj_id=1,
            action="review_note",
            submission_id=bac_ninh.pk,
            comment="ghi chú nội bộ",
            internal=True,
        )
    url = reverse("submission_timeline", args=[bac_ninh.pk])
    client.force_login(cast["bacninh_leader"])
    assert "ghi chú nội bộ" not in client.get(url).content.decode()
    client.force_login(cast["secretariat"])
    assert "ghi chú nội bộ" in client.get(url).content.decode()


def test_the_secretariat_grants_and_revokes_roles(client, cast, program, orgs):
    url = reverse("role_list", args=[program.pk])
    newcomer = make_user("nguoimoi", program=program)
    client.force_login(cast["secretariat"])
    response = client.post(
        url, {"username": "nguoimoi", "role": "reviewer", "organisation": orgs["BTC"].pk}
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer, role="reviewer")
    response = client.post(url, {"username": "nguoimoi", "role": "reviewer"})
    assert response.status_code == 400 and "cần chỉ rõ" in response.content.decode()
    response = client.post(url, {"username": "khongco", "role": "manager"})
    assert response.status_code == 400 and "khongco" in response.content.decode()
    assert client.get(reverse("role_revoke", args=[assignment.pk])).status_code == 405
    assert client.post(reverse("role_revoke", args=[assignment.pk])).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    events = AuditEvent.objects.filter(object_type="role", object_id=assignment.pk).values_list(
        "action", "actor_name"
    )
    assert list(events) == [("grant", "thuky"), ("revoke", "thuky")]


def test_only_the_secretariat_manages_roles(client, cast, program):
    assignment = RoleAssignment.objects.filter(program=program, role="manager").first()
    for persona in ("manager", "bacninh_leader", "chair"):
        client.force_login(cast[persona])
        assert client.get(reverse("role_list", args=[program.pk])).status_code == 403
        assert client.post(reverse("role_revoke", args=[assignment.pk])).status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_grant_names_only_the_programs_own_organisations(client, cast, program, orgs):
    """A province's own departments are offered in its program, never another province's
    (at national scale the whole table would be thousands of rows)."""
    from appraisal.models import Organisation

    hanoi, other = (
        orgs["01"],
        next(o for o in orgs.values() if o.kind == "province" and o.code != "01"),
    )
    own = Organisation.objects.create(
        code="01-SNV", name_vi="Sở Nội vụ", kind="department", parent=hanoi
    )
    theirs = Organisation.objects.create(
        code="X-SNV", name_vi="Sở Nội vụ khác", kind="department", parent=other
    )
    client.force_login(cast["secretariat"])
    page = client.get(reverse("role_list", args=[program.pk])).content.decode()
    assert f'value="{orgs["BTC"].pk}"' in page and f'value="{theirs.pk}"' not in page
    assert f'value="{own.pk}"' not in page  # the national program's owner is BNV, not Hà Nội
    response = client.post(
        reverse("role_list", args=[program.pk]),
        {"username": "thuky", "role": "reviewer", "organisation": theirs.pk},
    )
    assert response.status_code == 400
    assert not RoleAssignment.objects.filter(organisation=theirs).exists()


HEADER = "code,name_vi,name_en,kind,region,assessed,ranked,valid_from,valid_to,predecessors\n"


@pytest.fixture(params=[3, 30], ids=["3-items", "30-items"])
def size(request):
    return request.param


def test_inbox_queries_do_not_grow(client, cast, campaign_factory, size, django_assert_num_queries):
    units_load(
        data=(
            HEADER + "".join(f"Y{n:03},Tỉnh Y {n},,province,DBSH,yes,yes,,,\n" for n in range(size))
        ).encode()
    )
    from appraisal.models import Organisation

    campaign = campaign_factory(units=list(Organisation.objects.filter(code__startswith="Y")))
    Submission.objects.filter(campaign=campaign).update(state="submitted")
    client.force_login(cast["secretariat"])
    # session, user, role grants, submissions waiting (grouped, then listed), the campaign of
    # a long group, domain reviews (grouped), deadlines, queries (a page and their count),
    # not-applicable requests and extension requests to decide
    queries = 11
    with django_assert_num_queries(queries):
        response = client.get(reverse("inbox"))
    entries = response.context["entries"]
    if size <= EACH_SHOWN:
        assert len(entries) == size
    else:  # one line for the campaign's reports, leading to its list of them
        [entry] = entries
        assert f": {size} hồ sơ" in entry.title
        assert entry.url == f"{reverse('campaign_detail', args=[campaign.pk])}?state=submitted"
    with django_assert_num_queries(queries):
        count = client.get(reverse("inbox_count")).content.decode()
    assert f">{len(entries)}</span>" in count


def test_timeline_queries_do_not_grow(client, cast, bac_ninh, size, django_assert_num_queries):
    for item in ScoreItem.objects.filter(submission=bac_ninh, scoring_mode="self").order_by(
        "position"
    )[:size]:
        score_set_self(item=item, actor=cast["bacninh_focal"], value=0)
    client.force_login(cast["bacninh_leader"])
    # session, user, submission with campaign/program/unit/framework, role grants, the
    # domains of the filter, count of events, the page of events, the people named on it and
    # their organisations
    with django_assert_num_queries(9):
        response = client.get(reverse("submission_timeline", args=[bac_ninh.pk]))
    assert len(response.context["page"].object_list) == size


def test_the_submission_page_title_is_just_the_unit_and_year(client, cast, bac_ninh):
    client.force_login(cast["secretariat"])
    body = client.get(reverse("submission_detail", args=[bac_ninh.pk])).content.decode()
    assert "<title>Tỉnh Bắc Ninh — 2026 · parcouncil</title>" in body
    assert body.count('aria-labelledby="totals-h"') == 1
