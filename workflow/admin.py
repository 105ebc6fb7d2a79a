from django.contrib import admin
from django.http import HttpRequest

from workflow.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by the services and never edited."""

    list_display = [
        "seq",
        "created_at",
        "actor_name",
        "kind",
        "object_type",
        "object_id",
        "action",
        "from_state",
        "to_state",
    ]
    list_filter = ["kind", "object_type"]
    search_fields = ["actor_name", "action", "comment", "field"]
    ordering = ["-seq"]
    show_full_result_count = False  # no COUNT(*) over a table that only grows

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
