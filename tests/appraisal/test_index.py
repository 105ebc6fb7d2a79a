"""The index computation of DOMAIN.md §3 on plain data."""

from decimal import Decimal as D

import pytest

from appraisal.index import Component, UnitInput, compute_level, group_of, shown


def unit(n, appraisal, survey="0", maximum="100", ranked=True, region="DBSH", domains=()):
    return UnitInput(
        unit_id=n,
        code=f"U{n:02}",
        name_vi=f"Đơn vị {n}",
        name_en="",
        region=region,
        ranked=ranked,
        appraisal_points=D(appraisal),
        survey_points=D(survey),
        max_points=D(maximum),
        domains=list(domains),
    )


def test_rounding_is_half_up_at_the_boundary_and_groups_follow_what_is_shown():
    assert shown(D("89.995")) == D("90.00")
    assert shown(D("89.994999")) == D("89.99")
    assert group_of(D("89.995")) == "A"
    assert group_of(D("89.9949")) == "B"
    assert [group_of(D(v)) for v in ("80", "79.99", "70", "69.994")] == ["B", "C", "C", "D"]


def test_totals_come_from_unrounded_values():
    # 59.6675 + 30.3275 = 89.995 exactly: shown 90.00 even though the parts show 59.67 + 30.33
    level = compute_level([unit(1, "59.6675", "30.3275")], previous={})
    result = level.results[0]
    assert result.total == D("89.9950")
    assert result.index_shown == D("90.00") and result.group == "A"


def test_not_applicable_items_leave_the_maximum():
    # 85 of a maximum of 97.5 (an item of 2.5 points does not apply)
    result = compute_level([unit(1, "55", "30", maximum="97.5")], previous={}).results[0]
    assert shown(result.index) == D("87.18")


def test_equal_shown_indices_share_a_rank_and_the_next_rank_skips():
    level = compute_level(
        [
            unit(1, "91"),
            unit(2, "88.004"),  # 88.00
            unit(3, "87.996"),  # 88.00 too
            unit(4, "80"),
        ],
        previous={},
    )
    assert [(r.unit.code, r.rank) for r in level.results] == [
        ("U01", 1),
        ("U02", 2),
        ("U03", 2),
        ("U04", 4),
    ]


def test_units_not_ranked_are_listed_apart_and_left_out_of_the_average():
    level = compute_level([unit(1, "90"), unit(2, "80"), unit(3, "99", ranked=False)], previous={})
    assert [r.rank for r in level.ranked] == [1, 2]
    assert [r.unit.code for r in level.not_ranked] == ["U03"] and level.not_ranked[0].rank is None
    assert level.average == D(85) and level.above_average == 1


def test_change_against_last_year_and_new_units():
    level = compute_level([unit(1, "86.5"), unit(2, "84")], previous={1: D("84.996")})
    first, second = level.results
    assert first.change == D("1.50")  # 86.50 − 85.00, as published
    assert second.new_unit and second.change is None


def test_region_and_domain_averages():
    a = unit(1, "90", region="DBSH", domains=[Component("1", "LV1", "", D(9), D(10))])
    b = unit(2, "80", region="DBSCL", domains=[Component("1", "LV1", "", D(7), D(10))])
    level = compute_level([a, b], previous={})
    assert level.region_averages == {"DBSCL": D(80), "DBSH": D(90)}
    assert level.domain_averages == {"1": D(80)}


def test_a_unit_without_maximum_is_an_error():
    with pytest.raises(ValueError):
        compute_level([unit(1, "0", maximum="0")], previous={})
