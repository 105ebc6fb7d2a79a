"""In the database itself, a locked framework and its nodes refuse any change.

The models refuse it too (with a translated message); the triggers hold the rule for raw
SQL, bulk updates and anything else that bypasses the models. PostgreSQL refuses UPDATE and
DELETE. SQLite refuses UPDATE; a DELETE there is left to the models and to the PROTECT keys
of campaigns and submissions, because Django's test flush empties tables with DELETE.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION parcouncil_refuse_locked_framework() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'appraisal_framework' THEN
        IF OLD.status = 'locked' THEN
            RAISE EXCEPTION 'framework % is locked and cannot change', OLD.code
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM appraisal_framework f WHERE f.id = OLD.framework_id AND f.status = 'locked') THEN
        RAISE EXCEPTION 'node % belongs to a locked framework and cannot change', OLD.code
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER framework_locked_guard BEFORE UPDATE OR DELETE ON appraisal_framework
    FOR EACH ROW EXECUTE FUNCTION parcouncil_refuse_locked_framework();
CREATE TRIGGER framework_node_locked_guard BEFORE UPDATE OR DELETE ON appraisal_frameworknode
    FOR EACH ROW EXECUTE FUNCTION parcouncil_refuse_locked_framework();
"""

SQLITE_FORWARD = [
    """CREATE TRIGGER framework_locked_guard BEFORE UPDATE ON appraisal_framework
       WHEN OLD.status = 'locked'
       BEGIN SELECT RAISE(ABORT, 'framework is locked and cannot change'); END""",
    """CREATE TRIGGER framework_node_locked_guard BEFORE UPDATE ON appraisal_frameworknode
       WHEN EXISTS (SELECT 1 FROM appraisal_framework f WHERE f.id = OLD.framework_id AND f.status = 'locked')
       BEGIN SELECT RAISE(ABORT, 'node belongs to a locked framework and cannot change'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS framework_node_locked_guard",
    "DROP TRIGGER IF EXISTS framework_locked_guard",
]

BACKWARD = """
DROP TRIGGER IF EXISTS framework_node_locked_guard ON appraisal_frameworknode;
DROP TRIGGER IF EXISTS framework_locked_guard ON appraisal_framework;
DROP FUNCTION IF EXISTS parcouncil_refuse_locked_framework();
"""


def forward(apps, schema_editor):
    # params=None: the SQL holds literal % signs that must not be read as placeholders.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
