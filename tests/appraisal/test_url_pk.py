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
