"""Accounts (issue 9): guessing a password is throttled per username and address, every login
is logged, passwords must be strong, sessions expire and production cookies are secure."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-dung-2026"


@pytest.fixture
def person(program):
    user = make_user("nguoidung", program=program)
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, password, ip="10.0.0.1", username="nguoidung"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_five_wrong_passwords_lock_that_username_from_that_address(client, person, settings):
    settings.LANGUAGE_CODE = "vi"
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = _login(client, "doan-mo-1")
            assert response.status_code == 200  # the form again, with its error
        locked = _login(client, "doan-mo-2")
        assert locked.status_code == 429
        assert "Tạm khóa đăng nhập" in locked.content.decode()
        assert "15 phút" in locked.content.decode()
        # even the right password is refused from there now, and no session is opened
        refused = _login(client, PASSWORD)
        assert refused.status_code == 429
        assert "_auth_user_id" not in client.session
        # the same person from another address is not locked out (shared office proxies)
        assert _login(client, PASSWORD, ip="10.0.0.2").status_code == 302
        assert AccessAttempt.objects.filter(username="nguoidung", ip_address="10.0.0.1").exists()
        assert AccessFailureLog.objects.filter(username="nguoidung").count() >= 5
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 16, tzinfo=datetime.UTC)):
        client.logout()
        assert _login(client, PASSWORD).status_code == 302  # after the cool-off


def test_every_login_is_logged_with_its_address(client, person):
    assert _login(client, PASSWORD, ip="192.0.2.7").status_code == 302
    entry = AccessLog.objects.get(username="nguoidung")
    assert entry.ip_address == "192.0.2.7" and entry.attempt_time is not None
    client.post(reverse("logout"))
    entry.refresh_from_db()
    assert entry.logout_time is not None


def test_locked_out_page_in_english(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "sai")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the person chose English
    response = client.post(
        reverse("login"),
        {"username": "nguoidung", "password": "sai"},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429
    assert "Sign-in temporarily blocked" in response.content.decode()


@pytest.mark.parametrize("weak", ["12345678901", "password123", "nguoidung2026", "short"], ids=str)
def test_weak_passwords_are_refused(person, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=person)


def test_a_strong_password_passes(person):
    validate_password("Cải cách hành chính 2026!", user=person)


def test_sessions_expire_and_production_cookies_are_secure(settings):
    from config import settings as project

    assert project.SESSION_COOKIE_AGE <= 8 * 3600
    assert project.SESSION_COOKIE_HTTPONLY
    assert project.AXES_FAILURE_LIMIT <= 5
