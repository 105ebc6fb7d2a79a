"""A year started by the secretariat alone, in the browser (issue 15): people invited, one of
them sets their password from the e-mail and signs in, a past year's results imported, the
campaign created with its units and deadlines, its council built with the pickers, and
self-assessment opened — with no command and no admin page. axe-core checks the new pages."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from appraisal.models import Campaign, CouncilMember, Invitation
from tests.browser.test_accessibility import AXE, RUN
from tests.browser.test_self_assessment_path import login
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def axe(page: Page) -> list:
    page.evaluate(AXE)
    return page.evaluate(RUN)


def test_the_secretariat_starts_a_year_alone(live_server, page: Page, program, orgs, tmp_path):
    make_user("thuky", ("secretariat", orgs["BNV"]), program=program)
    base = live_server.url
    serious: dict[str, list] = {}
    login(page, base, "thuky")

    # people: a unit's focal point, and the future chair of the council
    page.get_by_role("link", name="Người dùng").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Người dùng")
    serious["people"] = axe(page)
    invite = page.get_by_role("region", name="Mời một người")
    invite.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    invite.get_by_label("Thư điện tử").fill("lan.nguyen@bacninh.gov.vn")
    invite.get_by_label("Vai trò").select_option("focal_point")
    organisation = invite.get_by_label("Cơ quan, đơn vị")
    organisation.press_sequentially("bac n", delay=30)
    expect(
        page.locator("#id_invite-organisation-options option[value='T34-bac-ninh']")
    ).to_have_count(1)
    organisation.fill("T34-bac-ninh")
    invite.get_by_role("button", name="Gửi lời mời").click()
    expect(page.get_by_text("Đã gửi lời mời đến lan.nguyen@bacninh.gov.vn")).to_be_visible()
    invite.get_by_label("Họ và tên").fill("Trần Văn Minh")
    invite.get_by_label("Thư điện tử").fill("minh.tran@moha.gov.vn")
    invite.get_by_label("Vai trò").select_option("manager")
    invite.get_by_role("button", name="Gửi lời mời").click()
    expect(page.get_by_text("Đã gửi lời mời đến minh.tran@moha.gov.vn")).to_be_visible()
    expect(page.get_by_role("cell", name="Đã mời, chưa đặt mật khẩu")).to_have_count(2)

    # the focal point sets a password from the e-mail and signs in
    letter = next(m for m in mail.outbox if m.to == ["lan.nguyen@bacninh.gov.vn"])
    link = re.search(r"http://\S+/accounts/welcome/\S+/", letter.body).group(0)
    path = link.split("/accounts/", 1)[1]
    other = page.context.browser.new_context(locale="vi-VN")
    newcomer = other.new_page()
    newcomer.goto(f"{base}/accounts/{path}")
    serious["set password"] = axe(newcomer)
    newcomer.get_by_label("Mật khẩu mới", exact=True).fill("Bac-Ninh-2027-an-toan")
    newcomer.get_by_label("Xác nhận mật khẩu mới").fill("Bac-Ninh-2027-an-toan")
    newcomer.get_by_role("button", name="Đặt mật khẩu").click()
    expect(newcomer.get_by_text("Đã đặt mật khẩu.")).to_be_visible()
    newcomer.get_by_label("Tên đăng nhập").fill("lan.nguyen@bacninh.gov.vn")
    newcomer.get_by_label("Mật khẩu").fill("Bac-Ninh-2027-an-toan")
    newcomer.get_by_role("button", name="Đăng nhập").click()
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    other.close()
    assert Invitation.objects.get(email="lan.nguyen@bacninh.gov.vn").state == "accepted"

    # last year's published results, checked then imported
    page.get_by_role("link", name="Đợt đánh giá", exact=True).first.click()
    page.get_by_role("link", name="Nhập kết quả các năm trước").click()
    serious["import results"] = axe(page)
    results = tmp_path / "2025.csv"
    results.write_text(
        "unit_name,appraisal_points,survey_points\nHà Nội,60,28\nBắc Ninh,58,30\n",
        encoding="utf-8",
    )
    page.get_by_label("Năm", exact=True).fill("2025")
    page.get_by_label("Cấp", exact=True).select_option("province")
    page.get_by_label("Tệp kết quả (CSV hoặc XLSX)").set_input_files(str(results))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_text("hợp lệ: 2 đơn vị")).to_be_visible()
    page.get_by_role("button", name="Xác nhận nhập kết quả").click()
    expect(page.get_by_text("Đã nhập kết quả năm 2025: 2 đơn vị.")).to_be_visible()

    # the new year: frameworks, every assessed unit, deadlines in working days
    page.goto(f"{base}/campaigns/")
    page.get_by_role("link", name="Tạo đợt đánh giá").click()
    serious["new campaign"] = axe(page)
    page.get_by_label("Năm đánh giá").fill("2027")
    page.get_by_label("Ngày bắt đầu tự đánh giá").fill("2027-01-04")
    page.get_by_role("button", name="Kiểm tra và xem lịch").click()
    expect(page.get_by_text("Kiểm tra trước khi tạo")).to_be_visible()
    page.get_by_role("button", name="Tạo đợt đánh giá").click()
    expect(page.get_by_text("Đã tạo đợt đánh giá năm 2027")).to_be_visible()
    campaign = Campaign.objects.get(program=program, year=2027)
    assert campaign.submissions.filter(level="province").count() == 34

    page.get_by_role("link", name="Đơn vị được đánh giá").click()
    serious["units"] = axe(page)
    page.get_by_role("checkbox", name=re.compile("^T34-bac-ninh")).check()
    page.get_by_label("Lý do bớt đơn vị").fill("Thử bớt một đơn vị")
    page.get_by_role("button", name="Bớt các đơn vị đã chọn").click()
    expect(page.get_by_text("Đã bớt 1 đơn vị.")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("^T34-bac-ninh")).last.check()
    page.get_by_role("button", name="Thêm các đơn vị đã chọn").click()
    expect(page.get_by_text("Đã thêm 1 đơn vị.")).to_be_visible()

    # the council, picked by name
    page.goto(f"{base}/campaigns/{campaign.pk}/council/")
    person = page.get_by_label("Người", exact=True)
    person.press_sequentially("Minh", delay=30)
    expect(page.locator("#m-user-options option[value='minh.tran@moha.gov.vn']")).to_have_count(1)
    person.fill("minh.tran@moha.gov.vn")
    page.get_by_label("Chức danh").select_option("chair")
    body = page.get_by_label("Cơ quan", exact=True)
    body.press_sequentially("Nội vụ", delay=30)
    expect(page.locator("#m-org-options option[value='BNV']")).to_have_count(1)
    body.fill("BNV")
    page.get_by_role("button", name="Thêm thành viên").click()
    expect(page.get_by_text("Đã thêm thành viên Hội đồng.")).to_be_visible()
    assert CouncilMember.objects.get(campaign=campaign).position == "chair"

    # and self-assessment opens
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Mở tự đánh giá…").click()
    page.get_by_role("button", name="Mở tự đánh giá").click()
    expect(page.get_by_text("Đã thực hiện: Mở tự đánh giá.")).to_be_visible()
    campaign.refresh_from_db()
    assert campaign.state == "self_assessment"
    assert not {name: found for name, found in serious.items() if found}
