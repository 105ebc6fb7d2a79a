"""A submitted report goes through the line-ministry review in the browser: the secretariat
starts the review, the Finance coordinator assigns the domain, the reviewer proposes scores
and sends a query, the unit answers with a file, the reviewer closes the query and completes
the domain — the last one — and the report becomes `reviewed`."""

import re

import pytest
from playwright.sync_api import Page, expect

from appraisal.models import DomainReview, Query, Submission
from tests.browser.test_self_assessment_path import login
from tests.conftest import fill_self_scores, make_user
from tests.documents.test_evidence_locker import pdf
from workflow.services.assignments import reviews_assign
from workflow.services.reviews import review_complete, review_start
from workflow.services.scores import score_propose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Type both fields, then let the form's change event send them together (htmx).
PROPOSE = """(form, [score, reason]) => {
  const field = form.querySelector('[name=score]');
  if (field.tagName === 'SELECT') {  // a choice item: the level with that many points
    const wanted = parseFloat(score.replace(',', '.'));
    const level = [...field.options].find((o) => o.value !== '' && parseFloat(o.value) === wanted);
    field.value = level ? level.value : '';
  } else {
    field.value = score;
  }
  form.querySelector('textarea[name=reason]').value = reason;
  form.dispatchEvent(new Event('change', {bubbles: true}));
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def complete_other_domains(submission, secretariat, reviewer) -> None:
    """Setup: every domain but Finance's reviewed already, through the real services."""
    others = list(DomainReview.objects.filter(submission=submission).exclude(domain__code="6"))
    reviews_assign(
        plan=[(review, reviewer) for review in others],
        actor=secretariat,
        reason="Một chuyên viên thẩm định các lĩnh vực còn lại (thử nghiệm)",
    )
    for review in others:
        review = review_start(review=review, actor=reviewer)
        for item in submission.items.filter(domain_id=review.domain_id, applicable=True).exclude(
            scoring_mode="survey"
        ):
            value = item.self_score if item.self_score is not None else item.max_points
            reason = "" if item.self_score is not None else "Theo số liệu theo dõi"
            score_propose(item=item, actor=reviewer, value=value, reason=reason)
        review_complete(review=review, actor=reviewer)


def test_submitted_routed_assigned_queried_answered_completed_reviewed(
    live_server, page: Page, program, orgs, campaign_factory, tmp_path
):
    secretariat = make_user("thuky", ("secretariat", orgs["BNV"]), program=program)
    make_user("dieuphoi.btc", ("coordinator", orgs["BTC"]), program=program)
    make_user("thamdinh.btc", ("reviewer", orgs["BTC"]), program=program)
    helper = make_user("thamdinh.bnv", ("reviewer", orgs["BNV"]), program=program)
    make_user("byt.daumoi", ("focal_point", orgs["BYT"]), program=program)
    campaign = campaign_factory(units=[orgs["BYT"]])
    submission = Submission.objects.get(campaign=campaign)
    fill_self_scores(submission)
    Submission.objects.filter(pk=submission.pk).update(state="submitted")
    base = live_server.url

    # the secretariat starts the review: one domain review per domain, routed
    login(page, base, "thuky")
    page.goto(f"{base}/submissions/{submission.pk}/")
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    expect(page.locator(".badge", has_text="Đang thẩm định")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Bộ Tài chính"))).to_have_count(1)
    complete_other_domains(submission, secretariat, helper)

    # the Finance coordinator assigns their domain from the queue
    page.context.clear_cookies()
    login(page, base, "dieuphoi.btc")
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Phân công thẩm định").click()
    page.get_by_label("Bộ Y tế — 6").check()
    page.get_by_label(re.compile("Thamdinh Btc")).check()
    page.get_by_role("button", name="Giao cho chuyên viên đã chọn").click()
    expect(page.get_by_text("Đã phân công 1 lĩnh vực.")).to_be_visible()

    # the reviewer proposes scores, one lowered with a reason, and sends a query
    page.context.clear_cookies()
    login(page, base, "thamdinh.btc")
    page.get_by_role("link", name="Thẩm định của tôi").click()
    page.get_by_role("link", name=re.compile("^6\\.")).click()
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    expect(page.locator(".badge", has_text="Đang thẩm định").first).to_be_visible()
    review = DomainReview.objects.get(submission=submission, domain__code="6")
    items = list(
        submission.items.filter(domain_id=review.domain_id, applicable=True)
        .exclude(scoring_mode="survey")
        .order_by("position")
    )
    for index, item in enumerate(items):
        value = item.self_score if item.self_score is not None else item.max_points
        reason = "" if item.self_score is not None else "Theo số liệu theo dõi"
        if index == 0:
            value, reason = 0, "Chưa có quyết định giao dự toán"
        with page.expect_response(re.compile(rf"/items/{item.pk}/propose/")) as answer:
            page.locator(f"#item-{item.pk} form[action*='/propose/']").evaluate(
                PROPOSE, [str(value).replace(".", ","), reason]
            )
        assert answer.value.status == 200, answer.value.text()
    page.reload()
    expect(page.get_by_text(f"Đã đề xuất {len(items)}/{len(items)} tiêu chí")).to_be_visible()
    page.locator(f"#pick-{items[0].pk}").check()
    page.get_by_label("Nội dung yêu cầu giải trình, bổ sung").fill(
        "Đề nghị gửi quyết định giao dự toán."
    )
    page.get_by_role("button", name="Gửi yêu cầu").click()
    expect(page.get_by_text("Đã gửi yêu cầu giải trình tới đơn vị.")).to_be_visible()

    # the unit answers from its inbox, with a file
    page.context.clear_cookies()
    login(page, base, "byt.daumoi")
    page.get_by_role("link", name=re.compile("Việc của tôi")).click()
    page.get_by_role("link", name=re.compile("Đề nghị gửi quyết định")).click()
    page.get_by_label("Nội dung giải trình").fill("Gửi kèm Quyết định giao dự toán số 12/QĐ-BYT.")
    attachment = tmp_path / "QĐ 12-BYT.pdf"
    attachment.write_bytes(pdf("answer"))
    page.set_input_files("#answer-files", str(attachment))
    page.get_by_role("button", name="Gửi trả lời").click()
    expect(page.get_by_text("Đã gửi trả lời.")).to_be_visible()
    expect(page.get_by_role("link", name="QĐ 12-BYT.pdf")).to_be_visible()

    # the reviewer accepts the answer and completes the domain
    page.context.clear_cookies()
    login(page, base, "thamdinh.btc")
    query = Query.objects.get(review=review)
    page.goto(f"{base}/queries/{query.pk}/")
    page.get_by_label("Chấp nhận giải trình").check()
    page.get_by_role("button", name="Đóng yêu cầu").click()
    expect(page.get_by_text("Đã đóng yêu cầu.")).to_be_visible()
    page.goto(f"{base}/reviews/{review.pk}/")
    page.get_by_role("button", name="Xác nhận hoàn thành").click()
    # it confirms first, with what completing means in numbers
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hoàn thành thẩm định lĩnh vực")
    page.get_by_role("button", name="Hoàn thành thẩm định lĩnh vực").click()
    expect(page.locator(".badge", has_text="Hoàn thành").first).to_be_visible()

    submission.refresh_from_db()
    assert submission.state == "reviewed"
    page.goto(f"{base}/submissions/{submission.pk}/")
    expect(page.locator(".badge", has_text="Đã thẩm định")).to_be_visible()
