"""The optional second factor (issue 9): the secretariat and the council may protect their
accounts with a TOTP code; once on, every sign-in asks for it before any page."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from workflow.models import AuditEvent

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(value).zfill(device.digits)


def sign_in(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_the_secretariat_turns_it_on_and_every_sign_in_asks_for_a_code(client, personas):
    with time_machine.travel(START, tick=False):
        assert sign_in(client, "thuky").status_code == 302
        page = client.get(reverse("two_factor_setup"))
        assert page.status_code == 200
        body = page.content.decode()
        assert "<svg" in body and "otpauth" not in body  # the key as a QR code and as text
        device = TOTPDevice.objects.get(user=personas["secretariat"], confirmed=False)
        assert client.get(reverse("two_factor_setup")).status_code == 200
        assert TOTPDevice.objects.filter(user=personas["secretariat"]).count() == 1  # same key
        wrong = client.post(reverse("two_factor_setup"), {"token": "000000"})
        assert wrong.status_code == 422 and "không đúng" in wrong.content.decode()
        assert client.post(reverse("two_factor_setup"), {"token": "12ab"}).status_code == 422
    with time_machine.travel(START + datetime.timedelta(seconds=60), tick=False):
        done = client.post(reverse("two_factor_setup"), {"token": code(device)})
        assert done.status_code == 302
        assert TOTPDevice.objects.get(user=personas["secretariat"]).confirmed
        assert AuditEvent.objects.filter(action="two_factor_on").exists()
        assert client.get(reverse("inbox")).status_code == 200  # this session is verified
        client.post(reverse("logout"))

    with time_machine.travel(START + datetime.timedelta(seconds=120), tick=False):
        assert sign_in(client, "thuky").status_code == 302
        held = client.get(reverse("inbox"))
        assert held.status_code == 302 and reverse("two_factor_verify") in held["Location"]
        assert "next=%2Finbox%2F" in held["Location"]
        assert client.get(reverse("campaign_list")).status_code == 302  # every page
        wrong = client.post(reverse("two_factor_verify"), {"token": "123456", "next": "/inbox/"})
        assert wrong.status_code == 422
    # django-otp makes a person wait a little after a wrong code (1 s, then 2, 4, ...)
    with time_machine.travel(START + datetime.timedelta(seconds=125), tick=False):
        right = client.post(
            reverse("two_factor_verify"), {"token": code(device), "next": "/inbox/"}
        )
        assert right.status_code == 302 and right["Location"] == "/inbox/"
        assert client.get(reverse("inbox")).status_code == 200

    with time_machine.travel(START + datetime.timedelta(seconds=180), tick=False):
        off = client.post(reverse("two_factor_setup"), {"token": code(device)})
        assert off.status_code == 302
        assert not TOTPDevice.objects.filter(user=personas["secretariat"]).exists()
        assert AuditEvent.objects.filter(action="two_factor_off").exists()
        client.post(reverse("logout"))
        sign_in(client, "thuky")
        assert client.get(reverse("inbox")).status_code == 200  # no code asked any more


def test_a_code_from_elsewhere_is_not_taken_and_guessing_is_throttled(client, personas):
    device = TOTPDevice.objects.create(user=personas["secretariat"], name="x", confirmed=True)
    with time_machine.travel(START, tick=False):
        sign_in(client, "thuky")
        for _ in range(5):
            client.post(reverse("two_factor_verify"), {"token": "000000"})
        throttled = client.post(reverse("two_factor_verify"), {"token": code(device)})
        assert throttled.status_code == 422
        assert "quá nhiều lần" in throttled.content.decode()
        assert client.get(reverse("inbox")).status_code == 302
        # an outside address as "next" is not followed
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        response = client.post(
            reverse("two_factor_verify"),
            {"token": code(device), "next": "https://evil.example/"},
        )
        assert response.status_code == 302 and response["Location"] == reverse("home")


def test_only_the_secretariat_and_the_council_are_offered_it(client, personas):
    client.force_login(personas["bacninh_focal"])
    assert client.get(reverse("two_factor_setup")).status_code == 403
    assert "two-factor" not in client.get(reverse("home")).content.decode()
    client.force_login(personas["chair"])
    assert client.get(reverse("two_factor_setup")).status_code == 200
