"""Two people press the same button at the same moment: exactly one wins."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from appraisal.models import Submission
from tests.conftest import fill_self_scores
from workflow.models import AuditEvent
from workflow.services.submissions import submission_approve, submission_send_for_approval

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are a PostgreSQL matter; SQLite serialises every writer (run on PostgreSQL in .ci/run)",
    ),
]


def test_two_concurrent_approvals_one_wins_one_audit_row(cast, campaign):
    submission = campaign.submissions.get(unit__code="T34-bac-ninh")
    fill_self_scores(submission)
    submission_send_for_approval(submission=submission, actor=cast["bacninh_focal"])
    before = list(
        AuditEvent.objects.filter(submission_id=submission.pk).values_list("pk", flat=True)
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve() -> None:
        try:
            barrier.wait(timeout=10)
            submission_approve(
                submission=Submission.objects.get(pk=submission.pk), actor=cast["bacninh_leader"]
            )
            outcomes.append("won")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "won"]
    submission.refresh_from_db()
    assert submission.state == "submitted"
    # one approval in the trail (the winner's report is then issued once: its own row)
    rows = AuditEvent.objects.filter(submission_id=submission.pk).exclude(pk__in=before)
    assert sorted(rows.values_list("action", flat=True)) == ["approve", "issue"]
