"""The end of the year in the browser: the council sits and confirms, the survey is imported,
the secretariat publishes, and anyone reads the results and downloads the decision."""

import io
import re
from decimal import Decimal as D

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from appraisal.models import ScoreItem, Submission
from tests.browser.test_self_assessment_path import login
from tests.conftest import fill_self_scores, make_user
from workflow.services.campaign_stages import campaign_start_council, campaign_start_review
from workflow.services.council import council_member_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def test_council_survey_publication_public_page_and_decision(
    live_server, page: Page, program, orgs, campaign_factory, tmp_path
):
    secretariat = make_user("thuky", ("secretariat", orgs["BNV"]), program=program)
    chair = make_user("chutich", program=program)
    campaign = campaign_factory(units=[orgs["T34-bac-ninh"], orgs["01"]])
    for submission in campaign.submissions.all():
        fill_self_scores(submission)
        items = ScoreItem.objects.filter(submission=submission, applicable=True).exclude(
            scoring_mode="survey"
        )
        items.filter(is_deduction=True).update(review_score=D(0))
        counted = items.filter(is_deduction=False)
        counted.filter(self_score__isnull=False).update(
            review_score=D("0.25"), review_reason="Thiếu văn bản"
        )
        counted.filter(self_score__isnull=True).update(review_score=D(0), review_reason="Theo dõi")
    campaign_start_review(campaign=campaign, actor=None)
    campaign_start_council(campaign=campaign, actor=None)
    Submission.objects.filter(campaign=campaign).update(state="in_council")
    council_member_add(
        campaign=campaign, user=chair, position="chair", organisation=orgs["BNV"], actor=secretariat
    )
    base = live_server.url

    # the secretariat opens a session with both reports on its agenda
    login(page, base, "thuky")
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Hội đồng thẩm định").click()
    page.get_by_label("Ngày họp").fill("2027-03-10")
    page.get_by_label("Địa điểm").fill("Hà Nội")
    page.get_by_role("button", name="Tạo phiên họp").click()
    expect(page.get_by_text("Đã tạo phiên họp số 1.")).to_be_visible()

    # the chair takes the proposals and confirms each report
    page.context.clear_cookies()
    login(page, base, "chutich")
    for submission in campaign.submissions.all():
        page.goto(f"{base}/submissions/{submission.pk}/appraisal/")
        page.get_by_role("button", name="Lấy điểm đề xuất làm điểm chốt").click()
        # each confirms first, with what it will do in numbers
        expect(page.get_by_text("Tiêu chí được chốt bằng điểm đề xuất")).to_be_visible()
        page.get_by_role("button", name="Lấy điểm đề xuất làm điểm chốt").click()
        expect(
            page.get_by_text(re.compile("Đã chốt \\d+ tiêu chí theo điểm đề xuất."))
        ).to_be_visible()
        page.get_by_role("button", name="Chủ tịch xác nhận kết quả").click()
        expect(page.get_by_text("Tổng điểm tự chấm → điểm chốt")).to_be_visible()
        page.get_by_role("button", name="Chủ tịch xác nhận kết quả").click()
        expect(page.get_by_text("Hội đồng đã chốt điểm hồ sơ.")).to_be_visible()

    # the secretariat imports the survey, then publishes
    page.context.clear_cookies()
    login(page, base, "thuky")
    survey = tmp_path / "dieu-tra.csv"
    survey.write_text(
        "unit_name,survey_points\nTỉnh Bắc Ninh,27.5\nThành phố Hà Nội,28.25\n", encoding="utf-8"
    )
    page.goto(f"{base}/campaigns/{campaign.pk}/survey/")
    page.set_input_files("#survey-file", str(survey))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.get_by_role("button", name="Xác nhận cập nhật 2 đơn vị").click()
    expect(page.get_by_text("Đã cập nhật điểm điều tra của 2 đơn vị.")).to_be_visible()
    # the year's texts and the signer, kept in the app before issue
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Văn bản công bố").click()
    page.get_by_label("Nội dung bổ sung của quyết định").fill(
        "Các cơ quan, đơn vị xây dựng kế hoạch khắc phục hạn chế trong quý I."
    )
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu nội dung văn bản công bố.")).to_be_visible()
    page.get_by_role("link", name=re.compile("thông tin ban hành")).click()
    expect(page.get_by_label("Tên cơ quan ban hành")).to_have_value("Bộ Nội vụ")
    page.get_by_label("Họ và tên người ký").fill("Lê Thị Hoa")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu thông tin ban hành văn bản.")).to_be_visible()
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Công bố…").click()
    expect(page.get_by_text("Hồ sơ được công bố kết quả")).to_be_visible()
    page.get_by_label(re.compile("để xác nhận")).fill(str(campaign.year))
    page.get_by_role("button", name="Công bố").click()
    expect(page.get_by_text("Đã công bố.")).to_be_visible()

    # anyone reads the results and downloads the decision
    page.context.clear_cookies()
    page.goto(f"{base}/results/")
    page.get_by_role("link", name=str(campaign.year), exact=True).click()
    expect(page.get_by_role("heading", name=f"Chỉ số CCHC năm {campaign.year}")).to_be_visible()
    # every published document of the year is linked from its page
    expect(page.get_by_role("heading", name="Văn bản công bố")).to_be_visible()
    expect(page.get_by_role("link", name="Thành phố Hà Nội")).to_be_visible()
    response = page.request.get(f"{base}/results/national/{campaign.year}/decision.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    first = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert "Số: 1/QĐ-BNV" in first and "Lê Thị Hoa" in first
    assert "xây dựng kế hoạch khắc phục hạn chế" in first
    code = re.search(r"mã tra cứu ([A-Z0-9]{10})", first).group(1)

    # anyone checks it: the code typed from paper, then the file they received
    decision = tmp_path / "quyet-dinh.pdf"
    decision.write_bytes(response.body())
    page.goto(f"{base}/verify/")
    page.get_by_label("Mã tra cứu").fill(code.lower())
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", name="Văn bản đã ban hành")).to_be_visible()
    expect(page.get_by_text("1/QĐ-BNV")).to_be_visible()
    page.set_input_files("#id_file", str(decision))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đúng là văn bản đã ban hành")
    forged = tmp_path / "sua.pdf"
    forged.write_bytes(response.body() + b"% one byte more\n")
    page.set_input_files("#id_file", str(forged))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("KHÔNG phải văn bản đã ban hành")
