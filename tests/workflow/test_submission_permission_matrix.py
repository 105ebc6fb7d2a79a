"""Every role × every submission transition × every state: allowed exactly where declared.

The matrix asks the flow (state and permission, as the services do before calling); the
conditions of each transition are tested in test_submission_lifecycle.py.
"""

import pytest

from appraisal.models import Submission
from appraisal.models.states import SubmissionState as S
from workflow.flows import SubmissionFlow

pytestmark = pytest.mark.django_db

PERSONAS = [
    "bacninh_focal",
    "bacninh_leader",
    "hanoi_focal",
    "secretariat",
    "manager",
    "chair",
    "finance_reviewer",
    "finance_coordinator",
    "finance_member",
    "outsider",
    "system",
]

# transition → (source states, personas allowed)
EXPECTED = {
    "send_for_approval": ({S.DRAFT}, {"bacninh_focal", "bacninh_leader"}),
    "approve": ({S.PENDING_APPROVAL}, {"bacninh_leader"}),
    "return_to_draft": ({S.PENDING_APPROVAL}, {"bacninh_leader"}),
    "withdraw": ({S.SUBMITTED}, {"bacninh_leader"}),
    "return_incomplete": ({S.SUBMITTED}, {"secretariat"}),
    "start_review": ({S.SUBMITTED}, {"secretariat"}),
    "finish_review": ({S.UNDER_REVIEW}, {"secretariat", "system"}),
    "send_to_council": ({S.REVIEWED}, {"secretariat"}),
    "reopen_review": ({S.REVIEWED}, {"secretariat"}),
    "appraise": ({S.IN_COUNCIL}, {"chair"}),
    "send_back_to_review": ({S.IN_COUNCIL}, {"chair"}),
    "publish": ({S.APPRAISED}, {"secretariat", "system"}),
}


def test_the_matrix_covers_every_declared_transition():
    declared = {method.slug for method in SubmissionFlow.state.get_transitions()}
    assert declared == set(EXPECTED)


def test_every_role_every_transition_every_state(cast, bac_ninh):
    mismatches = []
    for state in S.values:
        Submission.objects.filter(pk=bac_ninh.pk).update(state=state)
        submission = Submission.objects.select_related("campaign", "unit").get(pk=bac_ninh.pk)
        for persona in PERSONAS:
            user = None if persona == "system" else cast[persona]
            for name, (sources, allowed_personas) in EXPECTED.items():
                bound = getattr(SubmissionFlow(submission, actor=user), name)
                allowed = bound.can_proceed(check_conditions=False) and bound.has_perm(user)
                expected = state in sources and persona in allowed_personas
                if allowed != expected:
                    mismatches.append((state, persona, name, allowed))
    assert mismatches == []


def test_conflict_of_interest_the_chair_does_not_appraise_their_own_ministry(cast, campaign, orgs):
    home_affairs = campaign.submissions.get(unit=orgs["BNV"])
    Submission.objects.filter(pk=home_affairs.pk).update(state=S.IN_COUNCIL)
    home_affairs.refresh_from_db()
    assert not SubmissionFlow(home_affairs, actor=cast["chair"]).appraise.has_perm(cast["chair"])
    bac_ninh = campaign.submissions.get(unit=orgs["T34-bac-ninh"])
    Submission.objects.filter(pk=bac_ninh.pk).update(state=S.IN_COUNCIL)
    bac_ninh.refresh_from_db()
    assert SubmissionFlow(bac_ninh, actor=cast["chair"]).appraise.has_perm(cast["chair"])
