"""The intake search counts blind-index hits per person from the index alone (PostgreSQL: an
index-only scan of kind and digest that also holds person and case), so a common name's tens of
thousands of rows are read from a few index pages instead of one table page each (docs/adr/0011).
Built CONCURRENTLY: writes to the person tables go on while it builds. Nothing on SQLite."""

from django.db import migrations

NAME = "people_personindex_kind_digest_cover"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON people_personindex (kind, digest) "
            "INCLUDE (person_id, case_id)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("people", "0002_identity_matching")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
