"""A ministry's focal point scores the whole 97-sub-criterion framework in the browser,
attaches evidence and sends it; the leader submits it; after that nothing can change."""

import re

import pytest
from playwright.sync_api import Page, expect

from appraisal.models import ScoreItem, Submission
from documents.models import EvidenceManifest
from tests.conftest import PASSWORD, make_user
from tests.documents.test_evidence_locker import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILL_FORM = """form => {
  const select = form.querySelector('select[name=score]');
  if (select) { select.selectedIndex = 1; }
  const score = form.querySelector('input[name=score]');
  if (score) { score.value = '0'; }
  const cases = form.querySelector('input[name=cases]');
  if (cases) { cases.value = '0'; }
  const num = form.querySelector('input[name=numerator]');
  if (num) { num.value = '9'; form.querySelector('input[name=denominator]').value = '10'; }
  form.querySelector('textarea[name=explanation]').value = 'Đã thực hiện theo kế hoạch của Bộ';
  form.dispatchEvent(new Event('change', {bubbles: true}));
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def test_score_attach_send_and_submit(
    live_server, page: Page, program, orgs, campaign_factory, tmp_path
):
    make_user("byt.daumoi", ("focal_point", orgs["BYT"]), program=program)
    make_user("byt.lanhdao", ("leader", orgs["BYT"]), program=program)
    campaign = campaign_factory(units=[orgs["BYT"]])
    submission = Submission.objects.get(campaign=campaign)
    assert submission.items.count() == 97
    base = live_server.url

    login(page, base, "byt.daumoi")
    page.goto(f"{base}/submissions/{submission.pk}/workspace/")
    forms = page.locator("form[hx-post]")
    count = forms.count()
    assert count == submission.items.filter(scoring_mode="self").count()
    for index in range(count):
        with page.expect_response(re.compile(r"/items/\d+/self-score/")) as answer:
            forms.nth(index).evaluate(FILL_FORM)
        assert answer.value.status == 200, answer.value.text()
    expect(page.locator("#summary-overall")).to_contain_text(f"Đã chấm {count}/{count}")

    evidence = tmp_path / "Quyết định 15-QĐ-BYT.pdf"
    evidence.write_bytes(pdf("e2e"))
    # a file for one item, from its card: the form comes when the card is opened
    first = submission.items.filter(scoring_mode="self").order_by("position").first()
    plan = tmp_path / "Kế hoạch CCHC.pdf"
    plan.write_bytes(pdf("e2e plan"))
    card = page.locator(f"#item-{first.pk}")
    card.get_by_text("Tải tài liệu cho tiêu chí này").click()
    card.locator("input[name=files]").set_input_files(str(plan))
    card.get_by_role("button", name="Tải lên").click()
    expect(
        page.get_by_text(f"Đã tải lên và gắn 1 tệp vào tiêu chí {first.node.code}")
    ).to_be_visible()
    expect(page.locator(f"#item-{first.pk}")).to_contain_text("Kế hoạch CCHC.pdf")
    page.goto(f"{base}/submissions/{submission.pk}/evidence/")
    page.set_input_files("input[name=files]", str(evidence))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_text("Đã tải lên")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Quyết định 15-QĐ-BYT.pdf"))
    row.get_by_label("Mã tiêu chí").fill("1.1.1")
    row.get_by_label("Trang, mục").fill("tr. 2")
    row.get_by_role("button", name="Gắn", exact=True).click()
    expect(page.get_by_text("1.1.1 — tr. 2")).to_be_visible()

    page.goto(f"{base}/submissions/{submission.pk}/")
    page.get_by_role("button", name="Trình lãnh đạo phê duyệt").click()
    expect(page.get_by_text("Chờ lãnh đạo phê duyệt").first).to_be_visible()

    page.context.clear_cookies()
    login(page, base, "byt.lanhdao")
    page.goto(f"{base}/submissions/{submission.pk}/")
    expect(page.get_by_text("Tổng hợp tự chấm điểm theo lĩnh vực")).to_be_visible()
    page.get_by_role("button", name="Phê duyệt và gửi").click()
    expect(page.locator(".badge", has_text="Đã gửi")).to_be_visible()

    submission.refresh_from_db()
    assert submission.state == "submitted"
    assert {e["name"] for e in EvidenceManifest.objects.get(submission=submission).entries} == {
        "Kế hoạch CCHC.pdf",
        "Quyết định 15-QĐ-BYT.pdf",
    }
    page.goto(f"{base}/submissions/{submission.pk}/workspace/")
    expect(page.locator("form[hx-post] textarea").first).to_be_disabled()
    page.goto(f"{base}/submissions/{submission.pk}/evidence/")
    expect(page.get_by_role("button", name="Tải lên")).to_have_count(0)
    assert not ScoreItem.objects.filter(
        submission=submission, scoring_mode="self", self_score__isnull=True
    ).exists()
