"""Who sees the national statistics. Nobody here ever reaches case data: these are aggregates."""

from qorgau.accounts.roles import Role


def _active(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active)


def can_view_statistics(actor) -> bool:
    """Analysts (National Commission, regional akimats): the dashboards, downloads and API."""
    return _active(actor) and actor.has_role(Role.ANALYST)


def can_view_calibration(actor) -> bool:
    """Risk levels against outcomes: analysts, and the system administrators who maintain the
    risk instrument files (qorgau instruments check)."""
    return _active(actor) and actor.has_role(Role.ANALYST, Role.SYSTEM_ADMIN)
