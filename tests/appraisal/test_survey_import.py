"""Survey points: upload, a preview naming every problem, then an atomic, audited apply."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.models import SurveyResult, SurveyUpload
from appraisal.problems import ProblemsError
from workflow.models import AuditEvent
from workflow.services.survey import survey_apply, survey_maxima, survey_upload

pytestmark = pytest.mark.django_db


def upload(campaign, actor, text, name="survey.csv"):
    return survey_upload(campaign=campaign, data=text.encode(), filename=name, actor=actor)


def test_preview_names_every_problem_and_apply_is_refused(personas, campaign):
    preview = upload(
        campaign,
        personas["secretariat"],
        "unit_name,survey_points\n"
        "Hà Nội,25.5\n"
        "Tỉnh Không Có,20\n"  # unknown
        "Bộ Tư pháp,40\n"  # over the ministry framework's 31.5
        "hà nội,26\n"  # duplicate
        "Bắc Ninh,=1+1\n",  # a formula is not a number
    )
    messages = [str(p) for p in preview.problems]
    assert any("dòng 3" in m and "không thuộc đợt đánh giá" in m for m in messages)
    assert any("dòng 4" in m and "vượt điểm điều tra tối đa 31.5" in m for m in messages)
    assert any("dòng 5" in m and "đã có ở dòng 2" in m for m in messages)
    assert any("dòng 6" in m and "không phải số điểm" in m for m in messages)
    assert len(preview.missing) == campaign.submissions.count() - 2
    assert not preview.can_apply
    with pytest.raises(ProblemsError):
        survey_apply(upload=preview.upload, actor=personas["secretariat"])
    assert not SurveyResult.objects.exists()


def test_apply_writes_every_row_once_and_audits_it(personas, campaign):
    # Hà Nội with the survey's points per domain (each at its maximum), Justice with a total
    _total, per_domain = survey_maxima(campaign)["province"]
    columns = ",".join(f"domain_{code}" for code in per_domain)
    values = ",".join(str(value) for value in per_domain.values())
    total = sum(per_domain.values())
    preview = upload(
        campaign,
        personas["secretariat"],
        f"unit_code,survey_points,{columns}\n01,{total},{values}\nBTP,30{',' * len(per_domain)}\n",
    )
    assert not preview.problems, preview.problems
    assert survey_apply(upload=preview.upload, actor=personas["secretariat"]) == 2
    hanoi = SurveyResult.objects.get(campaign=campaign, unit__code="01")
    assert hanoi.points == total and set(hanoi.domains) == set(per_domain)
    assert SurveyResult.objects.get(campaign=campaign, unit__code="BTP").domains == {}
    assert AuditEvent.objects.filter(action="survey_import").count() == 2
    with pytest.raises(ValidationError, match="đã được áp dụng"):
        survey_apply(upload=preview.upload, actor=personas["secretariat"])


def test_domain_points_must_add_up(personas, campaign):
    preview = upload(
        campaign, personas["secretariat"], "unit_code,survey_points,domain_8\n01,25.5,3\n"
    )
    assert any("Tổng điểm theo lĩnh vực" in str(p) for p in preview.problems)


def test_the_survey_page(client, personas, campaign):
    url = reverse("survey_page", args=[campaign.pk])
    client.force_login(personas["bacninh_focal"])
    assert client.get(url).status_code == 403
    client.force_login(personas["secretariat"])
    response = client.post(
        url, {"file": SimpleUploadedFile("s.csv", b"unit_code,survey_points\n01,25\n")}
    )
    assert response.status_code == 200 and response.context["preview"].can_apply
    stored = SurveyUpload.objects.get()
    response = client.post(reverse("survey_confirm", args=[campaign.pk, stored.pk]), follow=True)
    assert "Đã cập nhật điểm điều tra của 1 đơn vị" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("s.txt", b"x")}, follow=True)
    assert "Chỉ nhận tệp .csv hoặc .xlsx" in response.content.decode()
