"""Which database statistics read from: the one function to change for a read replica."""

from qorgau.core.replica import reporting_alias


def stats_alias() -> str:
    """Statistics are heavy, read-only and may lag a little: the replica when it can serve
    (`DATABASE_REPLICA_URL`), else the primary (`core.replica.reporting_alias`)."""
    return reporting_alias()
