"""People of a program without the Django admin: invitations (one, or a list), the link that
sets the password, disabling, focal points proposed by a unit's leader; every change audited;
the people list's search, sort and filters at a constant number of queries."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from appraisal.models import Invitation, RoleAssignment
from appraisal.problems import ProblemsError
from appraisal.selectors.people import PersonState, person_state
from tests.conftest import PASSWORD, make_user
from workflow.models import AuditEvent
from workflow.services import people as svc
from workflow.services.people_lists import people_invite, people_read

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_at_once(monkeypatch):
    """The invitation's e-mail goes when the transaction commits; a test's never does."""
    monkeypatch.setattr(
        "workflow.services.people.transaction.on_commit", lambda func, *a, **k: func()
    )


LINK = re.compile(r"http://[^\s\"<]+/accounts/welcome/[^\s\"<]+/")


def _signs_in(client, username: str, password: str) -> bool:
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def _invite(personas, orgs, program, email="lan.nguyen@bacninh.gov.vn", role="focal_point"):
    return svc.person_invite(
        program=program,
        full_name="Nguyễn Thị Lan",
        email=email,
        role=role,
        organisation=orgs["T34-bac-ninh"],
        actor=personas["secretariat"],
    )


def test_an_invitation_makes_an_account_with_no_password_grants_the_role_and_mails_a_link(
    personas, orgs, program
):
    invitation = _invite(personas, orgs, program)
    user = invitation.user
    assert invitation.state == Invitation.State.SENT
    assert not user.has_usable_password() and user.is_active
    assert person_state(user) == PersonState.INVITED
    assert RoleAssignment.objects.filter(
        user=user, program=program, role="focal_point", organisation=orgs["T34-bac-ninh"]
    ).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lan.nguyen@bacninh.gov.vn"]
    assert LINK.search(mail.outbox[0].body)
    assert AuditEvent.objects.filter(kind="account", action="invite", object_id=user.pk).exists()


def test_the_link_sets_the_password_once_and_then_the_person_signs_in(
    client, personas, orgs, program
):
    invitation = _invite(personas, orgs, program)
    link = LINK.search(mail.outbox[0].body).group(0)
    path = link.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1" in link else link
    response = client.get(path, follow=True)
    assert "Đặt mật khẩu" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"}
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED
    assert person_state(invitation.user) == PersonState.ACTIVE
    assert AuditEvent.objects.filter(kind="account", action="accept").exists()
    # spent: the same link no longer works
    client.logout()
    again = client.get(path, follow=True).content.decode()
    assert "không còn dùng được" in again
    assert _signs_in(client, "lan.nguyen@bacninh.gov.vn", "Mat-khau-moi-2026")


def test_inviting_someone_who_has_an_account_only_grants_and_tells_them(personas, orgs, program):
    invitation = svc.person_invite(
        program=program,
        full_name="Thu ky",
        email=personas["bacninh_focal"].email,
        role="leader",
        organisation=orgs["T34-bac-ninh"],
        actor=personas["secretariat"],
    )
    assert invitation.user == personas["bacninh_focal"]
    assert invitation.state == Invitation.State.ACCEPTED
    assert not mail.outbox or all("welcome" not in m.body for m in mail.outbox)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "khong-phai-email"}, "không hợp lệ"),
        ({"role": "king"}, "không hợp lệ"),
        ({"organisation": None}, "cần chỉ rõ cơ quan"),
        ({"full_name": "  "}, "Thiếu họ và tên"),
    ],
)
def test_a_bad_invitation_is_refused_and_changes_nothing(personas, orgs, program, fields, message):
    data = {
        "program": program,
        "full_name": "Lan",
        "email": "lan@example.vn",
        "role": "focal_point",
        "organisation": orgs["T34-bac-ninh"],
        "actor": personas["secretariat"],
        **fields,
    }
    users = get_user_model().objects.count()
    with pytest.raises(ValidationError, match=message):
        svc.person_invite(**data)
    assert get_user_model().objects.count() == users and not mail.outbox


def test_only_the_secretariat_invites(personas, orgs, program):
    with pytest.raises(PermissionDenied):
        svc.person_invite(
            program=program,
            full_name="Lan",
            email="lan@example.vn",
            role="focal_point",
            organisation=orgs["T34-bac-ninh"],
            actor=personas["bacninh_leader"],
        )


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_list_names_every_bad_line_and_invites_no_one(personas, orgs, program):
    data = _xlsx(
        [
            ["Họ và tên", "Thư điện tử", "Mã cơ quan", "Vai trò"],
            ["Lê Văn An", "an@hanoi.gov.vn", "01", "Cán bộ đầu mối của đơn vị"],
            ["Trần B", "sai-dia-chi", "01", "focal_point"],
            ["Phạm C", "c@x.vn", "KHONG-CO", "reviewer"],
            ["Lê Văn An", "an@hanoi.gov.vn", "01", "focal_point"],
        ]
    )
    with pytest.raises(ProblemsError) as caught:
        people_read(program=program, data=data, filename="ds.xlsx")
    text = " | ".join(map(str, caught.value.problems))
    assert "dòng 3" in text and "dòng 4" in text and "dòng 5" in text and "dòng 2:" not in text


def test_a_good_list_invites_everyone_at_once(personas, orgs, program):
    data = "Họ và tên,Thư điện tử,Mã cơ quan,Vai trò\nLê Văn An,an@hanoi.gov.vn,01,focal_point\nTrần Thị Bình,binh@btc.gov.vn,btc,Chuyên viên thẩm định\n".encode()
    people = people_read(program=program, data=data, filename="ds.csv")
    done = people_invite(program=program, people=people, actor=personas["secretariat"])
    assert [i.role for i in done] == ["focal_point", "reviewer"]
    assert done[1].organisation == orgs["BTC"]
    assert len(mail.outbox) == 2


def test_disabling_needs_a_reason_keeps_the_history_and_shuts_the_door(
    client, personas, orgs, program
):
    focal = personas["bacninh_focal"]
    with pytest.raises(ValidationError, match="lý do"):
        svc.person_set_active(
            program=program, user=focal, active=False, actor=personas["secretariat"]
        )
    svc.person_set_active(
        program=program,
        user=focal,
        active=False,
        reason="Chuyển công tác",
        actor=personas["secretariat"],
    )
    focal.refresh_from_db()
    assert not focal.is_active and person_state(focal) == PersonState.DISABLED
    assert RoleAssignment.objects.filter(user=focal).exists()  # nothing deleted
    assert not _signs_in(client, focal.username, PASSWORD)
    with pytest.raises(ValidationError, match="chính mình"):
        svc.person_set_active(
            program=program,
            user=personas["secretariat"],
            active=False,
            reason="x",
            actor=personas["secretariat"],
        )
    svc.person_set_active(program=program, user=focal, active=True, actor=personas["secretariat"])
    assert _signs_in(client, focal.username, PASSWORD)
    assert list(
        AuditEvent.objects.filter(kind="account", object_id=focal.pk).values_list(
            "action", flat=True
        )
    ) == ["disable", "enable"]


def test_a_leader_proposes_a_focal_point_and_the_secretariat_approves(personas, orgs, program):
    leader = personas["bacninh_leader"]
    with pytest.raises(PermissionDenied):
        svc.focal_point_propose(
            program=program,
            organisation=orgs["01"],
            full_name="X",
            email="x@hanoi.vn",
            actor=leader,
        )
    proposal = svc.focal_point_propose(
        program=program,
        organisation=orgs["T34-bac-ninh"],
        full_name="Đỗ Văn Hùng",
        email="hung@bacninh.gov.vn",
        actor=leader,
    )
    assert proposal.state == Invitation.State.PROPOSED and proposal.user is None
    assert not mail.outbox or all("hung@" not in m.to[0] for m in mail.outbox)
    with pytest.raises(PermissionDenied):
        svc.proposal_decide(invitation=proposal, approve=True, actor=leader)
    done = svc.proposal_decide(invitation=proposal, approve=True, actor=personas["secretariat"])
    assert done.state == Invitation.State.SENT and done.user.email == "hung@bacninh.gov.vn"
    assert RoleAssignment.objects.filter(user=done.user, role="focal_point").exists()
    with pytest.raises(ValidationError, match="đã được xử lý"):
        svc.proposal_decide(invitation=proposal, approve=False, reason="x", actor=None)


def test_a_rejection_needs_a_reason(personas, orgs, program):
    proposal = svc.focal_point_propose(
        program=program,
        organisation=orgs["T34-bac-ninh"],
        full_name="Đỗ Văn Hùng",
        email="hung@bacninh.gov.vn",
        actor=personas["bacninh_leader"],
    )
    with pytest.raises(ValidationError, match="lý do"):
        svc.proposal_decide(invitation=proposal, approve=False, actor=personas["secretariat"])
    svc.proposal_decide(
        invitation=proposal, approve=False, reason="Sai đơn vị", actor=personas["secretariat"]
    )
    proposal.refresh_from_db()
    assert proposal.state == Invitation.State.REJECTED and proposal.user is None


# the page ---------------------------------------------------------------------------------


def test_the_page_invites_one_person(client, personas, orgs, program):
    client.force_login(personas["secretariat"])
    url = reverse("people_list", args=(program.pk,))
    response = client.post(
        url,
        {
            "action": "invite",
            "invite-full_name": "Nguyễn Thị Lan",
            "invite-email": "lan@bacninh.gov.vn",
            "invite-role": "focal_point",
            "invite-organisation": "t34-bac-ninh",
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="lan@bacninh.gov.vn").organisation == orgs["T34-bac-ninh"]
    bad = client.post(
        url,
        {
            "action": "invite",
            "invite-full_name": "B",
            "invite-email": "b@x.vn",
            "invite-role": "focal_point",
            "invite-organisation": "KHONG-CO",
        },
    )
    assert bad.status_code == 400 and "Không có cơ quan mã" in bad.content.decode()


def test_the_page_previews_a_list_before_inviting(client, personas, program):
    client.force_login(personas["secretariat"])
    url = reverse("people_list", args=(program.pk,))
    upload = io.BytesIO(
        "Họ và tên,Thư điện tử,Mã cơ quan,Vai trò\nLê Văn An,an@hanoi.gov.vn,01,focal_point\n".encode()
    )
    upload.name = "ds.csv"
    response = client.post(url, {"action": "file", "file-file": upload})
    assert response.status_code == 200 and "an@hanoi.gov.vn" in response.content.decode()
    assert not Invitation.objects.exists()
    client.post(reverse("people_import_confirm", args=(program.pk,)), {"action": "confirm"})
    assert Invitation.objects.get().email == "an@hanoi.gov.vn"


def test_people_list_search_sort_and_filters_at_constant_queries(client, personas, orgs, program):
    client.force_login(personas["secretariat"])
    url = reverse("people_list", args=(program.pk,))

    def count(params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, _page = count({"sort": "name"})
    for n in range(12):
        make_user(f"extra.{n}", ("reviewer", orgs["BTC"]), program=program)
    _invite(personas, orgs, program)
    many, page = count({"sort": "name"})
    assert many == few
    _n, found = count({"q": "lan.nguyen"})
    assert "lan.nguyen@bacninh.gov.vn" in found and "extra.1" not in found
    _n, invited = count({"state": "invited"})
    assert "lan.nguyen" in invited and "thuky" not in invited
    _n, reviewers = count({"role": "reviewer", "sort": "-login"})
    assert reviewers.index("extra.9") < reviewers.index("extra.0")
    assert "bacninh.daumoi" not in reviewers
    _n, by_org = count({"organisation": "t34-bac-ninh"})
    assert "bacninh.daumoi" in by_org and "extra.1" not in by_org
    # the pagination keeps the filters
    for n in range(12, 60):
        make_user(f"extra.{n}", ("reviewer", orgs["BTC"]), program=program)
    _n, paged = count({"role": "reviewer"})
    assert "role=reviewer&amp;page=2" in paged


def test_a_leader_sees_only_their_units_people_and_proposes(client, personas, orgs, program):
    leader = personas["bacninh_leader"]
    client.force_login(leader)
    url = reverse("people_list", args=(program.pk,))
    page = client.get(url).content.decode()
    assert "bacninh.daumoi" in page and "hanoi.daumoi" not in page
    assert "Mời một người" not in page
    response = client.post(
        url,
        {
            "action": "propose",
            "propose-full_name": "Đỗ Văn Hùng",
            "propose-email": "hung@bacninh.gov.vn",
            "propose-organisation": orgs["T34-bac-ninh"].pk,
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get().state == Invitation.State.PROPOSED
    client.force_login(personas["hanoi_focal"])
    assert client.get(url).status_code == 403


def test_the_pickers_offer_people_and_organisations(client, personas, program):
    client.force_login(personas["secretariat"])
    people = client.get(reverse("people_search", args=(program.pk,)), {"username": "bacninh"})
    assert 'value="bacninh.daumoi"' in people.content.decode()
    orgs = client.get(
        reverse("organisation_search", args=(program.pk,)), {"organisation": "Tư pháp"}
    )
    assert 'value="BTP"' in orgs.content.decode()
    client.force_login(personas["bacninh_focal"])
    assert client.get(reverse("people_search", args=(program.pk,))).status_code == 403


def test_the_command_invites_a_list_or_no_one(tmp_path, personas, program):
    from django.core.management import CommandError, call_command

    good = tmp_path / "people.csv"
    good.write_text(
        "Họ và tên,Thư điện tử,Mã cơ quan,Vai trò\nLê Văn An,an@hanoi.gov.vn,01,focal_point\n",
        encoding="utf-8",
    )
    call_command("invite_people", "--program=national", str(good))
    assert Invitation.objects.get().email == "an@hanoi.gov.vn" and len(mail.outbox) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Họ và tên,Thư điện tử,Mã cơ quan,Vai trò\nB,b@x.vn,01,focal_point\nC,sai,01,focal_point\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="dòng 3"):
        call_command("invite_people", "--program=national", str(bad))
    assert Invitation.objects.count() == 1
    with pytest.raises(CommandError, match="No program"):
        call_command("invite_people", "--program=khong", str(good))
