"""The audit trail is append-only in the database itself.

PostgreSQL refuses UPDATE and DELETE on audit rows. SQLite refuses UPDATE; DELETE there is
left to the application, because Django's test flush empties tables with DELETE.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION parcouncil_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON workflow_auditevent
    FOR EACH ROW EXECUTE FUNCTION parcouncil_audit_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS audit_append_only ON workflow_auditevent;
DROP FUNCTION IF EXISTS parcouncil_audit_append_only();
"""
SQLITE_FORWARD = """CREATE TRIGGER audit_append_only BEFORE UPDATE ON workflow_auditevent
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS audit_append_only"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
