"""Who reaches what (issue 9, access): every demo persona crawls every page and download it
can reach from its home page; then every object URL that another unit's (or another reviewing
ministry's) people reached is requested as this persona, and must be refused (403 or 404),
never served. The anonymous visitor must be refused everything but the public pages."""

import html
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
NEVER = ("/accounts/logout/", "/i18n/", "/static/", "/admin/")
MAX_PAGES = 400
# the people of one assessed unit, in the demo (demo.yaml)
UNITS = {
    "T34-bac-ninh": ["bacninh.daumoi", "bacninh.lanhdao"],
    "01": ["hanoi.daumoi", "hanoi.lanhdao"],
    "T34-ho-chi-minh": ["hcm.daumoi", "hcm.lanhdao"],
    "T34-da-nang": ["danang.daumoi", "danang.lanhdao"],
    "BYT": ["byt.daumoi", "byt.lanhdao"],
    "T34-hai-phong": ["haiphong.daumoi", "haiphong.lanhdao"],
    "BTP": ["btp.daumoi", "btp.lanhdao"],
}
# the people of one reviewing ministry: each other's review and query pages are not theirs
MINISTRIES = {
    "BTP": ["thamdinh.btp", "thamdinh2.btp", "dieuphoi.btp"],
    "BTC": ["thamdinh.btc", "dieuphoi.btc"],
    "VPCP": ["thamdinh.vpcp", "dieuphoi.vpcp"],
    "BNV": ["thamdinh.bnv", "dieuphoi.bnv"],
    "BKHCN": ["thamdinh.bkhcn", "dieuphoi.bkhcn"],
}
REVIEW_PAGES = ("/reviews/", "/queries/")
WIDE = ["thuky", "quanly", "chutich", "hoidong.btp", "hoidong.btc", "hoidong.vpcp", "admin"]
REFUSED = {403, 404}


def crawl(client: Client, starts: list[str]) -> dict[str, int]:
    """Every URL reachable by following links (and redirects) from `starts`: url → status."""
    seen: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or url.startswith(NEVER):
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        queue.extend(html.unescape(link) for link in LINK.findall(body))
    return seen


def _refused(groups: dict, reached: dict, public: dict, concerns) -> list[tuple]:
    """Each group's object URLs requested by every person of the other groups who did not
    reach them: any answer but 403 or 404 is a leak."""
    leaks = []
    for group, people in groups.items():
        theirs = {
            url
            for person in people
            for url, status in reached[person].items()
            if status == 200 and _object_url(url) and concerns(url)
        }
        for other_group, others in groups.items():
            if other_group == group:
                continue
            for person in others:
                client = _client(person)
                for url in sorted(theirs - set(reached[person]) - set(public)):
                    status = client.get(url).status_code
                    if status not in REFUSED:
                        leaks.append((person, url, status, group))
    return leaks


def _object_url(url: str) -> bool:
    """A URL naming an object (an id or a code in its path), not a page of one's own."""
    return any(part.isdigit() for part in urlsplit(url).path.split("/"))


@pytest.fixture
def demo(program, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_crawl_covers_every_demo_persona():
    import yaml

    from tests.conftest import DATA_DIR

    demo_users = yaml.safe_load((DATA_DIR / "demo.yaml").read_text(encoding="utf-8"))["users"]
    crawled = {
        name for groups in (UNITS, MINISTRIES) for names in groups.values() for name in names
    }
    assert {person["username"] for person in demo_users} == crawled | set(WIDE)


# The crawl in three parts that run side by side (pytest-xdist): each part's people crawl
# from their home pages; each group's object pages are refused to the other groups of the
# part; and nothing any of them reached is served to an anonymous visitor. Together the
# parts check every persona, every pair of groups and every URL reached.
PARTS = {
    "units": (UNITS, lambda url: True),
    "ministries": (MINISTRIES, lambda url: url.startswith(REVIEW_PAGES)),
    "wide": ({"wide": WIDE}, None),
}


@pytest.mark.parametrize("part", PARTS)
def test_every_persona_reaches_only_its_own(demo, part):
    groups, concerns = PARTS[part]
    reached: dict[str, dict[str, int]] = {}
    for username in [name for names in groups.values() for name in names]:
        reached[username] = crawl(_client(username), ["/", "/inbox/", "/campaigns/"])
        served = [url for url, status in reached[username].items() if status == 200]
        assert len(served) > 5, (username, reached[username])
        errors = {url: s for url, s in reached[username].items() if s >= 500}
        assert not errors, (username, errors)
    public = crawl(_client(None), ["/results/", "/accounts/login/"])

    # another unit's object pages and files, another ministry's reviews: refused
    leaks = _refused(groups, reached, public, concerns) if concerns else []
    assert not leaks, leaks[:20]

    # the anonymous visitor: nothing but the public pages
    anonymous = _client(None)
    everything = {url for pages in reached.values() for url in pages} - set(public)
    served = [url for url in sorted(everything) if anonymous.get(url).status_code == 200]
    assert not served, served[:20]
    assert any(url.startswith("/results/") for url in public)
