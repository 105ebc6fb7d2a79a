"""What a focal point enters becomes a score by the item's method — or a precise refusal."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from appraisal.scoring import parse_entry

D = Decimal
CHOICE = {
    "options": [
        {"points": "1", "label": "Đạt"},
        {"points": "0.5", "label": "Một phần"},
        {"points": "0", "label": "Không"},
    ]
}
BANDS = {
    "numerator": "Đúng hạn",
    "denominator": "Tổng số",
    "bands": [
        {"min_ratio": "1", "points": "1"},
        {"min_ratio": "0.8", "points": "0.5"},
        {"min_ratio": "0", "points": "0"},
    ],
}
LINEAR = {"numerator": "Đúng hạn", "denominator": "Tổng số", "linear": True}


@pytest.mark.parametrize(
    ("method", "params", "data", "score"),
    [
        ("choice", CHOICE, {"score": "0.5"}, D("0.5")),
        ("choice", CHOICE, {"score": "0,5"}, D("0.5")),
        ("choice", CHOICE, {"score": ""}, None),
        ("ratio", BANDS, {"numerator": "40", "denominator": "40"}, D("1")),
        ("ratio", BANDS, {"numerator": "33", "denominator": "40"}, D("0.5")),
        ("ratio", BANDS, {"numerator": "31", "denominator": "40"}, D("0")),
        ("ratio", LINEAR, {"numerator": "2", "denominator": "3"}, D("0.67")),
        ("ratio", BANDS, {"numerator": "", "denominator": ""}, None),
        ("number", {"step": "0.25"}, {"score": "0.75"}, D("0.75")),
        ("deduction", {"step": "0.25"}, {"score": "-0.5"}, D("-0.5")),
        # what the guidance counts: 0,25 off per case, at most the maximum
        ("deduction", {"step": "0.25"}, {"cases": "0"}, D("0")),
        ("deduction", {"step": "0.25"}, {"cases": "2"}, D("-0.5")),
        ("deduction", {"step": "0.25"}, {"cases": "9"}, D("-1")),
    ],
)
def test_entries_become_scores(method, params, data, score):
    assert parse_entry(method=method, params=params, maximum=D(1), data=data).score == score


@pytest.mark.parametrize(
    ("method", "params", "data", "message"),
    [
        ("choice", CHOICE, {"score": "0.75"}, "Chọn một trong các mức"),
        ("ratio", BANDS, {"numerator": "3", "denominator": "0"}, "Mẫu số bằng 0"),
        ("ratio", BANDS, {"numerator": "5", "denominator": "3"}, "không được lớn hơn"),
        ("ratio", BANDS, {"numerator": "-1", "denominator": "3"}, "số nguyên không âm"),
        ("ratio", BANDS, {"numerator": "1.5", "denominator": "3"}, "số nguyên không âm"),
        ("number", {"step": "0.25"}, {"score": "1.25"}, "khoảng 0 đến 1"),
        ("number", {"step": "0.25"}, {"score": "0.3"}, "bước 0,25"),
        ("number", {"step": "0.25"}, {"score": "NaN"}, "phải là một số"),
        ("number", {"step": "0.25"}, {"score": "1e999"}, "khoảng"),
        ("number", {"step": "0.25"}, {"score": "=1+1"}, "phải là một số"),
        ("deduction", {"step": "0.25"}, {"score": "0.5"}, "khoảng -1 đến 0"),
    ],
)
def test_bad_entries_are_refused_precisely(method, params, data, message):
    with pytest.raises(ValidationError, match=message):
        parse_entry(method=method, params=params, maximum=D(1), data=data)


def test_messages_write_numbers_with_a_decimal_comma():
    with pytest.raises(ValidationError) as refused:
        parse_entry(method="number", params={"step": "0.25"}, maximum=D("1.5"), data={"score": "2"})
    assert "khoảng 0 đến 1,5" in refused.value.messages[0]


def test_a_ratio_with_one_count_waits_for_the_other():
    from appraisal.scoring import PairIncomplete

    with pytest.raises(PairIncomplete, match="Nhập cả"):
        parse_entry(method="ratio", params=BANDS, maximum=D(1), data={"numerator": "3"})
