"""Audit lanes (docs/adr/0014-audit-chain.md, "Lanes"): parallel hash chains so appends stop
queueing on one head row.

- Every event gets `(lane, lane_seq)` and links to the previous event *of its lane*. The existing
  chain becomes lane 1 (`lane_seq = seq`), so its hashes (which cover `seq`, not the lane) and
  its verification are unchanged. A root lane 0 is added (the checkpoint job anchors every lane
  in it); the other lanes' heads are made, empty, by `audit_lanes_ensure` (post_migrate).
- `seq` becomes display order only: taken from the sequence `qorgau_audit_event_seq` (gaps
  allowed). PostgreSQL only: SQLite (demo, one writer at a time) takes the highest seq + 1.
- The head guard now guards each lane head as it guarded the single head: forward only, over that
  lane's events already appended, contiguous and linked; never deleted; inserted only at the newest
  event of its lane (or at the start of an empty lane), with the chain's id. Events refuse an
  INSERT at or below their lane's head.
"""

import importlib

from django.db import migrations, models

GENESIS = "0" * 64

PG_FORWARD = f"""
ALTER TABLE core_auditevent ADD COLUMN lane smallint NOT NULL DEFAULT 1;
ALTER TABLE core_auditevent ADD COLUMN lane_seq bigint;
-- the append-only trigger is dropped for this one UPDATE, inside the migration's transaction
DROP TRIGGER core_auditevent_append_only ON core_auditevent;
UPDATE core_auditevent SET lane_seq = seq;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION qorgau_audit_append_only();
ALTER TABLE core_auditevent ALTER COLUMN lane_seq SET NOT NULL, ALTER COLUMN lane DROP DEFAULT;
CREATE INDEX core_auditevent_lane_pos ON core_auditevent (lane, lane_seq);
CREATE SEQUENCE qorgau_audit_event_seq AS bigint;
SELECT setval('qorgau_audit_event_seq', coalesce((SELECT max(seq) FROM core_auditevent), 0) + 1, false);

CREATE OR REPLACE FUNCTION qorgau_audit_insert_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.lane_seq <= coalesce((SELECT seq FROM core_audithead WHERE id = NEW.lane), 0) THEN
        RAISE EXCEPTION 'the audit chain is append-only: lane % event % is already in the chain',
            NEW.lane, NEW.lane_seq USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION qorgau_audit_head_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit chain is append-only: its head cannot be deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.id < 0 OR EXISTS (SELECT 1 FROM core_audithead WHERE chain_id <> NEW.chain_id) THEN
            RAISE EXCEPTION 'the audit chain has one head per lane, all of one chain'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NOT ((NEW.seq = 0 AND NEW.hash = '{GENESIS}'
                 AND NOT EXISTS (SELECT 1 FROM core_auditevent WHERE lane = NEW.id))
                OR (EXISTS (SELECT 1 FROM core_auditevent
                            WHERE lane = NEW.id AND lane_seq = NEW.seq AND hash = NEW.hash)
                    AND NOT EXISTS (SELECT 1 FROM core_auditevent WHERE lane = NEW.id AND lane_seq > NEW.seq))) THEN
            RAISE EXCEPTION 'the audit head must stand at the newest event of its lane'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id = OLD.id AND NEW.seq = OLD.seq AND NEW.hash = OLD.hash AND NEW.key_id = OLD.key_id
            AND NEW.chain_id = OLD.chain_id THEN
        RETURN NEW;
    END IF;
    IF NEW.id <> OLD.id OR NEW.chain_id <> OLD.chain_id OR NEW.seq <= OLD.seq
            OR (SELECT count(*) FROM core_auditevent
                WHERE lane = OLD.id AND lane_seq > OLD.seq AND lane_seq <= NEW.seq) <> NEW.seq - OLD.seq
            OR NOT EXISTS (SELECT 1 FROM core_auditevent
                           WHERE lane = OLD.id AND lane_seq = NEW.seq AND hash = NEW.hash)
            OR NOT EXISTS (SELECT 1 FROM core_auditevent
                           WHERE lane = OLD.id AND lane_seq = OLD.seq + 1 AND prev_hash = OLD.hash)
    THEN
        RAISE EXCEPTION 'the audit head only moves forward over appended events (lane %: % -> %)',
            OLD.id, OLD.seq, NEW.seq USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

INSERT INTO core_audithead (id, seq, hash, key_id, chain_id)
    SELECT 0, 0, '{GENESIS}', key_id, chain_id FROM core_audithead WHERE id = 1;
"""

SQLITE_FORWARD = [
    "ALTER TABLE core_auditevent ADD COLUMN lane smallint NOT NULL DEFAULT 1",
    "ALTER TABLE core_auditevent ADD COLUMN lane_seq bigint NOT NULL DEFAULT 0",
    "UPDATE core_auditevent SET lane_seq = seq",
    "CREATE INDEX core_auditevent_lane_pos ON core_auditevent (lane, lane_seq)",
    "DROP TRIGGER IF EXISTS core_audithead_guard_update",
    "DROP TRIGGER IF EXISTS core_audithead_guard_insert",
    """
CREATE TRIGGER core_audithead_guard_update BEFORE UPDATE ON core_audithead
WHEN NOT (
    (NEW.id = OLD.id AND NEW.seq = OLD.seq AND NEW.hash = OLD.hash AND NEW.key_id = OLD.key_id
     AND NEW.chain_id = OLD.chain_id)
    OR (NEW.id = OLD.id AND NEW.chain_id = OLD.chain_id AND NEW.seq > OLD.seq
        AND (SELECT count(*) FROM core_auditevent
             WHERE lane = OLD.id AND lane_seq > OLD.seq AND lane_seq <= NEW.seq) = NEW.seq - OLD.seq
        AND EXISTS (SELECT 1 FROM core_auditevent WHERE lane = OLD.id AND lane_seq = NEW.seq AND hash = NEW.hash)
        AND EXISTS (SELECT 1 FROM core_auditevent
                    WHERE lane = OLD.id AND lane_seq = OLD.seq + 1 AND prev_hash = OLD.hash))
)
BEGIN
    SELECT RAISE(ABORT, 'the audit head only moves forward over appended events');
END
""",
    f"""
CREATE TRIGGER core_audithead_guard_insert BEFORE INSERT ON core_audithead
WHEN NOT (
    NEW.id >= 0 AND NOT EXISTS (SELECT 1 FROM core_audithead WHERE chain_id <> NEW.chain_id)
    AND ((NEW.seq = 0 AND NEW.hash = '{GENESIS}' AND NOT EXISTS (SELECT 1 FROM core_auditevent WHERE lane = NEW.id))
         OR (EXISTS (SELECT 1 FROM core_auditevent WHERE lane = NEW.id AND lane_seq = NEW.seq AND hash = NEW.hash)
             AND NOT EXISTS (SELECT 1 FROM core_auditevent WHERE lane = NEW.id AND lane_seq > NEW.seq)))
)
BEGIN
    SELECT RAISE(ABORT, 'the audit head must stand at the newest event of its lane');
END
""",
    f"""
INSERT INTO core_audithead (id, seq, hash, key_id, chain_id)
    SELECT 0, 0, '{GENESIS}', key_id, chain_id FROM core_audithead WHERE id = 1
""",
]


# Back to one chain: only while every event is still lane 1's with lane_seq = seq (a chain that
# used other lanes, or whose root lane was anchored, cannot be one chain again).
PG_ONE_LANE = """
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM core_auditevent WHERE lane <> 1 OR lane_seq <> seq) THEN
        RAISE EXCEPTION 'the audit chain uses more than one lane: it cannot go back to one';
    END IF;
END $$;
ALTER TABLE core_audithead DISABLE TRIGGER core_audithead_guard;
DELETE FROM core_audithead WHERE id <> 1;
ALTER TABLE core_audithead ENABLE TRIGGER core_audithead_guard;
DROP INDEX core_auditevent_lane_pos;
ALTER TABLE core_auditevent DROP COLUMN lane, DROP COLUMN lane_seq;
DROP SEQUENCE qorgau_audit_event_seq;
"""


def _single_chain_guards() -> tuple[str, list[str]]:
    """Migration 0005's guard functions (PostgreSQL) and head triggers (SQLite)."""
    guards = importlib.import_module("qorgau.core.migrations.0005_audit_chain_guards")
    functions = [
        part[: part.index("$$ LANGUAGE plpgsql;") + len("$$ LANGUAGE plpgsql;")]
        for part in guards.PG_CREATE.split("CREATE OR REPLACE FUNCTION ")[1:]
    ]
    return "".join("CREATE OR REPLACE FUNCTION " + f + "\n" for f in functions), guards.SQLITE_CREATE


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    pg_functions, sqlite_triggers = _single_chain_guards()
    if vendor == "postgresql":
        schema_editor.execute(PG_ONE_LANE + pg_functions, params=None)
    elif vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_auditevent WHERE lane <> 1 OR lane_seq <> seq")
            if cursor.fetchone()[0]:
                raise RuntimeError("the audit chain uses more than one lane: it cannot go back to one")
        for statement in [
            "DROP TRIGGER IF EXISTS core_audithead_guard_update",
            "DROP TRIGGER IF EXISTS core_audithead_guard_insert",
            "DELETE FROM core_audithead WHERE id <> 1",
            "DROP INDEX core_auditevent_lane_pos",
            "ALTER TABLE core_auditevent DROP COLUMN lane",
            "ALTER TABLE core_auditevent DROP COLUMN lane_seq",
            *sqlite_triggers,
        ]:
            schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_chain_guards")]
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AddField(
                    model_name="auditevent",
                    name="lane",
                    field=models.SmallIntegerField(default=1),
                    preserve_default=False,
                ),
                migrations.AddField(
                    model_name="auditevent",
                    name="lane_seq",
                    field=models.BigIntegerField(default=0),
                    preserve_default=False,
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(fields=["lane", "lane_seq"], name="core_auditevent_lane_pos"),
                ),
            ],
        ),
    ]
