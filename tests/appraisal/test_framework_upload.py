"""The secretariat uploads a framework file in the browser, with the same validation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.models import Framework, FrameworkNode
from tests.conftest import SAMPLE_PROVINCE

pytestmark = pytest.mark.django_db
URL = reverse("framework_upload")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def sample(code: str) -> bytes:
    return (
        SAMPLE_PROVINCE.read_text(encoding="utf-8")
        .replace("code: tinh-876-mau", f"code: {code}")
        .encode()
    )


def test_a_valid_file_becomes_a_draft_framework(client, personas, program):
    client.force_login(personas["secretariat"])
    assert client.get(URL).status_code == 200
    response = client.post(
        URL, {"program": program.pk, "file": upload("tinh.yaml", sample("tinh-2027"))}
    )
    framework = Framework.objects.get(code="tinh-2027")
    assert response.status_code == 302 and response["Location"] == reverse(
        "framework_detail", args=[framework.pk]
    )
    assert framework.status == "draft" and framework.nodes.count() == 8 + 37 + 88


def test_a_broken_file_lists_every_problem_and_changes_nothing(client, personas, program):
    client.force_login(personas["secretariat"])
    broken = (
        sample("tinh-hong")
        .replace(b"max_points: '8'", b"max_points: '9'", 1)
        .replace(b"code: '1.2'", b"code: '1.1'", 1)
    )
    before = FrameworkNode.objects.count()
    response = client.post(URL, {"program": program.pk, "file": upload("tinh.yaml", broken)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "chưa có gì được ghi" in body
    assert "bị trùng" in body and "dòng" in body
    assert (
        FrameworkNode.objects.count() == before
        and not Framework.objects.filter(code="tinh-hong").exists()
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tinh.pdf", b"%PDF-1.4", "Chỉ nhận tệp"),
        ("tinh.xlsx", b"PK\x03\x04garbage", "Excel"),
        ("tinh.yaml", "\xff\xfe".encode("latin-1"), "UTF-8"),
        ("tinh.yaml", b"", "rỗng"),
    ],
)
def test_bad_uploads_get_a_clear_message(client, personas, program, name, data, message):
    client.force_login(personas["secretariat"])
    response = client.post(URL, {"program": program.pk, "file": upload(name, data)})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body


def test_too_large_file_is_refused(client, personas, program, settings):
    settings.FRAMEWORK_UPLOAD_MAX_BYTES = 100
    client.force_login(personas["secretariat"])
    response = client.post(
        URL, {"program": program.pk, "file": upload("tinh.yaml", sample("tinh-lon"))}
    )
    assert response.status_code == 400 and "quá lớn" in response.content.decode()


def test_only_the_secretariat_may_upload(client, personas, program):
    for persona in ("bacninh_focal", "manager", "finance_reviewer", "outsider"):
        client.force_login(personas[persona])
        assert client.get(URL).status_code == 403
        response = client.post(
            URL, {"program": program.pk, "file": upload("t.yaml", sample("tinh-x"))}
        )
        assert response.status_code == 403
    assert not Framework.objects.filter(code="tinh-x").exists()


def test_lock_is_post_only_and_for_the_secretariat(client, personas, program):
    client.force_login(personas["secretariat"])
    client.post(URL, {"program": program.pk, "file": upload("t.yaml", sample("tinh-khoa"))})
    framework = Framework.objects.get(code="tinh-khoa")
    url = reverse("framework_lock", args=[framework.pk])
    assert client.get(url).status_code == 405
    client.force_login(personas["manager"])
    assert client.post(url).status_code == 403
    client.force_login(personas["outsider"])
    assert client.post(url).status_code == 404
    framework.refresh_from_db()
    assert framework.status == "draft"
    client.force_login(personas["secretariat"])
    assert client.post(url).status_code == 302
    framework.refresh_from_db()
    assert framework.status == "locked" and framework.locked_at is not None
    response = client.post(url, follow=True)
    assert "đã được khóa" in response.content.decode()
