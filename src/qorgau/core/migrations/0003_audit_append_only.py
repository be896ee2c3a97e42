"""On PostgreSQL the audit table refuses UPDATE and DELETE, whoever asks.

TRUNCATE is kept for the test runner's flush; in production the application's database role
does not own the table and has no TRUNCATE privilege (docs/deployment.md), and `audit verify`
compares the chain with its head row, so a cut-off end is reported.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION qorgau_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit chain is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION qorgau_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS qorgau_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_regions")]
    operations = [migrations.RunPython(forwards, backwards)]
