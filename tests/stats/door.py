"""The one door: the national statistics in the matrix (tests/doors.py). Analysts read aggregates
only; nobody reaches case data through these routes, and case staff get nothing from them."""

from tests.doors import Route, staff

ORDER = 80
analysts = staff("analyst")
instrument_keepers = staff("analyst", "system_admin")  # risk levels against outcomes


def build(world):
    world.ids["page"] = "incidents"


_PUBLIC = (
    "the public open-data page: annual suppressed aggregates, no sign-in (tests/stats cover its suppression)"
)

ROUTES = {
    "stats:dashboard": Route(read=analysts),
    "stats:pathway": Route(read=analysts),
    "stats:calibration": Route(read=instrument_keepers),
    # Without a chosen format the download answers 400 (which format?), never a file.
    "stats:download": Route(read=analysts, read_answers=frozenset({400})),
    "api:stats_incidents": Route(read=analysts),
    "api:stats_pathway": Route(read=analysts),
    "api:stats_calibration": Route(read=instrument_keepers),
    # Her death is recorded by the holding agency's caseworkers and supervisors only.
    "api:case_outcomes": Route(
        write=staff("caseworker", "supervisor", at=("own",)),
        payload={"kind": "died_other", "occurred_on": "2026-01-01"},
    ),
}
EXEMPT = {
    "open_data:index": _PUBLIC,
    "open_data:year": _PUBLIC,
    "open_data:csv": _PUBLIC,
}
