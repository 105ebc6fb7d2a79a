"""The audit trail is append-only and tamper-evident."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from workflow.models import AuditEvent
from workflow.services.submissions import submission_return_to_draft, submission_send_for_approval

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(cast, bac_ninh):
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    submission_return_to_draft(
        submission=bac_ninh, actor=cast["bacninh_leader"], comment='=HYPERLINK("http://x")'
    )
    submission_send_for_approval(submission=bac_ninh, actor=cast["bacninh_focal"])
    return bac_ninh


def behind_the_applications_back(sql: str, params: list) -> None:
    """What a database superuser could do: switch the guard off, change a row, switch it on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER audit_append_only")
            cursor.execute(sql, params)


def test_verify_audit_passes_on_an_intact_chain(history, capsys):
    call_command("verify_audit")
    assert "Audit chain intact" in capsys.readouterr().out


def test_verify_audit_names_the_row_changed_behind_the_applications_back(history):
    victim = AuditEvent.objects.filter(submission_id=history.pk).order_by("seq")[1]
    behind_the_applications_back(
        "UPDATE workflow_auditevent SET comment = %s WHERE id = %s", ["OK", victim.pk]
    )
    with pytest.raises(CommandError, match=f"seq={victim.seq} .*altered"):
        call_command("verify_audit")


def test_verify_audit_notices_a_deleted_row(history):
    victim = AuditEvent.objects.filter(submission_id=history.pk).order_by("seq")[1]
    behind_the_applications_back("DELETE FROM workflow_auditevent WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match=f"seq={victim.seq}"):
        call_command("verify_audit")


def test_the_database_refuses_to_update_audit_rows(history):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(submission_id=history.pk).update(comment="sửa")
    if (
        connection.vendor == "postgresql"
    ):  # SQLite leaves DELETE to the application (migration 0002)
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(submission_id=history.pk).delete()
    assert AuditEvent.objects.filter(submission_id=history.pk).count() == 3


def test_the_timeline_shows_the_history_to_those_allowed(client, cast, history):
    url = reverse("submission_timeline", args=[history.pk])
    client.force_login(cast["bacninh_leader"])
    body = client.get(url).content.decode()
    assert body.count("Trình lãnh đạo phê duyệt") == 2 and "Trả lại để chỉnh sửa" in body
    client.force_login(cast["hanoi_focal"])
    assert client.get(url).status_code == 404
    client.force_login(cast["outsider"])
    assert client.get(url).status_code == 404


def test_the_secretariat_exports_the_audit_as_csv_with_formulas_neutralised(
    client, cast, history, program
):
    url = reverse("audit_export", args=[program.pk])
    client.force_login(cast["manager"])
    assert client.get(url).status_code == 403
    client.force_login(cast["secretariat"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("seq,created_at,kind,actor_name")
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body
    assert "bacninh.lanhdao" in body


def test_the_admin_shows_the_audit_read_only(client, cast, history):
    client.force_login(cast["admin"])
    assert client.get(reverse("admin:workflow_auditevent_changelist")).status_code == 200
    event = AuditEvent.objects.first()
    response = client.post(
        reverse("admin:workflow_auditevent_change", args=[event.pk]), {"comment": "x"}
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("admin:workflow_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.get(pk=event.pk).comment == event.comment
