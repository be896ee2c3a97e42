"""Tampering with the audit tables as their owner would (who can switch the triggers off), for the
tests that prove `audit verify` still notices."""

from django.db import connection

AUDIT_TABLES = ("core_auditevent", "core_audithead")


def as_owner(*statements):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # no triggers (superuser only)
            try:
                for statement in statements:
                    cursor.execute(statement)
            finally:
                cursor.execute("SET session_replication_role = origin")
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
            AUDIT_TABLES,
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            for statement in statements:
                cursor.execute(statement)
        finally:
            for _name, sql in triggers:
                cursor.execute(sql)
