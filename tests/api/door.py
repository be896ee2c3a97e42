"""The one door: the API's own routes in the matrix (tests/doors.py)."""

EXEMPT = {
    "api:schema": "the public OpenAPI schema: describes operations, holds no data",
    "api:docs": "the API's documentation page: the public schema rendered",
    "api:None": "the catch-all that answers unknown API paths with the JSON 404",
}
