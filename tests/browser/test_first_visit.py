"""A secretariat officer's first visit, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def test_login_browse_the_framework_and_switch_language(
    live_server, page: Page, personas, campaign_factory
):
    campaign_factory()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Tên đăng nhập").fill("thuky")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")

    page.get_by_role("link", name="Bộ chỉ số", exact=True).first.click()
    page.get_by_role("link", name="tinh-876-mau").click()
    expect(
        page.get_by_role("cell", name="8. Tác động của cải cách hành chính", exact=False).first
    ).to_be_visible()
    expect(page.get_by_text("ĐIỂM SỐ CHỈ MANG TÍNH MINH HỌA")).to_be_visible()

    page.get_by_label("Ngôn ngữ").select_option("en")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Frameworks", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Summary by domain")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
