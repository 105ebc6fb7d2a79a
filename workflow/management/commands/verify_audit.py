from django.core.management.base import BaseCommand, CommandError

from workflow.audit import verify_chain
from workflow.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit non-zero naming the first bad row."

    def handle(self, *args, **options) -> None:
        for problem in verify_chain():
            raise CommandError(
                f"Audit chain broken at row seq={problem.seq} (id={problem.event_id}): {problem.reason}."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {AuditEvent.objects.count()} rows.")
        )
