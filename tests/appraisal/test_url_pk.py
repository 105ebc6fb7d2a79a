"""`{% url_pk %}` must give exactly what `{% url %}` gives, under any script prefix."""

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

from appraisal.templatetags.parcouncil import url_pk


@pytest.mark.parametrize("name", ["item_save", "review_detail", "evidence_download"])
@pytest.mark.parametrize("prefix", ["/", "/chiso/"])
def test_url_pk_is_the_reversed_url(name, prefix):
    set_script_prefix(prefix)
    try:
        for pk in (1, 42, 918273645, 10**12):
            assert url_pk(name, pk) == reverse(name, args=[pk])
        rendered = Template("{% load parcouncil %}{% url_pk name pk %}").render(
            Context({"name": name, "pk": 7})
        )
        assert rendered == reverse(name, args=[7])
        assert rendered.startswith(prefix)
    finally:
        clear_script_prefix()


def test_url_pk_refuses_what_is_not_a_pk():
    with pytest.raises((TypeError, ValueError)):
        url_pk("item_save", "1/../../admin")


@pytest.mark.parametrize("prefix", ["/", "/chiso/"])
def test_url_last_is_the_reversed_url(prefix):
    from appraisal.templatetags.parcouncil import url_last

    set_script_prefix(prefix)
    try:
        for code in ("T34-bac-ninh", "BTP", "01-2100-s0001", "đơn vị", "a b&c", "x'y(z)"):
            for program in ("national", "scale-01-2100"):
                args = (program, 2025, code)
                assert url_last("results_unit", *args) == reverse("results_unit", args=args)
    finally:
        clear_script_prefix()


def test_url_last_refuses_what_the_pattern_refuses():
    from django.urls import NoReverseMatch

    from appraisal.templatetags.parcouncil import url_last

    for code in ("a/b", ""):
        with pytest.raises(NoReverseMatch):
            url_last("results_unit", "national", 2025, code)
