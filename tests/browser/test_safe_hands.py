"""Issue 14 in the browser: a campaign moves only after its numbers are read and the year is
typed, and a unit whose extension runs still submits (2, 8); an Excel import shows what it
will change before writing (3); leaving a page with typing unsaved asks first (7); a proposal
waiting for its reason is said calmly and the page's counts stay live, and completing a
domain review confirms with its numbers (12, 8)."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, Route, expect

from appraisal.imports.submission_sheet import export_submission
from appraisal.models import DomainReview, Submission, SubmissionDeadline
from tests.browser.test_self_assessment_path import login
from tests.conftest import fill_self_scores, make_user, reviews_started
from workflow.services.assignments import review_assign
from workflow.services.reviews import review_start
from workflow.services.submissions import submission_send_for_approval

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def test_moving_a_campaign_reads_its_numbers_and_spares_running_extensions(
    live_server, page: Page, program, orgs, campaign_factory
):
    make_user("thuky", ("secretariat", orgs["BNV"]), program=program)
    focal = make_user("bacninh.daumoi", ("focal_point", orgs["T34-bac-ninh"]), program=program)
    make_user("bacninh.lanhdao", ("leader", orgs["T34-bac-ninh"]), program=program)
    make_user("hanoi.daumoi", ("focal_point", orgs["01"]), program=program)
    campaign = campaign_factory(units=[orgs["T34-bac-ninh"], orgs["01"], orgs["BTP"]])
    deadline = campaign.deadlines.get(stage="self_assessment")
    deadline.starts_on, deadline.due_on = datetime.date(2026, 9, 1), datetime.date(2026, 11, 30)
    deadline.save()
    bac_ninh = campaign.submissions.get(unit__code="T34-bac-ninh")
    SubmissionDeadline.objects.create(
        submission=bac_ninh, stage="self_assessment", due_on=datetime.date(2026, 12, 18)
    )
    fill_self_scores(bac_ninh)
    submission_send_for_approval(submission=bac_ninh, actor=focal)
    base = live_server.url

    login(page, base, "thuky")
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Chuyển sang thẩm định…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xác nhận")
    expect(page.get_by_text("2 đơn vị sẽ không còn gửi được báo cáo")).to_be_visible()
    page.get_by_label(re.compile("để xác nhận")).fill("2025")
    page.get_by_role("button", name="Chuyển sang thẩm định").click()
    expect(page.locator(".alert-danger")).to_contain_text("Gõ đúng năm")
    campaign.refresh_from_db()
    assert campaign.state == "self_assessment"
    page.get_by_label(re.compile("để xác nhận")).fill("2026")
    page.get_by_role("button", name="Chuyển sang thẩm định").click()
    expect(page.get_by_text("Đã thực hiện: Chuyển sang thẩm định.")).to_be_visible()
    expect(page.get_by_role("link", name="Quay lại giai đoạn tự đánh giá…")).to_be_visible()

    # Bắc Ninh's extension runs: its leader still approves and submits
    page.context.clear_cookies()
    login(page, base, "bacninh.lanhdao")
    page.goto(f"{base}/submissions/{bac_ninh.pk}/")
    page.get_by_role("button", name="Phê duyệt và gửi").click()
    expect(page.get_by_text("Đã thực hiện: Phê duyệt và gửi.")).to_be_visible()
    bac_ninh.refresh_from_db()
    assert bac_ninh.state == "submitted"

    # Hà Nội's deadline has passed: no button to click, the reason and what to do instead
    page.context.clear_cookies()
    login(page, base, "hanoi.daumoi")
    hanoi = campaign.submissions.get(unit__code="01")
    page.goto(f"{base}/submissions/{hanoi.pk}/")
    expect(page.get_by_role("button", name="Trình lãnh đạo phê duyệt")).to_be_disabled()
    expect(page.get_by_text(re.compile("mở lại tự đánh giá"))).to_be_visible()


def test_an_excel_import_shows_what_it_changes_then_writes_on_confirmation(
    live_server, page: Page, program, orgs, campaign_factory, tmp_path
):
    make_user("bacninh.daumoi", ("focal_point", orgs["T34-bac-ninh"]), program=program)
    campaign = campaign_factory(units=[orgs["T34-bac-ninh"]])
    submission = Submission.objects.get(campaign=campaign)
    choice = submission.items.filter(node__scoring_method="choice").order_by("position").first()
    book = load_workbook(io.BytesIO(export_submission(submission)))
    sheet = book["Tiêu chí"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == choice.node.code:
            row[header.index("Điểm tự chấm")].value = choice.node.method_params["options"][0][
                "points"
            ]
    path = tmp_path / "cham-diem.xlsx"
    book.save(path)
    base = live_server.url

    login(page, base, "bacninh.daumoi")
    page.goto(f"{base}/submissions/{submission.pk}/import/")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Kiểm tra và xem trước").click()
    expect(page.get_by_text("1 điểm mới")).to_be_visible()
    expect(page.get_by_role("cell", name=choice.node.code, exact=True)).to_be_visible()
    choice.refresh_from_db()
    assert choice.self_score is None  # nothing written yet
    page.get_by_role("button", name="Ghi 1 thay đổi").click()
    expect(page.get_by_text("1 tiêu chí được cập nhật")).to_be_visible()
    choice.refresh_from_db()
    assert choice.self_score is not None


def test_leaving_with_unsaved_typing_asks_first(
    live_server, page: Page, program, orgs, campaign_factory
):
    make_user("bacninh.daumoi", ("focal_point", orgs["T34-bac-ninh"]), program=program)
    campaign = campaign_factory(units=[orgs["T34-bac-ninh"]])
    submission = Submission.objects.get(campaign=campaign)
    item = submission.items.filter(scoring_mode="self").order_by("position").first()
    base = live_server.url
    login(page, base, "bacninh.daumoi")
    page.goto(f"{base}/submissions/{submission.pk}/")
    page.goto(f"{base}/submissions/{submission.pk}/workspace/")
    page.locator(f"#exp-{item.pk}").click()
    page.keyboard.type("Giải trình đang gõ dở")  # focus stays: nothing saved yet
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.evaluate("() => history.back()")
    page.wait_for_timeout(1000)
    assert asked == ["beforeunload"]
    expect(page.locator(f"#exp-{item.pk}")).to_have_value("Giải trình đang gõ dở")
    # once saved (the field is left), leaving asks nothing
    page.remove_listener("dialog", answer)
    with page.expect_response(re.compile(rf"/items/{item.pk}/self-score/")):
        page.locator(f"#exp-{item.pk}").blur()
    item.refresh_from_db()
    assert item.explanation == "Giải trình đang gõ dở"
    page.goto(f"{base}/submissions/{submission.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bắc Ninh")


def test_a_proposal_waits_calmly_counts_stay_live_and_completion_confirms(
    live_server, page: Page, program, orgs, campaign_factory
):
    secretariat = make_user("thuky", ("secretariat", orgs["BNV"]), program=program)
    reviewer = make_user("thamdinh.btc", ("reviewer", orgs["BTC"]), program=program)
    campaign = campaign_factory(units=[orgs["T34-bac-ninh"]])
    submission = Submission.objects.get(campaign=campaign)
    reviews_started([submission], secretariat)
    review = DomainReview.objects.get(submission=submission, domain__code="6")
    review_assign(review=review, reviewer=reviewer, actor=secretariat)
    review_start(review=review, actor=reviewer)
    items = list(
        submission.items.filter(domain_id=review.domain_id, applicable=True)
        .exclude(scoring_mode="survey")
        .order_by("position")
    )
    first = items[0]
    base = live_server.url
    login(page, base, "thamdinh.btc")
    page.goto(f"{base}/reviews/{review.pk}/")
    expect(page.locator("#review-summary")).to_contain_text(f"Đã đề xuất 0/{len(items)}")
    card = page.locator(f"#item-{first.pk}")
    with page.expect_response(re.compile(rf"/items/{first.pk}/propose/")):
        card.get_by_label("Điểm đề xuất").fill("0")
        card.get_by_label("Điểm đề xuất").blur()
    expect(card.get_by_role("status")).to_contain_text("Chưa lưu")
    expect(card.locator(".alert-danger")).to_have_count(0)
    expect(card.get_by_label("Điểm đề xuất")).to_have_value("0")
    # while the reason is on its way, the card says so once: the earlier "not saved" steps aside
    held: list[Route] = []
    propose = re.compile(rf"/items/{first.pk}/propose/")
    page.route(propose, lambda route: held.append(route))
    card.get_by_label(re.compile("^Lý do")).fill("Chưa có quyết định giao dự toán")
    card.get_by_label(re.compile("^Lý do")).blur()
    expect(card.get_by_role("status")).to_have_text("Đang lưu…")
    with page.expect_response(propose):
        held[0].continue_()
    page.unroute(propose)
    expect(card.get_by_role("status")).to_contain_text("Đã lưu")
    # the counts at the top follow without a reload
    expect(page.locator("#review-summary")).to_contain_text(f"Đã đề xuất 1/{len(items)}")
    expect(page.locator("#review-summary")).to_contain_text("1 tiêu chí điều chỉnh")

    # completing confirms first, with what it means in numbers
    page.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hoàn thành thẩm định lĩnh vực")
    expect(page.get_by_role("row", name=re.compile("Tiêu chí đã có điểm đề xuất"))).to_contain_text(
        "1"
    )
    # not every item has a proposal yet: the page says why and offers no button
    expect(page.locator(".alert-danger", has_text="Chưa thể thực hiện")).to_be_visible()
    expect(page.get_by_role("button", name="Hoàn thành thẩm định lĩnh vực")).to_have_count(0)
    page.get_by_role("link", name="Quay lại").click()
    review.refresh_from_db()
    assert review.state == "in_progress"
