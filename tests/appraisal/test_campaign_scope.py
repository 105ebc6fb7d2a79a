"""Bringing units into a campaign: one submission each, one score item per scored node."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from appraisal.models import Campaign, ScoreItem, Submission
from tests.conftest import import_sample
from workflow.services.campaigns import campaign_add_units, campaign_create, campaign_set_framework

pytestmark = pytest.mark.django_db


def test_the_2026_scope_is_the_post_2025_ministries_and_the_34_provinces(campaign_factory):
    campaign = campaign_factory()
    submissions = Submission.objects.filter(campaign=campaign)
    assert submissions.filter(level="province").count() == 34
    assert submissions.filter(level="ministry").count() == 14  # VPCP reviews, is not assessed
    assert not submissions.filter(unit__code__in=["27", "BKHDT", "VPCP"]).exists()
    bac_ninh = submissions.get(unit__code="T34-bac-ninh")
    assert bac_ninh.items.count() == 88
    assert bac_ninh.state == "draft"
    assert campaign.state == "self_assessment"


def test_score_items_copy_the_node_limits(campaign_factory):
    campaign = campaign_factory()
    item = (
        ScoreItem.objects.filter(submission__campaign=campaign, is_deduction=True)
        .select_related("node")
        .first()
    )
    assert item.node.scoring_method == "deduction" and item.max_points == Decimal(1)
    assert ScoreItem.objects.filter(submission__campaign=campaign, scoring_mode="survey").exists()


def test_adding_units_twice_adds_nothing(campaign_factory, orgs):
    campaign = campaign_factory(units=[orgs["BTP"], orgs["01"]])
    assert (
        campaign_add_units(campaign=campaign, units=[orgs["BTP"], orgs["T34-ca-mau"]], actor=None)
        == 1
    )
    assert campaign.submissions.count() == 3


def test_a_unit_gone_before_the_year_ends_is_refused(campaign_factory, orgs):
    campaign = campaign_factory(units=[orgs["BTP"]])
    with pytest.raises(ValidationError, match="không còn tồn tại"):
        campaign_add_units(campaign=campaign, units=[orgs["27"]], actor=None)
    with pytest.raises(ValidationError, match="không thuộc diện đánh giá"):
        campaign_add_units(campaign=campaign, units=[orgs["VPCP"]], actor=None)
    assert campaign.submissions.count() == 1


def test_only_locked_frameworks_of_the_same_program(program, province_framework, tmp_path):
    from tests.conftest import SAMPLE_PROVINCE

    text = SAMPLE_PROVINCE.read_text(encoding="utf-8").replace(
        "code: tinh-876-mau", "code: tinh-du-thao"
    )
    path = tmp_path / "draft.yaml"
    path.write_text(text, encoding="utf-8")
    draft = import_sample(path, program, lock=False)
    campaign = campaign_create(
        program=program, year=2030, name_vi="Năm 2030", frameworks=[], actor=None
    )
    with pytest.raises(ValidationError, match="đã khóa"):
        campaign_set_framework(campaign=campaign, framework=draft, actor=None)


def test_only_the_secretariat_creates_campaigns(program, personas):
    with pytest.raises(PermissionDenied):
        campaign_create(
            program=program, year=2031, name_vi="x", frameworks=[], actor=personas["bacninh_focal"]
        )
    campaign = campaign_create(
        program=program, year=2031, name_vi="x", frameworks=[], actor=personas["secretariat"]
    )
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_database_holds_the_score_range(campaign_factory, orgs):
    campaign = campaign_factory(units=[orgs["BTP"]])
    items = ScoreItem.objects.filter(submission__campaign=campaign)
    ordinary = items.filter(is_deduction=False).first()
    deduction = items.filter(is_deduction=True).first()
    for item, value in (
        (ordinary, ordinary.max_points + Decimal("0.25")),
        (ordinary, Decimal("-0.25")),
        (deduction, Decimal("0.25")),
        (deduction, Decimal("-1.25")),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            ScoreItem.objects.filter(pk=item.pk).update(self_score=value)
    ScoreItem.objects.filter(pk=deduction.pk).update(
        self_score=Decimal("-1"), final_score=Decimal("-0.5")
    )
    ScoreItem.objects.filter(pk=ordinary.pk).update(self_score=ordinary.max_points)


def test_one_submission_per_unit_and_campaign(campaign_factory, orgs, ministry_framework):
    campaign = campaign_factory(units=[orgs["BTP"]])
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            campaign=campaign, unit=orgs["BTP"], level="ministry", framework=ministry_framework
        )


def test_a_year_has_one_campaign_per_program(program):
    campaign_create(program=program, year=2032, name_vi="x", frameworks=[], actor=None)
    with pytest.raises(ValidationError, match="2032"):
        campaign_create(program=program, year=2032, name_vi="y", frameworks=[], actor=None)


def test_deadline_dates_must_be_ordered(campaign_factory, orgs):
    from workflow.services.campaigns import campaign_set_deadline

    campaign = campaign_factory(units=[orgs["BTP"]])
    with pytest.raises(ValidationError):
        campaign_set_deadline(
            campaign=campaign,
            stage="review",
            starts_on=datetime.date(2027, 3, 1),
            due_on=datetime.date(2027, 2, 1),
            actor=None,
        )
