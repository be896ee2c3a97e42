"""Guards on the audit chain (docs/adr/0014-audit-chain.md).

- The head row only moves forward, over events already appended and linked to it (by one for
  `audit_record`, by N for `audit_record_many`), keeps its id and chain id, and is never deleted;
  a head is inserted only where it matches the newest event (or an empty chain).
- PostgreSQL: TRUNCATE of either audit table is refused for every role but a superuser (the
  test runner empties tables as the superuser; production's app role is not one:
  `qorgau audit grants`).
- SQLite (demo and tests only): the head's UPDATE and INSERT are guarded by triggers; DELETE is not
  (the test runner empties tables in no fixed order), so a deleted head is caught by `audit
  verify` and refused by `audit_record` with a clear error.
- PostgreSQL: the events table is partitioned by month of `at` (declarative; a DEFAULT partition
  takes what no month holds); `qorgau_audit_partitions()` adds months ahead (the worker's job).
  Going back leaves it partitioned.
- Events record which audit key sealed them (`key_id`); the head records the key new events use.
"""

import uuid

from django.db import migrations, models

GENESIS = "0" * 64

PG_NO_TRUNCATE = """
CREATE OR REPLACE FUNCTION qorgau_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit chain is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

# Monthly partitions of the events by `at` (declarative). The function runs with its owner's
# rights (the role that migrates), so the worker's job can add next months' partitions without
# the application role owning anything; it only ever creates partitions of this table.
PG_PARTITIONS_FUNCTION = """
CREATE OR REPLACE FUNCTION qorgau_audit_partitions(first_month date, months_ahead integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    month date := date_trunc('month', first_month)::date;
    last date := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => months_ahead))::date;
    name text;
    made integer := 0;
BEGIN
    WHILE month <= last LOOP
        name := format('core_auditevent_p%s', to_char(month, 'YYYY_MM'));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF core_auditevent FOR VALUES FROM (%L) TO (%L)', name,
                month::timestamp AT TIME ZONE 'UTC', (month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
            EXECUTE format('CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON %I '
                           'FOR EACH STATEMENT EXECUTE FUNCTION qorgau_audit_no_truncate()', name);
            EXECUTE format('REVOKE ALL ON %I FROM PUBLIC', name);
            made := made + 1;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN made;
END;
$$;
REVOKE ALL ON FUNCTION qorgau_audit_partitions(date, integer) FROM PUBLIC;
"""

# The unpartitioned table becomes a partitioned one with the same columns, indexes (same names)
# and rows; its primary key gains the partition key: (seq, at). Unique seq is then kept by the
# insert guard below (an event at or below the head is refused) and the head's contiguity check.
PG_PARTITION = """
DO $$
DECLARE
    definitions text[] := ARRAY(
        SELECT indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename = 'core_auditevent' AND indexname <> 'core_auditevent_pkey');
    definition text;
    first_month date;
BEGIN
    ALTER TABLE core_auditevent RENAME TO core_auditevent_unpartitioned;
    CREATE TABLE core_auditevent (LIKE core_auditevent_unpartitioned INCLUDING DEFAULTS)
        PARTITION BY RANGE (at);
    ALTER TABLE core_auditevent ADD CONSTRAINT core_auditevent_pk PRIMARY KEY (seq, at);
    CREATE TABLE core_auditevent_default PARTITION OF core_auditevent DEFAULT;
    CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent_default
        FOR EACH STATEMENT EXECUTE FUNCTION qorgau_audit_no_truncate();
    SELECT coalesce(min(at) AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')::date
        INTO first_month FROM core_auditevent_unpartitioned;
    PERFORM qorgau_audit_partitions(first_month, 3);
    INSERT INTO core_auditevent SELECT * FROM core_auditevent_unpartitioned;
    DROP TABLE core_auditevent_unpartitioned;
    ALTER TABLE core_auditevent RENAME CONSTRAINT core_auditevent_pk TO core_auditevent_pkey;
    FOREACH definition IN ARRAY definitions LOOP
        EXECUTE definition;
    END LOOP;
END $$;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION qorgau_audit_append_only();
"""

PG_CREATE = f"""
CREATE OR REPLACE FUNCTION qorgau_audit_insert_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.seq <= coalesce((SELECT seq FROM core_audithead WHERE id = 1), 0) THEN
        RAISE EXCEPTION 'the audit chain is append-only: event % is already in the chain', NEW.seq
            USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_insert_guard BEFORE INSERT ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION qorgau_audit_insert_guard();
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION qorgau_audit_no_truncate();
CREATE TRIGGER core_audithead_no_truncate BEFORE TRUNCATE ON core_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION qorgau_audit_no_truncate();

CREATE OR REPLACE FUNCTION qorgau_audit_head_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit chain is append-only: its head cannot be deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.id <> 1 OR EXISTS (SELECT 1 FROM core_audithead) THEN
            RAISE EXCEPTION 'the audit chain has one head' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NOT ((NEW.seq = 0 AND NEW.hash = '{GENESIS}' AND NOT EXISTS (SELECT 1 FROM core_auditevent))
                OR (EXISTS (SELECT 1 FROM core_auditevent WHERE seq = NEW.seq AND hash = NEW.hash)
                    AND NOT EXISTS (SELECT 1 FROM core_auditevent WHERE seq > NEW.seq))) THEN
            RAISE EXCEPTION 'the audit head must stand at the newest event'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id = OLD.id AND NEW.seq = OLD.seq AND NEW.hash = OLD.hash AND NEW.key_id = OLD.key_id
            AND NEW.chain_id = OLD.chain_id THEN
        RETURN NEW;
    END IF;
    IF NEW.id <> OLD.id OR NEW.chain_id <> OLD.chain_id OR NEW.seq <= OLD.seq
            OR (SELECT count(*) FROM core_auditevent WHERE seq > OLD.seq AND seq <= NEW.seq)
                <> NEW.seq - OLD.seq
            OR NOT EXISTS (SELECT 1 FROM core_auditevent WHERE seq = NEW.seq AND hash = NEW.hash)
            OR NOT EXISTS (SELECT 1 FROM core_auditevent WHERE seq = OLD.seq + 1 AND prev_hash = OLD.hash)
    THEN
        RAISE EXCEPTION 'the audit head only moves forward over appended events (% -> %)', OLD.seq, NEW.seq
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_audithead_guard BEFORE INSERT OR UPDATE OR DELETE ON core_audithead
    FOR EACH ROW EXECUTE FUNCTION qorgau_audit_head_guard();
"""

PG_DROP = """
DROP TRIGGER IF EXISTS core_auditevent_insert_guard ON core_auditevent;
DROP FUNCTION IF EXISTS qorgau_audit_insert_guard();
DROP TRIGGER IF EXISTS core_audithead_guard ON core_audithead;
DROP TRIGGER IF EXISTS core_audithead_no_truncate ON core_audithead;
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS qorgau_audit_head_guard();
"""

SQLITE_CREATE = [
    f"""
CREATE TRIGGER core_audithead_guard_update BEFORE UPDATE ON core_audithead
WHEN NOT (
    (NEW.id = OLD.id AND NEW.seq = OLD.seq AND NEW.hash = OLD.hash AND NEW.key_id = OLD.key_id
     AND NEW.chain_id = OLD.chain_id)
    OR (NEW.id = OLD.id AND NEW.chain_id = OLD.chain_id AND NEW.seq > OLD.seq
        AND (SELECT count(*) FROM core_auditevent WHERE seq > OLD.seq AND seq <= NEW.seq) = NEW.seq - OLD.seq
        AND EXISTS (SELECT 1 FROM core_auditevent WHERE seq = NEW.seq AND hash = NEW.hash)
        AND EXISTS (SELECT 1 FROM core_auditevent WHERE seq = OLD.seq + 1 AND prev_hash = OLD.hash))
)
BEGIN
    SELECT RAISE(ABORT, 'the audit head only moves forward over appended events');
END
""",
    f"""
CREATE TRIGGER core_audithead_guard_insert BEFORE INSERT ON core_audithead
WHEN NOT (
    NEW.id = 1 AND NOT EXISTS (SELECT 1 FROM core_audithead)
    AND ((NEW.seq = 0 AND NEW.hash = '{GENESIS}' AND NOT EXISTS (SELECT 1 FROM core_auditevent))
         OR (EXISTS (SELECT 1 FROM core_auditevent WHERE seq = NEW.seq AND hash = NEW.hash)
             AND NOT EXISTS (SELECT 1 FROM core_auditevent WHERE seq > NEW.seq)))
)
BEGIN
    SELECT RAISE(ABORT, 'the audit head must stand at the newest event');
END
""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_audithead_guard_update",
    "DROP TRIGGER IF EXISTS core_audithead_guard_insert",
]


def ensure_head(apps, schema_editor):
    """The head exists from the start: a missing one is an attack or an accident, not a first use."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditHead = apps.get_model("core", "AuditHead")
    db = schema_editor.connection.alias
    if not AuditHead.objects.using(db).filter(id=1).exists():
        last = AuditEvent.objects.using(db).order_by("-seq").first()
        AuditHead.objects.using(db).create(
            id=1, seq=last.seq if last else 0, hash=last.hash if last else GENESIS, chain_id=uuid.uuid4()
        )


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in (PG_NO_TRUNCATE, PG_PARTITIONS_FUNCTION, PG_PARTITION, PG_CREATE):
            schema_editor.execute(sql, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_key_rotation_state")]
    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="audithead",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="audithead",
            name="chain_id",
            field=models.UUIDField(default=uuid.uuid4),
        ),
        migrations.RunPython(ensure_head, migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
    ]
