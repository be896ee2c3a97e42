"""Read-only reporting from a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

The one way for code to say "this read may go to the replica" is to ask for the alias:

    from qorgau.core.replica import reporting_alias
    Incident.objects.using(reporting_alias()).values("region").annotate(n=Count("id"))

Use it only for reads that need not see anything written a moment ago (statistics, national
reports, exports of aggregates). It answers "default" — the primary — when no replica is
configured, when the replica does not answer or lags too far behind, and inside a transaction on
the primary (whatever runs there may need to see its own writes). Everything else, every write and
every read that is not asked for this way, stays on the primary: the router below sends nothing to
the replica by itself. docs/adr/0012-national-scale.md
"""

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
log = logging.getLogger(__name__)

_lock = threading.Lock()
_down_until = 0.0  # monotonic time before which the replica is not tried again


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _replica_answers() -> bool:
    """One round trip: the replica is up, in recovery (a standby, not a promoted copy) and close
    enough behind the primary."""
    connection = connections[REPLICA]
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), "
                "pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
                "OR COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) <= %s",
                [settings.QORGAU_REPLICA_MAX_LAG_SECONDS],
            )
            standby, fresh = cursor.fetchone()
    except Exception as exc:  # any failure of the replica means: read from the primary
        log.warning("replica unavailable, reading from the primary: %s", type(exc).__name__)
        with _lock:
            global _down_until
            _down_until = time.monotonic() + settings.QORGAU_REPLICA_RETRY_SECONDS
        with contextlib.suppress(Exception):  # a dead connection may not even close cleanly
            connection.close()
        return False
    if not (standby and fresh):
        log.warning("replica %s, reading from the primary", "is behind" if standby else "is not a standby")
        return False
    return True


def reporting_alias() -> str:
    """The database alias for a read-only report: the replica when it can serve, else the primary."""
    if not replica_configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if time.monotonic() < _down_until:
        return DEFAULT_DB_ALIAS
    return REPLICA if _replica_answers() else DEFAULT_DB_ALIAS


def forget_replica_state() -> None:
    """Try the replica again at the next call (tests, and after an operator fixed it)."""
    global _down_until
    _down_until = 0.0


class PrimaryRouter:
    """Writes and migrations on the primary only. Reads: no opinion, so Django keeps them on the
    primary unless a caller chose reporting_alias() with .using() (and then related lookups of
    what it read stay on the same replica, one consistent copy). Saving an object read from the
    replica writes to the primary."""

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
