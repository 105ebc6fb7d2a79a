"""The reviewer's object grant is read from the people's grants alone (one query): it must
agree with guardian's own `has_perm` through assignment, reassignment and deactivation."""

import pytest

from appraisal.permissions.reviews import (
    REVIEW_PERMISSION,
    holds_review_grant,
    is_assigned_reviewer,
)
from workflow.services.assignments import review_assign

pytestmark = pytest.mark.django_db


def both(user, review) -> tuple[bool, bool]:
    return holds_review_grant(user, review), user.has_perm(REVIEW_PERMISSION, review)


def test_the_grant_follows_the_assignment(cast, finance_review, django_assert_num_queries):
    finance, home = cast["finance_reviewer"], cast["home_reviewer"]
    assert both(finance, finance_review) == (False, False)
    review_assign(review=finance_review, reviewer=finance, actor=cast["finance_coordinator"])
    finance_review.refresh_from_db()
    with django_assert_num_queries(1):
        assert holds_review_grant(finance, finance_review)
    assert both(finance, finance_review) == (True, True)
    assert is_assigned_reviewer(finance, finance_review)
    review_assign(
        review=finance_review, reviewer=home, actor=cast["secretariat"], reason="Thiếu người"
    )
    finance_review.refresh_from_db()
    assert both(finance, finance_review) == (False, False)
    assert both(home, finance_review) == (True, True)
    assert not is_assigned_reviewer(finance, finance_review)
    home.is_active = False
    assert both(home, finance_review) == (False, False)
