"""Headers and deploy (issue 9): `check --deploy` is clean in production settings, every page
carries a Content Security Policy that its markup satisfies (no inline script, handler or
style), and every form and htmx request is protected against cross-site requests."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user

ROOT = Path(__file__).resolve().parents[2]
# the PDF templates are rendered by WeasyPrint, never served as pages
PAGES = [p for p in (ROOT / "templates").rglob("*.html") if "reports" not in p.parts]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"\sstyle\s*=|<style", re.I)


def _production(*args: str, **extra: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "chiso.example.gov.vn",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests' setting, never production's
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_in_production_settings():
    run = _production("check", "--deploy")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_production_cookies_are_secure_and_sessions_expire():
    run = _production(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS > 0, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_AGE)",
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[-6:] == ["True", "True", "True", "True", "True", str(8 * 3600)]


def test_production_refuses_to_start_on_the_development_key():
    run = _production("check", SECRET_KEY="")
    assert run.returncode != 0 and "SECRET_KEY" in run.stderr


@pytest.mark.parametrize("template", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_carry_no_inline_script_handler_or_style(template):
    markup = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(markup)
    assert not HANDLER.search(markup)
    assert not STYLE.search(markup)


def test_every_post_form_carries_its_csrf_token():
    for template in PAGES:
        markup = template.read_text(encoding="utf-8")
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", markup, re.S | re.I):
            # a Jinja2 partial (templates/jinja2/) writes the same input as `csrf_input`
            jinja = "jinja2" in template.parts
            assert ("{{ csrf_input }}" if jinja else "{% csrf_token %}") in form, template


@pytest.mark.django_db
def test_pages_carry_the_policy(client, program):
    make_user("nguoidung", program=program)
    for response in (
        client.get(reverse("login")),
        client.get(reverse("results_index")),
    ):
        policy = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ):
            assert directive in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_a_request_without_its_csrf_token_changes_nothing(program, campaign, personas):
    """The login form, a score saved by htmx and a transition, each posted from elsewhere."""
    from appraisal.models import ScoreItem

    client = Client(enforce_csrf_checks=True)
    refused = client.post(reverse("login"), {"username": "thuky", "password": "x"})
    assert refused.status_code == 403
    client.force_login(personas["bacninh_focal"])
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    item = submission.items.filter(scoring_mode="self").first()
    response = client.post(
        reverse("item_save", args=[item.pk]),
        {"score": "0", "version": item.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    assert ScoreItem.objects.get(pk=item.pk).version == item.version
    response = client.post(
        reverse("submission_transition", args=[submission.pk, "send_for_approval"])
    )
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.state == "draft"
    # with the token the page gives (base.html sends it on every htmx request), it is taken
    page = client.get(reverse("submission_workspace", args=[submission.pk]))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page.content.decode()).group(1)
    saved = client.post(
        reverse("item_save", args=[item.pk]),
        {"score": "0", "version": item.version},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert saved.status_code in (200, 422)
