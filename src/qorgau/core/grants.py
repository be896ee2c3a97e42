"""The PostgreSQL privileges of the application's role (`qorgau audit grants ROLE`).

Production runs two roles: the owner, which runs `qorgau migrate` and owns every table, and the
application role (DATABASE_URL of the web and worker units), which owns nothing. The application
role reads and writes the tables, but on the audit chain it may only append events
(SELECT, INSERT) and move the head (SELECT, UPDATE; the head's trigger lets it only move forward).
It holds TRUNCATE on nothing, and not owning the tables it cannot switch their triggers off.
The worker creates next months' audit partitions through `qorgau_audit_partitions()`, a function
running with the owner's rights that can do nothing else. Run the statements as the owner after
every `qorgau migrate` (they are idempotent).
"""

import re

AUDIT_EVENTS, AUDIT_HEAD = "core_auditevent", "core_audithead"
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def app_role_sql(role: str) -> list[str]:
    if not ROLE_NAME.fullmatch(role):
        raise ValueError("the role name must be a lower-case PostgreSQL identifier (a-z, 0-9, _)")
    quoted = f'"{role}"'
    return [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {AUDIT_EVENTS} FROM {quoted}",
        f"REVOKE INSERT, DELETE, TRUNCATE ON {AUDIT_HEAD} FROM {quoted}",
        # The worker's job adds next months' partitions through this owner-rights function.
        f"GRANT EXECUTE ON FUNCTION qorgau_audit_partitions(date, integer) TO {quoted}",
        # The audit table's monthly partitions are reached only through the parent.
        f"""DO $$ DECLARE part regclass; BEGIN
            FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = '{AUDIT_EVENTS}'::regclass
            LOOP EXECUTE format('REVOKE ALL ON %s FROM {quoted}', part); END LOOP;
        END $$""",  # noqa: S608 (the role name is checked above; nothing else is interpolated)
    ]
