"""Random sequences of transitions by random personas (hypothesis): never an undeclared
state, never a change without its audit row, never a change by a refused actor."""

import contextlib
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from appraisal.models import Submission
from appraisal.models.states import SubmissionState
from tests.conftest import fill_self_scores
from workflow.audit import verify_chain
from workflow.flows import SubmissionFlow
from workflow.models import AuditEvent
from workflow.services import campaign_stages as campaign_services
from workflow.services import submissions as submission_services

pytestmark = pytest.mark.django_db

SUBMISSION_TRANSITIONS = sorted(method.slug for method in SubmissionFlow.state.get_transitions())
CAMPAIGN_TRANSITIONS = ["start_review", "start_council", "publish", "archive"]
PERSONAS = [
    "bacninh_focal",
    "bacninh_leader",
    "hanoi_focal",
    "secretariat",
    "chair",
    "finance_reviewer",
    "outsider",
]
# every (source, target) pair the flow declares
DECLARED = {
    (transition.source, transition.target)
    for method in SubmissionFlow.state.get_transitions()
    for transition in method.get_transitions()
}
years = itertools.count(2040)


def test_random_transitions_by_random_personas(cast, campaign_factory, orgs):
    class SubmissionMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            campaign = campaign_factory(year=next(years), units=[orgs["T34-bac-ninh"]])
            self.submission = campaign.submissions.get()
            fill_self_scores(self.submission)

        def snapshot(self):
            submission = Submission.objects.get(pk=self.submission.pk)
            return submission.state, AuditEvent.objects.count()

        @rule(
            name=st.sampled_from(SUBMISSION_TRANSITIONS),
            persona=st.sampled_from(PERSONAS),
            comment=st.sampled_from(["", "Lý do"]),
        )
        def submission_transition(self, name, persona, comment):
            before_state, before_rows = self.snapshot()
            service = getattr(submission_services, f"submission_{name}")
            kwargs = {"domains": []} if name in ("send_back_to_review", "reopen_review") else {}
            try:
                service(submission=self.submission, actor=cast[persona], comment=comment, **kwargs)
            except (PermissionDenied, ValidationError):
                assert self.snapshot() == (before_state, before_rows), "a refusal changed something"
                return
            after_state, after_rows = self.snapshot()
            assert (before_state, after_state) in DECLARED
            assert after_rows == before_rows + 1

        @rule(name=st.sampled_from(CAMPAIGN_TRANSITIONS))
        def campaign_transition(self, name):
            with contextlib.suppress(ValidationError):
                getattr(campaign_services, f"campaign_{name}")(
                    campaign=self.submission.campaign, actor=cast["secretariat"]
                )

        @invariant()
        def state_is_declared(self):
            assert Submission.objects.get(pk=self.submission.pk).state in SubmissionState.values

        def teardown(self):
            assert list(verify_chain()) == []

    run_state_machine_as_test(
        SubmissionMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
