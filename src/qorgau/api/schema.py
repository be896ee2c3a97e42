"""The OpenAPI schema documents the API's one error format on every operation, so clients (and the
fuzz test in tests/fuzz) can rely on it: any 4xx answer is `{"error": {"code", "message", "fields"?}}`."""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": "Stable, machine-readable: invalid, not_found, …"},
                "message": {"type": "string", "description": "One sentence in the caller's language."},
                "fields": {
                    "type": "object",
                    "description": "Only for field problems: the messages of each field.",
                    "additionalProperties": {
                        "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]
                    },
                },
            },
        }
    },
}

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
ERRORS = {
    "400": "The request has errors (see `fields`); nothing was changed.",
    "401": "No token, or a bad or expired one.",
    "403": "Not permitted.",
    "404": "Not found, or not yours to see.",
}
WRITE_ERRORS = {"409": "Someone changed it since you read it: read it again."}
OTHER_ERRORS = {"4XX": "Any other client error (method, media type), in the same format."}
WRITES = {"post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error responses of every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            errors = {**ERRORS, **(WRITE_ERRORS if method in WRITES else {}), **OTHER_ERRORS}
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                responses.setdefault(status, {"description": description, "content": _ERROR})
    return result
