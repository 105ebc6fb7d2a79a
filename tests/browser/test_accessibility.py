"""Accessibility (issue 9): the main pages pass axe-core (WCAG 2.1 A and AA rules) with no
serious or critical violation, and the forms work from the keyboard alone: signing in, and
scoring an item in the workspace."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from appraisal.models import Campaign, DomainReview, Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
}"""
PASSWORD = "parcouncil-demo-2026"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture
def demo(program, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Campaign.objects.get(program=program, year=2026)


def tab_to(page: Page, selector: str, limit: int = 400) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def keyboard_login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def violations(page: Page, url: str) -> list[dict]:
    page.goto(url)
    page.evaluate(AXE)  # through the DevTools protocol: the page's policy does not apply
    return page.evaluate(RUN)


def test_main_pages_have_no_serious_accessibility_violation(live_server, page: Page, demo):
    base = live_server.url
    found: dict[str, list] = {}
    published = Campaign.objects.filter(state="published").order_by("-year").first()
    for url in (
        "/accounts/login/",
        "/results/",
        f"/results/{published.program.code}/{published.year}/",
        f"/results/{published.program.code}/{published.year}/01/",
        "/results/?q=Hà",
        "/verify/",
    ):
        found[url] = violations(page, base + url)

    keyboard_login(page, base, "thuky")
    matrix = f"/campaigns/{demo.pk}/reviews/matrix/"
    for url in (
        "/",
        "/inbox/",
        "/campaigns/",
        f"/campaigns/{demo.pk}/",
        matrix,
        f"/campaigns/{demo.pk}/reviews/",
        f"/campaigns/{demo.pk}/council/",
        "/notifications/",
        # the secretariat's year without a shell (issue 15)
        f"/programs/{demo.program_id}/people/",
        f"/programs/{demo.program_id}/roles/",
        f"/programs/{demo.program_id}/audit/",
        f"/programs/{demo.program_id}/campaigns/new/",
        f"/programs/{demo.program_id}/results/import/",
        f"/campaigns/{demo.pk}/units/",
        "/organisations/",
        # the documents' issuing data and the year's texts (issue 17)
        f"/campaigns/{demo.pk}/publication/",
        "/organisations/BNV/issuing/",
    ):
        found[url] = violations(page, base + url)

    page.context.clear_cookies()
    keyboard_login(page, base, "quanly")
    found["dashboard"] = violations(page, f"{base}/campaigns/{demo.pk}/dashboard/")

    page.context.clear_cookies()
    keyboard_login(page, base, "bacninh.daumoi")
    bac_ninh = Submission.objects.get(campaign=demo, unit__code="T34-bac-ninh")
    for url in (
        f"/submissions/{bac_ninh.pk}/",
        f"/submissions/{bac_ninh.pk}/workspace/",
        f"/submissions/{bac_ninh.pk}/evidence/",
    ):
        found[url] = violations(page, base + url)

    review = (
        DomainReview.objects.filter(submission__campaign=demo, state="in_progress")
        .select_related("reviewer")
        .first()
    )
    page.context.clear_cookies()
    keyboard_login(page, base, review.reviewer.username)
    found["review page"] = violations(page, f"{base}/reviews/{review.pk}/")

    serious = {url: v for url, v in found.items() if v}
    assert not serious, serious


def test_an_item_is_scored_with_the_keyboard_alone(live_server, page: Page, demo):
    base = live_server.url
    keyboard_login(page, base, "hanoi.daumoi")
    hanoi = Submission.objects.get(campaign=demo, unit__code="01")
    item = (
        hanoi.items.filter(
            scoring_mode="self", node__scoring_method="number", self_score__isnull=True
        ).first()
        or hanoi.items.filter(scoring_mode="self", node__scoring_method="number").first()
    )
    page.goto(f"{base}/submissions/{hanoi.pk}/workspace/")
    tab_to(page, f"#score-{item.pk}", limit=2000)
    page.keyboard.press("Control+A")
    page.keyboard.type("0")
    page.keyboard.press("Tab")  # the change is sent by htmx when the field is left
    card = page.locator(f"#item-{item.pk}")
    expect(card.get_by_role("status")).to_contain_text("Đã lưu")
    item.refresh_from_db()
    assert item.self_score == 0
    assert re.search(r"item-\d+", card.get_attribute("id"))
