"""The one door: what core declares (tests/doors.py)."""

from tests.doors import Route, signed_in

REFERENCE_MODELS = {
    "core.Region": "the country's regions: public reference data, the same for everyone",
}


ROUTES = {
    "core:home": Route(read=signed_in),
    "api:regions": Route(read=signed_in),
}
EXEMPT = {
    "core:root": "a redirect to the portal or the dashboard; shows nothing itself",
    "core:healthz": "the load balancer's health check: 'ok' or an error, nothing else",
}
